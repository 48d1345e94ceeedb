/**
 * The chain the benchmark measures gas on: Hardhat's in-process network with a ZoneDAO deployment
 * (made by the sdk) and, next to it, the official Semaphore contract on the same verifier.
 */
import type { Signer } from "ethers";
import { network } from "hardhat";
import {
  POSEIDON_T3,
  rulesWith,
  createZone,
  deployZoneDao,
  proveProposal,
  rebuildGroup,
  zoneAt,
  zoneFactoryAt,
  type Identity,
  type Zone,
  type ZoneDaoDeployment,
  type ZoneAction,
  type ZoneFactory,
  type ZoneRules,
} from "../sdk/index.js";
import { Semaphore__factory, type Semaphore } from "../types/ethers-contracts/index.js";

/** Long enough a voting period for every proof of a run to be made while the proposal is open. */
const BENCH_RULES: ZoneRules = rulesWith({
  votingPeriod: 86_400,
  executionDelay: 600,
  executionWindow: 86_400,
  quorumBps: 5000,
});

export interface BenchChain {
  chainId: bigint;
  deployment: ZoneDaoDeployment;
  factory: ZoneFactory;
  /** The registrar of every zone the benchmark creates. */
  registrar: Signer;
  /** Submits votes and proposals (anyone may). */
  relayer: Signer;
  /** The official Semaphore contract, using the deployment's SemaphoreVerifier and PoseidonT3. */
  semaphore: Semaphore;
  /** Moves the chain's clock to `timestamp` (an admission's delay, a vote's end). */
  increaseTo(timestamp: bigint): Promise<void>;
}

export async function deployBenchChain(onProgress: (step: string) => void): Promise<BenchChain> {
  const { ethers, networkHelpers } = await network.getOrCreate();
  const [deployer, registrar, relayer] = await ethers.getSigners();
  if (!deployer || !registrar || !relayer) throw new Error("Hardhat gives at least 3 accounts");
  const deployment = await deployZoneDao(deployer, onProgress);
  onProgress("deploying the official Semaphore contract (reference)");
  // Linked to the same PoseidonT3 library as Zone (see deployZoneDao).
  const semaphore = await (
    await new Semaphore__factory({ [POSEIDON_T3]: deployment.poseidonT3 }, deployer).deploy(
      deployment.semaphoreVerifier,
    )
  ).waitForDeployment();
  const { chainId } = await ethers.provider.getNetwork();
  return {
    chainId,
    deployment,
    factory: zoneFactoryAt(deployment.zoneFactory, deployer),
    registrar,
    relayer,
    semaphore: semaphore.connect(registrar),
    increaseTo: (timestamp) => networkHelpers.time.increaseTo(timestamp),
  };
}

/** A new zone with no citizens, connected to the relayer; `rules` change the benchmark's rules. */
export async function createBenchZone(
  chain: BenchChain,
  name: string,
  rules: Partial<ZoneRules> = {},
): Promise<Zone> {
  const address = await createZone(chain.factory, {
    name,
    registrar: await chain.registrar.getAddress(),
    rules: { ...BENCH_RULES, ...rules },
  });
  return zoneAt(address, chain.relayer);
}

/** A new Semaphore group (the registrar is its admin); returns its id. */
export async function createSemaphoreGroup(chain: BenchChain): Promise<bigint> {
  const groupId = await chain.semaphore.groupCounter();
  await (await chain.semaphore["createGroup()"]()).wait();
  return groupId;
}

/** Gas used by the transaction `send` returns. */
export async function gasOf(send: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<bigint> {
  const receipt = await (await send).wait();
  if (!receipt) throw new Error("no receipt");
  return receipt.gasUsed;
}

/**
 * `author` proposes anonymously a For/Against/Abstain vote, with no actions unless `actions` (run if
 * For wins), in proposal slot `slot`; returns its id.
 */
export async function proposeAs(
  chain: BenchChain,
  zone: Zone,
  author: Identity,
  description: string,
  actions: ZoneAction[] = [],
  slot = 0n,
): Promise<bigint> {
  const options = [actions];
  const proof = await proveProposal(author, await rebuildGroup(zone), {
    chainId: chain.chainId,
    zone: await zone.getAddress(),
    epoch: await zone.currentProposalEpoch(),
    slot,
    options,
    description,
  });
  await (await zone.propose(options, description, proof)).wait();
  return zone.proposalCount();
}
