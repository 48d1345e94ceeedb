/**
 * The references the benchmark compares ZoneDAO with: the stock @semaphore-protocol/proof prover and
 * snarkjs's Groth16 verifier with the official verification keys, called the way Semaphore does.
 */
import { readFileSync } from "node:fs";
import type { Group, MerkleProof } from "@semaphore-protocol/group";
import type { Identity } from "@semaphore-protocol/identity";
import { generateProof as untypedGenerateProof } from "@semaphore-protocol/proof";
import type { BigNumberish } from "ethers";
import type { Groth16Proof } from "snarkjs";
import { semaphoreArtifacts } from "../sdk/index.js";

/** A proof as @semaphore-protocol/proof returns it (its SemaphoreProof type). */
export interface SemaphoreProof {
  merkleTreeDepth: number;
  merkleTreeRoot: string;
  message: string;
  nullifier: string;
  scope: string;
  points: string[];
}

// @semaphore-protocol/proof's declaration files cannot be followed under NodeNext (see sdk/proof.ts),
// so generateProof arrives typed `any`: this is the signature it declares.
export const generateProof = untypedGenerateProof as (
  identity: Identity,
  groupOrMerkleProof: Group | MerkleProof,
  message: BigNumberish,
  scope: BigNumberish,
  merkleTreeDepth: number,
  snarkArtifacts: { wasm: string; zkey: string },
) => Promise<SemaphoreProof>;

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
