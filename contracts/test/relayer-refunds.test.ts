import { expect } from "chai";
import { ZeroAddress, concat, parseEther, parseUnits, type Signer, type TransactionResponse } from "ethers";
import {
  VoteOption,
  ledgerBalance,
  proveVote,
  readLedger,
  rebuildGroup,
  setRules,
  type VoteProof,
  type Zone,
} from "../../sdk/index.js";
import {
  TEST_RULES,
  Identity,
  citizens,
  createSecondZone,
  deployEmptyZone,
  deployZoneWithCitizens,
  ethers,
  loadFixture,
  proposeAs,
  queuePassedProposal,
} from "../../test/zone-fixture.js";
import { BN254_Q } from "./votes.js";
import { BundlingRelayer__factory, ReentrantRelayer__factory } from "../../types/ethers-contracts/index.js";

/** The zones' cap: far above what a vote costs at GAS_PRICE, far below what it costs at HUGE_GAS_PRICE. */
const CAP = parseEther("0.01");
const REFUND_RULES = { ...TEST_RULES, maxRelayerRefundPerVote: CAP };
const GAS_PRICE = parseUnits("10", "gwei");
const HUGE_GAS_PRICE = parseUnits("1000", "gwei");
const Attack = { None: 0, Claim: 1, CastVotes: 2 };
const UNKNOWN_PROPOSAL = 0; // IZone.VoteRejection
const VOTERS = Array.from({ length: 12 }, (_, i) => new Identity(`zonedao-refund-voter-${i}`));

/**
 * Two zones that reimburse relayers up to CAP per vote, with the same 12 citizens and each a
 * proposal 1 open: Riverside (whose votes the tests submit) and Hillside (where they must not pay).
 * The treasuries start empty. Two relayer contracts that attack Riverside's refunds are ready too.
 */
async function refundingZones() {
  const world = await deployEmptyZone(REFUND_RULES);
  await (
    await world.zone.connect(world.registrar).addMembers(VOTERS.map((voter) => voter.commitment))
  ).wait();
  const proposalId = await proposeAs(world, VOTERS[0]!, [[]], "Repair the footbridge");
  const other = await createSecondZone(world, { members: VOTERS, rules: REFUND_RULES });
  await proposeAs(other, VOTERS[0]!, [[]], "Repair the footbridge");
  const attacker = await (
    await new ReentrantRelayer__factory(world.deployer).deploy(world.zoneAddress)
  ).waitForDeployment();
  const bundler = await (
    await new BundlingRelayer__factory(world.deployer).deploy(world.zoneAddress)
  ).waitForDeployment();
  const [, , , secondRelayer] = await ethers.getSigners();
  if (!secondRelayer) throw new Error("Hardhat gives at least 4 accounts");
  return { ...world, proposalId, other, attacker, bundler, secondRelayer };
}

const asVote = ({ proposalId, option, nullifier, points }: VoteProof) => ({
  proposalId,
  option,
  nullifier,
  points,
});

/** `votes` with the proof of each made invalid (C moved off the curve). */
const forged = (votes: VoteProof[]) =>
  votes.map(asVote).map((vote) => {
    const points = [...vote.points] as VoteProof["points"];
    points[7] = (points[7] + 1n) % BN254_Q;
    return { ...vote, points };
  });

/** A vote of all-zero words: the cheapest calldata there is, rejected as `UnknownProposal`. */
const JUNK_VOTE = { proposalId: 0n, option: 0n, nullifier: 0n, points: Array<bigint>(8).fill(0n) };

const addressOf = (signer: Signer) => signer.getAddress();

/** What `send` cost its sender (the receipt's gas) and credited it, both in gas at GAS_PRICE. */
async function paidAndCredited(zone: Zone, relayer: string, send: () => Promise<TransactionResponse>) {
  const before = await zone.relayerCredit(relayer);
  const receipt = (await (await send()).wait())!;
  return { paid: receipt.gasUsed, credited: ((await zone.relayerCredit(relayer)) - before) / GAS_PRICE };
}

async function fund(zone: Zone, from: Signer, amount: bigint) {
  await (await from.sendTransaction({ to: await zone.getAddress(), value: amount })).wait();
}

describe("relayer refunds", function () {
  // Proofs are made once and replayed on a fresh fixture by every test, as in batch-votes.test.ts.
  let votes: VoteProof[];

  before(async function () {
    const world = await loadFixture(refundingZones);
    const group = await rebuildGroup(world.zone, { untilProposal: world.proposalId });
    votes = [];
    for (const voter of VOTERS) {
      votes.push(
        await proveVote(voter, group, {
          chainId: world.chainId,
          zone: world.zoneAddress,
          proposalId: world.proposalId,
          option: VoteOption.For,
        }),
      );
    }
  });

  describe("crediting", function () {
    it("credits the gas the relayer paid, never more and at most 0.1% less, for a vote and for batches", async function () {
      const world = await loadFixture(refundingZones);
      const relayer = await addressOf(world.relayer);
      const single = votes[0]!;
      // The first call creates the relayer's credit slot, the others update it: both are estimated.
      const calls = [
        {
          what: "castVote",
          count: 1,
          send: () =>
            world.zone.castVote(single.proposalId, single.option, single.nullifier, single.points, {
              gasPrice: GAS_PRICE,
            }),
        },
        ...[votes.slice(1, 2), votes.slice(2, 5), votes.slice(5, 12)].map((batch) => ({
          what: `castVotes(${batch.length})`,
          count: batch.length,
          send: () => world.zone.castVotes(batch.map(asVote), { gasPrice: GAS_PRICE }),
        })),
      ];
      for (const { what, count, send } of calls) {
        const before = await world.zone.relayerCredit(relayer);
        const tx = await send();
        const receipt = (await tx.wait())!;
        const credited = (await world.zone.relayerCredit(relayer)) - before;
        await expect(tx).to.emit(world.zone, "RelayerCredited").withArgs(relayer, count, credited);
        const creditedGas = credited / GAS_PRICE;
        console.log(
          `      gas: ${what} used ${receipt.gasUsed}, credited ${creditedGas} ` +
            `(${creditedGas - receipt.gasUsed})`,
        );
        const paid = receipt.gasUsed * GAS_PRICE;
        expect(credited).to.be.within((paid * 999n) / 1000n, paid);
      }
    });

    it("credits junk votes padded into a batch, and bytes appended to it, no more than they cost", async function () {
      const honest = votes.slice(0, 2).map(asVote);
      const padded = [...honest, ...Array<typeof JUNK_VOTE>(32).fill(JUNK_VOTE)];
      let world = await loadFixture(refundingZones);
      const relayer = await addressOf(world.relayer);
      const alone = await paidAndCredited(world.zone, relayer, () =>
        world.zone.castVotes(honest, { gasPrice: GAS_PRICE }),
      );

      world = await loadFixture(refundingZones);
      let tx: TransactionResponse | undefined;
      const withJunk = await paidAndCredited(world.zone, relayer, async () => {
        tx = await world.zone.castVotes(padded, { gasPrice: GAS_PRICE });
        return tx;
      });
      await expect(tx).to.emit(world.zone, "VoteRejected").withArgs(0n, 0n, UNKNOWN_PROPOSAL);
      await expect(tx)
        .to.emit(world.zone, "RelayerCredited")
        .withArgs(relayer, 2, withJunk.credited * GAS_PRICE);
      // Before the fix each junk vote earned ~3,400 gas more than it cost.
      console.log(
        `      gas: 32 junk votes cost ${withJunk.paid - alone.paid}, credited ${withJunk.credited - alone.credited}`,
      );
      expect(withJunk.credited - alone.credited).to.be.at.most(withJunk.paid - alone.paid);

      world = await loadFixture(refundingZones);
      const data = world.zone.interface.encodeFunctionData("castVotes", [honest]);
      const appended = await paidAndCredited(world.zone, relayer, () =>
        world.relayer.sendTransaction({
          to: world.zoneAddress,
          data: concat([data, new Uint8Array(32 * 352)]),
          gasPrice: GAS_PRICE,
        }),
      );
      expect(appended.credited - alone.credited).to.be.at.most(appended.paid - alone.paid);
    });

    it("credits a contract no more than each call cost it, after a claim or a batch in the same transaction", async function () {
      let world = await loadFixture(refundingZones);
      const bundler = await world.bundler.getAddress();
      const batch = (from: number) => votes.slice(from, from + 2).map(asVote);
      /** The gas credited for each `castVotes` call of `tx`, and what each call cost the bundler. */
      const creditsAndCosts = async (tx: TransactionResponse) => {
        const receipt = (await tx.wait())!;
        const credits = receipt.logs
          .map((log) => world.zone.interface.parseLog(log))
          .filter((event) => event?.name === "RelayerCredited")
          .map((event) => (event!.args.amount as bigint) / GAS_PRICE);
        const count = Number(await world.bundler.callCount());
        const costs = await Promise.all(Array.from({ length: count }, (_, i) => world.bundler.callGas(i)));
        console.log(`      gas: calls cost ${costs.join(", ")}; credited ${credits.join(", ")}`);
        return { credits, costs };
      };

      // The first batch creates the credit's slot (20,000 gas); the second finds it written (100).
      const twoBatches = await creditsAndCosts(
        await world.bundler.castBatches([batch(0), batch(2)], [false, false], { gasPrice: GAS_PRICE }),
      );
      twoBatches.credits.forEach((credit, i) => expect(credit).to.be.at.most(twoBatches.costs[i]!));

      // A claim zeroes the slot: the votes after it rewrite a slot the transaction already wrote (100).
      await fund(world.zone, world.deployer, parseEther("1"));
      const owed = await world.zone.relayerCredit(bundler);
      const claimTx = await world.bundler.castBatches([batch(4)], [true], { gasPrice: GAS_PRICE });
      await expect(claimTx).to.emit(world.zone, "RelayerRefunded").withArgs(bundler, owed);
      const claimThenVote = await creditsAndCosts(claimTx);
      expect(claimThenVote.credits[0]).to.be.at.most(claimThenVote.costs[0]!);
      expect(await world.zone.relayerCredit(bundler)).to.equal(claimThenVote.credits[0]! * GAS_PRICE);

      // From an empty slot: a batch creates it, a claim zeroes it and earns back 19,900 of the 20,000
      // (EIP-3529), and the next batch pays 20,000 to create it again: 100 in all.
      world = await loadFixture(refundingZones);
      await fund(world.zone, world.deployer, parseEther("1"));
      const cycle = await creditsAndCosts(
        await world.bundler.castBatches([batch(0), batch(2)], [false, true], { gasPrice: GAS_PRICE }),
      );
      expect(cycle.credits[0]).to.be.at.most(cycle.costs[0]!);
      expect(cycle.credits[1]).to.be.at.most(cycle.costs[1]! - 19_900n);
    });

    it("pays at most the cap per vote, however high the gas price", async function () {
      const world = await loadFixture(refundingZones);
      const relayer = await addressOf(world.relayer);
      const single = votes[0]!;
      await expect(
        world.zone.castVote(single.proposalId, single.option, single.nullifier, single.points, {
          gasPrice: HUGE_GAS_PRICE,
        }),
      )
        .to.emit(world.zone, "RelayerCredited")
        .withArgs(relayer, 1, CAP);
      await expect(world.zone.castVotes(votes.slice(1, 5).map(asVote), { gasPrice: HUGE_GAS_PRICE }))
        .to.emit(world.zone, "RelayerCredited")
        .withArgs(relayer, 4, 4n * CAP);
      expect(await world.zone.relayerCredit(relayer)).to.equal(5n * CAP);
    });

    it("credits only the votes that counted: rejected votes share the gas but earn nothing", async function () {
      const world = await loadFixture(refundingZones);
      const relayer = await addressOf(world.relayer);
      const batch = [
        ...votes.slice(0, 2).map(asVote),
        ...forged(votes.slice(2, 5)),
        { ...asVote(votes[5]!), option: 3 }, // not an option of a For/Against/Abstain proposal
        { ...asVote(votes[6]!), proposalId: 99n },
      ];
      const tx = await world.zone.castVotes(batch, { gasPrice: HUGE_GAS_PRICE });
      await expect(tx).to.emit(world.zone, "VoteRejected");
      await expect(tx)
        .to.emit(world.zone, "RelayerCredited")
        .withArgs(relayer, 2, 2n * CAP);
      expect((await world.zone.getProposal(world.proposalId)).tally[VoteOption.For]).to.equal(2n);

      // A batch of which nothing counts earns nothing, at any gas price.
      const rejected = await world.zone.castVotes(forged(votes.slice(7, 12)), { gasPrice: HUGE_GAS_PRICE });
      await expect(rejected).not.to.emit(world.zone, "RelayerCredited");
      expect(await world.zone.relayerCredit(relayer)).to.equal(2n * CAP);
    });

    it("credits nothing for a replayed batch or vote", async function () {
      const world = await loadFixture(refundingZones);
      const relayer = await addressOf(world.relayer);
      const batch = votes.slice(0, 4).map(asVote);
      await (await world.zone.castVotes(batch, { gasPrice: HUGE_GAS_PRICE })).wait();
      expect(await world.zone.relayerCredit(relayer)).to.equal(4n * CAP);

      const replay = await world.zone.castVotes(batch, { gasPrice: HUGE_GAS_PRICE });
      await expect(replay).to.emit(world.zone, "VoteRejected");
      await expect(replay).not.to.emit(world.zone, "RelayerCredited");
      const [first] = batch as [ReturnType<typeof asVote>];
      await expect(
        world.zone.castVote(first.proposalId, first.option, first.nullifier, first.points, {
          gasPrice: HUGE_GAS_PRICE,
        }),
      )
        .to.be.revertedWithCustomError(world.zone, "ZoneNullifierAlreadyUsed")
        .withArgs(first.nullifier);
      expect(await world.zone.relayerCredit(relayer)).to.equal(4n * CAP);
    });

    it("keeps each relayer's credit apart", async function () {
      const world = await loadFixture(refundingZones);
      const [relayer, second] = await Promise.all([addressOf(world.relayer), addressOf(world.secondRelayer)]);
      await (await world.zone.castVotes(votes.slice(0, 2).map(asVote), { gasPrice: HUGE_GAS_PRICE })).wait();
      await (
        await world.zone
          .connect(world.secondRelayer)
          .castVotes(votes.slice(2, 5).map(asVote), { gasPrice: HUGE_GAS_PRICE })
      ).wait();
      expect(await world.zone.relayerCredit(relayer)).to.equal(2n * CAP);
      expect(await world.zone.relayerCredit(second)).to.equal(3n * CAP);

      await fund(world.zone, world.deployer, parseEther("1"));
      await expect(world.zone.connect(world.secondRelayer).claimRelayerRefund()).to.changeEtherBalances(
        ethers,
        [second, world.zoneAddress],
        [3n * CAP, -3n * CAP],
      );
      expect(await world.zone.relayerCredit(relayer)).to.equal(2n * CAP);
      const deployer = await addressOf(world.deployer);
      await expect(world.zone.connect(world.deployer).claimRelayerRefund())
        .to.be.revertedWithCustomError(world.zone, "ZoneNoRelayerCredit")
        .withArgs(deployer);
    });

    it("credits only in the zone whose votes counted", async function () {
      const world = await loadFixture(refundingZones);
      const relayer = await addressOf(world.relayer);
      // The same proposal id and citizens in another zone: the proofs' scope names Riverside.
      const elsewhere = await world.other.zone.castVotes(votes.slice(0, 4).map(asVote), {
        gasPrice: HUGE_GAS_PRICE,
      });
      await expect(elsewhere)
        .to.emit(world.other.zone, "VoteRejected")
        .withArgs(world.proposalId, votes[0]!.nullifier, 5); // InvalidProof
      await expect(elsewhere).not.to.emit(world.other.zone, "RelayerCredited");
      await fund(world.other.zone, world.deployer, parseEther("1"));
      await expect(world.other.zone.claimRelayerRefund())
        .to.be.revertedWithCustomError(world.other.zone, "ZoneNoRelayerCredit")
        .withArgs(relayer);

      await (await world.zone.castVotes(votes.slice(0, 4).map(asVote), { gasPrice: HUGE_GAS_PRICE })).wait();
      expect(await world.zone.relayerCredit(relayer)).to.equal(4n * CAP);
      expect(await world.other.zone.relayerCredit(relayer)).to.equal(0n);
    });
  });

  describe("claimRelayerRefund", function () {
    it("pays the credit once, from the treasury, on the ledger", async function () {
      const world = await loadFixture(refundingZones);
      const relayer = await addressOf(world.relayer);
      await fund(world.zone, world.deployer, parseEther("1"));
      await (await world.zone.castVotes(votes.slice(0, 3).map(asVote), { gasPrice: GAS_PRICE })).wait();
      const credit = await world.zone.relayerCredit(relayer);
      expect(credit)
        .to.be.greaterThan(0n)
        .and.lessThan(3n * CAP);

      const claim = await world.zone.claimRelayerRefund();
      await expect(claim).to.emit(world.zone, "RelayerRefunded").withArgs(relayer, credit);
      await expect(claim).to.changeEtherBalances(ethers, [relayer, world.zoneAddress], [credit, -credit]);
      expect(await world.zone.relayerCredit(relayer)).to.equal(0n);
      await expect(world.zone.claimRelayerRefund())
        .to.be.revertedWithCustomError(world.zone, "ZoneNoRelayerCredit")
        .withArgs(relayer);

      const ledger = await readLedger(world.zone);
      expect(ledger.at(-1)).to.deep.include({
        kind: "out",
        token: ZeroAddress,
        amount: credit,
        counterparty: relayer,
        source: "RelayerRefunded",
        txHash: claim.hash,
      });
      expect(ledgerBalance(ledger, ZeroAddress)).to.equal(
        await ethers.provider.getBalance(world.zoneAddress),
      );
    });

    it("reverts when the treasury cannot pay, and keeps the credit", async function () {
      const world = await loadFixture(refundingZones);
      const relayer = await addressOf(world.relayer);
      await (await world.zone.castVotes(votes.slice(0, 3).map(asVote), { gasPrice: HUGE_GAS_PRICE })).wait();
      await fund(world.zone, world.deployer, 2n * CAP);
      await expect(world.zone.claimRelayerRefund())
        .to.be.revertedWithCustomError(world.zone, "ZoneInsufficientTreasury")
        .withArgs(ZeroAddress, 3n * CAP, 2n * CAP);
      expect(await world.zone.relayerCredit(relayer)).to.equal(3n * CAP);

      await fund(world.zone, world.deployer, CAP);
      await expect(world.zone.claimRelayerRefund()).to.changeEtherBalance(ethers, relayer, 3n * CAP);
      expect(await ethers.provider.getBalance(world.zoneAddress)).to.equal(0n);
    });

    it("pays a relayer that re-enters the claim only once", async function () {
      const world = await loadFixture(refundingZones);
      const attacker = await world.attacker.getAddress();
      await (
        await world.attacker.castVotes(votes.slice(0, 3).map(asVote), { gasPrice: HUGE_GAS_PRICE })
      ).wait();
      expect(await world.zone.relayerCredit(attacker)).to.equal(3n * CAP);
      await fund(world.zone, world.deployer, parseEther("1"));

      await (await world.attacker.arm(Attack.Claim, [])).wait();
      await expect(world.attacker.claim()).to.changeEtherBalances(
        ethers,
        [attacker, world.zoneAddress],
        [3n * CAP, -3n * CAP],
      );
      expect(await world.attacker.payments()).to.equal(1n);
      expect(await world.attacker.reentrantClaimFailed()).to.equal(true);
      expect(await world.attacker.reentrantClaimPaid()).to.equal(0n);
      expect(await world.zone.relayerCredit(attacker)).to.equal(0n);
    });

    it("gives a relayer that submits votes from inside its claim only what those votes earn", async function () {
      const world = await loadFixture(refundingZones);
      const attacker = await world.attacker.getAddress();
      const counted = votes.slice(0, 3).map(asVote);
      await (await world.attacker.castVotes(counted, { gasPrice: HUGE_GAS_PRICE })).wait();
      await fund(world.zone, world.deployer, parseEther("1"));

      // Replaying counted votes from inside the claim earns nothing.
      await (await world.attacker.arm(Attack.CastVotes, counted)).wait();
      await (await world.attacker.claim({ gasPrice: HUGE_GAS_PRICE })).wait();
      expect(await world.zone.relayerCredit(attacker)).to.equal(0n);

      // Fresh votes from inside a claim are credited like any others, after the claim's zeroing.
      await (
        await world.attacker.castVotes(votes.slice(3, 4).map(asVote), { gasPrice: HUGE_GAS_PRICE })
      ).wait();
      await (await world.attacker.arm(Attack.CastVotes, votes.slice(4, 6).map(asVote))).wait();
      await (await world.attacker.claim({ gasPrice: HUGE_GAS_PRICE })).wait();
      expect(await world.zone.relayerCredit(attacker)).to.equal(2n * CAP);
      expect(await world.attacker.received()).to.equal(4n * CAP);
      expect(await ethers.provider.getBalance(world.zoneAddress)).to.equal(parseEther("1") - 4n * CAP);
    });
  });

  describe("the rule", function () {
    it("is changed by a vote and applies at once, to votes on proposals made before", async function () {
      const world = await loadFixture(zoneWithoutRefunds);
      const relayer = await addressOf(world.relayer);
      const rules = { ...TEST_RULES, maxRelayerRefundPerVote: parseEther("0.001") };
      // A change of rules that passed and waits for its execution, and a proposal made meanwhile.
      const { proposalId: change, actions } = await queuePassedProposal(
        world,
        [[setRules(world.zoneAddress, rules)]],
        "Refund relayers",
      );
      const later = await proposeAs(world, citizens[1]!, [[]], "Paint the school");
      const group = await rebuildGroup(world.zone, { untilProposal: later });
      const vote = (identity: Identity) =>
        proveVote(identity, group, {
          chainId: world.chainId,
          zone: world.zoneAddress,
          proposalId: later,
          option: VoteOption.For,
        });

      const before = await vote(citizens[0]!);
      await expect(
        world.zone.castVote(before.proposalId, before.option, before.nullifier, before.points, {
          gasPrice: HUGE_GAS_PRICE,
        }),
      ).not.to.emit(world.zone, "RelayerCredited");
      expect(await world.zone.relayerCredit(relayer)).to.equal(0n);

      await expect(world.zone.execute(change, actions)).to.emit(world.zone, "RulesChanged");
      expect((await world.zone.rules()).maxRelayerRefundPerVote).to.equal(rules.maxRelayerRefundPerVote);
      const after = await vote(citizens[1]!);
      await expect(
        world.zone.castVote(after.proposalId, after.option, after.nullifier, after.points, {
          gasPrice: HUGE_GAS_PRICE,
        }),
      )
        .to.emit(world.zone, "RelayerCredited")
        .withArgs(relayer, 1, rules.maxRelayerRefundPerVote);
    });
  });
});

/** A zone of the four test citizens with the default rules: no relayer refunds. */
async function zoneWithoutRefunds() {
  return deployZoneWithCitizens();
}
