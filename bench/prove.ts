/**
 * Proving time at tree depths 10, 16 and 20: the sdk's prover next to the stock
 * @semaphore-protocol/proof generateProof, same group, same official artifacts, alternating runs.
 * The sdk's proveVote keeps its prover for the process, as the web app's worker does (the circuit
 * warm, the last proof's sums replayed): each run proves a vote on a new proposal, then another
 * option of it, as the app proves every option of a ballot.
 */
import { Group, Identity, VoteOption, proveVote, semaphoreArtifacts, voteScope } from "../sdk/index.js";
import { fakeCommitments } from "./members.js";
import { formatNumber, formatRatio, median, printTable, progress, timeMs } from "./report.js";
import { generateProof } from "./semaphore.js";
import { buildBn128 } from "ffjavascript";

export const PROOF_DEPTHS = [10, 16, 20] as const;
const RUNS = 5;

/** A group whose tree has the depth under test, and a member who proves in it. */
export interface ProvingGroup {
  group: Group;
  prover: Identity;
  proverIndex: number;
}

export interface ProveResult {
  members: number;
  runs: number;
  /** Median milliseconds of the sdk's proveVote, a vote on a new proposal (a new scope). */
  sdkMs: number;
  /** Median milliseconds of the sdk's proveVote, another option of the same proposal. */
  sdkOptionMs: number;
  /** Median milliseconds of @semaphore-protocol/proof's generateProof. */
  semaphoreMs: number;
}

/** The smallest group of depth `depth` (2^(depth-1) + 1 members), the prover last. */
export function smallestGroupOfDepth(depth: number): ProvingGroup {
  const prover = new Identity(`zonedao-bench-prover-${depth}`);
  const group = new Group([
    ...fakeCommitments(2 ** (depth - 1), `zonedao-bench-depth-${depth}`),
    prover.commitment,
  ]);
  return { group, prover, proverIndex: group.size - 1 };
}

/** Times both provers in each group (keyed by depth). */
export async function benchProve(groups: Map<number, ProvingGroup>): Promise<Record<string, ProveResult>> {
  const results: Record<string, ProveResult> = {};
  // Any vote context: proving does not depend on it. The scope is the one proveVote computes.
  const context = {
    chainId: 31337n,
    zone: "0x000000000000000000000000000000000000da0a",
    proposalId: 1n,
    option: VoteOption.For,
  };
  const scope = voteScope(context.chainId, context.zone, context.proposalId);
  let proposalId = context.proposalId;
  for (const depth of PROOF_DEPTHS) {
    const provingGroup = groups.get(depth);
    if (provingGroup?.group.depth !== depth) throw new Error(`no group of depth ${depth} to prove in`);
    const { group, prover } = provingGroup;
    const artifacts = semaphoreArtifacts(depth);
    // A new proposal each run, so no run replays the one before's witness whole.
    const sdkProof = () => proveVote(prover, group, { ...context, proposalId: ++proposalId });
    const sdkOptionProof = () =>
      proveVote(prover, group, { ...context, proposalId, option: VoteOption.Against });
    const semaphoreProof = () =>
      onStockEngine(() => generateProof(prover, group, context.option, scope, depth, artifacts));

    progress(
      "prove",
      `depth ${depth} (${formatNumber(group.size)} members): warm-up, then ${RUNS} runs each`,
    );
    await sdkProof();
    const sdkTimes: number[] = [];
    const sdkOptionTimes: number[] = [];
    const semaphoreTimes: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      sdkTimes.push(await timeMs(sdkProof));
      sdkOptionTimes.push(await timeMs(sdkOptionProof));
      semaphoreTimes.push(await timeMs(semaphoreProof));
    }
    results[depth] = {
      members: group.size,
      runs: RUNS,
      sdkMs: Math.round(median(sdkTimes)),
      sdkOptionMs: Math.round(median(sdkOptionTimes)),
      semaphoreMs: Math.round(median(semaphoreTimes)),
    };
  }
  await stopStockEngine();
  return results;
}

/**
 * snarkjs's provers take the process's cached threaded engine (globalThis.curve_bn128), which is
 * the sdk's, with our field multiplication, once the sdk has proved: the reference would then be
 * faster than the stock generateProof a Semaphore user runs. So it runs on an engine of its own,
 * built without the sdk's plugin and put in the cache only while it proves.
 */
const engineCache = globalThis as { curve_bn128?: unknown };
let stockEngine: Promise<unknown> | undefined;
async function onStockEngine<T>(prove: () => Promise<T>): Promise<T> {
  const sdkEngine = engineCache.curve_bn128;
  try {
    stockEngine ??= (() => {
      delete engineCache.curve_bn128;
      return buildBn128(false);
    })();
    engineCache.curve_bn128 = await stockEngine;
    return await prove();
  } finally {
    engineCache.curve_bn128 = sdkEngine;
  }
}
async function stopStockEngine(): Promise<void> {
  const engine = (await stockEngine) as { terminate(): Promise<void> } | undefined;
  stockEngine = undefined;
  const sdkEngine = engineCache.curve_bn128;
  await engine?.terminate(); // (terminate also clears the cache)
  engineCache.curve_bn128 = sdkEngine;
}

export function printProve(results: Record<string, ProveResult>): void {
  printTable(
    "Proof generation, median ms (reference: @semaphore-protocol/proof generateProof)",
    ["depth", "members", "sdk, new proposal", "sdk, other option", "`generateProof`", "sdk vs reference"],
    PROOF_DEPTHS.map((depth) => {
      const { members, sdkMs, sdkOptionMs, semaphoreMs } = results[depth]!;
      return [
        String(depth),
        formatNumber(members),
        formatNumber(sdkMs),
        formatNumber(sdkOptionMs),
        formatNumber(semaphoreMs),
        formatRatio(sdkMs, semaphoreMs),
      ];
    }),
  );
}
