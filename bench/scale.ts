/**
 * A zone of 1,000,000 citizens: gas to register them (next to the official Semaphore contract),
 * the client-side rebuild of the whole group, and a citizen's Merkle path from downloaded buckets
 * (sdk/private-path.ts) next to that rebuild.
 */
import { poseidon2 } from "poseidon-lite";
import { Group, Identity, type Zone } from "../sdk/index.js";
import { createBenchZone, createSemaphoreGroup, gasOf, type BenchChain } from "./chain.js";
import { fakeCommitments } from "./members.js";
import {
  BUCKET_BITS,
  DECOY_BUCKETS,
  NODE_BYTES,
  decoyBuckets,
  merkleProofFromBuckets,
  type TreeTop,
} from "../sdk/private-path.js";
import type { ProvingGroup } from "./prove.js";
import { formatBytes, formatNumber, formatRatio, median, printTable, progress, timeMs } from "./report.js";

export const MEMBERS = 1_000_000;
/**
 * Osaka's per-transaction gas cap (EIP-7825, 2^24 gas), which Hardhat's network enforces, fits
 * at most about 300 registrations; 1,000 per transaction would need 56M gas.
 */
const REGISTRATION_BATCH = 250;
const REGISTRATION_BATCHES = 8;
const PATH_RUNS = 5;
/** Where the proving citizen sits: any full bucket would do. */
const CITIZEN_INDEX = 777_777;
/** Members added per Group.addMembers call while rebuilding, as a client adds them event by event. */
const REBUILD_CHUNK = 2 ** 17;

export interface ScaleResults {
  members: number;
  /** Gas per member of ZoneDAO's addMembers, over the first registration batches. */
  gasPerMember: number;
  /** The same batches through the official Semaphore contract's addMembers. */
  semaphoreGasPerMember: number;
  registration: {
    batchSize: number;
    batches: number;
    firstBatchGasPerMember: number;
    lastBatchGasPerMember: number;
    depthAfterFirstBatch: number;
    depthAfterLastBatch: number;
    /** How the per-member gas grew per tree level, from the first batch to the last. */
    gasPerMemberPerLevel: number;
    transactionsFor1M: number;
  };
  /** Milliseconds to rebuild the whole group client-side (@semaphore-protocol/group). */
  groupRebuildMs: number;
  treeDepth: number;
  /** Median milliseconds for a citizen to compute its Merkle path from the downloaded buckets. */
  merklePathMs: number;
  bucketSize: number;
  buckets: number;
  /** Bytes the citizen downloads: the bucket roots and its own bucket. */
  downloadBytes: number;
  downloadBytesWithDecoys: number;
  decoyBuckets: number;
  /** Bytes of every member (what a full rebuild downloads). */
  fullDownloadBytes: number;
}

export interface ScaleRun {
  results: ScaleResults;
  /** The million-member group and a citizen in it (the prove section proves at depth 20 there). */
  million: ProvingGroup;
}

export async function benchScale(chain: BenchChain): Promise<ScaleRun> {
  const log = (message: string) => progress("scale", message);
  log(`generating ${formatNumber(MEMBERS)} commitments`);
  const citizen = new Identity("zonedao-bench-million-citizen");
  const commitments = fakeCommitments(MEMBERS, "zonedao-bench-million");
  commitments[CITIZEN_INDEX] = citizen.commitment;

  const registration = await registrationGas(chain, commitments, log);

  log(`rebuilding the ${formatNumber(MEMBERS)}-member group client-side (Group.addMembers)`);
  const group = new Group();
  const groupRebuildMs = await timeMs(() => {
    for (let start = 0; start < MEMBERS; start += REBUILD_CHUNK) {
      group.addMembers(commitments.slice(start, start + REBUILD_CHUNK));
      log(`  ${formatNumber(group.size)} / ${formatNumber(MEMBERS)} members`);
    }
  });
  const fullProof = group.generateMerkleProof(CITIZEN_INDEX);

  log(`publishing buckets of ${2 ** BUCKET_BITS} leaves; the citizen computes its path from them`);
  const top = publishTop(group);
  const ownBucket = CITIZEN_INDEX >> BUCKET_BITS;
  const bucketSize = 2 ** BUCKET_BITS;
  const download = new Map([
    [ownBucket, group.members.slice(ownBucket * bucketSize, (ownBucket + 1) * bucketSize)],
  ]);
  const pathTimes: number[] = [];
  for (let run = 0; run < PATH_RUNS; run++) {
    pathTimes.push(
      await timeMs(() => {
        const proof = merkleProofFromBuckets(top, download, CITIZEN_INDEX, citizen.commitment, group.root);
        if (
          proof.index !== fullProof.index ||
          proof.siblings.length !== fullProof.siblings.length ||
          proof.siblings.some((sibling, level) => sibling !== fullProof.siblings[level])
        ) {
          throw new Error("the path from the buckets differs from the full group's");
        }
      }),
    );
  }
  // The citizen's decoys, as privateMerkleProof derives them (the zone here is a stand-in address).
  const decoys = decoyBuckets(
    citizen.secretScalar,
    BENCH_ZONE,
    top.bucketRoots.length,
    DECOY_BUCKETS,
    ownBucket,
  );
  const downloadBytes = (buckets: number) => (top.bucketRoots.length + buckets * bucketSize) * NODE_BYTES;

  return {
    results: {
      members: MEMBERS,
      ...registration,
      groupRebuildMs: Math.round(groupRebuildMs),
      treeDepth: group.depth,
      merklePathMs: Math.round(median(pathTimes) * 10) / 10,
      bucketSize: 2 ** BUCKET_BITS,
      buckets: top.bucketRoots.length,
      downloadBytes: downloadBytes(1),
      downloadBytesWithDecoys: downloadBytes(1 + decoys.length),
      decoyBuckets: DECOY_BUCKETS,
      fullDownloadBytes: MEMBERS * NODE_BYTES,
    },
    million: { group, prover: citizen, proverIndex: CITIZEN_INDEX },
  };
}

/** A stand-in zone address the citizen's decoys are derived for. */
const BENCH_ZONE = "0x000000000000000000000000000000000000dA0A";

/**
 * The top of the group's tree, as an indexer publishes it, from the group it already maintains: a
 * full bucket's root is its first leaf hashed up through the first k siblings of that leaf's path
 * (the leaf is a left child at every level inside the bucket); the last bucket, if partly filled,
 * is rehashed on its own.
 */
function publishTop(group: Group): TreeTop {
  const bucketSize = 2 ** BUCKET_BITS;
  const bucketRoots: bigint[] = [];
  for (let index = 0; index * bucketSize < group.size; index++) {
    if ((index + 1) * bucketSize <= group.size) {
      const { leaf, siblings } = group.generateMerkleProof(index * bucketSize);
      bucketRoots.push(
        siblings.slice(0, BUCKET_BITS).reduce((node, sibling) => poseidon2([node, sibling]), leaf),
      );
    } else {
      bucketRoots.push(new Group(group.members.slice(index * bucketSize)).root);
    }
  }
  return { size: group.size, bucketBits: BUCKET_BITS, bucketRoots };
}

/**
 * Registers the first batches of `commitments` in a fresh zone and a fresh Semaphore group. The zone
 * has no proposal, so it is founding: its registrar's addMembers admits at once (after the founding
 * an admission waits out the admission delay: bench/gas.ts measures those paths).
 */
async function registrationGas(
  chain: BenchChain,
  commitments: bigint[],
  log: (message: string) => void,
): Promise<Pick<ScaleResults, "gasPerMember" | "semaphoreGasPerMember" | "registration">> {
  log(
    `registration gas: ${REGISTRATION_BATCHES} batches of ${REGISTRATION_BATCH} on a fresh zone and a fresh Semaphore group`,
  );
  const zone = (await createBenchZone(chain, "Million")).connect(chain.registrar);
  const groupId = await createSemaphoreGroup(chain);
  const zoneGas: number[] = [];
  const depths: number[] = [];
  let semaphoreGas = 0;
  for (let batch = 0; batch < REGISTRATION_BATCHES; batch++) {
    const members = commitments.slice(batch * REGISTRATION_BATCH, (batch + 1) * REGISTRATION_BATCH);
    zoneGas.push(Number(await gasOf(zone.addMembers(members))));
    semaphoreGas += Number(await gasOf(chain.semaphore.addMembers(groupId, members)));
    depths.push(await treeDepth(zone));
  }
  const registered = REGISTRATION_BATCH * REGISTRATION_BATCHES;
  const [firstBatch, lastBatch] = [zoneGas[0]! / REGISTRATION_BATCH, zoneGas.at(-1)! / REGISTRATION_BATCH];
  const [firstDepth, lastDepth] = [depths[0]!, depths.at(-1)!];
  return {
    gasPerMember: Math.round(zoneGas.reduce((sum, gas) => sum + gas, 0) / registered),
    semaphoreGasPerMember: Math.round(semaphoreGas / registered),
    registration: {
      batchSize: REGISTRATION_BATCH,
      batches: REGISTRATION_BATCHES,
      firstBatchGasPerMember: Math.round(firstBatch),
      lastBatchGasPerMember: Math.round(lastBatch),
      depthAfterFirstBatch: firstDepth,
      depthAfterLastBatch: lastDepth,
      gasPerMemberPerLevel: Math.round((lastBatch - firstBatch) / (lastDepth - firstDepth)),
      transactionsFor1M: Math.ceil(MEMBERS / REGISTRATION_BATCH),
    },
  };
}

async function treeDepth(zone: Zone): Promise<number> {
  const { depth } = await zone.merkleTree();
  return Number(depth);
}

export function printScale(results: ScaleResults): void {
  const { registration } = results;
  printTable(
    `Registering members (first ${formatNumber(registration.batchSize * registration.batches)} members, batches of ${registration.batchSize}; reference: official Semaphore addMembers)`,
    ["contract", "gas per member", "vs Semaphore"],
    [
      [
        "Semaphore `addMembers` (reference)",
        formatNumber(results.semaphoreGasPerMember),
        formatRatio(results.semaphoreGasPerMember, results.semaphoreGasPerMember),
      ],
      [
        "ZoneDAO `addMembers`",
        formatNumber(results.gasPerMember),
        formatRatio(results.gasPerMember, results.semaphoreGasPerMember),
      ],
      [
        `ZoneDAO, first batch (depth ${registration.depthAfterFirstBatch})`,
        formatNumber(registration.firstBatchGasPerMember),
        "",
      ],
      [
        `ZoneDAO, last batch (depth ${registration.depthAfterLastBatch})`,
        formatNumber(registration.lastBatchGasPerMember),
        "",
      ],
    ],
  );
  const rebuild = results.groupRebuildMs;
  printTable(
    `A citizen's Merkle path in a ${formatNumber(results.members)}-member group (depth ${results.treeDepth}; reference: rebuild the whole group)`,
    ["method", "client time", "download", "speed-up"],
    [
      [
        "rebuild the group from every member (reference)",
        `${formatNumber(rebuild / 1000, 1)} s`,
        formatBytes(results.fullDownloadBytes),
        formatRatio(rebuild, rebuild),
      ],
      [
        `bucket of ${formatNumber(results.bucketSize)} + ${formatNumber(results.buckets)} bucket roots`,
        `${formatNumber(results.merklePathMs, 1)} ms`,
        formatBytes(results.downloadBytes),
        formatRatio(rebuild, results.merklePathMs, 0),
      ],
      [
        `same, with ${results.decoyBuckets} decoy buckets`,
        `${formatNumber(results.merklePathMs, 1)} ms`,
        formatBytes(results.downloadBytesWithDecoys),
        formatRatio(rebuild, results.merklePathMs, 0),
      ],
    ],
  );
}
