/**
 * Proposing once the form is valid: find a free slot among the citizen's proposals for the period,
 * prove, send through a relayer and wait for the zone to record the proposal, saying each step to
 * the citizen. What reaches the chain, the prover worker and the relayers is passed in as steps
 * (use-propose.ts gives the app's own), so the sequence runs in Node tests without a browser.
 */
import type { Identity } from "@semaphore-protocol/identity";
import { freeProposalSlot, type ZonePlace } from "../../sdk/proposals.js";
import { StillPending, type ProposalRequest, type SubmissionStatus } from "../../sdk/relayer-client.js";
import type { ZoneAction } from "../../sdk/types.js";

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
}

/** The zone's proposal period now, as read from the chain. */
export interface ProposalPeriod {
  epoch: bigint;
  proposalsPerEpoch: bigint;
  /** The nullifier of every proposal the zone recorded (its ProposalCreated events). */
  used: ReadonlySet<bigint>;
}

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

/** Proposes `draft` as `identity` in the zone at `place`, reporting each step; throws what went wrong. */
export async function proposeThrough(
  steps: ProposeSteps,
  identity: Identity,
  place: ZonePlace,
  draft: ProposalDraft,
  report: (status: ProposeStatus) => void,
): Promise<void> {
  report({ text: "Finding a free proposal slot…" });
  const { epoch, proposalsPerEpoch, used } = await steps.period();
  // The used slots are found among every proposal's nullifier, here: asking the chain about ours
  // would tell the RPC which slots (and so which proposals) are this citizen's.
  const free = freeProposalSlot([identity], { ...place, epoch, proposalsPerEpoch }, used);
  if (!free) throw new Error(`You have used all ${proposalsPerEpoch} of your proposals for this period.`);
  const request = await steps.prove({ ...draft, epoch, slot: free.slot }, (detail) =>
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
      return report({ text: "Still waiting for the zone: check the proposals list later." });
    }
    throw error;
  }
  if (submission.status === "rejected")
    throw new Error(`The zone refused it: ${submission.reason ?? "no reason"}`);
  const id = submission.proposalId;
  report({
    text: `Your proposal is #${id ?? "?"}.`,
    link: id ? `#/zone/${place.zone}/proposal/${id}` : undefined,
  });
}
