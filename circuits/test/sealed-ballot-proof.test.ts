/**
 * Real sealed votes: Groth16 proofs of the sealed ballot circuit (with the development key: one
 * party, from snarkjs's test ptau, circuits/ceremony.ts) made by the sdk's prover (one of them
 * readied before its choice, as the web app will), verified, summed and opened by two of three tellers; and a proof that does not verify once anything it binds
 * (proposal, key, ciphertexts, root) is changed.
 */
import assert from "node:assert/strict";
import { Group } from "@semaphore-protocol/group";
import { Identity } from "@semaphore-protocol/identity";
import { unpackGroth16Proof as untypedUnpack } from "@semaphore-protocol/proof";
import { expect } from "chai";
import * as snarkjs from "snarkjs";
import type { Groth16Proof } from "snarkjs";
import {
  GENERATOR,
  addPoints,
  combineShares,
  dealShares,
  jointPublicKey,
  openTally,
  partialDecrypt,
  prepareSealedVote,
  proveSealedVote,
  sealedVotePublicSignals,
  sumBallots,
  tellerKey,
  type PreparedSealedVote,
  type SealedVote,
} from "../../sdk/sealed.js";
import type { PackedProof } from "../../sdk/types.js";
import { WarmCircuit } from "../../sdk/warm-prover.js";
import { developmentCircuit, stopCeremonyThreads, type DevelopmentKey } from "../ceremony.js";

// The proof package is typed `any` under NodeNext (see sdk/prove.ts): its declared signature.
const unpackGroth16Proof = untypedUnpack as (points: readonly string[]) => Groth16Proof;
const unpack = (points: PackedProof) => unpackGroth16Proof(points.map(String));
const CHAIN = 31337n;
const ZONE = "0x00000000000000000000000000000000000000a1";
const PROPOSAL = 7n;

describe("sealed votes, proven", function () {
  // The development key takes about a minute the first time; each proof a few seconds.
  this.timeout(10 * 60_000);

  let key: DevelopmentKey;
  let circuit: WarmCircuit;
  const citizens = [1, 2, 3, 4].map((n) => new Identity(`zonedao-sealed-proof-citizen-${n}`));
  const group = new Group(citizens.map((citizen) => citizen.commitment));
  const deals = [1, 2, 3].map((dealer) => dealShares(dealer, 2, 3));
  const qualified = new Map(deals.map((deal) => [deal.dealer, deal.commitments]));
  const publicKey = jointPublicKey(qualified);
  const votes: SealedVote[] = [];
  let prepared: PreparedSealedVote;

  async function verifies(
    vote: SealedVote,
    proposalId = vote.proposalId,
    sealedTo = publicKey,
  ): Promise<boolean> {
    const signals = sealedVotePublicSignals({ ...vote, proposalId }, CHAIN, ZONE, sealedTo).map(String);
    return snarkjs.groth16.verify(key.verificationKey, signals, unpack(vote.points));
  }

  before(async function () {
    ({ key, circuit } = await developmentCircuit());
    // Three citizens vote, one for each option; the fourth readies its vote, then chooses option 2.
    for (const [index, option] of [0, 1, 2].entries()) {
      const context = { chainId: CHAIN, zone: ZONE, proposalId: PROPOSAL, publicKey, option };
      votes.push(await proveSealedVote(circuit, citizens[index]!, group, context));
    }
    prepared = await prepareSealedVote(circuit, citizens[3]!, group, {
      chainId: CHAIN,
      zone: ZONE,
      proposalId: PROPOSAL,
      publicKey,
    });
    votes.push(await prepared.prove(2));
  });

  after(async function () {
    await stopCeremonyThreads();
  });

  it("verifies each vote, with its own nullifier and the group's root", async function () {
    for (const vote of votes) {
      expect(await verifies(vote)).to.equal(true);
      expect(vote.merkleTreeRoot).to.equal(group.root);
    }
    expect(new Set(votes.map(({ nullifier }) => nullifier)).size).to.equal(4);
  });

  it("proves a readied vote once: a second choice is refused", async function () {
    await assert.rejects(prepared.prove(0), /already proven: prepare another/);
  });

  it("opens the summed votes with two of three tellers, the readied vote counted for its choice", function () {
    const sums = sumBallots(
      votes.map(({ ciphertexts }) => ciphertexts),
      3,
    );
    const partials = [1, 3].map((teller) =>
      partialDecrypt(teller, combineShares(deals.map(({ shares }) => shares[teller - 1]!)), sums),
    );
    const tellerKeys = new Map([1, 2, 3].map((teller) => [teller, tellerKey(qualified, teller)]));
    expect(openTally({ sums, partials, tellerKeys, threshold: 2, electorate: group.size })).to.deep.equal([
      1, 1, 2,
    ]);
  });

  it("does not verify for another proposal, another key, other ciphertexts or another root", async function () {
    const [vote, other] = votes as [SealedVote, SealedVote];
    expect(await verifies(vote, PROPOSAL + 1n)).to.equal(false);
    expect(await verifies(vote, PROPOSAL, addPoints(publicKey, GENERATOR))).to.equal(false);
    const swapped = [other.ciphertexts[0]!, ...vote.ciphertexts.slice(1)];
    expect(await verifies({ ...vote, ciphertexts: swapped })).to.equal(false);
    expect(await verifies({ ...vote, merkleTreeRoot: vote.merkleTreeRoot + 1n })).to.equal(false);
  });
});
