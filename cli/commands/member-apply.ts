/**
 * `zonedao member apply`: anyone carries out the removals and replacements that passed proposals
 * approved, with Merkle siblings of the group as it is now. `zonedao execute` does it too, right
 * after running a proposal that approved some.
 */
import {
  applyMembershipApprovals,
  type AppliedMembershipChange,
  type MembershipChangeFailure,
} from "../../sdk/index.js";
import { CommandError } from "../context.js";
import { common, signing, zoneFlag, type Command } from "../flags.js";
import { shortError } from "../refusals.js";

export const memberApply: Command = {
  name: "member apply",
  summary: "apply the removals and replacements passed proposals approved (anyone)",
  usage: `zonedao member apply --zone ZONE --key KEY [--commitment C ...]

A proposal that removes or replaces a citizen approves the change; anyone then applies it, within
the proposal's execution window after it ran, with the Merkle siblings of the group as it is then.
Without --commitment every approved change still waiting is applied; with it, those citizens' only.
\`zonedao execute\` applies a proposal's changes right after running it.`,
  options: { ...common, ...signing, ...zoneFlag, commitment: { type: "string", multiple: true } },
  async run(context) {
    const commitments = context.commitments("commitment");
    const { address, zone, createdBlock } = await context.zone();
    const signer = await context.signer();
    const { applied, failed } = await applyMembershipApprovals(zone, signer, {
      fromBlock: createdBlock,
      commitments,
    });
    const lines =
      applied.length > 0 ? appliedLines(applied) : [`no approved change is waiting in ${address}`];
    context.print({ zone: address, applied }, lines.join("\n"));
    if (failed.length > 0) throw new CommandError(failureSentences(failed).join("; "));
  },
};

/** A line for each change applied, with its transaction. */
export function appliedLines(applied: readonly AppliedMembershipChange[]): string[] {
  return applied.map((change) =>
    change.newIdentityCommitment === 0n
      ? `removed citizen ${change.identityCommitment} (tx ${change.txHash})`
      : `replaced citizen ${change.identityCommitment} with ${change.newIdentityCommitment} (tx ${change.txHash})`,
  );
}

/** Each change that could not be applied, with the zone's refusal in a few words. */
export function failureSentences(failed: readonly MembershipChangeFailure[]): string[] {
  return failed.map(({ identityCommitment, error }) => `citizen ${identityCommitment}: ${shortError(error)}`);
}
