/**
 * Event queries in block ranges public RPC providers serve: many refuse an eth_getLogs over more
 * than a few thousand blocks (some over 1,000), so "from the zone's creation to now" is asked in
 * pieces, and a piece the RPC refuses for its size is asked again in halves. The piece size learnt
 * is kept for every later query of the process: the CLI, the relayer, the web app and the audit all
 * read events through here, so they agree on what an RPC serves.
 */
import type { ContractRunner } from "ethers";
import type {
  TypedContractEvent,
  TypedDeferredTopicFilter,
  TypedEventLog,
} from "../types/ethers-contracts/common.js";

/** Blocks per eth_getLogs request to start with. */
export const LOG_RANGE = 5_000;

let logRange = LOG_RANGE;

/** Blocks per eth_getLogs request from now on (an RPC's documented cap, say); halved when refused. */
export function setLogRange(blocks: number): void {
  if (!Number.isSafeInteger(blocks) || blocks < 1)
    throw new RangeError(`a log range is at least 1 block, got ${blocks}`);
  logRange = blocks;
}

/** Blocks per eth_getLogs request now. */
export function currentLogRange(): number {
  return logRange;
}

/**
 * Whether an RPC refused a query for its size ("eth_getLogs is limited to a 1000 block range",
 * "query returned more than 10000 results", "block range is too wide", ...), as ethers reports it.
 */
export function isLogRangeRefusal(error: unknown): boolean {
  const nested = error as {
    message?: unknown;
    error?: { message?: unknown };
    info?: { error?: { message?: unknown } };
  };
  const text = [nested?.message, nested?.error?.message, nested?.info?.error?.message]
    .filter((part) => typeof part === "string")
    .join(" ");
  return /block range|range (is )?too (large|wide|big)|limited to|exceed|too many (results|logs|blocks)|more than \d+ (results|logs|blocks)|response size/i.test(
    text,
  );
}

/**
 * `query` over the first piece of [fromBlock, toBlock], as large as the RPC serves: its results and
 * the piece's last block. A loop that must act on each piece as it comes (the relayer's index) calls
 * this; others call inLogRanges.
 */
export async function logsFrom<T>(
  fromBlock: number,
  toBlock: number,
  query: (from: number, to: number) => Promise<readonly T[]>,
): Promise<{ logs: readonly T[]; to: number }> {
  for (;;) {
    const to = Math.min(toBlock, fromBlock + logRange - 1);
    try {
      return { logs: await query(fromBlock, to), to };
    } catch (error) {
      if (to === fromBlock || !isLogRangeRefusal(error)) throw error;
      logRange = Math.max(1, Math.floor((to - fromBlock + 1) / 2));
    }
  }
}

/** `query` over [fromBlock, toBlock] in pieces the RPC serves, one after another, results in order. */
export async function inLogRanges<T>(
  fromBlock: number,
  toBlock: number,
  query: (from: number, to: number) => Promise<readonly T[]>,
): Promise<T[]> {
  const results: T[] = [];
  for (let from = fromBlock; from <= toBlock;) {
    const piece = await logsFrom(from, toBlock, query);
    results.push(...piece.logs);
    from = piece.to + 1;
  }
  return results;
}

interface EventSource {
  runner: ContractRunner | null;
  queryFilter<E extends TypedContractEvent>(
    filter: TypedDeferredTopicFilter<E>,
    fromBlock?: number,
    toBlock?: number,
  ): Promise<TypedEventLog<E>[]>;
}

/** `contract.queryFilter(filter, fromBlock)` up to the latest block, in pieces the RPC serves. */
export async function queryEvents<E extends TypedContractEvent>(
  contract: EventSource,
  filter: TypedDeferredTopicFilter<E>,
  fromBlock = 0,
): Promise<TypedEventLog<E>[]> {
  const provider = contract.runner?.provider;
  if (!provider) throw new Error("the contract has no provider to read events from");
  const latest = await provider.getBlockNumber();
  return inLogRanges(fromBlock, latest, (from, to) => contract.queryFilter(filter, from, to));
}
