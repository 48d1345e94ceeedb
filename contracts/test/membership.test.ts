/**
 * Removals and replacements of citizens in two steps: a passed proposal approves the change by
 * commitment, then anyone applies it with Merkle siblings of the tree as it is then. Siblings fixed
 * at proposal time went stale with any admission before execution, and the decision failed.
 */
import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import {
  SNARK_SCALAR_FIELD,
  VoteOption,
  proveVote,
  rebuildGroup,
  removeMember,
  rulesWith,
  updateMember,
  type Zone,
} from "../../sdk/index.js";
import {
  TEST_RULES,
  admitAfterDelay,
  alice,
  bob,
  carol,
  dave,
  deployZoneWithCitizens,
  ethers,
  loadFixture,
  outsider,
  passProposal,
  proposeAs,
  queuePassedProposal,
  time,
  Identity,
  type ZoneWorld,
} from "../../test/zone-fixture.js";

/**
 * A week to carry out a passed decision: an admission after the founding waits a vote's length and
 * a day, and these tests admit citizens between a decision's vote and its execution.
 */
const RULES = rulesWith({ ...TEST_RULES, executionWindow: 7 * 86_400 });
const withCitizens = () => deployZoneWithCitizens(RULES);

const newCarol = new Identity("zonedao-test-carol-recovered");
const latecomer = new Identity("zonedao-test-latecomer");

/** A passed, queued proposal removing dave, its timelock over. */
async function removalQueued() {
  const world = await withCitizens();
  const queued = await queuePassedProposal(
    world,
    [[removeMember(world.zoneAddress, dave.commitment)]],
    "Dave moved away",
  );
  return { ...world, ...queued };
}

/** A passed, queued proposal replacing carol's lost identity, its timelock over. */
async function replacementQueued() {
  const world = await withCitizens();
  const queued = await queuePassedProposal(
    world,
    [[updateMember(world.zoneAddress, carol.commitment, newCarol.commitment)]],
    "Carol lost her phone",
  );
  return { ...world, ...queued };
}

/** A queued removal or replacement (`fixture`), executed: approved, not applied yet. */
async function executed(fixture: typeof removalQueued | typeof replacementQueued) {
  const world = await loadFixture(fixture);
  await (await world.zone.execute(world.proposalId, world.actions)).wait();
  return world;
}

/**
 * Admits a citizen after the vote (siblings computed when the proposal was made would now be stale),
 * then executes: the execution, and the end of its approval's validity.
 */
async function executeAfterAnAdmission(world: Awaited<ReturnType<typeof removalQueued>>) {
  await admitAfterDelay(world, [outsider]);
  const execution = await world.zone.execute(world.proposalId, world.actions);
  await execution.wait();
  return { execution, validUntil: BigInt(await time.latest()) + BigInt(RULES.executionWindow) };
}

/** Expects `sent` refused for applying no approved change of `commitment` into `replacement`. */
async function expectNotApproved(zone: Zone, sent: Promise<unknown>, commitment: bigint, replacement = 0n) {
  await expect(sent)
    .to.be.revertedWithCustomError(zone, "ZoneChangeNotApproved")
    .withArgs(commitment, replacement);
}

/** `commitment`'s Merkle siblings in the zone's group as its events say it is now. */
async function freshSiblings(zone: Zone, commitment: bigint): Promise<bigint[]> {
  const group = await rebuildGroup(zone);
  return group.generateMerkleProof(group.indexOf(commitment)).siblings;
}

/** The zone itself as a signer, for checks that need no executing proposal. */
async function asTheZone(world: ZoneWorld): Promise<Zone> {
  await ethers.provider.send("hardhat_impersonateAccount", [world.zoneAddress]);
  await ethers.provider.send("hardhat_setBalance", [world.zoneAddress, "0xde0b6b3a7640000"]);
  return world.zone.connect(await ethers.getSigner(world.zoneAddress));
}

async function gasOf(sent: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await sent).wait();
  return receipt?.gasUsed ?? 0n;
}

async function expectSameRoot(zone: Zone) {
  const { root } = await zone.merkleTree();
  expect((await rebuildGroup(zone)).root).to.equal(root);
}

describe("approved removals and replacements", function () {
  it("removes a member with fresh siblings though a citizen was admitted after the vote", async function () {
    const world = await loadFixture(removalQueued);
    const { zone } = world;
    const { execution, validUntil } = await executeAfterAnAdmission(world);
    await expect(execution).not.to.emit(zone, "MemberRemoved");
    expect(await zone.approvedChangeOf(dave.commitment)).to.deep.equal([0n, validUntil]);
    await expect(execution)
      .to.emit(zone, "MemberRemovalApproved")
      .withArgs(world.proposalId, dave.commitment, validUntil);
    expect(await zone.isMember(dave.commitment)).to.equal(true);

    // Anyone applies it (here the relayer's account, neither registrar nor zone).
    const siblings = await freshSiblings(zone, dave.commitment);
    await expect(zone.applyRemoval(dave.commitment, siblings)).to.emit(zone, "MemberRemoved");
    expect(await zone.isMember(dave.commitment)).to.equal(false);
    expect(await zone.memberCount()).to.equal(4n);
    expect((await zone.approvedChangeOf(dave.commitment)).validUntil).to.equal(0n);
    await expectSameRoot(zone);
  });

  it("replaces a member's commitment the same way, and the new identity proves membership", async function () {
    const world = await loadFixture(replacementQueued);
    const { zone } = world;
    const { execution, validUntil } = await executeAfterAnAdmission(world);
    await expect(execution).not.to.emit(zone, "MemberUpdated");
    await expect(execution)
      .to.emit(zone, "MemberUpdateApproved")
      .withArgs(world.proposalId, carol.commitment, newCarol.commitment, validUntil);

    const siblings = await freshSiblings(zone, carol.commitment);
    await expect(zone.applyUpdate(carol.commitment, newCarol.commitment, siblings)).to.emit(
      zone,
      "MemberUpdated",
    );
    expect(await zone.isMember(carol.commitment)).to.equal(false);
    expect(await zone.isMember(newCarol.commitment)).to.equal(true);
    expect(await zone.memberCount()).to.equal(5n);
    await expectSameRoot(zone);
    await proposeAs(world, newCarol, [[]], "Carol is back");
  });

  it("applies a change once, and never to the commitment admitted again", async function () {
    const world = await executed(removalQueued);
    const { zone } = world;
    const siblings = await freshSiblings(zone, dave.commitment);
    await (await zone.applyRemoval(dave.commitment, siblings)).wait();
    await expectNotApproved(zone, zone.applyRemoval(dave.commitment, siblings), dave.commitment);

    await admitAfterDelay(world, [dave]);
    await expectNotApproved(
      zone,
      zone.applyRemoval(dave.commitment, await freshSiblings(zone, dave.commitment)),
      dave.commitment,
    );
  });

  it("refuses stale or wrong siblings and keeps the approval for a correct attempt", async function () {
    const world = await executed(removalQueued);
    const { zone } = world;
    await admitAfterDelay(world, [outsider]);
    const before = await freshSiblings(zone, dave.commitment);
    // An admission lands first (a front-runner, or chance): the siblings computed before are stale.
    await admitAfterDelay(world, [latecomer]);
    await expect(zone.applyRemoval(dave.commitment, before)).to.be.revertedWithCustomError(
      zone,
      "WrongSiblingNodes",
    );
    const fresh = await freshSiblings(zone, dave.commitment);
    await expect(zone.applyRemoval(dave.commitment, [...fresh].reverse())).to.be.revertedWithCustomError(
      zone,
      "WrongSiblingNodes",
    );
    // Too few siblings (those of a shallower tree): an out-of-bounds read, also a plain revert.
    await expect(zone.applyRemoval(dave.commitment, fresh.slice(0, -1))).to.be.revertedWithPanic(0x32);
    await expect(zone.applyRemoval(dave.commitment, fresh)).to.emit(zone, "MemberRemoved");
  });

  it("refuses a change other than the one approved", async function () {
    const { zone } = await executed(replacementQueued);
    const [carols, alices] = [
      await freshSiblings(zone, carol.commitment),
      await freshSiblings(zone, alice.commitment),
    ];
    const refused: [Promise<unknown>, bigint, bigint][] = [
      [zone.applyRemoval(carol.commitment, carols), carol.commitment, 0n],
      [
        zone.applyUpdate(carol.commitment, outsider.commitment, carols),
        carol.commitment,
        outsider.commitment,
      ],
      [zone.applyRemoval(alice.commitment, alices), alice.commitment, 0n],
    ];
    for (const [sent, commitment, replacement] of refused) {
      await expectNotApproved(zone, sent, commitment, replacement);
    }
  });

  it("cannot apply a replacement whose new commitment was admitted since the approval", async function () {
    const world = await executed(replacementQueued);
    const { zone } = world;
    await admitAfterDelay(world, [newCarol]);
    await expect(
      zone.applyUpdate(carol.commitment, newCarol.commitment, await freshSiblings(zone, carol.commitment)),
    ).to.be.revertedWithCustomError(zone, "LeafAlreadyExists");
  });

  it("lets an approval lapse one execution window after the execution", async function () {
    const { zone } = await executed(removalQueued);
    const { validUntil } = await zone.approvedChangeOf(dave.commitment);
    const siblings = await freshSiblings(zone, dave.commitment);
    await time.setNextBlockTimestamp(validUntil + 1n);
    await expect(zone.applyRemoval(dave.commitment, siblings))
      .to.be.revertedWithCustomError(zone, "ZoneApprovalExpired")
      .withArgs(dave.commitment, validUntil);
  });

  it("lets only a passed proposal approve a change", async function () {
    const world = await loadFixture(deployZoneWithCitizens);
    for (const caller of [world.registrar, world.relayer, world.deployer]) {
      const zone = world.zone.connect(caller);
      await expect(zone.approveRemoval(dave.commitment))
        .to.be.revertedWithCustomError(zone, "ZoneCallerIsNotTheZone")
        .withArgs(await caller.getAddress());
      await expect(zone.approveUpdate(dave.commitment, outsider.commitment))
        .to.be.revertedWithCustomError(zone, "ZoneCallerIsNotTheZone")
        .withArgs(await caller.getAddress());
    }
  });

  it("refuses to approve a change that could never be applied", async function () {
    const world = await loadFixture(deployZoneWithCitizens);
    const zone = await asTheZone(world);
    const refusals: [Promise<unknown>, string, bigint][] = [
      [zone.approveRemoval(outsider.commitment), "ZoneNotAMember", outsider.commitment],
      [zone.approveUpdate(outsider.commitment, 5n), "ZoneNotAMember", outsider.commitment],
      [zone.approveUpdate(dave.commitment, 0n), "ZoneInvalidIdentityCommitment", 0n],
      [
        zone.approveUpdate(dave.commitment, SNARK_SCALAR_FIELD),
        "ZoneInvalidIdentityCommitment",
        SNARK_SCALAR_FIELD,
      ],
      [zone.approveUpdate(dave.commitment, carol.commitment), "ZoneAlreadyAMember", carol.commitment],
      [zone.approveUpdate(dave.commitment, dave.commitment), "ZoneAlreadyAMember", dave.commitment],
    ];
    for (const [sent, error, argument] of refusals) {
      await expect(sent).to.be.revertedWithCustomError(zone, error).withArgs(argument);
    }
  });

  it("keeps one approval per member: a later vote replaces an earlier one", async function () {
    const world = await loadFixture(deployZoneWithCitizens);
    const zone = await asTheZone(world);
    await (await zone.approveRemoval(dave.commitment)).wait();
    expect((await zone.approvedChangeOf(dave.commitment)).newIdentityCommitment).to.equal(0n);
    await (await zone.approveUpdate(dave.commitment, outsider.commitment)).wait();
    expect((await zone.approvedChangeOf(dave.commitment)).newIdentityCommitment).to.equal(
      outsider.commitment,
    );
  });

  it("lets a member removed after a proposal's snapshot vote on that proposal (a documented limit)", async function () {
    const world = await executed(removalQueued);
    const { zone } = world;
    // Made between approval and application: dave is in its snapshot.
    const proposalId = await proposeAs(world, bob, [[]], "Made before the removal was applied");
    const snapshot = await rebuildGroup(zone, { untilProposal: proposalId });
    await (await zone.applyRemoval(dave.commitment, await freshSiblings(zone, dave.commitment))).wait();
    const vote = await proveVote(dave, snapshot, {
      chainId: world.chainId,
      zone: world.zoneAddress,
      proposalId,
      option: VoteOption.For,
    });
    await expect(zone.castVote(proposalId, vote.option, vote.nullifier, vote.points)).to.emit(
      zone,
      "VoteCast",
    );
  });

  it("reports the gas of approving and applying", async function () {
    // In the order of the one-step measurement at 5961557 (removal, replacement, an empty proposal),
    // so that each execution finds the same storage warm or cold: execute(removeMember) was 244,856
    // gas there, execute(updateMember) 245,488, execute with no action 60,541.
    const world = await loadFixture(deployZoneWithCitizens);
    const { zone } = world;
    const removal = await passProposal(world, [[removeMember(world.zoneAddress, dave.commitment)]], "Remove");
    const applyRemoval = await gasOf(
      zone.applyRemoval(dave.commitment, await freshSiblings(zone, dave.commitment)),
    );
    const replacement = await passProposal(
      world,
      [[updateMember(world.zoneAddress, carol.commitment, newCarol.commitment)]],
      "Replace",
      { voters: [alice, bob, carol] },
    );
    const applyUpdate = await gasOf(
      zone.applyUpdate(carol.commitment, newCarol.commitment, await freshSiblings(zone, carol.commitment)),
    );
    const empty = await passProposal(world, [[]], "Nothing", { voters: [alice, bob] });
    console.log(
      `      gas: execute approving a removal ${removal.receipt?.gasUsed}, applyRemoval ${applyRemoval}`,
    );
    console.log(
      `      gas: execute approving a replacement ${replacement.receipt?.gasUsed}, applyUpdate ${applyUpdate}`,
    );
    console.log(`      gas: execute with no action ${empty.receipt?.gasUsed}`);
  });
});
