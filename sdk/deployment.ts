/**
 * The deployment file: what `zonedao deploy` and `npm start` write (deployments/<network>.json) and
 * every other command, the relayer and the web app read to find a ZoneDAO deployment. Only the
 * local demo's file holds identities (its demo citizens', so testers can vote as them). While
 * `zonedao deploy` runs, the file is an unfinished deployment (`"complete": false`), which only a
 * rerun of `zonedao deploy` reads: it resumes from it.
 */
import { ZeroAddress, getAddress, isAddress, type Provider } from "ethers";
import { PROPOSAL_STATES } from "./constants.js";
import { zoneAt, zoneFactoryAt, type ZoneDaoContract, type ZoneDaoDeployment } from "./contracts.js";
import { queryEvents } from "./logs.js";

export const DEPLOYMENT_FORMAT = "zonedao-deployment/1";

export interface DeployedZone {
  name: string;
  address: string;
  /** The zone it is an internal DAO of, or null for a top-level zone. */
  parent: string | null;
  registrar: string;
  /** Where event queries for this zone can start. */
  createdBlock: number;
  /** The proposals known when the file was written (the chain has the current list). */
  proposals: { id: string; description: string; state: string }[];
}

export interface DemoCitizen {
  name: string;
  /** The zones it is a citizen of. */
  zones: string[];
  /** Identity.export(): the private key of a demo identity. Local demo only. */
  identity: string;
  commitment: string;
}

export interface SealedBallotFiles {
  wasm: string;
  zkey: string;
  wasmSha256: string;
  zkeySha256: string;
  /** True for a key made by one party (the development key): never for a real network. */
  development: boolean;
}

export interface DeploymentFile {
  format: typeof DEPLOYMENT_FORMAT;
  network: string;
  chainId: string;
  rpcUrl: string;
  deployedAt: string;
  /** The block of the first deployment transaction. */
  blockNumber: number;
  contracts: {
    poseidonT3: string;
    leanIMT: string;
    semaphoreVerifier: string;
    batchVerifier: string;
    zoneImplementation: string;
    zoneFactory: string;
    services: string;
    goods: string;
    trade: string;
    /** The sealed ballots module, its verifier and every zone's tellers (ZoneTellers): only in a
     * deployment given a sealed ballot key. */
    tellers?: string;
    sealedBallots?: string;
    sealedBallotVerifier?: string;
    /** Test-only stablecoin of the local demo. */
    stablecoin?: string;
  };
  /**
   * The sealed ballot circuit's proving files, whose key `sealedBallotVerifier` holds (only in a
   * deployment given one): paths on the machine that wrote the file, with their SHA-256, which a
   * client checks before proving with them.
   */
  sealedBallot?: SealedBallotFiles;
  zones: DeployedZone[];
  relayer: { url: string; address: string } | null;
  web: { url: string } | null;
  /** Local demo only: its citizens' identities. Never present for a real network. */
  demo?: { citizens: DemoCitizen[] };
}

/**
 * A deployment `zonedao deploy` has not finished (it stopped, or is still running): the contracts
 * sent so far, written after each one so that a rerun resumes instead of starting over. Nothing
 * else may use it: its factory, if any, has no zones, and its other contracts are not all there.
 */
export interface UnfinishedDeploymentFile extends Omit<DeploymentFile, "contracts"> {
  complete: false;
  contracts: Partial<Pick<DeploymentFile["contracts"], ZoneDaoContract>>;
}

/**
 * Parses and checks a deployment file's JSON; throws naming the first thing wrong, and refuses an
 * unfinished deployment (saying how to finish it).
 */
export function parseDeployment(json: string, source = "deployment file"): DeploymentFile {
  const file = parseAnyDeployment(json, source);
  if (isUnfinished(file)) {
    const deployed = Object.keys(file.contracts);
    throw new Error(
      `${source} is a deployment that did not finish (${deployed.length === 0 ? "no contract" : deployed.join(", ")} ` +
        `deployed so far): run \`zonedao deploy --deployment ${source}\` again to finish it`,
    );
  }
  return file;
}

/** Whether a deployment file is one `zonedao deploy` has not finished. */
export function isUnfinished(
  file: DeploymentFile | UnfinishedDeploymentFile,
): file is UnfinishedDeploymentFile {
  return "complete" in file && file.complete === false;
}

/** parseDeployment, accepting an unfinished deployment too: what `zonedao deploy` resumes from. */
export function parseAnyDeployment(
  json: string,
  source = "deployment file",
): DeploymentFile | UnfinishedDeploymentFile {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(`${source} is not JSON: ${(error as Error).message}`);
  }
  const file = value as Partial<DeploymentFile> & { complete?: unknown };
  const fail = (what: string): never => {
    throw new Error(`${source}: ${what}`);
  };
  if (typeof file !== "object" || file === null) fail("expected an object");
  if (file.format !== DEPLOYMENT_FORMAT)
    fail(`format must be "${DEPLOYMENT_FORMAT}", got ${JSON.stringify(file.format)}`);
  if (typeof file.chainId !== "string" || !/^\d+$/.test(file.chainId))
    fail("chainId must be a decimal string");
  if (typeof file.rpcUrl !== "string") fail("rpcUrl must be a string");
  if (!Number.isSafeInteger(file.blockNumber)) fail("blockNumber must be a block number");
  if (file.complete !== undefined && typeof file.complete !== "boolean")
    fail("complete must be true or false");
  const contracts = file.contracts ?? fail("contracts is missing");
  for (const [name, address] of Object.entries(contracts)) {
    if (typeof address !== "string" || !isAddress(address)) fail(`contracts.${name} is not an address`);
  }
  for (const zone of file.zones ?? fail("zones is missing")) {
    if (!isAddress(zone.address)) fail(`zone ${JSON.stringify(zone.name)} has no valid address`);
    zone.address = getAddress(zone.address);
  }
  return file as DeploymentFile | UnfinishedDeploymentFile;
}

/** The deployment file's text: stable key order, two-space indent, trailing newline. */
export function formatDeployment(deployment: DeploymentFile | UnfinishedDeploymentFile): string {
  return `${JSON.stringify(deployment, null, 2)}\n`;
}

/**
 * The deployment file for a fresh deployment (no zones yet): addresses from `deployZoneDao`, the
 * factory's economy modules and the chain it is on.
 */
export async function deploymentFileFor(
  deployment: ZoneDaoDeployment,
  provider: Provider,
  where: { network: string; rpcUrl: string },
): Promise<DeploymentFile> {
  const factory = zoneFactoryAt(deployment.zoneFactory, provider);
  const [services, goods, trade, tellers, sealedBallots, { chainId }] = await Promise.all([
    factory.SERVICES(),
    factory.GOODS(),
    factory.TRADE(),
    factory.TELLERS(),
    factory.SEALED_BALLOTS(),
    provider.getNetwork(),
  ]);
  const { blockNumber, ...addresses } = deployment;
  return {
    format: DEPLOYMENT_FORMAT,
    network: where.network,
    chainId: chainId.toString(),
    rpcUrl: where.rpcUrl,
    deployedAt: new Date().toISOString(),
    blockNumber,
    contracts: {
      ...addresses,
      services,
      goods,
      trade,
      ...(sealedBallots === ZeroAddress ? {} : { tellers, sealedBallots }),
    },
    zones: [],
    relayer: null,
    web: null,
  };
}

/** A zone's entry in a deployment file, read from the chain. */
export async function deployedZone(
  deployment: Pick<DeploymentFile, "contracts">,
  address: string,
  provider: Provider,
): Promise<DeployedZone> {
  const factory = zoneFactoryAt(deployment.contracts.zoneFactory, provider);
  const [created] = await queryEvents(factory, factory.filters.ZoneCreated(address));
  if (created === undefined) {
    throw new Error(`${address} was not created by the factory ${deployment.contracts.zoneFactory}`);
  }
  const zone = zoneAt(address, provider);
  const [registrar, proposalCount] = await Promise.all([zone.registrar(), zone.proposalCount()]);
  const descriptions = new Map(
    (await queryEvents(zone, zone.filters.ProposalCreated(), created.blockNumber)).map((log) => [
      log.args.proposalId,
      log.args.description,
    ]),
  );
  const proposals: DeployedZone["proposals"] = [];
  for (let id = 1n; id <= proposalCount; id++) {
    proposals.push({
      id: id.toString(),
      description: descriptions.get(id) ?? "",
      state: PROPOSAL_STATES[Number(await zone.state(id))] ?? "unknown",
    });
  }
  return {
    name: created.args.name,
    address: getAddress(address),
    parent: created.args.parent === ZeroAddress ? null : created.args.parent,
    registrar,
    createdBlock: created.blockNumber,
    proposals,
  };
}
