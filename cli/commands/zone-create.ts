/** `zonedao zone create`: a top-level zone through the deployment's factory. */
import {
  DEFAULT_RULES,
  createZone,
  deployedZone,
  rulesWith,
  zoneFactoryAt,
  type ZoneRules,
} from "../../sdk/index.js";
import { CommandError, type CommandContext } from "../context.js";
import { common, signing, type Command } from "../flags.js";
import { shortError } from "../refusals.js";

/** The flag that sets each rule; a rule whose flag is not given keeps its default (DEFAULT_RULES). */
const RULE_FLAGS = {
  votingDelay: "voting-delay",
  votingPeriod: "voting-period",
  executionDelay: "execution-delay",
  executionWindow: "execution-window",
  quorumBps: "quorum-bps",
  approvalBps: "approval-bps",
  proposalEpoch: "proposal-epoch",
  proposalsPerEpoch: "proposals-per-epoch",
  maxRelayerRefundPerVote: "max-relayer-refund-wei",
} as const satisfies Record<keyof ZoneRules, string>;

export const zoneCreate: Command = {
  name: "zone create",
  summary: "create a zone through the deployment's factory",
  usage: `zonedao zone create --deployment FILE --key KEY --name NAME [--registrar ADDRESS] [rules]

Creates a top-level zone and adds it to the deployment file. The registrar (default: the signer)
admits citizens with \`zonedao member add\`. Rules (defaults in brackets):
  --voting-period SECONDS [259200]   --voting-delay SECONDS [0]
  --execution-delay SECONDS [86400]  --execution-window SECONDS [604800]
  --quorum-bps BPS [2000]            --approval-bps BPS [5000]
  --proposal-epoch SECONDS [86400]   --proposals-per-epoch N [2]
  --max-relayer-refund-wei WEI [0]`,
  options: {
    ...common,
    ...signing,
    name: { type: "string" },
    registrar: { type: "string" },
    ...Object.fromEntries(Object.values(RULE_FLAGS).map((flag) => [flag, { type: "string" }] as const)),
  },
  async run(context) {
    const deployment = context.requireDeployment();
    const signer = await context.signer();
    const name = context.required("name");
    const registrar = context.address("registrar", signer.address);
    const rules = rulesFrom(context);
    const factory = zoneFactoryAt(deployment.contracts.zoneFactory, signer);
    let address: string;
    try {
      address = await createZone(factory, { name, registrar, rules });
    } catch (error) {
      throw new CommandError(`the factory refused the zone: ${shortError(error)}`);
    }
    const entry = await deployedZone(deployment, address, await context.provider());
    deployment.zones = [...deployment.zones.filter((zone) => zone.address !== address), entry];
    const path = context.saveDeployment(deployment);
    context.print(entry, `created zone "${name}" at ${address} (registrar ${registrar}); added to ${path}`);
  },
};

/** The default rules, with each one a flag gives changed (checked in RULE_FLAGS' order). */
function rulesFrom(context: CommandContext): ZoneRules {
  const changes: Partial<Record<keyof ZoneRules, number | bigint>> = {};
  for (const [rule, flag] of Object.entries(RULE_FLAGS) as [keyof ZoneRules, string][]) {
    if (context.text(flag) === undefined) continue;
    const value = context.uint(flag);
    // The refund is wei, a bigint like its default; every other rule is a number.
    changes[rule] = typeof DEFAULT_RULES[rule] === "bigint" ? value : Number(value);
  }
  return rulesWith(changes as Partial<ZoneRules>);
}
