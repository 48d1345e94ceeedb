/**
 * Where the official Semaphore v4 ceremony files are: the npm package @zk-kit/semaphore-artifacts,
 * installed locally, so proving never downloads anything.
 */
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { MAX_TREE_DEPTH, MIN_TREE_DEPTH } from "./constants.js";

const require = createRequire(import.meta.url);
const ARTIFACTS_DIR = dirname(require.resolve("@zk-kit/semaphore-artifacts/package.json"));

export interface SnarkArtifactPaths {
  wasm: string;
  zkey: string;
  verificationKey: string;
}

/** The official wasm, zkey and verification key for a tree depth. */
export function semaphoreArtifacts(depth: number): SnarkArtifactPaths {
  if (!Number.isInteger(depth) || depth < MIN_TREE_DEPTH || depth > MAX_TREE_DEPTH) {
    throw new RangeError(
      `tree depth must be an integer from ${MIN_TREE_DEPTH} to ${MAX_TREE_DEPTH}, got ${depth}`,
    );
  }
  const base = join(ARTIFACTS_DIR, `semaphore-${depth}`);
  const paths = { wasm: `${base}.wasm`, zkey: `${base}.zkey`, verificationKey: `${base}.json` };
  if (!existsSync(paths.zkey)) throw new Error(`missing Semaphore artifact ${paths.zkey}: run npm install`);
  return paths;
}
