/**
 * Removals and replacements of citizens: a vote approves one by commitment (`removeMember`,
 * `updateMember` in actions.ts), then anyone applies it within the proposal's execution window, with
 * the Merkle siblings of the tree as it is when the transaction is made. Siblings fixed when the
 * proposal was made would be stale after any admission before execution.
 */
import type { Signer } from "ethers";
import type { Zone } from "./contracts.js";
import { rebuildGroup } from "./group.js";
import { queryEvents } from "./logs.js";
import { chainTimeOf } from "./proposal-timeline.js";

/** A change a passed proposal approved that nobody has applied yet. */
export interface ApprovedMembershipChange {
  proposalId: bigint;
  identityCommitment: bigint;
  /** The commitment that replaces it; 0n for a removal. */
  newIdentityCommitment: bigint;
  /** Unix seconds: it can be applied until then (the proposal's execution window after execution). */
  validUntil: bigint;
}

/** An approved change, applied. */
export interface AppliedMembershipChange {
  identityCommitment: bigint;
  /** 0n for a removal. */
  newIdentityCommitment: bigint;
  txHash: string;
}

interface ApplyOptions {
  /** The zone's creation block: where the event queries start (0 by default). */
  fromBlock?: number;
  /**
   * Attempts when an admission lands between rebuilding the group and the transaction, making the
   * siblings stale (the zone then refuses with WrongSiblingNodes); 3 by default.
   */
  tries?: number;
}

/**
 * The approved changes still waiting to be applied, and not lapsed, as of the latest block; those
 * approved by `proposalId` alone if given. Oldest approval first.
 */
export async function approvedMembershipChanges(
  zone: Zone,
  options: { fromBlock?: number; proposalId?: bigint } = {},
): Promise<ApprovedMembershipChange[]> {
  const from = options.fromBlock ?? 0;
  const [removals, updates] = await Promise.all([
    queryEvents(zone, zone.filters.MemberRemovalApproved(options.proposalId), from),
    queryEvents(zone, zone.filters.MemberUpdateApproved(options.proposalId), from),
  ]);
  const approvals = [
    ...removals.map((log) => ({ log, newIdentityCommitment: 0n })),
    ...updates.map((log) => ({ log, newIdentityCommitment: log.args.newIdentityCommitment })),
  ].sort((a, b) => a.log.blockNumber - b.log.blockNumber || a.log.index - b.log.index);
  const now = await chainTimeOf(zone.runner);
  const waiting: ApprovedMembershipChange[] = [];
  const seen = new Set<bigint>();
  // The zone holds one approval per commitment, the latest: only the state says if it was used.
  for (const { log, newIdentityCommitment } of approvals.reverse()) {
    const identityCommitment = log.args.identityCommitment;
    if (seen.has(identityCommitment)) continue;
    seen.add(identityCommitment);
    const held = await zone.approvedChangeOf(identityCommitment);
    const unused =
      held.validUntil === log.args.validUntil && held.newIdentityCommitment === newIdentityCommitment;
    if (unused && held.validUntil > now) {
      waiting.push({
        proposalId: log.args.proposalId,
        identityCommitment,
        newIdentityCommitment,
        validUntil: held.validUntil,
      });
    }
  }
  return waiting.reverse();
}

/**
 * Applies the change a vote approved for `identityCommitment` (a removal or a replacement) from
 * `signer`'s account, with siblings from the group rebuilt from the zone's events now. Throws if no
 * change of it is waiting, or if the zone refuses for another reason than stale siblings.
 */
export async function applyApprovedChange(
  zone: Zone,
  identityCommitment: bigint,
  signer: Signer,
  options: ApplyOptions = {},
): Promise<AppliedMembershipChange> {
  const held = await zone.approvedChangeOf(identityCommitment);
  if (held.validUntil === 0n) {
    throw new Error(`no removal or replacement of citizen ${identityCommitment} is approved and unapplied`);
  }
  if (held.validUntil <= (await chainTimeOf(zone.runner))) {
    throw new Error(
      `the approved change of citizen ${identityCommitment} lapsed at unix time ${held.validUntil}`,
    );
  }
  const { newIdentityCommitment } = held;
  const asSigner = zone.connect(signer);
  for (let attempt = 1; ; attempt++) {
    const group = await rebuildGroup(zone, { fromBlock: options.fromBlock });
    const index = group.indexOf(identityCommitment);
    if (index < 0) throw new Error(`citizen ${identityCommitment} is not in the group rebuilt from events`);
    const { siblings } = group.generateMerkleProof(index);
    try {
      const sent =
        newIdentityCommitment === 0n
          ? await asSigner.applyRemoval(identityCommitment, siblings)
          : await asSigner.applyUpdate(identityCommitment, newIdentityCommitment, siblings);
      const receipt = await sent.wait();
      return { identityCommitment, newIdentityCommitment, txHash: receipt?.hash ?? sent.hash };
    } catch (error) {
      const stale = (error as { revert?: { name?: string } | null }).revert?.name === "WrongSiblingNodes";
      if (!stale || attempt >= (options.tries ?? 3)) throw error;
    }
  }
}

/**
 * Applies every approved change still waiting (those of `proposalId` alone if given), one
 * transaction each. A refusal does not stop the others: it is returned with its change.
 */
export async function applyApprovedChanges(
  zone: Zone,
  signer: Signer,
  options: ApplyOptions & { proposalId?: bigint } = {},
): Promise<{
  applied: AppliedMembershipChange[];
  failed: { change: ApprovedMembershipChange; error: unknown }[];
}> {
  const applied: AppliedMembershipChange[] = [];
  const failed: { change: ApprovedMembershipChange; error: unknown }[] = [];
  for (const change of await approvedMembershipChanges(zone, options)) {
    try {
      applied.push(await applyApprovedChange(zone, change.identityCommitment, signer, options));
    } catch (error) {
      failed.push({ change, error });
    }
  }
  return { applied, failed };
}
