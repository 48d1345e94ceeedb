/**
 * `node --import tsx bench/run-prove.mts [--write]`: the prove section of `npm run bench` alone, in
 * the smallest groups of depths 10, 16 and 20 (the full run proves depth 20 in its million-member
 * group; proving time does not depend on the group's size, only its depth). Building the depth-20
 * group (524,289 members) takes a minute or two. Prints its table; with --write, replaces the
 * `prove` entry of bench/results.json.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { stopProverThreads } from "../sdk/index.js";
import { PROOF_DEPTHS, benchProve, printProve, smallestGroupOfDepth } from "./prove.js";
import { progress } from "./report.js";

const RESULTS_FILE = fileURLToPath(new URL("results.json", import.meta.url));

try {
  progress("prove", `building the smallest groups of depths ${PROOF_DEPTHS.join(", ")}`);
  const prove = await benchProve(new Map(PROOF_DEPTHS.map((depth) => [depth, smallestGroupOfDepth(depth)])));
  printProve(prove);
  if (process.argv.includes("--write")) {
    const results = JSON.parse(readFileSync(RESULTS_FILE, "utf8")) as Record<string, unknown>;
    writeFileSync(RESULTS_FILE, `${JSON.stringify({ ...results, prove }, null, 2)}\n`);
  }
} finally {
  await stopProverThreads();
}
