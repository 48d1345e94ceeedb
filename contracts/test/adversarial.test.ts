/**
 * Adversarial votes (issue 8, items 2-3): every field of a valid vote mutated in turn, a valid vote
 * replayed to another zone, proposal, option or chain, and invariants under a seeded random
 * sequence of governance actions. Proofs are made once and reused: each costs about a second.
 */
import { expect } from "chai";
import { ZeroAddress, type Signer } from "ethers";
import {
  SNARK_SCALAR_FIELD,
  VoteOption,
  ledgerBalance,
  payEther,
  proveProposal,
  proveVote,
  readLedger,
  rebuildGroup,
  type Group,
  type VoteProof,
  type Zone,
  type ZoneAction,
} from "../../sdk/index.js";
import {
  Identity,
  alice,
  bob,
  citizens,
  createSecondZone,
  deployZoneWithCitizens,
  ethers,
  loadFixture,
  proposeAs,
  time,
  type ZoneWorld,
} from "../../test/zone-fixture.js";

/** IZone.VoteRejection, by name. */
const Rejection = {
  UnknownProposal: 0,
  NotActive: 1,
  InvalidOption: 2,
  NullifierOutOfRange: 3,
  NullifierUsed: 4,
  InvalidProof: 5,
};
/** IZone.ProposalState, by name. */
const State = { Active: 1, Succeeded: 4, Queued: 5, Executed: 7 };
const BN254_Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

interface Vote {
  proposalId: bigint;
  option: bigint | number;
  nullifier: bigint;
  points: VoteProof["points"];
}

const asVote = (proof: VoteProof): Vote => ({
  proposalId: proof.proposalId,
  option: proof.option,
  nullifier: proof.nullifier,
  points: proof.points,
});

const castVote = (zone: Zone, vote: Vote) =>
  zone.castVote(vote.proposalId, vote.option, vote.nullifier, vote.points);

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

/** mulberry32: a small seeded PRNG, so a failing sequence replays exactly. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

const SEED = Number(process.env.ZONEDAO_ADVERSARIAL_SEED ?? 20261125);
const STEPS = 120;
const MAX_PROPOSALS = 5;
const MAX_VOTE_PROOFS = 16;
const MAX_MEMBERS = 7;

/** A zone of the 4 test citizens holding 1 ether, and a block before its creation (for event queries). */
async function fundedZone() {
  const fromBlock = await ethers.provider.getBlockNumber();
  const world = await deployZoneWithCitizens();
  await (
    await world.deployer.sendTransaction({ to: world.zoneAddress, value: ethers.parseEther("1") })
  ).wait();
  return { world, fromBlock };
}

describe("invariants under a random sequence of actions", function () {
  it(`hold after every step (seed ${SEED})`, async function () {
    const { world, fromBlock } = await loadFixture(fundedZone);
    const { zone } = world;
    const random = prng(SEED);
    const signers: Signer[] = await ethers.getSigners();
    const members: Identity[] = [...citizens];
    const usedProposalSlots = new Set<string>();
    /** Per proposal: its snapshot members, its snapshot group (once needed), and the model tally. */
    const proposals = new Map<
      bigint,
      { voters: Identity[]; group?: Group; tally: bigint[]; actions: ZoneAction[] }
    >();
    const proofs = new Map<string, Vote>(); // `${proposalId}:${voterIndex}` -> its valid vote
    const counted = new Set<bigint>(); // nullifiers the model expects used
    const executed = new Set<bigint>();
    const forgedNullifiers: bigint[] = [];
    const log: string[] = [];

    const stateOf = async (id: bigint) => Number(await zone.state(id));

    async function checkInvariants(step: number) {
      const where = `step ${step} (seed ${SEED}): ${log.at(-1)}`;
      let total = 0n;
      for (const [id, model] of proposals) {
        const { tally } = await zone.getProposal(id);
        expect([...tally], `tally of ${id} at ${where}`).to.deep.equal(model.tally);
        total += tally.reduce((a, b) => a + b, 0n);
      }
      const events = await zone.queryFilter(zone.filters.VoteCast(), fromBlock);
      let used = 0n;
      for (const vote of proofs.values()) if (await zone.isNullifierUsed(vote.nullifier)) used++;
      expect(BigInt(events.length), `VoteCast events at ${where}`).to.equal(total);
      expect(used, `used vote nullifiers at ${where}`).to.equal(total);
      for (const nullifier of forgedNullifiers)
        expect(await zone.isNullifierUsed(nullifier), where).to.equal(false);
      expect(BigInt(counted.size), `model's count at ${where}`).to.equal(total);
      const ledger = ledgerBalance(await readLedger(zone, { fromBlock }), ZeroAddress);
      expect(await ethers.provider.getBalance(world.zoneAddress), `ether vs ledger at ${where}`).to.equal(
        ledger,
      );
      for (const id of executed)
        expect(await stateOf(id), `executed ${id} at ${where}`).to.equal(State.Executed);
    }

    const actions: Record<string, () => Promise<void>> = {
      async addMember() {
        if (members.length >= MAX_MEMBERS) return void log.push("addMember: cap reached");
        const newcomer = new Identity(`zonedao-adversarial-newcomer-${members.length}`);
        await (await zone.connect(world.registrar).addMember(newcomer.commitment)).wait();
        members.push(newcomer);
        log.push(`addMember #${members.length - 1}`);
      },
      async deposit() {
        const value = BigInt(1 + random.int(1e9));
        await (
          await random.pick(signers.slice(3, 8)).sendTransaction({ to: world.zoneAddress, value })
        ).wait();
        log.push(`deposit ${value}`);
      },
      async propose() {
        if (proposals.size >= MAX_PROPOSALS) return void log.push("propose: cap reached");
        const epoch = await zone.currentProposalEpoch();
        const author = random.int(members.length);
        const slot = [0n, 1n].find((s) => !usedProposalSlots.has(`${epoch}:${author}:${s}`));
        if (slot === undefined) return void log.push("propose: author has no slot left");
        const payee = await random.pick(signers.slice(8, 12)).getAddress();
        const options = random.next() < 0.7 ? [[payEther(payee, BigInt(1 + random.int(1e12)))]] : [[]];
        const proof = await proveProposal(members[author]!, await rebuildGroup(zone), {
          chainId: world.chainId,
          zone: world.zoneAddress,
          epoch,
          slot,
          options,
          description: `random proposal ${proposals.size + 1}`,
        });
        await (await zone.propose(options, `random proposal ${proposals.size + 1}`, proof)).wait();
        usedProposalSlots.add(`${epoch}:${author}:${slot}`);
        const id = await zone.proposalCount();
        proposals.set(id, { voters: [...members], tally: [0n, 0n, 0n], actions: options[0]! });
        log.push(`propose ${id} by #${author} (${options[0]!.length ? "pays" : "no action"})`);
      },
      async vote() {
        const active = [];
        for (const id of proposals.keys()) if ((await stateOf(id)) === State.Active) active.push(id);
        if (active.length === 0 || (proofs.size > 0 && random.next() < 0.2)) {
          // Replay a known proof somewhere, maybe where it is valid and unused.
          if (proofs.size === 0) return void log.push("vote: nothing to replay");
          const vote = random.pick([...proofs.values()]);
          const target = random.next() < 0.5 ? vote.proposalId : random.pick([...proposals.keys()]);
          return submit({ ...vote, proposalId: target }, `replay ${vote.proposalId}->${target}`);
        }
        const id = random.pick(active);
        const model = proposals.get(id)!;
        const voter = random.int(model.voters.length);
        const key = `${id}:${voter}`;
        let vote = proofs.get(key);
        if (!vote) {
          if (proofs.size >= MAX_VOTE_PROOFS) return void log.push("vote: proof cap reached");
          model.group ??= await rebuildGroup(zone, { untilProposal: id });
          const roll = random.next(); // mostly For, so some proposals pass and execute
          const option = roll < 0.7 ? VoteOption.For : roll < 0.9 ? VoteOption.Against : VoteOption.Abstain;
          const context = { chainId: world.chainId, zone: world.zoneAddress, proposalId: id, option };
          vote = asVote(await proveVote(model.voters[voter]!, model.group, context));
          proofs.set(key, vote);
        }
        return submit(vote, `vote ${id} by #${voter}`);
      },
      async queue() {
        for (const id of proposals.keys()) {
          if ((await stateOf(id)) === State.Succeeded) {
            await (await zone.queue(id)).wait();
            return void log.push(`queue ${id}`);
          }
        }
        log.push("queue: none succeeded");
      },
      async execute() {
        for (const [id, model] of proposals) {
          if ((await stateOf(id)) !== State.Queued) continue;
          const { eta } = await zone.getProposal(id);
          if (BigInt(await time.latest()) + 1n < eta) {
            await expect(zone.execute(id, model.actions)).to.be.revertedWithCustomError(
              zone,
              "ZoneTimelockNotOver",
            );
            continue;
          }
          await (await zone.execute(id, model.actions)).wait();
          executed.add(id);
          await expect(zone.execute(id, model.actions))
            .to.be.revertedWithCustomError(zone, "ZoneUnexpectedProposalState")
            .withArgs(id, State.Executed);
          return void log.push(`execute ${id}`);
        }
        log.push("execute: none ready");
      },
      async timeJump() {
        const seconds = random.pick([60, 300, 600, 900, 1200, 1800, 3600, 86_400]);
        await time.increase(seconds);
        log.push(`time +${seconds}`);
      },
    };

    /** Submits a vote alone or in a batch with a forged copy, and checks it counted iff the model says so. */
    async function submit(vote: Vote, what: string) {
      const model = proposals.get(vote.proposalId)!;
      const own = [...proofs.values()].some(
        (p) => p.nullifier === vote.nullifier && p.proposalId === vote.proposalId,
      );
      const active = (await stateOf(vote.proposalId)) === State.Active;
      const shouldCount = own && !counted.has(vote.nullifier) && active;
      if (random.next() < 0.5) {
        const tx = castVote(zone, vote);
        if (shouldCount) await (await tx).wait();
        else {
          const error = !active
            ? "ZoneUnexpectedProposalState"
            : counted.has(vote.nullifier)
              ? "ZoneNullifierAlreadyUsed"
              : "ZoneInvalidProof";
          await expect(tx, what).to.be.revertedWithCustomError(zone, error);
        }
      } else {
        // A forged vote beside it, before or after, under another nullifier or under its own: a
        // forged copy must neither count nor keep the valid vote from counting.
        const sameNullifier = random.next() < 0.5;
        const forged = {
          ...vote,
          nullifier: sameNullifier ? vote.nullifier : vote.nullifier + 1n,
          points: [...vote.points] as Vote["points"],
        };
        forged.points[7] = (forged.points[7] + 1n) % BN254_Q;
        if (!sameNullifier) forgedNullifiers.push(forged.nullifier);
        const batch = random.next() < 0.5 ? [forged, vote] : [vote, forged];
        const receipt = await (await zone.castVotes(batch)).wait();
        const casts = receipt!.logs.filter(
          (l) => l.topics[0] === zone.interface.getEvent("VoteCast").topicHash,
        );
        expect(casts.length, what).to.equal(shouldCount ? 1 : 0);
      }
      if (shouldCount) {
        counted.add(vote.nullifier);
        model.tally[Number(vote.option)]! += 1n;
      }
      log.push(`${what}: ${shouldCount ? "counted" : "rejected"}`);
    }

    const weighted: [string, number][] = [
      ["addMember", 1],
      ["deposit", 1],
      ["propose", 2],
      ["vote", 5],
      ["queue", 3],
      ["execute", 3],
      ["timeJump", 2],
    ];
    const totalWeight = weighted.reduce((sum, [, w]) => sum + w, 0);
    const started = Date.now();
    for (let step = 0; step < STEPS; step++) {
      let roll = random.int(totalWeight);
      const [name] = weighted.find(([, w]) => (roll -= w) < 0)!;
      await actions[name]!();
      await checkInvariants(step);
    }
    console.log(
      `      ${STEPS} steps in ${((Date.now() - started) / 1000).toFixed(1)} s: ${proposals.size} proposals, ` +
        `${proofs.size} vote proofs, ${counted.size} votes counted, ${executed.size} executed`,
    );
    console.log(`      ${log.join("; ")}`);
  });
});
