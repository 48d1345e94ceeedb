/**
 * The load benchmark's chain: Anvil (npm `@foundry-rs/anvil-linux-amd64`, node_modules/.bin/anvil)
 * as a process of its own, as a relayer meets a node in production, with Hardhat's default
 * accounts and chain id (so test/load-world.ts rebuilds the fixture's zone at the same address).
 * It mines on arrival while the zone is set up, then switches to interval mining: blocks every
 * BLOCK_TIME_MS, of at most BLOCK_GAS_LIMIT gas, whatever the relayer sends.
 */
import { spawn } from "node:child_process";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { unusedPort } from "../../test/ports.js";

/** An L2 sequencer's pace (Base, OP: 2 s; Arbitrum: 0.25 s); Ethereum's is 12 s. */
export const BLOCK_TIME_MS = 1000;
/** Ethereum's block gas limit since late 2025 (Anvil's default is 30M). */
export const BLOCK_GAS_LIMIT = 60_000_000;

export interface LoadChain {
  url: string;
  /** A Hardhat connection to it (ethers, signers), for setting the zone up and reading events. */
  connection: NetworkConnection;
  version: string;
  /** Turns on interval mining (BLOCK_TIME_MS) after the set-up. */
  startIntervalMining(): Promise<void>;
  stop(): Promise<void>;
}

export async function startAnvil(): Promise<LoadChain> {
  const port = await unusedPort();
  const binary = new URL("../../node_modules/.bin/anvil", import.meta.url).pathname;
  const child = spawn(
    binary,
    ["--port", String(port), "--gas-limit", String(BLOCK_GAS_LIMIT), "--chain-id", "31337", "--silent"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  let version = "";
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "web3_clientVersion", params: [] }),
      });
      version = ((await response.json()) as { result: string }).result;
      break;
    } catch (error) {
      if (attempt > 100 || child.exitCode !== null) throw new Error(`anvil did not start: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const connection = await network.create({ network: "localhost", override: { url } });
  return {
    url,
    connection,
    version,
    async startIntervalMining() {
      await connection.provider.request({ method: "evm_setAutomine", params: [false] });
      // Anvil takes the interval in seconds.
      await connection.provider.request({ method: "evm_setIntervalMining", params: [BLOCK_TIME_MS / 1000] });
    },
    async stop() {
      await connection.close();
      child.kill("SIGTERM");
      await exited;
    },
  };
}
