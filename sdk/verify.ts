/**
 * Fast off-chain verification of many votes at once: what a relayer runs before it spends gas on
 * castVotes, or an observer runs to recount a proposal.
 *
 * Each verdict is the one the zone would reach for the proof: the same checks on encodings and
 * public inputs, the same official Semaphore v4 keys, and a point is accepted only where the EVM's
 * BN254 precompiles accept it. The proofs are then checked together, with one random linear
 * combination of their Groth16 equations: one pair per proof instead of four, all of them in one
 * multi-Miller loop that squares its accumulator once per step for all the pairs (./pairing.ts),
 * the key's G2 points prepared once, and one final exponentiation per batch.
 *
 * Groth16, for proof i of tree depth d (keys from @zk-kit/semaphore-artifacts; every depth shares
 * alpha, beta and gamma, and has its own delta_d and IC_d):
 *
 *   e(A_i, B_i) = e(alpha, beta) · e(L_i, gamma) · e(C_i, delta_d),
 *   L_i = IC_d[0] + x_i1 IC_d[1] + x_i2 IC_d[2] + x_i3 IC_d[3] + x_i4 IC_d[4],
 *   x_i = [snapshotRoot, nullifier, hash(option), hash(voteScope)].
 *
 * The batch, with secret random weights w_i:
 *
 *   prod_i e(-w_i A_i, B_i) · e((sum_i w_i) alpha, beta) · e(sum_i w_i L_i, gamma)
 *     · prod_d e(sum_{i of depth d} w_i C_i, delta_d) = 1,
 *
 * where the public inputs fold into one multi-exponentiation with 5 bases per depth:
 *
 *   sum_i w_i L_i = sum_d [ (sum_{i of d} w_i) IC_d[0] + sum_j (sum_{i of d} w_i x_ij) IC_d[j] ].
 *
 * Why it is sound: with every point in its order-r group, proof i's own product E_i (left side
 * over right side) lies in the order-r subgroup of GT, and the batch product is prod_i E_i^w_i. If
 * E_j is not 1, then for any fixed other weights a single value of w_j mod r makes the product 1,
 * so a batch holding an invalid proof passes with probability at most 1/(2^128 - 1) when w_j is
 * uniform over 2^128 - 1 distinct nonzero values mod r, as long as whoever made the proofs cannot
 * know the weights: they come from the platform's secure random source, fresh for every batch.
 * (With all weights 1, two forged proofs whose errors cancel, C_1 + D and C_2 - D, would pass
 * together.)
 *
 * The weights are w_i = a_i + lambda b_i mod r, with a_i and b_i uniform 64-bit numbers (not both
 * 0) and lambda the cube root of unity mod r by which G1's endomorphism phi(x, y) = (beta x, y)
 * multiplies (GLV). Then [w_i]A_i = [a_i]A_i + [b_i]phi(A_i) takes one 64-bit double-and-add
 * instead of a 128-bit one, and sum w_i C_i is a multi-exponentiation over C_i and phi(C_i) with
 * 64-bit scalars. Distinct halves give distinct weights: two pairs of halves meet mod r only if
 * their difference (a, b), both below 2^64 in size, has a + lambda b = 0 mod r, a vector of a
 * lattice whose shortest vector is about 2^126.8 long (verify.test.ts reduces it). So w_j is
 * uniform over 2^128 - 1 distinct nonzero values, as the bound above needs.
 *
 * A failed batch does not say which proof is bad: it is split in halves, recursively, until every
 * invalid proof is isolated, so a forged vote cannot sink the honest ones. Its parts keep their
 * weights, so each proof's own pair is Miller-looped once for all the checks it is in, and the bound
 * above holds for each check: an invalid proof passes one of the (at most 2n - 1) checks of a batch
 * of n with probability at most (2n - 1)/(2^128 - 1). When many recent proofs were invalid (a flood
 * of forged ones), a failed batch's proofs are checked one by one instead (INDIVIDUAL_CHECKS_SHARE).
 */
import { buildBn128 } from "ffjavascript";
import { concatBytes } from "./bytes.js";
import { fasterFieldMultiplication } from "./field-multiplication.js";
import { MAX_OPTIONS, MAX_TREE_DEPTH, MIN_TREE_DEPTH, SNARK_SCALAR_FIELD } from "./constants.js";
import {
  engineExtensions,
  engineFunction,
  pairingProduct,
  withEngineMemory,
  type PairingEngine,
  type PairingPair,
  type PreparedG2,
} from "./pairing.js";
import type { DividendClaim, ProposalProof, VoteProof, ZoneContext } from "./prove.js";
import {
  dividendScope,
  invitationScope,
  proposalContentHash,
  sealedProposalContentHash,
  proposalScope,
  semaphoreHash,
  voteScope,
} from "./scope.js";
import type { PackedProof, ZoneAction } from "./types.js";

/** The proposal a vote is for, as the zone stores it: the group's root and depth at its creation. */
export interface VoteSnapshot extends ZoneContext {
  snapshotRoot: bigint;
  snapshotDepth: number;
}

/** One vote to check, with the snapshot of the proposal it is for. */
export interface VoteToVerify {
  vote: VoteProof;
  snapshot: VoteSnapshot;
}

/** One anonymous proposal to check: its content and the proof that authorises it. */
export interface ProposalToVerify {
  proof: ProposalProof;
  options: readonly (readonly ZoneAction[])[];
  description: string;
  /** A sealed proposal's tellers term: its proof binds it with the content (proposeSealed). */
  tellersTerm?: bigint;
  context: ZoneContext;
}

/** One citizen's invitation to check: the newcomer (message) and the proof for its epoch slot. */
export interface InvitationToVerify {
  newcomer: bigint;
  proof: ProposalProof;
  context: ZoneContext;
}

/** One dividend claim to check, with the snapshot (root and depth) of the round it claims from. */
export interface DividendClaimToVerify {
  claim: DividendClaim;
  snapshot: VoteSnapshot;
}

/**
 * Checks Semaphore proofs the way a zone does, many at once: votes, anonymous proposals and dividend
 * claims (all membership proofs, for their own message and scope).
 */
export interface ProofVerifier {
  /**
   * One verdict per vote, in order: true exactly when the zone would accept the vote's proof.
   * Left to the caller, because they depend on chain state: that the proposal is active, that
   * `option` is below its option count (only `option < MAX_OPTIONS` is checked here) and that the
   * nullifier is unused (also within `items`). Like the zone, it ignores `vote.merkleTreeRoot` and
   * `vote.merkleTreeDepth` and uses the snapshot's. Runs on the calling thread, without yielding
   * during the curve arithmetic (about 1.6 ms per vote).
   */
  verifyVotes(items: readonly VoteToVerify[]): Promise<boolean[]>;
  /**
   * One verdict per anonymous proposal's proof, in order: true exactly when its proof is valid for
   * the proposal's content (message) and epoch slot (scope) against `proof.merkleTreeRoot`. Left to
   * the caller: that the root is the zone's current or a recent one, the epoch current, the slot
   * below the zone's proposalsPerEpoch and the nullifier unused.
   */
  verifyProposals(items: readonly ProposalToVerify[]): Promise<boolean[]>;
  /**
   * One verdict per invitation, in order: true exactly when its proof is valid for the newcomer's
   * commitment (message) and invitation slot (scope) against `proof.merkleTreeRoot`. Left to the
   * caller, as for proposals: root recent, epoch current, slot below invitationsPerEpoch, nullifier
   * unused, commitment not already a member.
   */
  verifyInvitations(items: readonly InvitationToVerify[]): Promise<boolean[]>;
  /**
   * One verdict per dividend claim, in order: true exactly when its proof is valid for its
   * recipient (message) and round (scope) against the round's snapshot. Left to the caller: that
   * the round exists and is not exhausted, and that the nullifier is unused.
   */
  verifyDividendClaims(items: readonly DividendClaimToVerify[]): Promise<boolean[]>;
  /**
   * Loads the verification keys of these tree depths now (~50 ms each, tables included, on a busy
   * machine) rather than when a proof first needs one: a relayer loads the depths of its open
   * proposals before it serves.
   */
  loadKeys(depths: readonly number[]): Promise<void>;
  /** Releases the curve and the keys; the verifier cannot be used afterwards. */
  terminate(): Promise<void>;
}

/**
 * The part of ffjavascript's BN254 engine used here. Points are Uint8Arrays in the engine's own
 * (Montgomery) form: 64 bytes affine or 96 bytes Jacobian for G1, 128 or 192 for G2. Scalars are
 * plain little-endian bytes of any length (not Fr elements, which are in Montgomery form).
 * Exported for the tests only.
 */
export interface Bn128 extends PairingEngine {
  /** Order of the base field. */
  q: bigint;
  /** Order of G1, G2 and the scalar field. */
  r: bigint;
  F1: Field;
  F2: Field;
  G1: CurveGroup;
  G2: CurveGroup;
  /** Whether the product of e(g1_k, g2_k) over the argument pairs is 1. Wrong if a g2_k is 0. */
  pairingEq(...points: Point[]): Promise<boolean>;
  terminate(): Promise<void>;
}
type Point = Uint8Array;
interface Field {
  fromObject(value: bigint | readonly bigint[]): Uint8Array;
  neg(element: Uint8Array): Uint8Array;
  mul(a: Uint8Array, b: Uint8Array): Uint8Array;
  exp(base: Uint8Array, exponent: Uint8Array): Uint8Array;
}
interface CurveGroup {
  /** From affine coordinates as bigints (an Fq2 coordinate as [real, imaginary]); (0, 0) is 0. */
  fromObject(coordinates: readonly (bigint | readonly bigint[])[]): Point;
  neg(point: Point): Point;
  add(a: Point, b: Point): Point;
  double(point: Point): Point;
  eq(a: Point, b: Point): boolean;
  isZero(point: Point): boolean;
  toJacobian(point: Point): Point;
  /** Whether the point is on the curve (the point at infinity is). */
  isValid(point: Point): boolean;
  timesScalar(point: Point, scalar: Uint8Array): Point;
  /** sum_k s_k P_k over 64-byte affine (G1) bases and equally long scalars. */
  multiExpAffine(bases: Uint8Array, scalars: Uint8Array): Promise<Point>;
}

/** The key of one depth, as curve points. */
interface DepthKey {
  delta: PreparedG2;
  /** IC[0..4], each with its table of multiples (the public inputs' fixed bases). */
  ic: FixedBaseTable[];
}
/** The key parts every depth shares. */
interface SharedKey {
  alpha: FixedBaseTable;
  beta: PreparedG2;
  gamma: PreparedG2;
  /** e(alpha, beta)'s Miller loop, for the checks of one proof alone (unweighted). */
  alphaBetaMiller: Uint8Array;
  /** alpha, beta and gamma as JSON, to compare with each key loaded later. */
  json: string;
}
/** A Groth16 verification key as snarkjs writes it (the semaphore-N.json files). */
export interface VerificationKeyJson {
  vk_alpha_1: string[];
  vk_beta_2: string[][];
  vk_gamma_2: string[][];
  vk_delta_2: string[][];
  IC: string[][];
}

/** A vote that passed every check but the pairing one. */
interface PreparedProof {
  depth: number;
  a: Point;
  b: Point;
  c: Point;
  /** [root, nullifier, hash(message), hash(scope)], each below r. */
  inputs: readonly bigint[];
  /** Its position in verifyVotes's argument. */
  index: number;
}

/** A proof as a batch check takes it: its weight and its own pair, and that pair's Miller loop once needed. */
interface WeightedProof {
  proof: PreparedProof;
  weight: Weight;
  /** (-w A, B), or none if A or B is 0 (the pairing is then 1). */
  ownPair?: PairingPair;
  /** ownPair's Miller loop, computed once the first check holding the proof failed. */
  ownMiller?: Uint8Array;
}

/**
 * When at least this share of recent proofs was invalid, a failed batch's proofs are checked one by
 * one instead of by halves: (3 - sqrt 5) / 2, above which testing each item alone takes the fewest
 * tests (Ungar, 1960); here a check costs about the same whatever its size (its fixed part, once its
 * proofs' Miller loops are computed), and a proof alone is checked without a weight, with e(alpha,
 * beta)'s Miller loop computed once. A flood of forged proofs then cost ~9 ms each (32 forged in a
 * batch of 32: one failed check, then 32 single checks of ~6 ms) rather than the ~18 ms halving
 * took (timed back to back, against ~2 ms for a valid proof in that batch), and ~5 ms since the
 * engine's field multiplication is ours (field-multiplication.ts; bench: 195 forged a second).
 */
const INDIVIDUAL_CHECKS_SHARE = (3 - Math.sqrt(5)) / 2;
/** The recent proofs that share is averaged over (an exponential moving average). */
const INVALID_SHARE_WINDOW = 64;

const PUBLIC_INPUTS = 4;
/** A weight is low + lambda high (mod r), each half a uniform 64-bit number (see the top). */
const HALF_BYTES = 8;
const UINT256_BOUND = 1n << 256n;

export interface ProofVerifierOptions {
  /**
   * Where the official verification key of a depth comes from. By default, the file in
   * @zk-kit/semaphore-artifacts (Node only); a browser passes keys it fetched and checked itself.
   */
  loadVerificationKey?: (depth: number) => Promise<VerificationKeyJson>;
  /** Told the number of proofs in each pairing check made (a batch's, or a part's of a failed one). */
  onPairingCheck?: (proofs: number) => void;
}

/** The key of `depth` from the locally installed artifacts, imported lazily so browsers can bundle this module. */
async function readInstalledVerificationKey(depth: number): Promise<VerificationKeyJson> {
  const [{ readFile }, { semaphoreArtifacts }] = await Promise.all([
    import("node:fs/promises"),
    import("./artifacts.js"),
  ]);
  return JSON.parse(await readFile(semaphoreArtifacts(depth).verificationKey, "utf8")) as VerificationKeyJson;
}

/**
 * Builds a proof verifier (votes, proposals and dividend claims): one single-thread BN254 curve (for many small operations faster than
 * snarkjs's default worker threads, and it keeps no thread alive) and the official verification
 * keys, each loaded once, when a proof first needs it.
 */
/** Vote scopes whose hash a verifier keeps at most, before it starts again. */
const MAX_SCOPE_HASHES = 4096;

export async function createProofVerifier(options: ProofVerifierOptions = {}): Promise<ProofVerifier> {
  const loadVerificationKey = options.loadVerificationKey ?? readInstalledVerificationKey;
  let curve: Bn128 | undefined = (await buildBn128(true, fasterFieldMultiplication)) as Bn128;
  if (curve.r !== SNARK_SCALAR_FIELD) throw new Error("the bn128 curve's group order is not r");
  const inG2 = g2MembershipTest(curve);
  const pairing = pairingProduct(curve);
  const glv = g1Endomorphism(curve);
  const fixedBase = fixedBaseTables(curve);
  const multiExp = g1MultiExp(curve);
  const keys = new Map<number, Promise<DepthKey>>();
  let shared: SharedKey | undefined;
  /** hash(scope) of each vote scope met ("chainId:zone:proposalId"). */
  const scopeHashes = new Map<string, bigint>();
  const { onPairingCheck } = options;
  /** The share of recent proofs past the cheap checks that were invalid (see INDIVIDUAL_CHECKS_SHARE). */
  const invalidShare = {
    value: 0,
    observe(invalid: number, of: number) {
      if (of === 0) return;
      const kept = (1 - 1 / INVALID_SHARE_WINDOW) ** of;
      this.value = this.value * kept + (invalid / of) * (1 - kept);
    },
  };

  function activeCurve(): Bn128 {
    if (curve === undefined) throw new Error("the proof verifier was terminated");
    return curve;
  }

  function keyFor(depth: number): Promise<DepthKey> {
    let key = keys.get(depth);
    if (key === undefined) {
      key = loadKey(activeCurve(), depth);
      keys.set(depth, key);
      // A failed read is not cached, so that a later call tries again.
      void key.catch(() => keys.delete(depth));
    }
    return key;
  }

  async function loadKey(bn128: Bn128, depth: number): Promise<DepthKey> {
    const what = `the verification key of depth ${depth}`;
    const json = await loadVerificationKey(depth);
    // The batch pairs alpha, beta and gamma once for all depths, which needs them to be the same.
    const sharedJson = JSON.stringify([json.vk_alpha_1, json.vk_beta_2, json.vk_gamma_2]);
    if (shared === undefined) {
      const alpha = g1FromJson(bn128, json.vk_alpha_1);
      const beta = pairing.prepareG2(g2FromJson(bn128, json.vk_beta_2));
      shared = {
        alpha: fixedBase.table(alpha),
        beta,
        gamma: pairing.prepareG2(g2FromJson(bn128, json.vk_gamma_2)),
        alphaBetaMiller: pairing.millerLoop([[alpha, beta]]),
        json: sharedJson,
      };
    }
    if (shared.json !== sharedJson) throw new Error(`${what} has an alpha, beta or gamma of its own`);
    if (json.IC.length !== PUBLIC_INPUTS + 1) throw new Error(`${what} is not a Semaphore v4 key`);
    return {
      delta: pairing.prepareG2(g2FromJson(bn128, json.vk_delta_2)),
      ic: json.IC.map((point) => fixedBase.table(g1FromJson(bn128, point))),
    };
  }

  /** Every check of a vote but the pairing one; undefined if the zone would reject the vote. */
  function prepareVote(
    bn128: Bn128,
    { vote, snapshot }: VoteToVerify,
    index: number,
    scopeHashes: Map<string, bigint>,
  ): PreparedProof | undefined {
    // castVote takes only options below the proposal's option count, which is at most MAX_OPTIONS.
    if (!Number.isSafeInteger(vote.option) || vote.option < 0 || vote.option >= MAX_OPTIONS) return undefined;
    // Outside uint256 it cannot be a castVote argument (nor be ABI encoded into the scope).
    if (!isBelow(vote.proposalId, UINT256_BOUND)) return undefined;
    const scopeKey = `${snapshot.chainId}:${snapshot.zone}:${vote.proposalId}`;
    let scopeHash = scopeHashes.get(scopeKey);
    if (scopeHash === undefined) {
      scopeHash = semaphoreHash(voteScope(snapshot.chainId, snapshot.zone, vote.proposalId));
      scopeHashes.set(scopeKey, scopeHash);
    }
    return prepareStatement(bn128, index, {
      depth: snapshot.snapshotDepth,
      root: snapshot.snapshotRoot,
      nullifier: vote.nullifier,
      messageHash: optionHash(vote.option),
      scopeHash,
      points: vote.points,
    });
  }

  /** Every check of a proposal's proof but the pairing one; undefined if the zone would reject it. */
  function prepareProposal(bn128: Bn128, item: ProposalToVerify, index: number): PreparedProof | undefined {
    const { proof, context } = item;
    // Outside uint256 they cannot be propose arguments (nor be ABI encoded into the scope).
    if (!isBelow(proof.epoch, UINT256_BOUND) || !isBelow(proof.slot, UINT256_BOUND)) return undefined;
    let messageHash: bigint;
    try {
      const content =
        item.tellersTerm === undefined
          ? proposalContentHash(item.options, item.description)
          : sealedProposalContentHash(item.options, item.description, item.tellersTerm);
      messageHash = semaphoreHash(content);
    } catch {
      return undefined; // actions the ABI cannot encode cannot be proposed either
    }
    return prepareStatement(bn128, index, {
      depth: proof.merkleTreeDepth,
      root: proof.merkleTreeRoot,
      nullifier: proof.nullifier,
      messageHash,
      scopeHash: semaphoreHash(proposalScope(context.chainId, context.zone, proof.epoch, proof.slot)),
      points: proof.points,
    });
  }

  /** Every check of an invitation's proof but the pairing one; undefined if the zone would reject it. */
  function prepareInvitation(
    bn128: Bn128,
    { newcomer, proof, context }: InvitationToVerify,
    index: number,
  ): PreparedProof | undefined {
    if (!isBelow(proof.epoch, UINT256_BOUND) || !isBelow(proof.slot, UINT256_BOUND)) return undefined;
    if (!isBelow(newcomer, UINT256_BOUND)) return undefined;
    return prepareStatement(bn128, index, {
      depth: proof.merkleTreeDepth,
      root: proof.merkleTreeRoot,
      nullifier: proof.nullifier,
      messageHash: semaphoreHash(newcomer),
      scopeHash: semaphoreHash(invitationScope(context.chainId, context.zone, proof.epoch, proof.slot)),
      points: proof.points,
    });
  }

  /** Every check of a dividend claim's proof but the pairing one; undefined if the zone would reject it. */
  function prepareDividendClaim(
    bn128: Bn128,
    { claim, snapshot }: DividendClaimToVerify,
    index: number,
  ): PreparedProof | undefined {
    if (!isBelow(claim.roundId, UINT256_BOUND) || !/^0x[0-9a-fA-F]{40}$/.test(claim.recipient))
      return undefined;
    return prepareStatement(bn128, index, {
      depth: snapshot.snapshotDepth,
      root: snapshot.snapshotRoot,
      nullifier: claim.nullifier,
      messageHash: semaphoreHash(BigInt(claim.recipient)),
      scopeHash: semaphoreHash(dividendScope(snapshot.chainId, snapshot.zone, claim.roundId)),
      points: claim.points,
    });
  }

  /** The checks every Semaphore proof gets before the pairing one (see the zone's _useNullifier). */
  function prepareStatement(
    bn128: Bn128,
    index: number,
    statement: {
      depth: number;
      root: bigint;
      nullifier: bigint;
      messageHash: bigint;
      scopeHash: bigint;
      points: readonly bigint[];
    },
  ): PreparedProof | undefined {
    const { q, r } = bn128;
    const { depth, root, nullifier, points } = statement;
    if (!Number.isInteger(depth) || depth < MIN_TREE_DEPTH || depth > MAX_TREE_DEPTH) return undefined;
    // Public inputs must be canonical field elements: x + r passes the pairing check exactly as x
    // does, and a nullifier + r would be a second, distinct nullifier for the same citizen. The
    // zone checks the nullifier, SemaphoreVerifier every input; hash(message) and hash(scope) are
    // below r by construction (keccak256 >> 8).
    if (!isBelow(nullifier, r) || !isBelow(root, r)) return undefined;
    // Coordinates must be base field elements: the precompiles reject one >= q rather than reduce
    // it. (The official single-proof verifier negates A.y as (q - y) mod q in 256-bit arithmetic,
    // so castVote alone lets some A.y >= q through; castVotes's batch verifier does not. An honest
    // prover never makes one.)
    if (!Array.isArray(points) || points.length !== 8) return undefined;
    if (!points.every((coordinate) => isBelow(coordinate, q))) return undefined;
    const [ax, ay, bx1, bx0, by1, by0, cx, cy] = points as PackedProof;
    // (0, 0) encodes the point at infinity, for the precompiles and for ffjavascript alike.
    const a = bn128.G1.fromObject([ax, ay]);
    // Semaphore packs B as the EVM takes it: each Fq2 coordinate with its imaginary part first.
    const b = bn128.G2.fromObject([
      [bx0, bx1],
      [by0, by1],
    ]);
    const c = bn128.G1.fromObject([cx, cy]);
    // The precompiles reject points off the curve, and arithmetic on them would mean nothing.
    // G1 is the whole curve (cofactor 1), so A and C need no subgroup check.
    if (!bn128.G1.isValid(a) || !bn128.G1.isValid(c) || !bn128.G2.isValid(b)) return undefined;
    // The twist curve also has points outside G2, its order-r subgroup. snarkjs does not check
    // this; the pairing precompile rejects such a B, and the batch's soundness needs order r.
    if (!inG2(b)) return undefined;
    const inputs = [root, nullifier, statement.messageHash, statement.scopeHash];
    return { depth, a, b, c, inputs, index };
  }

  /** Each proof with its random weight and its own pair, (-w A, B), for every check it will be in. */
  function weigh(bn128: Bn128, proofs: readonly PreparedProof[]): WeightedProof[] {
    const { G1, G2 } = bn128;
    return proofs.map((proof) => {
      const weight = randomWeight();
      // A term with the point at infinity is 1, and is left out: the engine gets arithmetic on its
      // affine 0 wrong ([w]0 is not 0), and its Miller loop gets a zero G2 point wrong.
      const ownPair: PairingPair | undefined =
        G1.isZero(proof.a) || G2.isZero(proof.b)
          ? undefined
          : [G1.neg(glv.timesWeight(proof.a, weight)), proof.b];
      return { proof, weight, ownPair };
    });
  }

  /** Whether the weighted product of the proofs' equations is 1 (see the top of this file). */
  async function batchHolds(bn128: Bn128, weighted: readonly WeightedProof[]): Promise<boolean> {
    if (shared === undefined) throw new Error("no verification key is loaded");
    const { G1, r } = bn128;
    onPairingCheck?.(weighted.length);
    const pairs: PairingPair[] = [];
    const millerValues: Uint8Array[] = [];
    let weightSum = 0n;
    // Per depth: the bases C_i and phi(C_i) and their scalars (the weights' halves), and the sums
    // of the weights times each public input.
    const depths = new Map<number, { cs: Point[]; halves: Uint8Array[]; icScalars: bigint[] }>();
    for (const { proof, weight, ownPair, ownMiller } of weighted) {
      weightSum += weight.value;
      if (ownMiller !== undefined) millerValues.push(ownMiller);
      else if (ownPair !== undefined) pairs.push(ownPair);
      let sums = depths.get(proof.depth);
      if (sums === undefined) {
        sums = { cs: [], halves: [], icScalars: new Array<bigint>(PUBLIC_INPUTS + 1).fill(0n) };
        depths.set(proof.depth, sums);
      }
      if (!G1.isZero(proof.c)) {
        // w C = low C + high phi(C): twice the bases at half the scalar length.
        sums.cs.push(proof.c, glv.phi(proof.c));
        sums.halves.push(scalarBytes(weight.low, HALF_BYTES), scalarBytes(weight.high, HALF_BYTES));
      }
      sums.icScalars[0]! += weight.value;
      for (let j = 0; j < PUBLIC_INPUTS; j++) sums.icScalars[j + 1]! += weight.value * proof.inputs[j]!;
    }
    const icTerms: [FixedBaseTable, bigint][] = [];
    for (const [depth, sums] of depths) {
      const key = await keyFor(depth);
      pairs.push([multiExp(concatBytes(sums.cs), concatBytes(sums.halves), HALF_BYTES), key.delta]);
      sums.icScalars.forEach((sum, j) => icTerms.push([key.ic[j]!, sum % r]));
    }
    pairs.push([fixedBase.sum([[shared.alpha, weightSum % r]]), shared.beta]);
    pairs.push([fixedBase.sum(icTerms), shared.gamma]);
    // Sums that came out as 0 (as a Jacobian point, which the engine does handle) are left out too
    // (the key's G2 points are not 0: preparing one would have thrown).
    return pairing.isOne(
      pairs.filter(([g1]) => !G1.isZero(g1)),
      millerValues,
    );
  }

  /**
   * Whether one proof's own equation holds: e(-A, B) e(alpha, beta) e(L, gamma) e(C, delta) = 1,
   * with L = IC[0] + sum_j x_j IC[j]. Alone, a proof needs no weight, so e(alpha, beta)'s Miller
   * loop is the key's, computed once: one pair fewer than a batch of one (and no weighting).
   */
  async function holdsAlone(bn128: Bn128, proof: PreparedProof): Promise<boolean> {
    const key = await keyFor(proof.depth);
    if (shared === undefined) throw new Error("no verification key is loaded");
    const { G1, G2 } = bn128;
    onPairingCheck?.(1);
    const inputs = fixedBase.sum([
      [key.ic[0]!, 1n],
      ...proof.inputs.map((input, j): [FixedBaseTable, bigint] => [key.ic[j + 1]!, input]),
    ]);
    const pairs: PairingPair[] = [];
    // As in batchHolds, a pair with a 0 point is 1 and is left out.
    if (!G1.isZero(proof.a) && !G2.isZero(proof.b)) pairs.push([G1.neg(proof.a), proof.b]);
    if (!G1.isZero(proof.c)) pairs.push([proof.c, key.delta]);
    if (!G1.isZero(inputs)) pairs.push([inputs, shared.gamma]);
    return pairing.isOne(pairs, [shared.alphaBetaMiller]);
  }

  /**
   * The valid ones among `weighted`: all of them if their check holds, else those found by checking
   * its parts. `knownToFail` skips the check when its outcome is known: its parent failed and the
   * parent's other half held (with the same weights the parent's product is the halves' product).
   */
  async function validAmong(
    bn128: Bn128,
    weighted: readonly WeightedProof[],
    knownToFail = false,
  ): Promise<readonly WeightedProof[]> {
    if (weighted.length === 0) return weighted;
    if (!knownToFail && (await batchHolds(bn128, weighted))) return weighted;
    if (weighted.length === 1) return [];
    if (invalidShare.value >= INDIVIDUAL_CHECKS_SHARE) {
      const valid: WeightedProof[] = [];
      for (const item of weighted) if (await holdsAlone(bn128, item.proof)) valid.push(item);
      return valid;
    }
    // Each proof will be in smaller checks: its own pair's Miller loop, run once now (~1 ms), serves
    // them all, so that each of them costs its fixed part (the key's pairs and the final
    // exponentiation, ~6 ms) and not also a Miller loop per proof in it.
    for (const item of weighted) {
      if (item.ownMiller === undefined && item.ownPair !== undefined)
        item.ownMiller = pairing.millerLoop([item.ownPair]);
    }
    const middle = weighted.length >> 1;
    const firstHalf = weighted.slice(0, middle);
    const validFirst = await validAmong(bn128, firstHalf);
    const validSecond = await validAmong(
      bn128,
      weighted.slice(middle),
      validFirst.length === firstHalf.length,
    );
    return [...validFirst, ...validSecond];
  }

  async function verdictsFor<Item>(
    items: readonly Item[],
    prepare: (bn128: Bn128, item: Item, index: number) => PreparedProof | undefined,
  ): Promise<boolean[]> {
    const bn128 = activeCurve();
    const prepared: PreparedProof[] = [];
    items.forEach((item, index) => {
      const proof = prepare(bn128, item, index);
      if (proof !== undefined) prepared.push(proof);
    });
    // Load the keys first, so that a missing artifact throws rather than reads as a bad proof.
    await Promise.all([...new Set(prepared.map((proof) => proof.depth))].map(keyFor));
    const verdicts = new Array<boolean>(items.length).fill(false);
    const valid = await validAmong(bn128, weigh(bn128, prepared));
    for (const { proof } of valid) verdicts[proof.index] = true;
    invalidShare.observe(prepared.length - valid.length, prepared.length);
    return verdicts;
  }

  return {
    async verifyVotes(items) {
      // Kept between calls (a relayer checks batches of a few votes, ~0.4 ms of hashing each),
      // within bounds: votes name their proposal.
      if (scopeHashes.size > MAX_SCOPE_HASHES) scopeHashes.clear();
      return verdictsFor(items, (bn128, item, index) => prepareVote(bn128, item, index, scopeHashes));
    },
    async verifyProposals(items) {
      return verdictsFor(items, prepareProposal);
    },
    async verifyInvitations(items) {
      return verdictsFor(items, prepareInvitation);
    },
    async verifyDividendClaims(items) {
      return verdictsFor(items, prepareDividendClaim);
    },
    async loadKeys(depths) {
      await Promise.all(depths.map(keyFor));
    },
    async terminate() {
      const released = curve;
      curve = undefined;
      keys.clear();
      shared = undefined;
      await released?.terminate();
    },
  };
}

/**
 * Whether a point of the twist curve is in G2, its order-r subgroup, for the price of one 63-bit
 * scalar multiplication instead of the 254-bit one of [r]P = 0. (The twist's order is r times a
 * cofactor with factors as small as 10069, so neither check can be batched with random weights.)
 *
 * psi is the untwist-Frobenius-twist endomorphism, psi(x, y) = (conj(x) xi^((q-1)/3),
 * conj(y) xi^((q-1)/2)) with xi = 9 + u, the twist's non-residue; on G2 it acts as [q]. For BN254,
 * whose seed z = 4965661367192848881 has z mod 13 != 4 and z mod 97 != 92, a point P of the twist
 * is in G2 exactly when
 *
 *   [z+1]P + psi([z]P) + psi^2([z]P) = psi^3([2z]P)
 *
 * (Dai, Lin, Zhao, Zhou, "Fast subgroup membership testings for G1, G2 and GT on pairing-friendly
 * curves", eprint 2022/348). verify.test.ts compares it with [r]P = 0. Exported for the tests only.
 */
export function g2MembershipTest(bn128: Bn128): (point: Point) => boolean {
  const { F2, G2, q, tm } = bn128;
  const seed = scalarBytes(4965661367192848881n, 8);
  const xi = F2.fromObject([9n, 1n]);
  const psiX = F2.exp(xi, scalarBytes((q - 1n) / 3n, 32));
  const psiY = F2.exp(xi, scalarBytes((q - 1n) / 2n, 32));
  const FQ2_BYTES = 64;
  const JACOBIAN_BYTES = 3 * FQ2_BYTES;
  // The engine's own functions, called on its memory: each step below is one call.
  const [timesScalarAffine, double, add, addMixed, eq, fq2Mul, conjugate] = [
    "g2m_timesScalarAffine",
    "g2m_double",
    "g2m_add",
    "g2m_addMixed",
    "g2m_eq",
    "f2m_mul",
    "f2m_conjugate",
  ].map((name) => engineFunction(bn128, name)) as [Export, Export, Export, Export, Export, Export, Export];
  return (point) => {
    // (0 is in G2; the engine mishandles its affine 0 in the sums below.)
    if (G2.isZero(point)) return true;
    return withEngineMemory(bn128, () => {
      const [x, y] = [tm.allocBuff(psiX), tm.allocBuff(psiY)];
      // On Jacobian coordinates, x = X/Z^2 and y = Y/Z^3, so conjugating Z as well maps them alike.
      const psi = (from: number, to: number) => {
        for (let k = 0; k < 3; k++) conjugate(from + k * FQ2_BYTES, to + k * FQ2_BYTES);
        fq2Mul(to, x, to);
        fq2Mul(to + FQ2_BYTES, y, to + FQ2_BYTES);
      };
      const p = tm.allocBuff(point);
      const [zP, psiZP, left, right] = [0, 0, 0, 0].map(() => tm.alloc(JACOBIAN_BYTES)) as [
        number,
        number,
        number,
        number,
      ];
      timesScalarAffine(p, tm.allocBuff(seed), seed.length, zP);
      addMixed(zP, p, left); // [z+1]P
      psi(zP, psiZP);
      add(left, psiZP, left); // + psi([z]P)
      psi(psiZP, psiZP);
      add(left, psiZP, left); // + psi^2([z]P)
      double(zP, right);
      for (let k = 0; k < 3; k++) psi(right, right); // psi^3([2z]P)
      return eq(left, right) !== 0;
    });
  };
}

/** A fixed G1 point's multiples for {@link fixedBaseTables}: k 16^i P, k = 1..15, i = 0..63, affine. */
export interface FixedBaseTable {
  multiples: Uint8Array;
}

/** 4-bit windows of a scalar below 2^256. */
const WINDOWS = 64;
const WINDOW_MULTIPLES = 15;

/**
 * [s]P for fixed G1 points P (the keys' alpha and IC), from a table of each point's multiples in
 * every 4-bit window of the scalar: 960 affine points (61 kB) per point, made once when its key is
 * loaded. A sum of such terms is one mixed addition per non-zero window and no doubling: about 60
 * additions for a 254-bit scalar. The engine's generic multi-exponentiation (ffjavascript's
 * multiExpAffine), given the five IC points, cut their 254-bit scalars into 1-bit windows, one queued
 * task each, and took ~1.9 ms of a batch's fixed ~12 (on the busy machine it was timed on). The
 * tables stay in JavaScript: the engine's memory (1.6 MB) does not grow. Points not 0, in the
 * engine's affine form. Exported for the tests only.
 */
export function fixedBaseTables(bn128: Bn128): {
  table(point: Point): FixedBaseTable;
  /** sum_k [s_k]P_k (Jacobian, the engine's form), for scalars below 2^256. */
  sum(terms: readonly (readonly [FixedBaseTable, bigint])[]): Point;
} {
  const { tm } = bn128;
  const [zero, copy, add, double, addMixed, batchToAffine] = [
    "g1m_zero",
    "g1m_copy",
    "g1m_add",
    "g1m_double",
    "g1m_addMixed",
    "g1m_batchToAffine",
  ].map((name) => engineFunction(bn128, name)) as [Export, Export, Export, Export, Export, Export];
  const JACOBIAN = 3 * 32;
  const AFFINE = 2 * 32;
  const ENTRIES = WINDOWS * WINDOW_MULTIPLES;
  return {
    table(point) {
      if (bn128.G1.isZero(point)) throw new Error("a fixed base cannot be the point at infinity");
      return withEngineMemory(bn128, () => {
        // Entry (i, k) is (k + 1) 16^i P: none is 0, since r is a prime above 16 that divides no 16^i (k + 1).
        const jacobian = tm.alloc(ENTRIES * JACOBIAN);
        const windowBase = tm.allocBuff(bn128.G1.toJacobian(point));
        for (let i = 0; i < WINDOWS; i++) {
          const first = jacobian + i * WINDOW_MULTIPLES * JACOBIAN;
          copy(windowBase, first);
          for (let k = 1; k < WINDOW_MULTIPLES; k++)
            add(first + (k - 1) * JACOBIAN, windowBase, first + k * JACOBIAN);
          for (let d = 0; d < 4; d++) double(windowBase, windowBase);
        }
        const affine = tm.alloc(ENTRIES * AFFINE);
        batchToAffine(jacobian, ENTRIES, affine);
        return { multiples: tm.getBuff(affine, ENTRIES * AFFINE) };
      });
    },
    sum(terms) {
      // The entries to add, gathered into the engine's memory, then added in one pass.
      const picked: Uint8Array[] = [];
      for (const [{ multiples }, scalar] of terms) {
        const bytes = scalarBytes(scalar, 32);
        for (let i = 0; i < WINDOWS; i++) {
          const digit = (bytes[i >> 1]! >> ((i & 1) * 4)) & 0xf;
          if (digit === 0) continue;
          const entry = (i * WINDOW_MULTIPLES + digit - 1) * AFFINE;
          picked.push(multiples.subarray(entry, entry + AFFINE));
        }
      }
      return withEngineMemory(bn128, () => {
        const sum = tm.alloc(JACOBIAN);
        zero(sum);
        if (picked.length === 0) return tm.getBuff(sum, JACOBIAN);
        const entries = tm.allocBuff(concatBytes(picked));
        for (let k = 0; k < picked.length; k++) addMixed(sum, entries + k * AFFINE, sum);
        return tm.getBuff(sum, JACOBIAN);
      });
    },
  };
}

/**
 * sum_k [s_k]P_k over affine G1 points (64 bytes each, back to back, none 0) and little-endian
 * scalars of `scalarBytes` each, by the engine's own multi-exponentiation in one call. ffjavascript's
 * multiExpAffine reaches the same code through its task queue, one queued task (and one copy of
 * every base and scalar) per window: ~1 ms of a batch's fixed cost spent outside the arithmetic.
 */
function g1MultiExp(bn128: Bn128): (bases: Uint8Array, scalars: Uint8Array, scalarBytes: number) => Point {
  const multiExpAffine = engineFunction(bn128, "g1m_multiexpAffine");
  const { tm } = bn128;
  return (bases, scalars, scalarLength) =>
    withEngineMemory(bn128, () => {
      const count = bases.length / 64;
      if (scalars.length !== count * scalarLength) throw new Error("one scalar per base");
      const sum = tm.alloc(3 * 32);
      multiExpAffine(tm.allocBuff(bases), tm.allocBuff(scalars), scalarLength, count, sum);
      return tm.getBuff(sum, 3 * 32);
    });
}

/** A batch weight: `value` = `low` + lambda `high` (mod r), with 64-bit halves. */
export interface Weight {
  low: bigint;
  high: bigint;
  value: bigint;
}

/** The cube root of unity mod r by which phi multiplies G1 (lambda^2 + lambda + 1 = 0 mod r). */
export const GLV_LAMBDA = 4407920970296243842393367215006156084916469457145843978461n;
/** The cube root of unity mod q with phi(x, y) = (beta x, y) = [lambda](x, y) on G1. */
const GLV_BETA = 2203960485148121921418603742825762020974279258880205651966n;

/**
 * G1's endomorphism phi(x, y) = (beta x, y), which is [lambda] on G1 (the curve y^2 = x^3 + 3 is
 * unchanged by a cube root of unity on x), and [w]P for a weight w = low + lambda high as
 * [low]P + [high]phi(P): one 64-bit double-and-add on both points at once (Straus-Shamir) instead
 * of a 128-bit one. Points in the engine's affine form, not 0. Exported for the tests only.
 */
export function g1Endomorphism(bn128: Bn128): {
  phi(point: Point): Point;
  timesWeight(point: Point, weight: Weight): Point;
} {
  const { F1, tm } = bn128;
  const { timesHalves } = engineExtensions(bn128);
  const beta = F1.fromObject(GLV_BETA);
  const FQ_BYTES = 32;
  const phi = (point: Point) => concatBytes([F1.mul(point.slice(0, FQ_BYTES), beta), point.slice(FQ_BYTES)]);
  return {
    phi,
    timesWeight(point, { low, high }) {
      // One byte per step of the double-and-add, from the top: bit of low | bit of high << 1, read
      // from 32-bit halves (bigint shifts in the loop would cost more).
      const [lowWords, highWords] = [low, high].map((half) => [
        Number(half >> 32n),
        Number(half & 0xffffffffn),
      ]);
      const steps = new Uint8Array(64);
      for (let k = 0; k < 64; k++) {
        const [word, shift] = k < 32 ? [0, 31 - k] : [1, 63 - k];
        steps[k] = ((lowWords![word]! >>> shift) & 1) | (((highWords![word]! >>> shift) & 1) << 1);
      }
      return withEngineMemory(bn128, () => {
        const sum = tm.alloc(3 * FQ_BYTES);
        timesHalves(tm.allocBuff(point), tm.allocBuff(phi(point)), tm.allocBuff(steps), sum);
        return tm.getBuff(sum, 3 * FQ_BYTES);
      });
    },
  };
}

/** hash(option) for each option a vote can have, computed once (a keccak256 each). */
let optionHashes: readonly bigint[] | undefined;
function optionHash(option: number): bigint {
  optionHashes ??= Array.from({ length: MAX_OPTIONS }, (_, value) => semaphoreHash(BigInt(value)));
  return optionHashes[option]!;
}

type Export = ReturnType<typeof engineFunction>;

function isBelow(value: unknown, bound: bigint): value is bigint {
  return typeof value === "bigint" && value >= 0n && value < bound;
}

/**
 * A random nonzero weight low + lambda high (mod r), its halves uniform 64-bit numbers from the
 * platform's secure random source: one of 2^128 - 1 distinct values (see the top of this file).
 */
function randomWeight(): Weight {
  const halves = new BigUint64Array(2);
  while (halves[0] === 0n && halves[1] === 0n) crypto.getRandomValues(halves);
  const [low, high] = halves as unknown as [bigint, bigint];
  return { low, high, value: (low + GLV_LAMBDA * high) % SNARK_SCALAR_FIELD };
}

/** `value` (below 2^(8 length)) as `length` little-endian bytes, as the engine takes scalars. */
function scalarBytes(value: bigint, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let k = 0; k < length; k++) bytes[k] = Number((value >> BigInt(8 * k)) & 0xffn);
  return bytes;
}

function g1FromJson(bn128: Bn128, point: readonly string[]): Point {
  const [x, y, z] = point.map(BigInt);
  if (x === undefined || y === undefined || z !== 1n) throw new Error("expected an affine G1 point");
  return bn128.G1.fromObject([x, y]);
}

function g2FromJson(bn128: Bn128, point: readonly (readonly string[])[]): Point {
  const [x, y, z] = point.map((coordinate) => coordinate.map(BigInt));
  if (x === undefined || y === undefined || z?.[0] !== 1n || z[1] !== 0n) {
    throw new Error("expected an affine G2 point");
  }
  return bn128.G2.fromObject([x, y]);
}

let sharedVerifier: Promise<ProofVerifier> | undefined;

/**
 * Checks one vote off chain exactly as the zone would (see {@link createProofVerifier}), with a
 * verifier shared by every call. To check many votes, give them all to one verifyVotes call.
 */
export async function verifyVote(vote: VoteProof, snapshot: VoteSnapshot): Promise<boolean> {
  sharedVerifier ??= createProofVerifier();
  const [valid] = await (await sharedVerifier).verifyVotes([{ vote, snapshot }]);
  return valid === true;
}
