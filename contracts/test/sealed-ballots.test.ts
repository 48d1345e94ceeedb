/**
 * A sealed proposal on chain, with real ballots (the development key's proofs, made by the sdk):
 * three tellers elected by vote make their key (threshold 2); a citizen proposes sealed; eight
 * citizens cast sealed ballots in two batches; nothing on chain shows a count while the vote is
 * open; after it, tellers 1 and 3 post partial decryptions (teller 2 stays offline), a wrong one is
 * refused, wrong counts are refused, the right ones are recorded and the proposal executes.
 */
import { expect } from "chai";
import { parseEther, type Signer } from "ethers";
import { SealedBallotVerifier__factory, rebuildGroup, type ZoneAction } from "../../sdk/index.js";
import {
  ballotBoxSums,
  ciphertextWords,
  openTally,
  partialDecrypt,
  partialDecryptionCall,
  proveSealedVote,
  sealedVoteCall,
  sealedVotePublicSignals,
  verificationKeyFromWords,
  type PartialDecryption,
  type Point,
  type SealedVote,
} from "../../sdk/sealed.js";
import { stopCeremonyThreads } from "../../circuits/ceremony.js";
import { auditZone } from "../../sdk/audit/index.js";
import { partialFromEvent, verifySealedProof } from "../../sdk/audit/sealed.js";
import { completeSealedTally, postPartialDecryption } from "../../sdk/tellers.js";
import {
  deploySealedZone,
  electTellers,
  electionAction,
  sealedCitizens,
  tellerSigners,
  type ElectedTellers,
  type SealedWorld,
} from "../../test/sealed-world.js";
import {
  loadFixture,
  passProposal,
  proposeWithFreeSlot,
  queuePassedProposal,
} from "../../test/zone-fixture.js";

const AGAINST = 0;
const FOR = 1;
const ABSTAIN = 2;
/** The eight citizens' choices: 5 For, 2 Against, 1 Abstain. */
const CHOICES = [FOR, FOR, AGAINST, FOR, ABSTAIN, FOR, AGAINST, FOR];
const PROPOSAL_STATE = { Active: 1n, Succeeded: 4n, Executed: 7n, Tallying: 8n } as const;

interface Elected extends SealedWorld {
  tellersTerm: ElectedTellers;
  payee: Signer;
}

async function elected(): Promise<Elected> {
  const world = await deploySealedZone();
  const tellersTerm = await electTellers(world, await tellerSigners(3), 2);
  await (await world.deployer.sendTransaction({ to: world.zoneAddress, value: parseEther("2") })).wait();
  const [payee] = (await world.chain.ethers.getSigners()).slice(7, 8);
  return { ...world, tellersTerm, payee: payee! };
}

describe("sealed proposals (ZoneSealedBallots)", function () {
  this.timeout(10 * 60_000);

  after(async function () {
    await stopCeremonyThreads();
  });

  it("keeps ballots sealed until the close, opens them with 2 of 3 tellers, refuses wrong partials and counts, and executes", async function () {
    const world = await loadFixture(elected);
    const { zone, zoneAddress, sealedBallots, tellersTerm } = world;
    const { time } = world.chain.networkHelpers;
    const payment: ZoneAction = {
      target: await world.payee.getAddress(),
      value: parseEther("1"),
      data: "0x",
    };

    // A citizen proposes sealed; open votes on it are refused.
    const proposalId = await proposeWithFreeSlot(
      world,
      [[payment]],
      "Pay the well digger, sealed",
      sealedCitizens,
      tellersTerm.term,
    );
    const box = await sealedBallots.ballotBox(zoneAddress, proposalId);
    expect([box.publicKey.x, box.publicKey.y]).to.deep.equal(tellersTerm.publicKey);
    expect(box.threshold).to.equal(2n);
    await expect(zone.castVote(proposalId, FOR, 1n, Array(8).fill(0n)))
      .to.be.revertedWithCustomError(zone, "ZoneProposalIsSealed")
      .withArgs(proposalId);

    // Eight sealed ballots, in two batches; a ballot sent again is skipped.
    const snapshot = await rebuildGroup(zone, { untilProposal: proposalId });
    const ballots: SealedVote[] = [];
    for (const [index, citizen] of sealedCitizens.entries()) {
      ballots.push(
        await proveSealedVote(world.circuit, citizen, snapshot, {
          chainId: world.chainId,
          zone: zoneAddress,
          proposalId,
          publicKey: tellersTerm.publicKey,
          option: CHOICES[index]!,
        }),
      );
    }
    const first = await (
      await sealedBallots.castSealedVotes(zoneAddress, proposalId, ballots.slice(0, 5).map(sealedVoteCall))
    ).wait();
    const rest = [...ballots.slice(5), ballots[0]!].map(sealedVoteCall);
    await expect(sealedBallots.castSealedVotes(zoneAddress, proposalId, rest))
      .to.emit(sealedBallots, "SealedVoteRejected")
      .withArgs(zoneAddress, proposalId, ballots[0]!.nullifier, 2n); // NullifierUsed
    expect(first?.logs.length).to.equal(5);
    const cast = await sealedBallots.queryFilter(
      sealedBallots.filters.SealedVoteCast(zoneAddress, proposalId),
    );
    expect(cast.map(({ args }) => args.ciphertexts)).to.deep.equal(
      ballots.map((ballot) => ciphertextWords(ballot.ciphertexts)),
    );

    // While the vote is open the zone shows no count, and no teller can post.
    const open = await zone.getProposal(proposalId);
    expect(open.state).to.equal(PROPOSAL_STATE.Active);
    expect(open.tally).to.deep.equal([0n, 0n, 0n]);
    const sums = ballotBoxSums(await sealedBallots.ballotBox(zoneAddress, proposalId));
    const as = (teller: number) => sealedBallots.connect(tellersTerm.signers.get(teller));
    const partialOf = (teller: number): PartialDecryption =>
      partialDecrypt(teller, tellersTerm.secretShares.get(teller)!, sums);
    await expect(as(1).postPartialDecryption(zoneAddress, proposalId, ...partialDecryptionCall(partialOf(1))))
      .to.be.revertedWithCustomError(sealedBallots, "SealedWrongProposalState")
      .withArgs(zoneAddress, proposalId, PROPOSAL_STATE.Active);

    // The vote ends: the proposal waits for its tally.
    await time.increaseTo(open.voteEnd);
    expect(await zone.state(proposalId)).to.equal(PROPOSAL_STATE.Tallying);
    await expect(sealedBallots.castSealedVotes(zoneAddress, proposalId, rest)).to.be.revertedWithCustomError(
      sealedBallots,
      "SealedWrongProposalState",
    );

    // Teller 3 first tries teller 1's shares, then shares made with a wrong secret: both refused.
    await expect(as(3).postPartialDecryption(zoneAddress, proposalId, ...partialDecryptionCall(partialOf(1))))
      .to.be.revertedWithCustomError(sealedBallots, "SealedWrongPartialDecryption")
      .withArgs(3n, 0n);
    const forged = partialDecrypt(3, tellersTerm.secretShares.get(3)! + 1n, sums);
    await expect(as(3).postPartialDecryption(zoneAddress, proposalId, ...partialDecryptionCall(forged)))
      .to.be.revertedWithCustomError(sealedBallots, "SealedWrongPartialDecryption")
      .withArgs(3n, 0n);
    // Someone who is not a teller cannot post at all.
    await expect(
      sealedBallots.postPartialDecryption(zoneAddress, proposalId, ...partialDecryptionCall(partialOf(1))),
    ).to.be.revertedWithCustomError(world.tellers, "TellersNotATeller");

    // Tellers 1 and 3 post; teller 2 is offline.
    // Tellers 1 and 3 post with the sdk's teller step; teller 2 is offline.
    const place = { zone: zoneAddress, proposalId };
    const partials: PartialDecryption[] = [];
    for (const teller of [1, 3]) {
      const tellerPlace = { ...place, sealedBallots: as(teller) };
      partials.push(await postPartialDecryption(tellerPlace, teller, tellersTerm.secretShares.get(teller)!));
    }
    await expect(
      as(1).postPartialDecryption(zoneAddress, proposalId, ...partialDecryptionCall(partials[0]!)),
    ).to.be.revertedWithCustomError(sealedBallots, "SealedAlreadyPosted");

    // Anyone opens the counts from the chain's posts, and the chain checks them.
    const posted = await sealedBallots.queryFilter(
      sealedBallots.filters.PartialDecryptionPosted(zoneAddress, proposalId),
    );
    const fromChain = posted.map(({ args }) => partialFromEvent(args));
    const tellerKeys = new Map<number, Point>();
    for (const teller of [1, 2, 3]) {
      const key = await world.tellers.shareKey(zoneAddress, tellersTerm.term, teller);
      tellerKeys.set(teller, [key.x, key.y]);
    }
    const counts = openTally({ sums, partials: fromChain, tellerKeys, threshold: 2, electorate: 8 });
    expect(counts).to.deep.equal([2, 5, 1]);
    const among = [1n, 3n];
    await expect(sealedBallots.completeTally(zoneAddress, proposalId, [2n, 4n, 1n], among))
      .to.be.revertedWithCustomError(sealedBallots, "SealedCountsNotBallots")
      .withArgs(7n, 8n);
    await expect(sealedBallots.completeTally(zoneAddress, proposalId, [3n, 4n, 1n], among))
      .to.be.revertedWithCustomError(sealedBallots, "SealedWrongTally")
      .withArgs(0n);
    await expect(sealedBallots.completeTally(zoneAddress, proposalId, [2n, 5n, 1n], [1n, 2n]))
      .to.be.revertedWithCustomError(sealedBallots, "SealedNoPartialDecryption")
      .withArgs(2n);
    await expect(
      sealedBallots.completeTally(zoneAddress, proposalId, [2n, 5n, 1n], [3n, 1n]),
    ).to.be.revertedWithCustomError(sealedBallots, "SealedWrongTellers");
    await expect(zone.recordSealedTally(proposalId, [0n, 8n, 0n]))
      .to.be.revertedWithCustomError(zone, "ZoneCallerIsNotAModule")
      .withArgs(await world.relayer.getAddress());
    // The sdk's step completes it from the posted shares; the chain checks the counts.
    expect(await completeSealedTally({ ...place, sealedBallots }, world.tellers)).to.deep.equal(counts);
    const [completed] = await sealedBallots.queryFilter(
      sealedBallots.filters.SealedTallyCompleted(zoneAddress, proposalId),
    );
    expect(completed?.args.counts).to.deep.equal([2n, 5n, 1n]);
    expect(completed?.args.tellers).to.deep.equal(among);

    // The zone counts it as any proposal: passed, queued, executed.
    const tallied = await zone.getProposal(proposalId);
    expect(tallied.tally).to.deep.equal([2n, 5n, 1n]);
    expect(tallied.state).to.equal(PROPOSAL_STATE.Succeeded);
    await expect(
      sealedBallots.completeTally(zoneAddress, proposalId, [2n, 5n, 1n], among),
    ).to.be.revertedWithCustomError(sealedBallots, "SealedWrongProposalState");
    await (await zone.queue(proposalId)).wait();
    await time.increaseTo((await zone.getProposal(proposalId)).eta);
    await expect(zone.execute(proposalId, [payment])).to.changeEtherBalance(
      world.chain.ethers,
      world.payee,
      parseEther("1"),
    );
    expect(await zone.state(proposalId)).to.equal(PROPOSAL_STATE.Executed);

    // The verifier gives back its key for off-chain checkers: the development key, as snarkjs has it.
    const verifier = SealedBallotVerifier__factory.connect(await sealedBallots.VERIFIER(), world.relayer);
    const exported = world.key.verificationKey as Record<string, unknown>;
    const readBack = verificationKeyFromWords(await verifier.verificationKey());
    for (const field of ["vk_alpha_1", "vk_beta_2", "vk_gamma_2", "vk_delta_2", "IC", "nPublic"] as const) {
      expect(readBack[field], field).to.deep.equal(exported[field]);
    }
    // With it a ballot's proof verifies off chain for its own signals, and not for another's ciphertexts.
    const signalsOf = (ballot: SealedVote) =>
      sealedVotePublicSignals(ballot, world.chainId, zoneAddress, tellersTerm.publicKey);
    expect(await verifySealedProof(readBack, signalsOf(ballots[0]!), ballots[0]!.points)).to.equal(true);
    const swapped = { ...ballots[0]!, ciphertexts: ballots[2]!.ciphertexts };
    expect(await verifySealedProof(readBack, signalsOf(swapped), ballots[0]!.points)).to.equal(false);

    // The audit, from chain data alone, finds the same sums, proofs and counts, and verifies every
    // ballot's proof again off chain with that key.
    const report = await auditZone(world.chain.ethers.provider, zoneAddress, {
      fromBlock: world.deployment.blockNumber,
    });
    expect(report.checks.filter((check) => !check.ok)).to.deep.equal([]);
    expect(report.checks.find((check) => check.name === "sealed tallies")?.items).to.equal(1);
  });

  it("refuses a sealed proposal whose tellers have no key yet, and one with more options than a ballot has", async function () {
    const world = await loadFixture(elected);
    const { zone } = world;
    // Term 1 is elected but its key generation has not run.
    const election = await electTellersWithoutKey(world);
    await expect(
      proposeWithFreeSlot(world, [[]], "Sealed to tellers without a key", sealedCitizens, election),
    )
      .to.be.revertedWithCustomError(world.sealedBallots, "SealedTellersKeyNotReady")
      .withArgs(election);
    await expect(
      proposeWithFreeSlot(
        world,
        [[], [], [], []],
        "Four options, sealed",
        sealedCitizens,
        world.tellersTerm.term,
      ),
    )
      .to.be.revertedWithCustomError(zone, "ZoneInvalidOptionCount")
      .withArgs(4n);
  });

  it("lets no passed proposal reopen a sealed proposal's box, nor open one ahead of a proposal", async function () {
    const world = await loadFixture(elected);
    const { zone, zoneAddress, sealedBallots, tellersTerm } = world;
    const sealed = await proposeWithFreeSlot(
      world,
      [[]],
      "Sealed: the mill",
      sealedCitizens,
      tellersTerm.term,
    );
    const openBox = (proposalId: bigint): ZoneAction => ({
      target: sealedBallots.target as string,
      value: 0n,
      data: sealedBallots.interface.encodeFunctionData("openBallotBox", [
        proposalId,
        tellersTerm.term,
        3,
        0,
        0,
      ]),
    });
    // The zone's own vote, whose actions call the module as the zone: both refused, and so the execution.
    for (const target of [sealed, sealed + 3n]) {
      const { proposalId, actions } = await queuePassedProposal(
        world,
        [[openBox(target)]],
        `Open box ${target}`,
        {
          voters: sealedCitizens,
        },
      );
      await expect(zone.execute(proposalId, actions)).to.be.revertedWithCustomError(zone, "ZoneActionFailed");
    }
    expect((await sealedBallots.ballotBox(zoneAddress, sealed)).ballots).to.equal(0n);
    await expect(sealedBallots.openBallotBox(sealed, tellersTerm.term, 3, 0, 0))
      .to.be.revertedWithCustomError(sealedBallots, "SealedCallerIsNotAZone")
      .withArgs(await world.relayer.getAddress());
  });
});

/** Elects a second term of tellers and returns its number, leaving its key generation unrun. */
async function electTellersWithoutKey(world: Elected): Promise<bigint> {
  const addresses = await Promise.all((await tellerSigners(2)).map((signer) => signer.getAddress()));
  await passProposal(world, [[electionAction(world, addresses, 2)]], "Elect a second term", {
    voters: sealedCitizens,
  });
  return (await world.tellers.termCount(world.zoneAddress)) - 1n;
}
