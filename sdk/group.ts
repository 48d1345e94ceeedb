/**
 * Rebuilds a zone's Semaphore group from its events, in chain order, so a citizen can prove
 * membership against the current root or against a proposal's snapshot root.
 */
import { Group } from "@semaphore-protocol/group";
import type { Zone } from "./contracts.js";
import { queryEvents } from "./logs.js";

interface MembershipChange {
  blockNumber: number;
  index: number;
  apply(group: Group): void;
}

/**
 * The zone's group from its events. With `untilProposal` (or `untilDividendRound`), the group as it
 * was when that proposal was created (or that round opened): the one whose root is its snapshot
 * root, which its voters (or claimants) prove against. `fromBlock` (the zone's creation block) keeps
 * the event queries within what public RPC providers serve.
 */
export async function rebuildGroup(
  zone: Zone,
  options: { untilProposal?: bigint; untilDividendRound?: bigint; fromBlock?: number } = {},
): Promise<Group> {
  const from = options.fromBlock ?? 0;
  const [added, addedMany, updated, removed] = await Promise.all([
    queryEvents(zone, zone.filters.MemberAdded(), from),
    queryEvents(zone, zone.filters.MembersAdded(), from),
    queryEvents(zone, zone.filters.MemberUpdated(), from),
    queryEvents(zone, zone.filters.MemberRemoved(), from),
  ]);
  let changes: MembershipChange[] = [
    ...added.map((log) => change(log, (group) => group.addMember(log.args.identityCommitment))),
    ...addedMany.map((log) => change(log, (group) => group.addMembers([...log.args.identityCommitments]))),
    ...updated.map((log) =>
      change(log, (group) => group.updateMember(Number(log.args.index), log.args.newIdentityCommitment)),
    ),
    ...removed.map((log) => change(log, (group) => group.removeMember(Number(log.args.index)))),
  ].sort(byChainOrder);

  if (options.untilProposal !== undefined) {
    const [created] = await queryEvents(zone, zone.filters.ProposalCreated(options.untilProposal), from);
    if (!created) throw new Error(`proposal ${options.untilProposal} does not exist in this zone`);
    changes = changes.filter((membershipChange) => byChainOrder(membershipChange, created) < 0);
  }
  if (options.untilDividendRound !== undefined) {
    const [opened] = await queryEvents(
      zone,
      zone.filters.DividendRoundOpened(options.untilDividendRound),
      from,
    );
    if (!opened) throw new Error(`dividend round ${options.untilDividendRound} does not exist in this zone`);
    changes = changes.filter((membershipChange) => byChainOrder(membershipChange, opened) < 0);
  }

  const group = new Group();
  for (const membershipChange of changes) membershipChange.apply(group);
  return group;
}

function change(
  log: { blockNumber: number; index: number },
  apply: (group: Group) => void,
): MembershipChange {
  return { blockNumber: log.blockNumber, index: log.index, apply };
}

function byChainOrder(
  a: { blockNumber: number; index: number },
  b: { blockNumber: number; index: number },
): number {
  return a.blockNumber - b.blockNumber || a.index - b.index;
}
