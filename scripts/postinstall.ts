/**
 * `npm install`'s last step: the contracts and their typed bindings (scripts/build.ts), the compiled
 * `zonedao` command (scripts/cli-bundle.mjs), and the command linked into node_modules/.bin, which
 * npm does for a package's dependencies but not for the package itself. So in a checkout,
 * `npx zonedao` and `node_modules/.bin/zonedao` start in a fraction of a second.
 */
import { chmodSync, lstatSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { ensureBuild } from "./build.js";
import { buildCliBundle } from "./cli-bundle.mjs";

const BIN = "cli/zonedao.mjs";
const LINK = "node_modules/.bin/zonedao";

function linkBin(): void {
  mkdirSync("node_modules/.bin", { recursive: true });
  try {
    if (lstatSync(LINK)) rmSync(LINK);
  } catch {
    // No link yet.
  }
  // Relative, as npm links dependencies' bins, so the checkout can move.
  symlinkSync(join("..", "..", BIN), LINK);
  chmodSync(BIN, 0o755);
}

try {
  ensureBuild();
  await buildCliBundle();
  linkBin();
} catch (error) {
  console.error(`ZoneDAO: ${(error as Error).message}`);
  process.exit(1);
}
