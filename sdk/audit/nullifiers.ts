/**
 * Check 6, nullifiers: every nullifier a vote, a proposal or a dividend claim published is used once
 * across all three, and is a field element (one at or above r would alias another modulo r).
 */
import { SNARK_SCALAR_FIELD } from "../constants.js";
import type { AuditContext } from "./context.js";
import { arg } from "./events.js";
import type { AuditDiscrepancy, CheckResult } from "./report.js";

export function checkNullifiers(context: AuditContext): CheckResult {
  const discrepancies: AuditDiscrepancy[] = [];
  const seen = new Map<bigint, string>();
  let items = 0;
  for (const log of context.logs) {
    let kind: string;
    if (log.name === "VoteCast") kind = `vote on proposal ${arg(log.args, "proposalId")}`;
    else if (log.name === "ProposalCreated") kind = `proposal ${arg(log.args, "proposalId")}`;
    else if (log.name === "DividendClaimed") kind = `dividend claim in round ${arg(log.args, "roundId")}`;
    else continue;
    items++;
    const nullifier = arg(log.args, "nullifier");
    const where = `${kind} (tx ${log.txHash})`;
    if (nullifier >= SNARK_SCALAR_FIELD) {
      discrepancies.push({ what: `nullifier ${nullifier} is not a field element`, evidence: where });
    }
    const earlier = seen.get(nullifier);
    if (earlier !== undefined) {
      discrepancies.push({ what: `nullifier ${nullifier} used twice`, evidence: `${earlier}; ${where}` });
    } else {
      seen.set(nullifier, where);
    }
  }
  return {
    name: "nullifiers",
    description: "every nullifier of a vote, proposal or dividend claim is used once, and is a field element",
    items,
    discrepancies,
  };
}
