import { expect } from "chai";
import { AbiCoder, ParamType, ZeroAddress, keccak256, toBeHex, toUtf8Bytes } from "ethers";
import { Group } from "@semaphore-protocol/group";
import { payEther } from "../actions.js";
import { SNARK_SCALAR_FIELD, VoteOption } from "../constants.js";
import { SemaphoreVerifier__factory, Zone__factory, createZone, zoneAt } from "../contracts.js";
import { rebuildGroup } from "../group.js";
import { proveProposal, proveVote } from "../proof.js";
import { actionsHash, proposalContentHash, proposalScope, semaphoreHash, voteScope } from "../scope.js";
import type { ZoneAction } from "../types.js";
import {
  TEST_RULES,
  alice,
  deployEmptyZone,
  ethers,
  loadFixture,
  time,
  proposeAs,
} from "../../test/zone-fixture.js";

const PAYEE = "0x000000000000000000000000000000000000bEEF";
const ZONE = "0x0000000000000000000000000000000000005a5a";
const OTHER_ZONE = "0x0000000000000000000000000000000000005b5b";

/** Two zones from one factory, on one chain; alice is a citizen of the first. */
async function twoZones() {
  const world = await deployEmptyZone();
  await (await world.zone.connect(world.registrar).addMember(alice.commitment)).wait();
  const secondAddress = await createZone(world.factory, {
    name: "Hillside",
    registrar: await world.registrar.getAddress(),
    rules: TEST_RULES,
  });
  const secondZone = { ...world, zone: zoneAt(secondAddress, world.relayer), zoneAddress: secondAddress };
  return { world, secondZone };
}

/** The Zone ABI's own type of `execute`'s actions parameter and of `propose`'s options parameter. */
function zoneParamTypes(): { actions: ParamType; options: ParamType } {
  const zone = Zone__factory.createInterface();
  const actions = zone.getFunction("execute").inputs[1];
  const options = zone.getFunction("propose").inputs[0];
  if (!actions || !options) throw new Error("the Zone ABI's execute or propose lacks a parameter");
  return { actions, options };
}

describe("scope", function () {
  describe("voteScope", function () {
    it("equals zone.voteScope(proposalId) on a deployed zone", async function () {
      const { world, secondZone } = await loadFixture(twoZones);
      for (const { zone, zoneAddress, chainId } of [world, secondZone]) {
        for (const proposalId of [0n, 1n, 2n, 2n ** 256n - 1n]) {
          expect(await zone.voteScope(proposalId)).to.equal(voteScope(chainId, zoneAddress, proposalId));
        }
      }
    });

    it("differs across chain id, zone and proposal id", function () {
      const scope = voteScope(31337n, ZONE, 1n);
      expect(voteScope(1n, ZONE, 1n)).not.to.equal(scope);
      expect(voteScope(31337n, OTHER_ZONE, 1n)).not.to.equal(scope);
      expect(voteScope(31337n, ZONE, 2n)).not.to.equal(scope);
    });

    it("differs between two zones on the same chain", async function () {
      const { world, secondZone } = await loadFixture(twoZones);
      expect(await world.zone.voteScope(1n)).not.to.equal(await secondZone.zone.voteScope(1n));
    });
  });

  describe("proposalScope", function () {
    it("equals zone.proposalScope(epoch, slot) on a deployed zone", async function () {
      const { world } = await loadFixture(twoZones);
      const epoch = await world.zone.currentProposalEpoch();
      for (const [e, slot] of [
        [epoch, 0n],
        [epoch, 1n],
        [epoch + 1n, 0n],
        [0n, 0n],
      ] as const) {
        expect(await world.zone.proposalScope(e, slot)).to.equal(
          proposalScope(world.chainId, world.zoneAddress, e, slot),
        );
      }
    });

    it("differs across chain id, zone, epoch and slot, and from every vote scope", function () {
      const scope = proposalScope(31337n, ZONE, 5n, 0n);
      expect(proposalScope(1n, ZONE, 5n, 0n)).not.to.equal(scope);
      expect(proposalScope(31337n, OTHER_ZONE, 5n, 0n)).not.to.equal(scope);
      expect(proposalScope(31337n, ZONE, 6n, 0n)).not.to.equal(scope);
      expect(proposalScope(31337n, ZONE, 5n, 1n)).not.to.equal(scope);
      // Different tags: a proposal's nullifier can never be spent as a vote, nor the reverse.
      expect(voteScope(31337n, ZONE, 5n)).not.to.equal(scope);
    });
  });

  describe("semaphoreHash", function () {
    it("is keccak256 of the 32-byte big-endian value, shifted right by 8 bits", function () {
      for (const value of [0n, 1n, SNARK_SCALAR_FIELD - 1n, SNARK_SCALAR_FIELD, 2n ** 256n - 1n]) {
        const hashed = semaphoreHash(value);
        expect(hashed).to.equal(BigInt(keccak256(toBeHex(value, 32))) >> 8n);
        expect(hashed < SNARK_SCALAR_FIELD).to.equal(true);
      }
    });

    it("gives the public inputs the official Semaphore verifier checks", async function () {
      const { world } = await loadFixture(twoZones);
      const verifier = SemaphoreVerifier__factory.connect(
        world.deployment.semaphoreVerifier,
        ethers.provider,
      );
      const context = { chainId: world.chainId, zone: world.zoneAddress, proposalId: 1n };
      const vote = await proveVote(alice, new Group([alice.commitment]), {
        ...context,
        option: VoteOption.For,
      });
      const scope = voteScope(context.chainId, context.zone, context.proposalId);
      const p = vote.points;
      const verify = (message: bigint, scope: bigint) =>
        verifier.verifyProof(
          [p[0], p[1]],
          [
            [p[2], p[3]],
            [p[4], p[5]],
          ],
          [p[6], p[7]],
          [vote.merkleTreeRoot, vote.nullifier, message, scope],
          vote.merkleTreeDepth,
        );
      expect(await verify(semaphoreHash(BigInt(VoteOption.For)), semaphoreHash(scope))).to.equal(true);
      expect(await verify(BigInt(VoteOption.For), semaphoreHash(scope))).to.equal(false);
    });
  });

  describe("proposalContentHash", function () {
    it("is keccak256 of the options, typed as the Zone ABI types them, and the description's hash", function () {
      const options: ZoneAction[][] = [
        [payEther(PAYEE, 1n)],
        [],
        [{ target: ZeroAddress, value: 0n, data: "0x1234" }],
      ];
      const description = "Fix the bridge";
      const encoded = AbiCoder.defaultAbiCoder().encode(
        [zoneParamTypes().options, "bytes32"],
        [options, keccak256(toUtf8Bytes(description))],
      );
      expect(proposalContentHash(options, description)).to.equal(BigInt(keccak256(encoded)));
    });

    it("is the message the zone checks a proposal's proof against", async function () {
      const { world } = await loadFixture(twoZones);
      const options = [[payEther(PAYEE, 1n)]];
      const context = {
        chainId: world.chainId,
        zone: world.zoneAddress,
        epoch: await world.zone.currentProposalEpoch(),
        slot: 0n,
        options,
        description: "Fix the bridge",
      };
      const proof = await proveProposal(alice, await rebuildGroup(world.zone), context);
      // The same proof for other content: the zone recomputes the hash and the proof fails.
      await expect(world.zone.propose(options, "Fix the bridge twice", proof)).to.be.revertedWithCustomError(
        world.zone,
        "ZoneInvalidProof",
      );
      await expect(world.zone.propose(options, context.description, proof)).to.emit(
        world.zone,
        "ProposalCreated",
      );
    });
  });

  describe("actionsHash", function () {
    it("is keccak256 of the actions, typed as the Zone ABI types them", function () {
      const actions = [payEther(PAYEE, 1n), { target: ZeroAddress, value: 0n, data: "0xdeadbeef" }];
      const encoded = AbiCoder.defaultAbiCoder().encode([zoneParamTypes().actions], [actions]);
      expect(actionsHash(actions)).to.equal(keccak256(encoded));
      expect(actionsHash([])).not.to.equal(actionsHash(actions));
    });

    it("identifies the only actions a passed proposal executes", async function () {
      const { world } = await loadFixture(twoZones);
      await (
        await world.deployer.sendTransaction({ to: world.zoneAddress, value: ethers.parseEther("1") })
      ).wait();
      const actions = [payEther(PAYEE, ethers.parseEther("1"))];
      const proposalId = await proposeAs(world, alice, [actions], "Pay the bridge builders");
      const snapshotGroup = await rebuildGroup(world.zone, { untilProposal: proposalId });
      const vote = await proveVote(alice, snapshotGroup, {
        chainId: world.chainId,
        zone: world.zoneAddress,
        proposalId,
        option: VoteOption.For,
      });
      await (await world.zone.castVote(proposalId, vote.option, vote.nullifier, vote.points)).wait();
      await time.increase(TEST_RULES.votingPeriod);
      await (await world.zone.queue(proposalId)).wait();
      await time.increase(TEST_RULES.executionDelay);

      const otherActions = [payEther(PAYEE, ethers.parseEther("0.5"))];
      expect(actionsHash(otherActions)).not.to.equal(actionsHash(actions));
      await expect(world.zone.execute(proposalId, otherActions))
        .to.be.revertedWithCustomError(world.zone, "ZoneActionsMismatch")
        .withArgs(proposalId);
      // The chain is shared by every test file, so measure the payee's change, not its balance.
      const tx = world.zone.execute(proposalId, actions);
      await expect(tx).to.emit(world.zone, "ProposalExecuted");
      await expect(tx).to.changeEtherBalance(ethers, PAYEE, ethers.parseEther("1"));
    });
  });
});
