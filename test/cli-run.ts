/** Runs the zonedao CLI as its own process, as a person would: for the CLI's tests. */
import { expect } from "chai";
import { spawn } from "node:child_process";

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
