/**
 * The trusted setup of our own circuits (the sealed ballot): a multi-party ceremony in two phases,
 * each a chain of contributions anyone can verify, closed by a random beacon.
 *
 * - Phase 1, powers of tau (circuit-independent): `phase1-new`, then `phase1-contribute` by each
 *   party in turn, `phase1-beacon`, and `phase1-prepare` (the slow step: about 6 minutes at 2^14
 *   here). No public ceremony's file is on npm (we looked for Hermez's `powersOfTau28_hez_final_*`
 *   under every name we could think of), so a zone's operators run phase 1 too, or bring a public
 *   file fetched by other means and verified with `verify-ptau`.
 * - Phase 2, the circuit's key: `phase2-new` from the circuit's r1cs and the prepared file, then
 *   `phase2-contribute` by each party, `phase2-beacon`, and `verify`, which checks the whole chain
 *   from the r1cs and names every contribution.
 *
 * The key is safe when at least one contributor of each phase destroyed its randomness. A key made
 * by one party is safe only for tests: `keyProblems` says so, and production refuses such a key.
 *
 * A development key for tests and benchmarks (`developmentKey`) comes from the test ptau snarkjs
 * 0.7.0 ships on npm (`snarkjs-test-ptau` in package.json): 2^15, prepared, of unknown provenance,
 * so exactly as unsafe as a one-party key, and labelled so.
 *
 * CLI: `npx tsx circuits/ceremony.ts <command> ...` (no command: usage).
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import * as snarkjs from "snarkjs";
import type { SealedBallotFiles } from "../sdk/deployment.js";
import { section, sections } from "../sdk/groth16-prover.js";
import { SEALED_BALLOT } from "../sdk/sealed.js";
import { WarmCircuit } from "../sdk/warm-prover.js";
import { buildSealedBallotCircuit, type CircuitBuild } from "./build.js";
import { isRunAsScript } from "./run-as-script.js";

/** One link of a ceremony's chain, as the file records it. */
export interface Contribution {
  name: string;
  /** A party's secret randomness, or the public beacon that closes the phase. */
  kind: "contribution" | "beacon";
}

/** What `verifyKey` found: whether the chain holds, and who took part in phase 2. */
export interface KeyReport {
  valid: boolean;
  contributions: Contribution[];
}

/** Where a step's progress lines go (stderr unless given: a ceremony step takes minutes). */
export type Progress = (line: string) => void;

/** snarkjs's logger interface, every line to `progress`. */
interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

function logger(progress: Progress = (line) => console.error(line)): Logger {
  return {
    debug() {},
    info: (message) => progress(`[ceremony] ${message}`),
    warn: (message) => progress(`[ceremony] warning: ${message}`),
    error: (message) => progress(`[ceremony] ${message}`),
  };
}

const quiet = logger(() => {});

/** 64 bytes of the platform's secure randomness, as the entropy string snarkjs hashes. */
function freshEntropy(): string {
  return randomBytes(64).toString("hex");
}

export async function startPhase1(power: number, output: string, progress?: Progress): Promise<void> {
  if (!Number.isInteger(power) || power < 1 || power > 28)
    throw new RangeError(`a power of 1 to 28, not ${power}`);
  await snarkjs.powersOfTau.newAccumulator(await curve(), power, output, logger(progress));
}

/** A ceremony's two phases: the powers of tau (.ptau files) and the circuit's key (.zkey files). */
export type CeremonyPhase = 1 | 2;

/** snarkjs's module for each phase: the same two steps, on its own kind of file. */
const PHASE_TOOLS: Record<
  CeremonyPhase,
  {
    contribute(
      input: string,
      output: string,
      name: string,
      entropy: string,
      logger: Logger,
    ): Promise<unknown>;
    beacon(
      input: string,
      output: string,
      name: string,
      beaconHex: string,
      iterationsExp: number,
      logger: Logger,
    ): Promise<unknown>;
  }
> = { 1: snarkjs.powersOfTau, 2: snarkjs.zKey };

/** Adds the caller's randomness to a phase's file (`input` -> `output`), under its name. */
export async function contribute(
  phase: CeremonyPhase,
  input: string,
  output: string,
  name: string,
  progress?: Progress,
): Promise<void> {
  await PHASE_TOOLS[phase].contribute(input, output, checkName(name), freshEntropy(), logger(progress));
}

/** Closes a phase with a public beacon fixed in advance (a future block hash, in hex). */
export async function closeWithBeacon(
  phase: CeremonyPhase,
  input: string,
  output: string,
  name: string,
  beaconHex: string,
  progress?: Progress,
): Promise<void> {
  const tool = PHASE_TOOLS[phase];
  await tool.beacon(
    input,
    output,
    checkName(name),
    checkBeacon(beaconHex),
    BEACON_ITERATIONS_EXP,
    logger(progress),
  );
}

export async function preparePhase2(input: string, output: string, progress?: Progress): Promise<void> {
  await snarkjs.powersOfTau.preparePhase2(input, output, logger(progress));
}

/** Whether a powers-of-tau file's chain of contributions holds. */
export async function verifyPtau(ptau: string, progress?: Progress): Promise<boolean> {
  // @types/snarkjs declares another signature than snarkjs's (tau file, logger).
  const verify = snarkjs.powersOfTau.verify as unknown as (ptau: string, logger: Logger) => Promise<boolean>;
  return (await verify(ptau, logger(progress))) === true;
}

export async function startPhase2(
  r1cs: string,
  ptau: string,
  output: string,
  progress?: Progress,
): Promise<void> {
  await snarkjs.zKey.newZKey(r1cs, ptau, output, logger(progress));
}

/**
 * Checks a circuit's key (quietly unless given `progress`) against its r1cs and the prepared powers
 * of tau, every phase-2 link included, and lists those links from the key's own record.
 */
export async function verifyKey(
  r1cs: string,
  ptau: string,
  zkey: string,
  progress: Progress = () => {},
): Promise<KeyReport> {
  const valid = (await snarkjs.zKey.verifyFromR1cs(r1cs, ptau, zkey, logger(progress))) === true;
  return { valid, contributions: readContributions(await readFile(zkey)) };
}

/**
 * Why a key must not guard real votes, or nothing: it failed verification, or fewer than
 * `minimumParties` distinct parties contributed to its phase 2 (a beacon is no party: it is public).
 */
export function keyProblems(report: KeyReport, minimumParties = 2): string[] {
  const problems: string[] = [];
  if (!report.valid) problems.push("the key does not verify against the circuit and the powers of tau");
  const parties = new Set(
    report.contributions.filter(({ kind }) => kind === "contribution").map(({ name }) => name),
  );
  if (parties.size < minimumParties) {
    problems.push(
      `${parties.size} ${parties.size === 1 ? "party" : "parties"} contributed to the key; it takes ${minimumParties} ` +
        "(a key made by one party lets that party forge ballots)",
    );
  }
  return problems;
}

/** Refuses a key with keyProblems, naming them: what a production deployment calls. */
export function assertProductionKey(report: KeyReport, minimumParties = 2): void {
  const problems = keyProblems(report, minimumParties);
  if (problems.length > 0) throw new Error(`this key cannot be used in production: ${problems.join("; ")}`);
}

/** Chains a key made by one party may guard: a local development chain's (Hardhat, Anvil, Ganache). */
export const LOCAL_CHAIN_IDS: readonly bigint[] = [31337n, 1337n];

/**
 * Whether a deployment on chain `chainId` may use the key `report` describes: it must verify
 * everywhere; on a local development chain it may be one party's (then `development` is true),
 * anywhere else it must pass assertProductionKey.
 */
export function requireSealedKeyFor(chainId: bigint, report: KeyReport): { development: boolean } {
  if (!LOCAL_CHAIN_IDS.includes(chainId)) {
    assertProductionKey(report);
    return { development: false };
  }
  if (!report.valid) throw new Error(`this key cannot be used: ${keyProblems(report).join("; ")}`);
  return { development: keyProblems(report).length > 0 };
}

export async function exportVerificationKey(zkey: string): Promise<unknown> {
  return snarkjs.zKey.exportVerificationKey(zkey, quiet);
}

/**
 * The phase-2 links a .zkey records (section 10: the circuit hash, a count, then each link's
 * points, transcript, type and parameters), read without trusting them: verifyKey checks the chain.
 */
export function readContributions(zkey: Uint8Array): Contribution[] {
  const record = section(sections(zkey, "zkey"), 10);
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  // csHash (64 bytes), then the count.
  let offset = 64;
  const count = view.getUint32(offset, true);
  offset += 4;
  const contributions: Contribution[] = [];
  for (let index = 0; index < count; index++) {
    // deltaAfter, g1_s, g1_sx (G1, 64 bytes each), g2_spx (G2, 128), the transcript (64).
    offset += 3 * 64 + 128 + 64;
    const type = view.getUint32(offset, true);
    const parametersLength = view.getUint32(offset + 4, true);
    offset += 8;
    let name = "";
    for (let at = offset; at < offset + parametersLength;) {
      const parameter = record[at]!;
      // 1: name (length, bytes); 2: the beacon's iteration exponent (1 byte); 3: its hash (length, bytes).
      if (parameter === 2) {
        at += 2;
        continue;
      }
      const length = record[at + 1]!;
      if (parameter === 1) name = new TextDecoder().decode(record.subarray(at + 2, at + 2 + length));
      at += 2 + length;
    }
    offset += parametersLength;
    contributions.push({ name, kind: type === 1 ? "beacon" : "contribution" });
  }
  return contributions;
}

// --- Development key -------------------------------------------------------------------------------

/** The test ptau snarkjs 0.7.0 ships (2^15, prepared): for development keys only. */
// Its package exports only its entry point (build/main.cjs for require), so the file is found from there.
export const TEST_PTAU = path.join(
  path.dirname(createRequire(import.meta.url).resolve("snarkjs-test-ptau")),
  "..",
  "test",
  "plonk_circuit",
  "powersOfTau15_final.ptau",
);

export interface DevelopmentKey {
  circuit: CircuitBuild;
  zkeyPath: string;
  verificationKey: unknown;
  cacheHit: boolean;
}

/**
 * The sealed ballot's development key: phase 2 from the test ptau with one contribution, in
 * circuits/build/<circuit>/development.zkey, made again when the circuit changes. Unsafe by
 * construction (keyProblems refuses it); tests and benchmarks prove with it.
 */
export async function developmentKey(): Promise<DevelopmentKey> {
  const circuit = await buildSealedBallotCircuit();
  const zkeyPath = path.join(circuit.outputDir, "development.zkey");
  const stampPath = `${zkeyPath}.for`;
  // The key belongs to one compile: the cache key of the build it was made from.
  const stamp = await readFile(path.join(circuit.outputDir, "cache-key"), "utf8");
  const cacheHit = (await readFile(stampPath, "utf8").catch(() => "")) === stamp && (await exists(zkeyPath));
  if (!cacheHit) {
    const progress = (line: string) => console.error(`[circuits] ${circuit.name} development key: ${line}`);
    progress("making (one party, from snarkjs's test ptau; about a minute) ...");
    const started = performance.now();
    await mkdir(circuit.outputDir, { recursive: true });
    const initial = `${zkeyPath}.initial`;
    await snarkjs.zKey.newZKey(circuit.r1csPath, TEST_PTAU, initial, quiet);
    await snarkjs.zKey.contribute(
      initial,
      `${zkeyPath}.partial`,
      "development (unsafe)",
      freshEntropy(),
      quiet,
    );
    // Renamed into place, then stamped: an interrupted run leaves no key that looks finished.
    await rename(`${zkeyPath}.partial`, zkeyPath);
    await writeFile(stampPath, stamp);
    await rm(initial);
    progress(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return { circuit, zkeyPath, verificationKey: await exportVerificationKey(zkeyPath), cacheHit };
}

/** The sealed ballot circuit loaded with its development key, ready to prove (tests, benchmarks). */
/**
 * The deployment file's `sealedBallot` for a circuit's wasm and a zkey: their paths and SHA-256.
 * `development` says the key was made by one party (developmentKey), which only a local chain takes.
 */
export async function sealedBallotFiles(
  wasm: string,
  zkey: string,
  development: boolean,
): Promise<SealedBallotFiles> {
  const sha256 = async (file: string) =>
    createHash("sha256")
      .update(await readFile(file))
      .digest("hex");
  return { wasm, zkey, wasmSha256: await sha256(wasm), zkeySha256: await sha256(zkey), development };
}

export async function developmentCircuit(): Promise<{ key: DevelopmentKey; circuit: WarmCircuit }> {
  const key = await developmentKey();
  const [wasm, zkey] = await Promise.all([readFile(key.circuit.wasmPath), readFile(key.zkeyPath)]);
  return { key, circuit: await WarmCircuit.load(SEALED_BALLOT.depth, { wasm, zkey }) };
}

// --- Helpers ---------------------------------------------------------------------------------------

/** Every beacon iterates its hash 2^10 times: public, so only delay matters, and this is enough for a record. */
const BEACON_ITERATIONS_EXP = 10;

function checkName(name: string): string {
  // snarkjs stores a name's length in one byte.
  if (name.trim() === "" || new TextEncoder().encode(name).length > 255) {
    throw new RangeError(
      "a contribution is named by 1 to 255 bytes, so that everyone can tell who took part",
    );
  }
  return name;
}

function checkBeacon(beaconHex: string): string {
  if (!/^(0x)?([0-9a-fA-F]{2}){16,64}$/.test(beaconHex)) {
    throw new RangeError(
      "a beacon is 16 to 64 bytes in hex, from a public source fixed in advance (a future block hash)",
    );
  }
  return beaconHex.replace(/^0x/, "");
}

// snarkjs's curves module is not in its type declarations.
const snarkjsCurves = (snarkjs as unknown as { curves: { getCurveFromName(name: string): Promise<unknown> } })
  .curves;

async function curve(): Promise<unknown> {
  return snarkjsCurves.getCurveFromName("bn128");
}

// snarkjs caches its multi-threaded bn128 curve here; its worker threads keep Node running until
// the curve is terminated.
const snarkjsGlobals = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };

/** Stops snarkjs's worker threads (a script's last step). */
export async function stopCeremonyThreads(): Promise<void> {
  await snarkjsGlobals.curve_bn128?.terminate();
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

// --- Command line ----------------------------------------------------------------------------------

const USAGE = `usage: npx tsx circuits/ceremony.ts <command>
  phase1-new <power> <out.ptau>                 start phase 1 (2^power constraints; 14 for the sealed ballot)
  phase1-contribute <in.ptau> <out.ptau> <name> add your randomness (then forget it: the tool keeps none)
  phase1-beacon <in.ptau> <out.ptau> <name> <hex>
                                                close phase 1 with a public beacon fixed in advance
  phase1-prepare <in.ptau> <out.ptau>           make the file phase 2 starts from (slow)
  verify-ptau <file.ptau>                       check a powers-of-tau file's chain
  phase2-new <prepared.ptau> <out.zkey>         start the sealed ballot's key (builds the circuit)
  phase2-contribute <in.zkey> <out.zkey> <name> add your randomness
  phase2-beacon <in.zkey> <out.zkey> <name> <hex>
                                                close phase 2 with a public beacon
  verify <prepared.ptau> <file.zkey>            check the key against the circuit, list who took part,
                                                and say whether production may use it`;

/** Each command: how many arguments it takes, and what it does with them (an exit code, or 0). */
const COMMANDS: Record<string, [arguments: number, run: (args: string[]) => Promise<number | void>]> = {
  "phase1-new": [2, ([power, out]) => startPhase1(Number(power), out!)],
  "phase1-contribute": [3, ([input, out, name]) => contribute(1, input!, out!, name!)],
  "phase1-beacon": [4, ([input, out, name, beacon]) => closeWithBeacon(1, input!, out!, name!, beacon!)],
  "phase1-prepare": [2, ([input, out]) => preparePhase2(input!, out!)],
  "verify-ptau": [
    1,
    async ([ptau]) => {
      const valid = await verifyPtau(ptau!);
      console.log(valid ? "the powers of tau verify" : "the powers of tau do NOT verify");
      return valid ? 0 : 1;
    },
  ],
  "phase2-new": [
    2,
    async ([ptau, out]) => startPhase2((await buildSealedBallotCircuit()).r1csPath, ptau!, out!),
  ],
  "phase2-contribute": [3, ([input, out, name]) => contribute(2, input!, out!, name!)],
  "phase2-beacon": [4, ([input, out, name, beacon]) => closeWithBeacon(2, input!, out!, name!, beacon!)],
  verify: [
    2,
    async ([ptau, zkey]) => {
      const circuit = await buildSealedBallotCircuit();
      const report = await verifyKey(circuit.r1csPath, ptau!, zkey!, (line) => console.error(line));
      console.log(report.valid ? "the key verifies" : "the key does NOT verify");
      for (const { name, kind } of report.contributions) console.log(`  ${kind}: ${name}`);
      const problems = keyProblems(report);
      console.log(
        problems.length === 0 ? "production may use it" : `production refuses it: ${problems.join("; ")}`,
      );
      return report.valid ? 0 : 1;
    },
  ],
};

async function main([command, ...args]: string[]): Promise<number> {
  const entry = command === undefined ? undefined : COMMANDS[command];
  if (entry === undefined) {
    console.error(USAGE);
    return command === undefined ? 0 : 2;
  }
  const [count, run] = entry;
  if (args.length < count) throw new Error(`${command} takes ${count} arguments\n${USAGE}`);
  return (await run(args)) ?? 0;
}

if (isRunAsScript(import.meta.url)) {
  const code = await main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    return 1;
  });
  await stopCeremonyThreads();
  process.exit(code);
}
