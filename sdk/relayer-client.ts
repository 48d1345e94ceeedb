/**
 * How a citizen's proof travels to a relayer, and a small client for the relayer's API: the request
 * bodies (numbers as decimal strings, since JSON numbers cannot carry 254-bit values exactly) and
 * every answer, typed by the API's contract (relayer-api.ts), which the relayer serves by.
 */
import type { DividendClaim, Invitation, ProposalProof, VoteProof } from "./prove.js";
import {
  optionsToJson,
  type Accepted,
  type DividendClaimRequest,
  type InvitationRequest,
  type MemberList,
  type ProposalDetail,
  type ProposalList,
  type ProposalRequest,
  type RelayerHealth,
  type SubmissionStatus,
  type VoteRequest,
  type ZoneList,
} from "./relayer-api.js";
import type { ZoneAction } from "./types.js";

export type {
  DividendClaimRequest,
  InvitationRequest,
  ProposalRequest,
  SubmissionStatus,
  VoteRequest,
} from "./relayer-api.js";

export function voteRequest(zone: string, vote: VoteProof): VoteRequest {
  return {
    zone,
    proposalId: vote.proposalId.toString(),
    option: vote.option.toString(),
    nullifier: vote.nullifier.toString(),
    merkleTreeDepth: vote.merkleTreeDepth.toString(),
    proof: vote.points.map(String),
  };
}

export function proposalRequest(
  zone: string,
  options: readonly (readonly ZoneAction[])[],
  description: string,
  proof: ProposalProof,
): ProposalRequest {
  return {
    zone,
    options: optionsToJson(options),
    description,
    merkleTreeRoot: proof.merkleTreeRoot.toString(),
    merkleTreeDepth: proof.merkleTreeDepth.toString(),
    epoch: proof.epoch.toString(),
    slot: proof.slot.toString(),
    nullifier: proof.nullifier.toString(),
    proof: proof.points.map(String),
  };
}

/** A citizen's invitation (proveInvitation) as POST /v1/invitations takes it. */
export function invitationRequest(zone: string, invitation: Invitation): InvitationRequest {
  const { proof } = invitation;
  return {
    zone,
    identityCommitment: invitation.identityCommitment.toString(),
    merkleTreeRoot: proof.merkleTreeRoot.toString(),
    merkleTreeDepth: proof.merkleTreeDepth.toString(),
    epoch: proof.epoch.toString(),
    slot: proof.slot.toString(),
    nullifier: proof.nullifier.toString(),
    proof: proof.points.map(String),
  };
}

/** A citizen's dividend claim (proveDividendClaim) as POST /v1/dividends takes it. */
export function dividendClaimRequest(zone: string, claim: DividendClaim): DividendClaimRequest {
  return {
    zone,
    roundId: claim.roundId.toString(),
    recipient: claim.recipient,
    nullifier: claim.nullifier.toString(),
    proof: claim.points.map(String),
  };
}

/** How long a relayer has to answer one request. */
const REQUEST_TIMEOUT_MS = 30_000;

/** A relayer's refusal: its HTTP status, error code and message. */
export class RelayerRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: Record<string, unknown>,
  ) {
    super(message);
    this.name = "RelayerRefusal";
  }
}

/** How long to wait for a submission to settle, and how often to ask. */
export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/** A wait that ended with the submission still queued or submitted: not lost, only not on chain yet. */
export class StillPending extends Error {
  constructor(
    readonly last: SubmissionStatus,
    message: string,
  ) {
    super(message);
    this.name = "StillPending";
  }
}

/** A value as one path segment: a caller's string cannot reach another route. */
const segment = (value: string | bigint) => encodeURIComponent(String(value));

/** Talks to one relayer over HTTP (fetch: works in browsers and Node alike). */
export class RelayerClient {
  constructor(readonly baseUrl: string) {}

  /** Submits a vote; resolves when the relayer accepted it (202), throws RelayerRefusal otherwise. */
  submitVote(request: VoteRequest): Promise<Accepted> {
    return this.#post("/v1/votes", request);
  }

  submitProposal(request: ProposalRequest): Promise<Accepted> {
    return this.#post("/v1/proposals", request);
  }

  /** Submits a citizen's invitation of a newcomer; the zone's admission delay starts when it lands. */
  submitInvitation(request: InvitationRequest): Promise<Accepted> {
    return this.#post("/v1/invitations", request);
  }

  invitationStatus(nullifier: string | bigint): Promise<SubmissionStatus> {
    return this.#get(`/v1/invitations/${segment(nullifier)}`);
  }

  /** Polls an invitation's status until it is confirmed (its admission request id) or rejected. */
  waitForInvitation(nullifier: string | bigint, options: WaitOptions = {}): Promise<SubmissionStatus> {
    return this.#waitFor(`invitation ${nullifier}`, () => this.invitationStatus(nullifier), options);
  }

  /**
   * Submits a dividend claim; resolves when the relayer accepted it (202), throws RelayerRefusal
   * otherwise (the contract's refusals each have their code: unknown_round, claim_period_over,
   * round_exhausted, nullifier_used, invalid_proof).
   */
  claimDividend(request: DividendClaimRequest): Promise<Accepted> {
    return this.#post("/v1/dividends", request);
  }

  /** What became of a dividend claim; confirmed means the recipient was paid. */
  dividendStatus(nullifier: string | bigint): Promise<SubmissionStatus> {
    return this.#get(`/v1/dividends/${segment(nullifier)}`);
  }

  /** Polls a dividend claim's status until it is confirmed or rejected; StillPending after `timeoutMs`. */
  waitForDividend(nullifier: string | bigint, options: WaitOptions = {}): Promise<SubmissionStatus> {
    return this.#waitFor(`dividend claim ${nullifier}`, () => this.dividendStatus(nullifier), options);
  }

  voteStatus(nullifier: string | bigint): Promise<SubmissionStatus> {
    return this.#get(`/v1/votes/${segment(nullifier)}`);
  }

  proposalStatus(nullifier: string | bigint): Promise<SubmissionStatus> {
    return this.#get(`/v1/proposals/submissions/${segment(nullifier)}`);
  }

  /** Polls a vote's status until it is confirmed or rejected; StillPending after `timeoutMs`. */
  waitForVote(nullifier: string | bigint, options: WaitOptions = {}): Promise<SubmissionStatus> {
    return this.#waitFor(`vote ${nullifier}`, () => this.voteStatus(nullifier), options);
  }

  /**
   * Polls a proposal's status until it is confirmed (with the id the zone gave it) or rejected;
   * StillPending after `timeoutMs`.
   */
  waitForProposal(nullifier: string | bigint, options: WaitOptions = {}): Promise<SubmissionStatus> {
    return this.#waitFor(`proposal ${nullifier}`, () => this.proposalStatus(nullifier), options);
  }

  /** The zones the relayer serves. */
  zones(): Promise<ZoneList> {
    return this.#get("/v1/zones");
  }

  /** A zone's identity commitments in leaf order (a removed member's is "0"), to build proofs. */
  members(zone: string): Promise<MemberList> {
    return this.#get(`/v1/zones/${segment(zone)}/members`);
  }

  /** A zone's proposals with their state and tally, and the zone's clock. */
  proposals(zone: string): Promise<ProposalList> {
    return this.#get(`/v1/zones/${segment(zone)}/proposals`);
  }

  proposal(zone: string, proposalId: string | bigint): Promise<ProposalDetail> {
    return this.#get(`/v1/zones/${segment(zone)}/proposals/${segment(proposalId)}`);
  }

  /** The relayer's chain, account, balance and queue; a RelayerRefusal (503) if it cannot reach its RPC. */
  health(): Promise<RelayerHealth> {
    return this.#get("/v1/health");
  }

  async #waitFor(
    what: string,
    read: () => Promise<SubmissionStatus>,
    { timeoutMs = 60_000, intervalMs = 250 }: WaitOptions,
  ): Promise<SubmissionStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await read();
      if (status.status === "confirmed" || status.status === "rejected") return status;
      if (Date.now() > deadline)
        throw new StillPending(status, `${what} still ${status.status} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  async #post<T>(path: string, body: unknown): Promise<T> {
    const response = await fetch(this.#url(path), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return this.#read<T>(response);
  }

  async #get<T>(path: string): Promise<T> {
    return this.#read<T>(await fetch(this.#url(path), { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }));
  }

  /** The relayer may live under a path (https://example.org/relayer/): keep it. */
  #url(path: string): string {
    return `${this.baseUrl.replace(/\/+$/, "")}${path}`;
  }

  async #read<T>(response: Response): Promise<T> {
    let body: Record<string, unknown>;
    try {
      body = (await response.json()) as Record<string, unknown>;
    } catch {
      // A proxy's error page, not the relayer's answer.
      throw new RelayerRefusal(
        response.status,
        "not_a_relayer_answer",
        `HTTP ${response.status} without a JSON body`,
        {},
      );
    }
    if (!response.ok) {
      throw new RelayerRefusal(
        response.status,
        typeof body.error === "string" ? body.error : "error",
        typeof body.message === "string" ? body.message : response.statusText,
        body,
      );
    }
    return body as T;
  }
}
