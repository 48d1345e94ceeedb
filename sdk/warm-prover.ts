/**
 * The Semaphore circuit of one depth, kept warm between proofs: its witness calculator compiled and
 * instantiated once (circom_runtime, which snarkjs's fullProve rebuilds for every proof) and its
 * proving key split once (groth16-prover.ts, which also replays the last proof's sums), so a proof
 * is the witness and the Groth16 proof of it. The circuit's inputs are
 * the ones @semaphore-protocol/proof's generateProof gives it, so a proof is the proof it would make.
 * Browser-safe: bytes in, nothing read or fetched.
 */
// The web app's tsconfig includes only web/src, so the ambient module is referenced from its user.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./circom-runtime.d.ts" />
import type { Group, MerkleProof } from "@semaphore-protocol/group";
import type { Identity } from "@semaphore-protocol/identity";
import { packGroth16Proof as untypedPackGroth16Proof } from "@semaphore-protocol/proof";
import { WitnessCalculatorBuilder, type WitnessCalculator } from "circom_runtime";
import type { Groth16Proof } from "snarkjs";
import { Groth16Prover } from "./groth16-prover.js";
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
const packGroth16Proof = untypedPackGroth16Proof as (proof: Groth16Proof) => string[];

/** One depth's circuit, ready to prove. */
export class WarmCircuit {
  /** The witness calculator is one wasm instance: witnesses are made one at a time, in this chain. */
  #witnessTurn: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly depth: number,
    private readonly calculator: WitnessCalculator,
    private readonly groth16: Groth16Prover,
  ) {}

  /** Compiles the circuit's witness calculator, splits its key and builds the curve, once. */
  static async load(depth: number, files: CircuitFiles): Promise<WarmCircuit> {
    const [calculator, groth16] = await Promise.all([
      WitnessCalculatorBuilder(files.wasm),
      Groth16Prover.load(files.zkey),
    ]);
    return new WarmCircuit(depth, calculator, groth16);
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
    // generateProof's input: message and scope hashed.
    const input = {
      ...membershipInputs(identity, merkleProof, this.depth),
      scope: semaphoreHash(scope),
      message: semaphoreHash(message),
    };
    const { points, publicSignals } = await this.proveInput(input);
    // The circuit's outputs: the root its path gives and the nullifier (then message and scope).
    const [root, nullifier] = publicSignals as [bigint, bigint];
    if (root !== BigInt(merkleProof.root)) {
      throw new Error("the Merkle proof's siblings do not give its root");
    }
    return { merkleTreeRoot: root, nullifier, points };
  }

  /**
   * A proof for any input of this circuit (the sealed ballot's prover gives its own): its packed
   * points, as contracts take them, and its public signals.
   */
  async proveInput(
    input: Record<string, unknown>,
  ): Promise<{ points: PackedProof; publicSignals: bigint[] }> {
    const witness = this.#witnessTurn.then(() => this.calculator.calculateWTNSBin(input, true));
    this.#witnessTurn = witness.catch(() => undefined);
    const { proof, publicSignals } = await this.groth16.prove(await witness);
    return {
      points: packGroth16Proof(proof).map(BigInt) as PackedProof,
      publicSignals: publicSignals.map(BigInt),
    };
  }
}

/**
 * The Semaphore template's membership inputs (also the sealed ballot's, which contains it): the
 * levels the proof has, its siblings padded with 0 to the circuit's depth (the circuit ignores the
 * levels past merkleProofLength).
 */
export function membershipInputs(identity: Identity, merkleProof: MerkleProof, depth: number) {
  if (merkleProof.siblings.length > depth) {
    throw new Error(`a Merkle proof of ${merkleProof.siblings.length} levels is deeper than ${depth}`);
  }
  const siblings = [...merkleProof.siblings];
  while (siblings.length < depth) siblings.push(0n);
  return {
    secret: identity.secretScalar,
    merkleProofLength: merkleProof.siblings.length,
    merkleProofIndex: merkleProof.index,
    merkleProofSiblings: siblings,
  };
}

/** The identity's Merkle proof in `group`, which it must be in. */
export function groupProof(identity: Identity, group: Group): MerkleProof {
  const index = group.indexOf(identity.commitment);
  if (index < 0) throw new Error("the identity is not a member of the group");
  return group.generateMerkleProof(index);
}
