/**
 * Foundry's Anvil (npm `@foundry-rs/anvil-linux-amd64`, node_modules/.bin/anvil) as a node of a
 * test's own: a second implementation of Ethereum beside the tests' in-process Hardhat chain, spoken
 * to only over HTTP, as a deployed CLI or relayer speaks to a real network. Osaka with EIP-7825's
 * per-transaction gas cap (2^24), as Hardhat's network and mainnet apply it: Anvil 1.7 enforces the
 * cap only with --enable-tx-gas-limit, even on Osaka.
 * Its default accounts come from the same mnemonic as Hardhat's (scripts/demo.ts `hardhatAccount`).
 */
import { spawn } from "node:child_process";
import { unusedPort } from "./ports.js";
import { nodeAt, type JsonRpcNode } from "./rpc-bridge.js";

const ANVIL = new URL("../node_modules/.bin/anvil", import.meta.url).pathname;

export interface Anvil {
  url: string;
  node: JsonRpcNode;
  /** Stops the node; resolves once its process has exited. */
  stop(): Promise<void>;
}

/** Starts Anvil on a free port as chain `chainId`, automining; resolves once it answers. */
export async function startAnvil(chainId: number): Promise<Anvil> {
  const port = await unusedPort();
  const args = ["--port", String(port), "--chain-id", String(chainId), "--hardfork", "osaka"];
  const child = spawn(ANVIL, [...args, "--enable-tx-gas-limit", "--silent"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let errors = "";
  child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString("utf8")));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const node = nodeAt(url);
  for (let attempt = 0; ; attempt++) {
    try {
      await node.request({ method: "eth_chainId" });
      break;
    } catch (error) {
      if (child.exitCode !== null || attempt > 100) {
        child.kill();
        throw new Error(`anvil did not start: ${String(error)}\n${errors}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    node,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
