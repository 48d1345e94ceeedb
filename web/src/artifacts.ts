/**
 * Loads the official Semaphore wasm and zkey for a depth from the app's own origin (artifacts/),
 * keeps them in the Cache API, and refuses any file whose SHA-256 differs from the hash embedded at
 * build time. Runs in the prover worker (proofs) and the page (the audit's verification keys).
 */
import type { VerificationKeyJson } from "../../sdk/verify.js";
import { artifactHashes, maxDepth } from "virtual:semaphore-artifacts";

const CACHE_NAME = "zonedao-semaphore-artifacts-v1";

export interface VerifiedArtifacts {
  wasm: Uint8Array;
  zkey: Uint8Array;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function loadVerified(
  url: string,
  expected: string,
  what = "the official Semaphore file",
): Promise<Uint8Array> {
  const cache = typeof caches === "undefined" ? undefined : await caches.open(CACHE_NAME);
  const cached = await cache?.match(url);
  if (cached) {
    const bytes = new Uint8Array(await cached.arrayBuffer());
    if ((await sha256Hex(bytes)) === expected) return bytes;
    await cache?.delete(url); // damaged or stale: fetch again
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const actual = await sha256Hex(bytes);
  if (actual !== expected) {
    throw new Error(`${url} is not ${what} (SHA-256 ${actual}, expected ${expected})`);
  }
  await cache?.put(url, new Response(bytes as BufferSource));
  return bytes;
}

/** The verified wasm and zkey for `depth`; `base` is the app's URL (artifacts/ is under it). */
export async function loadArtifacts(depth: number, base: string): Promise<VerifiedArtifacts> {
  const hashes = artifactHashes[depth];
  if (!hashes) {
    throw new Error(`this app serves proofs up to depth ${maxDepth}; the group needs depth ${depth}`);
  }
  const [wasm, zkey] = await Promise.all([
    loadVerified(new URL(`artifacts/semaphore-${depth}.wasm`, base).href, hashes.wasm),
    loadVerified(new URL(`artifacts/semaphore-${depth}.zkey`, base).href, hashes.zkey),
  ]);
  return { wasm, zkey };
}

/**
 * The sealed ballot circuit's wasm and zkey, from the URLs the app's config names (its server serves
 * the deployment's files), refused unless they have the SHA-256 the config says.
 */
export async function loadSealedBallotFiles(
  files: { wasm: string; zkey: string; wasmSha256: string; zkeySha256: string },
  base: string,
): Promise<VerifiedArtifacts> {
  const [wasm, zkey] = await Promise.all([
    loadVerified(new URL(files.wasm, base).href, files.wasmSha256, "the deployment's sealed ballot file"),
    loadVerified(new URL(files.zkey, base).href, files.zkeySha256, "the deployment's sealed ballot file"),
  ]);
  return { wasm, zkey };
}

/** The official verification key for `depth`, checked like the wasm and zkey: for the audit page. */
export async function loadVerificationKey(depth: number, base: string): Promise<VerificationKeyJson> {
  const hashes = artifactHashes[depth];
  if (!hashes) {
    throw new Error(
      `this app serves keys up to depth ${maxDepth}; a proof of depth ${depth} cannot be checked`,
    );
  }
  const bytes = await loadVerified(new URL(`artifacts/semaphore-${depth}.json`, base).href, hashes.json);
  return JSON.parse(new TextDecoder().decode(bytes)) as VerificationKeyJson;
}
