/**
 * The relayer's request bodies and a small client for them: how a citizen's proof travels to a
 * relayer (numbers as decimal strings, since JSON numbers cannot carry 254-bit values exactly).
 * relayer/requests.ts validates exactly these shapes.
 */
import type { ProposalProof, VoteProof } from "./proof.js";
import type { ZoneAction } from "./types.js";

/** POST /v1/votes. */
export interface VoteRequest {
  zone: string;
  proposalId: string;
  option: string;
  nullifier: string;
  merkleTreeDepth: string;
  proof: string[];
}

/** POST /v1/proposals. */
export interface ProposalRequest {
  zone: string;
  options: { target: string; value: string; data: string }[][];
  description: string;
  merkleTreeRoot: string;
  merkleTreeDepth: string;
  epoch: string;
  slot: string;
  nullifier: string;
  proof: string[];
}

/** What the relayer knows of a submission (GET /v1/votes/:nullifier and its proposal twin). */
export interface SubmissionStatus {
  nullifier: string;
  kind: "vote" | "proposal";
  zone: string;
  proposalId: string | null;
  status: "queued" | "submitted" | "confirmed" | "rejected";
  reason: string | null;
  txHash: string | null;
  blockNumber: number | null;
  acceptedAt: string;
}

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
    options: options.map((actions) =>
      actions.map(({ target, value, data }) => ({ target, value: value.toString(), data })),
    ),
    description,
    merkleTreeRoot: proof.merkleTreeRoot.toString(),
    merkleTreeDepth: proof.merkleTreeDepth.toString(),
    epoch: proof.epoch.toString(),
    slot: proof.slot.toString(),
    nullifier: proof.nullifier.toString(),
    proof: proof.points.map(String),
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

/** Talks to one relayer over HTTP (fetch: works in browsers and Node alike). */
export class RelayerClient {
  constructor(readonly baseUrl: string) {}

  /** Submits a vote; resolves when the relayer accepted it (202), throws RelayerRefusal otherwise. */
  submitVote(request: VoteRequest): Promise<{ nullifier: string; status: "queued" }> {
    return this.#post("/v1/votes", request);
  }

  submitProposal(request: ProposalRequest): Promise<{ nullifier: string; status: "queued" }> {
    return this.#post("/v1/proposals", request);
  }

  voteStatus(nullifier: string | bigint): Promise<SubmissionStatus> {
    return this.#get(`/v1/votes/${nullifier}`);
  }

  proposalStatus(nullifier: string | bigint): Promise<SubmissionStatus> {
    return this.#get(`/v1/proposals/submissions/${nullifier}`);
  }

  /** Polls a vote's status until it is confirmed or rejected. */
  async waitForVote(nullifier: string | bigint, { timeoutMs = 60_000, intervalMs = 250 } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.voteStatus(nullifier);
      if (status.status === "confirmed" || status.status === "rejected") return status;
      if (Date.now() > deadline)
        throw new Error(`vote ${nullifier} still ${status.status} after ${timeoutMs} ms`);
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
