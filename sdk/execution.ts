/**
 * Moving a passed proposal on, as anyone may: queue it once it Succeeded, run its winning option's
 * actions once its timelock is over, then apply the removals and replacements of citizens they
 * approved. Nothing here prints: the CLI's `execute` and a relayer's keeper both call it, and each
 * says what happened in its own way from the results returned.
 */
import type { Signer } from "ethers";
import type { Zone } from "./contracts.js";
import { applyApprovedChange, applyApprovedChanges, type AppliedMembershipChange } from "./membership.js";
import { executableActions } from "./proposals.js";
import { readProposalTimeline, type ProposalTimeline } from "./proposal-timeline.js";

/**
 * A proposal that cannot take the step asked now (not passed, still in its timelock, expired,
 * already executed): nothing was sent. Its timeline says why and what comes next.
 */
export class ProposalNotReadyError extends Error {
  override name = "ProposalNotReadyError";

  constructor(
    message: string,
    readonly timeline: ProposalTimeline,
  ) {
    super(message);
  }
}

export interface QueuedProposal {
  proposalId: bigint;
  /** From when it can be executed (unix seconds, chain time). */
  eta: bigint;
  /** Until when it can be executed: eta plus the execution window of its rules. */
  executableUntil: bigint;
  txHash: string;
}

/** An approved change of a citizen that could not be applied, with the zone's (or node's) error. */
export interface MembershipChangeFailure {
  identityCommitment: bigint;
  error: unknown;
}

export interface ExecutedProposal {
  proposalId: bigint;
  /** The chain's index of the option that won and ran. */
  option: bigint;
  txHash: string;
  /** The removals and replacements of citizens it approved, applied right after. */
  applied: AppliedMembershipChange[];
  /** Those that could not be applied: the proposal is executed all the same; apply them again later. */
  failed: MembershipChangeFailure[];
}

/**
 * Queues `proposalId` from `signer`'s account: its timelock starts. Throws ProposalNotReadyError
 * unless it Succeeded; a refusal by the zone is the transaction's own error.
 */
export async function queueProposal(
  zone: Zone,
  signer: Signer,
  proposalId: bigint,
  { fromBlock = 0 }: { fromBlock?: number } = {},
): Promise<QueuedProposal> {
  const timeline = await readProposalTimeline(zone, proposalId, { fromBlock });
  if (!timeline.canQueue) {
    throw new ProposalNotReadyError(
      `proposal ${proposalId} cannot be queued: ${timeline.nextStep}`,
      timeline,
    );
  }
  const sent = await zone.connect(signer).queue(proposalId);
  const receipt = await sent.wait();
  const { eta } = await zone.getProposal(proposalId);
  return {
    proposalId,
    eta,
    executableUntil: eta + timeline.rules.executionWindow,
    txHash: receipt?.hash ?? sent.hash,
  };
}

/**
 * Executes `proposalId` from `signer`'s account: its winning option's actions exactly as proposed
 * (read from its ProposalCreated event, from `fromBlock`), then the removals and replacements of
 * citizens they approved, each with the group's Merkle siblings of that moment. Throws
 * ProposalNotReadyError unless it is queued and its timelock is over (in chain time); a refusal of
 * the execution by the zone is the transaction's own error. A change that cannot be applied does
 * not throw: it is returned in `failed`.
 */
export async function executeProposal(
  zone: Zone,
  signer: Signer,
  proposalId: bigint,
  { fromBlock = 0 }: { fromBlock?: number } = {},
): Promise<ExecutedProposal> {
  const timeline = await readProposalTimeline(zone, proposalId, { fromBlock });
  if (!timeline.canExecute) {
    throw new ProposalNotReadyError(
      `proposal ${proposalId} cannot be executed: ${timeline.nextStep}`,
      timeline,
    );
  }
  const [option] = await zone.winningOption(proposalId);
  const actions = executableActions(timeline.record.options, option);
  const sent = await zone.connect(signer).execute(proposalId, [...actions]);
  const receipt = await sent.wait();
  // The vote approved them; the group changes only when they are applied, and anyone may.
  const { applied, failed } = await applyMembershipApprovals(zone, signer, { fromBlock, proposalId });
  return { proposalId, option, txHash: receipt?.hash ?? sent.hash, applied, failed };
}

/**
 * Applies the removals and replacements of citizens that passed proposals approved: those of
 * `commitments` if any are given, else those `proposalId` approved if given, else every one still
 * waiting. A refusal does not stop the others: it is returned with its citizen.
 */
export async function applyMembershipApprovals(
  zone: Zone,
  signer: Signer,
  options: { fromBlock?: number; proposalId?: bigint; commitments?: readonly bigint[] },
): Promise<{ applied: AppliedMembershipChange[]; failed: MembershipChangeFailure[] }> {
  if (options.commitments === undefined || options.commitments.length === 0) {
    const { applied, failed } = await applyApprovedChanges(zone, signer, options);
    return {
      applied,
      failed: failed.map(({ change, error }) => ({ identityCommitment: change.identityCommitment, error })),
    };
  }
  const applied: AppliedMembershipChange[] = [];
  const failed: MembershipChangeFailure[] = [];
  for (const identityCommitment of options.commitments) {
    try {
      applied.push(await applyApprovedChange(zone, identityCommitment, signer, options));
    } catch (error) {
      failed.push({ identityCommitment, error });
    }
  }
  return { applied, failed };
}
