/**
 * Serves an in-process Hardhat chain (the tests' shared one unless told otherwise) over HTTP
 * JSON-RPC, so that a relayer, the CLI or an auditor, in this process or a child process, talks to
 * the very chain the fixtures deploy to, as it would to any node. It stands as well in front of a
 * node running as a process of its own (`nodeAt(url)`: Anvil), to rewrite or refuse its answers.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connection } from "./zone-fixture.js";

interface JsonRpcRequest {
  id?: unknown;
  method: string;
  params?: unknown[];
}

/** What a bridge forwards to: an EIP-1193 provider (Hardhat's in-process chain) or nodeAt(url). */
export interface JsonRpcNode {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

/** The node at `url` over HTTP, its errors thrown with their JSON-RPC code, message and data. */
export function nodeAt(url: string): JsonRpcNode {
  return {
    async request({ method, params = [] }) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      });
      const answer = (await response.json()) as { result?: unknown; error?: { message: string } };
      if (answer.error !== undefined) throw Object.assign(new Error(answer.error.message), answer.error);
      return answer.result;
    },
  };
}

export interface RpcBridge {
  url: string;
  close(): Promise<void>;
}

export interface RpcBridgeOptions {
  /** 0 (the default): any free port; a bridge closed earlier can come back on its port. */
  port?: number;
  /** The chain to serve: the tests' shared chain by default. */
  provider?: JsonRpcNode;
  /** Rewrites each successful answer before it is sent, or throws to refuse (for lying-node tests). */
  rewrite?: (method: string, result: unknown, params: unknown[]) => unknown;
}

export async function startRpcBridge({
  port = 0,
  provider = connection.provider,
  rewrite = (_method, result) => result,
}: RpcBridgeOptions = {}): Promise<RpcBridge> {
  const call = async ({ id, method, params }: JsonRpcRequest) => {
    try {
      const result: unknown = await rewrite(
        method,
        await provider.request({ method, params: params ?? [] }),
        params ?? [],
      );
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
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
