/**
 * The local chain of `npm start`: Hardhat's node as a child process, and the port checks that let
 * start fail in words before anything is spawned.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "node_modules", ".bin");

/** Hardhat's default accounts are derived from this mnemonic (m/44'/60'/0'/0/i), 10,000 ETH each. */
export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

export class PortInUseError extends Error {
  override name = "PortInUseError";
}

/** Throws a PortInUseError naming `what` and how to pick another port if `port` cannot be bound. */
export async function requireFreePort(
  host: string,
  port: number,
  what: string,
  howToChoose: string,
): Promise<void> {
  const problem = await new Promise<NodeJS.ErrnoException | undefined>((done) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => done(error));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => done(undefined)));
  });
  if (problem === undefined) return;
  if (problem.code === "EADDRINUSE") {
    throw new PortInUseError(
      `port ${port} on ${host} (the ${what}) is already in use.\n` +
        `  Free it: find what holds it with \`lsof -i :${port}\` or \`ss -ltnp 'sport = :${port}'\`` +
        ` and stop it (a node left from an earlier start, perhaps), or\n` +
        `  choose another port: ${howToChoose}`,
    );
  }
  throw new Error(`cannot use port ${port} on ${host} for the ${what}: ${problem.message}`);
}

export interface LocalChain {
  url: string;
  /** The node's process id (the `hardhat` binary itself, so this is the node). */
  pid: number;
  /** Stops the node; resolves once its process has exited. */
  stop(): Promise<void>;
  /** Kills the node at once (SIGKILL), for a second Ctrl-C. */
  kill(): void;
}

/**
 * Starts `hardhat node` on host:port, its output (every RPC call, and the default accounts' keys)
 * written to `logFile`, and resolves once it answers eth_chainId. The node gets a process group of
 * its own, so a Ctrl-C in the terminal reaches only start, which stops the relayer before the chain.
 */
export async function startLocalChain(options: {
  host: string;
  port: number;
  logFile: string;
  timeoutMs?: number;
}): Promise<LocalChain> {
  const { host, port, logFile, timeoutMs = 60_000 } = options;
  const log = createWriteStream(logFile);
  const child = spawn(join(BIN, "hardhat"), ["node", "--hostname", host, "--port", String(port)], {
    cwd: ROOT,
    // hardhat's `#!/usr/bin/env node` must find the Node 22 that node_modules/.bin holds.
    env: { ...process.env, PATH: `${BIN}:${process.env.PATH ?? ""}`, CI: "true" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  // The node has its own process group, so nothing else stops it if this process dies first.
  const killOnExit = () => {
    if (alive()) child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);
  const url = `http://${host}:${port}`;
  const chain: LocalChain = {
    url,
    pid: child.pid ?? -1,
    async stop() {
      if (alive()) {
        child.kill("SIGTERM");
        const killed = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(killed);
      }
      process.off("exit", killOnExit);
      await new Promise<void>((done) => log.end(done));
    },
    kill: killOnExit,
  };
  try {
    await waitForRpc(url, alive, child, timeoutMs, logFile);
  } catch (error) {
    await chain.stop();
    throw error;
  }
  return chain;
}

async function waitForRpc(
  url: string,
  alive: () => boolean,
  child: ChildProcess,
  timeoutMs: number,
  logFile: string,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive()) {
      throw new Error(
        `hardhat node exited (${child.exitCode ?? child.signalCode}) before answering; see ${logFile}`,
      );
    }
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline)
      throw new Error(`hardhat node did not answer at ${url} within ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 200));
  }
}
