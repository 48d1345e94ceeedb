/**
 * The `zonedao` command's compiled form: cli/zonedao.ts and everything it imports (sdk, typed
 * bindings, ethers, snarkjs...) bundled into one JavaScript file by esbuild. Loading TypeScript
 * through tsx costs every command 2-4 s; the bundle starts in a few hundred milliseconds.
 *
 * Plain JavaScript, so that the bin (cli/zonedao.mjs) can check the bundle is current before
 * anything is transpiled. Made by `npm install` (scripts/postinstall.ts) and remade by the bin
 * whenever a source, the contracts' bindings or the installed packages are newer than it.
 */
import { existsSync, readdirSync, renameSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Beside cli/zonedao.ts on purpose: the modules it bundles find the repository (circuits/build.ts,
 * scripts/build.ts) and their packages (createRequire) from import.meta.url, one folder below the
 * root, and the bundle keeps them one folder below it.
 */
export const CLI_BUNDLE = "cli/zonedao.bundle.mjs";

/** Folders whose TypeScript the CLI may import. */
const SOURCE_FOLDERS = ["cli", "sdk", "circuits", "relayer", "scripts"];
/** Files whose change changes the bundle: the typed bindings (rewritten by each compile), the packages. */
const INPUT_FILES = ["types/ethers-contracts/index.ts", "node_modules/.package-lock.json", "package.json"];

function newestTypeScript(folder, newest) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "build") continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) newest = newestTypeScript(path, newest);
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Whether the bundle exists and nothing it is made of changed since (a few hundred stats). */
export function cliBundleIsCurrent(root = ROOT) {
  const bundle = join(root, CLI_BUNDLE);
  if (!existsSync(bundle)) return false;
  let newest = 0;
  for (const file of INPUT_FILES) {
    if (existsSync(join(root, file))) newest = Math.max(newest, statSync(join(root, file)).mtimeMs);
  }
  for (const folder of SOURCE_FOLDERS) newest = newestTypeScript(join(root, folder), newest);
  return statSync(bundle).mtimeMs >= newest;
}

/**
 * Bundles the CLI (about 2 s). Needs the contracts' typed bindings (scripts/build.ts ensureBuild).
 * Written beside the target and renamed, so a command started meanwhile never loads half a file.
 */
export async function buildCliBundle(root = ROOT) {
  const { build } = await import("esbuild");
  const target = join(root, CLI_BUNDLE);
  const partial = `${target}.${process.pid}.tmp`;
  await build({
    entryPoints: [join(root, "cli/zonedao.ts")],
    outfile: partial,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "error",
    // Loaded from node_modules at run time: they find files of their own beside them (__filename,
    // __dirname), which a bundle does not have. web-worker starts its own module as each worker
    // thread (snarkjs's curves use it); fastify and pino belong to `zonedao relayer`.
    external: ["web-worker", "fastify", "@fastify/*", "pino"],
    // Some bundled packages are CommonJS and call require(): give them Node's.
    banner: {
      js: "import { createRequire as zonedaoCreateRequire } from 'node:module'; const require = zonedaoCreateRequire(import.meta.url);",
    },
  });
  renameSync(partial, target);
}
