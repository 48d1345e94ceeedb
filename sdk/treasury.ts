/**
 * A zone's treasury as a citizen reads it, summed from its ledger (ledger.ts `readLedger`): each
 * token's balance over time, the money in and out grouped by the decision that moved it, the
 * dividend rounds still owing, and the relayer refunds paid. Pure functions over the entries, plus
 * one reader for block times, so the web app's treasury page and `zonedao ledger` say the same.
 * Browser-safe.
 */
import { ZeroAddress, formatUnits, getAddress } from "ethers";
import type { LedgerEntry, LedgerSource } from "./ledger.js";

/** The token's balance after the ledger's entries of one block. */
export interface BalancePoint {
  blockNumber: number;
  /** The block's timestamp (unix seconds), when the caller read it (readBlockTimes). */
  time?: number;
  balance: bigint;
}

export interface TokenTreasury {
  /** The ERC-20, or the zero address for ether. */
  token: string;
  /** What the ledger says the zone holds: all in minus all out. */
  balance: bigint;
  /** Of it, what is set aside for open dividend rounds' claims (the zone's reservedFunds). */
  reserved: bigint;
  /** Starts at 0 before the first entry; one point per block with money moving in or out. */
  series: BalancePoint[];
}

/**
 * Money of one token moved by one decision: a proposal (payments it decided, a dividend round's
 * claims), or, for what no proposal decides, its source: receipts (TreasuryReceived), an internal
 * DAO's charter share (IncomeShared), relayers' gas refunds (RelayerRefunded).
 */
export interface DecisionFlow {
  /** The proposal that decided it; undefined for flows grouped by source. */
  proposalId?: bigint;
  /** The source of its entries when no proposal decided it. */
  source?: Extract<LedgerSource, "TreasuryReceived" | "IncomeShared" | "RelayerRefunded">;
  token: string;
  inflow: bigint;
  outflow: bigint;
  /** How many ledger entries it sums. */
  entries: number;
}

/** A dividend round not closed yet, as the ledger says: what it set aside and what it still owes. */
export interface OpenDividendRound {
  roundId: bigint;
  /** The proposal that opened it. */
  proposalId?: bigint;
  token: string;
  reserved: bigint;
  /** Paid to claimants so far. */
  claimed: bigint;
  claims: number;
  /** Still set aside for claims: reserved minus claimed. */
  outstanding: bigint;
  blockNumber: number;
}

export interface RelayerRefunds {
  /** Ether paid back to relayers for the gas of submitting votes. */
  total: bigint;
  count: number;
  byRelayer: { relayer: string; amount: bigint; count: number }[];
}

export interface TreasurySummary {
  /** Ether first, then each token in the order the ledger first met it. */
  tokens: TokenTreasury[];
  /** In the order each decision first moved money. */
  flows: DecisionFlow[];
  rounds: OpenDividendRound[];
  refunds: RelayerRefunds;
  /** The entries summed (only `token`'s when one was asked), in chain order, with their block times. */
  entries: (LedgerEntry & { time?: number })[];
}

/**
 * The treasury summed from `entries` (readLedger's, in chain order). `times` gives block timestamps
 * (readBlockTimes) for the series and entries; `token` keeps one token only.
 */
export function treasurySummary(
  entries: readonly LedgerEntry[],
  options: { times?: ReadonlyMap<number, number>; token?: string } = {},
): TreasurySummary {
  const only = options.token === undefined ? undefined : getAddress(options.token);
  const kept = entries
    .filter((entry) => only === undefined || getAddress(entry.token) === only)
    .map((entry) => ({
      ...entry,
      token: getAddress(entry.token),
      time: options.times?.get(entry.blockNumber),
    }));
  return {
    tokens: tokenTreasuries(kept, only),
    flows: decisionFlows(kept),
    rounds: openDividendRounds(kept),
    refunds: relayerRefunds(kept),
    entries: kept,
  };
}

function tokenTreasuries(
  entries: readonly (LedgerEntry & { time?: number })[],
  only?: string,
): TokenTreasury[] {
  const byToken = new Map<string, TokenTreasury>();
  // Ether is always listed (a zone holds some or none), unless another token was asked for.
  if (only === undefined || only === ZeroAddress) byToken.set(ZeroAddress, empty(ZeroAddress));
  for (const entry of entries) {
    let treasury = byToken.get(entry.token);
    if (!treasury) byToken.set(entry.token, (treasury = empty(entry.token)));
    if (entry.kind === "reserve") treasury.reserved += entry.amount;
    else if (entry.kind === "release") treasury.reserved -= entry.amount;
    else {
      treasury.balance += entry.kind === "in" ? entry.amount : -entry.amount;
      const last = treasury.series.at(-1);
      if (last && last.blockNumber === entry.blockNumber) last.balance = treasury.balance;
      else
        treasury.series.push({ blockNumber: entry.blockNumber, time: entry.time, balance: treasury.balance });
    }
  }
  for (const treasury of byToken.values()) {
    const first = treasury.series[0];
    // Where the line starts: nothing, just before the first money moved.
    if (first) treasury.series.unshift({ blockNumber: first.blockNumber, time: first.time, balance: 0n });
  }
  return [...byToken.values()];
}

function empty(token: string): TokenTreasury {
  return { token, balance: 0n, reserved: 0n, series: [] };
}

function decisionFlows(entries: readonly LedgerEntry[]): DecisionFlow[] {
  const flows = new Map<string, DecisionFlow>();
  for (const entry of entries) {
    if (entry.kind !== "in" && entry.kind !== "out") continue;
    const decided = entry.source === "TreasuryPaid" && entry.proposalId !== undefined;
    const key = `${decided ? `#${entry.proposalId}` : entry.source} ${entry.token}`;
    let flow = flows.get(key);
    if (!flow) {
      flow = decided
        ? { proposalId: entry.proposalId, token: entry.token, inflow: 0n, outflow: 0n, entries: 0 }
        : {
            source: entry.source as NonNullable<DecisionFlow["source"]>,
            token: entry.token,
            inflow: 0n,
            outflow: 0n,
            entries: 0,
          };
      flows.set(key, flow);
    }
    if (entry.kind === "in") flow.inflow += entry.amount;
    else flow.outflow += entry.amount;
    flow.entries += 1;
  }
  return [...flows.values()];
}

function openDividendRounds(entries: readonly LedgerEntry[]): OpenDividendRound[] {
  const rounds = new Map<bigint, OpenDividendRound>();
  const closed = new Set<bigint>();
  for (const entry of entries) {
    if (entry.roundId === undefined) continue;
    if (entry.source === "DividendRoundOpened") {
      rounds.set(entry.roundId, {
        roundId: entry.roundId,
        proposalId: entry.proposalId,
        token: entry.token,
        reserved: entry.amount,
        claimed: 0n,
        claims: 0,
        outstanding: entry.amount,
        blockNumber: entry.blockNumber,
      });
    } else if (entry.source === "DividendClaimed") {
      const round = rounds.get(entry.roundId);
      if (!round) continue; // opened before the ledger's first block
      round.claimed += entry.amount;
      round.claims += 1;
      round.outstanding -= entry.amount;
    } else if (entry.source === "DividendRoundClosed") closed.add(entry.roundId);
  }
  return [...rounds.values()].filter((round) => !closed.has(round.roundId));
}

function relayerRefunds(entries: readonly LedgerEntry[]): RelayerRefunds {
  const byRelayer = new Map<string, { relayer: string; amount: bigint; count: number }>();
  let total = 0n;
  let count = 0;
  for (const entry of entries) {
    if (entry.source !== "RelayerRefunded") continue;
    total += entry.amount;
    count += 1;
    const relayer = getAddress(entry.counterparty);
    const paid = byRelayer.get(relayer) ?? { relayer, amount: 0n, count: 0 };
    paid.amount += entry.amount;
    paid.count += 1;
    byRelayer.set(relayer, paid);
  }
  return { total, count, byRelayer: [...byRelayer.values()] };
}

/** The blocks' timestamps the provider can give, each distinct block asked once. */
interface BlockSource {
  getBlock(blockNumber: number): Promise<{ timestamp: number } | null>;
}

/** How many getBlock requests are in flight at once (ethers batches concurrent ones into one HTTP call). */
export const BLOCK_TIME_BATCH = 20;

/**
 * The timestamp of each distinct block among `blockNumbers` (unix seconds), asked once per block,
 * BLOCK_TIME_BATCH at a time.
 */
export async function readBlockTimes(
  provider: BlockSource,
  blockNumbers: Iterable<number>,
): Promise<Map<number, number>> {
  const distinct = [...new Set(blockNumbers)].sort((a, b) => a - b);
  const times = new Map<number, number>();
  for (let start = 0; start < distinct.length; start += BLOCK_TIME_BATCH) {
    const batch = distinct.slice(start, start + BLOCK_TIME_BATCH);
    const blocks = await Promise.all(batch.map((blockNumber) => provider.getBlock(blockNumber)));
    blocks.forEach((block, index) => {
      if (!block) throw new Error(`the chain does not have block ${batch[index]}`);
      times.set(batch[index]!, block.timestamp);
    });
  }
  return times;
}

/**
 * What a flow is, in words: "proposal #3", "received" (money paid in), "income share to the parent
 * zone", "relayer refunds".
 */
export function flowLabel(flow: Pick<DecisionFlow, "proposalId" | "source">): string {
  if (flow.proposalId !== undefined) return `proposal #${flow.proposalId}`;
  return SOURCE_LABELS[flow.source ?? "TreasuryReceived"];
}

/** Each ledger source in words, for the line of an entry that names no proposal. */
export const SOURCE_LABELS: Record<LedgerSource, string> = {
  TreasuryReceived: "received",
  TreasuryPaid: "paid",
  IncomeShared: "income share to the parent zone",
  RelayerRefunded: "relayer refund",
  DividendRoundOpened: "dividend round opened",
  DividendClaimed: "dividend claimed",
  DividendRoundClosed: "dividend round closed",
};

/** A token's symbol and decimals, when the reader trusts them (its config's, say). */
export interface KnownToken {
  symbol: string;
  decimals: number;
}

/**
 * `amount` of `token` for a reader: "1.5 ETH", "1,000 USDz" for a token in `known`, else the base
 * units and the token's address ("1000 units of 0x1234…abcd"), since any token may call itself USDz.
 */
export function formatTreasuryAmount(
  amount: bigint,
  token: string,
  known: Readonly<Record<string, KnownToken>> = {},
  options: {
    /**
     * Rounds to this many decimals, for reading at a glance: a rounded amount reads "≈0.0014 ETH",
     * one that rounds to nothing "<0.0001 ETH". Exact by default.
     */
    maxFractionDigits?: number;
  } = {},
): string {
  const address = getAddress(token);
  const info =
    address === ZeroAddress
      ? { symbol: "ETH", decimals: 18 }
      : Object.entries(known).find(([key]) => getAddress(key) === address)?.[1];
  if (!info) return `${amount} units of ${address.slice(0, 6)}…${address.slice(-4)}`;
  const negative = amount < 0n;
  const size = negative ? -amount : amount;
  let shown = size;
  const digits = options.maxFractionDigits;
  if (digits !== undefined && info.decimals > digits) {
    const step = 10n ** BigInt(info.decimals - digits);
    shown = ((size + step / 2n) / step) * step;
    if (shown === 0n && size > 0n)
      return `${negative ? "-" : ""}<${formatUnits(step, info.decimals)} ${info.symbol}`;
  }
  const [whole = "0", fraction = "0"] = formatUnits(shown, info.decimals).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const about = shown === size ? "" : "≈";
  return `${about}${negative ? "-" : ""}${fraction === "0" ? grouped : `${grouped}.${fraction}`} ${info.symbol}`;
}

/** The summary as JSON-safe values: bigints as decimal strings. */
export function treasuryJson(summary: TreasurySummary): unknown {
  return JSON.parse(
    JSON.stringify(summary, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value)),
  );
}
