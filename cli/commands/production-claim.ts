/**
 * `zonedao production claim`: pays an attested production's reward for recyclable content, under
 * the zone's reward rule, from the zone's treasury to the internal DAO that made it. Anyone may send
 * it (--key pays the gas); the money goes only to the producer.
 */
import { queryEvents, type ZoneGoods, type ZoneServices } from "../../sdk/index.js";
import { CommandError, formatTime, type CommandContext } from "../context.js";
import { common, signing, zoneFlag, type Command } from "../flags.js";
import { revertOf, shortError } from "../refusals.js";
import { productionFlag, productionOfZone } from "./production-attest.js";
import { percent, zoneLabel } from "./production-list.js";
import { tokenAmount } from "./service-list.js";

export const productionClaim: Command = {
  name: "production claim",
  summary: "pay an attested production's reward for recyclable content to its producer",
  usage: `zonedao production claim --zone ZONE --production ID --key KEY

Pays production ID's reward under the zone's reward rule, from the zone's treasury to the internal
DAO that made it: once, after the inspector attested it and the challenge window closed, within the
rule's budget for the current period. Any account may send it (--key pays the gas). Prints what was
paid and to whom.`,
  options: { ...common, ...signing, ...zoneFlag, ...productionFlag },
  async run(context) {
    const productionId = context.uint("production");
    const target = await context.zone();
    const provider = await context.provider();
    const signer = await context.signer();
    const modules = await productionOfZone(target, productionId, provider);
    const { services } = modules;
    let receipt;
    try {
      receipt = await (await services.connect(signer).claimReward(productionId)).wait();
    } catch (error) {
      throw await claimRefusal(error, context, modules, target, productionId);
    }
    const rewarded = receipt?.logs
      .map((log) => services.interface.parseLog(log))
      .find((parsed) => parsed?.name === "ProductionRewarded");
    if (!receipt || !rewarded) throw new CommandError("the claim left no ProductionRewarded event");
    const paid = {
      producer: rewarded.args.getValue("producer") as string,
      token: rewarded.args.getValue("token") as string,
      amount: rewarded.args.getValue("amount") as bigint,
      period: rewarded.args.getValue("period") as bigint,
    };
    context.print(
      { zone: target.address, productionId, ...paid, transactionHash: receipt.hash },
      `paid ${await tokenAmount(paid.amount, paid.token, provider)} to ${zoneLabel(context, paid.producer)} ` +
        `for production ${productionId}, in period ${paid.period} of the reward rule (tx ${receipt.hash})`,
    );
  },
};

/** The chain's refusal of a claim, in words a person can act on. */
async function claimRefusal(
  error: unknown,
  context: CommandContext,
  { services, goods }: { services: ZoneServices; goods: ZoneGoods },
  target: { address: string; createdBlock: number },
  productionId: bigint,
): Promise<CommandError> {
  const { address: zone, createdBlock } = target;
  const provider = await context.provider();
  const refusal = revertOf(error, services.interface);
  switch (refusal?.name) {
    case "ProductionNotAttested":
      return new CommandError(
        `production ${productionId} is not attested: the zone's inspector must attest it first (zonedao production attest)`,
      );
    case "ProductionAttestationRevoked": {
      const [revocation] = await queryEvents(
        services,
        services.filters.AttestationRevoked(zone, productionId),
        createdBlock,
      );
      const by = revocation === undefined ? "a vote" : `proposal #${revocation.args.proposalId}`;
      return new CommandError(
        `production ${productionId}'s attestation was revoked by ${by}: it earns no reward`,
      );
    }
    case "ProductionChallengeWindowOpen":
      return new CommandError(
        `production ${productionId}'s challenge window is open until ${formatTime(refusal.args[1] as bigint)}: ` +
          "a vote may still revoke its attestation; claim after that",
      );
    case "ProductionAlreadyRewarded": {
      const [reward] = await queryEvents(
        services,
        services.filters.ProductionRewarded(zone, productionId),
        createdBlock,
      );
      const paid =
        reward === undefined
          ? ""
          : `: ${await tokenAmount(reward.args.amount, reward.args.token, provider)} was paid to ` +
            `${zoneLabel(context, reward.args.producer)} (tx ${reward.transactionHash})`;
      return new CommandError(`production ${productionId} is already rewarded${paid}`);
    }
    case "ProductionNoRewardRule":
      return new CommandError(
        `zone ${zone} has no reward rule: a vote must set one first (zonedao production action reward-rule)`,
      );
    case "ProductionNoReward": {
      const [{ recyclableBps }, rule] = await Promise.all([
        goods.getProduction(productionId),
        services.rewardRuleOf(zone),
      ]);
      return new CommandError(
        `production ${productionId} earns no reward: its ${percent(recyclableBps)} recyclable content is at or ` +
          `below the rule's floor of ${percent(rule.floorBps)}`,
      );
    }
    case "ProductionRewardBudgetExhausted": {
      const [, period, remaining, reward] = refusal.args as [string, bigint, bigint, bigint];
      const rule = await services.rewardRuleOf(zone);
      return new CommandError(
        `the reward rule's budget for period ${period} is exhausted: ${await tokenAmount(remaining, rule.token, provider)} ` +
          `left, production ${productionId} earns ${await tokenAmount(reward, rule.token, provider)}; ` +
          `the next period starts ${formatTime(rule.start + (period + 1n) * rule.periodLength)}`,
      );
    }
    default:
      return new CommandError(`the claim failed: ${shortError(error)}`);
  }
}
