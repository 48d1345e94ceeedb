/**
 * Check 1, the group: rebuilt from the membership events in chain order, each event's index and
 * root against it, every removal or replacement against the approval an executed proposal recorded
 * for it, and every proposal's snapshot against the group then (a dividend round has no snapshot of
 * its own: it pays the electorate of the proposal that opened it).
 */
import { Group } from "@semaphore-protocol/group";
import { MIN_TREE_DEPTH } from "../constants.js";
import type { AuditContext } from "./context.js";
import { arg, type Position, type ZoneLog } from "./events.js";
import type { AuditDiscrepancy, CheckResult } from "./report.js";

/** The group after one membership change. */
export interface GroupState {
  order: number;
  blockNumber: number;
  root: bigint;
  depth: number;
  size: number;
  memberCount: bigint;
}

/**
 * The group check, and the rebuilt group's states in chain order, one after each membership change
 * (the proposal proofs check the roots they used against them, the tallies the zone's group).
 */
export function checkGroup(
  context: AuditContext,
  unreadable: readonly AuditDiscrepancy[],
): { check: CheckResult; groupStates: GroupState[] } {
  const discrepancies: AuditDiscrepancy[] = [...unreadable];
  const group = new Group();
  let memberCount = 0n;
  let changes = 0;
  let snapshots = 0;
  const states: GroupState[] = [];
  const rootOf = () => (group.size === 0 ? 0n : group.root);
  const at = (log: ZoneLog) => `block ${log.blockNumber}, tx ${log.txHash}`;
  // The proposal each transaction executed, and the approvals not yet applied, by commitment.
  const executedIn = new Map<string, bigint>();
  const approvals = new Map<bigint, bigint>();

  for (const log of context.logs) {
    const { args } = log;
    if (log.name === "ProposalExecuted") {
      executedIn.set(log.txHash, arg(args, "proposalId"));
      continue;
    }
    if (log.name === "MemberRemovalApproved" || log.name === "MemberUpdateApproved") {
      checkApproval(log, executedIn, discrepancies);
      const replacement = log.name === "MemberUpdateApproved" ? arg(args, "newIdentityCommitment") : 0n;
      approvals.set(arg(args, "identityCommitment"), replacement);
      continue;
    }
    if (log.name === "MemberUpdated" || log.name === "MemberRemoved") {
      // Applied by anyone, so the vote shows only in the approval: one per change, used once. When
      // it lapsed is the zone's clock, not rechecked here.
      const commitment = arg(args, "identityCommitment");
      const replacement = log.name === "MemberUpdated" ? arg(args, "newIdentityCommitment") : 0n;
      if (approvals.get(commitment) !== replacement) {
        discrepancies.push({
          what: `${log.name} of commitment ${commitment} applies no change an executed proposal approved`,
          evidence: at(log),
        });
      }
      approvals.delete(commitment);
    }
    try {
      if (log.name === "MemberAdded") {
        const index = arg(args, "index");
        if (index !== BigInt(group.size)) {
          discrepancies.push({
            what: `MemberAdded at index ${index}, but the rebuilt group had ${group.size} leaves`,
            evidence: at(log),
          });
        }
        group.addMember(arg(args, "identityCommitment"));
        memberCount++;
      } else if (log.name === "MembersAdded") {
        const startIndex = arg(args, "startIndex");
        const commitments = [...(args.getValue("identityCommitments") as bigint[])];
        if (startIndex !== BigInt(group.size)) {
          discrepancies.push({
            what: `MembersAdded from index ${startIndex}, but the rebuilt group had ${group.size} leaves`,
            evidence: at(log),
          });
        }
        group.addMembers(commitments);
        memberCount += BigInt(commitments.length);
      } else if (log.name === "MemberUpdated" || log.name === "MemberRemoved") {
        const index = Number(arg(args, "index"));
        const leaf = group.members[index];
        if (leaf !== arg(args, "identityCommitment")) {
          discrepancies.push({
            what: `${log.name} names commitment ${arg(args, "identityCommitment")} at index ${index}, where the rebuilt group has ${leaf ?? "no leaf"}`,
            evidence: at(log),
          });
        }
        if (log.name === "MemberUpdated") {
          group.updateMember(index, arg(args, "newIdentityCommitment"));
        } else {
          group.removeMember(index);
          memberCount--;
        }
      } else {
        continue;
      }
    } catch (error) {
      discrepancies.push({
        what: `${log.name} cannot be applied to the rebuilt group: ${(error as Error).message}`,
        evidence: at(log),
      });
      continue;
    }
    changes++;
    const root = rootOf();
    const emitted = arg(args, "merkleTreeRoot");
    if (emitted !== root) {
      discrepancies.push({
        what: `${log.name} says the group's root became ${emitted}; rebuilt from the events before it, it is ${root}`,
        evidence: at(log),
      });
    }
    states.push({
      order: log.order,
      blockNumber: log.blockNumber,
      root,
      depth: group.depth,
      size: group.size,
      memberCount,
    });
  }

  const checkSnapshot = (
    label: string,
    log: Position & { order: number },
    recorded: { root: bigint; depth: bigint; eligible: bigint },
  ) => {
    snapshots++;
    const state = states[groupStateIndexBefore(states, log.order)];
    const expected = {
      root: state?.root ?? 0n,
      depth: BigInt(Math.max(MIN_TREE_DEPTH, state?.depth ?? 0)),
      eligible: state?.memberCount ?? 0n,
    };
    const fields: [string, bigint, bigint][] = [
      ["snapshotRoot", recorded.root, expected.root],
      ["snapshotDepth", recorded.depth, expected.depth],
      ["eligibleCount", recorded.eligible, expected.eligible],
    ];
    for (const [field, actual, wanted] of fields) {
      if (actual !== wanted) {
        discrepancies.push({
          what: `${label}: ${field} is ${actual}, but the group rebuilt from events had ${wanted} then`,
          evidence: `block ${log.blockNumber}, tx ${log.txHash}`,
        });
      }
    }
  };
  for (const proposal of context.proposals.values()) {
    checkSnapshot(`proposal ${proposal.proposalId}`, proposal, {
      root: proposal.snapshotRoot,
      depth: proposal.snapshotDepth,
      eligible: proposal.eligibleCount,
    });
  }
  const check = {
    name: "group",
    description:
      "the group rebuilt from MemberAdded/MembersAdded/MemberUpdated/MemberRemoved in chain order; " +
      "each event's root, each removal or replacement against an approval an executed proposal recorded, " +
      "and every proposal's snapshot (root, depth, eligibleCount)",
    items: changes + snapshots,
    discrepancies,
    // The end state is compared with the zone's merkleTree() and memberCount() in checkTallies.
  };
  return { check, groupStates: states };
}

/** An approval must be recorded by the execution of the proposal it names, in that transaction. */
function checkApproval(
  log: ZoneLog,
  executedIn: ReadonlyMap<string, bigint>,
  discrepancies: AuditDiscrepancy[],
): void {
  const proposalId = arg(log.args, "proposalId");
  if (executedIn.get(log.txHash) !== proposalId) {
    discrepancies.push({
      what: `${log.name} names proposal ${proposalId}, but its transaction executed ${executedIn.get(log.txHash) ?? "no proposal"}`,
      evidence: `block ${log.blockNumber}, tx ${log.txHash}`,
    });
  }
}

/** The index of the group's state current when the log at `order` happened; -1 before any change. */
export function groupStateIndexBefore(states: readonly GroupState[], order: number): number {
  let index = -1;
  for (let k = 0; k < states.length && states[k]!.order < order; k++) index = k;
  return index;
}
