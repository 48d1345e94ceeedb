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
  type SealedVoteRequest,
  type SubmissionStatus,
  type TreeTopJson,
  type VoteRequest,
  type ZoneList,
} from "./relayer-api.js";
import {
  MEMBER_PAGE_LIMIT,
  decodeBucket,
  type MemberPages,
  type PathSource,
  type TreeTop,
} from "./private-path.js";
import type { ZoneAction } from "./types.js";

export type {
  DividendClaimRequest,
  InvitationRequest,
  ProposalRequest,
  SealedVoteRequest,
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

/** An anonymous proposal as POST /v1/proposals takes it; with `tellersTerm`, sealed to that term's tellers. */
export function proposalRequest(
  zone: string,
  options: readonly (readonly ZoneAction[])[],
  description: string,
  proof: ProposalProof,
  tellersTerm?: bigint,
): ProposalRequest {
  return {
    ...(tellersTerm === undefined ? {} : { tellersTerm: tellersTerm.toString() }),
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
  /** Called with each status read, so a caller can show progress (queued, submitted...). */
  onStatus?: (status: SubmissionStatus) => void;
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

/** Tree answers kept by a client with `cacheTree`, at most this many. */
const TREE_CACHE_ENTRIES = 64;

/**
 * Talks to one relayer over HTTP (fetch: works in browsers and Node alike). It is a PathSource
 * (sdk/private-path.ts): privateMerkleProof reads a zone's tree through it. With `cacheTree`, it
 * keeps the tree answers it read and revalidates them with If-None-Match (a browser's HTTP cache
 * does that by itself; Node's fetch does not).
 */
export class RelayerClient implements PathSource, MemberPages {
  readonly #treeCache = new Map<string, { etag: string; value: TreeTop | bigint[] }>();

  constructor(
    readonly baseUrl: string,
    private readonly options: { cacheTree?: boolean } = {},
  ) {}

  /** Submits a vote; resolves when the relayer accepted it (202), throws RelayerRefusal otherwise. */
  submitVote(request: VoteRequest): Promise<Accepted> {
    return this.#post("/v1/votes", request);
  }

  /**
   * Submits a sealed vote on a sealed proposal; resolves when the relayer accepted it (202), throws
   * RelayerRefusal otherwise (an open proposal: not_sealed).
   */
  submitSealedVote(request: SealedVoteRequest): Promise<Accepted> {
    return this.#post("/v1/sealed-votes", request);
  }

  sealedVoteStatus(nullifier: string | bigint): Promise<SubmissionStatus> {
    return this.#get(`/v1/sealed-votes/${segment(nullifier)}`);
  }

  /** Polls a sealed vote's status until it is confirmed (counted into the sums) or rejected. */
  waitForSealedVote(nullifier: string | bigint, options: WaitOptions = {}): Promise<SubmissionStatus> {
    return this.#waitFor(`sealed vote ${nullifier}`, () => this.sealedVoteStatus(nullifier), options);
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

  /**
   * All of a zone's identity commitments in leaf order (a removed member's is "0"), read page by
   * page: for auditors and small zones. A citizen proves from its bucket instead (privateMerkleProof).
   */
  async members(zone: string): Promise<MemberList> {
    const first = await this.membersPage(zone, 0, MEMBER_PAGE_LIMIT);
    const members = [...first.members];
    let last = first;
    while (members.length < last.total && last.members.length > 0) {
      last = await this.membersPage(zone, members.length, MEMBER_PAGE_LIMIT);
      members.push(...last.members);
    }
    return { ...last, members, offset: 0, total: Math.max(last.total, members.length) };
  }

  /** One page of a zone's member list: `limit` (at most MEMBER_PAGE_LIMIT) leaves from `offset`. */
  membersPage(zone: string, offset: number, limit: number = MEMBER_PAGE_LIMIT): Promise<MemberList> {
    return this.#get(`/v1/zones/${segment(zone)}/members?offset=${offset}&limit=${limit}`);
  }

  /** The top of the tree of the zone's first `size` leaves (unchecked: privateMerkleProof checks it). */
  async treeTop(zone: string, size: number): Promise<TreeTop> {
    const path = `/v1/zones/${segment(zone)}/tree?size=${size}`;
    return (await this.#getTree(path, async (response) => {
      const json = (await response.json()) as TreeTopJson;
      return { size: json.size, bucketBits: json.bucketBits, bucketRoots: json.bucketRoots.map(BigInt) };
    })) as TreeTop;
  }

  /** Bucket `index` of the tree of the zone's first `size` leaves. */
  async bucket(zone: string, index: number, size: number): Promise<bigint[]> {
    const path = `/v1/zones/${segment(zone)}/tree/buckets/${index}?size=${size}`;
    return (await this.#getTree(path, async (response) =>
      decodeBucket(new Uint8Array(await response.arrayBuffer())),
    )) as bigint[];
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
    { timeoutMs = 60_000, intervalMs = 250, onStatus }: WaitOptions,
  ): Promise<SubmissionStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await read();
      onStatus?.(status);
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

  async #getTree(
    path: string,
    decode: (response: Response) => Promise<TreeTop | bigint[]>,
  ): Promise<TreeTop | bigint[]> {
    const cached = this.options.cacheTree === true ? this.#treeCache.get(path) : undefined;
    const response = await fetch(this.#url(path), {
      headers: cached === undefined ? {} : { "if-none-match": cached.etag },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (response.status === 304 && cached !== undefined) return cached.value;
    if (!response.ok) return this.#read(response);
    const value = await decode(response);
    const etag = response.headers.get("etag");
    if (this.options.cacheTree === true && etag !== null) {
      if (this.#treeCache.size >= TREE_CACHE_ENTRIES)
        this.#treeCache.delete(this.#treeCache.keys().next().value!);
      this.#treeCache.set(path, { etag, value });
    }
    return value;
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
