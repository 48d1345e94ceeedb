/**
 * A zone's treasury ledger, read from the zone's own events: every unit of ether or ERC-20 that
 * entered (TreasuryReceived) or left (TreasuryPaid, naming the proposal that decided it; IncomeShared,
 * an internal DAO's charter share to its parent; RelayerRefunded, ether reimbursing a relayer's gas
 * under the rule maxRelayerRefundPerVote), in chain order. The trade module reports each
 * token movement it makes for a zone (escrow, settlement), so trades are on these events too.
 * Goods (ERC-1155) are not money and are not on it, nor tokens sent to the zone by plain transfer.
 */
import { ZeroAddress, getAddress } from "ethers";
import type { Zone } from "./contracts.js";
import { queryEvents } from "./logs.js";

/** The event an entry comes from. */
export type LedgerSource = "TreasuryReceived" | "TreasuryPaid" | "IncomeShared" | "RelayerRefunded";

export interface LedgerEntry {
  kind: "in" | "out";
  /** The ERC-20, or the zero address for ether. */
  token: string;
  amount: bigint;
  /** The payer or payee: an account, another zone, the trade escrow, a relayer. */
  counterparty: string;
  /**
   * The proposal that decided a TreasuryPaid outflow (never 0). IncomeShared follows the charter and
   * RelayerRefunded the rules in force when the votes were submitted, so they name none.
   */
  proposalId?: bigint;
  blockNumber: number;
  txHash: string;
  /** The log's index in its block: with blockNumber, the entry's place in chain order. */
  logIndex: number;
  source: LedgerSource;
}

/** The zone's ledger, in chain order; `fromBlock` (the zone's creation block) bounds the queries. */
export async function readLedger(zone: Zone, options: { fromBlock?: number } = {}): Promise<LedgerEntry[]> {
  const from = options.fromBlock ?? 0;
  const [received, paid, shared, refunded] = await Promise.all([
    queryEvents(zone, zone.filters.TreasuryReceived(), from),
    queryEvents(zone, zone.filters.TreasuryPaid(), from),
    queryEvents(zone, zone.filters.IncomeShared(), from),
    queryEvents(zone, zone.filters.RelayerRefunded(), from),
  ]);
  const at = (log: { blockNumber: number; transactionHash: string; index: number }) => ({
    blockNumber: log.blockNumber,
    txHash: log.transactionHash,
    logIndex: log.index,
  });
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
  ];
  return entries.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
}

/** What the ledger says the zone holds of `token` (the zero address for ether): all in minus all out. */
export function ledgerBalance(entries: readonly LedgerEntry[], token: string): bigint {
  const address = getAddress(token);
  let balance = 0n;
  for (const entry of entries) {
    if (getAddress(entry.token) === address) balance += entry.kind === "in" ? entry.amount : -entry.amount;
  }
  return balance;
}
