/**
 * Proposing once the form is valid: find a free slot among the citizen's proposals for the period,
 * prove, send through a relayer and wait for the zone to record the proposal, saying each step to
 * the citizen. What reaches the chain, the prover worker and the relayers is passed in as steps
 * (use-propose.ts gives the app's own), so the sequence runs in Node tests without a browser.
 */
import type { Identity } from "@semaphore-protocol/identity";
import { formatDuration } from "../../sdk/describe.js";
import {
  identicalPendingProposal,
  proposalSlots,
  type OpenProposalCandidate,
  type ProposalSlots,
  type ZonePlace,
} from "../../sdk/proposals.js";
import { StillPending, type ProposalRequest, type SubmissionStatus } from "../../sdk/relayer-client.js";
import type { ZoneAction } from "../../sdk/types.js";
import { formatDate } from "./format.js";

/** What the page says about the proposal being sent; `link` opens it once recorded. */
export interface ProposeStatus {
  text: string;
  error?: boolean;
  link?: string;
}

/** A proposal the form built: one action list per option, and why citizens should vote for it. */
export interface ProposalDraft {
  options: ZoneAction[][];
  description: string;
  /** Sealed to this term of the zone's tellers (proposeSealed); open when undefined. */
  tellersTerm?: bigint;
}

/** The zone's proposal period now, as read from the chain. */
export interface ProposalPeriod {
  /** The zone's currentProposalEpoch. */
  epoch: bigint;
  /** The latest block's timestamp: the period's end is counted from it, not from the reader's clock. */
  chainTime: bigint;
  proposalEpoch: bigint;
  proposalsPerEpoch: bigint;
  /** Every proposal the zone recorded (its ProposalCreated events), with its author's nullifier. */
  proposals: readonly (OpenProposalCandidate & { nullifier: bigint })[];
  /** The ids of the zone's canceled proposals. */
  canceled: ReadonlySet<bigint>;
}

/** What the form shows before anything is sent: the citizen's slots, and the zone's open proposals. */
export interface PeriodView {
  slots: ProposalSlots;
  /** The open proposal asking exactly `draft`, if any (see identicalProposal). */
  identicalTo: (draft: ProposalDraft) => { proposalId: bigint; link: string } | undefined;
}

/** The link to proposal `proposalId` of `zone` in this app. */
export const proposalLink = (zone: string, proposalId: bigint | string) =>
  `#/zone/${zone}/proposal/${proposalId}`;

/** The slots `identity` has in `period`, and a check of a draft against the zone's open proposals. */
export function viewPeriod(period: ProposalPeriod, identity: Identity, place: ZonePlace): PeriodView {
  // The used slots are found among every proposal's nullifier, here: asking the chain about ours
  // would tell the RPC which slots (and so which proposals) are this citizen's.
  const used = new Set(period.proposals.map((proposal) => proposal.nullifier));
  const slots = proposalSlots(identity, place, period.chainTime, period, used, period.epoch);
  return {
    slots,
    identicalTo(draft) {
      const same = identicalPendingProposal(
        period.proposals,
        draft.options,
        draft.description,
        period.chainTime,
        period.canceled,
      );
      return same && { proposalId: same.proposalId, link: proposalLink(place.zone, same.proposalId) };
    },
  };
}

/**
 * The form's first line: how many proposals the citizen can still make this period, and when the
 * period ends (in the reader's locale, and from the chain's time).
 */
export function slotsLine(slots: ProposalSlots, locale?: string): string {
  const when = formatDate(Number(slots.renewsAt), undefined, locale);
  const renews = `${when} (in ${formatDuration(slots.renewsIn, { units: 2 })})`;
  if (slots.left === 0)
    return `You have used all ${slots.total} of your proposals for this period; they renew ${renews}.`;
  const count = slots.left === 1 ? "1 more proposal" : `${slots.left} more proposals`;
  return `You can make ${count} this period; it renews ${renews}.`;
}

/**
 * Runs `send` unless `claim` is already taken, taking it synchronously: a double click or a second
 * Enter, which the page may deliver before it re-renders a disabled button, finds it taken and
 * sends nothing. A failure gives the claim back (the citizen may try again); a success keeps it (the
 * proposal is sent: the form gives way to it). Undefined when nothing was sent.
 */
export function submitOnce<T>(claim: { current: boolean }, send: () => Promise<T>): Promise<T> | undefined {
  if (claim.current) return undefined;
  claim.current = true;
  return send().catch((error: unknown) => {
    claim.current = false;
    throw error;
  });
}

/** The form's refusal of a draft an open proposal already asks: the citizen is sent to vote on it. */
export class IdenticalProposal extends Error {
  constructor(
    readonly proposalId: bigint,
    readonly link: string,
  ) {
    super(identicalProposalText(proposalId));
    this.name = "IdenticalProposal";
  }
}

/** What the form says of a draft that proposal `proposalId`, still open, already asks. */
export const identicalProposalText = (proposalId: bigint) =>
  `Proposal #${proposalId} already asks exactly this and is still open: vote on it instead.`;

export interface ProposeSteps {
  period(): Promise<ProposalPeriod>;
  /** The proof of `draft` in the slot found, as a relayer takes it; `onDetail` tells the prover's stages. */
  prove(
    draft: ProposalDraft & { epoch: bigint; slot: bigint },
    onDetail: (detail: string) => void,
  ): Promise<ProposalRequest>;
  /**
   * Sends the proposal until a relayer accepts it; the function it gives waits, at that relayer, for
   * the zone to record or refuse it (StillPending when the page stops waiting).
   */
  submit(request: ProposalRequest): Promise<() => Promise<SubmissionStatus>>;
}

/**
 * Proposes `draft` as `identity` in the zone at `place`, reporting each step. Resolves with the last
 * status once a relayer accepted the proposal (recorded, or still on its way: either way it cannot be
 * taken back, and the form gives way to it); throws what went wrong before that, or the zone's refusal.
 * The period is read again here, not taken from when the form opened: another tab or citizen may
 * have used a slot or made the same proposal since.
 */
export async function proposeThrough(
  steps: ProposeSteps,
  identity: Identity,
  place: ZonePlace,
  draft: ProposalDraft,
  report: (status: ProposeStatus) => void,
): Promise<ProposeStatus> {
  report({ text: "Finding a free proposal slot…" });
  const period = await steps.period();
  const { slots, identicalTo } = viewPeriod(period, identity, place);
  const same = identicalTo(draft);
  if (same) throw new IdenticalProposal(same.proposalId, same.link);
  if (slots.freeSlot === undefined)
    throw new Error(`You have used all ${slots.total} of your proposals for this period.`);
  const request = await steps.prove({ ...draft, epoch: slots.epoch, slot: slots.freeSlot }, (detail) =>
    report({ text: `Preparing your proposal: ${detail}…` }),
  );
  report({ text: "Sending your proposal…" });
  const recorded = await steps.submit(request);
  report({ text: "Accepted by the relayer; waiting for the zone to record it…" });
  let submission: SubmissionStatus;
  try {
    submission = await recorded();
  } catch (error) {
    if (error instanceof StillPending) {
      const last = { text: "Still waiting for the zone: check the proposals list later." };
      report(last);
      return last;
    }
    throw error;
  }
  if (submission.status === "rejected")
    throw new Error(`The zone refused it: ${submission.reason ?? "no reason"}`);
  const id = submission.proposalId;
  const last = {
    text: `Your proposal is #${id ?? "?"}.`,
    link: id ? proposalLink(place.zone, id) : undefined,
  };
  report(last);
  return last;
}
