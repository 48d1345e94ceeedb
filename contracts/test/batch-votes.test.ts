import { expect } from "chai";
import { AbiCoder, keccak256 } from "ethers";
import {
  SNARK_SCALAR_FIELD,
  VoteOption,
  proveVote,
  rebuildGroup,
  semaphoreHash,
  voteScope,
  type Group,
  type VoteProof,
} from "../../sdk/index.js";
import { Identity, ethers, loadFixture, type ZoneWorld } from "../../test/zone-fixture.js";
import { BN254_Q, Rejection, asVote, zoneWithTwoDepths } from "./votes.js";

const VOTERS = Array.from({ length: 64 }, (_, i) => new Identity(`zonedao-batch-voter-${i}`));
const LATECOMERS = Array.from({ length: 2 }, (_, i) => new Identity(`zonedao-batch-latecomer-${i}`));

/** 64 citizens with proposal 1 open (depth 6); then 2 more citizens and proposal 2 (depth 7). */
const zoneWithTwoProposals = () => zoneWithTwoDepths(VOTERS, LATECOMERS);

type World = ZoneWorld & { first: bigint; second: bigint };

describe("castVotes", function () {
  // Proofs are made once (about a second each) and replayed on a fresh fixture by every test: the
  // fixture deploys to the same addresses, so scopes and roots are the same.
  let firstVotes: VoteProof[];
  let secondVotes: VoteProof[];
  let firstGroup: Group;
  /** VOTERS[0] on proposal 1 again, for Against: a second valid proof under the same nullifier. */
  let againstVote: VoteProof;

  before(async function () {
    // 67 proofs: about a second each here, and a slower or busier machine must not fail for it.
    this.timeout((VOTERS.length + LATECOMERS.length + 1) * 5_000 + 60_000);
    const world = await loadFixture(zoneWithTwoProposals);
    firstGroup = await rebuildGroup(world.zone, { untilProposal: world.first });
    const secondGroup = await rebuildGroup(world.zone, { untilProposal: world.second });
    const context = { chainId: world.chainId, zone: world.zoneAddress };
    firstVotes = [];
    for (const voter of VOTERS) {
      firstVotes.push(
        await proveVote(voter, firstGroup, { ...context, proposalId: world.first, option: VoteOption.For }),
      );
    }
    againstVote = await proveVote(VOTERS[0]!, firstGroup, {
      ...context,
      proposalId: world.first,
      option: VoteOption.Against,
    });
    secondVotes = [];
    for (const [i, voter] of [...LATECOMERS, VOTERS[2]!].entries()) {
      secondVotes.push(
        await proveVote(voter, secondGroup, { ...context, proposalId: world.second, option: i % 2 }),
      );
    }
  });

  for (const size of [1, 2, 16, 64]) {
    it(`counts a batch of ${size} real proofs`, async function () {
      const world = await loadFixture(zoneWithTwoProposals);
      const receipt = await (await world.zone.castVotes(firstVotes.slice(0, size).map(asVote))).wait();
      console.log(`      gas: castVotes(${size}) ${receipt!.gasUsed / BigInt(size)} per vote`);
      expect((await world.zone.getProposal(world.first)).tally).to.deep.equal([0n, BigInt(size), 0n]);
      for (const vote of firstVotes.slice(0, size)) {
        expect(await world.zone.isNullifierUsed(vote.nullifier)).to.equal(true);
      }
      // TEST_RULES refund no relayer: nothing is owed (relayer-refunds.test.ts covers refunds).
      expect(await world.zone.relayerCredit(await world.relayer.getAddress())).to.equal(0n);
    });
  }

  it("skips a forged proof and counts the honest ones", async function () {
    const world = await loadFixture(zoneWithTwoProposals);
    const batch = firstVotes.slice(0, 16).map(asVote);
    const forged = batch[5]!;
    forged.points = [...forged.points];
    forged.points[7] = (forged.points[7] + 1n) % BN254_Q; // C no longer on the curve
    await expect(world.zone.castVotes(batch))
      .to.emit(world.zone, "VoteRejected")
      .withArgs(world.first, forged.nullifier, Rejection.InvalidProof);
    expect((await world.zone.getProposal(world.first)).tally[1]).to.equal(15n);
    expect(await world.zone.isNullifierUsed(forged.nullifier)).to.equal(false);
  });

  it("skips a nullifier repeated inside the batch and one already used on chain", async function () {
    const world = await loadFixture(zoneWithTwoProposals);
    await (await world.zone.castVotes([asVote(firstVotes[0]!)])).wait();
    const batch = [firstVotes[0]!, firstVotes[1]!, firstVotes[2]!, firstVotes[1]!].map(asVote);
    const tx = await world.zone.castVotes(batch);
    await expect(tx)
      .to.emit(world.zone, "VoteRejected")
      .withArgs(world.first, firstVotes[0]!.nullifier, Rejection.NullifierUsed);
    await expect(tx)
      .to.emit(world.zone, "VoteRejected")
      .withArgs(world.first, firstVotes[1]!.nullifier, Rejection.NullifierUsed);
    expect((await world.zone.getProposal(world.first)).tally[1]).to.equal(3n);
  });

  describe("a nullifier repeated in the batch", function () {
    /** A copy of `vote` under the same nullifier whose proof fails (C no longer on the curve). */
    const forgedCopy = (vote: VoteProof) => {
      const forged = asVote(vote);
      forged.points = [...forged.points];
      forged.points[7] = (forged.points[7] + 1n) % BN254_Q;
      return forged;
    };
    const castWatching = async (world: World, batch: ReturnType<typeof asVote>[]) => {
      const counted = await world.zone.castVotes.staticCall(batch);
      const receipt = await (await world.zone.castVotes(batch)).wait();
      const events = receipt!.logs
        .map((log) => world.zone.interface.parseLog(log))
        .filter((event) => event?.name === "VoteCast" || event?.name === "VoteRejected")
        .map((event): unknown[] => [event!.name, ...(event!.args.toArray() as unknown[])]);
      return { counted, events };
    };

    it("counts the valid vote after a forged copy placed first", async function () {
      const world = await loadFixture(zoneWithTwoProposals);
      const valid = firstVotes[0]!;
      const { counted, events } = await castWatching(world, [forgedCopy(valid), asVote(valid)]);
      expect(counted).to.equal(1n);
      expect(events).to.deep.equal([
        ["VoteRejected", world.first, valid.nullifier, BigInt(Rejection.InvalidProof)],
        ["VoteCast", world.first, BigInt(VoteOption.For), valid.nullifier],
      ]);
      expect((await world.zone.getProposal(world.first)).tally[1]).to.equal(1n);
      expect(await world.zone.isNullifierUsed(valid.nullifier)).to.equal(true);
    });

    it("counts the valid vote before a forged copy, and rejects the copy as an invalid proof", async function () {
      const world = await loadFixture(zoneWithTwoProposals);
      const valid = firstVotes[0]!;
      const { counted, events } = await castWatching(world, [asVote(valid), forgedCopy(valid)]);
      expect(counted).to.equal(1n);
      expect(events).to.deep.equal([
        ["VoteCast", world.first, BigInt(VoteOption.For), valid.nullifier],
        ["VoteRejected", world.first, valid.nullifier, BigInt(Rejection.InvalidProof)],
      ]);
      expect((await world.zone.getProposal(world.first)).tally[1]).to.equal(1n);
    });

    it("counts only the first of two valid proofs for different options", async function () {
      const world = await loadFixture(zoneWithTwoProposals);
      const forOption = firstVotes[0]!;
      expect(againstVote.nullifier).to.equal(forOption.nullifier);
      const { counted, events } = await castWatching(world, [asVote(againstVote), asVote(forOption)]);
      expect(counted).to.equal(1n);
      expect(events).to.deep.equal([
        ["VoteCast", world.first, BigInt(VoteOption.Against), againstVote.nullifier],
        ["VoteRejected", world.first, forOption.nullifier, BigInt(Rejection.NullifierUsed)],
      ]);
      expect((await world.zone.getProposal(world.first)).tally).to.deep.equal([1n, 0n, 0n]);
    });

    it("counts exactly the first valid copy among forged and valid copies, beside other votes", async function () {
      const world = await loadFixture(zoneWithTwoProposals);
      const [valid, other] = [firstVotes[0]!, firstVotes[1]!];
      const batch = [
        forgedCopy(valid),
        asVote(other),
        asVote(valid),
        forgedCopy(valid),
        asVote(againstVote),
        asVote(valid),
      ];
      const { counted, events } = await castWatching(world, batch);
      expect(counted).to.equal(2n);
      const [invalid, used] = [BigInt(Rejection.InvalidProof), BigInt(Rejection.NullifierUsed)];
      expect(events).to.deep.equal([
        ["VoteRejected", world.first, valid.nullifier, invalid],
        ["VoteCast", world.first, BigInt(VoteOption.For), other.nullifier],
        ["VoteCast", world.first, BigInt(VoteOption.For), valid.nullifier],
        ["VoteRejected", world.first, valid.nullifier, invalid],
        ["VoteRejected", world.first, valid.nullifier, used],
        ["VoteRejected", world.first, valid.nullifier, used],
      ]);
      expect((await world.zone.getProposal(world.first)).tally).to.deep.equal([0n, 2n, 0n]);
    });

    it("rejects every copy of a nullifier used before the batch, valid or forged, without verifying them", async function () {
      const world = await loadFixture(zoneWithTwoProposals);
      const valid = firstVotes[0]!;
      await (await world.zone.castVotes([asVote(valid)])).wait();
      const batch = [forgedCopy(valid), asVote(againstVote), asVote(valid)];
      const { counted, events } = await castWatching(world, batch);
      expect(counted).to.equal(0n);
      const used = BigInt(Rejection.NullifierUsed);
      expect(events).to.deep.equal(batch.map(() => ["VoteRejected", world.first, valid.nullifier, used]));
      expect((await world.zone.getProposal(world.first)).tally).to.deep.equal([0n, 1n, 0n]);
    });
  });

  it("skips a nullifier or option shifted by the field modulus, a wrong option and an unknown proposal", async function () {
    const world = await loadFixture(zoneWithTwoProposals);
    const [a, b, c, d, e] = firstVotes.map(asVote) as [
      ReturnType<typeof asVote>,
      ReturnType<typeof asVote>,
      ReturnType<typeof asVote>,
      ReturnType<typeof asVote>,
      ReturnType<typeof asVote>,
    ];
    const batch = [
      { ...a, nullifier: a.nullifier + SNARK_SCALAR_FIELD },
      { ...b, option: BigInt(b.option) + SNARK_SCALAR_FIELD },
      { ...c, option: 3 },
      { ...d, proposalId: 99n },
      e,
    ];
    const tx = await world.zone.castVotes(batch);
    await expect(tx)
      .to.emit(world.zone, "VoteRejected")
      .withArgs(world.first, a.nullifier + SNARK_SCALAR_FIELD, Rejection.NullifierOutOfRange);
    await expect(tx)
      .to.emit(world.zone, "VoteRejected")
      .withArgs(world.first, b.nullifier, Rejection.InvalidOption);
    await expect(tx)
      .to.emit(world.zone, "VoteRejected")
      .withArgs(world.first, c.nullifier, Rejection.InvalidOption);
    await expect(tx)
      .to.emit(world.zone, "VoteRejected")
      .withArgs(99n, d.nullifier, Rejection.UnknownProposal);
    expect((await world.zone.getProposal(world.first)).tally[1]).to.equal(1n);
  });

  it("counts votes for proposals of different snapshot depths in one batch", async function () {
    const world = await loadFixture(zoneWithTwoProposals);
    const [first, second] = await Promise.all([
      world.zone.getProposal(world.first),
      world.zone.getProposal(world.second),
    ]);
    expect([first.snapshotDepth, second.snapshotDepth]).to.deep.equal([6n, 7n]);
    const batch = [...firstVotes.slice(0, 3), ...secondVotes].map(asVote);
    await expect(world.zone.castVotes(batch)).not.to.emit(world.zone, "VoteRejected");
    expect((await world.zone.getProposal(world.first)).tally[1]).to.equal(3n);
    expect((await world.zone.getProposal(world.second)).tally).to.deep.equal([2n, 1n]);
  });

  it("cannot be fooled by invalid proofs tuned to cancel out under the batch weights", async function () {
    const world = await loadFixture(zoneWithTwoProposals);
    // An attacker shifts C of two valid proofs by +x D and -y D. The batch sum cancels iff
    // w1 x = w2 y for the batch's weights w; here x and y are tuned to the weights of the
    // untampered batch, which is all anyone can know before choosing the proofs.
    const [one, two] = [asVote(firstVotes[0]!), asVote(firstVotes[1]!)];
    const weights = batchWeights([one, two], world, firstGroup);
    const shiftOne = await ecMul(1n, 2n, weights[1]!);
    const shiftTwo = await ecMul(1n, 2n, SNARK_SCALAR_FIELD - weights[0]!);
    const tampered = [
      { ...one, points: withC(one.points, await ecAdd(one.points[6], one.points[7], ...shiftOne)) },
      { ...two, points: withC(two.points, await ecAdd(two.points[6], two.points[7], ...shiftTwo)) },
    ];
    const tx = await world.zone.castVotes(tampered);
    await expect(tx)
      .to.emit(world.zone, "VoteRejected")
      .withArgs(world.first, one.nullifier, Rejection.InvalidProof);
    await expect(tx)
      .to.emit(world.zone, "VoteRejected")
      .withArgs(world.first, two.nullifier, Rejection.InvalidProof);
    expect((await world.zone.getProposal(world.first)).tally[1]).to.equal(0n);
  });
});

/**
 * The weights SemaphoreBatchVerifier would give these votes: keccak256(seed, i) mod r, where the
 * seed is keccak256 of the packed batch (points, root, nullifier, hash(option), hash(scope), depth).
 */
function batchWeights(votes: ReturnType<typeof asVote>[], world: World, group: Group): bigint[] {
  const abi = AbiCoder.defaultAbiCoder();
  const packed = votes.flatMap((vote) => [
    ...vote.points,
    group.root,
    vote.nullifier,
    semaphoreHash(BigInt(vote.option)),
    semaphoreHash(voteScope(world.chainId, world.zoneAddress, vote.proposalId)),
    BigInt(Math.max(1, group.depth)),
  ]);
  const seed = keccak256(
    abi.encode(
      packed.map(() => "uint256"),
      packed,
    ),
  );
  return votes.map(
    (_, i) => BigInt(keccak256(abi.encode(["bytes32", "uint256"], [seed, i]))) % SNARK_SCALAR_FIELD,
  );
}

function withC(points: VoteProof["points"], [x, y]: [bigint, bigint]): VoteProof["points"] {
  const copy = [...points] as VoteProof["points"];
  copy[6] = x;
  copy[7] = y;
  return copy;
}

async function ecMul(x: bigint, y: bigint, scalar: bigint): Promise<[bigint, bigint]> {
  return precompile(7, [x, y, scalar]);
}

async function ecAdd(x1: bigint, y1: bigint, x2: bigint, y2: bigint): Promise<[bigint, bigint]> {
  return precompile(6, [x1, y1, x2, y2]);
}

/** Elliptic-curve arithmetic through the chain's own precompiles, so the test needs no curve library. */
async function precompile(address: number, words: bigint[]): Promise<[bigint, bigint]> {
  const abi = AbiCoder.defaultAbiCoder();
  const result = await ethers.provider.call({
    to: `0x${address.toString(16).padStart(40, "0")}`,
    data: abi.encode(
      words.map(() => "uint256"),
      words,
    ),
  });
  const [x, y] = abi.decode(["uint256", "uint256"], result) as unknown as [bigint, bigint];
  return [x, y];
}
