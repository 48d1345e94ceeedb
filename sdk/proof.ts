/**
 * Proofs for votes, anonymous proposals and dividend claims, made with the stock
 * @semaphore-protocol/proof and the official ceremony artifacts (checking them is verify.ts).
 */
import type { Group } from "@semaphore-protocol/group";
import type { Identity } from "@semaphore-protocol/identity";
import { generateProof as untypedGenerateProof } from "@semaphore-protocol/proof";
export { stopProverThreads } from "./prover-threads.js";
import { semaphoreArtifacts } from "./artifacts.js";
import { dividendScope, proposalContentHash, proposalScope, voteScope } from "./scope.js";
import { proofDepth } from "./nullifier.js";
export { nullifierOf, proofDepth } from "./nullifier.js";
import type { PackedProof, ZoneAction } from "./types.js";

/** A proof as @semaphore-protocol/proof makes it (its SemaphoreProof type). */
interface SemaphoreProof {
  merkleTreeDepth: number;
  merkleTreeRoot: string;
  message: string;
  nullifier: string;
  scope: string;
  points: [string, string, string, string, string, string, string, string];
}

// @semaphore-protocol/proof's declaration files import each other without file extensions, which
// NodeNext module resolution cannot follow, so its functions arrive typed `any`. These are the
// signatures it declares, narrowed to how the sdk calls them.
const generateProof = untypedGenerateProof as (
  identity: Identity,
  group: Group,
  message: bigint | number,
  scope: bigint,
  merkleTreeDepth: number,
  snarkArtifacts: { wasm: string; zkey: string },
) => Promise<SemaphoreProof>;

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

/** Where a proof is meant to count. */
export interface ZoneContext {
  chainId: bigint;
  zone: string;
}

/** What every ZoneDAO proof shares: membership of `group` at its depth, for `message` in `scope`. */
interface MembershipProof {
  merkleTreeRoot: bigint;
  merkleTreeDepth: number;
  nullifier: bigint;
  points: PackedProof;
}

async function proveMembership(
  identity: Identity,
  group: Group,
  message: bigint | number,
  scope: bigint,
): Promise<MembershipProof> {
  const depth = proofDepth(group);
  const proof = await generateProof(identity, group, message, scope, depth, semaphoreArtifacts(depth));
  return {
    merkleTreeRoot: BigInt(proof.merkleTreeRoot),
    merkleTreeDepth: depth,
    nullifier: BigInt(proof.nullifier),
    points: toPackedProof(proof.points),
  };
}

/**
 * Proves a vote. `snapshotGroup` must be the group as it was when the proposal was created (its root
 * is the proposal's snapshotRoot); see rebuildGroup's `untilProposal`.
 */
export async function proveVote(
  identity: Identity,
  snapshotGroup: Group,
  context: ZoneContext & { proposalId: bigint; option: number },
): Promise<VoteProof> {
  const scope = voteScope(context.chainId, context.zone, context.proposalId);
  const proof = await proveMembership(identity, snapshotGroup, context.option, scope);
  return { proposalId: context.proposalId, option: context.option, ...proof };
}

/** Proves membership for an anonymous proposal in `epoch`, using one of the citizen's `slot`s. */
export async function proveProposal(
  identity: Identity,
  group: Group,
  context: ZoneContext & {
    epoch: bigint;
    slot: bigint;
    options: readonly (readonly ZoneAction[])[];
    description: string;
  },
): Promise<ProposalProof> {
  const scope = proposalScope(context.chainId, context.zone, context.epoch, context.slot);
  const message = proposalContentHash(context.options, context.description);
  const proof = await proveMembership(identity, group, message, scope);
  return { ...proof, epoch: context.epoch, slot: context.slot };
}

/** A dividend claim: the payee is the proof's message, so no relayer can redirect the payment. */
export interface DividendClaim {
  roundId: bigint;
  recipient: string;
  nullifier: bigint;
  points: PackedProof;
}

/**
 * Proves a citizen's claim on dividend round `roundId`, paid to `recipient`. `snapshotGroup` is the
 * group when the round opened (rebuildGroup's `untilDividendRound`).
 */
export async function proveDividendClaim(
  identity: Identity,
  snapshotGroup: Group,
  context: ZoneContext & { roundId: bigint; recipient: string },
): Promise<DividendClaim> {
  const scope = dividendScope(context.chainId, context.zone, context.roundId);
  const { nullifier, points } = await proveMembership(
    identity,
    snapshotGroup,
    BigInt(context.recipient),
    scope,
  );
  return { roundId: context.roundId, recipient: context.recipient, nullifier, points };
}

function toPackedProof(points: readonly (string | bigint)[]): PackedProof {
  if (points.length !== 8) throw new Error(`a packed Groth16 proof has 8 values, got ${points.length}`);
  return points.map((point) => BigInt(point)) as PackedProof;
}
