/** `zonedao zone show`: a zone as it stands: citizens, rules, treasury and proposals. */
import { ZeroAddress, formatEther } from "ethers";
import {
  DEFAULT_RULES,
  PROPOSAL_STATES,
  decisionRuleText,
  describeBallot,
  formatDuration,
  proposalTitle,
  queryEvents,
  readProposals,
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
    const records = new Map(
      (await readProposals(zone, createdBlock ?? 0)).map((record) => [record.proposalId, record]),
    );
    // Each proposal is decided by the rules in force at its creation: the last RulesChanged before it
    // (one in the proposal's own block is taken as before it).
    const ruleChanges = await queryEvents(zone, zone.filters.RulesChanged(), createdBlock ?? 0);
    const rulesAt = (block: number) =>
      ruleChanges.filter((change) => change.blockNumber <= block).at(-1)?.args.rules ?? rules;
    // Calls to the zone's admissions contract (a veto on pending admissions...) read as decisions.
    const describeContext = { zone: address, admissions: await zone.ADMISSIONS() };
    const proposals = [];
    for (let id = 1n; id <= proposalCount; id++) {
      const view = await zone.getProposal(id);
      const created = records.get(id);
      // Labelled and ordered as the web app and `vote --option` label them (the sdk's ballot).
      const ballot = created ? describeBallot(created, describeContext) : [];
      proposals.push({
        id: id.toString(),
        title: created ? proposalTitle(created) : "",
        description: created?.description ?? "",
        state: PROPOSAL_STATES[Number(view.state)] ?? "unknown",
        tally: view.tally.map(String),
        voteEnd: formatTime(view.voteEnd),
        // Once queued: from when anyone may execute it, and until when (the execution window).
        executableFrom: view.eta === 0n ? null : formatTime(view.eta),
        executableUntil:
          view.eta === 0n
            ? null
            : formatTime(view.eta + rulesAt(created?.blockNumber ?? Infinity).executionWindow),
        rule: decisionRuleText({
          multipleChoice: view.multipleChoice,
          ...pick(rulesAt(created?.blockNumber ?? Infinity)),
        }),
        options: ballot.map((choice) => choice.line),
        ballot: ballot.map((choice) => ({
          option: choice.index,
          label: choice.label,
          does: choice.actions,
          votes: String(view.tally[choice.index] ?? 0n),
        })),
      });
    }
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
        ...p.ballot.map((choice) => `        ${choice.votes.padStart(4)}  ${choice.label}`),
        `        ${p.rule}`,
      ]),
    ].join("\n");
    context.print(summary, text);
  },
};

function pick(rules: { quorumBps: bigint; approvalBps: bigint }) {
  return { quorumBps: rules.quorumBps, approvalBps: rules.approvalBps };
}
