/**
 * A Hardhat chain whose clock moves only when the test moves it. Hardhat stamps a new block with the
 * wall clock (plus the offset of the last time jump), so a test whose choices depend on chain time
 * (what is still open, which epoch it is) would take other paths on a slower machine, or while a
 * proof is being made. Here every block a transaction or a mine makes is one second after the last,
 * unless the test set the next block's timestamp itself (`time.increase`, `time.increaseTo`,
 * `time.setNextBlockTimestamp`); gas estimates see that same next block. Chain time then depends on
 * the test's own steps only.
 */
import { network } from "hardhat";

/** Methods that make a block (automine), after which the next timestamp is spent. */
const MAKES_A_BLOCK = new Set(["eth_sendTransaction", "eth_sendRawTransaction", "evm_mine", "hardhat_mine"]);
/** Methods that run against the next block: they must see the timestamp that block will get. */
const SEES_NEXT_BLOCK = new Set([...MAKES_A_BLOCK, "eth_estimateGas"]);

interface RequestArguments {
  method: string;
  params?: unknown[] | object;
}

/** A fresh chain of its own, starting at `start`, whose clock is steady (see above). */
export async function chainWithSteadyClock(start: Date) {
  const chain = await network.create({ override: { initialDate: start } });
  const { provider } = chain;
  const forward = provider.request.bind(provider) as (request: RequestArguments) => Promise<unknown>;
  // No lock around the two steps below: Hardhat's own handler for eth_sendTransaction calls back
  // into this provider (fees, gas estimate) before it mines, and a lock would wait on itself.
  let timestampSetByTest = false;

  const latestTimestamp = async () => {
    const block = (await forward({ method: "eth_getBlockByNumber", params: ["latest", false] })) as {
      timestamp: string;
    };
    return BigInt(block.timestamp);
  };

  provider.request = (async (request: RequestArguments) => {
    if (request.method === "evm_setNextBlockTimestamp") {
      const result = await forward(request);
      timestampSetByTest = true;
      return result;
    }
    if (!SEES_NEXT_BLOCK.has(request.method)) return forward(request);
    const explicitMine =
      request.method === "evm_mine" && Array.isArray(request.params) && request.params.length > 0;
    if (!timestampSetByTest && !explicitMine) {
      const next = (await latestTimestamp()) + 1n;
      await forward({ method: "evm_setNextBlockTimestamp", params: [`0x${next.toString(16)}`] });
    }
    try {
      return await forward(request);
    } finally {
      if (MAKES_A_BLOCK.has(request.method)) timestampSetByTest = false;
    }
  }) as typeof provider.request;
  return chain;
}
