/**
 * Event queries in block ranges public RPC providers serve: many refuse an eth_getLogs over more
 * than a few thousand blocks, so "from the zone's creation to now" is asked in pieces.
 */
import type { ContractRunner } from "ethers";
import type {
  TypedContractEvent,
  TypedDeferredTopicFilter,
  TypedEventLog,
} from "../types/ethers-contracts/common.js";

/** Blocks per eth_getLogs request. */
export const LOG_RANGE = 5_000;

/** `query` over [fromBlock, toBlock] in LOG_RANGE-block pieces, one after another, results in order. */
export async function inLogRanges<T>(
  fromBlock: number,
  toBlock: number,
  query: (from: number, to: number) => Promise<readonly T[]>,
): Promise<T[]> {
  const results: T[] = [];
  for (let from = fromBlock; from <= toBlock; from += LOG_RANGE) {
    results.push(...(await query(from, Math.min(toBlock, from + LOG_RANGE - 1))));
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

/** `contract.queryFilter(filter, fromBlock)` up to the latest block, in LOG_RANGE-block requests. */
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
