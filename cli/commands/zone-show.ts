/** `zonedao zone show`: a zone as it stands: citizens, rules, treasury and proposals. */
import { ZeroAddress, formatEther } from "ethers";
import {
  DEFAULT_RULES,
  decisionRuleText,
  describeBallot,
  formatDuration,
  readProposalTimelines,
  type ZoneRules,
} from "../../sdk/index.js";
import { formatTime } from "../context.js";
import { common, zoneFlag, type Command } from "../flags.js";

export const zoneShow: Command = {
  name: "zone show",
  summary: "show a zone: citizens, rules, treasury and proposals",
  usage: `zonedao zone show --zone ZONE [--rpc URL]

ZONE is an address, or a zone's name in the --deployment file.`,
  options: { ...common, ...zoneFlag },
  async run(context) {
    const { address, zone, createdBlock } = await context.zone();
    const provider = await context.provider();
    const [root, depth, size] = await zone.merkleTree();
    const [memberCount, registrar, parent, rules, proposalCount, balance] = await Promise.all([
      zone.memberCount(),
      zone.registrar(),
      zone.parentZone(),
      zone.rules(),
      zone.proposalCount(),
      provider.getBalance(address),
    ]);
    // Calls to the zone's admissions contract (a veto on pending admissions...) read as decisions.
    const describeContext = { zone: address, admissions: await zone.ADMISSIONS() };
    const timelines = await readProposalTimelines(zone, { fromBlock: createdBlock });
    const proposals = timelines.map((timeline) => {
      // Labelled and ordered as the web app and `vote --option` label them (the sdk's ballot).
      const ballot = describeBallot(timeline.record, describeContext);
      return {
        id: timeline.proposalId.toString(),
        title: timeline.title,
        description: timeline.record.description,
        state: timeline.state,
        // In the chain's option order, as the zone counts them (the ballot below is in ballot order).
        tally: [...timeline.tally]
          .sort((a, b) => a.option - b.option)
          .map((option) => option.votes.toString()),
        voteEnd: formatTime(timeline.voteEnd),
        // Once queued: from when anyone may execute it, and until when (the execution window).
        executableFrom: timeline.executableFrom === null ? null : formatTime(timeline.executableFrom),
        executableUntil: timeline.executableUntil === null ? null : formatTime(timeline.executableUntil),
        nextStep: timeline.nextStep,
        rule: decisionRuleText({ multipleChoice: timeline.record.multipleChoice, ...timeline.rules }),
        options: ballot.map((choice) => choice.line),
        ballot: ballot.map((choice) => ({
          option: choice.index,
          label: choice.label,
          does: choice.actions,
          votes: String(timeline.tally.find((option) => option.option === choice.index)?.votes ?? 0n),
        })),
      };
    });
    const ruleValues = Object.fromEntries(
      Object.keys(DEFAULT_RULES).map((key) => [key, String(rules[key as keyof ZoneRules])]),
    );
    const summary = {
      zone: address,
      registrar,
      parent: parent === ZeroAddress ? null : parent,
      citizens: memberCount.toString(),
      leaves: size.toString(),
      root: root.toString(),
      depth: depth.toString(),
      treasuryWei: balance.toString(),
      rules: ruleValues,
      proposals,
    };
    const text = [
      `zone ${address}`,
      `  citizens    ${memberCount} (tree of ${size} leaves, depth ${depth})`,
      `  registrar   ${registrar}`,
      `  treasury    ${formatEther(balance)} ETH`,
      `  rules       vote ${formatDuration(rules.votingPeriod)}, quorum ${Number(rules.quorumBps) / 100}%, approval > ${Number(rules.approvalBps) / 100}%, timelock ${formatDuration(rules.executionDelay)}`,
      `  proposals   ${proposalCount}`,
      ...proposals.flatMap((p) => [
        `    #${p.id} ${p.state.padEnd(9)} ${p.title}`,
        `        vote ends ${p.voteEnd}` +
          (p.executableFrom === null
            ? ""
            : `; executable from ${p.executableFrom} until ${p.executableUntil}`),
        `        next: ${p.nextStep}`,
        ...p.ballot.map((choice) => `        ${choice.votes.padStart(4)}  ${choice.label}`),
        `        ${p.rule}`,
      ]),
    ].join("\n");
    context.print(summary, text);
  },
};
