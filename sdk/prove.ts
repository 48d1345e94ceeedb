/**
 * Proofs for votes, anonymous proposals and dividend claims, made from ceremony artifacts the caller
 * supplies, with the circuit of each depth kept warm between proofs (warm-prover.ts): the proving
 * code Node and browsers share. Browser-safe: nothing here reads files or imports a `node:` module.
 * Node callers use proof.ts, which feeds this the official artifacts installed from npm
 * (artifacts.ts); the web app's prover worker feeds it the files it fetched from its own origin and
 * checked.
 */
import type { Group, MerkleProof } from "@semaphore-protocol/group";
import type { Identity } from "@semaphore-protocol/identity";
import { generateProof as untypedGenerateProof } from "@semaphore-protocol/proof";
import type { BigNumberish } from "ethers";
import { MAX_TREE_DEPTH, MIN_TREE_DEPTH } from "./constants.js";
import { proofDepth } from "./nullifier.js";
import { WarmCircuit, type CircuitFiles } from "./warm-prover.js";
import {
  dividendScope,
  federationScope,
  invitationScope,
  proposalContentHash,
  sealedProposalContentHash,
  proposalScope,
  voteScope,
} from "./scope.js";
import type { PackedProof, ZoneAction } from "./types.js";

/**
 * A depth's proving files for the stock generateProof: paths (Node) or their bytes (snarkjs reads a
 * Uint8Array as an in-memory file).
 */
export interface SnarkArtifacts {
  wasm: string | Uint8Array;
  zkey: string | Uint8Array;
}

/** A proof as @semaphore-protocol/proof makes it (its SemaphoreProof type). */
export interface SemaphoreProof {
  merkleTreeDepth: number;
  merkleTreeRoot: string;
  message: string;
  nullifier: string;
  scope: string;
  points: [string, string, string, string, string, string, string, string];
}

// @semaphore-protocol/proof's declaration files import each other without file extensions, which
// NodeNext module resolution cannot follow, so its functions arrive typed `any`. This is the
// signature it declares, with the depth and artifacts required: without them it downloads the
// artifacts from a CDN, which ZoneDAO never does.
/**
 * The stock @semaphore-protocol/proof generateProof, typed: the reference the benchmarks and a vote
 * test compare the sdk's prover with (which gives its circuit the same inputs).
 */
export const generateProof = untypedGenerateProof as (
  identity: Identity,
  groupOrMerkleProof: Group | MerkleProof,
  message: BigNumberish,
  scope: BigNumberish,
  merkleTreeDepth: number,
  snarkArtifacts: SnarkArtifacts,
) => Promise<SemaphoreProof>;

export type { CircuitFiles } from "./warm-prover.js";

/**
 * Where the wasm and zkey bytes of a tree depth come from: called once per depth by a prover, which
 * keeps the circuit warm after (again only if loading failed), so a browser proves only with bytes
 * it has checked and fetches nothing itself.
 */
export type ArtifactLoader = (depth: number) => CircuitFiles | Promise<CircuitFiles>;

/** What castVote takes, plus what an off-chain checker needs. */
export interface VoteProof {
  proposalId: bigint;
  option: number;
  nullifier: bigint;
  merkleTreeRoot: bigint;
  merkleTreeDepth: number;
  points: PackedProof;
}

/** IZone.ProposalProof. */
export interface ProposalProof {
  merkleTreeRoot: bigint;
  merkleTreeDepth: number;
  epoch: bigint;
  slot: bigint;
  nullifier: bigint;
  points: PackedProof;
}

/** A dividend claim: the payee is the proof's message, so no relayer can redirect the payment. */
export interface DividendClaim {
  roundId: bigint;
  recipient: string;
  nullifier: bigint;
  points: PackedProof;
}

/** IZone.invite's proof (a ProposalProof in shape) for the newcomer `identityCommitment`. */
export interface Invitation {
  identityCommitment: bigint;
  proof: ProposalProof;
}

/** What `FederationGatekeeper.admits` takes as evidence, before ABI encoding (encodeFederationEvidence). */
export interface FederationEvidence {
  merkleTreeRoot: bigint;
  merkleTreeDepth: number;
  nullifier: bigint;
  points: PackedProof;
}

/** Where a proof is meant to count. */
export interface ZoneContext {
  chainId: bigint;
  zone: string;
  /**
   * The depth of the tree a `MerkleProof` is in: for a vote or a dividend claim, the proposal's
   * snapshotDepth (IZone.ProposalView); for the current group, the zone's `merkleTree().depth`.
   * Required with a MerkleProof, which cannot tell it (a LeanIMT proof leaves out the levels without
   * a sibling, so it may list fewer siblings than the depth the zone checks); unused with a Group.
   */
  merkleTreeDepth?: number;
}

/**
 * The group to prove membership of, or the citizen's Merkle proof in it (privateMerkleProof of
 * sdk/private-path.ts, with `merkleTreeDepth` in the context).
 */
export type Membership = Group | MerkleProof;

/**
 * The three ZoneDAO proofs, each made with the artifacts of the group's depth (proofDepth). Plain
 * functions, so they may be taken apart (`const { proveVote } = createProver(...)`).
 */
export interface Prover {
  /**
   * Loads the files of `depth` and readies its circuit (and the curve) without proving: for a caller
   * that knows the depth early and has something else to wait for meanwhile (the web app's worker
   * while it fetches the Merkle path). Proving does it anyway when needed.
   */
  prepare: (depth: number) => Promise<void>;
  /**
   * Proves a vote. `snapshotGroup` must be the group as it was when the proposal was created (its
   * root is the proposal's snapshotRoot; see rebuildGroup's `untilProposal`), or the citizen's
   * Merkle proof in it (privateMerkleProof) with the proposal's snapshotDepth as `merkleTreeDepth`.
   */
  proveVote: (
    identity: Identity,
    snapshotGroup: Membership,
    context: ZoneContext & { proposalId: bigint; option: number },
  ) => Promise<VoteProof>;
  /** Proves membership for an anonymous proposal in `epoch`, using one of the citizen's `slot`s. */
  proveProposal: (
    identity: Identity,
    group: Membership,
    context: ZoneContext & {
      epoch: bigint;
      slot: bigint;
      options: readonly (readonly ZoneAction[])[];
      description: string;
      /** A sealed proposal's tellers term (IZone.proposeSealed): the proof binds it. */
      tellersTerm?: bigint;
    },
  ) => Promise<ProposalProof>;
  /**
   * Proves a citizen's claim on dividend round `roundId`, paid to `recipient`. `snapshotGroup` is
   * the group when the round opened (rebuildGroup's `untilDividendRound`).
   */
  proveDividendClaim: (
    identity: Identity,
    snapshotGroup: Membership,
    context: ZoneContext & { roundId: bigint; recipient: string },
  ) => Promise<DividendClaim>;
  /**
   * Proves a citizen's anonymous invitation of `newcomer` (an identity commitment), using one of
   * the citizen's invitation `slot`s of `epoch` (the zone's proposal epoch). `group`: the zone's
   * current group.
   */
  proveInvitation: (
    identity: Identity,
    group: Membership,
    context: ZoneContext & { epoch: bigint; slot: bigint; newcomer: bigint },
  ) => Promise<Invitation>;
  /**
   * Proves membership of a federation (`federationGroup`, another zone's current group) to admit
   * `newcomer` to `zone` through the FederationGatekeeper at `gatekeeper`.
   */
  proveFederationMembership: (
    identity: Identity,
    federationGroup: Membership,
    context: ZoneContext & { gatekeeper: string; newcomer: bigint },
  ) => Promise<FederationEvidence>;
}

/** What every ZoneDAO proof shares: membership of `group` at its depth, for `message` in `scope`. */
interface MembershipProof {
  merkleTreeRoot: bigint;
  merkleTreeDepth: number;
  nullifier: bigint;
  points: PackedProof;
}

/**
 * A prover that takes each depth's wasm and zkey from `loadArtifacts`, once, and keeps that depth's
 * circuit warm (WarmCircuit) for the proofs after: keep one prover for many proofs.
 */
export function createProver(loadArtifacts: ArtifactLoader): Prover {
  const circuits = new Map<number, Promise<WarmCircuit>>();

  function circuit(depth: number): Promise<WarmCircuit> {
    let loading = circuits.get(depth);
    if (!loading) {
      loading = Promise.resolve(loadArtifacts(depth)).then((files) => WarmCircuit.load(depth, files));
      // A failed load (a file that did not arrive or failed its check) is tried again next time.
      loading.catch(() => circuits.delete(depth));
      circuits.set(depth, loading);
    }
    return loading;
  }

  async function proveMembership(
    identity: Identity,
    membership: Membership,
    context: ZoneContext,
    message: bigint | number,
    scope: bigint,
  ): Promise<MembershipProof> {
    const [depth, groupOrProof] = provingInput(identity, membership, context.merkleTreeDepth);
    const proof = await (await circuit(depth)).prove(identity, groupOrProof, BigInt(message), scope);
    return { ...proof, merkleTreeDepth: depth };
  }

  return {
    async prepare(depth) {
      await circuit(depth);
    },
    async proveVote(identity, snapshotGroup, context) {
      const scope = voteScope(context.chainId, context.zone, context.proposalId);
      const proof = await proveMembership(identity, snapshotGroup, context, context.option, scope);
      return { proposalId: context.proposalId, option: context.option, ...proof };
    },
    async proveProposal(identity, group, context) {
      const scope = proposalScope(context.chainId, context.zone, context.epoch, context.slot);
      const message =
        context.tellersTerm === undefined
          ? proposalContentHash(context.options, context.description)
          : sealedProposalContentHash(context.options, context.description, context.tellersTerm);
      const proof = await proveMembership(identity, group, context, message, scope);
      return { ...proof, epoch: context.epoch, slot: context.slot };
    },
    async proveDividendClaim(identity, snapshotGroup, context) {
      const scope = dividendScope(context.chainId, context.zone, context.roundId);
      const { nullifier, points } = await proveMembership(
        identity,
        snapshotGroup,
        context,
        BigInt(context.recipient),
        scope,
      );
      return { roundId: context.roundId, recipient: context.recipient, nullifier, points };
    },
    async proveInvitation(identity, group, context) {
      const scope = invitationScope(context.chainId, context.zone, context.epoch, context.slot);
      const proof = await proveMembership(identity, group, context, context.newcomer, scope);
      return {
        identityCommitment: context.newcomer,
        proof: { ...proof, epoch: context.epoch, slot: context.slot },
      };
    },
    async proveFederationMembership(identity, federationGroup, context) {
      const scope = federationScope(context.chainId, context.gatekeeper, context.zone);
      return proveMembership(identity, federationGroup, context, context.newcomer, scope);
    },
  };
}

/**
 * The depth to prove at and what to prove from: a group's own depth (proofDepth), or a Merkle
 * proof's given depth, checked so that a wrong one fails here with a reason rather than in the
 * circuit or on chain.
 */
function provingInput(
  identity: Identity,
  membership: Membership,
  merkleTreeDepth: number | undefined,
): [number, Membership] {
  if (!("siblings" in membership)) return [proofDepth(membership), membership];
  if (merkleTreeDepth === undefined) {
    throw new Error(
      "proving from a Merkle proof needs the tree's depth (merkleTreeDepth: the snapshotDepth)",
    );
  }
  if (
    !Number.isInteger(merkleTreeDepth) ||
    merkleTreeDepth < MIN_TREE_DEPTH ||
    merkleTreeDepth > MAX_TREE_DEPTH
  ) {
    throw new Error(
      `a tree depth is between ${MIN_TREE_DEPTH} and ${MAX_TREE_DEPTH}, not ${merkleTreeDepth}`,
    );
  }
  if (membership.siblings.length > merkleTreeDepth) {
    throw new Error(
      `the Merkle proof lists ${membership.siblings.length} siblings, more than the depth ${merkleTreeDepth}`,
    );
  }
  if (BigInt(membership.leaf) !== identity.commitment) {
    throw new Error("the Merkle proof is not of this identity's commitment");
  }
  return [merkleTreeDepth, membership];
}
