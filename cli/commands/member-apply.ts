/**
 * `zonedao member apply`: anyone carries out the removals and replacements that passed proposals
 * approved, with Merkle siblings of the group as it is now. `zonedao execute` does it too, right
 * after running a proposal that approved some.
 */
import type { Signer } from "ethers";
import {
  applyApprovedChange,
  applyApprovedChanges,
  type AppliedMembershipChange,
  type Zone,
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
    const outcome = await applyApproved(zone, signer, { fromBlock: createdBlock, commitments });
    const lines = outcome.lines.length > 0 ? outcome.lines : [`no approved change is waiting in ${address}`];
    context.print({ zone: address, applied: outcome.applied }, lines.join("\n"));
    if (outcome.failures.length > 0) throw new CommandError(outcome.failures.join("; "));
  },
};

/**
 * Applies approved changes: those of `commitments` if any, else of `proposalId` if given, else every
 * one waiting. Returns what was applied, a line for each, and each refusal as a sentence.
 */
export async function applyApproved(
  zone: Zone,
  signer: Signer,
  options: { fromBlock?: number; proposalId?: bigint; commitments?: readonly bigint[] },
): Promise<{ applied: AppliedMembershipChange[]; lines: string[]; failures: string[] }> {
  const applied: AppliedMembershipChange[] = [];
  const failures: string[] = [];
  if (options.commitments !== undefined && options.commitments.length > 0) {
    for (const commitment of options.commitments) {
      try {
        applied.push(await applyApprovedChange(zone, commitment, signer, options));
      } catch (error) {
        failures.push(`citizen ${commitment}: ${shortError(error)}`);
      }
    }
  } else {
    const outcome = await applyApprovedChanges(zone, signer, options);
    applied.push(...outcome.applied);
    for (const { change, error } of outcome.failed) {
      failures.push(`citizen ${change.identityCommitment}: ${shortError(error)}`);
    }
  }
  const lines = applied.map((change) =>
    change.newIdentityCommitment === 0n
      ? `removed citizen ${change.identityCommitment} (tx ${change.txHash})`
      : `replaced citizen ${change.identityCommitment} with ${change.newIdentityCommitment} (tx ${change.txHash})`,
  );
  return { applied, lines, failures };
}
