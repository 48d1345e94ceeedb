/**
 * Check 7, tallies: each proposal recounted (counting.ts) and compared with what the zone says at
 * the audited block (getProposal, winningOption, state), and the zone's group and proposal count
 * with the events'.
 */
import { PROPOSAL_STATES } from "../constants.js";
import { Zone__factory } from "../contracts.js";
import type { AuditContext } from "./context.js";
import { recount, type Outcome, type Recount } from "./counting.js";
import { arg, choiceOf, type AuditedProposal, type ZoneLog } from "./events.js";
import type { GroupState } from "./group.js";
import type { AuditDiscrepancy, CheckResult } from "./report.js";
import type { SealedOutcome } from "./sealed.js";
import type { VoteRecord } from "./vote-proofs.js";

/** The tallies check, and the recount it compared (the executions check runs the zone's executions against it). */
export async function checkTallies(
  context: AuditContext,
  groupStates: readonly GroupState[],
  votes: readonly VoteRecord[],
  sealed: ReadonlyMap<bigint, SealedOutcome>,
): Promise<{ check: CheckResult; recount: Recount }> {
  const discrepancies: AuditDiscrepancy[] = [];
  const outcomes = await recount(context, votes, discrepancies, sealed);
  const contract = Zone__factory.connect(context.zone, context.provider);
  const blockTag = context.block;
  const proposals = [...context.proposals.values()];
  context.progress(`reading ${proposals.length} proposals' tallies, outcomes and states from the zone`);

  const [proposalCount, tree, memberCount] = await Promise.all([
    contract.proposalCount({ blockTag }),
    contract.merkleTree({ blockTag }),
    contract.memberCount({ blockTag }),
  ]);
  if (proposalCount !== BigInt(proposals.length)) {
    discrepancies.push({
      what: `the zone has ${proposalCount} proposals, the events ${proposals.length}`,
      evidence: `proposalCount() at block ${blockTag}; ProposalCreated events from block ${context.fromBlock}`,
    });
  }
  const last = groupStates.at(-1);
  const rebuilt = { root: last?.root ?? 0n, depth: BigInt(last?.depth ?? 0), size: BigInt(last?.size ?? 0) };
  if (tree.root !== rebuilt.root || tree.depth !== rebuilt.depth || tree.size !== rebuilt.size) {
    discrepancies.push({
      what: "the zone's group differs from the one rebuilt from its events",
      evidence:
        `merkleTree() at block ${blockTag} = (root ${tree.root}, depth ${tree.depth}, size ${tree.size}); ` +
        `rebuilt = (root ${rebuilt.root}, depth ${rebuilt.depth}, size ${rebuilt.size})`,
    });
  }
  const rebuiltCount = last?.memberCount ?? 0n;
  if (memberCount !== rebuiltCount) {
    discrepancies.push({
      what: `the zone counts ${memberCount} citizens, its events ${rebuiltCount}`,
      evidence: `memberCount() at block ${blockTag}`,
    });
  }

  await context.mapLimit(proposals, async (proposal) => {
    const label = `proposal ${proposal.proposalId}`;
    const outcome = outcomes.get(proposal.proposalId)!;
    if (proposal.rules === undefined) return; // reported with the proposal's proof
    let view, winner, state;
    try {
      [view, winner, state] = await Promise.all([
        contract.getProposal(proposal.proposalId, { blockTag }),
        contract.winningOption(proposal.proposalId, { blockTag }),
        contract.state(proposal.proposalId, { blockTag }),
      ]);
    } catch (error) {
      discrepancies.push({
        what: `${label}: the zone does not answer for it: ${(error as Error).message}`,
        evidence: `getProposal/winningOption/state(${proposal.proposalId}) at block ${blockTag}`,
      });
      return;
    }
    const recorded: [string, bigint, bigint][] = [
      ["snapshotRoot", view.snapshotRoot, proposal.snapshotRoot],
      ["snapshotDepth", view.snapshotDepth, proposal.snapshotDepth],
      ["eligibleCount", view.eligibleCount, proposal.eligibleCount],
      ["voteStart", view.voteStart, proposal.voteStart],
      ["voteEnd", view.voteEnd, proposal.voteEnd],
      ["optionCount", view.optionCount, BigInt(proposal.optionCount)],
    ];
    for (const [field, stored, emitted] of recorded) {
      if (stored !== emitted) {
        discrepancies.push({
          what: `${label}: the zone stores ${field} ${stored}, its ProposalCreated event says ${emitted}`,
          evidence: `getProposal(${proposal.proposalId}) at block ${blockTag}; tx ${proposal.txHash}`,
        });
      }
    }
    const tally = [...view.tally];
    if (tally.join() !== outcome.tally.join()) {
      discrepancies.push({
        what: `${label}: the zone's tally differs from the recount of its verified votes`,
        evidence: `getProposal(${proposal.proposalId}).tally = [${tally.join(", ")}]; recount = [${outcome.tally.join(", ")}]`,
      });
    }
    if (winner.option !== outcome.option || winner.succeeded !== outcome.succeeded) {
      discrepancies.push({
        what: `${label}: the zone's outcome differs from the recount's`,
        evidence:
          `winningOption(${proposal.proposalId}) = (${choiceOf(proposal, winner.option)}, succeeded ${winner.succeeded}); ` +
          `recount [${outcome.tally.join(", ")}] with quorum ${proposal.rules.quorumBps} bps of ${proposal.eligibleCount}, ` +
          `approval ${proposal.rules.approvalBps} bps = (${choiceOf(proposal, outcome.option)}, succeeded ${outcome.succeeded})`,
      });
    }
    const stateName = PROPOSAL_STATES[Number(state)] ?? `state ${state}`;
    const expected = expectedState(context, proposal, outcome, sealed.get(proposal.proposalId));
    if (stateName !== expected) {
      discrepancies.push({
        what: `${label}: the zone says ${stateName}, the recount and its events say ${expected}`,
        evidence: `state(${proposal.proposalId}) at block ${blockTag}, time ${context.timestamp}`,
      });
    }
  });
  const check = {
    name: "tallies",
    description:
      "each proposal recounted from its verified votes (cast while active, option in range, once) and " +
      "decided by the rules in force at its creation; compared with the zone's tally, winningOption and " +
      "state at the audited block, and the zone's group and proposal count with the events'",
    items: proposals.length,
    discrepancies,
  };
  return { check, recount: outcomes };
}

/** The state IZone.state gives `proposal` at the audited block, from the recount and its events. */
function expectedState(
  context: AuditContext,
  proposal: AuditedProposal,
  outcome: Outcome,
  sealed: SealedOutcome | undefined,
): string {
  const now = context.timestamp;
  const id = proposal.proposalId;
  const executionWindow = proposal.rules?.executionWindow ?? 0n;
  if (firstLog(context, "ProposalExecuted", id) !== undefined) return "Executed";
  if (firstLog(context, "ProposalCanceled", id) !== undefined) return "Canceled";
  if (now < proposal.voteStart) return "Pending";
  if (now < proposal.voteEnd) return "Active";
  // A sealed proposal waits for its tally, within the execution window after the vote.
  if (sealed !== undefined && sealed.counts === undefined) {
    return now > proposal.voteEnd + executionWindow ? "Expired" : "Tallying";
  }
  if (!outcome.succeeded) return "Defeated";
  // The execution window runs from the vote's end (a sealed proposal's tally) until queued, then
  // from the timelock's end.
  const queued = firstLog(context, "ProposalQueued", id);
  const windowStart =
    queued !== undefined ? arg(queued.args, "eta") : (sealed?.talliedAt ?? proposal.voteEnd);
  if (now > windowStart + executionWindow) return "Expired";
  return queued === undefined ? "Succeeded" : "Queued";
}

function firstLog(context: AuditContext, name: string, proposalId: bigint): ZoneLog | undefined {
  return context.logs.find((log) => log.name === name && arg(log.args, "proposalId") === proposalId);
}
