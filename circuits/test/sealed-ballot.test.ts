/**
 * The sealed ballot circuit (circuits/src/sealed-ballot.circom), checked constraint by constraint:
 * an honest ballot's witness satisfies the circuit and its public outputs are the sdk's encryption,
 * the group's root and the vote's nullifier; a ballot that is not one-hot, or whose ciphertexts,
 * root or nullifier are not what the circuit computes, has no witness that satisfies it (the wasm
 * refuses it, and a witness changed by hand fails the r1cs, so no prover can prove it).
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { Group } from "@semaphore-protocol/group";
import { Identity } from "@semaphore-protocol/identity";
import { expect } from "chai";
import type { CircuitSignals } from "snarkjs";
import { SNARK_SCALAR_FIELD } from "../../sdk/constants.js";
import { nullifierOf } from "../../sdk/nullifier.js";
import { voteScope } from "../../sdk/scope.js";
import {
  GENERATOR,
  IDENTITY,
  SEALED_BALLOT,
  addPoints,
  encryptBallot,
  mulPoint,
  negatePoint,
  randomScalar,
  sealedBallotInputs,
  sealedVoteCiphertexts,
  type Point,
} from "../../sdk/sealed.js";
import { buildSealedBallotCircuit, type CircuitBuild } from "../build.js";
import { computeWitness, readSymbols, readWitness, satisfies, withWires } from "./witness.js";

// snarkjs caches its multi-threaded bn128 curve (built by the witness check); see official-keys.test.ts.
const snarkjsGlobals = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };

describe("the sealed ballot circuit", function () {
  // A cold compile takes about 10 s here; leave room for slower machines.
  this.timeout(10 * 60_000);

  let circuit: CircuitBuild;
  let wires: Map<string, number>;
  let r1cs: Uint8Array;

  const members = [1, 2, 3, 4, 5].map((n) => new Identity(`zonedao-sealed-ballot-member-${n}`));
  const group = new Group(members.map((member) => member.commitment));
  const voter = members[3]!;
  const merkleProof = group.generateMerkleProof(group.indexOf(voter.commitment));
  const scope = voteScope(31337n, "0x00000000000000000000000000000000000000a1", 7n);
  // The tellers' joint secret exists only in this test, to read ballots back.
  const tellersSecret = randomScalar();
  const tellersKey = mulPoint(GENERATOR, tellersSecret);
  const randomness = Array.from({ length: SEALED_BALLOT.options }, randomScalar);

  function inputsFor(option: number, key: Point = tellersKey): CircuitSignals {
    return sealedBallotInputs(voter, merkleProof, scope, key, option, randomness);
  }

  /** The wires of the named signals, and of every signal inside the components of option `option`. */
  function optionWires(option: number): number[] {
    const own = [`main.vote[${option}]`, `main.c1[${option}]`, `main.c2[${option}]`];
    const component = new RegExp(`^main\\.EncryptBit_[^.]*\\[${option}\\]\\.`);
    return [...wires]
      .filter(([name]) => own.some((prefix) => name.startsWith(prefix)) || component.test(name))
      .map(([, wire]) => wire);
  }

  before(async function () {
    circuit = await buildSealedBallotCircuit();
    wires = await readSymbols(circuit.symPath);
    r1cs = await readFile(circuit.r1csPath);
  });

  after(async function () {
    await snarkjsGlobals.curve_bn128?.terminate();
  });

  it(`has ${SEALED_BALLOT.options} options at depth ${SEALED_BALLOT.depth} in under 2^14 constraints`, function () {
    // Groth16's domain holds the constraints plus one per public signal and one for the constant wire.
    const publicSignals = 2 + 4 * SEALED_BALLOT.options + 3;
    expect(circuit.constraints + publicSignals + 1).to.be.at.most(2 ** 14);
    expect(wires.get("main.merkleRoot")).to.equal(1);
    expect(wires.get("main.nullifier")).to.equal(2);
    expect(wires.get("main.c1[0][0]")).to.equal(3);
    expect(wires.get(`main.c2[0][0]`)).to.equal(3 + 2 * SEALED_BALLOT.options);
    expect(wires.get("main.scope")).to.equal(publicSignals - 2);
  });

  it("encrypts an honest ballot as the sdk does, in the group, with the vote's nullifier", async function () {
    for (const option of [0, 1, 2]) {
      const witness = await computeWitness(inputsFor(option), circuit.wasmPath);
      expect(await satisfies(r1cs, witness)).to.equal(true);
      const values = readWitness(witness);
      expect(values[1]).to.equal(group.root);
      expect(values[2]).to.equal(nullifierOf(voter, scope));
      // Wire 0 is the constant 1; the public signals follow it.
      const ciphertexts = sealedVoteCiphertexts(values.slice(1));
      expect(ciphertexts).to.deep.equal(
        encryptBallot(tellersKey, option, SEALED_BALLOT.options, randomness).ciphertexts,
      );
      // The tellers' secret reads the choice back: c2 - x·c1 is G for the chosen option, else 0.
      const opened = ciphertexts.map(({ c1, c2 }) => addPoints(c2, negatePoint(mulPoint(c1, tellersSecret))));
      expect(opened).to.deep.equal([0, 1, 2].map((index) => (index === option ? GENERATOR : IDENTITY)));
    }
  });

  it("has no witness for a ballot that is not one-hot", async function () {
    const minusOne = SNARK_SCALAR_FIELD - 1n;
    for (const vote of [
      [1, 1, 0],
      [0, 0, 0],
      [2, 0, 0],
      [2n, minusOne, 0n], // sums to 1, but two votes for the first option
    ]) {
      const input = { ...inputsFor(0), vote };
      await assert.rejects(
        computeWitness(input, circuit.wasmPath),
        /Assert Failed/,
        `vote ${vote.join(",")}`,
      );
    }
    // By hand: option 1's entry and its encryption taken from a ballot for option 1, into a ballot
    // for option 0, each ciphertext well formed on its own. The constraints refuse it.
    const forFirst = await computeWitness(inputsFor(0), circuit.wasmPath);
    const forSecond = readWitness(await computeWitness(inputsFor(1), circuit.wasmPath));
    const spliced = withWires(forFirst, new Map(optionWires(1).map((wire) => [wire, forSecond[wire]!])));
    expect(readWitness(spliced)[wires.get("main.vote[1]")!]).to.equal(1n);
    expect(await satisfies(r1cs, spliced)).to.equal(false);
  });

  it("has no witness whose ciphertexts are encrypted to a key other than its public key", async function () {
    const otherKey = mulPoint(GENERATOR, randomScalar());
    const honest = await computeWitness(inputsFor(1), circuit.wasmPath);
    const toOtherKey = readWitness(await computeWitness(inputsFor(1, otherKey), circuit.wasmPath));
    // The other key's ciphertexts, presented as encrypted to the tellers' key.
    const outputs = new Map(
      Array.from({ length: 4 * SEALED_BALLOT.options }, (_, i) => [3 + i, toOtherKey[3 + i]!]),
    );
    expect(await satisfies(r1cs, withWires(honest, outputs))).to.equal(false);
    // A key that is not a curve point is refused outright.
    await assert.rejects(computeWitness(inputsFor(1, [1n, 2n]), circuit.wasmPath), /Assert Failed/);
  });

  it("has no witness for a root its path does not give, or another nullifier", async function () {
    // A citizen outside the group takes a member's path for its own leaf: the root it computes is
    // not the group's, and the group's root in its place fails the constraints.
    const outsider = new Identity("zonedao-sealed-ballot-outsider");
    const input = sealedBallotInputs(
      outsider,
      { ...merkleProof, leaf: outsider.commitment },
      scope,
      tellersKey,
      0,
      randomness,
    );
    const outsiders = await computeWitness(input, circuit.wasmPath);
    expect(readWitness(outsiders)[1]).to.not.equal(group.root);
    expect(await satisfies(r1cs, withWires(outsiders, new Map([[1, group.root]])))).to.equal(false);

    const honest = await computeWitness(inputsFor(2), circuit.wasmPath);
    const otherNullifier = nullifierOf(voter, scope + 1n);
    expect(await satisfies(r1cs, withWires(honest, new Map([[2, otherNullifier]])))).to.equal(false);
  });
});
