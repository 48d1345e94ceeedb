/**
 * `hardhat run bench/run-gas.ts`: the gas section of `npm run bench` alone (votes and admissions),
 * about 2 minutes on 2 cores. Prints its tables and replaces the `gas` entry of bench/results.json,
 * noting the date of this run (`gasDate`); the other sections keep the figures of their last run.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { stopProverThreads } from "../sdk/index.js";
import { deployBenchChain } from "./chain.js";
import { benchGas, printAdmissionGas, printGas } from "./gas.js";
import { elapsedSeconds, progress } from "./report.js";

const RESULTS_FILE = fileURLToPath(new URL("results.json", import.meta.url));

try {
  const chain = await deployBenchChain((step) => progress("setup", step));
  const gas = await benchGas(chain);
  printGas(gas.results);
  printAdmissionGas(gas.results.admissions);
  const results = JSON.parse(readFileSync(RESULTS_FILE, "utf8")) as Record<string, unknown>;
  writeFileSync(
    RESULTS_FILE,
    `${JSON.stringify({ ...results, gas: gas.results, gasDate: new Date().toISOString() }, null, 2)}\n`,
  );
  progress("done", `wrote the gas entry of ${RESULTS_FILE} after ${Math.round(elapsedSeconds())} s`);
} finally {
  await stopProverThreads();
}
