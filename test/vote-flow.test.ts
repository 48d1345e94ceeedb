/**
 * The whole core path across layers, as a citizen and a relayer would walk it: a new identity,
 * registration, an anonymous proposal, votes made with the stock @semaphore-protocol/proof from
 * nothing but the zone's public views, an off-chain check, and the executed decision.
 */
import { expect } from "chai";
import { Group } from "@semaphore-protocol/group";
import {
  PROPOSAL_STATES,
  VoteOption,
  createIdentity,
  exportIdentity,
  importIdentity,
  rebuildGroup,
  semaphoreArtifacts,
  verifyVote,
  type ZoneAction,
} from "../sdk/index.js";
import { generateProof } from "../sdk/prove.js";
import {
  TEST_RULES,
  citizens,
  deployZoneWithCitizens,
  ethers,
  networkHelpers,
  proposeAs,
} from "./zone-fixture.js";

describe("core vote path", function () {
  it("takes a new citizen from identity to an executed treasury payment", async function () {
    const world = await deployZoneWithCitizens();
    const zone = world.zone;
    await (
      await world.deployer.sendTransaction({ to: world.zoneAddress, value: ethers.parseEther("5") })
    ).wait();

    // A newcomer makes an identity in their browser and keeps only its export.
    const newcomerBackup = exportIdentity(createIdentity());
    const newcomer = importIdentity(newcomerBackup);
    await (await zone.connect(world.registrar).addMember(newcomer.commitment)).wait();

    const payee = ethers.Wallet.createRandom().address;
    const pay: ZoneAction[] = [{ target: payee, value: ethers.parseEther("2"), data: "0x" }];
    const proposalId = await proposeAs(world, newcomer, [pay], "Fund the community kitchen");

    // A voter needs only the zone's views and events: no ZoneDAO code at all.
    const proposal = await zone.getProposal(proposalId);
    const snapshotGroup = await rebuildGroup(zone, { untilProposal: proposalId });
    expect(snapshotGroup.root).to.equal(proposal.snapshotRoot);
    const depth = Number(proposal.snapshotDepth);
    const voters = [newcomer, ...citizens.slice(0, 2)];
    for (const voter of voters) {
      const proof = await generateProof(
        voter,
        new Group(snapshotGroup.members),
        VoteOption.For,
        proposal.scope,
        depth,
        semaphoreArtifacts(depth),
      );
      const vote = {
        proposalId,
        option: VoteOption.For,
        nullifier: BigInt(proof.nullifier),
        merkleTreeRoot: BigInt(proof.merkleTreeRoot),
        merkleTreeDepth: depth,
        points: proof.points.map(BigInt) as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint],
      };
      // What a relayer checks before spending gas.
      expect(
        await verifyVote(vote, {
          chainId: world.chainId,
          zone: world.zoneAddress,
          snapshotRoot: proposal.snapshotRoot,
          snapshotDepth: depth,
        }),
      ).to.equal(true);
      await (await zone.castVote(proposalId, VoteOption.For, proof.nullifier, proof.points)).wait();
    }

    await networkHelpers.time.increase(TEST_RULES.votingPeriod);
    const stateName = () => zone.state(proposalId).then((index: bigint) => PROPOSAL_STATES[Number(index)]);
    expect(await stateName()).to.equal("Succeeded");
    await (await zone.queue(proposalId)).wait();
    await networkHelpers.time.increase(TEST_RULES.executionDelay);
    await (await zone.execute(proposalId, pay)).wait();
    expect(await stateName()).to.equal("Executed");
    expect(await ethers.provider.getBalance(payee)).to.equal(ethers.parseEther("2"));
    const finalTally = (await zone.getProposal(proposalId)).tally;
    expect(finalTally).to.deep.equal([0n, BigInt(voters.length), 0n]);
  });
});
