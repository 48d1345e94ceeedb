/**
 * `zonedao member invite`: a citizen anonymously invites a newcomer. The proof shows membership of
 * the zone's current group for one of the citizen's invitation slots of this epoch, so no one learns
 * which citizen invited whom; the newcomer is then pending like any admission not decided by a vote.
 */
import {
  RelayerClient,
  StillPending,
  formatDuration,
  admissionsOf,
  invitationRequest,
  invitationSlots,
  proveInvitation,
  readAdmissionRequests,
  readAdmissionRules,
  rebuildGroup,
  stopProverThreads,
  submitInvitation,
  usedInvitationNullifiers,
} from "../../sdk/index.js";
import { CommandError, UsageError, chainIdOf, formatTime } from "../context.js";
import { citizenFlags, type Command } from "../flags.js";
import { revertOf, shortError, submitToRelayer } from "../refusals.js";

export const memberInvite: Command = {
  name: "member invite",
  summary: "invite a newcomer anonymously (a citizen, if the zone allows invitations)",
  usage: `zonedao member invite COMMITMENT --zone ZONE IDENTITY (--relayer URL | --key KEY)

COMMITMENT is the newcomer's identity commitment (decimal), as \`zonedao identity show\` prints it.
IDENTITY (--identity EXPORTED, --identity-file FILE or --citizen NAME) is the inviting citizen's: the
proof shows only that some citizen invites, in one of the invitations the zone's rules give each
citizen per epoch. A relayer sends it (--relayer, or the deployment file's relayer), so no account of
the citizen's appears; or --key sends the transaction from that account. The newcomer is pending for the
admission delay, during which the citizens can reject it; then anyone admits it.`,
  options: citizenFlags,
  positional: "commitment",
  async run(context) {
    const typed = context.text("commitment");
    if (typed === undefined) throw new UsageError("the newcomer's COMMITMENT is required");
    if (!/^\d+$/.test(typed)) throw new UsageError(`"${typed}" is not a decimal identity commitment`);
    const newcomer = BigInt(typed);
    const identity = context.identity();
    const relayerUrl = context.sendingRelayer();
    const { address, zone, createdBlock } = await context.zone();
    const provider = await context.provider();
    const chainId = await chainIdOf(provider);
    const rules = await readAdmissionRules(zone);
    if (rules.invitationsPerEpoch === 0) {
      throw new CommandError(
        `${address} allows no invitations: its citizens can allow some by a vote (setAdmissionRules)`,
      );
    }
    const group = await rebuildGroup(zone, { fromBlock: createdBlock });
    if (group.indexOf(identity.commitment) === -1) {
      throw new CommandError(
        `this identity (commitment ${identity.commitment}) is not a citizen of ${address}`,
      );
    }
    if (group.indexOf(newcomer) !== -1)
      throw new CommandError(`${newcomer} is a citizen of ${address} already`);
    const epoch = await zone.currentProposalEpoch();
    const chainTime = (await provider.getBlock("latest"))?.timestamp ?? 0;
    const requests = await readAdmissionRequests(zone, { fromBlock: createdBlock });
    const slots = invitationSlots(
      identity,
      { chainId, zone: address },
      chainTime,
      { proposalEpoch: (await zone.rules()).proposalEpoch, invitationsPerEpoch: rules.invitationsPerEpoch },
      await usedInvitationNullifiers(zone, requests),
      epoch,
    );
    if (slots.freeSlot === undefined) {
      throw new CommandError(
        `this identity has used all ${slots.total} of its invitations in epoch ${epoch}; they renew ` +
          `${formatTime(slots.renewsAt)} (in ${formatDuration(slots.renewsIn, { units: 2 })})`,
      );
    }
    context.progress("proving membership (a few seconds)...");
    const invitation = await proveInvitation(identity, group, {
      chainId,
      zone: address,
      epoch,
      slot: slots.freeSlot,
      newcomer,
    });
    await stopProverThreads();
    if (relayerUrl !== undefined) {
      const client = new RelayerClient(relayerUrl);
      const accepted = await submitToRelayer(() =>
        client.submitInvitation(invitationRequest(address, invitation)),
      );
      context.progress(`accepted by ${relayerUrl}; waiting for it to be mined...`);
      let status;
      try {
        status = await client.waitForInvitation(accepted.nullifier, { timeoutMs: 120_000, intervalMs: 500 });
      } catch (error) {
        if (!(error instanceof StillPending)) throw error;
        throw new CommandError(`the invitation is still ${error.last.status} at ${relayerUrl}`);
      }
      if (status.status === "rejected")
        throw new CommandError(`the zone refused the invitation: ${status.reason}`);
      // The relayer's status gives the admission request's id (as proposalId, see relayer/README.md).
      context.print(
        {
          zone: address,
          requestId: status.proposalId,
          commitment: newcomer,
          status: "pending",
          txHash: status.txHash,
        },
        `invited ${newcomer}: pending as request #${status.proposalId}; see \`zonedao member pending\` for when it ` +
          `can be admitted (tx ${status.txHash})`,
      );
      return;
    }
    const signer = await context.signer();
    let requested;
    try {
      requested = await submitInvitation(zone, signer, invitation);
    } catch (error) {
      const revert = revertOf(error, zone.interface) ?? revertOf(error, (await admissionsOf(zone)).interface);
      const reason = revert ? `${revert.name}(${revert.args.map(String).join(", ")})` : shortError(error);
      throw new CommandError(`the zone refused the invitation: ${reason}`);
    }
    context.print(
      {
        zone: address,
        requestId: requested.requestId,
        commitment: newcomer,
        status: requested.admitted ? "admitted" : "pending",
        readyAt: formatTime(requested.readyAt),
        invitationsLeft: slots.left - 1,
        txHash: requested.txHash,
      },
      requested.admitted
        ? `invited and admitted ${newcomer} to ${address} (request #${requested.requestId}) (tx ${requested.txHash})`
        : `invited ${newcomer}: pending as request #${requested.requestId}, can be admitted from ` +
            `${formatTime(requested.readyAt)} unless the citizens reject it; ${slots.left - 1} invitation(s) ` +
            `left this epoch (tx ${requested.txHash})`,
    );
  },
};
