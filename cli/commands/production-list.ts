/**
 * `zonedao production list`: what a zone's internal DAOs declared they produced, with the share of
 * recyclable content, and where each production stands on its way to a reward (sdk readProduction),
 * beside the zone's reward rule and inspector.
 */
import type { Provider } from "ethers";
import {
  BPS,
  ZoneGoods__factory,
  formatDuration,
  readProduction,
  zoneFactoryAt,
  type InspectionView,
  type ProductionView,
  type RewardRuleView,
  type Zone,
  type ZoneGoods,
  type ZoneServices,
} from "../../sdk/index.js";
import { formatTime, type CommandContext } from "../context.js";
import { common, zoneFlag, type Command } from "../flags.js";
import { servicesOf, tokenAmount } from "./service-list.js";

/** The goods contract of the factory that made `zone`. */
export async function goodsOf(zone: Zone, provider: Provider): Promise<ZoneGoods> {
  const factory = zoneFactoryAt(await zone.factory(), provider);
  return ZoneGoods__factory.connect(await factory.GOODS(), provider);
}

/** The chain's time now: the latest block's timestamp, which the contracts compare deadlines with. */
export async function chainTime(provider: Provider): Promise<bigint> {
  const block = await provider.getBlock("latest");
  if (!block) throw new Error("the chain has no latest block");
  return BigInt(block.timestamp);
}

/** A zone as a person knows it: "Riverside Farm (0x…)" when the deployment file names it. */
export function zoneLabel(context: CommandContext, address: string): string {
  const named = context.deployment()?.zones.find((zone) => zone.address === address);
  return named === undefined ? address : `${named.name} (${address})`;
}

/** Basis points in one percent. */
export const BPS_PER_PERCENT = BPS / 100;

/** Basis points as a percentage: 8500 → "85%", 8550 → "85.5%". */
export function percent(bps: number | bigint): string {
  return `${Number(bps) / BPS_PER_PERCENT}%`;
}

export const productionList: Command = {
  name: "production list",
  summary: "list a zone's productions, their recyclable content and rewards, and its reward rule",
  usage: `zonedao production list --zone ZONE

The zone's reward rule for recyclable content and its inspector, then every production its internal
DAOs declared: the product, the units, the declared share of recyclable content, the producer, and
its status: declared (not attested yet), attested and revocable by a vote until a date, claimable,
revoked by a proposal, or rewarded (the amount paid). Times are the chain's.`,
  options: { ...common, ...zoneFlag },
  async run(context) {
    const { address, zone, createdBlock } = await context.zone();
    const provider = await context.provider();
    const [services, goods] = await Promise.all([servicesOf(zone, provider), goodsOf(zone, provider)]);
    const now = await chainTime(provider);
    const state = await readProduction(goods, services, address, now, createdBlock);
    const inspector = state.inspection && (await inspectorOf(services, address, state.inspection));
    const lines = [
      await ruleLine(state.rule, provider),
      inspector === undefined
        ? "inspector: none appointed (no production can be attested)"
        : `inspector: service #${inspector.serviceId} (${inspector.name}), provider ${inspector.provider}; ` +
          `a vote may revoke an attestation for ${formatDuration(inspector.challengeWindow)}`,
    ];
    if (state.productions.length === 0) lines.push(`zone ${address} has no productions`);
    for (const production of state.productions) {
      lines.push(
        `#${production.id} ${production.product}: ${production.amount} units, ${percent(production.recyclableBps)} recyclable, ` +
          `by ${zoneLabel(context, production.producer)}`,
        `  ${await statusInWords(production, state.rule, provider)}`,
      );
    }
    context.print(
      {
        zone: address,
        chainTime: now,
        rule: state.rule,
        inspection: inspector,
        productions: state.productions,
      },
      lines.join("\n"),
    );
  },
};

/** The inspector service's name and provider: who attests, besides which service it is. */
async function inspectorOf(services: ZoneServices, zone: string, inspection: InspectionView) {
  const service = await services.getService(zone, inspection.serviceId);
  return { ...inspection, name: service.description, provider: service.provider, active: service.active };
}

async function ruleLine(rule: RewardRuleView | undefined, provider: Provider): Promise<string> {
  if (rule === undefined) return "reward rule: none (no production is rewarded)";
  const [perUnit, budget, paid] = await Promise.all([
    tokenAmount(rule.rewardPerUnit, rule.token, provider),
    tokenAmount(rule.budgetPerPeriod, rule.token, provider),
    tokenAmount(rule.paidThisPeriod, rule.token, provider),
  ]);
  return (
    `reward rule (proposal #${rule.authorizingProposal}): ${perUnit} a unit made wholly of recyclable content, ` +
    `nothing at or below ${percent(rule.floorBps)}, in proportion between; at most ${budget} every ` +
    `${formatDuration(rule.periodLength)} (period ${rule.currentPeriod}: ${paid} paid so far)`
  );
}

async function statusInWords(
  production: ProductionView,
  rule: RewardRuleView | undefined,
  provider: Provider,
): Promise<string> {
  switch (production.status) {
    case "declared":
      return "declared: not attested by the inspector yet";
    case "challengeable":
      return `attested by ${production.inspector}, revocable by a vote until ${formatTime(production.claimableAt!)}`;
    case "claimable":
      return production.rewardNow > 0n && rule !== undefined
        ? `claimable: ${await tokenAmount(production.rewardNow, rule.token, provider)} under the reward rule`
        : "attested, but the reward rule pays nothing for it";
    case "revoked":
      return `revoked by proposal #${production.revokedBy}: it earns no reward`;
    case "rewarded": {
      const { amount, token, transactionHash } = production.reward!;
      return `rewarded ${await tokenAmount(amount, token, provider)} (tx ${transactionHash})`;
    }
  }
}
