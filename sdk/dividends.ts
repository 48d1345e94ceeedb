/**
 * A dividend round as a citizen sees it, and whether this identity may claim it: browser-safe (no
 * proving, no Node), so the web app asks the chain itself and tells no one who is asking. The zone
 * keeps its rounds private to save code size (ZoneTreasury.sol): DividendRoundOpened,
 * DividendClaimed and DividendRoundClosed say all a getter would, and the opening proposal's
 * snapshot is the round's electorate.
 */
import type { Group } from "@semaphore-protocol/group";
import type { Identity } from "@semaphore-protocol/identity";
import type { Zone } from "./contracts.js";
import { queryEvents } from "./logs.js";
import { nullifierOf } from "./nullifier.js";
import { dividendScope } from "./scope.js";

/** A round as its events and its opening proposal's snapshot say. */
export interface DividendRound {
  roundId: bigint;
  /** The proposal whose execution opened the round: its snapshot is who may claim. */
  proposalId: bigint;
  /** The paid ERC-20 (address(0): ether). */
  token: string;
  amountPerCitizen: bigint;
  /** Unix seconds: claims are taken before it. */
  claimDeadline: bigint;
  /** The electorate: the opening proposal's snapshot (root, depth, size). */
  snapshotRoot: bigint;
  snapshotDepth: number;
  eligibleCount: number;
  /** The nullifiers of the claims made so far, in chain order (each the claimant's, for this round). */
  claimedNullifiers: bigint[];
  /** Closed after its deadline: what was not claimed went back to the treasury. */
  closed: boolean;
}

/** How many claims are made, and what the round still owes if every remaining citizen claims. */
export function roundProgress(round: DividendRound): { claimed: number; owed: bigint } {
  const claimed = round.claimedNullifiers.length;
  const owed = round.closed
    ? 0n
    : BigInt(Math.max(0, round.eligibleCount - claimed)) * round.amountPerCitizen;
  return { claimed, owed };
}

/**
 * Round `roundId` of `zone`, or undefined if the zone has no such round. Events are read from
 * `fromBlock` (the zone's creation block) in sdk/logs.ts's block ranges, so a zone with years of
 * history reads correctly from providers that cap eth_getLogs.
 */
export async function readDividendRound(
  zone: Zone,
  roundId: bigint,
  fromBlock = 0,
): Promise<DividendRound | undefined> {
  const [opened, claims, closings] = await Promise.all([
    queryEvents(zone, zone.filters.DividendRoundOpened(roundId), fromBlock),
    queryEvents(zone, zone.filters.DividendClaimed(roundId), fromBlock),
    queryEvents(zone, zone.filters.DividendRoundClosed(roundId), fromBlock),
  ]);
  const [opening] = opened;
  if (!opening) return undefined;
  const proposal = await zone.getProposal(opening.args.proposalId);
  return {
    roundId,
    proposalId: opening.args.proposalId,
    token: opening.args.token,
    amountPerCitizen: opening.args.amountPerCitizen,
    claimDeadline: opening.args.claimDeadline,
    snapshotRoot: proposal.snapshotRoot,
    snapshotDepth: Number(proposal.snapshotDepth),
    eligibleCount: Number(proposal.eligibleCount),
    claimedNullifiers: claims.map((claim) => claim.args.nullifier),
    closed: closings.length > 0,
  };
}

/**
 * Where one identity stands with a round, in the order that matters to it: a claim it made is
 * "claimed" even once the round closed; then whether it is in the electorate at all; then whether
 * the round still pays.
 */
export type DividendClaimStatus =
  | { kind: "claimable" }
  | { kind: "claimed" }
  /** Not in the opening proposal's snapshot: joined later, or not a citizen. */
  | { kind: "not-eligible" }
  /** Every citizen of the electorate has claimed (only possible if this one already has, or a bug). */
  | { kind: "exhausted" }
  /** The claim period is over (the round may still be open for closing). */
  | { kind: "over" }
  /** Closed: what was not claimed went back to the treasury. */
  | { kind: "closed" };

/**
 * Whether `identity` may claim `round`, has claimed it, or cannot. Its nullifier for the round is
 * computed here and looked for among the round's claims: it never leaves this function, so asking
 * tells no relayer or RPC which citizen is asking (as the vote page does with VoteCast).
 * `electorate` is the group whose root is the round's snapshot root (rebuildGroup's
 * `untilDividendRound`); `now` is the chain's time in unix seconds.
 */
export function dividendClaimStatus(
  round: DividendRound,
  identity: Identity,
  electorate: Group,
  context: { chainId: bigint; zone: string; now: bigint },
): DividendClaimStatus {
  const nullifier = nullifierOf(identity, dividendScope(context.chainId, context.zone, round.roundId));
  if (round.claimedNullifiers.includes(nullifier)) return { kind: "claimed" };
  if (electorate.root !== round.snapshotRoot) {
    throw new Error(`the group given is not round ${round.roundId}'s electorate (its root differs)`);
  }
  if (electorate.indexOf(identity.commitment) < 0) return { kind: "not-eligible" };
  if (round.closed) return { kind: "closed" };
  if (context.now >= round.claimDeadline) return { kind: "over" };
  if (round.claimedNullifiers.length >= round.eligibleCount) return { kind: "exhausted" };
  return { kind: "claimable" };
}
