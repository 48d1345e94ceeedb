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
 * The zone's group from its events. With `untilProposal`, the group as it was when that proposal was
 * created: the one whose root is its snapshot root, which its voters prove against. With
 * `untilDividendRound`, the same for the proposal that opened the round: a round pays that vote's
 * electorate, so its claimants prove against that proposal's snapshot. `fromBlock` (the zone's
 * creation block) keeps the event queries within what public RPC providers serve.
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

  let untilProposal = options.untilProposal;
  if (options.untilDividendRound !== undefined) {
    const [opened] = await queryEvents(
      zone,
      zone.filters.DividendRoundOpened(options.untilDividendRound),
      from,
    );
    if (!opened) throw new Error(`dividend round ${options.untilDividendRound} does not exist in this zone`);
    if (untilProposal !== undefined && untilProposal !== opened.args.proposalId) {
      throw new Error(
        `dividend round ${options.untilDividendRound} was opened by proposal ${opened.args.proposalId}, not ${untilProposal}`,
      );
    }
    untilProposal = opened.args.proposalId;
  }
  if (untilProposal !== undefined) {
    const [created] = await queryEvents(zone, zone.filters.ProposalCreated(untilProposal), from);
    if (!created) throw new Error(`proposal ${untilProposal} does not exist in this zone`);
    changes = changes.filter((membershipChange) => byChainOrder(membershipChange, created) < 0);
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
