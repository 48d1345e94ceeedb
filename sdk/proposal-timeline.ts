/**
 * A proposal's timeline, the one reading every layer shows: its state, when its vote ends, from when
 * until when it can be queued and executed, its tally labelled per option, and the next step in
 * words. Read in the chain's time (the latest block's timestamp), never the reader's clock: a
 * deadline the zone enforces is the chain's, and a test chain's clock is not the wall clock.
 */
import type { ContractRunner } from "ethers";
import { ballotOptions, proposalTitle } from "./ballot.js";
import { PROPOSAL_STATES, type ProposalStateName } from "./constants.js";
import { sealedBallotsOf, type Zone } from "./contracts.js";
import { formatDuration } from "./describe.js";
import { queryEvents } from "./logs.js";
import { readProposals, type ProposalRecord } from "./proposals.js";

/** The rules a proposal is decided and run by: the zone's rules when it was created. */
export interface ProposalRules {
  quorumBps: bigint;
  approvalBps: bigint;
  executionDelay: bigint;
  executionWindow: bigint;
}

/** One option's votes, in ballot order, labelled as every app labels it ("For", "Option 2: Bo"). */
export interface LabelledTally {
  /** The chain's option index. */
  option: number;
  label: string;
  votes: bigint;
}

export interface ProposalTimeline {
  proposalId: bigint;
  state: ProposalStateName;
  /** Its ProposalCreated record: description, options and their actions, creation block. */
  record: ProposalRecord;
  title: string;
  rules: ProposalRules;
  /** The chain's time these were read at: the latest block's timestamp (unix seconds). */
  chainTime: bigint;
  voteStart: bigint;
  voteEnd: bigint;
  /**
   * Until when a passed proposal can be queued: the execution window from the vote's end (from the
   * tally, for a sealed proposal, once its tellers open it).
   */
  queueUntil: bigint;
  /** Whether anyone may queue it now (it Succeeded). */
  canQueue: boolean;
  /** From when it can be executed, once queued (its eta); null before. */
  executableFrom: bigint | null;
  /** Until when it can be executed, once queued: its eta plus the execution window; null before. */
  executableUntil: bigint | null;
  /** Whether anyone may execute it now (queued, and its timelock is over). */
  canExecute: boolean;
  tally: LabelledTally[];
  /** What happens next, in words and chain time: "voting ends in 2 hours 5 minutes (…)". */
  nextStep: string;
}

/**
 * The timelines of the zone's proposals (of `proposalId` alone, if given), oldest first, reading
 * events from `fromBlock` (the zone's creation block, or 0).
 */
export async function readProposalTimelines(
  zone: Zone,
  { fromBlock = 0, proposalId }: { fromBlock?: number; proposalId?: bigint } = {},
): Promise<ProposalTimeline[]> {
  const runner = zone.runner;
  if (!runner?.provider) throw new Error("the zone has no provider to read the chain from");
  const zoneAddress = await zone.getAddress();
  const [records, ruleChanges, currentRules, chainTime, tallyTimes] = await Promise.all([
    readProposals(zone, fromBlock, proposalId),
    queryEvents(zone, zone.filters.RulesChanged(), fromBlock),
    zone.rules(),
    chainTimeOf(runner),
    sealedTallyTimes(zoneAddress, runner, fromBlock),
  ]);
  // The rules in force at a block: the last RulesChanged up to it (one in the proposal's own block is
  // taken as before it). The zone emits one when it is created, so a proposal always finds one.
  const rulesAt = (block: number) =>
    ruleChanges.filter((change) => change.blockNumber <= block).at(-1)?.args.rules ?? currentRules;
  const timelines: ProposalTimeline[] = [];
  for (const record of records) {
    const view = await zone.getProposal(record.proposalId);
    const rules = rulesAt(record.blockNumber);
    timelines.push(
      timelineOf(record, view, chainTime, tallyTimes.get(record.proposalId), {
        quorumBps: rules.quorumBps,
        approvalBps: rules.approvalBps,
        executionDelay: rules.executionDelay,
        executionWindow: rules.executionWindow,
      }),
    );
  }
  return timelines;
}

/** One proposal's timeline; throws if the zone has no such proposal from `fromBlock` on. */
export async function readProposalTimeline(
  zone: Zone,
  proposalId: bigint,
  options: { fromBlock?: number } = {},
): Promise<ProposalTimeline> {
  const [timeline] = await readProposalTimelines(zone, { ...options, proposalId });
  if (timeline === undefined) {
    throw new Error(
      `zone ${await zone.getAddress()} has no proposal ${proposalId} (no ProposalCreated from block ${options.fromBlock ?? 0})`,
    );
  }
  return timeline;
}

/** The chain's time: the latest block's timestamp, in unix seconds. */
export async function chainTimeOf(runner: ContractRunner | null): Promise<bigint> {
  const block = await runner?.provider?.getBlock("latest");
  if (!block) throw new Error("cannot read the latest block: no provider");
  return BigInt(block.timestamp);
}

/** A chain timestamp as every sentence here writes it: ISO 8601, UTC. */
export function formatChainTime(seconds: bigint | number): string {
  return new Date(Number(seconds) * 1000).toISOString();
}

/** What Zone.getProposal returns that a timeline reads. */
interface ProposalView {
  state: bigint;
  voteStart: bigint;
  voteEnd: bigint;
  eta: bigint;
  tally: readonly bigint[];
}

function timelineOf(
  record: ProposalRecord,
  view: ProposalView,
  chainTime: bigint,
  talliedAt: bigint | undefined,
  rules: ProposalRules,
): ProposalTimeline {
  const state = PROPOSAL_STATES[Number(view.state)];
  if (state === undefined)
    throw new Error(`proposal ${record.proposalId} has an unknown state ${view.state}`);
  const queued = view.eta !== 0n;
  // As the zone counts it (ZoneGovernance.state): the window runs from the vote's end (a sealed
  // proposal's tally) until it is queued, then again from the end of its timelock.
  const queueUntil = (talliedAt ?? view.voteEnd) + rules.executionWindow;
  const executableUntil = queued ? view.eta + rules.executionWindow : null;
  const timeline = {
    proposalId: record.proposalId,
    state,
    record,
    title: proposalTitle(record),
    rules,
    chainTime,
    voteStart: view.voteStart,
    voteEnd: view.voteEnd,
    queueUntil,
    canQueue: state === "Succeeded",
    executableFrom: queued ? view.eta : null,
    executableUntil,
    canExecute: state === "Queued" && chainTime >= view.eta,
    tally: ballotOptions(record).map(({ index, label }) => ({
      option: index,
      label,
      votes: view.tally[index] ?? 0n,
    })),
  };
  return { ...timeline, nextStep: nextStep(timeline) };
}

/** The next step of a proposal in a sentence, with its times from the chain's clock. */
function nextStep(timeline: Omit<ProposalTimeline, "nextStep">): string {
  const { chainTime } = timeline;
  // "in 2 hours 5 minutes (2030-01-01T10:05:00.000Z)"; rounded up, so never shown earlier than it is.
  const at = (time: bigint) =>
    time > chainTime
      ? `in ${formatDuration(time - chainTime, { units: 2 })} (${formatChainTime(time)})`
      : `at ${formatChainTime(time)}`;
  switch (timeline.state) {
    case "Pending":
      return `voting opens ${at(timeline.voteStart)}`;
    case "Active":
      return `voting ends ${at(timeline.voteEnd)}`;
    case "Tallying":
      return `the vote is sealed: its tellers must open the tally, by ${formatChainTime(timeline.queueUntil)}`;
    case "Canceled":
      return "canceled: it will not run";
    case "Defeated":
      return "defeated: it did not pass, so it will not run";
    case "Succeeded":
      return `passed: anyone can queue it now (\`zonedao execute\`); it expires if not queued ${at(timeline.queueUntil)}`;
    case "Queued":
      return timeline.canExecute
        ? `queued: anyone can execute it now (\`zonedao execute\`), until ${formatChainTime(timeline.executableUntil!)}`
        : `queued: executable ${at(timeline.executableFrom!)}, until ${formatChainTime(timeline.executableUntil!)}`;
    case "Expired":
      return `expired: its execution window closed at ${formatChainTime(timeline.executableUntil ?? timeline.queueUntil)}`;
    case "Executed":
      return "executed: nothing left to do";
  }
}

/**
 * When each of the zone's sealed proposals had its tally opened (the block of its
 * SealedTallyCompleted), by proposal id: a sealed proposal's execution window runs from then. Empty
 * for a deployment without sealed ballots.
 */
async function sealedTallyTimes(
  zone: string,
  runner: ContractRunner,
  fromBlock: number,
): Promise<Map<bigint, bigint>> {
  const sealedBallots = await sealedBallotsOf(zone, runner);
  const times = new Map<bigint, bigint>();
  if (sealedBallots === undefined) return times;
  for (const event of await queryEvents(
    sealedBallots,
    sealedBallots.filters.SealedTallyCompleted(zone),
    fromBlock,
  )) {
    const block = await runner.provider?.getBlock(event.blockNumber);
    if (block) times.set(event.args.proposalId, BigInt(block.timestamp));
  }
  return times;
}
