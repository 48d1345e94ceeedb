/**
 * The zone the load benchmark (bench/load/) and the relayer's crash test drive, built the same way
 * every time on a fresh in-process Hardhat chain (same deployer and nonces, so the same addresses;
 * members from fixed seeds, so the same roots). That is what lets proofs made once
 * (bench/load/fixture.ts, into load-fixture.json here) be accepted again by every run: a vote's
 * scope depends only on the chain id, the zone's address and the proposal id.
 */
import { existsSync, readFileSync } from "node:fs";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import {
  rulesWith,
  Group,
  Identity,
  createZone,
  deployZoneDao,
  identityFromSeed,
  voteRequest,
  zoneAt,
  zoneFactoryAt,
  type ProposalProof,
  type VoteProof,
  type VoteRequest,
  type Zone,
  type ZoneAction,
  type ZoneRules,
} from "../sdk/index.js";

export const CITIZENS = 500;
export const PROPOSALS = 4;
export const FIXTURE_PATH = new URL("./load-fixture.json", import.meta.url);

/**
 * A month to vote; an epoch of 2^32 - 1 seconds, so that the proposal epoch is 0 until 2106 and
 * the fixture's proposal proofs stay valid whatever the chain's clock says.
 */
export const LOAD_RULES: ZoneRules = rulesWith({
  votingPeriod: 30 * 86_400,
  executionDelay: 600,
  executionWindow: 86_400,
  quorumBps: 1000,
  proposalEpoch: 4_294_967_295,
  proposalsPerEpoch: 1,
});

export function loadCitizen(index: number): Identity {
  return identityFromSeed(`zonedao-load-citizen-${index}`);
}

/** Proposal k (1-based): For/Against/Abstain on a harmless call, by citizen k - 1. */
export function loadProposalContent(
  zone: string,
  k: number,
): { options: ZoneAction[][]; description: string } {
  return { options: [[{ target: zone, value: 0n, data: "0x" }]], description: `Load test proposal ${k}` };
}

export interface LoadWorld {
  connection: NetworkConnection;
  chainId: bigint;
  zone: Zone;
  zoneAddress: string;
  group: Group;
  citizens: Identity[];
}

/**
 * Deploys ZoneDAO, creates the zone and admits every citizen, in a fixed order. `connection` must
 * be a chain nothing else has used yet (a test passes `await network.create()`).
 */
export async function buildLoadWorld(
  onProgress: (line: string) => void,
  connection?: NetworkConnection,
): Promise<LoadWorld> {
  connection ??= await network.getOrCreate();
  const { ethers } = connection;
  const [deployer, registrar] = await ethers.getSigners();
  if (!deployer || !registrar) throw new Error("Hardhat gives at least 2 accounts");
  const deployment = await deployZoneDao(deployer, onProgress);
  const zoneAddress = await createZone(zoneFactoryAt(deployment.zoneFactory, deployer), {
    name: "Loadville",
    registrar: await registrar.getAddress(),
    rules: LOAD_RULES,
  });
  const zone = zoneAt(zoneAddress, deployer);
  const citizens = Array.from({ length: CITIZENS }, (_, i) => loadCitizen(i));
  const commitments = citizens.map((citizen) => citizen.commitment);
  onProgress(`admitting ${CITIZENS} citizens`);
  for (let start = 0; start < commitments.length; start += 250) {
    await (await zone.connect(registrar).addMembers(commitments.slice(start, start + 250))).wait();
  }
  const { chainId } = await ethers.provider.getNetwork();
  return { connection, chainId, zone, zoneAddress, group: new Group(commitments), citizens };
}

/** load-fixture.json as bench/load/fixture.ts writes it: numbers as decimal strings. */
export interface LoadFixture {
  chainId: string;
  zone: string;
  snapshotRoot: string;
  proposals: Record<keyof ProposalProof, string | string[]>[];
  votes: Record<keyof VoteProof, string | string[]>[];
}

/** One of the fixture's votes, from its decimal strings. */
export function fixtureVote(raw: LoadFixture["votes"][number]): VoteProof {
  return {
    proposalId: BigInt(raw.proposalId as string),
    option: Number(raw.option),
    nullifier: BigInt(raw.nullifier as string),
    merkleTreeRoot: BigInt(raw.merkleTreeRoot as string),
    merkleTreeDepth: Number(raw.merkleTreeDepth),
    points: (raw.points as string[]).map(BigInt) as VoteProof["points"],
  };
}

export function readLoadFixture(): LoadFixture {
  if (!existsSync(FIXTURE_PATH)) {
    throw new Error("test/load-fixture.json is missing: make it with `npm run bench:load:fixture` (~20 min)");
  }
  return JSON.parse(readFileSync(FIXTURE_PATH, "utf8")) as LoadFixture;
}

/**
 * Builds the load zone on `connection` and opens the fixture's proposals on it: then every vote
 * of the fixture is valid there. Returns the votes as relayer requests, in the fixture's order
 * (proposal 1's 500 votes, then proposal 2's...).
 */
export async function buildLoadWorldWithProposals(
  fixture: LoadFixture,
  onProgress: (line: string) => void,
  connection?: NetworkConnection,
): Promise<{ world: LoadWorld; votes: VoteRequest[] }> {
  const world = await buildLoadWorld(onProgress, connection);
  if (world.zoneAddress !== fixture.zone || world.group.root.toString() !== fixture.snapshotRoot) {
    throw new Error(
      `this chain's zone (${world.zoneAddress}) or group root differs from the fixture's (${fixture.zone}): ` +
        "regenerate it with `npm run bench:load:fixture`",
    );
  }
  for (let k = 1; k <= PROPOSALS; k++) {
    const { options, description } = loadProposalContent(world.zoneAddress, k);
    const raw = fixture.proposals[k - 1]!;
    const proof: ProposalProof = {
      merkleTreeRoot: BigInt(raw.merkleTreeRoot as string),
      merkleTreeDepth: Number(raw.merkleTreeDepth),
      epoch: BigInt(raw.epoch as string),
      slot: BigInt(raw.slot as string),
      nullifier: BigInt(raw.nullifier as string),
      points: (raw.points as string[]).map(BigInt) as ProposalProof["points"],
    };
    await (await world.zone.propose(options, description, proof)).wait();
  }
  const votes = fixture.votes.map((raw) => voteRequest(world.zoneAddress, fixtureVote(raw)));
  return { world, votes };
}
