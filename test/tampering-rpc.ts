/**
 * A lying JSON-RPC node for audit tests: it serves the tests' in-process Hardhat chain over HTTP, as
 * test/rpc-bridge.ts does, but passes some answers through a rewrite first (logs dropped or changed,
 * a transaction's input altered), so a test can check that an auditor reading through it notices.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connection } from "./zone-fixture.js";

interface JsonRpcRequest {
  id?: unknown;
  method: string;
  params?: unknown[];
}

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
}

export interface TamperingRpc {
  url: string;
  /** The rewrites in force: set or clear them between audits. */
  tampering: Tampering;
  close(): Promise<void>;
}

export async function startTamperingRpc(tampering: Tampering = {}): Promise<TamperingRpc> {
  const node: TamperingRpc = { url: "", tampering, close: () => Promise.resolve() };
  const call = async ({ id, method, params }: JsonRpcRequest) => {
    try {
      let result: unknown = await connection.provider.request({ method, params: params ?? [] });
      if (method === "eth_getLogs" && node.tampering.logs !== undefined) {
        result = node.tampering.logs(result as RpcLog[]);
      }
      if (
        method === "eth_getTransactionByHash" &&
        result !== null &&
        node.tampering.transaction !== undefined
      ) {
        result = node.tampering.transaction(result as RpcTransaction);
      }
      return { jsonrpc: "2.0", id, result };
    } catch (error) {
      const { code, message, data } = error as { code?: number; message: string; data?: unknown };
      return { jsonrpc: "2.0", id, error: { code: typeof code === "number" ? code : -32603, message, data } };
    }
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      void (async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as JsonRpcRequest | JsonRpcRequest[];
        const answer = Array.isArray(body) ? await Promise.all(body.map(call)) : await call(body);
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify(answer));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  node.url = `http://127.0.0.1:${port}`;
  node.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return node;
}
