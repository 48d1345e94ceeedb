/**
 * Foundry's Anvil (the npm package's binary, a dev dependency) as the million-citizen bench's chain:
 * Osaka with EIP-7825's per-transaction gas cap (2^24), as Hardhat's network enforces it, so the
 * registration is split as it would have to be on a real network. A state dump keeps the chain
 * (accounts, storage, blocks, transactions and their logs) so a rerun loads it instead of
 * registering a million members again.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { unusedPort } from "../../test/ports.js";

const ANVIL = join(import.meta.dirname, "..", "..", "node_modules", ".bin", "anvil");
/** Anvil's first default account (its well-known test mnemonic): the deployer and registrar. */
export const ANVIL_DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

export interface Anvil {
  url: string;
  /** Stops the chain; with `dumpState`, waits until the dump is written. */
  stop(): Promise<void>;
}

export async function startAnvil(options: {
  /** Load this state dump at start. */
  loadState?: string;
  /** Write the state to this file when stopped. */
  dumpState?: string;
  /** Anvil's output goes here. */
  logFile: string;
  /**
   * Mine only on `evm_mine`, into blocks of up to 2^31 gas (many transactions each: Anvil does
   * per-block work that grows with the state, which a block per transaction would repeat 4,000
   * times); automine (a block per transaction) when absent.
   */
  manualMining?: boolean;
}): Promise<Anvil> {
  const port = await unusedPort();
  // --prune-history: by default Anvil keeps a snapshot of the whole state for every block, in
  // memory and then on disk; at a million leaves that is gigabytes and most of the build's time.
  // Only the latest states are kept (calls at old blocks fail; the logs of every block stay).
  const args = [
    "--port",
    String(port),
    "--hardfork",
    "osaka",
    "--enable-tx-gas-limit",
    "--prune-history",
    "16",
  ];
  if (options.loadState) args.push("--load-state", options.loadState);
  // Only at exit: by default it also rewrites the whole (growing) dump every minute.
  if (options.dumpState) args.push("--dump-state", options.dumpState, "--state-interval", "1000000");
  if (options.manualMining) args.push("--no-mining", "--gas-limit", String(2n ** 31n));
  const child: ChildProcess = spawn(ANVIL, args, { stdio: ["ignore", "pipe", "pipe"] });
  const log = createWriteStream(options.logFile, { flags: "a" });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  // Loading a large dump takes a while: wait until the RPC answers.
  for (let waited = 0; ; waited += 250) {
    if (child.exitCode !== null)
      throw new Error(`anvil exited with ${child.exitCode}; see ${options.logFile}`);
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
      });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (waited > 30 * 60_000) throw new Error(`anvil did not answer within 30 min; see ${options.logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill("SIGINT");
      await exited;
      log.end();
    },
  };
}
