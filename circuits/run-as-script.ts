import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Whether the module at `moduleUrl` (its import.meta.url) is the script node was started with, not
 * a module imported by a test or a command. A .ts module only: bundled into the compiled zonedao
 * command (scripts/cli-bundle.mjs), import.meta.url is the bundle's, which is then the script.
 */
export function isRunAsScript(moduleUrl: string): boolean {
  return (
    moduleUrl.endsWith(".ts") &&
    process.argv[1] !== undefined &&
    path.resolve(process.argv[1]) === fileURLToPath(moduleUrl)
  );
}
