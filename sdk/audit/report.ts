/**
 * What the audit says: the report's shape (plain JSON, so the CLI can print it as JSON and the web
 * page can render it) and its text for people.
 */

/** One thing the audit found wrong, and what shows it. */
export interface AuditDiscrepancy {
  what: string;
  evidence: string;
}

/** One check: what it looked at (`items` of them) and what it found wrong. */
export interface AuditCheck {
  name: string;
  /** What the check covers, in one line. */
  description: string;
  items: number;
  ok: boolean;
  discrepancies: AuditDiscrepancy[];
}

/**
 * Each check in a citizen's words, by its `name` (the web app's audit page leads with these and
 * keeps `description`, the exact rule, one click away).
 */
export const CHECKS_IN_PLAIN_WORDS: Readonly<Record<string, { title: string; summary: string }>> = {
  group: {
    title: "The list of citizens",
    summary:
      "Every citizen added or removed is rebuilt from the zone's records, each removal was approved by a vote, and every proposal was made with the list as it stood.",
  },
  admissions: {
    title: "Who let them in",
    summary:
      "Every citizen entered by the zone's vote, at its founding, or by a request that waited out its delay unrejected, within the registrar's cap.",
  },
  "proposal proofs": {
    title: "Who proposed",
    summary:
      "Every proposal was made by a citizen, anonymously, within the number of proposals each citizen may make per period.",
  },
  "vote proofs": {
    title: "Who voted",
    summary:
      "Every vote was cast by a citizen who could vote on that proposal, for the option it is counted for.",
  },
  "dividend claim proofs": {
    title: "Who was paid a dividend",
    summary: "Every dividend was claimed by a citizen who could claim it, and paid to whom the claim named.",
  },
  nullifiers: {
    title: "No one twice",
    summary: "No citizen voted twice on a proposal, used a proposal slot twice, or claimed a dividend twice.",
  },
  "sealed tallies": {
    title: "The sealed counts",
    summary:
      "Every sealed ballot was added up as cast, every teller's share of the opening was proven, and the counts the tellers opened are the ones the zone decided by.",
  },
  tallies: {
    title: "The counts",
    summary:
      "Every proposal's votes, recounted here, give the tally, the winner and the result the zone shows, under the rules in force when it was made.",
  },
  executions: {
    title: "What was carried out",
    summary:
      "Only proposals that passed were carried out, on time, and they did exactly what the winning choice said.",
  },
  treasury: {
    title: "The treasury",
    summary:
      "Every payment was decided by a vote, a dividend, a service's budget or a production reward, and the zone holds what its books say.",
  },
  "production rewards": {
    title: "Rewards for recyclable content",
    summary:
      "Every reward went to a production the zone's inspector vouched for and no vote revoked, after its challenge window, once, for what the voted rule pays, within its budget.",
  },
};

/** What a check hands back; `ok` follows from its discrepancies once they are all in. */
export type CheckResult = Omit<AuditCheck, "ok">;

/** The audit of one zone as of one block. Plain JSON: numbers, strings and booleans only. */
export interface AuditReport {
  zone: string;
  chainId: number;
  /** The block everything was read at (events up to it, views and balances at it). */
  block: number;
  /** That block's timestamp: the time proposal states are evaluated at. */
  timestamp: number;
  fromBlock: number;
  checks: AuditCheck[];
  ok: boolean;
}

/** The report as text for people: each check, its items, its discrepancies, then the verdict. */
export function formatAuditReport(report: AuditReport): string {
  const lines = [
    `Audit of zone ${report.zone} on chain ${report.chainId}, as of block ${report.block} ` +
      `(${new Date(report.timestamp * 1000).toISOString()}), events from block ${report.fromBlock}`,
    "",
  ];
  for (const check of report.checks) {
    const verdict = check.ok
      ? "ok"
      : `${check.discrepancies.length} discrepanc${plural(check.discrepancies.length, "y", "ies")}`;
    lines.push(`[${check.ok ? "ok" : "FAIL"}] ${check.name}: ${check.items} checked, ${verdict}`);
    lines.push(`       ${check.description}`);
    for (const { what, evidence } of check.discrepancies) {
      lines.push(`   - ${what}`);
      lines.push(`     evidence: ${evidence}`);
    }
  }
  const failed = report.checks.filter((check) => !check.ok).length;
  lines.push("");
  lines.push(
    report.ok
      ? `Verdict: OK. Every check passed (${report.checks.length} checks).`
      : `Verdict: DISCREPANCIES FOUND in ${failed} of ${report.checks.length} checks.`,
  );
  return lines.join("\n");
}

function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}
