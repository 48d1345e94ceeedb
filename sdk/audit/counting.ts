/**
 * The recount: every proposal's tally rebuilt from its verified votes, and decided as
 * ZoneGovernance's counting hooks decide it (_quorumReached, _voteSucceeded, _winningOption), by the
 * rules in force at its creation. The tallies check compares it with the zone, the executions check
 * runs the zone's executions against it.
 */
import { BPS } from "../abis.js";
import { VoteOption } from "../constants.js";
import type { AuditContext } from "./context.js";
import { arg, type AuditedProposal } from "./events.js";
import type { AuditDiscrepancy } from "./report.js";
import type { SealedOutcome } from "./sealed.js";
import type { VoteRecord } from "./vote-proofs.js";

/** Basis points in a whole, as a bigint for the tallies. */
const WHOLE = BigInt(BPS);

/** A proposal's recounted tally, its winning option and whether it passed. */
export interface Outcome {
  tally: bigint[];
  option: bigint;
  succeeded: boolean;
}

/** Recounted outcomes, by proposal id. */
export type Recount = ReadonlyMap<bigint, Outcome>;

/**
 * The recount of every proposal: only verified votes, cast while it was active, in range, before any
 * cancel, once. Each vote left out for another reason than its proof goes to `discrepancies`. A
 * sealed proposal is decided by its opened counts (`sealed`, from sealed.ts; none before its tally),
 * its open votes by none (the sealed check reports them).
 */
export async function recount(
  context: AuditContext,
  votes: readonly VoteRecord[],
  discrepancies: AuditDiscrepancy[],
  sealed: ReadonlyMap<bigint, SealedOutcome>,
): Promise<Recount> {
  const tallies = new Map<bigint, bigint[]>();
  for (const proposal of context.proposals.values()) {
    tallies.set(proposal.proposalId, new Array<bigint>(proposal.optionCount).fill(0n));
  }
  const counted = new Set<bigint>();
  const canceledAt = new Map<bigint, number>();
  for (const log of context.logs) {
    if (log.name === "ProposalCanceled") canceledAt.set(arg(log.args, "proposalId"), log.order);
  }
  const voteBlocks = [...new Set(votes.map((vote) => vote.blockNumber))];
  context.progress(`reading the time of ${voteBlocks.length} vote blocks`);
  await context.mapLimit(voteBlocks, (blockNumber) => context.timestampOf(blockNumber));
  for (const vote of votes) {
    const proposal = context.proposals.get(vote.proposalId);
    if (proposal === undefined || !vote.verified || counted.has(vote.nullifier)) continue;
    if (sealed.has(proposal.proposalId)) continue;
    const label = `vote ${vote.nullifier} on proposal ${vote.proposalId}`;
    const time = await context.timestampOf(vote.blockNumber);
    if (time < proposal.voteStart || time >= proposal.voteEnd) {
      discrepancies.push({
        what: `${label}: counted at ${time}, outside the vote window [${proposal.voteStart}, ${proposal.voteEnd})`,
        evidence: vote.txHash,
      });
      continue;
    }
    if (vote.option >= BigInt(proposal.optionCount)) {
      discrepancies.push({
        what: `${label}: option ${vote.option} is not below the option count ${proposal.optionCount}`,
        evidence: vote.txHash,
      });
      continue;
    }
    if ((canceledAt.get(proposal.proposalId) ?? Infinity) < vote.order) {
      discrepancies.push({
        what: `${label}: counted after the proposal was canceled`,
        evidence: vote.txHash,
      });
      continue;
    }
    counted.add(vote.nullifier);
    tallies.get(proposal.proposalId)![Number(vote.option)]! += 1n;
  }
  const outcomes = new Map<bigint, Outcome>();
  for (const proposal of context.proposals.values()) {
    const tally = sealed.has(proposal.proposalId)
      ? (sealed.get(proposal.proposalId)!.counts ?? new Array<bigint>(proposal.optionCount).fill(0n))
      : tallies.get(proposal.proposalId)!;
    outcomes.set(proposal.proposalId, decide(proposal, tally));
  }
  return outcomes;
}

/** ZoneGovernance's counting hooks, on a recounted tally. */
function decide(proposal: AuditedProposal, tally: readonly bigint[]): Outcome {
  const rules = proposal.rules;
  const total = tally.reduce((sum, votes) => sum + votes, 0n);
  const quorumBps = rules?.quorumBps ?? 0n;
  const approvalBps = rules?.approvalBps ?? 0n;
  const quorum = total * WHOLE >= quorumBps * proposal.eligibleCount;
  if (!quorum) return { tally: [...tally], option: BigInt(VoteOption.For), succeeded: false };
  if (!proposal.multipleChoice) {
    const votes = tally[VoteOption.For] ?? 0n;
    const decisive = votes + (tally[VoteOption.Against] ?? 0n);
    return {
      tally: [...tally],
      option: BigInt(VoteOption.For),
      succeeded: votes * WHOLE > approvalBps * decisive,
    };
  }
  let option = 0;
  let best = 0n;
  let tie = false;
  tally.forEach((votes, candidate) => {
    if (votes > best) [option, best, tie] = [candidate, votes, false];
    else if (votes === best) tie = true;
  });
  return { tally: [...tally], option: BigInt(option), succeeded: !tie && best * WHOLE > approvalBps * total };
}
