/**
 * ZoneDAO proves with the official Semaphore v4 ceremony keys (@zk-kit/semaphore-artifacts) instead
 * of running a trusted setup of its own. These tests tie those keys to the circuit source in
 * @semaphore-protocol/circuits: we compile the source ourselves and show that the official zkey and
 * verification key are keys for exactly that circuit.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { Group } from "@semaphore-protocol/group";
import { Identity } from "@semaphore-protocol/identity";
import { expect } from "chai";
import { keccak256, toBeHex } from "ethers";
import * as snarkjs from "snarkjs";
import type { CircuitSignals, Groth16Proof, PublicSignals } from "snarkjs";
import { buildCircuit, type CircuitBuild } from "../build.js";
import { computeWitness } from "./witness.js";

const DEPTH = 10;
const SNARK_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

const artifactsDir = path.dirname(
  createRequire(import.meta.url).resolve("@zk-kit/semaphore-artifacts/package.json"),
);
const official = {
  wasm: path.join(artifactsDir, `semaphore-${DEPTH}.wasm`),
  zkey: path.join(artifactsDir, `semaphore-${DEPTH}.zkey`),
  verificationKey: path.join(artifactsDir, `semaphore-${DEPTH}.json`),
};

/** The parts of snarkjs's `zKey.exportJson` output these tests read. */
interface ZkeyJson {
  nVars: number;
  nPublic: number;
  domainSize: number;
  /** The A (matrix 0) and B (matrix 1) coefficients; C is not stored in a zkey. */
  ccoefs: { matrix: number; constraint: number; signal: number; value: string }[];
}

/** The parts of snarkjs's `r1cs.exportJson` output these tests read. */
interface R1csJson {
  nVars: number;
  nConstraints: number;
  /** Per constraint A, B, C as maps from signal index to coefficient (decimal strings). */
  constraints: [Record<string, string>, Record<string, string>, Record<string, string>][];
}

// snarkjs caches its multi-threaded bn128 curve here. Its worker threads keep Node (and so mocha)
// running until the curve is terminated; terminating also clears the cache for later users.
const snarkjsGlobals = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };

/** The message and scope encoding of @semaphore-protocol/proof (src/hash.ts): keccak256 >> 8, so < 2^248. */
function hashToField(value: bigint): bigint {
  return BigInt(keccak256(toBeHex(value, 32))) >> 8n;
}

describe(`the official Semaphore v4 keys (depth ${DEPTH})`, function () {
  let circuit: CircuitBuild;
  let r1cs: R1csJson;
  let zkey: ZkeyJson;
  let verificationKey: unknown;

  // A real identity, fourth of five members of a real group.
  const members = [1, 2, 3, 4, 5].map((n) => new Identity(`zonedao-circuit-test-member-${n}`));
  const group = new Group(members.map((member) => member.commitment));
  const voter = members[3]!;
  const merkleProof = group.generateMerkleProof(group.indexOf(voter.commitment));
  // The same inputs @semaphore-protocol/proof's generateProof passes to the circuit.
  const input = {
    secret: voter.secretScalar,
    merkleProofLength: merkleProof.siblings.length,
    merkleProofIndex: merkleProof.index,
    // Siblings above the group's own depth are unused by the circuit; generateProof pads with 0.
    merkleProofSiblings: Array.from({ length: DEPTH }, (_, level) => merkleProof.siblings[level] ?? 0n),
    message: hashToField(1n), // e.g. a vote for option 1
    scope: hashToField(42n), // e.g. proposal 42
  } satisfies CircuitSignals;

  // Our witness, proved with the official zkey.
  let proof: Groth16Proof;
  let publicSignals: PublicSignals;

  before(async function () {
    // A cold compile takes a few seconds here; leave room for slower machines.
    this.timeout(10 * 60_000);
    circuit = await buildCircuit(DEPTH);
    r1cs = (await snarkjs.r1cs.exportJson(circuit.r1csPath)) as R1csJson;
    zkey = (await snarkjs.zKey.exportJson(official.zkey)) as ZkeyJson;
    verificationKey = JSON.parse(await readFile(official.verificationKey, "utf8"));
    // snarkjs's prove does not check the witness against the circuit: verify below is the check.
    ({ proof, publicSignals } = await snarkjs.groth16.prove(
      official.zkey,
      await computeWitness(input, circuit.wasmPath),
    ));
  });

  after(async function () {
    await snarkjsGlobals.curve_bn128?.terminate();
  });

  it("has as many wires as our compiled circuit", function () {
    expect(r1cs.nVars).to.equal(circuit.wires);
    expect(zkey.nVars).to.equal(r1cs.nVars);
  });

  it("has as many constraints as our compiled circuit", function () {
    // A zkey header stores nVars and domainSize, not nConstraints. But snarkjs appends one
    // constraint per public signal and one for the constant 1 wire after the circuit's own
    // constraints (zkey_new.js), and the zkey stores A's coefficients for those too: so the circuit's
    // own constraint count is the highest stored constraint index + 1 - (nPublic + 1).
    const storedConstraints = Math.max(...zkey.ccoefs.map((coef) => coef.constraint)) + 1;
    expect(r1cs.nConstraints).to.equal(circuit.constraints);
    expect(storedConstraints - (zkey.nPublic + 1)).to.equal(r1cs.nConstraints);
    expect(zkey.domainSize).to.be.at.least(storedConstraints);
    // Two outputs (merkleRoot, nullifier) and two public inputs (message, scope).
    expect(zkey.nPublic).to.equal(4);
  });

  it("stores the same A and B matrices as our compiled circuit, coefficient for coefficient", function () {
    const ours: string[] = [];
    r1cs.constraints.forEach(([a, b], constraint) => {
      for (const [signal, value] of Object.entries(a)) ours.push(`A ${constraint} ${signal} ${value}`);
      for (const [signal, value] of Object.entries(b)) ours.push(`B ${constraint} ${signal} ${value}`);
    });
    const theirs = zkey.ccoefs
      .filter((coef) => coef.constraint < r1cs.nConstraints)
      .map((coef) => `${coef.matrix === 0 ? "A" : "B"} ${coef.constraint} ${coef.signal} ${coef.value}`);
    expect(theirs.length).to.equal(ours.length);
    expect(theirs.sort()).to.deep.equal(ours.sort());
  });

  it("gets from our wasm the same witness as from the official wasm", async function () {
    const ourWitness = await computeWitness(input, circuit.wasmPath);
    const officialWitness = await computeWitness(input, official.wasm);
    // Byte-equal .wtns files: same field, same wire count, same value on every wire.
    expect(Buffer.from(ourWitness).equals(Buffer.from(officialWitness))).to.be.true;
  });

  it("proves with the official zkey from our witness, and the proof verifies with the official key", async function () {
    // Public signals: outputs first (merkleRoot, nullifier), then public inputs (message, scope).
    expect(publicSignals).to.have.length(4);
    expect(publicSignals[0]).to.equal(group.root.toString());
    expect(publicSignals.slice(2)).to.deep.equal([input.message.toString(), input.scope.toString()]);
    expect(await snarkjs.groth16.verify(verificationKey, publicSignals, proof)).to.be.true;
  });

  it("gives the same public signals as the official wasm", async function () {
    const officialProof = await snarkjs.groth16.prove(
      official.zkey,
      await computeWitness(input, official.wasm),
    );
    expect(publicSignals).to.deep.equal(officialProof.publicSignals);
  });

  it("rejects our proof if any public signal is changed", async function () {
    for (const [index, value] of publicSignals.entries()) {
      const tampered = [...publicSignals];
      tampered[index] = ((BigInt(value) + 1n) % SNARK_FIELD).toString();
      expect(await snarkjs.groth16.verify(verificationKey, tampered, proof), `signal ${index}`).to.be.false;
    }
  });
});
