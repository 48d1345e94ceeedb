/**
 * Check 4, vote proofs: each VoteCast's proof, found in its transaction's input, verified off chain
 * for what the event says was counted (proposal, option, nullifier) against the proposal's snapshot.
 */
import type { VoteToVerify, ProofVerifier } from "../verify.js";
import { findVoteInCalldata } from "./calldata.js";
import type { AuditContext } from "./context.js";
import { arg, choiceOf, position, type Position } from "./events.js";
import type { AuditDiscrepancy, CheckResult } from "./report.js";
import { fetchTransactions } from "./transactions.js";

/** A VoteCast event, and whether its proof holds. */
export interface VoteRecord extends Position {
  order: number;
  proposalId: bigint;
  option: bigint;
  nullifier: bigint;
  /** Whether its proof, found in calldata, holds for this event's proposal, option and nullifier. */
  verified: boolean;
}

/** The vote proofs check, and every VoteCast in chain order with its verdict (the tallies count them). */
export async function checkVoteProofs(
  context: AuditContext,
  verifier: ProofVerifier,
): Promise<{ check: CheckResult; votes: VoteRecord[] }> {
  const discrepancies: AuditDiscrepancy[] = [];
  const votes: VoteRecord[] = [];
  const events = context.logs.filter((log) => log.name === "VoteCast");
  const fetched = await fetchTransactions(context, events, "vote", discrepancies);

  const toVerify: { index: number; item: VoteToVerify }[] = [];
  for (const log of events) {
    const vote: VoteRecord = {
      ...position(log),
      order: log.order,
      proposalId: arg(log.args, "proposalId"),
      option: arg(log.args, "option"),
      nullifier: arg(log.args, "nullifier"),
      verified: false,
    };
    const index = votes.push(vote) - 1;
    const label = `vote ${vote.nullifier} on proposal ${vote.proposalId}`;
    const proposal = context.proposals.get(vote.proposalId);
    if (proposal === undefined) {
      discrepancies.push({ what: `${label}: no ProposalCreated for its proposal`, evidence: log.txHash });
      continue;
    }
    const tx = fetched.get(log.txHash) ?? null;
    const found = tx === null ? undefined : findVoteInCalldata(tx.data, vote);
    if (found === undefined) {
      discrepancies.push({ what: `${label}: proof not found in calldata`, evidence: log.txHash });
      continue;
    }
    if (found.proposalId !== vote.proposalId || found.option !== vote.option) {
      discrepancies.push({
        what: `${label}: VoteCast says ${choiceOf(proposal, vote.option)}, the calldata proposal ${found.proposalId} option index ${found.option}`,
        evidence: log.txHash,
      });
    }
    toVerify.push({
      index,
      item: {
        // The event's claims, with the calldata's proof: the proof must hold for what was counted.
        vote: {
          proposalId: vote.proposalId,
          option: vote.option < 1n << 53n ? Number(vote.option) : -1,
          nullifier: vote.nullifier,
          merkleTreeRoot: proposal.snapshotRoot,
          merkleTreeDepth: Number(proposal.snapshotDepth),
          points: found.points,
        },
        snapshot: {
          chainId: context.chainId,
          zone: context.zone,
          snapshotRoot: proposal.snapshotRoot,
          snapshotDepth: Number(proposal.snapshotDepth),
        },
      },
    });
  }
  context.progress(`verifying ${toVerify.length} vote proofs`);
  const verdicts = await verifier.verifyVotes(toVerify.map(({ item }) => item));
  toVerify.forEach(({ index }, k) => {
    const vote = votes[index]!;
    vote.verified = verdicts[k] === true;
    if (!vote.verified) {
      const proposal = context.proposals.get(vote.proposalId)!;
      discrepancies.push({
        what: `vote ${vote.nullifier} on proposal ${vote.proposalId}: invalid proof for ${choiceOf(proposal, vote.option)} against the proposal's snapshot`,
        evidence: vote.txHash,
      });
    }
  });
  const check = {
    name: "vote proofs",
    description:
      "each VoteCast's proof, found in its transaction's calldata, verified off chain for the event's " +
      "proposal, option and nullifier against the proposal's snapshot (official keys, vote scope)",
    items: events.length,
    discrepancies,
  };
  return { check, votes };
}
