/**
 * The Semaphore circuit of one depth, kept warm between proofs: its witness calculator compiled and
 * instantiated once (circom_runtime, which snarkjs's fullProve rebuilds for every proof) and its zkey
 * bytes held, so a proof is the witness and snarkjs's groth16.prove of it. The circuit's inputs are
 * the ones @semaphore-protocol/proof's generateProof gives it, so a proof is the proof it would make.
 * Browser-safe: bytes in, nothing read or fetched.
 */
/// <reference path="./circom-runtime.d.ts" />
import type { Group, MerkleProof } from "@semaphore-protocol/group";
import type { Identity } from "@semaphore-protocol/identity";
import { packGroth16Proof as untypedPackGroth16Proof } from "@semaphore-protocol/proof";
import { WitnessCalculatorBuilder, type WitnessCalculator } from "circom_runtime";
import * as snarkjs from "snarkjs";
import { semaphoreHash } from "./scope.js";
import type { PackedProof } from "./types.js";

/** A depth's proving files, as bytes (a browser's, checked against their hashes). */
export interface CircuitFiles {
  wasm: Uint8Array;
  zkey: Uint8Array;
}

/** What a Semaphore proof says: the root and nullifier it proves, and its 8 packed values. */
export interface CircuitProof {
  merkleTreeRoot: bigint;
  nullifier: bigint;
  points: PackedProof;
}

// The proof package's declarations are typed `any` under NodeNext (see prove.ts); this is its
// declared signature, over snarkjs's proof object.
const packGroth16Proof = untypedPackGroth16Proof as (proof: snarkjs.Groth16Proof) => string[];

// snarkjs exports the curve builder of its own ffjavascript copy (see verify.ts); @types/snarkjs does
// not declare it. Without `singleThread` it builds the threaded curve groth16.prove uses and keeps it
// in globalThis.curve_bn128, so building it here, ahead, is building it for the first proof.
const { curves } = snarkjs as unknown as {
  curves: { getCurveFromName(name: string): Promise<unknown> };
};

/**
 * Builds snarkjs's bn128 curve (its WebAssembly and worker threads) if no proof or verification has
 * yet: the first proof's extra second, paid while the caller does something else.
 */
export async function warmUpCurve(): Promise<void> {
  await curves.getCurveFromName("bn128");
}

/** One depth's circuit, ready to prove. */
export class WarmCircuit {
  /** The witness calculator is one wasm instance: witnesses are made one at a time, in this chain. */
  #witnessTurn: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly depth: number,
    private readonly calculator: WitnessCalculator,
    private readonly zkey: Uint8Array,
  ) {}

  /** Compiles the circuit's witness calculator and builds the curve, both once. */
  static async load(depth: number, files: CircuitFiles): Promise<WarmCircuit> {
    const [calculator] = await Promise.all([WitnessCalculatorBuilder(files.wasm), warmUpCurve()]);
    return new WarmCircuit(depth, calculator, files.zkey);
  }

  /**
   * Proves that `identity` is the leaf of `membership` (a group it is in, or its Merkle proof) for
   * `message` in `scope`.
   */
  async prove(
    identity: Identity,
    membership: Group | MerkleProof,
    message: bigint,
    scope: bigint,
  ): Promise<CircuitProof> {
    const merkleProof = "siblings" in membership ? membership : groupProof(identity, membership);
    if (merkleProof.siblings.length > this.depth) {
      throw new Error(`a Merkle proof of ${merkleProof.siblings.length} levels is deeper than ${this.depth}`);
    }
    // generateProof's input: the levels the proof has, its siblings padded with 0 to the circuit's
    // depth (the circuit ignores the levels past merkleProofLength), message and scope hashed.
    const siblings = [...merkleProof.siblings];
    while (siblings.length < this.depth) siblings.push(0n);
    const input = {
      secret: identity.secretScalar,
      merkleProofLength: merkleProof.siblings.length,
      merkleProofIndex: merkleProof.index,
      merkleProofSiblings: siblings,
      scope: semaphoreHash(scope),
      message: semaphoreHash(message),
    };
    const witness = this.#witnessTurn.then(() => this.calculator.calculateWTNSBin(input, true));
    this.#witnessTurn = witness.catch(() => undefined);
    const { proof, publicSignals } = await snarkjs.groth16.prove(this.zkey, await witness);
    // The circuit's outputs: the root its path gives and the nullifier (then message and scope).
    const [root, nullifier] = publicSignals.map(BigInt) as [bigint, bigint];
    if (root !== BigInt(merkleProof.root)) {
      throw new Error("the Merkle proof's siblings do not give its root");
    }
    return {
      merkleTreeRoot: root,
      nullifier,
      points: packGroth16Proof(proof).map(BigInt) as PackedProof,
    };
  }
}

/** The identity's Merkle proof in `group`, which it must be in. */
function groupProof(identity: Identity, group: Group): MerkleProof {
  const index = group.indexOf(identity.commitment);
  if (index < 0) throw new Error("the identity is not a member of the group");
  return group.generateMerkleProof(index);
}
