/**
 * A zone's dividend rounds from its events (DividendRoundOpened, DividendClaimed,
 * DividendRoundClosed), read in paginated block ranges from the zone's creation block, with each
 * round's electorate (the snapshot of the proposal that opened it: who may claim, and against which
 * root they prove). The zone keeps its rounds private (it is near the code size limit), so the
 * events are the only source. Browser-safe: no `node:` import.
 */
import type { Zone } from "./contracts.js";
import { queryEvents } from "./logs.js";

/** Where a round stands at the latest block. */
export type DividendRoundStatus =
  /** Citizens may claim. */
  | "open"
  /** Every citizen of the snapshot has claimed. */
  | "exhausted"
  /** The claim deadline passed; anyone may close the round. */
  | "over"
  /** Closed: what was not claimed went back to the treasury. */
  | "closed";

export interface DividendRound {
  roundId: bigint;
  /** The proposal whose execution opened the round; its snapshot is the round's electorate. */
  proposalId: bigint;
  /** The token paid (address(0): ether). */
  token: string;
  amountPerCitizen: bigint;
  /** amountPerCitizen x eligibleCount, set aside when the round opened. */
  reserved: bigint;
  /** Unix seconds: claims are taken before it. */
  claimDeadline: bigint;
  /** The electorate's Merkle root and depth (claims prove membership against them). */
  snapshotRoot: bigint;
  snapshotDepth: number;
  /** How many citizens may claim. */
  eligibleCount: bigint;
  claimedCount: bigint;
  /** What is still set aside for its citizens' claims: 0 once closed or exhausted. */
  owed: bigint;
  /** What a closed round gave back to the treasury (0 while open). */
  returned: bigint;
  status: DividendRoundStatus;
  /** The block of DividendRoundOpened. */
  openedBlock: number;
}

/** Every dividend round of `zone`, oldest first, as of the latest block. */
export async function readDividendRounds(
  zone: Zone,
  options: { fromBlock?: number } = {},
): Promise<DividendRound[]> {
  return readRounds(zone, undefined, options.fromBlock ?? 0);
}

/** One round of `zone`, or undefined if the zone has no round `roundId`. */
export async function readDividendRound(
  zone: Zone,
  roundId: bigint,
  options: { fromBlock?: number } = {},
): Promise<DividendRound | undefined> {
  const [round] = await readRounds(zone, roundId, options.fromBlock ?? 0);
  return round;
}

async function readRounds(zone: Zone, roundId: bigint | undefined, from: number): Promise<DividendRound[]> {
  const provider = zone.runner?.provider;
  if (!provider) throw new Error("the zone has no provider to read dividend rounds from");
  const [opened, claimed, closed, latest] = await Promise.all([
    queryEvents(zone, zone.filters.DividendRoundOpened(roundId), from),
    queryEvents(zone, zone.filters.DividendClaimed(roundId), from),
    queryEvents(zone, zone.filters.DividendRoundClosed(roundId), from),
    provider.getBlock("latest"),
  ]);
  const now = BigInt(latest?.timestamp ?? 0);
  const claims = new Map<bigint, bigint>();
  for (const { args } of claimed) claims.set(args.roundId, (claims.get(args.roundId) ?? 0n) + 1n);
  const returnedBy = new Map(closed.map(({ args }) => [args.roundId, args.returned] as const));
  // One view per distinct proposal: the snapshot the round pays (root, depth, eligible count).
  const snapshots = new Map<bigint, Awaited<ReturnType<Zone["getProposal"]>>>();
  for (const proposalId of new Set(opened.map(({ args }) => args.proposalId))) {
    snapshots.set(proposalId, await zone.getProposal(proposalId));
  }
  return opened.map(({ args, blockNumber }) => {
    const snapshot = snapshots.get(args.proposalId)!;
    const claimedCount = claims.get(args.roundId) ?? 0n;
    const returned = returnedBy.get(args.roundId);
    const status: DividendRoundStatus =
      returned !== undefined
        ? "closed"
        : claimedCount >= snapshot.eligibleCount
          ? "exhausted"
          : now >= args.claimDeadline
            ? "over"
            : "open";
    const owed =
      status === "closed" || status === "exhausted"
        ? 0n
        : (snapshot.eligibleCount - claimedCount) * args.amountPerCitizen;
    return {
      roundId: args.roundId,
      proposalId: args.proposalId,
      token: args.token,
      amountPerCitizen: args.amountPerCitizen,
      reserved: args.reserved,
      claimDeadline: args.claimDeadline,
      snapshotRoot: snapshot.snapshotRoot,
      snapshotDepth: Number(snapshot.snapshotDepth),
      eligibleCount: snapshot.eligibleCount,
      claimedCount,
      owed,
      returned: returned ?? 0n,
      status,
      openedBlock: blockNumber,
    };
  });
}

/** One paid claim of a round. */
export interface DividendClaimPaid {
  nullifier: bigint;
  recipient: string;
  amount: bigint;
  txHash: string;
  blockNumber: number;
}

/**
 * Round `roundId`'s paid claims, in chain order, read from `fromBlock` (the zone's creation block)
 * in sdk/logs.ts's block ranges. The query names only the round: a reader looking for one
 * citizen's claim (its nullifier from nullifierOf(identity, dividendScope(...))) searches the
 * answer itself, so asking tells the RPC nothing about whose claim is looked for.
 */
export async function readDividendClaims(
  zone: Zone,
  roundId: bigint,
  options: { fromBlock?: number } = {},
): Promise<DividendClaimPaid[]> {
  const claims = await queryEvents(zone, zone.filters.DividendClaimed(roundId), options.fromBlock ?? 0);
  return claims.map(({ args, transactionHash, blockNumber }) => ({
    nullifier: args.nullifier,
    recipient: args.recipient,
    amount: args.amount,
    txHash: transactionHash,
    blockNumber,
  }));
}
