/**
 * sdk/rpc.ts: the provider reads a large answer whole and gives what ethers' own provider gives,
 * and the node's refusals (a JSON-RPC error, an HTTP error) surface as they do with ethers'.
 * A plain HTTP server stands in for the node's transport: what is tested is reading its answers.
 */
import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { JsonRpcProvider, type Log } from "ethers";
import { jsonRpcProvider } from "../rpc.js";

/** A log whose data is 250 commitments, as a MembersAdded of the million-member bench. */
const LOG = {
  address: "0x6743e5c6e1b453372507e8dfd6ca53508721425b",
  topics: [`0x${"ab".repeat(32)}`],
  data: `0x${"12".repeat(32 * 250)}`,
  blockNumber: "0x10",
  blockHash: `0x${"cd".repeat(32)}`,
  transactionHash: `0x${"ef".repeat(32)}`,
  transactionIndex: "0x0",
  logIndex: "0x0",
  removed: false,
};
const LOGS = 250; // 4 MB of JSON, sent in 64 chunks

describe("sdk: jsonRpcProvider (sdk/rpc.ts)", function () {
  this.timeout(60_000);
  let server: Server;
  let url: string;

  before(async function () {
    server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        const calls = JSON.parse(body) as { id: number; method: string }[] | { id: number; method: string };
        const answer = (call: { id: number; method: string }) => {
          if (call.method === "eth_chainId") return { jsonrpc: "2.0", id: call.id, result: "0x7a69" };
          if (call.method === "eth_getLogs") {
            const result = Array.from({ length: LOGS }, (_, i) => ({
              ...LOG,
              logIndex: `0x${i.toString(16)}`,
            }));
            return { jsonrpc: "2.0", id: call.id, result };
          }
          if (call.method === "eth_blockNumber") {
            return { jsonrpc: "2.0", id: call.id, error: { code: -32005, message: "limit exceeded" } };
          }
          return null;
        };
        if (!Array.isArray(calls) && calls.method === "eth_gasPrice") {
          response.writeHead(500).end("upstream down");
          return;
        }
        const text = JSON.stringify(Array.isArray(calls) ? calls.map(answer) : answer(calls));
        response.writeHead(200, { "content-type": "application/json" });
        // In 64 kB pieces, as a node streams a large answer.
        for (let at = 0; at < text.length; at += 65_536) response.write(text.slice(at, at + 65_536));
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("reads a 4 MB eth_getLogs answer whole, as ethers' own provider does", async function () {
    const ours = jsonRpcProvider(url, 31337, { staticNetwork: true, batchMaxCount: 1 });
    const stock = new JsonRpcProvider(url, 31337, { staticNetwork: true, batchMaxCount: 1 });
    const filter = { address: LOG.address, fromBlock: 0, toBlock: 100 };
    const [mine, theirs] = await Promise.all([ours.getLogs(filter), stock.getLogs(filter)]);
    expect(mine).to.have.length(LOGS);
    const plain = (log: Log) => ({ ...log.toJSON() }) as Record<string, unknown>;
    expect(mine.map(plain)).to.deep.equal(theirs.map(plain));
    expect(mine[0]!.data).to.equal(LOG.data);
    ours.destroy();
    stock.destroy();
  });

  it("surfaces the node's JSON-RPC error and an HTTP error as ethers does", async function () {
    const provider = jsonRpcProvider(url, 31337, { staticNetwork: true, batchMaxCount: 1 });
    const refusal = (call: Promise<unknown>) =>
      call.then(
        () => expect.fail("the call should have been refused"),
        (error: unknown) => (error as Error).message,
      );
    expect(await refusal(provider.getBlockNumber())).to.match(/limit exceeded/);
    expect(await refusal(provider.send("eth_gasPrice", []))).to.match(/server response 500/);
    provider.destroy();
  });

  it("fails as ethers' Node transport does when no node answers: the socket error's code", async function () {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const codeOf = (provider: JsonRpcProvider) =>
      provider.send("eth_blockNumber", []).then(
        () => expect.fail("nothing listens there"),
        (error: unknown) => (error as { code?: unknown }).code,
      );
    const ours = jsonRpcProvider(`http://127.0.0.1:${port}`, 31337, { staticNetwork: true });
    const stock = new JsonRpcProvider(`http://127.0.0.1:${port}`, 31337, { staticNetwork: true });
    expect(await codeOf(ours)).to.equal("ECONNREFUSED");
    expect(await codeOf(stock)).to.equal("ECONNREFUSED");
    ours.destroy();
    stock.destroy();
  });
});
