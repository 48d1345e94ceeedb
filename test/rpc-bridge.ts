/**
 * Serves the tests' in-process Hardhat chain over HTTP JSON-RPC, so that a relayer (in this process
 * or a child process) talks to the very chain the fixtures deploy to, as it would to any node.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connection } from "./zone-fixture.js";

interface JsonRpcRequest {
  id?: unknown;
  method: string;
  params?: unknown[];
}

export interface RpcBridge {
  url: string;
  close(): Promise<void>;
}

/** Serves the chain on `port` (0: any free port; a bridge closed earlier can come back on its port). */
export async function startRpcBridge(port = 0): Promise<RpcBridge> {
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

async function call({ id, method, params }: JsonRpcRequest) {
  try {
    const result: unknown = await connection.provider.request({ method, params: params ?? [] });
    return { jsonrpc: "2.0", id, result };
  } catch (error) {
    const { code, message, data } = error as { code?: number; message: string; data?: unknown };
    return { jsonrpc: "2.0", id, error: { code: typeof code === "number" ? code : -32603, message, data } };
  }
}
