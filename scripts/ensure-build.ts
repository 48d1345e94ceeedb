/**
 * Compiles the contracts and their typed bindings if they are missing or stale (see build.ts).
 * Preloaded before an entry point that imports the sdk, so the bindings exist before its imports
 * load: `node --import tsx --import ./scripts/ensure-build.ts scripts/start.ts`; also `npm install`'s
 * postinstall step.
 */
import { ensureBuild } from "./build.js";

try {
  ensureBuild();
} catch (error) {
  console.error(`ZoneDAO: ${(error as Error).message}`);
  process.exit(1);
}
