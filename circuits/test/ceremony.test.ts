/**
 * The ceremony tool (circuits/ceremony.ts) end to end on a small circuit (snarkjs's own test
 * circuit, a few constraints): both phases with two named parties and a beacon verify and list who
 * took part; a key made by one party, or checked against other powers of tau, is refused.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { section, sections } from "../../sdk/groth16-prover.js";
import {
  TEST_PTAU,
  assertProductionKey,
  closeWithBeacon,
  contribute,
  developmentKey,
  keyProblems,
  preparePhase2,
  requireSealedKeyFor,
  startPhase1,
  startPhase2,
  stopCeremonyThreads,
  verifyKey,
  verifyPtau,
} from "../ceremony.js";

const SMALL_CIRCUIT = path.join(path.dirname(TEST_PTAU), "circuit.r1cs");
const BEACON = "0x" + "5a".repeat(32);

describe("the ceremony", function () {
  this.timeout(10 * 60_000);

  let dir: string;
  const file = (name: string) => path.join(dir, name);
  // Progress lines would fill the test output; the CLI prints them.
  const silent = () => {};

  before(async function () {
    dir = await mkdtemp(path.join(tmpdir(), "zonedao-ceremony-"));
    await startPhase1(5, file("0.ptau"), silent);
    await contribute(1, file("0.ptau"), file("1.ptau"), "alice", silent);
    await contribute(1, file("1.ptau"), file("2.ptau"), "bob", silent);
    await closeWithBeacon(1, file("2.ptau"), file("3.ptau"), "phase 1 beacon", BEACON, silent);
    await preparePhase2(file("3.ptau"), file("final.ptau"), silent);
    await startPhase2(SMALL_CIRCUIT, file("final.ptau"), file("0.zkey"), silent);
    await contribute(2, file("0.zkey"), file("1.zkey"), "alice", silent);
    await contribute(2, file("1.zkey"), file("2.zkey"), "bob", silent);
    await closeWithBeacon(2, file("2.zkey"), file("final.zkey"), "phase 2 beacon", BEACON, silent);
  });

  after(async function () {
    await stopCeremonyThreads();
    await rm(dir, { recursive: true, force: true });
  });

  it("verifies a two-party ceremony closed by a beacon, and names who took part", async function () {
    expect(await verifyPtau(file("final.ptau"), silent)).to.equal(true);
    const report = await verifyKey(SMALL_CIRCUIT, file("final.ptau"), file("final.zkey"));
    expect(report).to.deep.equal({
      valid: true,
      contributions: [
        { name: "alice", kind: "contribution" },
        { name: "bob", kind: "contribution" },
        { name: "phase 2 beacon", kind: "beacon" },
      ],
    });
    expect(keyProblems(report)).to.deep.equal([]);
    assertProductionKey(report);
  });

  it("refuses a key made by one party, whatever name it gives itself twice", async function () {
    const one = await verifyKey(SMALL_CIRCUIT, file("final.ptau"), file("1.zkey"));
    expect(one.valid).to.equal(true);
    expect(keyProblems(one)).to.deep.equal([
      "1 party contributed to the key; it takes 2 (a key made by one party lets that party forge ballots)",
    ]);
    expect(() => assertProductionKey(one)).to.throw(
      "this key cannot be used in production: 1 party contributed",
    );
    await contribute(2, file("1.zkey"), file("same.zkey"), "alice", silent);
    expect(keyProblems(await verifyKey(SMALL_CIRCUIT, file("final.ptau"), file("same.zkey")))).to.have.length(
      1,
    );
    // No contribution at all.
    expect(keyProblems(await verifyKey(SMALL_CIRCUIT, file("final.ptau"), file("0.zkey")))[0]).to.match(
      /^0 parties/,
    );
  });

  it("refuses a key checked against other powers of tau, or changed after the ceremony", async function () {
    const elsewhere = await verifyKey(SMALL_CIRCUIT, TEST_PTAU, file("final.zkey"));
    expect(elsewhere.valid).to.equal(false);
    expect(keyProblems(elsewhere)[0]).to.equal(
      "the key does not verify against the circuit and the powers of tau",
    );

    // One bit of the key's H points (section 9) flipped.
    const bytes = await readFile(file("final.zkey"));
    const points = section(sections(bytes, "zkey"), 9); // a view of `bytes`
    points[100] = points[100]! ^ 1;
    await writeFile(file("tampered.zkey"), bytes);
    // snarkjs refuses it, or throws on a point that is no longer on the curve.
    const tampered = await verifyKey(SMALL_CIRCUIT, file("final.ptau"), file("tampered.zkey")).catch(() => ({
      valid: false,
      contributions: [],
    }));
    expect(tampered.valid).to.equal(false);
  });

  it("labels the development key unsafe: production refuses it", async function () {
    const key = await developmentKey();
    const report = await verifyKey(key.circuit.r1csPath, TEST_PTAU, key.zkeyPath);
    expect(report.valid).to.equal(true);
    expect(report.contributions).to.deep.equal([{ name: "development (unsafe)", kind: "contribution" }]);
    expect(() => assertProductionKey(report)).to.throw("1 party contributed");
  });

  it("lets a deployment use a one-party key on a local chain only, marked as one, and a key that fails nowhere", async function () {
    const two = await verifyKey(SMALL_CIRCUIT, file("final.ptau"), file("final.zkey"));
    const one = await verifyKey(SMALL_CIRCUIT, file("final.ptau"), file("1.zkey"));
    const broken = { ...two, valid: false };
    expect(requireSealedKeyFor(1n, two)).to.deep.equal({ development: false });
    expect(requireSealedKeyFor(31337n, two)).to.deep.equal({ development: false });
    expect(requireSealedKeyFor(31337n, one)).to.deep.equal({ development: true });
    expect(requireSealedKeyFor(1337n, one)).to.deep.equal({ development: true });
    for (const chainId of [1n, 10n, 8453n, 11155111n, 424242n]) {
      expect(() => requireSealedKeyFor(chainId, one)).to.throw("1 party contributed");
    }
    expect(() => requireSealedKeyFor(31337n, broken)).to.throw("does not verify");
    expect(() => requireSealedKeyFor(1n, broken)).to.throw("does not verify");
  });
});
