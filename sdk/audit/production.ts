/**
 * The production rewards check: every reward for recyclable content paid from the zone re-derived
 * from the records alone. The services registry's events about the zone are replayed in chain order
 * beside the goods contract's productions for it and the zone's own executions:
 *
 * - the inspector, each reward rule and each revocation were set by a proposal of the zone executed
 *   in the same transaction;
 * - each attestation was made by the provider of the zone's inspector service as it stood then, for
 *   a production of the zone, once, with the challenge window then in force;
 * - each revocation fell inside its attestation's window;
 * - each reward went to the production's producer, once, after the window, for an attestation no
 *   vote revoked, under the rule in force then (its proposal, token and period), for exactly what
 *   that rule pays for the declared content, within the rule's budget for the period; and the zone's
 *   treasury paid it in the same transaction, naming the rule's proposal.
 */
import { getAddress, type Result } from "ethers";
import { rewardFor } from "../actions.js";
import { rewardRuleFrom, type RewardRule } from "../production.js";
import type { AuditContext } from "./context.js";
import { arg, type ZoneLog } from "./events.js";
import type { AuditDiscrepancy, CheckResult } from "./report.js";

/** What the check reads: the zone's logs, the registry's and the goods contract's about the zone, block times. */
export interface ProductionRecords {
  zoneLogs: readonly ZoneLog[];
  servicesLogs: readonly ZoneLog[];
  productionLogs: readonly ZoneLog[];
  /** The timestamp of every block holding a registry event. */
  timestamps: ReadonlyMap<number, bigint>;
}

export async function checkProduction(context: AuditContext): Promise<CheckResult> {
  const blocks = [...new Set(context.servicesLogs.map((log) => log.blockNumber))];
  const times = await context.mapLimit(blocks, (block) => context.timestampOf(block));
  context.progress(`checking ${context.servicesLogs.length} events of the services registry`);
  return checkProductionRecords({
    zoneLogs: context.logs,
    servicesLogs: context.servicesLogs,
    productionLogs: context.productionLogs,
    timestamps: new Map(blocks.map((block, k) => [block, times[k]!])),
  });
}

interface Attestation {
  claimableAt: bigint;
  revoked: boolean;
  rewarded: boolean;
}

export function checkProductionRecords({
  zoneLogs,
  servicesLogs,
  productionLogs,
  timestamps,
}: ProductionRecords): CheckResult {
  const discrepancies: AuditDiscrepancy[] = [];
  let items = 0;
  const at = (log: ZoneLog) => `block ${log.blockNumber}, tx ${log.txHash}`;
  const timeOf = (log: ZoneLog) => timestamps.get(log.blockNumber) ?? 0n;
  const report = (log: ZoneLog, what: string) => discrepancies.push({ what, evidence: at(log) });

  const executedIn = new Map<string, bigint[]>();
  const paidIn = new Map<string, ZoneLog[]>();
  for (const log of zoneLogs) {
    if (log.name === "ProposalExecuted")
      executedIn.set(log.txHash, [...(executedIn.get(log.txHash) ?? []), arg(log.args, "proposalId")]);
    if (log.name === "TreasuryPaid") paidIn.set(log.txHash, [...(paidIn.get(log.txHash) ?? []), log]);
  }
  const byVote = (log: ZoneLog, what: string, proposalId: bigint) => {
    const executed = executedIn.get(log.txHash) ?? [];
    if (executed.includes(proposalId)) return;
    report(
      log,
      `${what} names proposal ${proposalId}, but its transaction executed ${executed.length === 0 ? "no proposal of the zone" : `proposal ${executed.join(", ")}`}`,
    );
  };

  const productions = new Map<bigint, { producer: string; amount: bigint; recyclableBps: number }>();
  for (const log of productionLogs) {
    productions.set(arg(log.args, "productionId"), {
      producer: getAddress(log.args.getValue("producer") as string),
      amount: arg(log.args, "amount"),
      recyclableBps: Number(arg(log.args, "recyclableBps")),
    });
  }

  // The registry's state for this zone, as its events build it.
  const providers = new Map<bigint, string>();
  let inspection: { serviceId: bigint; window: bigint } | undefined;
  let rule: RewardRule | undefined;
  const attestations = new Map<bigint, Attestation>();
  const paidPerPeriod = new Map<string, bigint>();

  for (const log of servicesLogs) {
    switch (log.name) {
      case "ServiceCreated": {
        const service = log.args.getValue("service") as Result;
        providers.set(arg(log.args, "serviceId"), getAddress(service.getValue("provider") as string));
        break;
      }
      case "ServiceUpdated":
        providers.set(arg(log.args, "serviceId"), getAddress(log.args.getValue("provider") as string));
        break;
      case "InspectorAppointed":
        items++;
        byVote(log, "an inspector's appointment", arg(log.args, "proposalId"));
        inspection = { serviceId: arg(log.args, "serviceId"), window: arg(log.args, "challengeWindow") };
        break;
      case "RewardRuleSet": {
        items++;
        rule = rewardRuleFrom(
          (log.args.getValue("rule") as Result).toObject() as Parameters<typeof rewardRuleFrom>[0],
        );
        byVote(log, "a reward rule", rule.authorizingProposal);
        if (rule.start !== timeOf(log)) {
          report(log, `a reward rule starts at ${rule.start}, not when it was set (${timeOf(log)})`);
        }
        break;
      }
      case "ProductionAttested": {
        items++;
        const productionId = arg(log.args, "productionId");
        const label = `the attestation of production ${productionId}`;
        const inspector = getAddress(log.args.getValue("inspector") as string);
        const expectedInspector = inspection ? providers.get(inspection.serviceId) : undefined;
        if (!productions.has(productionId)) report(log, `${label}: no such production of the zone`);
        if (inspection === undefined || arg(log.args, "inspectorService") !== inspection.serviceId) {
          report(
            log,
            `${label} names service ${arg(log.args, "inspectorService")}, not the zone's inspector (${inspection?.serviceId ?? "none appointed"})`,
          );
        } else if (inspector !== expectedInspector) {
          report(
            log,
            `${label} was made by ${inspector}, not the inspector service's provider ${expectedInspector ?? "(unknown)"}`,
          );
        }
        if (attestations.has(productionId)) report(log, `${label} is its second`);
        const claimableAt = arg(log.args, "claimableAt");
        if (inspection !== undefined && claimableAt !== timeOf(log) + inspection.window) {
          report(
            log,
            `${label} closes its window at ${claimableAt}, not ${timeOf(log) + inspection.window} (attested at ${timeOf(log)}, window ${inspection.window} s)`,
          );
        }
        attestations.set(productionId, { claimableAt, revoked: false, rewarded: false });
        break;
      }
      case "AttestationRevoked": {
        items++;
        const productionId = arg(log.args, "productionId");
        byVote(
          log,
          `the revocation of production ${productionId}'s attestation`,
          arg(log.args, "proposalId"),
        );
        const attestation = attestations.get(productionId);
        if (attestation === undefined) {
          report(log, `production ${productionId}'s attestation was revoked, but it was never attested`);
        } else {
          if (timeOf(log) >= attestation.claimableAt) {
            report(
              log,
              `production ${productionId}'s attestation was revoked at ${timeOf(log)}, after its window closed (${attestation.claimableAt})`,
            );
          }
          attestation.revoked = true;
        }
        break;
      }
      case "ProductionRewarded": {
        items++;
        checkReward(log);
        break;
      }
    }
  }

  function checkReward(log: ZoneLog) {
    const productionId = arg(log.args, "productionId");
    const amount = arg(log.args, "amount");
    const token = getAddress(log.args.getValue("token") as string);
    const producer = getAddress(log.args.getValue("producer") as string);
    const ruleProposal = arg(log.args, "ruleProposal");
    const period = arg(log.args, "period");
    const label = `reward of ${amount} of ${token} for production ${productionId}`;
    const production = productions.get(productionId);
    const attestation = attestations.get(productionId);
    if (production === undefined) return report(log, `${label}: no such production of the zone`);
    if (producer !== production.producer)
      report(log, `${label} went to ${producer}, not its producer ${production.producer}`);
    if (attestation === undefined) return report(log, `${label}: the production was never attested`);
    if (attestation.revoked) report(log, `${label}: its attestation was revoked by a vote`);
    if (attestation.rewarded) report(log, `${label}: it was already rewarded`);
    if (timeOf(log) < attestation.claimableAt) {
      report(
        log,
        `${label} paid at ${timeOf(log)}, inside its challenge window (until ${attestation.claimableAt})`,
      );
    }
    attestation.rewarded = true;
    if (rule === undefined) return report(log, `${label}: the zone had no reward rule`);
    if (ruleProposal !== rule.authorizingProposal || token !== rule.token) {
      report(
        log,
        `${label} names rule ${ruleProposal} in ${token}, but the rule in force is proposal ${rule.authorizingProposal}'s, in ${rule.token}`,
      );
    }
    const expected = rewardFor(rule, production.amount, production.recyclableBps);
    if (amount !== expected) {
      report(
        log,
        `${label}: the rule pays ${expected} for ${production.amount} units at ${production.recyclableBps} bps`,
      );
    }
    const expectedPeriod = (timeOf(log) - rule.start) / rule.periodLength;
    if (period !== expectedPeriod) report(log, `${label} counted in period ${period}, not ${expectedPeriod}`);
    const key = `${rule.authorizingProposal}:${expectedPeriod}`;
    const paid = (paidPerPeriod.get(key) ?? 0n) + amount;
    paidPerPeriod.set(key, paid);
    if (paid > rule.budgetPerPeriod) {
      report(
        log,
        `${label}: rewards of period ${expectedPeriod} under rule ${rule.authorizingProposal} reach ${paid}, above its budget of ${rule.budgetPerPeriod}`,
      );
    }
    const payment = (paidIn.get(log.txHash) ?? []).some(
      (paidLog) =>
        arg(paidLog.args, "proposalId") === ruleProposal &&
        getAddress(paidLog.args.getValue("to") as string) === producer &&
        getAddress(paidLog.args.getValue("token") as string) === token &&
        arg(paidLog.args, "amount") === amount,
    );
    if (!payment) report(log, `${label}: the zone's treasury paid no such amount in its transaction`);
  }

  return {
    name: "production rewards",
    description:
      "Each reward for recyclable content went to an attested, unrevoked production of the zone, after its challenge window, once, for what the voted rule pays, within the rule's budget per period, and was paid by the treasury naming that rule; each inspector, rule and revocation was set by an executed proposal.",
    items,
    discrepancies,
  };
}
