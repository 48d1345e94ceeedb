/**
 * Off-chain verification throughput over the same 64 real votes: the sdk's batch verifier next to
 * a plain loop of snarkjs's groth16.verify with the official key (what @semaphore-protocol/proof's
 * verifyProof does for each proof).
 *
 * Each is timed twice: by the clock (the figures the bars use) and by the process's CPU time, which
 * a busy, shared machine inflates less (a process waiting for a core uses none). The sdk runs on
 * the calling thread alone; snarkjs's loop as it comes, with its worker threads.
 */
import { loadavg } from "node:os";
import { groth16 } from "snarkjs";
import {
  BN254_BASE_FIELD,
  createProofVerifier,
  semaphoreHash,
  voteScope,
  type VoteProof,
  type VoteSnapshot,
} from "../sdk/index.js";
import { formatNumber, formatRatio, median, printTable, progress, timeMs } from "./report.js";
import { unpackProof, verificationKey } from "./semaphore.js";

const ROUNDS = 5;

export interface VerifyResults {
  proofs: number;
  depth: number;
  rounds: number;
  /** Proofs per second of the sdk's createProofVerifier().verifyVotes, one call for all proofs. */
  sdkPerSecond: number;
  /** Proofs per second of a loop of snarkjs groth16.verify, default settings. */
  snarkjsPerSecond: number;
  /**
   * Proofs per second of verifyVotes on a batch of forged proofs that pass every check but the
   * pairing one (each vote's A negated), as a flood of them reaches a relayer's threads.
   */
  sdkForgedPerSecond: number;
  /** The same, per second of the process's CPU time (all its threads). */
  sdkPerCpuSecond: number;
  snarkjsPerCpuSecond: number;
  /** The machine's 1-minute load average as the rounds ended: how busy the shared cores were. */
  loadAverage: number;
}

export async function benchVerify(votes: VoteProof[], snapshot: VoteSnapshot): Promise<VerifyResults> {
  const depth = snapshot.snapshotDepth;
  const key = verificationKey(depth);
  const snarkjsVerify = async (vote: VoteProof) => {
    const publicSignals = [
      snapshot.snapshotRoot,
      vote.nullifier,
      semaphoreHash(BigInt(vote.option)),
      semaphoreHash(voteScope(snapshot.chainId, snapshot.zone, vote.proposalId)),
    ].map(String);
    return groth16.verify(key, publicSignals, unpackProof(vote.points));
  };
  const snarkjsLoop = async () => {
    for (const vote of votes) {
      if (!(await snarkjsVerify(vote))) throw new Error("snarkjs rejected a valid vote");
    }
  };

  const verifier = await createProofVerifier();
  const items = votes.map((vote) => ({ vote, snapshot }));
  const sdkBatch = async () => {
    const verdicts = await verifier.verifyVotes(items);
    if (!verdicts.every(Boolean)) throw new Error("the sdk verifier rejected a valid vote");
  };
  const forgedItems = items.map(({ vote }) => {
    const points = [...vote.points] as VoteProof["points"];
    points[1] = BN254_BASE_FIELD - points[1]; // -A: on the curve, and the proof no longer holds
    return { vote: { ...vote, points }, snapshot };
  });
  const sdkForgedBatch = async () => {
    const verdicts = await verifier.verifyVotes(forgedItems);
    if (verdicts.some(Boolean)) throw new Error("the sdk verifier accepted a forged vote");
  };

  // Throughput in a steady state, as a relayer's verifier threads run for hours: one whole round
  // of each first. The first call builds its curve and reads the key, and WebAssembly starts in a
  // baseline compiler, its hot functions optimized in the background while they run: a single
  // proof as the warm-up left the first rounds to pay for that (CPU time above wall time).
  progress("verify", `${votes.length} votes (depth ${depth}): a warm-up round, then ${ROUNDS} rounds each`);
  await snarkjsLoop();
  await sdkBatch();
  const snarkjsTimes: number[] = [];
  const sdkTimes: number[] = [];
  const snarkjsCpuTimes: number[] = [];
  const sdkCpuTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    snarkjsCpuTimes.push(await cpuMs(async () => snarkjsTimes.push(await timeMs(snarkjsLoop))));
    sdkCpuTimes.push(await cpuMs(async () => sdkTimes.push(await timeMs(sdkBatch))));
  }
  // A flood: after a round of forged proofs the verifier has seen mostly forged ones, as a thread
  // under such a flood has, and checks a failed batch's proofs one by one.
  progress("verify", `${votes.length} forged votes: a warm-up round, then ${ROUNDS} rounds`);
  await sdkForgedBatch();
  const sdkForgedTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) sdkForgedTimes.push(await timeMs(sdkForgedBatch));
  await verifier.terminate();

  const perSecond = (times: number[]) => Math.round((votes.length * 1000) / median(times));
  return {
    proofs: votes.length,
    depth,
    rounds: ROUNDS,
    sdkPerSecond: perSecond(sdkTimes),
    snarkjsPerSecond: perSecond(snarkjsTimes),
    sdkForgedPerSecond: perSecond(sdkForgedTimes),
    sdkPerCpuSecond: perSecond(sdkCpuTimes),
    snarkjsPerCpuSecond: perSecond(snarkjsCpuTimes),
    loadAverage: Math.round(loadavg()[0]! * 10) / 10,
  };
}

/** The process's CPU time (user and system, all threads) that `task` took, in milliseconds. */
async function cpuMs(task: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  await task();
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}

export function printVerify(results: VerifyResults): void {
  const reference = results.snarkjsPerSecond;
  const cpuReference = results.snarkjsPerCpuSecond;
  printTable(
    `Off-chain verification, ${results.proofs} real votes at depth ${results.depth} (median of ${results.rounds} rounds, load average ${results.loadAverage})`,
    ["verifier", "proofs/s", "vs snarkjs loop", "proofs/CPU-s", "vs snarkjs loop"],
    [
      [
        "snarkjs `groth16.verify` loop (reference)",
        formatNumber(reference),
        formatRatio(reference, reference),
        formatNumber(cpuReference),
        formatRatio(cpuReference, cpuReference),
      ],
      [
        "sdk `createProofVerifier().verifyVotes`, one batch, one thread",
        formatNumber(results.sdkPerSecond),
        formatRatio(results.sdkPerSecond, reference),
        formatNumber(results.sdkPerCpuSecond),
        formatRatio(results.sdkPerCpuSecond, cpuReference),
      ],
      [
        "sdk, one batch of well-formed forged proofs (A negated)",
        formatNumber(results.sdkForgedPerSecond),
        formatRatio(results.sdkForgedPerSecond, reference),
        "",
        "",
      ],
    ],
  );
}
