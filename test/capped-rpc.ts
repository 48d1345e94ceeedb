/**
 * An RPC that refuses eth_getLogs over more than a number of blocks, as public RPC providers do
 * ("query exceeds max block range 1000", code -32600), so a test meets the refusal the sdk's event
 * reads must split their ranges for. The refusal is written once here; tampering-rpc.ts makes it too.
 */
import { nodeAt, startRpcBridge, type JsonRpcNode } from "./rpc-bridge.js";

/** The block range of an eth_getLogs filter: block numbers in hex, or tags. */
export interface LogFilter {
  fromBlock?: string;
  toBlock?: string;
  address?: string;
}

/** How many blocks `filter` spans on `node`; a tag (or no bound) counts as the latest block. */
export async function blocksSpanned(node: JsonRpcNode, { fromBlock, toBlock }: LogFilter): Promise<number> {
  const blockNumber = async (tag = "latest") =>
    tag.startsWith("0x") ? Number(tag) : Number(await node.request({ method: "eth_blockNumber" }));
  return (await blockNumber(toBlock)) - (await blockNumber(fromBlock)) + 1;
}

/** The error a public RPC answers an eth_getLogs over more than `maxLogRange` blocks with. */
export function logRangeRefusal(maxLogRange: number): Error {
  return Object.assign(new Error(`query exceeds max block range ${maxLogRange}`), { code: -32600 });
}

export interface CappedRpc {
  url: string;
  /** Every eth_getLogs asked so far: its span in blocks and whether it was refused (clear it at will). */
  logRequests: { blocks: number; refused: boolean }[];
  close(): Promise<void>;
}

/** Serves the node at `upstreamUrl`, refusing eth_getLogs over more than `maxLogRange` blocks. */
export async function startCappedRpc(upstreamUrl: string, maxLogRange: number): Promise<CappedRpc> {
  const upstream = nodeAt(upstreamUrl);
  const logRequests: CappedRpc["logRequests"] = [];
  const bridge = await startRpcBridge({
    provider: upstream,
    async rewrite(method, result, params) {
      if (method !== "eth_getLogs") return result;
      const blocks = await blocksSpanned(upstream, params[0] as LogFilter);
      const refused = blocks > maxLogRange;
      logRequests.push({ blocks, refused });
      if (refused) throw logRangeRefusal(maxLogRange);
      return result;
    },
  });
  return { url: bridge.url, logRequests, close: () => bridge.close() };
}
