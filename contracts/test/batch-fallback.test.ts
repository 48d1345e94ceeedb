import { expect } from "chai";
import {
  proveVote,
  rebuildGroup,
  semaphoreHash,
  voteScope,
  VoteOption,
  type VoteProof,
} from "../../sdk/index.js";
import {
  RepricedAdditionVerifier__factory,
  RepricedMultiplicationVerifier__factory,
  RepricedPairingVerifier__factory,
  SemaphoreBatchVerifier__factory,
} from "../../types/ethers-contracts/index.js";
import { Identity, ethers, loadFixture, type ZoneWorld } from "../../test/zone-fixture.js";
import { Rejection, asVote, zoneWithTwoDepths, type Vote } from "./votes.js";

const VOTERS = Array.from({ length: 64 }, (_, i) => new Identity(`zonedao-fallback-voter-${i}`));
const LATECOMERS = Array.from({ length: 2 }, (_, i) => new Identity(`zonedao-fallback-latecomer-${i}`));
/** EIP-7825's cap on a transaction's gas, which Hardhat's network enforces (Osaka). */
const GAS_CAP = 1n << 24n;

/** 64 citizens with proposal 1 open (depth 6); then 2 more citizens and proposal 2 (depth 7). */
const twoDepths = () => zoneWithTwoDepths(VOTERS, LATECOMERS);

type World = ZoneWorld & { first: bigint; second: bigint };

interface Outcome {
  counted: Set<bigint>;
  rejected: Map<bigint, number>;
  gasUsed: bigint;
}

async function cast(world: World, batch: Vote[], gasLimit = GAS_CAP): Promise<Outcome> {
  const receipt = await (await world.zone.castVotes(batch, { gasLimit })).wait();
  const outcome: Outcome = { counted: new Set(), rejected: new Map(), gasUsed: receipt!.gasUsed };
  for (const log of receipt!.logs) {
    const event = world.zone.interface.parseLog(log);
    if (event?.name === "VoteCast") outcome.counted.add(event.args.nullifier as bigint);
    if (event?.name === "VoteRejected")
      outcome.rejected.set(event.args.nullifier as bigint, Number(event.args.reason));
  }
  return outcome;
}

describe("castVotes with invalid proofs", function () {
  /** VOTERS' votes on proposal 1 (depth 6) and on proposal 2 (depth 7). */
  let first: VoteProof[];
  let second: VoteProof[];

  before(async function () {
    // Two proofs per voter, ~0.6 s each here: generous for a busy machine.
    this.timeout(2 * VOTERS.length * 5_000 + 60_000);
    const world = await loadFixture(twoDepths);
    const context = { chainId: world.chainId, zone: world.zoneAddress };
    const firstGroup = await rebuildGroup(world.zone, { untilProposal: world.first });
    const secondGroup = await rebuildGroup(world.zone, { untilProposal: world.second });
    first = [];
    second = [];
    for (const [i, voter] of VOTERS.entries()) {
      first.push(
        await proveVote(voter, firstGroup, { ...context, proposalId: world.first, option: VoteOption.For }),
      );
      second.push(
        await proveVote(voter, secondGroup, { ...context, proposalId: world.second, option: i % 2 }),
      );
    }
  });

  /** The votes, with those at `bad` given another vote's (valid, on-curve) points. */
  function batchWithBad(votes: VoteProof[], bad: number[]): Vote[] {
    return votes.map((vote, i) =>
      bad.includes(i) ? { ...asVote(vote), points: votes[(i + 1) % votes.length]!.points } : asVote(vote),
    );
  }

  // Mixed depths (6 and 7), two proposals; 128 is the relayer's largest batch, tested in 8 parts of
  // 16. The relayer sends a batch grouped by proposal (so each part is of one depth); `interleaved`
  // alternates the proposals, as another submitter might. `exact`: the search decides every vote
  // within the cap. Otherwise some votes may come back Unverified (never counted, never called
  // invalid) and the relayer sends them again, grouped and smaller. [7, 87] and [0, 7] are where the
  // search costs most (found by simulating its cost model over every position).
  const cases: {
    size: 64 | 128;
    bad: (size: number) => number[];
    what: string;
    exact: boolean;
    interleaved?: boolean;
  }[] = [
    { size: 64, bad: () => [], what: "no", exact: true },
    { size: 64, bad: () => [5], what: "1", exact: true },
    { size: 64, bad: () => [5, 40], what: "2", exact: true },
    { size: 64, bad: (size) => [...Array(size).keys()], what: "all", exact: false },
    { size: 128, bad: () => [], what: "no", exact: true },
    { size: 128, bad: () => [70], what: "1", exact: true },
    { size: 128, bad: () => [5, 70], what: "2 (in two parts)", exact: true },
    { size: 128, bad: () => [7, 87], what: "2 (in two parts, costliest places)", exact: true },
    { size: 128, bad: () => [0, 7], what: "2 (in one part, costliest places)", exact: true },
    { size: 128, bad: () => [1, 9], what: "2 (proposals interleaved)", exact: false, interleaved: true },
    { size: 128, bad: (size) => [...Array(size).keys()], what: "all", exact: false },
  ];
  for (const { size, bad, what, exact, interleaved } of cases) {
    it(`castVotes(${size}) with ${what} bad proofs fits under 2^24 gas and counts only valid votes`, async function () {
      const world = await loadFixture(twoDepths);
      const votes = interleaved
        ? first.slice(0, size / 2).flatMap((vote, i) => [vote, second[i]!])
        : [...first.slice(0, size / 2), ...second.slice(0, size / 2)];
      const badAt = bad(size);
      const batch = batchWithBad(votes, badAt);
      const outcome = await cast(world, batch);
      const unverified = [...outcome.rejected.values()].filter((r) => r === Rejection.Unverified).length;
      console.log(
        `      gas ${outcome.gasUsed} (${outcome.gasUsed / BigInt(size)} per vote); counted ${outcome.counted.size}, unverified ${unverified}`,
      );
      expect(outcome.gasUsed <= GAS_CAP).to.equal(true);
      for (const [i, vote] of batch.entries()) {
        const rejection = outcome.rejected.get(vote.nullifier);
        if (badAt.includes(i)) {
          expect(outcome.counted.has(vote.nullifier), `bad vote ${i} counted`).to.equal(false);
          expect([Rejection.InvalidProof, Rejection.Unverified]).to.include(rejection);
        } else {
          expect(rejection, `valid vote ${i}`).to.equal(
            outcome.counted.has(vote.nullifier) ? undefined : Rejection.Unverified,
          );
        }
      }
      if (exact) {
        expect(unverified).to.equal(0);
        expect(outcome.counted.size).to.equal(size - badAt.length);
      }
    });
  }

  it("never calls a valid vote invalid for want of gas: a starved batch reverts whole", async function () {
    const world = await loadFixture(twoDepths);
    const batch = batchWithBad([...first.slice(0, 8), ...second.slice(0, 8)], [3]);
    const needed = await world.zone.castVotes.estimateGas(batch);
    // From far too little to just enough: every limit either reverts or gives the same verdicts.
    let reverted = 0;
    for (const percent of [40n, 55n, 70n, 80n, 90n, 95n, 100n, 120n]) {
      const limited = await loadFixture(twoDepths);
      const outcome = await cast(limited, batch, (needed * percent) / 100n).catch(() => undefined);
      if (outcome === undefined) {
        expect(percent < 100n, `reverted at ${percent}% of the estimate`).to.equal(true);
        ++reverted;
        continue;
      }
      expect(outcome.counted.size, `counted at ${percent}%`).to.equal(15);
      expect([...outcome.rejected.values()]).to.deep.equal([Rejection.InvalidProof]);
    }
    expect(reverted, "some limits were too low").to.be.greaterThan(0);
  });

  const repricings = [
    [6n, "addition", RepricedAdditionVerifier__factory],
    [7n, "multiplication", RepricedMultiplicationVerifier__factory],
    [8n, "pairing", RepricedPairingVerifier__factory],
  ] as const;
  for (const [precompile, name, Repriced] of repricings) {
    it(`reverts, never calling a valid vote invalid, if the chain prices the ${name} above its allowance`, async function () {
      const world = await loadFixture(twoDepths);
      const [signer] = await ethers.getSigners();
      const packed = [...first.slice(0, 2), ...second.slice(0, 2)].flatMap((vote) => [
        ...vote.points,
        vote.merkleTreeRoot,
        vote.nullifier,
        semaphoreHash(BigInt(vote.option)),
        semaphoreHash(voteScope(world.chainId, world.zoneAddress, vote.proposalId)),
        BigInt(vote.merkleTreeDepth),
      ]);
      const budget = [15_000_000n, 15_000_000n, { gasLimit: GAS_CAP }] as const;
      const actual = await (await new SemaphoreBatchVerifier__factory(signer).deploy()).waitForDeployment();
      expect(await actual.verifyBatch(packed, ...budget), "all valid at today's prices").to.deep.equal([]);
      const repriced = await (await new Repriced(signer).deploy()).waitForDeployment();
      await expect(repriced.verifyBatch(packed, ...budget))
        .to.be.revertedWithCustomError(repriced, "BatchVerifierAllowanceTooLow")
        .withArgs(precompile);
    });
  }
});
