/**
 * The tally audit (sdk/audit/), run in the browser from chain data alone: no relayer involved.
 * Proofs are verified with the official verification keys served by the app and checked against
 * the SHA-256 embedded at build, like the proving files. The audit code (and snarkjs's verifier)
 * is loaded only when the citizen starts an audit.
 */
import { useState } from "react";
import type { AuditReport } from "../../sdk/audit/index.js";
import { CHECKS_IN_PLAIN_WORDS } from "../../sdk/audit/report.js";
import { chainProvider, explain, type WebConfig } from "./api.js";
import { loadVerificationKey } from "./artifacts.js";
import { zoneCreatedBlock } from "./config-types.js";
import { formatDate } from "./format.js";

export function AuditPage({ config, zone, zoneName }: { config: WebConfig; zone: string; zoneName: string }) {
  const [progress, setProgress] = useState<string[]>([]);
  const [report, setReport] = useState<AuditReport>();
  const [error, setError] = useState<string>();
  const [running, setRunning] = useState(false);
  const provider = chainProvider(config);

  const run = async () => {
    if (!provider) return;
    setRunning(true);
    setReport(undefined);
    setError(undefined);
    const started = performance.now();
    const lines: string[] = [];
    const log = (line: string) => {
      lines.push(`${((performance.now() - started) / 1000).toFixed(1)} s: ${line}`);
      setProgress([...lines]);
    };
    try {
      log("loading the audit and the proof checker");
      const [{ auditZone }, { createProofVerifier }] = await Promise.all([
        import("../../sdk/audit/index.js"),
        import("../../sdk/verify.js"),
      ]);
      const verifier = await createProofVerifier({
        loadVerificationKey: (depth) => loadVerificationKey(depth, document.baseURI),
      });
      try {
        const fromBlock = zoneCreatedBlock(config, zone);
        setReport(await auditZone(provider, zone, { verifier, fromBlock, onProgress: log }));
      } finally {
        await verifier.terminate();
      }
    } catch (caught) {
      setError(explain(caught));
    } finally {
      setRunning(false);
    }
  };

  return (
    <>
      <p>
        <a href={`#/zone/${zone}`}>← {zoneName}</a>
      </p>
      <h1>Audit {zoneName}</h1>
      <section aria-labelledby="audit-heading">
        <h2 id="audit-heading">Recount everything from the chain</h2>
        <p className="muted">
          Your browser reads everything the zone recorded on the chain, rebuilds the list of citizens, checks
          every anonymous proof, recounts every proposal, and checks what was carried out and the treasury. It
          asks no relayer; it relies on the chain connection the app is given, and cross-checks what it says.
        </p>
        {!provider && (
          <p className="error">The audit needs a connection to the chain, which this app is not given.</p>
        )}
        <button type="button" onClick={() => void run()} disabled={running || !provider}>
          {running ? "Auditing…" : report ? "Audit again" : "Run the audit"}
        </button>
        {progress.length > 0 && (
          <ol className="progress" aria-label="Audit progress" aria-live="polite">
            {progress.map((line, index) => (
              <li key={index}>{line}</li>
            ))}
          </ol>
        )}
        {error && (
          <p className="error" role="alert">
            The audit could not finish: {error}
          </p>
        )}
      </section>
      {report && <AuditResult report={report} />}
    </>
  );
}

function AuditResult({ report }: { report: AuditReport }) {
  const failed = report.checks.filter((check) => !check.ok).length;
  return (
    <section aria-labelledby="verdict-heading">
      <h2 id="verdict-heading" className={report.ok ? "ok" : "error"} data-testid="audit-verdict">
        {report.ok
          ? "Verdict: everything adds up"
          : `Verdict: ${failed} of ${report.checks.length} checks found discrepancies`}
      </h2>
      <p className="muted">
        As of {formatDate(report.timestamp)} (chain {report.chainId}, block {report.block}; records from block{" "}
        {report.fromBlock}).
      </p>
      <ul className="plain checks">
        {report.checks.map((check) => (
          <li key={check.name} data-testid={`audit-check-${check.name}`}>
            <strong>
              {check.ok ? "OK" : "FAILED"} · {CHECKS_IN_PLAIN_WORDS[check.name]?.title ?? check.name}
            </strong>{" "}
            <span className="muted">({check.items} checked)</span>
            <div>{CHECKS_IN_PLAIN_WORDS[check.name]?.summary}</div>
            <details>
              <summary>How it is checked</summary>
              <div className="muted">{check.description}</div>
            </details>
            {check.discrepancies.length > 0 && (
              <ul>
                {check.discrepancies.map((found, index) => (
                  <li key={index} className="error">
                    {found.what} <span className="muted">({found.evidence})</span>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
