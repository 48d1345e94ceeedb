/**
 * Adversarial votes: every field of a valid vote mutated in turn, and a valid vote replayed to
 * another zone, proposal, option or chain. Proofs are made once and reused: each costs about a
 * second. (The seeded random sequence of actions is in random-sequence.test.ts.)
 */
import { expect } from "chai";
import { SNARK_SCALAR_FIELD, VoteOption, proveVote, rebuildGroup } from "../../sdk/index.js";
import {
  alice,
  bob,
  createSecondZone,
  deployZoneWithCitizens,
  loadFixture,
  proposeAs,
  type ZoneWorld,
} from "../../test/zone-fixture.js";
import { BN254_Q, Rejection, asVote, castVote, type Vote } from "./votes.js";

/** Zone A with proposals 1 and 2 open, and zone B (same citizens, same factory) with its proposal 1 open. */
async function twoZones() {
  const world = await deployZoneWithCitizens();
  const second = await createSecondZone(world);
  const first = await proposeAs(world, alice, [[]], "Plant trees on the ridge");
  const other = await proposeAs(world, bob, [[]], "Repair the footbridge");
  const secondFirst = await proposeAs(second, alice, [[]], "Plant trees on the hill");
  return { world, second, first, other, secondFirst };
}

describe("adversarial votes", function () {
  // Made once, replayed on fresh copies of the fixture (same addresses, so same scopes and roots).
  let valid: Vote; // alice, zone A, proposal 1, For, this chain
  let companion: Vote; // bob, the same
  let otherChain: Vote; // alice, zone A, proposal 1, For, chain 1

  before(async function () {
    const { world, first } = await loadFixture(twoZones);
    const group = await rebuildGroup(world.zone, { untilProposal: first });
    const context = { zone: world.zoneAddress, proposalId: first, option: VoteOption.For };
    valid = asVote(await proveVote(alice, group, { ...context, chainId: world.chainId }));
    companion = asVote(await proveVote(bob, group, { ...context, chainId: world.chainId }));
    otherChain = asVote(await proveVote(alice, group, { ...context, chainId: 1n }));
    expect(world.chainId).to.equal(31337n);
  });

  describe("mutated proofs and public inputs", function () {
    type Mutation = {
      name: string;
      mutate: (vote: Vote, ids: { first: bigint; other: bigint }) => Vote;
      /** castVote's custom error and its arguments. */
      error: (vote: Vote) => [string, unknown[]];
      rejection: number;
    };
    const withPoint = (vote: Vote, i: number, value: bigint): Vote => {
      const points = [...vote.points] as Vote["points"];
      points[i] = value;
      return { ...vote, points };
    };
    const invalidProof = () => ["ZoneInvalidProof", []] as [string, unknown[]];
    const mutations: Mutation[] = [
      ...Array.from({ length: 8 }, (_, i): Mutation[] => [
        {
          name: `point ${i} + 1`,
          mutate: (vote) => withPoint(vote, i, (vote.points[i]! + 1n) % BN254_Q),
          error: invalidProof,
          rejection: Rejection.InvalidProof,
        },
        {
          name: `point ${i} replaced by another valid proof's`,
          mutate: (vote) => withPoint(vote, i, companion.points[i]!),
          error: invalidProof,
          rejection: Rejection.InvalidProof,
        },
        {
          name: `point ${i} + q (same point, not canonical)`,
          mutate: (vote) => withPoint(vote, i, vote.points[i]! + BN254_Q),
          error: invalidProof,
          rejection: Rejection.InvalidProof,
        },
      ]).flat(),
      {
        name: "nullifier + 1",
        mutate: (vote) => ({ ...vote, nullifier: vote.nullifier + 1n }),
        error: invalidProof,
        rejection: Rejection.InvalidProof,
      },
      {
        name: "nullifier + r",
        mutate: (vote) => ({ ...vote, nullifier: vote.nullifier + SNARK_SCALAR_FIELD }),
        error: (vote) => ["ZoneFieldElementOutOfRange", [vote.nullifier]],
        rejection: Rejection.NullifierOutOfRange,
      },
      {
        name: "option For -> Against",
        mutate: (vote) => ({ ...vote, option: VoteOption.Against }),
        error: invalidProof,
        rejection: Rejection.InvalidProof,
      },
      {
        name: "option For -> Abstain",
        mutate: (vote) => ({ ...vote, option: VoteOption.Abstain }),
        error: invalidProof,
        rejection: Rejection.InvalidProof,
      },
      {
        name: "option 3 (no such option)",
        mutate: (vote) => ({ ...vote, option: 3 }),
        error: (vote) => ["ZoneInvalidOption", [vote.proposalId, 3n]],
        rejection: Rejection.InvalidOption,
      },
      {
        name: "option For + r",
        mutate: (vote) => ({ ...vote, option: BigInt(vote.option) + SNARK_SCALAR_FIELD }),
        error: (vote) => ["ZoneInvalidOption", [vote.proposalId, vote.option]],
        rejection: Rejection.InvalidOption,
      },
      {
        name: "proposal 1 -> proposal 2 (another open proposal)",
        mutate: (vote, { other }) => ({ ...vote, proposalId: other }),
        error: invalidProof,
        rejection: Rejection.InvalidProof,
      },
      {
        name: "proposal 1 -> proposal 99 (none)",
        mutate: (vote) => ({ ...vote, proposalId: 99n }),
        error: () => ["ZoneUnknownProposal", [99n]],
        rejection: Rejection.UnknownProposal,
      },
    ];

    for (const { name, mutate, error, rejection } of mutations) {
      it(`${name}: castVote reverts, castVotes skips it and counts the valid vote`, async function () {
        const { world, first, other } = await loadFixture(twoZones);
        const bad = mutate(valid, { first, other });
        const [errorName, args] = error(bad);
        await expect(castVote(world.zone, bad))
          .to.be.revertedWithCustomError(world.zone, errorName)
          .withArgs(...args);

        const tx = await world.zone.castVotes([bad, companion]);
        await expect(tx)
          .to.emit(world.zone, "VoteRejected")
          .withArgs(bad.proposalId, bad.nullifier, rejection);
        await expect(tx).to.emit(world.zone, "VoteCast").withArgs(first, VoteOption.For, companion.nullifier);
        expect((await world.zone.getProposal(first)).tally).to.deep.equal([0n, 1n, 0n]);
        expect((await world.zone.getProposal(other)).tally).to.deep.equal([0n, 0n, 0n]);
        expect(await world.zone.isNullifierUsed(bad.nullifier)).to.equal(false);
        // The mutation burnt nothing: the original vote still counts.
        await expect(castVote(world.zone, valid)).to.emit(world.zone, "VoteCast");
        expect((await world.zone.getProposal(first)).tally).to.deep.equal([0n, 2n, 0n]);
      });
    }
  });

  describe("replay matrix", function () {
    type Fixture = Awaited<ReturnType<typeof twoZones>>;
    const replays: { name: string; zone: (f: Fixture) => ZoneWorld; vote: (f: Fixture) => Vote }[] = [
      { name: "to zone B, its proposal 1", zone: (f) => f.second, vote: () => valid },
      {
        name: "to proposal 2 of zone A",
        zone: (f) => f.world,
        vote: (f) => ({ ...valid, proposalId: f.other }),
      },
      {
        name: "with option Against",
        zone: (f) => f.world,
        vote: () => ({ ...valid, option: VoteOption.Against }),
      },
      {
        name: "with option Abstain",
        zone: (f) => f.world,
        vote: () => ({ ...valid, option: VoteOption.Abstain }),
      },
      { name: "made for chain 1, sent on 31337", zone: (f) => f.world, vote: () => otherChain },
    ];

    it("the vote itself counts on (zone A, proposal 1, chain 31337, For)", async function () {
      const { world, first } = await loadFixture(twoZones);
      await expect(castVote(world.zone, valid))
        .to.emit(world.zone, "VoteCast")
        .withArgs(first, VoteOption.For, valid.nullifier);
    });

    for (const { name, zone, vote } of replays) {
      it(`rejects it replayed ${name}`, async function () {
        const fixture = await loadFixture(twoZones);
        const target = zone(fixture).zone;
        const replay = vote(fixture);
        await expect(castVote(target, replay)).to.be.revertedWithCustomError(target, "ZoneInvalidProof");
        await expect(target.castVotes([replay]))
          .to.emit(target, "VoteRejected")
          .withArgs(replay.proposalId, replay.nullifier, Rejection.InvalidProof);
        expect((await target.getProposal(replay.proposalId)).tally).to.deep.equal([0n, 0n, 0n]);
        expect(await target.isNullifierUsed(replay.nullifier)).to.equal(false);
        // Nothing burnt in zone A either: the vote still counts where it was made.
        await expect(castVote(fixture.world.zone, valid)).to.emit(fixture.world.zone, "VoteCast");
      });
    }
  });
});
