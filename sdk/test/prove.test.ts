import { expect } from "chai";
import { readFileSync } from "node:fs";
import { Group } from "@semaphore-protocol/group";
import { Identity } from "@semaphore-protocol/identity";
import { semaphoreArtifacts } from "../artifacts.js";
import { VoteOption } from "../constants.js";
import { nullifierOf, proofDepth } from "../nullifier.js";
import { proveVote } from "../proof.js";
import { createProver, type SnarkArtifacts } from "../prove.js";
import { voteScope } from "../scope.js";
import { verifyVote } from "../verify.js";

const ZONE = "0x0000000000000000000000000000000000005a5a";
const citizens = ["a", "b", "c"].map((name) => new Identity(`zonedao-sdk-prove-${name}`));
const [voter] = citizens as [Identity];
const group = new Group(citizens.map((citizen) => citizen.commitment));
const context = { chainId: 31337n, zone: ZONE, proposalId: 4n, option: VoteOption.For };
const snapshot = { chainId: 31337n, zone: ZONE, snapshotRoot: group.root, snapshotDepth: proofDepth(group) };

describe("createProver", function () {
  it("proves with the artifacts its loader gives, as bytes, like a browser that fetched and checked them", async function () {
    const loaded: number[] = [];
    const prover = createProver((depth): SnarkArtifacts => {
      loaded.push(depth);
      const paths = semaphoreArtifacts(depth);
      return {
        wasm: new Uint8Array(readFileSync(paths.wasm)),
        zkey: new Uint8Array(readFileSync(paths.zkey)),
      };
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

  it("fails with its loader's error, before proving", async function () {
    const prover = createProver(() => Promise.reject(new Error("artifacts/semaphore-2.zkey: HTTP 404")));
    let error: unknown;
    await prover.proveVote(voter, group, context).catch((caught: unknown) => (error = caught));
    expect(error).to.be.an("error").with.property("message", "artifacts/semaphore-2.zkey: HTTP 404");
  });
});
