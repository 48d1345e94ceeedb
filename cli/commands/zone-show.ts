/** `zonedao zone show`: a zone as it stands: citizens, rules, treasury and proposals. */
import { ZeroAddress, formatEther } from "ethers";
import {
  DEFAULT_RULES,
  PROPOSAL_STATES,
  describeProposal,
  formatDuration,
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
    const proposals = [];
    for (let id = 1n; id <= proposalCount; id++) {
      const view = await zone.getProposal(id);
      const created = records.get(id);
      proposals.push({
        id: id.toString(),
        description: created?.description ?? "",
        state: PROPOSAL_STATES[Number(view.state)] ?? "unknown",
        tally: view.tally.map(String),
        voteEnd: formatTime(view.voteEnd),
        options: created
          ? describeProposal(created.options, { zone: address, multipleChoice: created.multipleChoice })
          : [],
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
      ...proposals.map(
        (p) => `    #${p.id} ${p.state.padEnd(9)} ${p.description}  [tally ${p.tally.join("/")}]`,
      ),
    ].join("\n");
    context.print(summary, text);
  },
};
