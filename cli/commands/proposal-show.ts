/**
 * `zonedao proposal show`: one proposal's whole timeline in the chain's time (vote, queue,
 * execution window), its tally per labelled option, what each option does in words, and the next
 * step. The timeline is the sdk's (readProposalTimeline), as `proposal list` and `zone show` read it.
 */
import {
  decisionRuleText,
  describeBallot,
  readProposalTimeline,
  zoneFactoryAt,
  type DescribeContext,
  type ProposalTimeline,
  type Zone,
} from "../../sdk/index.js";
import { existingProposal, formatTime } from "../context.js";
import { common, zoneFlag, type Command } from "../flags.js";

export const proposalShow: Command = {
  name: "proposal show",
  summary: "show a proposal: its state, when it can be queued and executed, tally and options",
  usage: `zonedao proposal show --zone ZONE --proposal ID [--json]

Everything about one proposal, in the chain's time (the latest block's, not this machine's clock):
its state and the next step in words, when its vote ends, until when it can be queued once it
passed, from when until when it can be executed once queued, its votes per option as ballots label
them, what each option does, and the rule that decides it. --json gives times in unix seconds.`,
  options: { ...common, ...zoneFlag, proposal: { type: "string" } },
  async run(context) {
    const proposalId = context.uint("proposal");
    const { address, zone, createdBlock } = await context.zone();
    await existingProposal(zone, address, proposalId);
    const timeline = await readProposalTimeline(zone, proposalId, { fromBlock: createdBlock });
    const ballot = describeBallot(timeline.record, await describeContextOf(zone, address));
    const rule = decisionRuleText({ multipleChoice: timeline.record.multipleChoice, ...timeline.rules });
    const votesOf = (option: number) => timeline.tally.find((entry) => entry.option === option)?.votes ?? 0n;
    const summary = {
      zone: address,
      ...timelineSummary(timeline),
      description: timeline.record.description,
      createdBlock: timeline.record.blockNumber,
      voteStart: timeline.voteStart,
      rules: timeline.rules,
      rule,
      options: ballot.map((choice) => ({
        option: choice.index,
        label: choice.label,
        does: choice.actions,
        votes: votesOf(choice.index),
      })),
    };
    const text = [
      `proposal #${proposalId} of ${address}: ${timeline.state}`,
      `  ${timeline.title}`,
      `  next: ${timeline.nextStep}`,
      `  chain time  ${formatTime(timeline.chainTime)}`,
      `  vote        ${formatTime(timeline.voteStart)} to ${formatTime(timeline.voteEnd)}`,
      timeline.executableFrom === null
        ? `  queue       from the vote's end, if it passes, until ${formatTime(timeline.queueUntil)}`
        : `  execute     from ${formatTime(timeline.executableFrom)} until ${formatTime(timeline.executableUntil!)}`,
      "  votes",
      ...ballot.map((choice) => `    ${votesOf(choice.index).toString().padStart(4)}  ${choice.label}`),
      "  options",
      ...ballot.map((choice) => `    ${choice.line}`),
      `  ${rule}`,
    ].join("\n");
    context.print(summary, text);
  },
};

/**
 * The timeline as `proposal list` and `proposal show` print it in JSON: times in the chain's unix
 * seconds, null where a step has not come (no eta before it is queued).
 */
export function timelineSummary(timeline: ProposalTimeline) {
  return {
    proposalId: timeline.proposalId,
    state: timeline.state,
    title: timeline.title,
    chainTime: timeline.chainTime,
    voteEnd: timeline.voteEnd,
    queueUntil: timeline.queueUntil,
    canQueue: timeline.canQueue,
    executableFrom: timeline.executableFrom,
    executableUntil: timeline.executableUntil,
    canExecute: timeline.canExecute,
    tally: timeline.tally,
    nextStep: timeline.nextStep,
  };
}

/**
 * What the zone's decisions call, so their actions read as decisions: the zone's own governance,
 * its admissions contract, and its factory's modules (services, trade, goods, tellers).
 */
async function describeContextOf(zone: Zone, address: string): Promise<DescribeContext> {
  const factory = zoneFactoryAt(await zone.factory(), zone.runner!);
  const [admissions, services, trade, goods, tellers] = await Promise.all([
    zone.ADMISSIONS(),
    factory.SERVICES(),
    factory.TRADE(),
    factory.GOODS(),
    factory.TELLERS(),
  ]);
  return { zone: address, admissions, services, trade, goods, tellers };
}
