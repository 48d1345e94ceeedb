/**
 * Shared set-up for tests that need a deployed ZoneDAO with citizens: a real Hardhat chain, the
 * official Semaphore verifier, and identities whose proofs are made with the official artifacts.
 */
import type { Signer } from "ethers";
import { network } from "hardhat";
import {
  Group,
  Identity,
  createZone,
  deployZoneDao,
  proveProposal,
  rebuildGroup,
  zoneAt,
  zoneFactoryAt,
  type Zone,
  type ZoneAction,
  type ZoneDaoDeployment,
  type ZoneFactory,
  type ZoneRules,
} from "../sdk/index.js";

export const connection = await network.getOrCreate();
export const { ethers, networkHelpers } = connection;
/**
 * networkHelpers.loadFixture, bound so tests can call it on its own. It calls the fixture with the
 * network connection, so give it a function of no arguments, never deployEmptyZone(rules) itself.
 */
export const loadFixture = networkHelpers.loadFixture.bind(networkHelpers);
export const { time } = networkHelpers;

export const TEST_RULES: ZoneRules = {
  votingDelay: 0,
  votingPeriod: 3600,
  executionDelay: 600,
  executionWindow: 86_400,
  quorumBps: 5000,
  approvalBps: 5000,
  proposalEpoch: 86_400,
  proposalsPerEpoch: 2,
};

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
}

/** A deployment with one zone and no citizens yet; the second signer is its registrar. */
export async function deployEmptyZone(rules: ZoneRules = TEST_RULES): Promise<ZoneWorld> {
  const [deployer, registrar, relayer] = await ethers.getSigners();
  if (!deployer || !registrar || !relayer) throw new Error("Hardhat gives at least 3 accounts");
  const deployment = await deployZoneDao(deployer);
  const factory = zoneFactoryAt(deployment.zoneFactory, deployer);
  const zoneAddress = await createZone(factory, {
    name: "Riverside",
    registrar: await registrar.getAddress(),
    rules,
  });
  const { chainId } = await ethers.provider.getNetwork();
  const zone = zoneAt(zoneAddress, relayer);
  return { deployment, deployer, registrar, relayer, factory, zone, zoneAddress, chainId };
}

/** A zone whose registrar has admitted every test citizen. */
export async function deployZoneWithCitizens(rules: ZoneRules = TEST_RULES): Promise<ZoneWorld> {
  const world = await deployEmptyZone(rules);
  await (
    await world.zone.connect(world.registrar).addMembers(citizens.map((citizen) => citizen.commitment))
  ).wait();
  return world;
}

/** Proposes anonymously as `author`, submitted by the relayer; returns the new proposal's id. */
export async function proposeAs(
  world: ZoneWorld,
  author: Identity,
  options: ZoneAction[][],
  description: string,
  slot = 0n,
): Promise<bigint> {
  const proof = await proveProposal(author, await rebuildGroup(world.zone), {
    chainId: world.chainId,
    zone: world.zoneAddress,
    epoch: await world.zone.currentProposalEpoch(),
    slot,
    options,
    description,
  });
  await (await world.zone.propose(options, description, proof)).wait();
  return world.zone.proposalCount();
}

export { Group, Identity };
