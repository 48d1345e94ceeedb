import { expect } from "chai";
import {
  SNARK_SCALAR_FIELD,
  VoteOption,
  proveProposal,
  proveVote,
  rebuildGroup,
  type VoteProof,
  type Zone,
  type ZoneAction,
} from "../../sdk/index.js";
import {
  TEST_RULES,
  admitByVoteWhileOpen,
  citizens,
  deployZoneWithCitizens,
  ethers,
  loadFixture,
  outsider,
  proposeAs,
  time,
  Group,
  Identity,
  type ZoneWorld,
} from "../../test/zone-fixture.js";

const [alice, bob, carol, dave] = citizens as [Identity, Identity, Identity, Identity];
const PAYEE = "0x000000000000000000000000000000000000bEEF";
const PAYMENT = ethers.parseEther("1.5");

async function zoneWithCitizens() {
  return deployZoneWithCitizens();
}

/** A zone with 10 ETH in its treasury and one open For/Against/Abstain proposal paying PAYEE. */
async function zoneWithOpenProposal() {
  const world = await deployZoneWithCitizens();
  await (
    await world.deployer.sendTransaction({ to: world.zoneAddress, value: ethers.parseEther("10") })
  ).wait();
  const actions: ZoneAction[] = [{ target: PAYEE, value: PAYMENT, data: "0x" }];
  const proposalId = await proposeAs(world, alice, [actions], "Pay the bridge builders");
  const snapshotGroup = await rebuildGroup(world.zone, { untilProposal: proposalId });
  return { ...world, actions, proposalId, snapshotGroup };
}

/** `identity`'s vote in `world`'s zone, proved against `group` (the proposal's snapshot by default). */
async function vote(
  world: ZoneWorld & { snapshotGroup: Group },
  identity: Identity,
  proposalId: bigint,
  option: number,
  group: Group = world.snapshotGroup,
): Promise<VoteProof> {
  return proveVote(identity, group, {
    chainId: world.chainId,
    zone: world.zoneAddress,
    proposalId,
    option,
  });
}

function castVote(zone: Zone, proof: VoteProof, overrides: Partial<VoteProof> = {}) {
  const sent = { ...proof, ...overrides };
  return zone.castVote(sent.proposalId, sent.option, sent.nullifier, sent.points);
}

describe("Zone", function () {
  describe("castVote", function () {
    it("counts a vote made with the official artifacts and emits VoteCast", async function () {
      const world = await loadFixture(zoneWithOpenProposal);
      const proof = await vote(world, bob, world.proposalId, VoteOption.For);
      const tx = await castVote(world.zone, proof);
      await expect(tx)
        .to.emit(world.zone, "VoteCast")
        .withArgs(world.proposalId, VoteOption.For, proof.nullifier);
      const receipt = await tx.wait();
      console.log(`      gas: castVote ${receipt?.gasUsed} (depth ${proof.merkleTreeDepth})`);
      const view = await world.zone.getProposal(world.proposalId);
      expect(view.tally).to.deep.equal([0n, 1n, 0n]);
      expect(await world.zone.isNullifierUsed(proof.nullifier)).to.equal(true);
    });

    it("rejects a nullifier used twice", async function () {
      const world = await loadFixture(zoneWithOpenProposal);
      const proof = await vote(world, bob, world.proposalId, VoteOption.For);
      await castVote(world.zone, proof);
      const again = await vote(world, bob, world.proposalId, VoteOption.Against);
      expect(again.nullifier).to.equal(proof.nullifier);
      await expect(castVote(world.zone, again))
        .to.be.revertedWithCustomError(world.zone, "ZoneNullifierAlreadyUsed")
        .withArgs(proof.nullifier);
    });

    it("rejects a proof for proposal A on proposal B", async function () {
      const world = await loadFixture(zoneWithOpenProposal);
      const secondId = await proposeAs(world, bob, [[]], "A second question");
      const proofForFirst = await vote(world, carol, world.proposalId, VoteOption.For);
      await expect(
        castVote(world.zone, proofForFirst, { proposalId: secondId }),
      ).to.be.revertedWithCustomError(world.zone, "ZoneInvalidProof");
    });

    it("rejects a proof made for another zone", async function () {
      const world = await loadFixture(zoneWithOpenProposal);
      const other = await deployZoneWithCitizens();
      await proposeAs(other, alice, [[]], "Same members, other zone");
      const proofForOther = await proveVote(carol, await rebuildGroup(other.zone, { untilProposal: 1n }), {
        chainId: other.chainId,
        zone: other.zoneAddress,
        proposalId: 1n,
        option: VoteOption.For,
      });
      // Same members and proposal id, so the same snapshot root: only the scope differs.
      expect(proofForOther.merkleTreeRoot).to.equal(world.snapshotGroup.root);
      await expect(castVote(world.zone, proofForOther)).to.be.revertedWithCustomError(
        world.zone,
        "ZoneInvalidProof",
      );
      await expect(castVote(other.zone, proofForOther)).to.emit(other.zone, "VoteCast");
    });

    it("rejects a proof made for another chain id", async function () {
      const world = await loadFixture(zoneWithOpenProposal);
      const proof = await proveVote(carol, world.snapshotGroup, {
        chainId: world.chainId + 1n,
        zone: world.zoneAddress,
        proposalId: world.proposalId,
        option: VoteOption.For,
      });
      await expect(castVote(world.zone, proof)).to.be.revertedWithCustomError(world.zone, "ZoneInvalidProof");
    });

    it("rejects a non-member's proof", async function () {
      const world = await loadFixture(zoneWithOpenProposal);
      const forgedGroup = new Group([...world.snapshotGroup.members, outsider.commitment]);
      const proof = await vote(world, outsider, world.proposalId, VoteOption.For, forgedGroup);
      await expect(castVote(world.zone, proof)).to.be.revertedWithCustomError(world.zone, "ZoneInvalidProof");
    });

    it("rejects a member added after the snapshot", async function () {
      const world = await loadFixture(zoneWithCitizens);
      // Admitted by a vote, the only admission that can land while a proposal is open.
      const proposalId = await admitByVoteWhileOpen(world, [outsider], [alice, bob, carol], () =>
        proposeAs(world, dave, [[]], "Paint the bridge"),
      );
      expect(await world.zone.isMember(outsider.commitment)).to.equal(true);
      const currentGroup = await rebuildGroup(world.zone);
      const proof = await vote(
        { ...world, snapshotGroup: currentGroup },
        outsider,
        proposalId,
        VoteOption.For,
      );
      await expect(castVote(world.zone, proof)).to.be.revertedWithCustomError(world.zone, "ZoneInvalidProof");
    });

    it("rejects a changed option or nullifier", async function () {
      const world = await loadFixture(zoneWithOpenProposal);
      const proof = await vote(world, bob, world.proposalId, VoteOption.For);
      await expect(castVote(world.zone, proof, { option: VoteOption.Against })).to.be.revertedWithCustomError(
        world.zone,
        "ZoneInvalidProof",
      );
      await expect(
        castVote(world.zone, proof, { nullifier: proof.nullifier + 1n }),
      ).to.be.revertedWithCustomError(world.zone, "ZoneInvalidProof");
      const tampered = [...proof.points] as VoteProof["points"];
      tampered[0] = tampered[0] + 1n;
      await expect(castVote(world.zone, proof, { points: tampered })).to.be.revert(ethers);
      await expect(castVote(world.zone, proof)).to.emit(world.zone, "VoteCast");
    });

    it("rejects a nullifier or option shifted by the field modulus", async function () {
      const world = await loadFixture(zoneWithOpenProposal);
      const proof = await vote(world, bob, world.proposalId, VoteOption.For);
      const shifted = proof.nullifier + SNARK_SCALAR_FIELD;
      await expect(castVote(world.zone, proof, { nullifier: shifted }))
        .to.be.revertedWithCustomError(world.zone, "ZoneFieldElementOutOfRange")
        .withArgs(shifted);
      const shiftedOption = BigInt(VoteOption.For) + SNARK_SCALAR_FIELD;
      await expect(world.zone.castVote(world.proposalId, shiftedOption, proof.nullifier, proof.points))
        .to.be.revertedWithCustomError(world.zone, "ZoneInvalidOption")
        .withArgs(world.proposalId, shiftedOption);
      await expect(castVote(world.zone, proof, { option: 3 }))
        .to.be.revertedWithCustomError(world.zone, "ZoneInvalidOption")
        .withArgs(world.proposalId, 3);
    });

    it("rejects a proof coordinate outside the base field, which Semaphore's verifier alone accepts", async function () {
      const world = await loadFixture(zoneWithOpenProposal);
      const proof = await vote(world, bob, world.proposalId, VoteOption.For);
      const BASE_FIELD = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
      const malleated = [...proof.points] as VoteProof["points"];
      // A.y + 2^256 - q wraps to A.y when the verifier negates A in 256-bit arithmetic.
      malleated[1] = malleated[1] + (1n << 256n) - BASE_FIELD;
      await expect(castVote(world.zone, proof, { points: malleated })).to.be.revertedWithCustomError(
        world.zone,
        "ZoneInvalidProof",
      );
      await expect(castVote(world.zone, proof)).to.emit(world.zone, "VoteCast");
    });

    it("rejects votes after the voting period", async function () {
      const world = await loadFixture(zoneWithOpenProposal);
      const proof = await vote(world, bob, world.proposalId, VoteOption.For);
      await time.increase(TEST_RULES.votingPeriod);
      await expect(castVote(world.zone, proof))
        .to.be.revertedWithCustomError(world.zone, "ZoneUnexpectedProposalState")
        .withArgs(world.proposalId, 3); // Defeated
    });
  });

  describe("outcome and execution", function () {
    it("is Defeated when the quorum is not met", async function () {
      const world = await loadFixture(zoneWithOpenProposal);
      await castVote(world.zone, await vote(world, bob, world.proposalId, VoteOption.For));
      await time.increase(TEST_RULES.votingPeriod);
      // 1 vote of 4 citizens is below the 50% quorum.
      expect(await world.zone.state(world.proposalId)).to.equal(3n);
      await expect(world.zone.queue(world.proposalId)).to.be.revertedWithCustomError(
        world.zone,
        "ZoneUnexpectedProposalState",
      );
    });

    it("is Defeated when Against wins, abstentions counting towards quorum only", async function () {
      const world = await loadFixture(zoneWithOpenProposal);
      await castVote(world.zone, await vote(world, bob, world.proposalId, VoteOption.Against));
      await castVote(world.zone, await vote(world, carol, world.proposalId, VoteOption.Abstain));
      await time.increase(TEST_RULES.votingPeriod);
      expect(await world.zone.state(world.proposalId)).to.equal(3n);
    });

    it("queues a passed proposal and executes its treasury transfer after the delay, not before", async function () {
      const world = await loadFixture(zoneWithOpenProposal);
      for (const citizen of [alice, bob, carol]) {
        await castVote(world.zone, await vote(world, citizen, world.proposalId, VoteOption.For));
      }
      await expect(world.zone.queue(world.proposalId))
        .to.be.revertedWithCustomError(world.zone, "ZoneUnexpectedProposalState")
        .withArgs(world.proposalId, 1); // still Active
      await time.increase(TEST_RULES.votingPeriod);
      expect(await world.zone.state(world.proposalId)).to.equal(4n); // Succeeded
      await expect(world.zone.queue(world.proposalId)).to.emit(world.zone, "ProposalQueued");
      const execute = world.zone.getFunction("execute");
      await expect(execute(world.proposalId, world.actions)).to.be.revertedWithCustomError(
        world.zone,
        "ZoneTimelockNotOver",
      );
      await time.increase(TEST_RULES.executionDelay);
      const tampered = [{ ...world.actions[0]!, target: world.relayer }];
      await expect(execute(world.proposalId, tampered))
        .to.be.revertedWithCustomError(world.zone, "ZoneActionsMismatch")
        .withArgs(world.proposalId);
      await expect(execute(world.proposalId, world.actions)).to.changeEtherBalances(
        ethers,
        [PAYEE, world.zoneAddress],
        [PAYMENT, -PAYMENT],
      );
      expect(await world.zone.state(world.proposalId)).to.equal(7n); // Executed
      await expect(execute(world.proposalId, world.actions))
        .to.be.revertedWithCustomError(world.zone, "ZoneUnexpectedProposalState")
        .withArgs(world.proposalId, 7);
    });

    it("expires a queued proposal not executed within the execution window", async function () {
      const world = await loadFixture(zoneWithOpenProposal);
      for (const citizen of [alice, bob]) {
        await castVote(world.zone, await vote(world, citizen, world.proposalId, VoteOption.For));
      }
      await time.increase(TEST_RULES.votingPeriod);
      await world.zone.queue(world.proposalId);
      await time.increase(TEST_RULES.executionDelay + TEST_RULES.executionWindow + 1);
      expect(await world.zone.state(world.proposalId)).to.equal(6n); // Expired
    });

    it("lets a passed proposal be queued until the execution window after its vote ends", async function () {
      const world = await loadFixture(zoneWithOpenProposal);
      for (const citizen of [alice, bob]) {
        await castVote(world.zone, await vote(world, citizen, world.proposalId, VoteOption.For));
      }
      const { voteEnd } = await world.zone.getProposal(world.proposalId);
      await time.setNextBlockTimestamp(voteEnd + BigInt(TEST_RULES.executionWindow));
      await expect(world.zone.queue(world.proposalId)).to.emit(world.zone, "ProposalQueued");
    });

    it("expires a passed proposal not queued within the execution window after its vote ends", async function () {
      const world = await loadFixture(zoneWithOpenProposal);
      for (const citizen of [alice, bob]) {
        await castVote(world.zone, await vote(world, citizen, world.proposalId, VoteOption.For));
      }
      const { voteEnd } = await world.zone.getProposal(world.proposalId);
      await time.increaseTo(voteEnd + BigInt(TEST_RULES.executionWindow) + 1n);
      expect(await world.zone.state(world.proposalId)).to.equal(6n); // Expired
      // Not months later by anyone: what a long-gone electorate passed stays unexecuted.
      await expect(world.zone.queue(world.proposalId))
        .to.be.revertedWithCustomError(world.zone, "ZoneUnexpectedProposalState")
        .withArgs(world.proposalId, 6);
      await expect(world.zone.execute(world.proposalId, world.actions))
        .to.be.revertedWithCustomError(world.zone, "ZoneUnexpectedProposalState")
        .withArgs(world.proposalId, 6);
    });

    it("runs the winning option of a multiple-choice proposal", async function () {
      const world = await loadFixture(zoneWithOpenProposal);
      const bids: ZoneAction[][] = [
        "0x00000000000000000000000000000000000000A1",
        "0x00000000000000000000000000000000000000A2",
        "0x00000000000000000000000000000000000000A3",
      ].map((provider) => [{ target: provider, value: ethers.parseEther("1"), data: "0x" }]);
      const proposalId = await proposeAs(world, bob, bids, "Choose the clinic's provider");
      const snapshotGroup = await rebuildGroup(world.zone, { untilProposal: proposalId });
      const view = await world.zone.getProposal(proposalId);
      expect(view.multipleChoice).to.equal(true);
      expect(view.optionCount).to.equal(3n);
      for (const [citizen, option] of [
        [alice, 2],
        [bob, 2],
        [carol, 2],
        [dave, 0],
      ] as const) {
        await castVote(
          world.zone,
          await proveVote(citizen, snapshotGroup, {
            chainId: world.chainId,
            zone: world.zoneAddress,
            proposalId,
            option,
          }),
        );
      }
      await time.increase(TEST_RULES.votingPeriod);
      expect(await world.zone.winningOption(proposalId)).to.deep.equal([2n, true]);
      await world.zone.queue(proposalId);
      await time.increase(TEST_RULES.executionDelay);
      await expect(world.zone.execute(proposalId, bids[0]!)).to.be.revertedWithCustomError(
        world.zone,
        "ZoneActionsMismatch",
      );
      await expect(world.zone.execute(proposalId, bids[2]!))
        .to.emit(world.zone, "ProposalExecuted")
        .withArgs(proposalId, 2);
    });

    it("blocks re-entrant execution from an action", async function () {
      const world = await loadFixture(zoneWithOpenProposal);
      const attacker = await ethers.deployContract("ReentrantExecutor", [world.zoneAddress]);
      const attack: ZoneAction[] = [
        {
          target: await attacker.getAddress(),
          value: 0n,
          data: attacker.interface.encodeFunctionData("attack"),
        },
      ];
      const proposalId = await proposeAs(world, bob, [attack], "Looks harmless");
      const snapshotGroup = await rebuildGroup(world.zone, { untilProposal: proposalId });
      await attacker.arm(proposalId, attack);
      for (const citizen of [alice, bob]) {
        await castVote(
          world.zone,
          await proveVote(citizen, snapshotGroup, {
            chainId: world.chainId,
            zone: world.zoneAddress,
            proposalId,
            option: VoteOption.For,
          }),
        );
      }
      await time.increase(TEST_RULES.votingPeriod);
      await world.zone.queue(proposalId);
      await time.increase(TEST_RULES.executionDelay);
      // The inner execute fails on the reentrancy guard, so the outer action fails and nothing runs.
      await expect(world.zone.execute(proposalId, attack)).to.be.revertedWithCustomError(
        world.zone,
        "ZoneActionFailed",
      );
      expect(await world.zone.state(proposalId)).to.equal(5n); // still Queued
    });
  });

  describe("propose", function () {
    it("accepts an anonymous proposal and reports its gas", async function () {
      const world = await loadFixture(zoneWithCitizens);
      const group = await rebuildGroup(world.zone);
      const options: ZoneAction[][] = [[{ target: PAYEE, value: 1n, data: "0x" }]];
      const proof = await proveProposal(carol, group, {
        chainId: world.chainId,
        zone: world.zoneAddress,
        epoch: await world.zone.currentProposalEpoch(),
        slot: 0n,
        options,
        description: "Plant an orchard",
      });
      const tx = await world.zone.propose(options, "Plant an orchard", proof);
      await expect(tx).to.emit(world.zone, "ProposalCreated");
      console.log(`      gas: propose ${(await tx.wait())?.gasUsed}`);
      const view = await world.zone.getProposal(1n);
      expect(view.snapshotRoot).to.equal(group.root);
      expect(view.eligibleCount).to.equal(BigInt(citizens.length));
      expect(view.state).to.equal(1n); // Active (no voting delay)
    });

    it("rejects a proposal over the epoch limit and a reused slot", async function () {
      const world = await loadFixture(zoneWithCitizens);
      await proposeAs(world, dave, [[]], "First", 0n);
      await proposeAs(world, dave, [[]], "Second", 1n);
      await expect(proposeAs(world, dave, [[]], "Third", 2n))
        .to.be.revertedWithCustomError(world.zone, "ZoneProposalSlotOutOfRange")
        .withArgs(2n, TEST_RULES.proposalsPerEpoch);
      await expect(proposeAs(world, dave, [[]], "Third again", 0n)).to.be.revertedWithCustomError(
        world.zone,
        "ZoneNullifierAlreadyUsed",
      );
      // A new epoch gives new slots.
      await time.increase(TEST_RULES.proposalEpoch);
      expect(await proposeAs(world, dave, [[]], "Next epoch", 0n)).to.equal(3n);
    });

    it("rejects altered content, a stale epoch, an unknown root and a non-member", async function () {
      const world = await loadFixture(zoneWithCitizens);
      const group = await rebuildGroup(world.zone);
      const epoch = await world.zone.currentProposalEpoch();
      const context = {
        chainId: world.chainId,
        zone: world.zoneAddress,
        epoch,
        slot: 0n,
        options: [[]],
        description: "Honest",
      };
      const proof = await proveProposal(alice, group, context);
      const propose = world.zone.getFunction("propose");
      await expect(propose([[]], "Altered by the relayer", proof)).to.be.revertedWithCustomError(
        world.zone,
        "ZoneInvalidProof",
      );
      await expect(propose([[]], "Honest", { ...proof, epoch: epoch - 1n }))
        .to.be.revertedWithCustomError(world.zone, "ZoneWrongProposalEpoch")
        .withArgs(epoch - 1n, epoch);
      await expect(propose([[]], "Honest", { ...proof, merkleTreeRoot: 12345n }))
        .to.be.revertedWithCustomError(world.zone, "ZoneUnknownMerkleRoot")
        .withArgs(12345n);
      const forged = await proveProposal(
        outsider,
        new Group([...group.members, outsider.commitment]),
        context,
      );
      await expect(propose([[]], "Honest", forged))
        .to.be.revertedWithCustomError(world.zone, "ZoneUnknownMerkleRoot")
        .withArgs(forged.merkleTreeRoot);
      await expect(propose([], "No options", proof))
        .to.be.revertedWithCustomError(world.zone, "ZoneInvalidOptionCount")
        .withArgs(0);
    });

    it("accepts a proof made just before a registration changed the root", async function () {
      const world = await loadFixture(zoneWithCitizens);
      const group = await rebuildGroup(world.zone);
      const epoch = await world.zone.currentProposalEpoch();
      const context = {
        chainId: world.chainId,
        zone: world.zoneAddress,
        epoch,
        slot: 0n,
        options: [[]],
        description: "Race",
      };
      const proof = await proveProposal(alice, group, context);
      await world.zone.connect(world.registrar).addMember(outsider.commitment);
      await expect(world.zone.propose([[]], "Race", proof)).to.emit(world.zone, "ProposalCreated");
    });
  });

  describe("membership and rules", function () {
    it("lets only the registrar or a passed proposal add members", async function () {
      const world = await loadFixture(zoneWithCitizens);
      await expect(world.zone.addMember(outsider.commitment))
        .to.be.revertedWithCustomError(world.zone, "ZoneCallerIsNotTheRegistrar")
        .withArgs(await world.relayer.getAddress());
      for (const name of ["setRegistrar", "setRules", "approveRemoval"] as const) {
        const args = { setRegistrar: [PAYEE], setRules: [TEST_RULES], approveRemoval: [alice.commitment] }[
          name
        ];
        await expect(
          world.zone.connect(world.registrar).getFunction(name)(...args),
        ).to.be.revertedWithCustomError(world.zone, "ZoneCallerIsNotTheZone");
      }
    });

    it("applies membership, registrar and rules changes voted by citizens", async function () {
      const world = await loadFixture(zoneWithCitizens);
      const zone = world.zone;
      const newRules = { ...TEST_RULES, quorumBps: 2500 };
      const actions: ZoneAction[] = [
        {
          target: world.zoneAddress,
          value: 0n,
          data: zone.interface.encodeFunctionData("approveRemoval", [dave.commitment]),
        },
        {
          target: world.zoneAddress,
          value: 0n,
          data: zone.interface.encodeFunctionData("addMember", [outsider.commitment]),
        },
        {
          target: world.zoneAddress,
          value: 0n,
          data: zone.interface.encodeFunctionData("setRegistrar", [PAYEE]),
        },
        {
          target: world.zoneAddress,
          value: 0n,
          data: zone.interface.encodeFunctionData("setRules", [newRules]),
        },
      ];
      const proposalId = await proposeAs(world, alice, [actions], "Membership changes");
      const snapshotGroup = await rebuildGroup(zone, { untilProposal: proposalId });
      for (const citizen of [alice, bob, carol]) {
        await castVote(
          zone,
          await proveVote(citizen, snapshotGroup, {
            chainId: world.chainId,
            zone: world.zoneAddress,
            proposalId,
            option: VoteOption.For,
          }),
        );
      }
      await time.increase(TEST_RULES.votingPeriod);
      await zone.queue(proposalId);
      await time.increase(TEST_RULES.executionDelay);
      await expect(zone.execute(proposalId, actions))
        .to.emit(zone, "MemberRemovalApproved")
        .and.to.emit(zone, "RegistrarChanged")
        .withArgs(await world.registrar.getAddress(), PAYEE);
      // The removal was approved before the admission that followed it: anyone applies it with
      // siblings of the tree as it is now (contracts/test/membership.test.ts has the details).
      const group = await rebuildGroup(zone);
      await expect(
        zone.applyRemoval(
          dave.commitment,
          group.generateMerkleProof(group.indexOf(dave.commitment)).siblings,
        ),
      ).to.emit(zone, "MemberRemoved");
      expect(await zone.isMember(dave.commitment)).to.equal(false);
      expect(await zone.isMember(outsider.commitment)).to.equal(true);
      expect(await zone.memberCount()).to.equal(4n);
      expect((await zone.rules()).quorumBps).to.equal(2500n);
      const { root } = await zone.merkleTree();
      expect((await rebuildGroup(zone)).root).to.equal(root);
    });

    it("refuses invalid rules at creation", async function () {
      const world = await loadFixture(zoneWithCitizens);
      await expect(world.factory.createZone("Broken", PAYEE, { ...TEST_RULES, quorumBps: 10_001 }))
        .to.be.revertedWithCustomError(world.zone, "ZoneInvalidRules")
        .withArgs("quorumBps above 10000");
    });
  });
});
