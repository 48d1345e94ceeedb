/**
 * Check 5, dividend claim proofs: each DividendClaimed's proof, decoded from its claimDividend
 * calldata, verified off chain for the event's round, nullifier and recipient against the round's
 * snapshot: that of the proposal that opened it (ProposalCreated), whose electorate it pays.
 */
import { getAddress } from "ethers";
import type { DividendClaimToVerify, ProofVerifier } from "../verify.js";
import { findClaimCall } from "./calldata.js";
import type { AuditContext } from "./context.js";
import { arg, type ZoneLog } from "./events.js";
import type { AuditDiscrepancy, CheckResult } from "./report.js";
import { fetchTransactions } from "./transactions.js";

export async function checkDividendClaimProofs(
  context: AuditContext,
  verifier: ProofVerifier,
): Promise<CheckResult> {
  const discrepancies: AuditDiscrepancy[] = [];
  const rounds = new Map(
    context.logs
      .filter((log) => log.name === "DividendRoundOpened")
      .map((log) => [arg(log.args, "roundId"), log] as const),
  );
  const events = context.logs.filter((log) => log.name === "DividendClaimed");
  const fetched = await fetchTransactions(context, events, "dividend claim", discrepancies);
  const toVerify: { log: ZoneLog; item: DividendClaimToVerify }[] = [];
  for (const log of events) {
    const roundId = arg(log.args, "roundId");
    const nullifier = arg(log.args, "nullifier");
    const recipient = log.args.getValue("recipient") as string;
    const label = `dividend claim ${nullifier} in round ${roundId}`;
    const round = rounds.get(roundId);
    // The treasury check reports a claim on a round never opened, or opened by no known proposal.
    const electorate = round && context.proposals.get(arg(round.args, "proposalId"));
    if (electorate === undefined) continue;
    const tx = fetched.get(log.txHash) ?? null;
    const found = tx === null ? undefined : findClaimCall(tx.data, roundId, nullifier);
    if (found === undefined) {
      discrepancies.push({ what: `${label}: proof not found in calldata`, evidence: log.txHash });
      continue;
    }
    if (getAddress(found.recipient) !== getAddress(recipient)) {
      discrepancies.push({
        what: `${label}: DividendClaimed pays ${recipient}, the calldata ${found.recipient}`,
        evidence: log.txHash,
      });
    }
    toVerify.push({
      log,
      item: {
        // The event's recipient with the calldata's proof: the proof must hold for who was paid.
        claim: { roundId, recipient, nullifier, points: found.points },
        snapshot: {
          chainId: context.chainId,
          zone: context.zone,
          snapshotRoot: electorate.snapshotRoot,
          snapshotDepth: Number(electorate.snapshotDepth),
        },
      },
    });
  }
  context.progress(`verifying ${toVerify.length} dividend claim proofs`);
  const verdicts = await verifier.verifyDividendClaims(toVerify.map(({ item }) => item));
  toVerify.forEach(({ log, item }, k) => {
    if (verdicts[k] === true) return;
    discrepancies.push({
      what: `dividend claim ${item.claim.nullifier} in round ${item.claim.roundId}: invalid proof for recipient ${item.claim.recipient} against the round's snapshot`,
      evidence: log.txHash,
    });
  });
  return {
    name: "dividend claim proofs",
    description:
      "each DividendClaimed's proof, found in its transaction's calldata, verified off chain for the " +
      "event's round, nullifier and recipient against the snapshot of the proposal that opened the round " +
      "(official keys, dividend scope)",
    items: events.length,
    discrepancies,
  };
}
