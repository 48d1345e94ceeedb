/**
 * How the CLI tests run zonedao: as its own process against the tests' chain (over HTTP JSON-RPC),
 * and `zonedao relayer` beside it. Shared by test/cli.test.ts and the tests of single commands.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `zonedao args...` to completion. */
export function zonedao(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["--disable-warning=ExperimentalWarning", "--import", "tsx", "cli/zonedao.ts", ...args],
      { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a command that must succeed with --json, and returns its parsed output. */
export async function zonedaoJson<T = Record<string, unknown>>(args: string[]): Promise<T> {
  const run = await zonedao([...args, "--json"]);
  expect(run.code, `zonedao ${args.join(" ")}\n${run.stderr}`).to.equal(0);
  return JSON.parse(run.stdout) as T;
}

/**
 * `zonedao relayer` on the test chain for the zones of `deploymentPath`, paying with `key`;
 * resolves once it listens.
 */
export async function startCliRelayer(
  deploymentPath: string,
  key: string,
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
      "--key",
      key,
      "--port",
      "0",
      "--db",
      join(mkdtempSync(join(tmpdir(), "zonedao-cli-relayer-")), "r.sqlite"),
    ],
    {
      env: {
        ...process.env,
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
