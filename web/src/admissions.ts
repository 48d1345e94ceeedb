/**
 * Who is waiting to join a zone, in the citizens' words, and a citizen's invitation slots: pure
 * functions over what the sdk reads (sdk/admissions.ts), so the pages only render them.
 */
import { waitingRequests, type AdmissionPath, type AdmissionRequest } from "../../sdk/admissions.js";
import { SNARK_SCALAR_FIELD } from "../../sdk/constants.js";
import { formatDuration } from "../../sdk/describe.js";
import type { ProposalSlots } from "../../sdk/proposals.js";

/** Who asked for an admission, as the zone page says it. */
export const WHO_ASKED: Record<AdmissionPath, string> = {
  registrar: "the registrar",
  "parent zone": "the parent zone's vote",
  invitation: "a citizen's anonymous invitation",
  gatekeeper: "the gatekeeper",
};

/** The waiting request that admits `commitment`, if any (a newcomer's own). */
export function waitingRequestOf(
  requests: readonly AdmissionRequest[],
  commitment: string | bigint | undefined,
): AdmissionRequest | undefined {
  if (commitment === undefined) return undefined;
  const wanted = BigInt(commitment);
  return waitingRequests(requests).find((request) => request.identityCommitments.includes(wanted));
}

/** What the invitation form says of the citizen's slots. */
export function invitationSlotsLine(slots: ProposalSlots): string {
  if (slots.total === 0) return "Invitations are off in this zone: its citizens can turn them on by a vote.";
  if (slots.left === 0)
    return `You have used your ${slots.total} invitation${slots.total === 1 ? "" : "s"} of this period; they renew in ${formatDuration(slots.renewsIn, { units: 2 })}.`;
  return `You can invite ${slots.left} more newcomer${slots.left === 1 ? "" : "s"} this period (of ${slots.total}).`;
}

/**
 * A newcomer's identity commitment as typed or pasted (spaces and line breaks dropped, as a QR
 * reader or a copy may add them), or why it is not one.
 */
export function parseCommitment(text: string): { commitment?: bigint; problem?: string } {
  const compact = text.replace(/\s+/g, "");
  if (compact === "") return { problem: "Paste the newcomer's identity commitment." };
  if (!/^[0-9]+$/.test(compact))
    return {
      problem: "An identity commitment is a whole number (digits only), as the newcomer's app shows it.",
    };
  const commitment = BigInt(compact);
  if (commitment === 0n) return { problem: "0 is no one's identity commitment." };
  if (commitment >= SNARK_SCALAR_FIELD)
    return { problem: "This number is too large to be an identity commitment." };
  return { commitment };
}
