/**
 * Who is waiting to join a zone, in the citizens' words, and a citizen's invitation slots: pure
 * functions over what the sdk reads (sdk/admissions.ts), so the pages only render them.
 */
import type { Identity } from "@semaphore-protocol/identity";
import type { AdmissionPath, AdmissionRequest } from "../../sdk/admissions.js";
import { SNARK_SCALAR_FIELD } from "../../sdk/constants.js";
import { nullifierOf } from "../../sdk/nullifier.js";
import { invitationScope } from "../../sdk/scope.js";

/** Who asked for an admission, as the zone page says it. */
export const WHO_ASKED: Record<AdmissionPath, string> = {
  registrar: "the registrar",
  "parent zone": "the parent zone's vote",
  invitation: "a citizen's anonymous invitation",
  gatekeeper: "the gatekeeper",
};

/** Requests still waiting: not admitted, not rejected (ready ones enter at anyone's `admit`). */
export function waitingRequests(requests: readonly AdmissionRequest[]): AdmissionRequest[] {
  return requests.filter((request) => request.status === "pending" || request.status === "ready");
}

/**
 * By when a "reject pending admissions" proposal must have run to stop every waiting request: the
 * earliest time one of them may enter (unix seconds); undefined when nothing waits.
 */
export function rejectDeadline(requests: readonly AdmissionRequest[]): bigint | undefined {
  let earliest: bigint | undefined;
  for (const request of waitingRequests(requests)) {
    if (earliest === undefined || request.readyAt < earliest) earliest = request.readyAt;
  }
  return earliest;
}

/** The waiting request that admits `commitment`, if any (a newcomer's own). */
export function waitingRequestOf(
  requests: readonly AdmissionRequest[],
  commitment: string | bigint | undefined,
): AdmissionRequest | undefined {
  if (commitment === undefined) return undefined;
  const wanted = BigInt(commitment);
  return waitingRequests(requests).find((request) => request.identityCommitments.includes(wanted));
}

/** Where a zone's invitation is proved: chain, zone and the current epoch. */
export interface InvitationPlace {
  chainId: bigint;
  zone: string;
  epoch: bigint;
}

/** A citizen's invitations this epoch: the first free slot (undefined: none left) and how many are left. */
export interface InvitationSlots {
  perEpoch: number;
  left: number;
  free: bigint | undefined;
}

/**
 * The citizen's invitation slots this epoch: a slot is used when its nullifier (computed here, never
 * sent) is used on chain, by `isUsed`. Zero per epoch means invitations are off in the zone.
 */
export async function invitationSlots(
  identity: Identity,
  place: InvitationPlace,
  perEpoch: number,
  isUsed: (nullifier: bigint) => Promise<boolean>,
): Promise<InvitationSlots> {
  const used = await Promise.all(
    Array.from({ length: perEpoch }, (_, slot) =>
      isUsed(nullifierOf(identity, invitationScope(place.chainId, place.zone, place.epoch, BigInt(slot)))),
    ),
  );
  const free = used.indexOf(false);
  return { perEpoch, left: used.filter((taken) => !taken).length, free: free < 0 ? undefined : BigInt(free) };
}

/** What the invitation form says of the citizen's slots. */
export function invitationSlotsLine(slots: InvitationSlots): string {
  if (slots.perEpoch === 0)
    return "Invitations are off in this zone: its citizens can turn them on by a vote.";
  if (slots.left === 0)
    return `You have used your ${slots.perEpoch} invitation${slots.perEpoch === 1 ? "" : "s"} of this period.`;
  return `You can invite ${slots.left} more newcomer${slots.left === 1 ? "" : "s"} this period (of ${slots.perEpoch}).`;
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

/** A length of time in days and hours, as the rules read ("2 days 1 hour"). */
export function durationText(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const parts = [
    days > 0 && `${days} day${days === 1 ? "" : "s"}`,
    hours > 0 && `${hours} hour${hours === 1 ? "" : "s"}`,
    days === 0 && minutes > 0 && `${minutes} minute${minutes === 1 ? "" : "s"}`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(" ") : `${seconds} seconds`;
}
