/**
 * A lying JSON-RPC node for audit tests: it serves the tests' in-process Hardhat chain over HTTP, as
 * test/rpc-bridge.ts does, but passes some answers through a rewrite first (logs dropped or changed,
 * a transaction's input altered), so a test can check that an auditor reading through it notices.
 */
import { blocksSpanned, logRangeRefusal, type LogFilter } from "./capped-rpc.js";
import { startRpcBridge } from "./rpc-bridge.js";
import { connection } from "./zone-fixture.js";

/** A log as eth_getLogs returns it (quantities as hex strings). */
export interface RpcLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  transactionHash: string;
  logIndex: string;
  [field: string]: unknown;
}

/** A transaction as eth_getTransactionByHash returns it. */
export interface RpcTransaction {
  hash: string;
  to: string | null;
  input: string;
  [field: string]: unknown;
}

/** The rewrites to apply; each is optional and may be changed while the node runs. */
export interface Tampering {
  /** Rewrites every eth_getLogs answer. */
  logs?: (logs: RpcLog[]) => RpcLog[];
  /** Rewrites every eth_getTransactionByHash answer that is not null. */
  transaction?: (transaction: RpcTransaction) => RpcTransaction;
  /** Refuses eth_getLogs over more blocks than this, as public RPC providers do. */
  maxLogRange?: number;
  /** Sees every eth_getLogs request's filter, answered or refused. */
  onLogRequest?: (filter: LogFilter) => void;
}

export interface TamperingRpc {
  url: string;
  /** The rewrites in force: set or clear them between audits. */
  tampering: Tampering;
  close(): Promise<void>;
}

export async function startTamperingRpc(tampering: Tampering = {}): Promise<TamperingRpc> {
  const node: TamperingRpc = { url: "", tampering, close: () => Promise.resolve() };
  const bridge = await startRpcBridge({
    async rewrite(method, result, params) {
      const { maxLogRange } = node.tampering;
      if (method === "eth_getLogs") node.tampering.onLogRequest?.((params as [LogFilter])[0]);
      if (
        method === "eth_getLogs" &&
        maxLogRange !== undefined &&
        (await blocksSpanned(connection.provider, (params as [LogFilter])[0])) > maxLogRange
      ) {
        throw logRangeRefusal(maxLogRange);
      }
      if (method === "eth_getLogs" && node.tampering.logs !== undefined) {
        return node.tampering.logs(result as RpcLog[]);
      }
      if (
        method === "eth_getTransactionByHash" &&
        result !== null &&
        node.tampering.transaction !== undefined
      ) {
        return node.tampering.transaction(result as RpcTransaction);
      }
      return result;
    },
  });
  node.url = bridge.url;
  node.close = () => bridge.close();
  return node;
}
