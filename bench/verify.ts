/**
 * Off-chain verification throughput over the same 64 real votes: the sdk's batch verifier next to
 * a plain loop of snarkjs's groth16.verify with the official key (what @semaphore-protocol/proof's
 * verifyProof does for each proof).
 */
import { groth16 } from "snarkjs";
import {
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

  // The first call of each builds its curve and reads the key: not part of the throughput.
  progress("verify", `${votes.length} votes (depth ${depth}): warm-up, then ${ROUNDS} rounds each`);
  await snarkjsVerify(votes[0]!);
  await verifier.verifyVotes(items.slice(0, 1));
  const snarkjsTimes: number[] = [];
  const sdkTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    snarkjsTimes.push(await timeMs(snarkjsLoop));
    sdkTimes.push(await timeMs(sdkBatch));
  }
  await verifier.terminate();

  const perSecond = (times: number[]) => Math.round((votes.length * 1000) / median(times));
  return {
    proofs: votes.length,
    depth,
    rounds: ROUNDS,
    sdkPerSecond: perSecond(sdkTimes),
    snarkjsPerSecond: perSecond(snarkjsTimes),
  };
}

export function printVerify(results: VerifyResults): void {
  const reference = results.snarkjsPerSecond;
  printTable(
    `Off-chain verification, ${results.proofs} real votes at depth ${results.depth} (median of ${results.rounds} rounds)`,
    ["verifier", "proofs/s", "vs snarkjs loop"],
    [
      [
        "snarkjs `groth16.verify` loop (reference)",
        formatNumber(reference),
        formatRatio(reference, reference),
      ],
      [
        "sdk `createProofVerifier().verifyVotes`, one batch",
        formatNumber(results.sdkPerSecond),
        formatRatio(results.sdkPerSecond, reference),
      ],
    ],
  );
}
