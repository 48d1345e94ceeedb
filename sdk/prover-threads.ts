/**
 * snarkjs starts worker threads with the first proof or verification and keeps them, in
 * globalThis.curve_bn128, for later ones: until they stop, a script or test run cannot exit.
 * Kept apart from proof.ts so that hardhat.config.ts can import it without loading the prover.
 */
export async function stopProverThreads(): Promise<void> {
  const cached = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
  await cached.curve_bn128?.terminate();
  // Forget the stopped curve so that a later proof builds a new one.
  delete cached.curve_bn128;
}
