/**
 * Who may join a zone is decided by its citizens, not by one key (issue 16). Every admission not
 * decided by the zone's vote (registrar, parent zone, invitation, gatekeeper) is only a request,
 * pending for longer than a vote takes; the citizens' vote can reject it meanwhile; then anyone
 * admits it. Real proofs on the Hardhat network, no mock of the chain.
 */
import { expect } from "chai";
import { ZeroAddress, type ContractTransactionReceipt, type Signer } from "ethers";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import {
  FederationGatekeeper__factory,
  type FederationGatekeeper,
} from "../../types/ethers-contracts/index.js";
import {
  VoteOption,
  admissionsOf,
  createInternalDao,
  encodeFederationEvidence,
  payEther,
  proveFederationMembership,
  proveInvitation,
  proveProposal,
  proveVote,
  readAdmissionRequests,
  rebuildGroup,
  rejectPendingAdmissions,
  requestAdmissionsToInternalDao,
  setAdmissionRules,
  setRegistrar,
  setRules,
  zoneAt,
  type AdmissionRules,
  type ZoneAction,
  type ZoneAdmissions,
} from "../../sdk/index.js";
import {
  TEST_RULES,
  Group,
  Identity,
  alice,
  bob,
  citizens,
  createSecondZone,
  deployEmptyZone,
  deployZoneWithCitizens,
  ethers,
  loadFixture,
  outsider,
  passProposal,
  proposeAs,
  proposeWithFreeSlot,
  queuePassedProposal,
  time,
  zoneWorldAt,
  type ZoneWorld,
} from "../../test/zone-fixture.js";

/** ZoneAdmissions.Path, as the AdmissionRequested event gives it. */
const PATH = { Registrar: 0n, Parent: 1n, Invitation: 2n, Gatekeeper: 3n } as const;
/** ZoneAdmissions.defaultRules(). */
const DEFAULT_ADMISSION_RULES: AdmissionRules = {
  delay: 0,
  registrarShareBps: 1_000,
  registrarFloor: 10,
  invitationsPerEpoch: 0,
  parentMayAdmit: true,
  gatekeeper: ZeroAddress,
};
/** ZoneAdmissions.MIN_NOTICE. */
const MIN_NOTICE = 86_400n;
/** The admission delay under TEST_RULES: a whole vote (period + timelock) plus a day's notice. */
const TEST_ADMISSION_DELAY =
  BigInt(TEST_RULES.votingDelay + TEST_RULES.votingPeriod + TEST_RULES.executionDelay) + MIN_NOTICE;
const TREASURY = ethers.parseEther("10");

const sybils = Array.from(
  { length: 10 * citizens.length },
  (_, i) => new Identity(`zonedao-test-sybil-${i}`),
);
const commitmentsOf = (identities: readonly Identity[]) => identities.map((identity) => identity.commitment);
const newcomer = new Identity("zonedao-test-newcomer");
const secondNewcomer = new Identity("zonedao-test-second-newcomer");
const federationCitizens = [0, 1, 2].map((i) => new Identity(`zonedao-test-federation-${i}`));

interface AdmissionsWorld extends ZoneWorld {
  admissions: ZoneAdmissions;
  admissionsAddress: string;
}

async function withAdmissions(world: ZoneWorld): Promise<AdmissionsWorld> {
  const admissions = await admissionsOf(world.zone, world.relayer);
  return { ...world, admissions, admissionsAddress: await admissions.getAddress() };
}

/** The four test citizens, 10 ETH in the treasury, and a first proposal passed: founding is over. */
async function foundedZone(): Promise<AdmissionsWorld> {
  const world = await withAdmissions(await deployZoneWithCitizens());
  await (await world.deployer.sendTransaction({ to: world.zoneAddress, value: TREASURY })).wait();
  await passProposal(world, [[setRules(world.zoneAddress, TEST_RULES)]], "Our rules stay as they are");
  return world;
}

/** The zone's four citizens, still founding: no proposal yet. */
async function foundingZone(): Promise<AdmissionsWorld> {
  return withAdmissions(await deployZoneWithCitizens());
}

/** The request id and readyAt of the AdmissionRequested event in `receipt`. */
function requestIn(admissions: ZoneAdmissions, receipt: ContractTransactionReceipt | null) {
  for (const log of receipt?.logs ?? []) {
    const parsed = admissions.interface.parseLog(log);
    if (parsed?.name === "AdmissionRequested") {
      return { requestId: parsed.args.requestId as bigint, readyAt: parsed.args.readyAt as bigint };
    }
  }
  throw new Error("no AdmissionRequested event in the receipt");
}

/** Every test citizen votes For `proposalId` with a real proof of the proposal's snapshot. */
async function citizensVoteFor(world: ZoneWorld, proposalId: bigint, voters: readonly Identity[] = citizens) {
  const snapshot = await rebuildGroup(world.zone, { untilProposal: proposalId });
  for (const voter of voters) {
    const vote = await proveVote(voter, snapshot, {
      chainId: world.chainId,
      zone: world.zoneAddress,
      proposalId,
      option: VoteOption.For,
    });
    await (await world.zone.castVote(proposalId, VoteOption.For, vote.nullifier, vote.points)).wait();
  }
}

/** Ends the vote on `proposalId`, queues it, waits out the timelock and executes `actions`. */
async function queueAndExecute(world: ZoneWorld, proposalId: bigint, actions: ZoneAction[]) {
  await time.increaseTo((await world.zone.getProposal(proposalId)).voteEnd);
  await (await world.zone.queue(proposalId)).wait();
  await time.increaseTo((await world.zone.getProposal(proposalId)).eta);
  return world.zone.execute(proposalId, actions);
}

/** A proposal proof of `author` as a member of `group` (which the zone may not know). */
async function proposalProofIn(
  world: ZoneWorld,
  author: Identity,
  group: Group,
  options: ZoneAction[][],
  description: string,
) {
  return proveProposal(author, group, {
    chainId: world.chainId,
    zone: world.zoneAddress,
    epoch: await world.zone.currentProposalEpoch(),
    slot: 0n,
    options,
    description,
  });
}

describe("ZoneAdmissions", function () {
  describe("the attack: a registrar admits ten times the citizens and pays itself", function () {
    it("is stopped: the citizens reject the pending sybils within the delay and replace the registrar", async function () {
      const world = await loadFixture(foundedZone);
      const { admissions, admissionsAddress, zone, zoneAddress, registrar } = world;
      const registrarAddress = await registrar.getAddress();
      const sybilCommitments = commitmentsOf(sybils);
      const epoch = await zone.currentProposalEpoch();

      // The cap (10 per epoch for 4 citizens) refuses 40 at once: more needs the citizens' vote.
      await expect(admissions.connect(registrar).requestByRegistrar(zoneAddress, sybilCommitments))
        .to.be.revertedWithCustomError(admissions, "AdmissionsRegistrarCapReached")
        .withArgs(zoneAddress, epoch, 10n, 40n);
      // The citizens trust their registrar and vote a cap of 40: even then a request only waits.
      await passProposal(
        world,
        [[setAdmissionRules(admissionsAddress, { ...DEFAULT_ADMISSION_RULES, registrarFloor: 40 })]],
        "Our registrar may bring in up to 40 people per day",
      );
      expect(await admissions.registrarCap(zoneAddress)).to.equal(40n);

      const request = admissions.connect(registrar).requestByRegistrar(zoneAddress, sybilCommitments);
      await expect(request)
        .to.emit(admissions, "AdmissionRequested")
        .withArgs(zoneAddress, 0n, PATH.Registrar, registrarAddress, sybilCommitments, anyValue);
      const { requestId, readyAt } = requestIn(admissions, await (await request).wait());
      expect(readyAt).to.equal(BigInt(await time.latest()) + TEST_ADMISSION_DELAY);
      expect(await zone.memberCount()).to.equal(4n);
      expect(await admissions.registrarRequestsIn(zoneAddress, await zone.currentProposalEpoch())).to.equal(
        40n,
      );

      // While pending, no sybil can propose the payment to the registrar: they are in no group the
      // zone knows, so a proof of a group with them in it names a root the zone never had.
      const payMe = [[payEther(registrarAddress, TREASURY)]];
      const withSybils = new Group([...commitmentsOf(citizens), ...sybilCommitments]);
      const current = await rebuildGroup(zone);
      for (const sybil of sybils) expect(current.indexOf(sybil.commitment)).to.equal(-1);
      const sybilProposal = await proposalProofIn(world, sybils[0]!, withSybils, payMe, "Pay the registrar");
      await expect(zone.propose(payMe, "Pay the registrar", sybilProposal))
        .to.be.revertedWithCustomError(zone, "ZoneUnknownMerkleRoot")
        .withArgs(withSybils.root);

      // A citizen proposes the veto, and a new registrar in the same decision.
      const [, , , replacement] = await ethers.getSigners();
      const replacementAddress = await replacement!.getAddress();
      const veto = [
        rejectPendingAdmissions(admissionsAddress),
        setRegistrar(zoneAddress, replacementAddress),
      ];
      const vetoId = await proposeWithFreeSlot(
        world,
        [veto],
        "Reject the 40 pending admissions, replace the registrar",
      );
      const vetoProposal = await zone.getProposal(vetoId);
      expect(vetoProposal.eligibleCount).to.equal(4n);
      expect(vetoProposal.snapshotRoot).to.equal(current.root);

      // Pending members never count in that vote: a sybil's vote proof cannot match the snapshot.
      const sybilVote = await proveVote(sybils[1]!, withSybils, {
        chainId: world.chainId,
        zone: zoneAddress,
        proposalId: vetoId,
        option: VoteOption.Against,
      });
      await expect(
        zone.castVote(vetoId, VoteOption.Against, sybilVote.nullifier, sybilVote.points),
      ).to.be.revertedWithCustomError(zone, "ZoneInvalidProof");

      await citizensVoteFor(world, vetoId);
      const execution = await queueAndExecute(world, vetoId, veto);
      await expect(execution)
        .to.emit(admissions, "PendingAdmissionsRejected")
        .withArgs(zoneAddress, 1n, vetoId)
        .and.to.emit(zone, "RegistrarChanged")
        .withArgs(registrarAddress, replacementAddress);
      // Within the delay: the sybils were still pending when the veto ran.
      expect(BigInt(await time.latest())).to.be.lessThan(readyAt);
      expect(await admissions.isRejected(zoneAddress, requestId)).to.equal(true);

      // When the delay is over, the request can never be admitted, by anyone.
      await time.increaseTo(readyAt);
      await expect(admissions.admit(zoneAddress, requestId, sybilCommitments))
        .to.be.revertedWithCustomError(admissions, "AdmissionsRequestRejected")
        .withArgs(zoneAddress, requestId);
      // The old registrar has no power left: neither a request nor a direct admission.
      await expect(admissions.connect(registrar).requestByRegistrar(zoneAddress, [sybils[0]!.commitment]))
        .to.be.revertedWithCustomError(admissions, "AdmissionsCallerIsNotTheRegistrar")
        .withArgs(zoneAddress, registrarAddress);
      await expect(zone.connect(registrar).addMembers([sybils[0]!.commitment]))
        .to.be.revertedWithCustomError(zone, "ZoneCallerIsNotTheRegistrar")
        .withArgs(registrarAddress);

      // The payment still cannot be proposed, no sybil ever was a member, the treasury is whole.
      const afterwards = await proposalProofIn(world, sybils[0]!, withSybils, payMe, "Pay the registrar");
      await expect(zone.propose(payMe, "Pay the registrar", afterwards)).to.be.revertedWithCustomError(
        zone,
        "ZoneUnknownMerkleRoot",
      );
      for (const sybil of sybils) expect(await zone.isMember(sybil.commitment)).to.equal(false);
      expect(await zone.memberCount()).to.equal(4n);
      expect(await zone.queryFilter(zone.filters.MembersAdded(), 0)).to.have.length(1); // the founding
      expect(await ethers.provider.getBalance(zoneAddress)).to.equal(TREASURY);
      expect((await readAdmissionRequests(zone)).map((r) => r.status)).to.deep.equal(["rejected"]);
    });

    it("caps the registrar per epoch: the floor, then a share of the members, renewed each epoch", async function () {
      const world = await loadFixture(foundedZone);
      const { admissions, admissionsAddress, zone, zoneAddress, registrar } = world;
      const epoch = await zone.currentProposalEpoch();
      // 4 members: 10% is 0, so the floor of 10 applies.
      expect(await admissions.registrarCap(zoneAddress)).to.equal(10n);
      await (
        await admissions.connect(registrar).requestByRegistrar(zoneAddress, commitmentsOf(sybils.slice(0, 6)))
      ).wait();
      await (
        await admissions
          .connect(registrar)
          .requestByRegistrar(zoneAddress, commitmentsOf(sybils.slice(6, 10)))
      ).wait();
      await expect(admissions.connect(registrar).requestByRegistrar(zoneAddress, [sybils[10]!.commitment]))
        .to.be.revertedWithCustomError(admissions, "AdmissionsRegistrarCapReached")
        .withArgs(zoneAddress, epoch, 10n, 11n);
      expect(await admissions.registrarRequestsIn(zoneAddress, epoch)).to.equal(10n);

      // The next epoch has a cap of its own.
      await time.increaseTo((epoch + 1n) * BigInt(TEST_RULES.proposalEpoch));
      await expect(
        admissions.connect(registrar).requestByRegistrar(zoneAddress, commitmentsOf(sybils.slice(10, 20))),
      ).to.emit(admissions, "AdmissionRequested");

      // A vote sets a share with no floor: half of 4 members is 2.
      await passProposal(
        world,
        [
          [
            setAdmissionRules(admissionsAddress, {
              ...DEFAULT_ADMISSION_RULES,
              registrarShareBps: 5_000,
              registrarFloor: 0,
            }),
          ],
        ],
        "Our registrar may bring in half as many people as we are, per day",
      );
      expect(await admissions.registrarCap(zoneAddress)).to.equal(2n);
      const later = await zone.currentProposalEpoch();
      await expect(
        admissions.connect(registrar).requestByRegistrar(zoneAddress, commitmentsOf(sybils.slice(20, 23))),
      )
        .to.be.revertedWithCustomError(admissions, "AdmissionsRegistrarCapReached")
        .withArgs(
          zoneAddress,
          later,
          2n,
          BigInt(await admissions.registrarRequestsIn(zoneAddress, later)) + 3n,
        );
      // Rules are the zone's vote only.
      await expect(admissions.connect(registrar).setAdmissionRules(DEFAULT_ADMISSION_RULES)).to.be.revert(
        ethers,
      );
      await expect(admissions.connect(registrar).rejectPending()).to.be.revert(ethers);
    });
  });

  describe("an internal DAO and its parent zone", function () {
    /**
     * Riverside (the four citizens, founded) voted an internal DAO, "Riverside Farm", whose own
     * registrar (the fourth signer) admitted the same four people as its citizens; the farm then
     * passed its first proposal, so its founding is over too.
     */
    async function withFoundedFarm() {
      const world = await foundedZone();
      await passProposal(
        world,
        [
          [
            createInternalDao(world.zoneAddress, {
              name: "Riverside Farm",
              registrar: await (await ethers.getSigners())[3]!.getAddress(),
              rules: TEST_RULES,
              incomeShareBps: 1_000,
            }),
          ],
        ],
        "Found the farm cooperative",
      );
      const [created] = await world.zone.queryFilter(world.zone.filters.InternalDaoCreated());
      if (!created) throw new Error("no InternalDaoCreated event");
      const farmRegistrar = (await ethers.getSigners())[3] as Signer;
      const farm = await withAdmissions(zoneWorldAt(world, created.args.dao, farmRegistrar));
      await (await farm.zone.connect(farmRegistrar).addMembers(commitmentsOf(citizens))).wait();
      await (await world.deployer.sendTransaction({ to: farm.zoneAddress, value: TREASURY })).wait();
      await passProposal(farm, [[setRules(farm.zoneAddress, TEST_RULES)]], "The farm keeps its rules");
      return { ...world, farm };
    }

    it("gives the parent's registrar no power over the DAO, and the parent's vote only a pending request the DAO rejects", async function () {
      const world = await loadFixture(withFoundedFarm);
      const { admissions, admissionsAddress, farm, registrar, zoneAddress } = world;
      const farmTreasury = await ethers.provider.getBalance(farm.zoneAddress);
      const registrarAddress = await registrar.getAddress();
      const daoSybils = commitmentsOf(sybils.slice(0, 10));
      expect(await farm.zone.ADMISSIONS()).to.equal(admissionsAddress);

      await expect(farm.zone.connect(registrar).addMembers(daoSybils))
        .to.be.revertedWithCustomError(farm.zone, "ZoneCallerIsNotTheRegistrar")
        .withArgs(registrarAddress);
      await expect(admissions.connect(registrar).requestByRegistrar(farm.zoneAddress, daoSybils))
        .to.be.revertedWithCustomError(admissions, "AdmissionsCallerIsNotTheRegistrar")
        .withArgs(farm.zoneAddress, registrarAddress);
      await expect(admissions.connect(registrar).requestByParent(farm.zoneAddress, daoSybils))
        .to.be.revertedWithCustomError(admissions, "AdmissionsCallerIsNotTheParent")
        .withArgs(farm.zoneAddress, registrarAddress);

      // The parent's vote requests: pending in the DAO, by the parent zone.
      const { receipt } = await passProposal(
        world,
        [[requestAdmissionsToInternalDao(admissionsAddress, farm.zoneAddress, daoSybils)]],
        "Send ten workers to the farm",
      );
      const { requestId, readyAt } = requestIn(admissions, receipt);
      const [requested] = await admissions.queryFilter(
        admissions.filters.AdmissionRequested(farm.zoneAddress),
        receipt!.blockNumber,
      );
      expect(requested!.args.path).to.equal(PATH.Parent);
      expect(requested!.args.by).to.equal(zoneAddress);
      expect(readyAt).to.equal(BigInt((await receipt!.getBlock()).timestamp) + TEST_ADMISSION_DELAY);
      expect(await farm.zone.memberCount()).to.equal(4n);

      // The farm's citizens reject it within the delay.
      const { proposalId, receipt: veto } = await passProposal(
        farm,
        [[rejectPendingAdmissions(admissionsAddress)]],
        "We choose our own workers",
      );
      const [rejected] = await admissions.queryFilter(
        admissions.filters.PendingAdmissionsRejected(farm.zoneAddress),
        veto!.blockNumber,
      );
      expect(rejected!.args.belowRequestId).to.equal(requestId + 1n);
      expect(rejected!.args.proposalId).to.equal(proposalId);
      expect(BigInt(await time.latest())).to.be.lessThan(readyAt);

      await time.increaseTo(readyAt);
      await expect(admissions.admit(farm.zoneAddress, requestId, daoSybils))
        .to.be.revertedWithCustomError(admissions, "AdmissionsRequestRejected")
        .withArgs(farm.zoneAddress, requestId);
      for (const sybil of daoSybils) expect(await farm.zone.isMember(sybil)).to.equal(false);
      expect(await farm.zone.memberCount()).to.equal(4n);
      expect(await ethers.provider.getBalance(farm.zoneAddress)).to.equal(farmTreasury);
    });

    it("lets the DAO's vote withdraw the parent's right: a later parent request reverts AdmissionsParentMayNotAdmit", async function () {
      const world = await loadFixture(withFoundedFarm);
      const { admissions, admissionsAddress, farm, zone } = world;
      await passProposal(
        farm,
        [[setAdmissionRules(admissionsAddress, { ...DEFAULT_ADMISSION_RULES, parentMayAdmit: false })]],
        "Only we admit our members",
      );
      expect((await admissions.admissionRulesOf(farm.zoneAddress)).parentMayAdmit).to.equal(false);

      const request = [
        [requestAdmissionsToInternalDao(admissionsAddress, farm.zoneAddress, [newcomer.commitment])],
      ];
      const { proposalId, actions } = await queuePassedProposal(world, request, "Send a worker to the farm");
      await expect(zone.execute(proposalId, actions))
        .to.be.revertedWithCustomError(zone, "ZoneActionFailed")
        .withArgs(
          0n,
          admissions.interface.encodeErrorResult("AdmissionsParentMayNotAdmit", [farm.zoneAddress]),
        );
      expect(await admissions.requestCount(farm.zoneAddress)).to.equal(0n);
      expect(await farm.zone.isMember(newcomer.commitment)).to.equal(false);
    });
  });

  describe("founding", function () {
    it("lets the registrar add members directly before the first proposal, and makes it wait after", async function () {
      const world = await loadFixture(foundingZone);
      const { zone, registrar, admissions, zoneAddress } = world;
      await expect(zone.connect(registrar).addMembers([newcomer.commitment])).to.emit(zone, "MembersAdded");
      expect(await zone.isMember(newcomer.commitment)).to.equal(true);

      await proposeAs(world, alice, [[setRules(zoneAddress, TEST_RULES)]], "Our rules stay as they are");
      await expect(zone.connect(registrar).addMembers([secondNewcomer.commitment]))
        .to.be.revertedWithCustomError(zone, "ZoneAdmissionMustWait")
        .withArgs(await admissions.getAddress());
      await expect(
        zone.connect(registrar).addMember(secondNewcomer.commitment),
      ).to.be.revertedWithCustomError(zone, "ZoneAdmissionMustWait");
      expect(await zone.isMember(secondNewcomer.commitment)).to.equal(false);
    });

    it("admits a registrar's request at once, uncapped, while founding", async function () {
      const { zone, registrar, admissions, zoneAddress } = await loadFixture(foundingZone);
      const request = admissions.connect(registrar).requestByRegistrar(zoneAddress, commitmentsOf(sybils));
      await expect(request)
        .to.emit(admissions, "AdmissionRequested")
        .withArgs(
          zoneAddress,
          0n,
          PATH.Registrar,
          await registrar.getAddress(),
          commitmentsOf(sybils),
          anyValue,
        )
        .and.to.emit(admissions, "AdmissionAdmitted")
        .withArgs(zoneAddress, 0n)
        .and.to.emit(zone, "MembersAdded");
      const { readyAt } = requestIn(admissions, await (await request).wait());
      expect(readyAt).to.equal(BigInt(await time.latest()));
      expect(await zone.memberCount()).to.equal(BigInt(citizens.length + sybils.length));
      expect((await admissions.requestOf(zoneAddress, 0n)).admitted).to.equal(true);
    });
  });

  describe("the admission delay", function () {
    it("admits no earlier than readyAt, then anyone admits; the newcomer votes only on proposals made after", async function () {
      const world = await loadFixture(foundedZone);
      const { admissions, zone, zoneAddress, registrar } = world;
      const receipt = await (
        await admissions.connect(registrar).requestByRegistrar(zoneAddress, [newcomer.commitment])
      ).wait();
      const { requestId, readyAt } = requestIn(admissions, receipt);
      expect(readyAt).to.equal(BigInt((await receipt!.getBlock()).timestamp) + TEST_ADMISSION_DELAY);
      expect((await readAdmissionRequests(zone)).map((r) => r.status)).to.deep.equal(["pending"]);

      // A proposal made while the newcomer is pending: its electorate is the four citizens.
      const duringId = await proposeWithFreeSlot(
        world,
        [[setRules(zoneAddress, TEST_RULES)]],
        "Made while pending",
      );
      const during = await zone.getProposal(duringId);
      expect(during.eligibleCount).to.equal(4n);
      expect((await rebuildGroup(zone, { untilProposal: duringId })).indexOf(newcomer.commitment)).to.equal(
        -1,
      );

      await expect(admissions.admit(zoneAddress, requestId, [newcomer.commitment]))
        .to.be.revertedWithCustomError(admissions, "AdmissionsNotReady")
        .withArgs(zoneAddress, requestId, readyAt);
      await time.increaseTo(readyAt);
      const [, , , , anyone] = await ethers.getSigners();
      await expect(admissions.connect(anyone).admit(zoneAddress, requestId, [secondNewcomer.commitment]))
        .to.be.revertedWithCustomError(admissions, "AdmissionsCommitmentsMismatch")
        .withArgs(zoneAddress, requestId);
      await expect(admissions.connect(anyone).admit(zoneAddress, requestId, [newcomer.commitment]))
        .to.emit(admissions, "AdmissionAdmitted")
        .withArgs(zoneAddress, requestId)
        .and.to.emit(zone, "MembersAdded");
      expect(await zone.isMember(newcomer.commitment)).to.equal(true);
      await expect(admissions.admit(zoneAddress, requestId, [newcomer.commitment]))
        .to.be.revertedWithCustomError(admissions, "AdmissionsAlreadyAdmitted")
        .withArgs(zoneAddress, requestId);
      expect((await readAdmissionRequests(zone)).map((r) => r.status)).to.deep.equal(["admitted"]);

      // A proposal made after the admission: the newcomer is in its snapshot and votes with a real proof.
      const afterId = await proposeWithFreeSlot(
        world,
        [[setRules(zoneAddress, TEST_RULES)]],
        "Made after the admission",
      );
      expect((await zone.getProposal(afterId)).eligibleCount).to.equal(5n);
      const snapshot = await rebuildGroup(zone, { untilProposal: afterId });
      const vote = await proveVote(newcomer, snapshot, {
        chainId: world.chainId,
        zone: zoneAddress,
        proposalId: afterId,
        option: VoteOption.For,
      });
      await expect(zone.castVote(afterId, VoteOption.For, vote.nullifier, vote.points))
        .to.emit(zone, "VoteCast")
        .withArgs(afterId, VoteOption.For, vote.nullifier);
      expect((await zone.getProposal(afterId)).tally[VoteOption.For]).to.equal(1n);
    });

    it("grows with the zone's vote length and with the rule's delay", async function () {
      const world = await loadFixture(foundedZone);
      const { admissions, admissionsAddress, zoneAddress } = world;
      expect(await admissions.admissionDelay(zoneAddress)).to.equal(TEST_ADMISSION_DELAY);

      const longer = { ...TEST_RULES, votingPeriod: 2 * 86_400, executionDelay: 3_600 };
      await passProposal(world, [[setRules(zoneAddress, longer)]], "Longer votes");
      expect(await admissions.admissionDelay(zoneAddress)).to.equal(
        BigInt(longer.votingDelay + longer.votingPeriod + longer.executionDelay) + MIN_NOTICE,
      );

      const tenDays = 10 * 86_400;
      await passProposal(
        world,
        [[setAdmissionRules(admissionsAddress, { ...DEFAULT_ADMISSION_RULES, delay: tenDays })]],
        "Newcomers wait ten days",
      );
      expect(await admissions.admissionDelay(zoneAddress)).to.equal(BigInt(tenDays));
      const receipt = await (
        await admissions.connect(world.registrar).requestByRegistrar(zoneAddress, [newcomer.commitment])
      ).wait();
      expect(requestIn(admissions, receipt).readyAt).to.equal(
        BigInt((await receipt!.getBlock()).timestamp + tenDays),
      );

      // A rule's delay shorter than a vote does not shorten it.
      await passProposal(
        world,
        [[setAdmissionRules(admissionsAddress, { ...DEFAULT_ADMISSION_RULES, delay: 60 })]],
        "Newcomers wait a minute",
      );
      expect(await admissions.admissionDelay(zoneAddress)).to.equal(
        BigInt(longer.votingDelay + longer.votingPeriod + longer.executionDelay) + MIN_NOTICE,
      );
    });
  });

  describe("anonymous invitations", function () {
    async function invitationsOpen() {
      const world = await foundedZone();
      await passProposal(
        world,
        [
          [
            setAdmissionRules(world.admissionsAddress, {
              ...DEFAULT_ADMISSION_RULES,
              invitationsPerEpoch: 1,
            }),
          ],
        ],
        "Each citizen may invite one newcomer a day",
      );
      return world;
    }

    async function invitation(
      world: ZoneWorld,
      inviter: Identity,
      invited: Identity,
      slot = 0n,
      group?: Group,
    ) {
      return proveInvitation(inviter, group ?? (await rebuildGroup(world.zone)), {
        chainId: world.chainId,
        zone: world.zoneAddress,
        epoch: await world.zone.currentProposalEpoch(),
        slot,
        newcomer: invited.commitment,
      });
    }

    it("are off by default: slot 0 is out of range", async function () {
      const world = await loadFixture(foundedZone);
      const { admissions, zone, zoneAddress } = world;
      const { identityCommitment, proof } = await invitation(world, alice, newcomer);
      await expect(zone.invite(identityCommitment, proof))
        .to.be.revertedWithCustomError(admissions, "AdmissionsInvitationSlotOutOfRange")
        .withArgs(zoneAddress, 0n, 0n);
    });

    it("let a citizen admit one newcomer per slot, secretly, after the delay", async function () {
      const world = await loadFixture(invitationsOpen);
      const { admissions, zone, zoneAddress } = world;
      const [, , , , anyone] = await ethers.getSigners();
      const invited = await invitation(world, alice, newcomer);
      const submitted = zone.connect(anyone).invite(invited.identityCommitment, invited.proof);
      await expect(submitted)
        .to.emit(admissions, "AdmissionRequested")
        .withArgs(zoneAddress, 0n, PATH.Invitation, ZeroAddress, [newcomer.commitment], anyValue);
      const { requestId, readyAt } = requestIn(admissions, await (await submitted).wait());
      expect(readyAt).to.equal(BigInt(await time.latest()) + TEST_ADMISSION_DELAY);
      expect(await zone.isNullifierUsed(invited.proof.nullifier)).to.equal(true);
      expect(await zone.isMember(newcomer.commitment)).to.equal(false);

      // The same citizen, the same slot, this epoch: the nullifier is spent, whoever the newcomer.
      const again = await invitation(world, alice, secondNewcomer);
      await expect(zone.invite(again.identityCommitment, again.proof))
        .to.be.revertedWithCustomError(zone, "ZoneNullifierAlreadyUsed")
        .withArgs(invited.proof.nullifier);
      // Slot 1 proves fine but the rule allows one invitation per epoch.
      const slotOne = await invitation(world, alice, secondNewcomer, 1n);
      await expect(zone.invite(slotOne.identityCommitment, slotOne.proof))
        .to.be.revertedWithCustomError(admissions, "AdmissionsInvitationSlotOutOfRange")
        .withArgs(zoneAddress, 1n, 1n);
      // A proof for another newcomer: the message binds the commitment.
      const forBob = await invitation(world, bob, secondNewcomer);
      await expect(zone.invite(outsider.commitment, forBob.proof)).to.be.revertedWithCustomError(
        zone,
        "ZoneInvalidProof",
      );
      // An outsider's proof: of a group with it, which the zone never had.
      const withOutsider = new Group([...commitmentsOf(citizens), outsider.commitment]);
      const byOutsider = await invitation(world, outsider, secondNewcomer, 0n, withOutsider);
      await expect(zone.invite(byOutsider.identityCommitment, byOutsider.proof))
        .to.be.revertedWithCustomError(zone, "ZoneUnknownMerkleRoot")
        .withArgs(withOutsider.root);
      expect(await admissions.requestCount(zoneAddress)).to.equal(1n);

      await expect(
        admissions.admit(zoneAddress, requestId, [newcomer.commitment]),
      ).to.be.revertedWithCustomError(admissions, "AdmissionsNotReady");
      await time.increaseTo(readyAt);
      await expect(admissions.connect(anyone).admit(zoneAddress, requestId, [newcomer.commitment]))
        .to.emit(admissions, "AdmissionAdmitted")
        .withArgs(zoneAddress, requestId);
      expect(await zone.isMember(newcomer.commitment)).to.equal(true);
      expect(await zone.memberCount()).to.equal(5n);
    });
  });

  describe("a gatekeeper: the citizens of a federation", function () {
    /** Riverside (founded) voted as its gatekeeper a FederationGatekeeper of Hillside's citizens. */
    async function withFederation() {
      const world = await foundedZone();
      const hillside = await createSecondZone(world, { name: "Hillside", members: federationCitizens });
      const gatekeeper: FederationGatekeeper = await new FederationGatekeeper__factory(world.deployer).deploy(
        hillside.zoneAddress,
        world.deployment.semaphoreVerifier,
        world.admissionsAddress,
      );
      await gatekeeper.waitForDeployment();
      const gatekeeperAddress = await gatekeeper.getAddress();
      await passProposal(
        world,
        [
          [
            setAdmissionRules(world.admissionsAddress, {
              ...DEFAULT_ADMISSION_RULES,
              gatekeeper: gatekeeperAddress,
            }),
          ],
        ],
        "Hillside's citizens may join us",
      );
      return { ...world, hillside, gatekeeper, gatekeeperAddress };
    }

    it("admits a federation citizen's newcomer after the delay, once per federation citizen", async function () {
      const world = await loadFixture(withFederation);
      const { admissions, zone, zoneAddress, hillside, gatekeeper, gatekeeperAddress } = world;
      const federationGroup = await rebuildGroup(hillside.zone);
      const context = { chainId: world.chainId, zone: zoneAddress, gatekeeper: gatekeeperAddress };
      const evidence = encodeFederationEvidence(
        await proveFederationMembership(federationCitizens[0]!, federationGroup, {
          ...context,
          newcomer: newcomer.commitment,
        }),
      );
      const request = admissions.requestByGatekeeper(zoneAddress, newcomer.commitment, evidence);
      await expect(request)
        .to.emit(admissions, "AdmissionRequested")
        .withArgs(zoneAddress, 0n, PATH.Gatekeeper, ZeroAddress, [newcomer.commitment], anyValue);
      const { requestId, readyAt } = requestIn(admissions, await (await request).wait());
      expect(await zone.isMember(newcomer.commitment)).to.equal(false);

      // The same federation citizen again, for someone else: its nullifier for this zone is spent.
      const again = await proveFederationMembership(federationCitizens[0]!, federationGroup, {
        ...context,
        newcomer: secondNewcomer.commitment,
      });
      await expect(
        admissions.requestByGatekeeper(
          zoneAddress,
          secondNewcomer.commitment,
          encodeFederationEvidence(again),
        ),
      )
        .to.be.revertedWithCustomError(gatekeeper, "FederationNullifierUsed")
        .withArgs(again.nullifier);

      await time.increaseTo(readyAt);
      await expect(admissions.admit(zoneAddress, requestId, [newcomer.commitment]))
        .to.emit(admissions, "AdmissionAdmitted")
        .withArgs(zoneAddress, requestId);
      expect(await zone.isMember(newcomer.commitment)).to.equal(true);
    });

    it("refuses evidence from outside the federation, and anyone but the admissions contract", async function () {
      const world = await loadFixture(withFederation);
      const { admissions, zone, zoneAddress, hillside, gatekeeper, gatekeeperAddress } = world;
      const context = {
        chainId: world.chainId,
        zone: zoneAddress,
        gatekeeper: gatekeeperAddress,
        newcomer: newcomer.commitment,
      };
      // A Riverside citizen proves membership of Riverside, presented as Hillside's root: refused.
      const riversideProof = await proveFederationMembership(alice, await rebuildGroup(zone), context);
      const [hillsideRoot] = await hillside.zone.merkleTree();
      const disguised = encodeFederationEvidence({ ...riversideProof, merkleTreeRoot: hillsideRoot });
      await expect(admissions.requestByGatekeeper(zoneAddress, newcomer.commitment, disguised))
        .to.be.revertedWithCustomError(admissions, "AdmissionsGatekeeperRefused")
        .withArgs(zoneAddress, newcomer.commitment);
      // At its own root, the federation's current root does not match.
      await expect(
        admissions.requestByGatekeeper(
          zoneAddress,
          newcomer.commitment,
          encodeFederationEvidence(riversideProof),
        ),
      )
        .to.be.revertedWithCustomError(gatekeeper, "FederationStaleRoot")
        .withArgs(riversideProof.merkleTreeRoot);

      const federationProof = encodeFederationEvidence(
        await proveFederationMembership(federationCitizens[1]!, await rebuildGroup(hillside.zone), context),
      );
      const [, , , , anyone] = await ethers.getSigners();
      await expect(gatekeeper.connect(anyone).admits(zoneAddress, newcomer.commitment, federationProof))
        .to.be.revertedWithCustomError(gatekeeper, "FederationCallerIsNotAdmissions")
        .withArgs(await anyone!.getAddress());
      expect(await admissions.requestCount(zoneAddress)).to.equal(0n);
    });
  });

  describe("gas per admission path", function () {
    it("is reported for the registrar (1 and 100 members), an invitation, a gatekeeper and a parent zone", async function () {
      const world = await loadFixture(foundedZone);
      const { admissions, admissionsAddress, zone, zoneAddress, registrar } = world;
      const hillside = await createSecondZone(world, { name: "Hillside", members: federationCitizens });
      const gatekeeper = await new FederationGatekeeper__factory(world.deployer).deploy(
        hillside.zoneAddress,
        world.deployment.semaphoreVerifier,
        admissionsAddress,
      );
      const gatekeeperAddress = await gatekeeper.getAddress();
      await passProposal(
        world,
        [
          [
            setAdmissionRules(admissionsAddress, {
              ...DEFAULT_ADMISSION_RULES,
              registrarFloor: 200,
              invitationsPerEpoch: 1,
              gatekeeper: gatekeeperAddress,
            }),
            createInternalDao(zoneAddress, {
              name: "Riverside Farm",
              registrar: await registrar.getAddress(),
              rules: TEST_RULES,
              incomeShareBps: 0,
            }),
          ],
        ],
        "Open every admission path, found the farm",
      );
      const [created] = await zone.queryFilter(zone.filters.InternalDaoCreated());
      const farm = zoneAt(created!.args.dao, world.relayer);
      // The farm founded (members, then a first proposal), so the parent's request waits there.
      const farmWorld = zoneWorldAt(world, created!.args.dao);
      await (await farm.connect(registrar).addMembers(commitmentsOf(citizens))).wait();
      await proposeAs(
        farmWorld,
        alice,
        [[setRules(farmWorld.zoneAddress, TEST_RULES)]],
        "The farm is founded",
      );

      const rows: { path: string; members: number; request: bigint; admit: bigint }[] = [];
      const gasOf = async (sent: Promise<{ wait: () => Promise<ContractTransactionReceipt | null> }>) => {
        const receipt = await (await sent).wait();
        if (!receipt) throw new Error("no receipt");
        return receipt;
      };
      const measure = async (
        path: string,
        identities: Identity[],
        request: () => Promise<ContractTransactionReceipt>,
        on = zoneAddress,
      ) => {
        const requested = await request();
        const { requestId, readyAt } = requestIn(admissions, requested);
        if (BigInt(await time.latest()) < readyAt) await time.increaseTo(readyAt);
        const admitted = await gasOf(admissions.admit(on, requestId, commitmentsOf(identities)));
        rows.push({ path, members: identities.length, request: requested.gasUsed, admit: admitted.gasUsed });
      };

      const sent = [new Identity("zonedao-gas-sent")];
      await measure(
        "parent zone (request: the whole proposal execution)",
        sent,
        async () =>
          (
            await passProposal(
              world,
              [
                [
                  requestAdmissionsToInternalDao(
                    admissionsAddress,
                    farmWorld.zoneAddress,
                    commitmentsOf(sent),
                  ),
                ],
              ],
              "Send a worker",
            )
          ).receipt!,
        farmWorld.zoneAddress,
      );

      const one = [new Identity("zonedao-gas-one")];
      await measure("registrar", one, () =>
        gasOf(admissions.connect(registrar).requestByRegistrar(zoneAddress, commitmentsOf(one))),
      );
      const invited = [new Identity("zonedao-gas-invited")];
      await measure("invitation", invited, async () => {
        const { identityCommitment, proof } = await proveInvitation(alice, await rebuildGroup(zone), {
          chainId: world.chainId,
          zone: zoneAddress,
          epoch: await zone.currentProposalEpoch(),
          slot: 0n,
          newcomer: invited[0]!.commitment,
        });
        return gasOf(zone.invite(identityCommitment, proof));
      });
      const federated = [new Identity("zonedao-gas-federated")];
      await measure("gatekeeper", federated, async () => {
        const evidence = await proveFederationMembership(
          federationCitizens[0]!,
          await rebuildGroup(hillside.zone),
          {
            chainId: world.chainId,
            zone: zoneAddress,
            gatekeeper: gatekeeperAddress,
            newcomer: federated[0]!.commitment,
          },
        );
        return gasOf(
          admissions.requestByGatekeeper(
            zoneAddress,
            federated[0]!.commitment,
            encodeFederationEvidence(evidence),
          ),
        );
      });
      const hundred = Array.from({ length: 100 }, (_, i) => new Identity(`zonedao-gas-hundred-${i}`));
      await measure("registrar", hundred, () =>
        gasOf(admissions.connect(registrar).requestByRegistrar(zoneAddress, commitmentsOf(hundred))),
      );
      // The founding registrar's direct addMembers of 100, on a fresh zone of 4: the old path.
      const fresh = await deployEmptyZone(TEST_RULES);
      await (await fresh.zone.connect(fresh.registrar).addMembers(commitmentsOf(citizens))).wait();
      const direct = await gasOf(
        fresh.zone
          .connect(fresh.registrar)
          .addMembers(commitmentsOf(hundred.map((_, i) => new Identity(`zonedao-gas-direct-${i}`)))),
      );

      console.log("      gas per admission path (request + admit, after founding):");
      console.log("      | path | members | request | admit | total | per member |");
      for (const row of rows) {
        const total = row.request + row.admit;
        console.log(
          `      | ${row.path} | ${row.members} | ${row.request} | ${row.admit} | ${total} | ${total / BigInt(row.members)} |`,
        );
      }
      console.log(
        `      | founding addMembers (direct) | 100 | - | ${direct.gasUsed} | ${direct.gasUsed} | ${direct.gasUsed / 100n} |`,
      );
      const registrarHundred = rows.find((row) => row.path === "registrar" && row.members === 100)!;
      expect(registrarHundred.request + registrarHundred.admit).to.be.greaterThan(0n);
      expect(await zone.memberCount()).to.equal(BigInt(citizens.length + 1 + 100 + 1 + 1));
    });
  });
});
