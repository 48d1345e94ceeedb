/**
 * `zonedao execute`: anyone moves a passed proposal on: queue it, then run it after the timelock,
 * then apply the removals and replacements it approved.
 */
import { executableActions, readProposals } from "../../sdk/index.js";
import { CommandError, existingProposal, formatTime } from "../context.js";
import { common, signing, zoneFlag, type Command } from "../flags.js";
import { shortError } from "../refusals.js";
import { applyApproved } from "./member-apply.js";

export const execute: Command = {
  name: "execute",
  summary: "queue a passed proposal, or execute it once its timelock is over",
  usage: `zonedao execute --zone ZONE --proposal ID --key KEY

A Succeeded proposal is queued (its timelock starts); a Queued one whose timelock is over runs its
winning option's actions, exactly as proposed, then applies the removals and replacements of citizens
they approved (as \`zonedao member apply\` does), each with the group's Merkle siblings of that moment.
Anyone may do any of it.`,
  options: { ...common, ...signing, ...zoneFlag, proposal: { type: "string" } },
  async run(context) {
    const proposalId = context.uint("proposal");
    const { address, zone, createdBlock } = await context.zone();
    const signer = await context.signer();
    const { view, state } = await existingProposal(zone, address, proposalId);
    if (state === "Succeeded") {
      const receipt = await (await zone.connect(signer).queue(proposalId)).wait();
      const { eta } = await zone.getProposal(proposalId);
      context.print(
        { proposalId: proposalId.toString(), state: "Queued", eta: eta.toString(), txHash: receipt?.hash },
        `proposal ${proposalId} queued; it can execute from ${formatTime(eta)}`,
      );
      return;
    }
    if (state !== "Queued")
      throw new CommandError(
        `proposal ${proposalId} is ${state}: only a Succeeded or Queued proposal can move on`,
      );
    const latest = await (await context.provider()).getBlock("latest");
    if (latest !== null && BigInt(latest.timestamp) < view.eta) {
      throw new CommandError(`proposal ${proposalId}'s timelock ends at ${formatTime(view.eta)}`);
    }
    const [created] = await readProposals(zone, createdBlock ?? 0, proposalId);
    if (created === undefined)
      throw new CommandError(`cannot find proposal ${proposalId}'s ProposalCreated event`);
    const [option] = await zone.winningOption(proposalId);
    const actions = executableActions(created.options, option);
    let txHash: string | undefined;
    try {
      txHash = (await (await zone.connect(signer).execute(proposalId, [...actions])).wait())?.hash;
    } catch (error) {
      throw new CommandError(`execution failed: ${shortError(error)}`);
    }
    // The vote approved them; the group changes only when they are applied, and anyone may.
    const { applied, lines, failures } = await applyApproved(zone, signer, {
      fromBlock: createdBlock,
      proposalId,
    });
    context.print(
      { proposalId: proposalId.toString(), state: "Executed", option: option.toString(), txHash, applied },
      [`proposal ${proposalId} executed (option ${option}; tx ${txHash})`, ...lines].join("\n"),
    );
    if (failures.length > 0) {
      throw new CommandError(
        `proposal ${proposalId} was executed, but its approved changes could not all be applied (${failures.join("; ")}); ` +
          "retry within its execution window with `zonedao member apply`",
      );
    }
  },
};
