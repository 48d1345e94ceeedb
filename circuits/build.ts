/**
 * Compiles the project's circuits with circom2, each into circuits/build/<name>/ with a cache:
 *
 * - the Semaphore v4 circuit, exactly as published in @semaphore-protocol/circuits, once per tree
 *   depth. The project proves votes with the official ceremony keys (@zk-kit/semaphore-artifacts);
 *   this build exists so that a test can check those keys against the circuit source
 *   (circuits/test/official-keys.test.ts);
 * - the sealed ballot, our own (circuits/src/sealed-ballot.circom), at the depth and option count
 *   the sdk fixes (SEALED_BALLOT in sdk/sealed.ts).
 *
 * CLI: `npx tsx circuits/build.ts [depth...]` (no depths: all of CIRCUIT_DEPTHS and the sealed ballot).
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { section, sections } from "../sdk/groth16-prover.js";
import { SEALED_BALLOT } from "../sdk/sealed.js";
import { isRunAsScript } from "./run-as-script.js";

/** The tree depths the project uses. */
export const CIRCUIT_DEPTHS = [10, 16, 20] as const;

// Semaphore supports depths 1..32 (MIN_DEPTH/MAX_DEPTH in @semaphore-protocol/utils); the official
// ceremony keys exist for exactly these.
const MIN_DEPTH = 1;
const MAX_DEPTH = 32;

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BUILD_DIR = path.join(ROOT, "circuits", "build");

// circom includes are bare file names, so every folder that holds an included file is passed with -l.
const SEMAPHORE_INCLUDE_DIRS = [
  "node_modules/@semaphore-protocol/circuits/src",
  "node_modules/circomlib/circuits",
  "node_modules/@zk-kit/binary-merkle-root.circom/src",
];
// Our own circuits' sources (only sources: the cache key hashes every .circom file in it).
const OWN_SOURCES = "circuits/src";
// --O2 is what the official artifacts were built with: only then do the wire counts match theirs.
const FLAGS = ["--r1cs", "--wasm", "--sym", "--O2"];

// circom2 is the circom compiler built to WebAssembly: no native binary, no download.
// Running its cli.js with our own Node avoids depending on PATH.
const CIRCOM2_CLI = createRequire(import.meta.url).resolve("circom2/cli.js");

const CACHE_KEY_FILE = "cache-key";

const run = promisify(execFile);

export interface CircuitBuild {
  /** semaphore-<depth> or sealed-ballot-<depth>-<options>. */
  name: string;
  /** circuits/build/<name>/ */
  outputDir: string;
  wasmPath: string;
  r1csPath: string;
  symPath: string;
  /** From the r1cs header. */
  constraints: number;
  /** From the r1cs header; the zkey calls this nVars. */
  wires: number;
  cacheHit: boolean;
}

/** Builds the Semaphore circuit for one depth into circuits/build/semaphore-<depth>/, or reuses a cached build. */
export async function buildCircuit(depth: number): Promise<CircuitBuild> {
  if (!Number.isInteger(depth) || depth < MIN_DEPTH || depth > MAX_DEPTH) {
    throw new RangeError(`depth must be an integer in ${MIN_DEPTH}..${MAX_DEPTH}, got ${depth}`);
  }
  return compile(
    `semaphore-${depth}`,
    [
      // Same pragma as semaphore.circom itself.
      "pragma circom 2.1.5;",
      "",
      'include "semaphore.circom";',
      "",
      // message and scope are public inputs; the outputs merkleRoot and nullifier are public anyway.
      `component main {public [message, scope]} = Semaphore(${depth});`,
      "",
    ],
    SEMAPHORE_INCLUDE_DIRS,
  );
}

/**
 * Builds the sealed ballot circuit at SEALED_BALLOT's depth and option count into
 * circuits/build/sealed-ballot-<depth>-<options>/, or reuses a cached build.
 */
export async function buildSealedBallotCircuit(): Promise<CircuitBuild> {
  const { depth, options } = SEALED_BALLOT;
  return compile(
    `sealed-ballot-${depth}-${options}`,
    [
      "pragma circom 2.1.5;",
      "",
      'include "sealed-ballot.circom";',
      "",
      // The outputs (root, nullifier, ciphertexts) are public anyway.
      `component main {public [scope, publicKey]} = SealedBallot(${depth}, ${options});`,
      "",
    ],
    [...SEMAPHORE_INCLUDE_DIRS, OWN_SOURCES],
  );
}

/** Compiles main file `lines` as circuits/build/<name>/<name>.circom, unless a cached build matches. */
async function compile(
  name: string,
  lines: readonly string[],
  includeDirs: readonly string[],
): Promise<CircuitBuild> {
  const outputDir = path.join(BUILD_DIR, name);
  const mainPath = path.join(outputDir, `${name}.circom`);
  const wasmPath = path.join(outputDir, `${name}_js`, `${name}.wasm`);
  const r1csPath = path.join(outputDir, `${name}.r1cs`);
  const symPath = path.join(outputDir, `${name}.sym`);
  const log = (text: string) => console.log(`[circuits] ${name}: ${text}`);

  const mainCircuit = lines.join("\n");
  const includeArgs = includeDirs.flatMap((dir) => ["-l", path.join(ROOT, dir)]);
  const cacheKey = await computeCacheKey(mainCircuit, includeDirs);

  const storedKey = await readFile(path.join(outputDir, CACHE_KEY_FILE), "utf8").catch(() => undefined);
  const outputsExist = await Promise.all([wasmPath, r1csPath, symPath].map(exists));
  if (storedKey === cacheKey && outputsExist.every(Boolean)) {
    const { constraints, wires } = await readR1csHeader(r1csPath);
    log(`cache hit (key ${cacheKey.slice(0, 12)}), ${constraints} constraints, ${wires} wires`);
    return { name, outputDir, wasmPath, r1csPath, symPath, constraints, wires, cacheHit: true };
  }

  log("compiling (cache miss) ...");
  const started = performance.now();
  // Start from an empty folder so no output of an older build survives.
  await rm(outputDir, { recursive: true, force: true });
  await mkdir(outputDir, { recursive: true });
  await writeFile(mainPath, mainCircuit);
  try {
    await run(process.execPath, [CIRCOM2_CLI, mainPath, ...FLAGS, ...includeArgs, "-o", outputDir], {
      // circom2's cli.js gives the compiler access to the current folder and its parents only.
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    // circom reports compile errors on stdout; execFile's error carries both streams.
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`circom2 failed for ${name}:\n${stdout}${stderr}`, { cause: error });
  }
  const { constraints, wires } = await readR1csHeader(r1csPath);
  // Written last: an interrupted build leaves no key and is rebuilt next time.
  await writeFile(path.join(outputDir, CACHE_KEY_FILE), cacheKey);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  log(`done in ${seconds} s, ${constraints} constraints, ${wires} wires`);
  return { name, outputDir, wasmPath, r1csPath, symPath, constraints, wires, cacheHit: false };
}

/**
 * sha256 over everything that decides the output: the compiler version, the flags, the main file
 * and every .circom file in the include folders (all of them, not only the included ones: simpler,
 * and a change to an unused file only costs one rebuild).
 */
async function computeCacheKey(mainCircuit: string, includeDirs: readonly string[]): Promise<string> {
  const { stdout: compilerVersion } = await run(process.execPath, [CIRCOM2_CLI, "--version"]);
  const lines = [
    `compiler ${compilerVersion.trim().replace(/\s+/g, " ")}`,
    `flags ${FLAGS.join(" ")} ${includeDirs.map((dir) => `-l ${dir}`).join(" ")}`,
    `main ${sha256(mainCircuit)}`,
  ];
  for (const dir of includeDirs) {
    const files = (await readdir(path.join(ROOT, dir), { recursive: true }))
      .filter((file) => file.endsWith(".circom"))
      .sort();
    for (const file of files) {
      lines.push(`${dir}/${file} ${sha256(await readFile(path.join(ROOT, dir, file)))}`);
    }
  }
  return sha256(lines.join("\n"));
}

/** The wire and constraint counts in an .r1cs file's header section (iden3's r1cs format). */
async function readR1csHeader(r1csPath: string): Promise<{ constraints: number; wires: number }> {
  const header = Buffer.from(section(sections(await readFile(r1csPath), "r1cs"), 1));
  // Field size n8 (u32), prime (n8 bytes), nWires, nPubOut, nPubIn, nPrvIn (u32 each), nLabels
  // (u64), nConstraints (u32).
  const counts = 4 + header.readUInt32LE(0);
  return { wires: header.readUInt32LE(counts), constraints: header.readUInt32LE(counts + 24) };
}

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

// Run as a script (not when imported by a test): build the depths given, or everything.
if (isRunAsScript(import.meta.url)) {
  const depths = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [...CIRCUIT_DEPTHS];
  // One circuit after the other: circom2 already keeps more than one core busy.
  for (const depth of depths) await buildCircuit(depth);
  if (process.argv.length <= 2) await buildSealedBallotCircuit();
}
