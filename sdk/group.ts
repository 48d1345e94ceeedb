/**
 * Rebuilds a zone's Semaphore group from its events, in chain order, so a citizen can prove
 * membership against the current root or against a proposal's snapshot root.
 */
import { Group } from "@semaphore-protocol/group";
import type { Contract, EventLog, Log } from "ethers";

const MEMBERSHIP_EVENTS = ["MemberAdded", "MembersAdded", "MemberUpdated", "MemberRemoved"] as const;

/**
 * The zone's group from its events. With `untilProposal`, the group as it was when that proposal
 * was created: the one whose root is the proposal's snapshot root, which its voters prove against.
 */
export async function rebuildGroup(zone: Contract, options: { untilProposal?: bigint } = {}): Promise<Group> {
  const logs = (await Promise.all(MEMBERSHIP_EVENTS.map((name) => zone.queryFilter(name)))).flat();
  let membershipLogs = logs.filter(isEventLog).sort(byChainOrder);

  if (options.untilProposal !== undefined) {
    const [created] = (await zone.queryFilter(zone.filters.ProposalCreated!(options.untilProposal))).filter(
      isEventLog,
    );
    if (!created) throw new Error(`proposal ${options.untilProposal} does not exist in this zone`);
    membershipLogs = membershipLogs.filter((log) => byChainOrder(log, created) < 0);
  }

  const group = new Group();
  for (const log of membershipLogs) applyMembershipEvent(group, log);
  return group;
}

function applyMembershipEvent(group: Group, log: EventLog): void {
  const args = log.args;
  switch (log.eventName) {
    case "MemberAdded":
      group.addMember(args.getValue("identityCommitment") as bigint);
      break;
    case "MembersAdded":
      group.addMembers([...(args.getValue("identityCommitments") as bigint[])]);
      break;
    case "MemberUpdated":
      group.updateMember(Number(args.getValue("index")), args.getValue("newIdentityCommitment") as bigint);
      break;
    case "MemberRemoved":
      group.removeMember(Number(args.getValue("index")));
      break;
    default:
      throw new Error(`unexpected membership event ${log.eventName}`);
  }
}

function isEventLog(log: Log): log is EventLog {
  return "eventName" in log;
}

function byChainOrder(a: Log, b: Log): number {
  return a.blockNumber - b.blockNumber || a.index - b.index;
}
