/**
 * `zonedao proposal list`: every proposal of a zone with its state and its next step in the chain's
 * time, so an operator sees at a glance what can be queued or executed now, and what will expire.
 */
import { chainTimeOf, readProposalTimelines } from "../../sdk/index.js";
import { formatTime } from "../context.js";
import { common, zoneFlag, type Command } from "../flags.js";
import { timelineSummary } from "./proposal-show.js";

export const proposalList: Command = {
  name: "proposal list",
  summary: "list a zone's proposals: state, and when each can be queued or executed",
  usage: `zonedao proposal list --zone ZONE [--json]

Every proposal of the zone, oldest first: its id, state, title (the first line of its description)
and its next step with its times, in the chain's time (the latest block's, not this machine's
clock): "voting ends in 2 hours 5 minutes (…)", "passed: anyone can queue it now", "queued:
executable in 10 minutes (…), until …", "expired: …". \`zonedao proposal show\` tells one in full;
--json gives times in unix seconds.`,
  options: { ...common, ...zoneFlag },
  async run(context) {
    const { address, zone, createdBlock } = await context.zone();
    const timelines = await readProposalTimelines(zone, { fromBlock: createdBlock });
    // The time the timelines were read at; read alone only when there is none.
    const chainTime = timelines[0]?.chainTime ?? (await chainTimeOf(await context.provider()));
    const proposals = timelines.map((timeline) => ({
      ...timelineSummary(timeline),
      title: firstLine(timeline.title),
    }));
    const width = Math.max(0, ...timelines.map((timeline) => timeline.state.length));
    const text = [
      `proposals of ${address} at chain time ${formatTime(chainTime)}` +
        (timelines.length === 0 ? ": none" : ""),
      ...proposals.flatMap((proposal) => [
        `  #${proposal.proposalId} ${proposal.state.padEnd(width)}  ${proposal.title}`,
        `      ${proposal.nextStep}`,
      ]),
    ].join("\n");
    context.print({ zone: address, proposals }, text);
  },
};

function firstLine(text: string): string {
  return text.split("\n", 1)[0]!.trim();
}
