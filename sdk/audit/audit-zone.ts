/**
 * The tally audit: everything a zone decided, re-derived from chain data alone, independent of any
 * relayer and of the zone contract's own checks.
 *
 * From the zone's event logs (and its admissions contract's), the transactions that emitted them and
 * a few view calls, all pinned to one block, it rebuilds the group and checks every snapshot, checks
 * that every citizen entered by an allowed path, after its delay and within its caps, finds every
 * proof in its transaction's calldata and verifies it off chain (official keys, documented scopes),
 * recounts every proposal and decides it as ZoneGovernance does, checks every execution against the
 * winning option's actions, accounts for the treasury against the real balances, and re-derives every
 * reward for recyclable content from its attestation, rule and budget. Each check
 * lists what it found wrong, with evidence (transaction hashes, blocks, both values).
 *
 * What it trusts: the RPC provider's answers are taken as the chain's, but they are cross-checked
 * (event roots against the rebuilt group, events against the zone's views, each transaction's
 * content against its hash), so a provider that drops or rewrites some of them is caught where the
 * story no longer adds up. It does not check block headers, so a provider that rewrites everything
 * consistently is not caught.
 *
 * Each check is a module of its own; what one check finds and a later one needs (the rebuilt group,
 * the verified votes, the recount) is handed on here, as arguments.
 */
import type { Provider } from "ethers";
import type { ProofVerifier } from "../verify.js";
import { checkAdmissions } from "./admissions.js";
import { checkDividendClaimProofs } from "./claim-proofs.js";
import { readAuditContext } from "./context.js";
import { checkExecutions } from "./executions.js";
import { checkGroup } from "./group.js";
import { checkNullifiers } from "./nullifiers.js";
import { checkProduction } from "./production.js";
import { checkProposalProofs } from "./proposal-proofs.js";
import type { AuditReport } from "./report.js";
import { checkSealedTallies } from "./sealed.js";
import { checkTallies } from "./tallies.js";
import { checkTreasury } from "./treasury.js";
import { checkVoteProofs } from "./vote-proofs.js";

export interface AuditOptions {
  /**
   * The first block to read events from: the zone's creation block (or earlier). Later blocks miss
   * its first members, rules and ledger entries, and the audit then reports them as discrepancies.
   */
  fromBlock?: number;
  /** The block to audit the zone as of; the latest by default. */
  toBlock?: number;
  /** Hears one line per step (fetching events, verifying N proofs, ...). */
  onProgress?: (line: string) => void;
  /** A proof verifier to use (and not terminate); by default one is created and terminated. */
  verifier?: ProofVerifier;
  /** The most RPC requests in flight at once (transactions, blocks); 16 by default. */
  concurrency?: number;
}

/**
 * Audits the zone at `zoneAddress` from chain data alone (see the top of this file). The report's
 * `ok` is true when no check found a discrepancy.
 */
export async function auditZone(
  provider: Provider,
  zoneAddress: string,
  options: AuditOptions = {},
): Promise<AuditReport> {
  const { context, unreadable } = await readAuditContext(provider, zoneAddress, options);
  const verifier = options.verifier ?? (await (await import("../verify.js")).createProofVerifier());
  try {
    const group = checkGroup(context, unreadable);
    const admissions = await checkAdmissions(context);
    const proposalProofs = await checkProposalProofs(context, verifier, group.groupStates);
    const voteProofs = await checkVoteProofs(context, verifier);
    const claimProofs = await checkDividendClaimProofs(context, verifier);
    const nullifiers = checkNullifiers(context);
    const sealedTallies = await checkSealedTallies(context);
    const tallies = await checkTallies(context, group.groupStates, voteProofs.votes, sealedTallies.sealed);
    const executions = await checkExecutions(context, tallies.recount);
    const treasury = await checkTreasury(context);
    const production = await checkProduction(context);
    const checks = [
      group.check,
      admissions,
      proposalProofs,
      voteProofs.check,
      claimProofs,
      nullifiers,
      sealedTallies.check,
      tallies.check,
      executions,
      treasury,
      production,
    ].map((check) => ({ ...check, ok: check.discrepancies.length === 0 }));
    context.progress("done");
    return {
      zone: context.zone,
      chainId: Number(context.chainId),
      block: context.block,
      timestamp: Number(context.timestamp),
      fromBlock: context.fromBlock,
      checks,
      ok: checks.every((check) => check.ok),
    };
  } finally {
    if (options.verifier === undefined) await verifier.terminate();
  }
}
