import { expect } from "chai";
import { Identity } from "@semaphore-protocol/identity";
import type { Group } from "@semaphore-protocol/group";
import { addMember, removeMember, updateMember } from "../actions.js";
import { applyApprovedChange, applyApprovedChanges, approvedMembershipChanges } from "../membership.js";
import type { Zone } from "../contracts.js";
import { rebuildGroup } from "../group.js";
import {
  TEST_RULES,
  admitAfterDelay,
  alice,
  bob,
  carol,
  dave,
  deployEmptyZone,
  loadFixture,
  time,
  proposeAs,
  queuePassedProposal,
  type ZoneWorld,
} from "../../test/zone-fixture.js";

/** A newcomer beyond the fixture's four citizens, admitted after a proposal's snapshot. */
const erin = new Identity("zonedao-sdk-test-erin");

/** Quorum low enough that one vote of three citizens passes a proposal. */
const RULES = { ...TEST_RULES, quorumBps: 2000 };

async function emptyZone(): Promise<ZoneWorld> {
  return deployEmptyZone(RULES);
}

/** A zone whose registrar admitted alice alone, then bob and carol together, while founding. */
async function zoneWithThreeCitizens(): Promise<ZoneWorld> {
  const world = await emptyZone();
  const registrar = world.zone.connect(world.registrar);
  await (await registrar.addMember(alice.commitment)).wait();
  await (await registrar.addMembers([bob.commitment, carol.commitment])).wait();
  return world;
}

async function expectSameTree(group: Group, zone: Zone): Promise<void> {
  const { root, depth, size } = await zone.merkleTree();
  expect(group.root).to.equal(root);
  expect(BigInt(group.depth)).to.equal(depth);
  expect(BigInt(group.size)).to.equal(size);
}

describe("rebuildGroup", function () {
  it("reads events only from fromBlock on, so a client can start at the zone's creation", async function () {
    const world = await loadFixture(zoneWithThreeCitizens);
    const [firstAdded] = await world.zone.queryFilter(world.zone.filters.MemberAdded());
    const created = firstAdded!.blockNumber;
    await expectSameTree(await rebuildGroup(world.zone, { fromBlock: created }), world.zone);
    // Starting after alice's registration misses her: the caller must start at or before creation.
    expect((await rebuildGroup(world.zone, { fromBlock: created + 1 })).members).to.deep.equal([
      bob.commitment,
      carol.commitment,
    ]);
  });

  it("gives an empty group, root 0, for a zone without citizens", async function () {
    const { zone } = await loadFixture(emptyZone);
    const group = await rebuildGroup(zone);
    expect(group.size).to.equal(0);
    await expectSameTree(group, zone);
  });

  it("gives the zone's tree after addMember and addMembers", async function () {
    const { zone } = await loadFixture(zoneWithThreeCitizens);
    const group = await rebuildGroup(zone);
    expect(group.members).to.deep.equal([alice.commitment, bob.commitment, carol.commitment]);
    await expectSameTree(group, zone);
  });

  describe("with untilProposal", function () {
    it("gives the snapshot the proposal's voters prove against, without later citizens", async function () {
      const world = await loadFixture(zoneWithThreeCitizens);
      const proposalId = await proposeAs(world, alice, [[]], "Plant trees");
      // After the founding the registrar's requests wait out the admission delay, then enter.
      await admitAfterDelay(world, [dave]);
      await admitAfterDelay(world, [erin]);

      const snapshot = await rebuildGroup(world.zone, { untilProposal: proposalId });
      const proposal = await world.zone.getProposal(proposalId);
      expect(snapshot.root).to.equal(proposal.snapshotRoot);
      expect(BigInt(snapshot.size)).to.equal(proposal.eligibleCount);
      expect(snapshot.indexOf(dave.commitment)).to.equal(-1);
      expect(snapshot.indexOf(erin.commitment)).to.equal(-1);

      const current = await rebuildGroup(world.zone);
      expect(current.members).to.include(erin.commitment);
      await expectSameTree(current, world.zone);
    });

    it("rejects a proposal the zone does not have", async function () {
      const { zone } = await loadFixture(zoneWithThreeCitizens);
      try {
        await rebuildGroup(zone, { untilProposal: 7n });
        expect.fail("rebuildGroup should have thrown");
      } catch (error) {
        expect((error as Error).message).to.equal("proposal 7 does not exist in this zone");
      }
    });
  });

  it("follows removals and replacements a vote approved, applied with applyApprovedChanges after an admission", async function () {
    const world = await loadFixture(zoneWithThreeCitizens);
    const newBob = new Identity("zonedao-sdk-test-bob-recovered");
    // By commitment alone: no Merkle siblings at proposal time, so later admissions (here erin's,
    // by the same vote, after the approvals) cannot stale them.
    const actions = [
      updateMember(world.zoneAddress, bob.commitment, newBob.commitment),
      removeMember(world.zoneAddress, carol.commitment),
      addMember(world.zoneAddress, erin.commitment),
    ];

    // Alice's vote alone passes under RULES.
    const { proposalId } = await queuePassedProposal(
      world,
      [actions],
      "Recover bob's identity; carol moved away",
      {
        voters: [alice],
      },
    );
    await (await world.zone.execute(proposalId, actions)).wait();

    const validUntil = BigInt(await time.latest()) + BigInt(RULES.executionWindow);
    expect(await approvedMembershipChanges(world.zone)).to.deep.equal([
      {
        proposalId,
        identityCommitment: bob.commitment,
        newIdentityCommitment: newBob.commitment,
        validUntil,
      },
      { proposalId, identityCommitment: carol.commitment, newIdentityCommitment: 0n, validUntil },
    ]);
    expect(await approvedMembershipChanges(world.zone, { proposalId: proposalId + 1n })).to.deep.equal([]);
    const { applied, failed } = await applyApprovedChanges(world.zone, world.relayer, { proposalId });
    expect(failed).to.deep.equal([]);
    expect(applied.map((change) => [change.identityCommitment, change.newIdentityCommitment])).to.deep.equal([
      [bob.commitment, newBob.commitment],
      [carol.commitment, 0n],
    ]);
    expect(await approvedMembershipChanges(world.zone)).to.deep.equal([]);

    const group = await rebuildGroup(world.zone);
    expect(group.members).to.deep.equal([alice.commitment, newBob.commitment, 0n, erin.commitment]);
    await expectSameTree(group, world.zone);
    expect(await world.zone.memberCount()).to.equal(3n);
    try {
      await applyApprovedChange(world.zone, carol.commitment, world.relayer);
      expect.fail("applyApprovedChange should have thrown");
    } catch (error) {
      expect((error as Error).message).to.equal(
        `no removal or replacement of citizen ${carol.commitment} is approved and unapplied`,
      );
    }
  });

  it("leaves out approvals that lapsed, and says so when asked to apply one", async function () {
    const world = await loadFixture(zoneWithThreeCitizens);
    const actions = [removeMember(world.zoneAddress, carol.commitment)];
    const { proposalId } = await queuePassedProposal(world, [actions], "Carol moved away", {
      voters: [alice],
    });
    await (await world.zone.execute(proposalId, actions)).wait();
    expect(await approvedMembershipChanges(world.zone)).to.have.length(1);
    await time.increase(RULES.executionWindow);
    expect(await approvedMembershipChanges(world.zone)).to.deep.equal([]);
    try {
      await applyApprovedChange(world.zone, carol.commitment, world.relayer);
      expect.fail("applyApprovedChange should have thrown");
    } catch (error) {
      expect((error as Error).message).to.match(
        new RegExp(`^the approved change of citizen ${carol.commitment} lapsed at unix time \\d+$`),
      );
    }
  });
});
