declare module "virtual:semaphore-artifacts" {
  /** SHA-256 (hex) of the official wasm and zkey of each depth the app serves, computed at build. */
  export const artifactHashes: Record<number, { wasm: string; zkey: string }>;
  export const maxDepth: number;
}
