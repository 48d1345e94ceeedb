/**
 * A vote proved from a private Merkle path counts on chain. The joined LeanIMT proof leaves out the
 * levels without a sibling, so it may list fewer siblings than the snapshot's depth: the proof must
 * be made at the proposal's snapshotDepth, which the zone checks, not at the number of siblings.
 */
import { expect } from "chai";
import { Identity } from "@semaphore-protocol/identity";
import { VoteOption } from "../constants.js";
import { rebuildGroup } from "../group.js";
import { proveDividendClaim, proveVote } from "../proof.js";
import { pathSourceOf, privateMerkleProof } from "../private-path.js";
import {
  TEST_RULES,
  citizens,
  deployEmptyZone,
  loadFixture,
  proposeAs,
  type ZoneWorld,
} from "../../test/zone-fixture.js";

/** A fifth citizen: leaf 4 of 5, alone at levels 0 and 1, so its path has 1 sibling at depth 3. */
const erin = new Identity("zonedao-private-path-vote-erin");
const members = [...citizens, erin];

async function zoneWithOpenProposal(): Promise<ZoneWorld & { proposalId: bigint }> {
  const world = await deployEmptyZone({ ...TEST_RULES, votingDelay: 0 });
  await (
    await world.zone.connect(world.registrar).addMembers(members.map((member) => member.commitment))
  ).wait();
  const proposalId = await proposeAs(world, citizens[0]!, [[]], "Private paths");
  return { ...world, proposalId };
}

/** The citizen's path in the proposal's snapshot, from buckets served over the snapshot's leaves. */
async function privatePath(world: ZoneWorld, proposalId: bigint, identity: Identity) {
  const snapshot = await rebuildGroup(world.zone, { untilProposal: proposalId });
  const view = await world.zone.getProposal(proposalId);
  const path = await privateMerkleProof(
    pathSourceOf(() => snapshot.members),
    {
      zone: world.zoneAddress,
      identity,
      leafIndex: snapshot.indexOf(identity.commitment),
      size: Number(view.eligibleCount),
      snapshotRoot: view.snapshotRoot,
    },
  );
  return { path, depth: Number(view.snapshotDepth) };
}

describe("voting from a private Merkle path", function () {
  it("counts a castVote proved at the snapshot's depth from a path with fewer siblings", async function () {
    const world = await loadFixture(zoneWithOpenProposal);
    const { path, depth } = await privatePath(world, world.proposalId, erin);
    expect(depth).to.equal(3);
    expect(path.siblings).to.have.length(1);
    const vote = await proveVote(erin, path, {
      chainId: world.chainId,
      zone: world.zoneAddress,
      proposalId: world.proposalId,
      option: VoteOption.For,
      merkleTreeDepth: depth,
    });
    expect(vote.merkleTreeDepth).to.equal(3);
    await (await world.zone.castVote(vote.proposalId, vote.option, vote.nullifier, vote.points)).wait();
    expect((await world.zone.getProposal(world.proposalId)).tally).to.deep.equal([0n, 1n, 0n]);
  });

  it("counts castVotes batching private-path votes with a group-proved one", async function () {
    const world = await loadFixture(zoneWithOpenProposal);
    const snapshot = await rebuildGroup(world.zone, { untilProposal: world.proposalId });
    const context = { chainId: world.chainId, zone: world.zoneAddress, proposalId: world.proposalId };
    const votes = [];
    for (const voter of [erin, citizens[3]!]) {
      const { path, depth } = await privatePath(world, world.proposalId, voter);
      votes.push(
        await proveVote(voter, path, { ...context, option: VoteOption.Against, merkleTreeDepth: depth }),
      );
    }
    votes.push(await proveVote(citizens[1]!, snapshot, { ...context, option: VoteOption.For }));
    await (
      await world.zone.castVotes(
        votes.map(({ proposalId, option, nullifier, points }) => ({ proposalId, option, nullifier, points })),
      )
    ).wait();
    expect((await world.zone.getProposal(world.proposalId)).tally).to.deep.equal([2n, 1n, 0n]);
  });

  it("refuses to prove from a path without the depth, or at a depth below its siblings", async function () {
    const world = await loadFixture(zoneWithOpenProposal);
    const { path } = await privatePath(world, world.proposalId, citizens[0]!);
    const context = {
      chainId: world.chainId,
      zone: world.zoneAddress,
      proposalId: world.proposalId,
      option: VoteOption.For,
    };
    await expectRejection(proveVote(citizens[0]!, path, context), "needs the tree's depth");
    await expectRejection(
      proveVote(citizens[0]!, path, { ...context, merkleTreeDepth: 2 }),
      "more than the depth 2",
    );
    await expectRejection(
      proveVote(erin, path, { ...context, merkleTreeDepth: 3 }),
      "not of this identity's commitment",
    );
    await expectRejection(
      proveDividendClaim(citizens[0]!, path, {
        chainId: world.chainId,
        zone: world.zoneAddress,
        roundId: 1n,
        recipient: world.zoneAddress,
        merkleTreeDepth: 33,
      }),
      "not 33",
    );
  });
});

async function expectRejection(promise: Promise<unknown>, message: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect((error as Error).message).to.include(message);
    return;
  }
  expect.fail(`expected a rejection with "${message}"`);
}
