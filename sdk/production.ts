/**
 * A zone's production as its citizens follow it: what its internal DAOs declared they made (with the
 * share of recyclable content), what the zone's inspector attested, what a vote revoked, what was
 * rewarded under the zone's rule, and the rule and inspector themselves. Read from the goods
 * contract's and the services registry's events from the zone's creation block, and their views for
 * the state now. Browser-safe: the web app and the CLI both use it.
 */
import { getAddress } from "ethers";
import type { ZoneGoods, ZoneServices } from "../types/ethers-contracts/index.js";
import { rewardFor } from "./actions.js";
import { queryEvents } from "./logs.js";

/** Where a production stands on its way to a reward. */
export type ProductionStatus =
  /** Declared; the inspector has not attested it. */
  | "declared"
  /** Attested; a vote may still revoke it until `claimableAt`. */
  | "challengeable"
  /** Attested, its window closed: its reward can be claimed (if the rule pays for it). */
  | "claimable"
  /** A vote revoked the attestation: never rewarded. */
  | "revoked"
  /** Paid. */
  | "rewarded";

export interface ProductionView {
  /** Its index in the goods contract: what attestations and rewards name. */
  id: bigint;
  /** The internal DAO that made it. */
  producer: string;
  product: string;
  goodsId: bigint;
  amount: bigint;
  /** Declared share of recyclable content, in basis points. */
  recyclableBps: number;
  /** The internal DAO's proposal that produced it. */
  proposalId: bigint;
  blockNumber: number;
  status: ProductionStatus;
  /** When the challenge window closes (seconds since 1970), once attested. */
  claimableAt?: bigint;
  /** The inspector's address, once attested. */
  inspector?: string;
  /** The proposal that revoked the attestation, if one did. */
  revokedBy?: bigint;
  /** What was paid, and in which transaction, once rewarded. */
  reward?: { amount: bigint; token: string; period: bigint; transactionHash: string };
  /** What the zone's rule would pay for it now (0 without a rule, or at or below its floor). */
  rewardNow: bigint;
}

/** A zone's reward rule for recyclable content, as ZoneServices.setRewardRule stored it. */
export interface RewardRule {
  token: string;
  floorBps: number;
  rewardPerUnit: bigint;
  budgetPerPeriod: bigint;
  periodLength: bigint;
  /** When it was set: its periods count from here. */
  start: bigint;
  /** The proposal that set it: it authorises each reward and keys its budget. */
  authorizingProposal: bigint;
}

/** The contract's RewardRule struct (a view's result or a RewardRuleSet event's `rule`) as a RewardRule. */
export function rewardRuleFrom(struct: {
  token: string;
  floorBps: bigint;
  rewardPerUnit: bigint;
  budgetPerPeriod: bigint;
  periodLength: bigint;
  start: bigint;
  authorizingProposal: bigint;
}): RewardRule {
  return {
    token: getAddress(struct.token),
    floorBps: Number(struct.floorBps),
    rewardPerUnit: struct.rewardPerUnit,
    budgetPerPeriod: struct.budgetPerPeriod,
    periodLength: struct.periodLength,
    start: struct.start,
    authorizingProposal: struct.authorizingProposal,
  };
}

/** The zone's reward rule now, with the current period and what was paid in it. */
export interface RewardRuleView extends RewardRule {
  currentPeriod: bigint;
  /** Paid in the current period. */
  paidThisPeriod: bigint;
}

/** The zone's inspector of recyclable content: a service of its registry, and the challenge window. */
export interface InspectionView {
  serviceId: bigint;
  challengeWindow: bigint;
}

export interface ProductionState {
  rule?: RewardRuleView;
  inspection?: InspectionView;
  productions: ProductionView[];
}

/** `zone`'s productions, rule and inspector, from `fromBlock` (the zone's creation block), at chain time `now`. */
export async function readProduction(
  goods: ZoneGoods,
  services: ZoneServices,
  zone: string,
  now: bigint,
  fromBlock = 0,
): Promise<ProductionState> {
  const address = getAddress(zone);
  const [produced, attested, revoked, rewarded, ruleRaw, inspection] = await Promise.all([
    queryEvents(goods, goods.filters.GoodsProduced(undefined, address), fromBlock),
    queryEvents(services, services.filters.ProductionAttested(address), fromBlock),
    queryEvents(services, services.filters.AttestationRevoked(address), fromBlock),
    queryEvents(services, services.filters.ProductionRewarded(address), fromBlock),
    services.rewardRuleOf(address),
    services.inspectionOf(address),
  ]);
  let rule: RewardRuleView | undefined;
  if (ruleRaw.periodLength > 0n) {
    const currentPeriod = now >= ruleRaw.start ? (now - ruleRaw.start) / ruleRaw.periodLength : 0n;
    rule = {
      ...rewardRuleFrom(ruleRaw),
      currentPeriod,
      paidThisPeriod: await services.rewardsPaid(address, ruleRaw.authorizingProposal, currentPeriod),
    };
  }
  const byId = <T extends { args: { productionId: bigint } }>(events: T[]) =>
    new Map(events.map((event) => [event.args.productionId, event]));
  const attestations = byId(attested);
  const revocations = byId(revoked);
  const rewards = byId(rewarded);
  const productions = produced.map(({ args, blockNumber }): ProductionView => {
    const attestation = attestations.get(args.productionId);
    const revocation = revocations.get(args.productionId);
    const reward = rewards.get(args.productionId);
    const recyclableBps = Number(args.recyclableBps);
    const status: ProductionStatus = reward
      ? "rewarded"
      : revocation
        ? "revoked"
        : !attestation
          ? "declared"
          : now < attestation.args.claimableAt
            ? "challengeable"
            : "claimable";
    return {
      id: args.productionId,
      producer: getAddress(args.producer),
      product: args.product,
      goodsId: args.goodsId,
      amount: args.amount,
      recyclableBps,
      proposalId: args.proposalId,
      blockNumber,
      status,
      claimableAt: attestation?.args.claimableAt,
      inspector: attestation ? getAddress(attestation.args.inspector) : undefined,
      revokedBy: revocation?.args.proposalId,
      reward: reward && {
        amount: reward.args.amount,
        token: getAddress(reward.args.token),
        period: reward.args.period,
        transactionHash: reward.transactionHash,
      },
      rewardNow: rule ? rewardFor(rule, args.amount, recyclableBps) : 0n,
    };
  });
  return {
    rule,
    inspection: inspection.appointed
      ? { serviceId: inspection.serviceId, challengeWindow: inspection.challengeWindow }
      : undefined,
    productions,
  };
}
