/**
 * `npm run bench`: every figure next to its reference, measured in the same run, printed as tables
 * and written to bench/results.json. Run by `hardhat run`, which compiles first, so the chain
 * sections get Hardhat's in-process network.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { stopProverThreads } from "../sdk/index.js";
import { deployBenchChain } from "./chain.js";
import { benchGas, printAdmissionGas, printGas } from "./gas.js";
import { benchProve, printProve, smallestGroupOfDepth } from "./prove.js";
import { elapsedSeconds, progress } from "./report.js";
import { withMillionFigures } from "./million/results.js";
import { benchScale, printScale } from "./scale.js";
import { benchSealed, printSealed } from "./sealed.js";
import { benchVerify, printVerify } from "./verify.js";

const RESULTS_FILE = fileURLToPath(new URL("results.json", import.meta.url));

const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model.trim() ?? "unknown",
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  date: new Date().toISOString(),
};

try {
  progress("setup", `${machine.cores} cores (${machine.cpu}), Node ${machine.node}`);
  const chain = await deployBenchChain((step) => progress("setup", step));

  const gas = await benchGas(chain);
  printGas(gas.results);
  printAdmissionGas(gas.results.admissions);

  const verify = await benchVerify(gas.votes, gas.snapshot);
  printVerify(verify);

  const scale = await benchScale(chain);
  printScale(scale.results);

  progress("prove", "building the smallest groups of depth 10 and 16");
  const prove = await benchProve(
    new Map([
      [10, smallestGroupOfDepth(10)],
      [16, smallestGroupOfDepth(16)],
      [20, scale.million],
    ]),
  );
  printProve(prove);

  const sealed = await benchSealed(scale.million, prove[20]!.sdkMs, chain.relayer);
  printSealed(sealed);

  const totalSeconds = Math.round(elapsedSeconds());
  const results = {
    machine,
    gas: gas.results,
    verify,
    prove,
    sealed,
    // bench:million's figures (browser, indexer, registration.million) are kept as they were.
    scale: withMillionFigures(scale.results, RESULTS_FILE),
    // bench:cli's figures are kept as they were.
    ...(existsSync(RESULTS_FILE)
      ? { cli: (JSON.parse(readFileSync(RESULTS_FILE, "utf8")) as { cli?: unknown }).cli }
      : {}),
    totalSeconds,
  };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  progress("done", `wrote ${RESULTS_FILE} after ${Math.floor(totalSeconds / 60)} min ${totalSeconds % 60} s`);
} finally {
  // snarkjs keeps worker threads alive; without this the process never exits.
  await stopProverThreads();
}
