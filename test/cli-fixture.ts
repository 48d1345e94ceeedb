/**
 * How the CLI tests run zonedao: as its own process against the tests' chain (over HTTP JSON-RPC),
 * and `zonedao relayer` beside it. Shared by test/cli.test.ts and the tests of single commands.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Provider } from "ethers";
import { deployedZone, deploymentFileFor, formatDeployment } from "../sdk/deployment.js";
import type { ZoneDaoDeployment } from "../sdk/index.js";

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `zonedao args...` to completion, through its bin: the compiled command (scripts/cli-bundle.mjs). */
export function zonedao(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return startZonedao(args, env).exited;
}

/**
 * Starts `zonedao args...` as zonedao() does, without waiting for it: `output` grows as it prints (a
 * test can wait for a line of progress, then act on the chain); `exited` resolves once it exits.
 */
export function startZonedao(
  args: string[],
  env: Record<string, string> = {},
): { output: Run; exited: Promise<Run> } {
  const output: Run = { code: null, stdout: "", stderr: "" };
  const child = spawn(
    process.execPath,
    ["--disable-warning=ExperimentalWarning", "cli/zonedao.mjs", ...args],
    { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout.on("data", (chunk: Buffer) => (output.stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (output.stderr += chunk.toString("utf8")));
  const exited = new Promise<Run>((resolve) => child.on("exit", (code) => resolve({ ...output, code })));
  return { output, exited };
}

/** Waits until a zonedao from startZonedao has printed `text` on stderr; fails if it exits first. */
export async function progressLine(
  running: { output: Run; exited: Promise<Run> },
  text: string,
): Promise<void> {
  let exited = false;
  void running.exited.then(() => (exited = true));
  while (!running.output.stderr.includes(text)) {
    if (exited) throw new Error(`zonedao exited before printing "${text}":\n${running.output.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs a command that must succeed with --json, and returns its parsed output. */
export async function zonedaoJson<T = Record<string, unknown>>(
  args: string[],
  env: Record<string, string> = {},
): Promise<T> {
  const run = await zonedao([...args, "--json"], env);
  expect(run.code, `zonedao ${args.join(" ")}\n${run.stderr}`).to.equal(0);
  return JSON.parse(run.stdout) as T;
}

/**
 * `zonedao relayer` on the test chain for the zones of `deploymentPath`, paying with `key` (given in
 * the environment, as an operator should, never on the command line); resolves once it listens.
 * `extraArgs` come after the fixture's own flags, so they may override them (`--port N`).
 */
export async function startCliRelayer(
  deploymentPath: string,
  key: string,
  extraArgs: readonly string[] = [],
): Promise<{ relayer: ChildProcess; relayerUrl: string }> {
  const relayer = spawn(
    process.execPath,
    [
      "--disable-warning=ExperimentalWarning",
      "--import",
      "tsx",
      "cli/zonedao.ts",
      "relayer",
      "--deployment",
      deploymentPath,
      "--port",
      "0",
      "--db",
      join(mkdtempSync(join(tmpdir(), "zonedao-cli-relayer-")), "r.sqlite"),
      ...extraArgs,
    ],
    {
      env: {
        ...process.env,
        ZONEDAO_PRIVATE_KEY: key,
        ZONEDAO_BATCH_MAX_AGE_MS: "0",
        ZONEDAO_POLL_INTERVAL_MS: "50",
        ZONEDAO_VERIFIER_THREADS: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const relayerUrl = await new Promise<string>((resolve, reject) => {
    let output = "";
    relayer.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /relayer listening on (http:\/\/[^"\s]+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    relayer.on("exit", (code) => reject(new Error(`relayer exited ${code}: ${output}`)));
  });
  return { relayer, relayerUrl };
}

/** Stops a relayer started by startCliRelayer; it exits 0 on SIGINT. */
export async function stopCliRelayer(relayer: ChildProcess): Promise<void> {
  relayer.kill("SIGINT");
  expect(await new Promise((resolve) => relayer.on("exit", resolve))).to.equal(0);
}

/**
 * A deployment file for a deployment the test process made (zone-fixture's, the demo's) and its
 * zones, naming `rpcUrl` (an RPC bridge) as its node, in a fresh temporary directory: the CLI then
 * finds the zones by name and reads their events from their creation blocks. Returns its path.
 */
export async function writeDeploymentFile(
  deployment: ZoneDaoDeployment,
  zoneAddresses: readonly string[],
  provider: Provider,
  rpcUrl: string,
): Promise<string> {
  const file = await deploymentFileFor(deployment, provider, { network: "test", rpcUrl });
  file.zones = await Promise.all(zoneAddresses.map((address) => deployedZone(file, address, provider)));
  const path = join(mkdtempSync(join(tmpdir(), "zonedao-cli-deployment-")), "deployment.json");
  writeFileSync(path, formatDeployment(file));
  return path;
}
