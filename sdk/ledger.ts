/**
 * A zone's treasury ledger, read from the zone's own events: every unit of ether or ERC-20 that
 * entered (TreasuryReceived) or left (TreasuryPaid, naming the proposal that decided it; IncomeShared,
 * an internal DAO's charter share to its parent; RelayerRefunded, ether reimbursing a relayer's gas
 * under the rule maxRelayerRefundPerVote), in chain order. The trade module reports each
 * token movement it makes for a zone (escrow, settlement), so trades are on these events too.
 * Goods (ERC-1155) are not money and are not on it, nor tokens sent to the zone by plain transfer.
 *
 * Beside the money that moves, the money set aside for dividend rounds, which stays in the treasury
 * but only the round's claims may spend: a round's opening sets its whole amount aside
 * (DividendRoundOpened), and each claim paid (DividendClaimed, beside its TreasuryPaid) and the
 * unclaimed rest of a closed round (DividendRoundClosed) releases it.
 */
import { ZeroAddress, getAddress } from "ethers";
import type { Zone } from "./contracts.js";
import { queryEvents } from "./logs.js";

/** The event an entry comes from. */
export type LedgerSource =
  | "TreasuryReceived"
  | "TreasuryPaid"
  | "IncomeShared"
  | "RelayerRefunded"
  | "DividendRoundOpened"
  | "DividendClaimed"
  | "DividendRoundClosed";

export interface LedgerEntry {
  /**
   * "in" and "out" move money; "reserve" sets part of the balance aside for a dividend round's
   * claims and "release" frees it again (a claim paid from it, or what a closed round left).
   */
  kind: "in" | "out" | "reserve" | "release";
  /** The ERC-20, or the zero address for ether. */
  token: string;
  amount: bigint;
  /**
   * The payer or payee: an account, another zone, the trade escrow, a relayer, a dividend's
   * recipient. The zone itself for money set aside and for what a closed round returns.
   */
  counterparty: string;
  /**
   * The proposal that decided a TreasuryPaid outflow (never 0), or that opened a dividend round.
   * IncomeShared follows the charter and RelayerRefunded the rules in force when the votes were
   * submitted, so they name none.
   */
  proposalId?: bigint;
  /** The dividend round of a "reserve" or "release" entry. */
  roundId?: bigint;
  blockNumber: number;
  txHash: string;
  /** The log's index in its block: with blockNumber, the entry's place in chain order. */
  logIndex: number;
  source: LedgerSource;
}

/** The zone's ledger, in chain order; `fromBlock` (the zone's creation block) bounds the queries. */
export async function readLedger(zone: Zone, options: { fromBlock?: number } = {}): Promise<LedgerEntry[]> {
  const from = options.fromBlock ?? 0;
  const [self, received, paid, shared, refunded, opened, claimed, closed] = await Promise.all([
    zone.getAddress(),
    queryEvents(zone, zone.filters.TreasuryReceived(), from),
    queryEvents(zone, zone.filters.TreasuryPaid(), from),
    queryEvents(zone, zone.filters.IncomeShared(), from),
    queryEvents(zone, zone.filters.RelayerRefunded(), from),
    queryEvents(zone, zone.filters.DividendRoundOpened(), from),
    queryEvents(zone, zone.filters.DividendClaimed(), from),
    queryEvents(zone, zone.filters.DividendRoundClosed(), from),
  ]);
  const at = (log: { blockNumber: number; transactionHash: string; index: number }) => ({
    blockNumber: log.blockNumber,
    txHash: log.transactionHash,
    logIndex: log.index,
  });
  const rounds = new Map(opened.map(({ args }) => [args.roundId, args] as const));
  const entries: LedgerEntry[] = [
    ...received.map(({ args, ...log }) => ({
      kind: "in" as const,
      token: args.token,
      amount: args.amount,
      counterparty: args.from,
      source: "TreasuryReceived" as const,
      ...at(log),
    })),
    ...paid.map(({ args, ...log }) => ({
      kind: "out" as const,
      token: args.token,
      amount: args.amount,
      counterparty: args.to,
      proposalId: args.proposalId,
      source: "TreasuryPaid" as const,
      ...at(log),
    })),
    ...shared.map(({ args, ...log }) => ({
      kind: "out" as const,
      token: args.token,
      amount: args.amount,
      counterparty: args.parent,
      source: "IncomeShared" as const,
      ...at(log),
    })),
    ...refunded.map(({ args, ...log }) => ({
      kind: "out" as const,
      token: ZeroAddress,
      amount: args.amount,
      counterparty: args.relayer,
      source: "RelayerRefunded" as const,
      ...at(log),
    })),
    ...opened.map(({ args, ...log }) => ({
      kind: "reserve" as const,
      token: args.token,
      amount: args.reserved,
      counterparty: self,
      proposalId: args.proposalId,
      roundId: args.roundId,
      source: "DividendRoundOpened" as const,
      ...at(log),
    })),
    // A claim of a round opened before `fromBlock` names no token here: it is left out.
    ...claimed.flatMap(({ args, ...log }) => {
      const round = rounds.get(args.roundId);
      if (round === undefined) return [];
      return [
        {
          kind: "release" as const,
          token: round.token,
          amount: args.amount,
          counterparty: args.recipient,
          proposalId: round.proposalId,
          roundId: args.roundId,
          source: "DividendClaimed" as const,
          ...at(log),
        },
      ];
    }),
    ...closed.map(({ args, ...log }) => {
      const round = rounds.get(args.roundId);
      return {
        kind: "release" as const,
        token: args.token,
        amount: args.returned,
        counterparty: self,
        ...(round === undefined ? {} : { proposalId: round.proposalId }),
        roundId: args.roundId,
        source: "DividendRoundClosed" as const,
        ...at(log),
      };
    }),
  ];
  return entries.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
}

/** What the ledger says the zone holds of `token` (the zero address for ether): all in minus all out. */
export function ledgerBalance(entries: readonly LedgerEntry[], token: string): bigint {
  return sumOf(entries, token, "in", "out");
}

/**
 * What the ledger says is set aside of `token` for open dividend rounds (the zone's
 * reservedFunds(token)): all reserved minus all released.
 */
export function ledgerReserved(entries: readonly LedgerEntry[], token: string): bigint {
  return sumOf(entries, token, "reserve", "release");
}

function sumOf(
  entries: readonly LedgerEntry[],
  token: string,
  plus: LedgerEntry["kind"],
  minus: LedgerEntry["kind"],
): bigint {
  const address = getAddress(token);
  let sum = 0n;
  for (const entry of entries) {
    if (getAddress(entry.token) !== address) continue;
    if (entry.kind === plus) sum += entry.amount;
    else if (entry.kind === minus) sum -= entry.amount;
  }
  return sum;
}
