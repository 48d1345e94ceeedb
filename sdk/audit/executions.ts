/**
 * Check 8, executions: each ProposalQueued after a passed vote, within the execution window after
 * its end, with the rules' eta, and each ProposalExecuted once, within its window, for the recount's
 * winning option, running exactly the actions that option had when it was proposed.
 */
import { executableActions } from "../proposals.js";
import { actionsHash } from "../scope.js";
import type { ZoneAction } from "../types.js";
import { findExecuteCall } from "./calldata.js";
import type { AuditContext } from "./context.js";
import type { Outcome, Recount } from "./counting.js";
import { arg, choiceOf, type AuditedProposal, type ZoneLog } from "./events.js";
import type { AuditDiscrepancy, CheckResult } from "./report.js";
import { transactionIntegrity } from "./transactions.js";

/** The executions check, against `recount`, the tallies check's recount of every proposal. */
export async function checkExecutions(context: AuditContext, recount: Recount): Promise<CheckResult> {
  const discrepancies: AuditDiscrepancy[] = [];
  const events = context.logs.filter(
    (log) => log.name === "ProposalQueued" || log.name === "ProposalExecuted",
  );
  const executed = new Map<bigint, ZoneLog>();
  const queued = new Map<bigint, ZoneLog>();
  await context.mapLimit(events, (log) => context.timestampOf(log.blockNumber));

  for (const log of events) {
    const proposalId = arg(log.args, "proposalId");
    const label = `proposal ${proposalId}`;
    const proposal = context.proposals.get(proposalId);
    const outcome = recount.get(proposalId);
    if (proposal === undefined || outcome === undefined) {
      discrepancies.push({
        what: `${log.name} for ${label}, which has no ProposalCreated`,
        evidence: log.txHash,
      });
      continue;
    }
    const time = await context.timestampOf(log.blockNumber);
    if (log.name === "ProposalQueued") {
      if (queued.has(proposalId)) {
        discrepancies.push({
          what: `${label} queued twice`,
          evidence: `${queued.get(proposalId)!.txHash}; ${log.txHash}`,
        });
      }
      queued.set(proposalId, log);
      const queueDeadline = proposal.voteEnd + (proposal.rules?.executionWindow ?? 0n);
      if (!outcome.succeeded || time < proposal.voteEnd) {
        discrepancies.push({
          what: `${label} queued at ${time}, but the recount says it ${outcome.succeeded ? "was still open (vote end " + proposal.voteEnd + ")" : "did not pass"}`,
          evidence: log.txHash,
        });
      } else if (time > queueDeadline) {
        discrepancies.push({
          what: `${label} queued at ${time}, after its execution window closed (vote end + window ${queueDeadline})`,
          evidence: log.txHash,
        });
      }
      const eta = arg(log.args, "eta");
      const expectedEta = time + (proposal.rules?.executionDelay ?? 0n);
      if (eta !== expectedEta) {
        discrepancies.push({
          what: `${label} queued with eta ${eta}, the rules at its creation give ${expectedEta}`,
          evidence: log.txHash,
        });
      }
      continue;
    }
    const option = arg(log.args, "option");
    if (executed.has(proposalId)) {
      discrepancies.push({
        what: `${label} executed twice`,
        evidence: `${executed.get(proposalId)!.txHash}; ${log.txHash}`,
      });
    }
    executed.set(proposalId, log);
    if (!outcome.succeeded) {
      discrepancies.push({
        what: `${label} executed, but the recount says it did not pass`,
        evidence: `tx ${log.txHash}; recount [${outcome.tally.join(", ")}]`,
      });
    }
    if (option !== outcome.option) {
      discrepancies.push({
        what: `${label} executed ${choiceOf(proposal, option)}, the recount's winning option is ${choiceOf(proposal, outcome.option)}`,
        evidence: `tx ${log.txHash}; recount [${outcome.tally.join(", ")}]`,
      });
    }
    const queuedLog = queued.get(proposalId);
    const eta = queuedLog === undefined ? undefined : arg(queuedLog.args, "eta");
    const window = proposal.rules?.executionWindow ?? 0n;
    if (eta === undefined) {
      discrepancies.push({ what: `${label} executed without being queued`, evidence: log.txHash });
    } else if (time < eta || time > eta + window) {
      discrepancies.push({
        what: `${label} executed at ${time}, outside [eta ${eta}, eta + window ${eta + window}]`,
        evidence: log.txHash,
      });
    }
    const tx = await context.transaction(log.txHash);
    const integrity = transactionIntegrity(tx);
    if (integrity !== undefined)
      discrepancies.push({ what: `${label} execution: ${integrity}`, evidence: log.txHash });
    const actions = tx === null ? undefined : findExecuteCall(tx.data, proposalId);
    const winning = winningActions(proposal, outcome);
    if (actions === undefined) {
      discrepancies.push({ what: `${label}: execute call not found in calldata`, evidence: log.txHash });
    } else if (winning === undefined || actionsHash(actions) !== actionsHash(winning)) {
      discrepancies.push({
        what: `${label}: the executed actions are not the winning option's (${choiceOf(proposal, outcome.option)}) as proposed`,
        evidence: `tx ${log.txHash}: executed actions hash ${actionsHash(actions)}, winning option's ${winning === undefined ? "none" : actionsHash(winning)}`,
      });
    }
  }
  return {
    name: "executions",
    description:
      "each ProposalQueued after a passed vote, within the window after its end, with the rules' eta; " +
      "each ProposalExecuted once, within its window, for the recounted winning option, with the " +
      "execute calldata's actions equal to that option's",
    items: events.length,
    discrepancies,
  };
}

/**
 * The actions the recount's winning option runs (executableActions), or none at all for a
 * ProposalCreated that lists no options: the zone refuses such a proposal, so only a rewritten event
 * has one, and no execution can match it.
 */
function winningActions(proposal: AuditedProposal, outcome: Outcome): readonly ZoneAction[] | undefined {
  if (proposal.options.length === 0) return undefined;
  return executableActions(proposal.options, outcome.option);
}
