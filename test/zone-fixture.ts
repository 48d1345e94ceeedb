/**
 * Shared set-up for tests that need a deployed ZoneDAO with citizens: a real Hardhat chain, the
 * official Semaphore verifier, and identities whose proofs are made with the official artifacts.
 */
import type { Signer } from "ethers";
import { network } from "hardhat";
import {
  rulesWith,
  addMembers,
  admissionsOf,
  requestAdmissions,
  Group,
  Identity,
  createZone,
  deployZoneDao,
  proveProposal,
  executableActions,
  freeProposalSlot,
  usedProposalNullifiers,
  proveVote,
  rebuildGroup,
  zoneAt,
  zoneFactoryAt,
  type Zone,
  type DeployOptions,
  type ZoneAction,
  type ZoneDaoDeployment,
  type ZoneFactory,
  type ZoneRules,
} from "../sdk/index.js";

/** The chain most tests share. A test that needs a chain of its own passes one (`on`) instead. */
export const connection = await network.getOrCreate();
export const { ethers, networkHelpers } = connection;
/** A Hardhat chain, as the fixtures use it. */
export type Chain = Pick<typeof connection, "ethers" | "networkHelpers">;
/** What each fixture function given to loadFixture runs as: the same function object every time. */
const fromEpochStart = new Map<() => Promise<unknown>, () => Promise<unknown>>();

/**
 * networkHelpers.loadFixture, for tests to call on its own: the first call runs `fixture` on the
 * shared chain and snapshots it, later calls restore the snapshot. Every fixture starts at the first
 * second of a proposal epoch (of TEST_RULES): the chain's clock starts from the wall clock, so an
 * epoch would otherwise end at another moment of each run, and a test that proposes twice could
 * find its proposal slots renewed in between on one day and not on another. Give it a function of
 * no arguments (it is called with the network connection), never deployEmptyZone(rules) itself.
 */
export function loadFixture<T>(fixture: () => Promise<T>): Promise<T> {
  let started = fromEpochStart.get(fixture) as (() => Promise<T>) | undefined;
  if (started === undefined) {
    started = async () => {
      await startProposalEpoch(connection, TEST_RULES.proposalEpoch);
      return fixture();
    };
    fromEpochStart.set(fixture, started);
  }
  return networkHelpers.loadFixture(started);
}
export const { time } = networkHelpers;

export const TEST_RULES: ZoneRules = rulesWith({
  votingPeriod: 3600,
  executionDelay: 600,
  executionWindow: 86_400,
  quorumBps: 5000,
});

/** Deterministic identities, so proofs and roots are reproducible between runs. */
export const citizens = Array.from({ length: 4 }, (_, i) => new Identity(`zonedao-test-citizen-${i}`));
export const [alice, bob, carol, dave] = citizens as [Identity, Identity, Identity, Identity];
export const outsider = new Identity("zonedao-test-outsider");

export interface ZoneWorld {
  deployment: ZoneDaoDeployment;
  deployer: Signer;
  registrar: Signer;
  relayer: Signer;
  factory: ZoneFactory;
  /** The zone, connected to the relayer (anyone may submit proofs). */
  zone: Zone;
  zoneAddress: string;
  chainId: bigint;
  /** The chain it lives on (the shared one unless the test made its own). */
  chain: Chain;
}

/**
 * A deployment with one zone and no citizens yet; the second signer is its registrar. `options`
 * go to deployZoneDao (a sealed ballot key).
 */
export async function deployEmptyZone(
  rules: ZoneRules = TEST_RULES,
  on: Chain = connection,
  options: DeployOptions = {},
): Promise<ZoneWorld> {
  const { ethers } = on;
  const [deployer, registrar, relayer] = await ethers.getSigners();
  if (!deployer || !registrar || !relayer) throw new Error("Hardhat gives at least 3 accounts");
  const deployment = await deployZoneDao(deployer, undefined, options);
  const factory = zoneFactoryAt(deployment.zoneFactory, deployer);
  const zoneAddress = await createZone(factory, {
    name: "Riverside",
    registrar: await registrar.getAddress(),
    rules,
  });
  const { chainId } = await ethers.provider.getNetwork();
  const zone = zoneAt(zoneAddress, relayer);
  return { deployment, deployer, registrar, relayer, factory, zone, zoneAddress, chainId, chain: on };
}

/** Moves `chain` to the first second of a proposal epoch of `epochSeconds`. */
async function startProposalEpoch({ networkHelpers: { time } }: Chain, epochSeconds: number): Promise<void> {
  const epoch = BigInt(epochSeconds);
  // A block mined between the read and the move (seen once in a full run, under load) makes the
  // target lie in the past: read the clock again and aim at the epoch after it.
  for (let attempt = 1; ; attempt++) {
    const now = BigInt(await time.latest());
    try {
      await time.increaseTo((now / epoch + 1n) * epoch);
      return;
    } catch (error) {
      if (attempt === 3 || !/lower than the previous block's timestamp/.test(String(error))) throw error;
    }
  }
}

/** A zone whose registrar has admitted every test citizen. */
export async function deployZoneWithCitizens(
  rules: ZoneRules = TEST_RULES,
  on: Chain = connection,
): Promise<ZoneWorld> {
  const world = await deployEmptyZone(rules, on);
  await (
    await world.zone.connect(world.registrar).addMembers(citizens.map((citizen) => citizen.commitment))
  ).wait();
  return world;
}

/**
 * The registrar admits `members` after the zone's founding: the request waits the admission delay
 * (the chain's clock is moved past it), then anyone admits it. Returns the request's id.
 */
export async function admitAfterDelay(
  world: ZoneWorld,
  members: readonly { commitment: bigint }[],
): Promise<bigint> {
  const request = await requestAdmissions(
    world.zone,
    world.registrar,
    members.map((member) => member.commitment),
  );
  if (!request.admitted) {
    const { time } = world.chain.networkHelpers;
    if (BigInt(await time.latest()) < request.readyAt) await time.increaseTo(request.readyAt);
    const admissions = await admissionsOf(world.zone, world.relayer);
    const commitments = members.map((member) => member.commitment);
    try {
      await (await admissions.admit(world.zoneAddress, request.requestId, commitments)).wait();
    } catch (error) {
      // Anyone may admit: a relayer serving the zone may have done it first.
      if (!(await admissions.requestOf(world.zoneAddress, request.requestId)).admitted) throw error;
    }
  }
  return request.requestId;
}

/**
 * Opens a proposal (`open`) whose snapshot is taken before `members` enter, and admits them while it
 * is still open. Only the zone's own vote admits that fast (every other path waits longer than a
 * vote): an admission is proposed first, voted For by `voters`, `open` runs late in that vote, and
 * the admission is executed after its timelock, while the other proposal's vote goes on. Returns
 * what `open` returned.
 */
export async function admitByVoteWhileOpen<T>(
  world: ZoneWorld,
  members: readonly { commitment: bigint }[],
  voters: Identity[],
  open: () => Promise<T>,
): Promise<T> {
  const { time } = world.chain.networkHelpers;
  const admission = [
    [
      addMembers(
        world.zoneAddress,
        members.map((member) => member.commitment),
      ),
    ],
  ];
  const admitting = await proposeAs(world, voters[voters.length - 1]!, admission, "Admit the latecomers");
  const snapshotGroup = await rebuildGroup(world.zone, { untilProposal: admitting });
  for (const voter of voters) {
    const context = { chainId: world.chainId, zone: world.zoneAddress, proposalId: admitting, option: 1 };
    const vote = await proveVote(voter, snapshotGroup, context);
    await (await world.zone.castVote(admitting, vote.option, vote.nullifier, vote.points)).wait();
  }
  const { voteEnd } = await world.zone.getProposal(admitting);
  await time.increaseTo(voteEnd - 10n);
  const opened = await open();
  await time.increaseTo(voteEnd);
  await (await world.zone.queue(admitting)).wait();
  await time.increaseTo((await world.zone.getProposal(admitting)).eta);
  await (await world.zone.execute(admitting, admission[0]!)).wait();
  return opened;
}

/**
 * Proposes anonymously as `author`, submitted by the relayer; returns the new proposal's id. With a
 * `tellersTerm`, the proposal is sealed to that term's tellers (proposeSealed).
 */
export async function proposeAs(
  world: ZoneWorld,
  author: Identity,
  options: ZoneAction[][],
  description: string,
  slot = 0n,
  tellersTerm?: bigint,
): Promise<bigint> {
  const proof = await proveProposal(author, await rebuildGroup(world.zone), {
    chainId: world.chainId,
    zone: world.zoneAddress,
    epoch: await world.zone.currentProposalEpoch(),
    slot,
    options,
    description,
    tellersTerm,
  });
  const sent =
    tellersTerm === undefined
      ? world.zone.propose(options, description, proof)
      : world.zone.proposeSealed(options, description, proof, tellersTerm);
  await (await sent).wait();
  return world.zone.proposalCount();
}

/** Proposes as the first of `authors` with a proposal slot left this epoch; returns the proposal id. */
export async function proposeWithFreeSlot(
  world: ZoneWorld,
  options: ZoneAction[][],
  description: string,
  authors: Identity[] = citizens,
  tellersTerm?: bigint,
): Promise<bigint> {
  const free = freeProposalSlot(
    authors,
    {
      chainId: world.chainId,
      zone: world.zoneAddress,
      epoch: await world.zone.currentProposalEpoch(),
      proposalsPerEpoch: (await world.zone.rules()).proposalsPerEpoch,
    },
    await usedProposalNullifiers(world.zone),
  );
  if (free === undefined) throw new Error("every author has used every proposal slot of this epoch");
  return proposeAs(world, free.author, options, description, free.slot, tellersTerm);
}

/**
 * Takes a decision through the whole path with real proofs: `author` proposes anonymously, the
 * `voters` (every test citizen by default) vote for `winningOption` (For, unless multiple choice),
 * then the proposal is queued and, after the timelock, executed. Returns the proposal id and the
 * execution transaction's receipt.
 */
export async function passProposal(
  world: ZoneWorld,
  options: ZoneAction[][],
  description: string,
  voting: Voting = {},
) {
  const { proposalId, actions } = await queuePassedProposal(world, options, description, voting);
  const receipt = await (await world.zone.execute(proposalId, actions)).wait();
  return { proposalId, receipt };
}

/** Who votes in passProposal and queuePassedProposal, and for which option. */
export interface Voting {
  /** The citizens who vote, and among whom the author is chosen; every test citizen by default. */
  voters?: Identity[];
  /** The option they vote for: For, or option 0 of a multiple-choice proposal, by default. */
  winningOption?: number;
}

/**
 * Everything passProposal does but the execution: proposes, votes, queues and waits out the
 * timelock. Returns the proposal id and the winning option's actions, which execute takes, so a test
 * can watch the execution itself (its events, or its revert).
 */
export async function queuePassedProposal(
  world: ZoneWorld,
  options: ZoneAction[][],
  description: string,
  { voters = citizens, winningOption }: Voting = {},
): Promise<{ proposalId: bigint; actions: ZoneAction[] }> {
  const proposalId = await proposeWithFreeSlot(world, options, description, voters);
  const option = winningOption ?? (options.length > 1 ? 0 : 1);
  const snapshotGroup = await rebuildGroup(world.zone, { untilProposal: proposalId });
  for (const voter of voters) {
    const vote = await proveVote(voter, snapshotGroup, {
      chainId: world.chainId,
      zone: world.zoneAddress,
      proposalId,
      option,
    });
    await (await world.zone.castVote(proposalId, option, vote.nullifier, vote.points)).wait();
  }
  const { time } = world.chain.networkHelpers;
  const { voteEnd } = await world.zone.getProposal(proposalId);
  await time.increaseTo(voteEnd);
  await (await world.zone.queue(proposalId)).wait();
  const { eta } = await world.zone.getProposal(proposalId);
  await time.increaseTo(eta);
  return { proposalId, actions: [...executableActions(options, option)] };
}

/**
 * The same deployment seen from another of its zones (a second top-level zone, an internal DAO):
 * the zone at `zoneAddress`, connected to the relayer, with `registrar` as the signer who admits
 * its citizens (for an internal DAO, its parent's registrar may).
 */
export function zoneWorldAt(world: ZoneWorld, zoneAddress: string, registrar = world.registrar): ZoneWorld {
  return { ...world, registrar, zoneAddress, zone: zoneAt(zoneAddress, world.relayer) };
}

/**
 * Another top-level zone created through the same factory (so the two can trade), whose registrar
 * (`world`'s unless given) has admitted `members` (the test citizens unless given).
 */
export async function createSecondZone(
  world: ZoneWorld,
  {
    name = "Hillside",
    registrar = world.registrar,
    members = citizens,
    rules = TEST_RULES,
  }: { name?: string; registrar?: Signer; members?: Identity[]; rules?: ZoneRules } = {},
): Promise<ZoneWorld> {
  const zoneAddress = await createZone(world.factory, {
    name,
    registrar: await registrar.getAddress(),
    rules,
  });
  const second = zoneWorldAt(world, zoneAddress, registrar);
  await (await second.zone.connect(registrar).addMembers(members.map((member) => member.commitment))).wait();
  return second;
}

export { Group, Identity };
