/**
 * Builds the million-citizen chain once: ZoneDAO deployed by the sdk (as `zonedao deploy --rpc`
 * does) on Anvil, one zone, and 1,000,000 members added by its registrar while the zone is founding
 * (before its first proposal `addMembers` admits at once): 4,000 `addMembers` of 250, several in
 * flight. Members are stand-ins (bench/members.ts) except a few real identities at known leaf
 * indexes, whose secrets are kept (their paths come from the relayer, as a citizen's would). Anvil dumps the state into the cache folder; the
 * JSON beside it says what is in it, with the registration's time and gas.
 */
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { JsonRpcProvider, Wallet, type TransactionResponse } from "ethers";
import {
  createZone,
  deployZoneDao,
  exportIdentity,
  identityFromSeed,
  rulesWith,
  zoneAt,
  zoneFactoryAt,
  type ZoneDaoDeployment,
} from "../../sdk/index.js";
import { fakeCommitments } from "../members.js";
import { ANVIL_DEPLOYER_KEY, startAnvil } from "./anvil.js";

/** ZONEDAO_BENCH_MEMBERS (a multiple of BATCH) makes a smaller zone, to try the bench quickly. */
export const MEMBERS = Number(process.env.ZONEDAO_BENCH_MEMBERS ?? 1_000_000);
/** 250 registrations take ~14M gas, under Osaka's 2^24 cap per transaction (EIP-7825). */
export const BATCH = 250;
/**
 * Transactions sent before each block is mined: 64 of ~14M gas fill a block of ~900M gas, under
 * the block's 2^31 limit and its 1,073M target (so the base fee falls rather than climbs).
 */
const IN_FLIGHT = 64;
/** Explicit, so no transaction is estimated first (that would run each one twice). */
const GAS_LIMIT = 16_000_000n;
export const CACHE_DIR = join(import.meta.dirname, ".cache", MEMBERS === 1_000_000 ? "" : String(MEMBERS));
export const STATE_FILE = join(CACHE_DIR, "state.json");
export const CACHE_FILE = join(CACHE_DIR, "million.json");
export const CACHE_FORMAT = "zonedao-million-cache/1";

/** The real citizens among the stand-ins, where a client will look for them. */
export const KNOWN_CITIZENS = [
  { label: "author", index: 0 },
  { label: "deep", index: Math.floor(MEMBERS * 0.777777) },
  { label: "last-bucket", index: MEMBERS - 1 },
] as const;
export type CitizenLabel = (typeof KNOWN_CITIZENS)[number]["label"];

export interface KnownCitizen {
  label: CitizenLabel;
  seed: string;
  index: number;
  commitment: string;
  /** exportIdentity(): what the citizen imports into the web app. */
  exported: string;
}

export interface MillionCache {
  format: typeof CACHE_FORMAT;
  chainId: string;
  contracts: ZoneDaoDeployment;
  zone: string;
  zoneCreatedBlock: number;
  registrar: string;
  members: number;
  root: string;
  depth: number;
  lastBlock: number;
  citizens: KnownCitizen[];
  registration: {
    builtAt: string;
    transactions: number;
    batchSize: number;
    inFlight: number;
    seconds: number;
    gasTotal: number;
    gasPerMember: number;
    stateDumpBytes: number;
  };
}

export async function buildMillionChain(log: (line: string) => void): Promise<MillionCache> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const partial = `${STATE_FILE}.partial`;
  const anvil = await startAnvil({
    dumpState: partial,
    manualMining: true,
    logFile: join(CACHE_DIR, "anvil-build.log"),
  });
  log(`anvil (Osaka, EIP-7825 cap) on ${anvil.url}`);
  try {
    const provider = new JsonRpcProvider(anvil.url, undefined, {
      staticNetwork: true,
      batchMaxCount: 1,
      // ethers answers a repeated call within 250 ms from cache: a stale nonce for the next deployment.
      cacheTimeout: -1,
    });
    provider.pollingInterval = 100;
    const deployer = new Wallet(ANVIL_DEPLOYER_KEY, provider);
    const { chainId } = await provider.getNetwork();

    // The deployment waits for each receipt: a block per transaction until the registration.
    await provider.send("evm_setAutomine", [true]);
    const contracts = await deployZoneDao(deployer, (step) => log(step));
    const factory = zoneFactoryAt(contracts.zoneFactory, deployer);
    const zoneAddress = await createZone(factory, {
      name: "Million",
      registrar: deployer.address,
      // A day to vote: the browser part runs well within it.
      rules: rulesWith({ votingPeriod: 86_400, executionDelay: 600, executionWindow: 86_400, quorumBps: 10 }),
    });
    const zone = zoneAt(zoneAddress, deployer);
    const zoneCreatedBlock = await provider.getBlockNumber();
    log(`zone ${zoneAddress} created in block ${zoneCreatedBlock}`);

    const commitments = fakeCommitments(MEMBERS, "zonedao-bench-million-zone");
    const identities = KNOWN_CITIZENS.map(({ label, index }) => {
      const seed = `zonedao-bench-million-${label}`;
      const identity = identityFromSeed(seed);
      commitments[index] = identity.commitment;
      return { label, index, seed, identity };
    });

    const transactions = MEMBERS / BATCH;
    await provider.send("evm_setAutomine", [false]);
    let nonce = await provider.getTransactionCount(deployer.address, "pending");
    const fees = await provider.getFeeData();
    let gasTotal = 0n;
    let mined = 0;
    const started = performance.now();
    // Several transactions in flight, then one block holding them all.
    for (let first = 0; first < transactions; first += IN_FLIGHT) {
      const sent: TransactionResponse[] = [];
      for (let batch = first; batch < Math.min(transactions, first + IN_FLIGHT); batch++) {
        sent.push(
          await zone.addMembers(commitments.slice(batch * BATCH, (batch + 1) * BATCH), {
            nonce: nonce++,
            gasLimit: GAS_LIMIT,
            maxFeePerGas: (fees.maxFeePerGas ?? 10n ** 10n) * 4n,
            maxPriorityFeePerGas: fees.maxPriorityFeePerGas ?? 1n,
          }),
        );
      }
      await provider.send("evm_mine", []);
      for (const transaction of sent) {
        const receipt = await provider.getTransactionReceipt(transaction.hash);
        if (receipt?.status !== 1) throw new Error(`addMembers not mined or reverted (${transaction.hash})`);
        gasTotal += receipt.gasUsed;
      }
      mined += sent.length;
      if (mined % 256 === 0 || mined === transactions) {
        const seconds = (performance.now() - started) / 1000;
        const eta = ((transactions - mined) * seconds) / mined;
        log(
          `${mined}/${transactions} addMembers mined (${(mined * BATCH).toLocaleString("en")} members), ` +
            `${seconds.toFixed(0)} s, ~${eta.toFixed(0)} s to go, ${Math.round(Number(gasTotal) / (mined * BATCH))} gas/member`,
        );
      }
    }
    await provider.send("evm_setAutomine", [true]);
    const seconds = (performance.now() - started) / 1000;

    const { root, size, depth } = await zone.merkleTree();
    if (size !== BigInt(MEMBERS)) throw new Error(`the zone has ${size} members, not ${MEMBERS}`);
    const lastBlock = await provider.getBlockNumber();

    const citizens: KnownCitizen[] = identities.map(({ label, index, seed, identity }) => ({
      label,
      seed,
      index,
      commitment: identity.commitment.toString(),
      exported: exportIdentity(identity),
    }));

    log("stopping anvil: it writes the state dump");
    await anvil.stop();
    renameSync(partial, STATE_FILE);
    const cache: MillionCache = {
      format: CACHE_FORMAT,
      chainId: chainId.toString(),
      contracts,
      zone: zoneAddress,
      zoneCreatedBlock,
      registrar: deployer.address,
      members: MEMBERS,
      root: root.toString(),
      depth: Number(depth),
      lastBlock,
      citizens,
      registration: {
        builtAt: new Date().toISOString(),
        transactions,
        batchSize: BATCH,
        inFlight: IN_FLIGHT,
        seconds: Math.round(seconds),
        gasTotal: Number(gasTotal),
        gasPerMember: Math.round(Number(gasTotal) / MEMBERS),
        stateDumpBytes: statSync(STATE_FILE).size,
      },
    };
    writeFileSync(CACHE_FILE, `${JSON.stringify(cache, null, 2)}\n`);
    return cache;
  } finally {
    await anvil.stop();
  }
}

export function cacheExists(): boolean {
  return existsSync(CACHE_FILE) && existsSync(STATE_FILE);
}
