import { expect } from "chai";
import { readFileSync } from "node:fs";
import { Group } from "@semaphore-protocol/group";
import { Identity } from "@semaphore-protocol/identity";
import { semaphoreArtifacts } from "../artifacts.js";
import { VoteOption } from "../constants.js";
import { nullifierOf, proofDepth } from "../nullifier.js";
import { proveVote } from "../proof.js";
import { createProver, type CircuitFiles } from "../prove.js";
import { voteScope } from "../scope.js";
import { verifyVote } from "../verify.js";
import { stopProverThreads } from "../prover-threads.js";
import { semaphoreHash } from "../scope.js";
import { unpackGroth16Proof } from "@semaphore-protocol/proof";
import * as snarkjs from "snarkjs";

const ZONE = "0x0000000000000000000000000000000000005a5a";
const citizens = ["a", "b", "c"].map((name) => new Identity(`zonedao-sdk-prove-${name}`));
const [voter] = citizens as [Identity];
const group = new Group(citizens.map((citizen) => citizen.commitment));
const context = { chainId: 31337n, zone: ZONE, proposalId: 4n, option: VoteOption.For };
const snapshot = { chainId: 31337n, zone: ZONE, snapshotRoot: group.root, snapshotDepth: proofDepth(group) };

/** snarkjs's own verdict on a vote, from the official verification key of its depth. */
async function snarkjsAccepts(
  vote: Awaited<ReturnType<typeof proveVote>>,
  proposalId = 4n,
): Promise<boolean> {
  const key: unknown = JSON.parse(
    readFileSync(semaphoreArtifacts(vote.merkleTreeDepth).verificationKey, "utf8"),
  );
  const signals = [
    vote.merkleTreeRoot,
    vote.nullifier,
    semaphoreHash(BigInt(vote.option)),
    semaphoreHash(voteScope(31337n, ZONE, proposalId)),
  ];
  const proof = (unpackGroth16Proof as (points: string[]) => snarkjs.Groth16Proof)(vote.points.map(String));
  return snarkjs.groth16.verify(key, signals.map(String), proof);
}

/** The installed files of `depth` as bytes, as a browser hands them over after checking them. */
function circuitFiles(depth: number): CircuitFiles {
  const paths = semaphoreArtifacts(depth);
  return { wasm: new Uint8Array(readFileSync(paths.wasm)), zkey: new Uint8Array(readFileSync(paths.zkey)) };
}

describe("createProver", function () {
  it("proves with the artifacts its loader gives, as bytes, like a browser that fetched and checked them", async function () {
    const loaded: number[] = [];
    const prover = createProver((depth) => {
      loaded.push(depth);
      return circuitFiles(depth);
    });
    const vote = await prover.proveVote(voter, group, context);
    expect(loaded).to.deep.equal([proofDepth(group)]);
    expect(vote).to.include({ proposalId: 4n, option: VoteOption.For, merkleTreeDepth: proofDepth(group) });
    expect(vote.nullifier).to.equal(nullifierOf(voter, voteScope(31337n, ZONE, 4n)));
    expect(await verifyVote(vote, snapshot)).to.equal(true);
  });

  it("is what the Node entry (proof.ts) proves with, from the installed artifacts", async function () {
    const vote = await proveVote(voter, group, context);
    expect(vote.merkleTreeRoot).to.equal(group.root);
    expect(await verifyVote(vote, snapshot)).to.equal(true);
  });

  it("fails with its loader's error, before proving, and asks the loader again next time", async function () {
    let calls = 0;
    const prover = createProver((depth) => {
      calls++;
      if (calls === 1) throw new Error("artifacts/semaphore-2.zkey: HTTP 404");
      return circuitFiles(depth);
    });
    let error: unknown;
    await prover.proveVote(voter, group, context).catch((caught: unknown) => (error = caught));
    expect(error).to.be.an("error").with.property("message", "artifacts/semaphore-2.zkey: HTTP 404");
    expect(await verifyVote(await prover.proveVote(voter, group, context), snapshot)).to.equal(true);
    expect(calls).to.equal(2);
  });

  describe("kept warm between proofs", function () {
    // One prover, its circuits kept: each proof must be of its own identity and option, nothing of
    // the one before left in the witness calculator or the zkey.
    const loaded: number[] = [];
    const prover = createProver((depth) => {
      loaded.push(depth);
      return circuitFiles(depth);
    });
    const [first, second, third] = citizens as [Identity, Identity, Identity];

    it("proves different identities and options in a row, each with its own nullifier", async function () {
      const votes = [];
      for (const [citizen, option] of [
        [first, VoteOption.For],
        [second, VoteOption.Against],
        [first, VoteOption.Abstain],
      ] as const) {
        votes.push({ citizen, option, vote: await prover.proveVote(citizen, group, { ...context, option }) });
      }
      for (const { citizen, option, vote } of votes) {
        expect(vote.option).to.equal(option);
        expect(vote.nullifier).to.equal(nullifierOf(citizen, voteScope(31337n, ZONE, 4n)));
        expect(await verifyVote(vote, snapshot)).to.equal(true);
        expect(await snarkjsAccepts(vote)).to.equal(true);
      }
      // The same identity twice: one nullifier, so the zone counts it once, whatever the option.
      expect(votes[0]!.vote.nullifier).to.equal(votes[2]!.vote.nullifier);
      expect(votes[0]!.vote.nullifier).to.not.equal(votes[1]!.vote.nullifier);
      // A proof of one option is not a proof of another (the message binds the option).
      expect(await verifyVote({ ...votes[0]!.vote, option: VoteOption.Abstain }, snapshot)).to.equal(false);
    });

    it("proves at depths 10 and 20 with one prover, each depth loaded once", async function () {
      const path = group.generateMerkleProof(group.indexOf(third.commitment));
      for (const depth of [10, 20]) {
        for (const option of [VoteOption.For, VoteOption.Against]) {
          const vote = await prover.proveVote(third, path, { ...context, option, merkleTreeDepth: depth });
          expect(vote.merkleTreeDepth).to.equal(depth);
          expect(await verifyVote(vote, { ...snapshot, snapshotDepth: depth })).to.equal(true);
          expect(await snarkjsAccepts(vote)).to.equal(true);
          // A proof made at one depth does not pass as another depth's.
          expect(await verifyVote(vote, { ...snapshot, snapshotDepth: depth === 10 ? 20 : 10 })).to.equal(
            false,
          );
        }
      }
      expect(loaded.filter((depth) => depth === 10 || depth === 20)).to.deep.equal([10, 20]);
    });

    it("proves every option of a proposal, then of the next, each as valid (the sums replayed from the last witness)", async function () {
      // Options of one proposal differ from the last witness in two values (the message and its
      // square); a new proposal's scope changes the nullifier's hashing too: both are replayed.
      for (const proposalId of [7n, 8n]) {
        for (const option of [VoteOption.Against, VoteOption.For, VoteOption.Abstain]) {
          const vote = await prover.proveVote(first, group, { ...context, proposalId, option });
          expect(vote.nullifier).to.equal(nullifierOf(first, voteScope(31337n, ZONE, proposalId)));
          expect(await verifyVote(vote, snapshot)).to.equal(true);
          expect(await snarkjsAccepts(vote, proposalId)).to.equal(true);
        }
      }
      // The same vote twice: the same witness, yet a new proof (fresh blinding), both valid.
      const again = [0, 1].map(() => prover.proveVote(first, group, { ...context, option: VoteOption.For }));
      const [one, two] = await Promise.all(again);
      expect(one!.points).to.not.deep.equal(two!.points);
      expect(await snarkjsAccepts(one!)).to.equal(true);
      expect(await snarkjsAccepts(two!)).to.equal(true);
    });

    it("keeps proofs asked for at once apart (the witness calculator is one at a time)", async function () {
      const votes = await Promise.all(
        citizens.map((citizen, index) =>
          prover.proveVote(citizen, group, {
            ...context,
            option: index % 2 === 0 ? VoteOption.For : VoteOption.Against,
          }),
        ),
      );
      for (const [index, citizen] of citizens.entries()) {
        expect(votes[index]!.nullifier).to.equal(nullifierOf(citizen, voteScope(31337n, ZONE, 4n)));
        expect(await verifyVote(votes[index]!, snapshot)).to.equal(true);
      }
    });

    it("refuses a Merkle proof whose siblings do not give its root, rather than prove another root", async function () {
      const path = group.generateMerkleProof(group.indexOf(first.commitment));
      const forged = { ...path, root: path.root + 1n };
      let error: unknown;
      await prover
        .proveVote(first, forged, { ...context, merkleTreeDepth: snapshot.snapshotDepth })
        .catch((caught: unknown) => (error = caught));
      expect(error)
        .to.be.an("error")
        .with.property("message", "the Merkle proof's siblings do not give its root");
    });

    it("proves again after the prover threads were stopped (a later proof builds a new curve)", async function () {
      await prover.proveVote(second, group, context);
      await stopProverThreads();
      const vote = await prover.proveVote(second, group, { ...context, option: VoteOption.Abstain });
      expect(await snarkjsAccepts(vote)).to.equal(true);
    });

    it("refuses an identity that is not in the group", async function () {
      const stranger = new Identity("zonedao-sdk-prove-stranger");
      let error: unknown;
      await prover.proveVote(stranger, group, context).catch((caught: unknown) => (error = caught));
      expect(error).to.be.an("error").with.property("message", "the identity is not a member of the group");
    });
  });
});
