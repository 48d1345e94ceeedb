/**
 * What every check reads: the zone's events up to the audited block and its proposals, and the
 * provider's transactions and block times, each fetched once however many checks ask for it.
 */
import {
  ZeroAddress,
  getAddress,
  zeroPadValue,
  type Interface,
  type Provider,
  type TransactionResponse,
} from "ethers";
import { ADMISSIONS, FACTORY, GOODS, SEALED_BALLOTS, SERVICES, ZONE } from "../abis.js";
import { inLogRanges } from "../logs.js";
import { parseLogs, readAuditedProposals, type AuditedProposal, type ZoneLog } from "./events.js";
import type { AuditDiscrepancy } from "./report.js";

/** Everything the checks share. */
export interface AuditContext {
  readonly provider: Provider;
  readonly zone: string;
  readonly chainId: bigint;
  readonly block: number;
  readonly timestamp: bigint;
  readonly fromBlock: number;
  readonly logs: readonly ZoneLog[];
  /** The zone's ZoneAdmissions contract (zone.ADMISSIONS()), if it has one. */
  readonly admissions?: string;
  /** That contract's events about this zone (requests, admissions, rejections, rules), in chain order. */
  readonly admissionLogs: readonly ZoneLog[];
  /** The deployment's sealed ballots module (the zone's factory's), if it has one. */
  readonly sealedBallots?: string;
  /** That module's events about this zone (boxes, ballots, partial decryptions, tallies), in chain order. */
  readonly sealedLogs: readonly ZoneLog[];
  /**
   * The services registry's events about this zone (services, claims, inspector, attestations, reward
   * rules, rewards), and the goods contract's productions for it, in chain order.
   */
  readonly servicesLogs: readonly ZoneLog[];
  readonly productionLogs: readonly ZoneLog[];
  /** The factory's services registry (the one module that pays from zones' treasuries). */
  readonly services?: string;
  readonly proposals: ReadonlyMap<bigint, AuditedProposal>;
  progress(line: string): void;
  transaction(hash: string): Promise<TransactionResponse | null>;
  timestampOf(blockNumber: number): Promise<bigint>;
  mapLimit<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]>;
}

export interface ContextOptions {
  fromBlock?: number;
  toBlock?: number;
  onProgress?: (line: string) => void;
  concurrency?: number;
}

/**
 * The zone at `zoneAddress` as of `options.toBlock` (the latest by default): its events read and
 * decoded, and `unreadable`, those its ABI cannot read (the group check reports them first).
 */
export async function readAuditContext(
  provider: Provider,
  zoneAddress: string,
  options: ContextOptions,
): Promise<{ context: AuditContext; unreadable: AuditDiscrepancy[] }> {
  const progress = options.onProgress ?? (() => undefined);
  const zone = getAddress(zoneAddress);
  const [network, tip] = await Promise.all([
    provider.getNetwork(),
    provider.getBlock(options.toBlock ?? "latest"),
  ]);
  if (tip === null) throw new Error(`auditZone: block ${options.toBlock ?? "latest"} not found`);
  const fromBlock = options.fromBlock ?? 0;
  const limit = options.concurrency ?? 16;

  progress(`fetching the zone's events, blocks ${fromBlock} to ${tip.number}`);
  const rawLogs = await inLogRanges(fromBlock, tip.number, (from, to) =>
    provider.getLogs({ address: zone, fromBlock: from, toBlock: to }),
  );
  const unreadable: AuditDiscrepancy[] = [];
  const logs = parseLogs(rawLogs, unreadable);
  progress(`${logs.length} events`);
  // Other contracts' events about this zone: their first indexed topic is the zone.
  const logsAbout = async (
    address: string | undefined,
    abi: Interface,
    whose: string,
  ): Promise<ZoneLog[]> => {
    if (address === undefined) return [];
    const raw = await inLogRanges(fromBlock, tip.number, (from, to) =>
      provider.getLogs({ address, topics: [null, zeroPadValue(zone, 32)], fromBlock: from, toBlock: to }),
    );
    const parsed = parseLogs(raw, unreadable, abi, whose);
    progress(`${parsed.length} events of ${whose}`);
    return parsed;
  };
  const admissions = await admissionsAddress(provider, zone, tip.number);
  const admissionLogs = await logsAbout(admissions, ADMISSIONS, "its admissions contract");
  const sealedBallots = await sealedBallotsAddress(provider, zone, tip.number);
  const sealedLogs = await logsAbout(sealedBallots, SEALED_BALLOTS, "its sealed ballots module");
  const modules = await economyModules(provider, zone, tip.number);
  const servicesLogs = await logsAbout(modules?.services, SERVICES, "the services registry");
  // GoodsProduced names its producer first and the zone second.
  const productionLogs =
    modules === undefined
      ? []
      : parseLogs(
          await inLogRanges(fromBlock, tip.number, (from, to) =>
            provider.getLogs({
              address: modules.goods,
              topics: [GOODS.getEvent("GoodsProduced").topicHash, null, zeroPadValue(zone, 32)],
              fromBlock: from,
              toBlock: to,
            }),
          ),
          unreadable,
          GOODS,
          "the goods contract",
        );

  const transactions = new Map<string, Promise<TransactionResponse | null>>();
  const timestamps = new Map<number, Promise<bigint>>([[tip.number, Promise.resolve(BigInt(tip.timestamp))]]);
  const context: AuditContext = {
    provider,
    zone,
    chainId: network.chainId,
    block: tip.number,
    timestamp: BigInt(tip.timestamp),
    fromBlock,
    logs,
    admissions,
    admissionLogs,
    sealedBallots,
    sealedLogs,
    servicesLogs,
    productionLogs,
    services: modules?.services,
    proposals: readAuditedProposals(logs),
    progress,
    transaction(hash) {
      let response = transactions.get(hash);
      if (response === undefined) {
        response = provider.getTransaction(hash);
        transactions.set(hash, response);
      }
      return response;
    },
    timestampOf(blockNumber) {
      let timestamp = timestamps.get(blockNumber);
      if (timestamp === undefined) {
        timestamp = provider.getBlock(blockNumber).then((block) => {
          if (block === null) throw new Error(`block ${blockNumber} not found`);
          return BigInt(block.timestamp);
        });
        timestamps.set(blockNumber, timestamp);
      }
      return timestamp;
    },
    mapLimit: (items, fn) => mapLimit(items, limit, fn),
  };
  return { context, unreadable };
}

/** `abi`'s view `name` of `address` at `blockTag`: its first result. */
export async function callAt<T>(
  provider: Provider,
  address: string,
  abi: Interface,
  name: string,
  args: readonly unknown[],
  blockTag: number,
): Promise<T> {
  const result = await provider.call({ to: address, data: abi.encodeFunctionData(name, args), blockTag });
  return abi.decodeFunctionResult(name, result)[0] as T;
}

/**
 * The zone's ZoneAdmissions contract as of `blockTag`, or undefined for a zone that has none (a zone
 * implementation from before admissions: its every admission after the founding is then reported).
 */
async function admissionsAddress(
  provider: Provider,
  zone: string,
  blockTag: number,
): Promise<string | undefined> {
  try {
    return getAddress(await callAt<string>(provider, zone, ZONE, "ADMISSIONS", [], blockTag));
  } catch {
    return undefined;
  }
}

/** The sealed ballots module of the zone's factory as of `blockTag`, or undefined if it has none. */
async function sealedBallotsAddress(
  provider: Provider,
  zone: string,
  blockTag: number,
): Promise<string | undefined> {
  try {
    const factory = await callAt<string>(provider, zone, ZONE, "factory", [], blockTag);
    const module = await callAt<string>(provider, factory, FACTORY, "SEALED_BALLOTS", [], blockTag);
    return module === ZeroAddress ? undefined : getAddress(module);
  } catch {
    return undefined; // a factory from before sealed ballots
  }
}

/** The services registry and goods contract of the zone's factory as of `blockTag`. */
async function economyModules(
  provider: Provider,
  zone: string,
  blockTag: number,
): Promise<{ services: string; goods: string } | undefined> {
  try {
    const factory = await callAt<string>(provider, zone, ZONE, "factory", [], blockTag);
    const [services, goods] = await Promise.all([
      callAt<string>(provider, factory, FACTORY, "SERVICES", [], blockTag),
      callAt<string>(provider, factory, FACTORY, "GOODS", [], blockTag),
    ]);
    return { services: getAddress(services), goods: getAddress(goods) };
  } catch {
    return undefined;
  }
}

/** `fn` over `items`, at most `limit` at a time, results in the items' order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
