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
