/**
 * The zone the load benchmark drives, built the same way every time on a fresh in-process Hardhat
 * chain (same deployer and nonces, so the same addresses; members from fixed seeds, so the same
 * roots). That is what lets proofs made once (fixture.ts) be accepted again by every run (run.ts):
 * a vote's scope depends only on the chain id, the zone's address and the proposal id.
 */
import { getBytes, id } from "ethers";
import { network } from "hardhat";
import {
  Group,
  Identity,
  createZone,
  deployZoneDao,
  zoneAt,
  zoneFactoryAt,
  type Zone,
  type ZoneAction,
  type ZoneRules,
} from "../../sdk/index.js";

export const CITIZENS = 500;
export const PROPOSALS = 4;
export const FIXTURE_PATH = new URL("./fixture.json", import.meta.url);

/**
 * A month to vote; an epoch of 2^32 - 1 seconds, so that the proposal epoch is 0 until 2106 and
 * the fixture's proposal proofs stay valid whatever the chain's clock says.
 */
export const LOAD_RULES: ZoneRules = {
  votingDelay: 0,
  votingPeriod: 30 * 86_400,
  executionDelay: 600,
  executionWindow: 86_400,
  quorumBps: 1000,
  approvalBps: 5000,
  proposalEpoch: 4_294_967_295,
  proposalsPerEpoch: 1,
  maxRelayerRefundPerVote: 0n,
};

export function loadCitizen(index: number): Identity {
  return new Identity(getBytes(id(`zonedao-load-citizen-${index}`)));
}

/** Proposal k (1-based): For/Against/Abstain on a harmless call, by citizen k - 1. */
export function loadProposalContent(
  zone: string,
  k: number,
): { options: ZoneAction[][]; description: string } {
  return { options: [[{ target: zone, value: 0n, data: "0x" }]], description: `Load test proposal ${k}` };
}

export interface LoadWorld {
  chainId: bigint;
  zone: Zone;
  zoneAddress: string;
  group: Group;
  citizens: Identity[];
}

/** Deploys ZoneDAO, creates the zone and admits every citizen, in a fixed order. */
export async function buildLoadWorld(onProgress: (line: string) => void): Promise<LoadWorld> {
  const { ethers } = await network.getOrCreate();
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
  return { chainId, zone, zoneAddress, group: new Group(commitments), citizens };
}
