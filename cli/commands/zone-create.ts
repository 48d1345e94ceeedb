/** `zonedao zone create`: a top-level zone through the deployment's factory. */
import { DEFAULT_RULES, createZone, deployedZone, zoneFactoryAt, type ZoneRules } from "../../sdk/index.js";
import { CommandError } from "../context.js";
import { common, signing, type Command } from "../flags.js";
import { shortError } from "../refusals.js";

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
    "voting-delay": { type: "string" },
    "voting-period": { type: "string" },
    "execution-delay": { type: "string" },
    "execution-window": { type: "string" },
    "quorum-bps": { type: "string" },
    "approval-bps": { type: "string" },
    "proposal-epoch": { type: "string" },
    "proposals-per-epoch": { type: "string" },
    "max-relayer-refund-wei": { type: "string" },
  },
  async run(context) {
    const deployment = context.requireDeployment();
    const signer = await context.signer();
    const name = context.required("name");
    const registrar = context.address("registrar", signer.address);
    const rules: ZoneRules = {
      votingDelay: Number(context.uint("voting-delay", BigInt(DEFAULT_RULES.votingDelay))),
      votingPeriod: Number(context.uint("voting-period", BigInt(DEFAULT_RULES.votingPeriod))),
      executionDelay: Number(context.uint("execution-delay", BigInt(DEFAULT_RULES.executionDelay))),
      executionWindow: Number(context.uint("execution-window", BigInt(DEFAULT_RULES.executionWindow))),
      quorumBps: Number(context.uint("quorum-bps", BigInt(DEFAULT_RULES.quorumBps))),
      approvalBps: Number(context.uint("approval-bps", BigInt(DEFAULT_RULES.approvalBps))),
      proposalEpoch: Number(context.uint("proposal-epoch", BigInt(DEFAULT_RULES.proposalEpoch))),
      proposalsPerEpoch: Number(context.uint("proposals-per-epoch", BigInt(DEFAULT_RULES.proposalsPerEpoch))),
      maxRelayerRefundPerVote: context.uint("max-relayer-refund-wei", DEFAULT_RULES.maxRelayerRefundPerVote),
    };
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
