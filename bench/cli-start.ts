/**
 * `npm run bench:cli`: how long a `zonedao` command takes to start, the compiled bin
 * (scripts/cli-bundle.mjs) against the same CLI loaded from TypeScript through tsx, as it was run
 * before. Each command is run 9 times after a warm-up; the median is kept. Writes `cli` into
 * bench/results.json, keeping every other key. Issue 22's bar: under 0.5 s.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { formatNumber, formatRatio, median, printTable, progress } from "./report.js";

const RESULTS_FILE = fileURLToPath(new URL("results.json", import.meta.url));
const RUNS = 9;

const compiled = ["--disable-warning=ExperimentalWarning", "cli/zonedao.mjs"];
const fromTypeScript = ["--disable-warning=ExperimentalWarning", "--import", "tsx", "cli/zonedao.ts"];
/** `help` loads every command's module; `identity new` also derives a key (no chain needed). */
const commands = [["help"], ["identity", "new", "--json"]];

/** Median milliseconds from spawning node to its exit, for `node <args>`. */
function startMs(args: string[]): number {
  const run = () => {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    if (result.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${result.stderr.toString()}`);
    return performance.now() - started;
  };
  run(); // Warm-up: remakes a stale bundle, fills V8's compile cache and the file cache.
  return median(Array.from({ length: RUNS }, run));
}

const rows = commands.map((command) => {
  progress("cli", `zonedao ${command.join(" ")}`);
  return {
    command: `zonedao ${command.join(" ")}`,
    compiledMs: Math.round(startMs([...compiled, ...command])),
    typeScriptMs: Math.round(startMs([...fromTypeScript, ...command])),
  };
});
printTable(
  "Start-up of a zonedao command (median of 9, ms)",
  ["command", "compiled bin", "from TypeScript (tsx)", "speed-up"],
  rows.map((row) => [
    row.command,
    formatNumber(row.compiledMs),
    formatNumber(row.typeScriptMs),
    formatRatio(row.typeScriptMs, row.compiledMs, 1),
  ]),
);
const results = existsSync(RESULTS_FILE) ? (JSON.parse(readFileSync(RESULTS_FILE, "utf8")) as object) : {};
writeFileSync(
  RESULTS_FILE,
  `${JSON.stringify({ ...results, cli: { runs: RUNS, date: new Date().toISOString(), commands: rows } }, null, 2)}\n`,
);
progress("done", `wrote cli into ${RESULTS_FILE}`);
