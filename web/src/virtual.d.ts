declare module "virtual:semaphore-artifacts" {
  /** SHA-256 (hex) of the official wasm, zkey and verification key (json) of each depth served, computed at build. */
  export const artifactHashes: Record<number, { wasm: string; zkey: string; json: string }>;
  export const maxDepth: number;
}
