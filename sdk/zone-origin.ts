/**
 * Where a zone's history starts: the block of its factory's ZoneCreated event. Every read of a
 * zone's events (show, audit, the relayer's index) starts there, not at block 0, which behind an
 * RPC that serves 1,000 blocks per eth_getLogs would be tens of thousands of requests on a public
 * chain. A deployment file records it for the zones it names; for any other zone it is found here.
 */
import type { Provider } from "ethers";
import { zoneAt, zoneFactoryAt } from "./contracts.js";
import { queryEvents } from "./logs.js";

/**
 * The block in which the factory created the zone at `address`, checked against its ZoneCreated
 * event. The first block where the zone has code is found by bisection over eth_getCode (about 25
 * requests on a chain of 30 million blocks); a node that keeps no old state refuses those, and then
 * the factory's events are searched from `fromBlock` (the factory's deployment block, if known).
 */
export async function zoneCreatedBlock(provider: Provider, address: string, fromBlock = 0): Promise<number> {
  const factory = zoneFactoryAt(await zoneAt(address, provider).factory(), provider);
  const created = factory.filters.ZoneCreated(address);
  const latest = await provider.getBlockNumber();
  const block = await firstBlockWithCode(provider, address, fromBlock, latest).catch(() => undefined);
  // The event is in that block on a node that keeps every block's state. Hardhat's node answers 0x
  // for blocks it reserved with hardhat_mine and has not built yet, so the bisection can land after
  // it: the factory's events are searched then, as for a node without old state.
  const inBlock = block === undefined ? [] : await factory.queryFilter(created, block, block);
  const [event] = inBlock.length > 0 ? inBlock : await queryEvents(factory, created, fromBlock);
  if (event === undefined) {
    throw new Error(`${address} was not created by its factory ${await factory.getAddress()}`);
  }
  return event.blockNumber;
}

/** The first block in [low, high] at whose end `address` has code; it must have code at `high`. */
async function firstBlockWithCode(provider: Provider, address: string, low: number, high: number) {
  if ((await provider.getCode(address, high)) === "0x") throw new Error(`no code at ${address}`);
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if ((await provider.getCode(address, middle)) === "0x") low = middle + 1;
    else high = middle;
  }
  return low;
}
