/**
 * The references the benchmark compares ZoneDAO with: the stock @semaphore-protocol/proof prover and
 * snarkjs's Groth16 verifier with the official verification keys, called the way Semaphore does.
 */
import { readFileSync } from "node:fs";
import type { Groth16Proof } from "snarkjs";
import { semaphoreArtifacts } from "../sdk/index.js";

/** The stock prover, typed once in the sdk (prove.ts), where ZoneDAO's own provers call it too. */
export { generateProof } from "../sdk/prove.js";

/** The official verification key for `depth`, as the ceremony published it (semaphore-D.json). */
export function verificationKey(depth: number): unknown {
  return JSON.parse(readFileSync(semaphoreArtifacts(depth).verificationKey, "utf8"));
}

/**
 * A packed proof (Semaphore's and Solidity's order) in snarkjs's form: B's coordinate halves are
 * swapped, as in @zk-kit/utils' unpackGroth16Proof, which @semaphore-protocol/proof's verifyProof uses.
 */
export function unpackProof(points: readonly bigint[]): Groth16Proof {
  const [a0, a1, b00, b01, b10, b11, c0, c1] = points.map(String) as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    pi_a: [a0, a1],
    pi_b: [
      [b01, b00],
      [b11, b10],
    ],
    pi_c: [c0, c1],
    protocol: "groth16",
    curve: "bn128",
  };
}
