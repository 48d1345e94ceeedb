/** Stand-ins for identity commitments, made fast enough to fill a group of a million. */
import { createHash } from "node:crypto";

/** 31 bytes, so every value is below the BN254 scalar field order r, as a commitment is. */
const COMMITMENT_BYTES = 31;

/**
 * `count` distinct-looking field elements, the same for the same `seed` (so every run builds the
 * same tree): consecutive slices of one SHAKE256 output. Hashing a million real identities would
 * take a million Poseidon hashes; a group's cost does not depend on where its leaves come from.
 */
export function fakeCommitments(count: number, seed: string): bigint[] {
  const stream = createHash("shake256", { outputLength: count * COMMITMENT_BYTES })
    .update(seed)
    .digest();
  const commitments = new Array<bigint>(count);
  for (let i = 0; i < count; i++) {
    const value = BigInt(`0x${stream.toString("hex", i * COMMITMENT_BYTES, (i + 1) * COMMITMENT_BYTES)}`);
    // A zero leaf means a removed member; 31 zero bytes in a row will not happen, but be exact.
    commitments[i] = value === 0n ? 1n : value;
  }
  return commitments;
}
