/** The page's side of the prover worker: one job at a time, results as promises. */
import type { Identity } from "@semaphore-protocol/identity";
import type { DividendClaimRequest, SealedVoteRequest } from "../../sdk/relayer-api.js";
import type { InvitationRequest, ProposalRequest, VoteRequest } from "../../sdk/relayer-client.js";
import { rememberPlace } from "./citizen-place.js";
import { zoneCreatedBlock, type WebConfig } from "./config-types.js";
import type {
  NotEligible,
  ProverRequest,
  ProverResponse,
  ProverStage,
  ZoneTarget,
} from "./prover-protocol.js";

/** The worker's failure; `notEligible` when the identity cannot vote on the proposal at all. */
export class ProverError extends Error {
  constructor(
    message: string,
    readonly notEligible?: NotEligible,
  ) {
    super(message);
    this.name = "ProverError";
  }
}

type Deferred<T> = { promise: Promise<T>; resolve(value: T): void; reject(error: Error): void };

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // observed by whoever awaits it
  return { promise, resolve, reject };
}

export interface PreparedVote {
  request: VoteRequest;
  ms: number;
}

export interface VoteJob {
  /** The proof for `option`, ready now if it was prepared. */
  proof(option: number): Promise<PreparedVote>;
  cancel(): void;
}

type StageListener = (stage: ProverStage, detail: string) => void;
type Handler = (message: ProverResponse) => void;

let worker: Worker | undefined;
let nextJobId = 1;
const handlers = new Map<number, Handler>();

function proverWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL("./prover.worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (event: MessageEvent<ProverResponse>) => {
      const message = event.data;
      // Whatever the job: the leaf the chain gave replaces this device's (citizen-place.ts).
      if (message.type === "place")
        return rememberPlace(message.zone, message.commitment, { leafIndex: message.leafIndex });
      handlers.get(message.jobId)?.(message);
    };
  }
  return worker;
}

/**
 * What every job tells the worker: who proves and at which leaf (citizen-place.ts), where the
 * artifacts, the relayers and the chain are, which zone.
 */
export function zoneTarget(
  config: WebConfig,
  zone: string,
  identity: Identity,
  leafIndex: number,
): ZoneTarget {
  return {
    identity: identity.export(),
    base: document.baseURI,
    chainId: config.chainId,
    zone,
    rpcUrl: config.rpcUrl,
    fromBlock: zoneCreatedBlock(config, zone),
    relayers: [...config.relayers],
    leafIndex,
  };
}

type VoteParams = Omit<Extract<ProverRequest, { type: "prepareVotes" }>, "type" | "jobId">;
type SealedVoteParams = Omit<Extract<ProverRequest, { type: "prepareSealedVote" }>, "type" | "jobId">;
type ProposalParams = Omit<Extract<ProverRequest, { type: "prepareProposal" }>, "type" | "jobId">;
type InvitationParams = Omit<Extract<ProverRequest, { type: "prepareInvitation" }>, "type" | "jobId">;
type DividendClaimParams = Omit<Extract<ProverRequest, { type: "prepareDividendClaim" }>, "type" | "jobId">;

/** Starts proving every option in `params.options`, in that order. */
export function prepareVotes(params: VoteParams, onStage: StageListener): VoteJob {
  const jobId = nextJobId++;
  const proofs = new Map(params.options.map((option) => [option, deferred<PreparedVote>()]));
  const failAll = (error: Error) => proofs.forEach((proof) => proof.reject(error));
  handlers.set(jobId, (message) => {
    if (message.type === "stage") onStage(message.stage, message.detail);
    else if (message.type === "vote")
      proofs.get(message.option)?.resolve({ request: message.request, ms: message.ms });
    else if (message.type === "error") failAll(new ProverError(message.message, message.notEligible));
    if (message.type === "done" || message.type === "error") handlers.delete(jobId);
  });
  proverWorker().postMessage({ ...params, type: "prepareVotes", jobId } satisfies ProverRequest);
  return {
    proof(option) {
      return proofs.get(option)?.promise ?? Promise.reject(new Error(`option ${option} is not offered`));
    },
    cancel() {
      handlers.delete(jobId);
      failAll(new Error("cancelled"));
    },
  };
}

/** A sealed ballot being readied in the worker, then proved once for the choice. */
export interface SealedVoteJob {
  /** Resolves when the ballot is readied (ms the readying took); rejects as the job fails. */
  ready: Promise<number>;
  /** Seals `option` into the readied ballot (once). */
  proof(option: number): Promise<{ request: SealedVoteRequest; ms: number }>;
  cancel(): void;
}

/** Readies a sealed ballot for the proposal (the worker's prepareSealedVote). */
export function prepareSealedVote(params: SealedVoteParams, onStage: StageListener): SealedVoteJob {
  const jobId = nextJobId++;
  const ready = deferred<number>();
  let proved: Deferred<{ request: SealedVoteRequest; ms: number }> | undefined;
  const fail = (error: Error) => {
    ready.reject(error);
    proved?.reject(error);
  };
  handlers.set(jobId, (message) => {
    if (message.type === "stage") onStage(message.stage, message.detail);
    else if (message.type === "sealedReady") ready.resolve(message.ms);
    else if (message.type === "sealedVote") proved?.resolve({ request: message.request, ms: message.ms });
    else if (message.type === "error") fail(new ProverError(message.message, message.notEligible));
    if (message.type === "done" || message.type === "error") handlers.delete(jobId);
  });
  proverWorker().postMessage({ ...params, type: "prepareSealedVote", jobId } satisfies ProverRequest);
  return {
    ready: ready.promise,
    proof(option) {
      if (proved) return proved.promise;
      proved = deferred();
      void ready.promise.then(
        () => proverWorker().postMessage({ type: "proveSealedVote", jobId, option } satisfies ProverRequest),
        () => undefined, // proved was rejected with it
      );
      return proved.promise;
    },
    cancel() {
      handlers.delete(jobId);
      fail(new Error("cancelled"));
    },
  };
}

export function proveProposal(
  params: ProposalParams,
  onStage: StageListener,
): Promise<{ request: ProposalRequest; ms: number }> {
  const jobId = nextJobId++;
  const result = deferred<{ request: ProposalRequest; ms: number }>();
  handlers.set(jobId, (message) => {
    if (message.type === "stage") onStage(message.stage, message.detail);
    else if (message.type === "proposal") result.resolve({ request: message.request, ms: message.ms });
    else if (message.type === "error") result.reject(new Error(message.message));
    if (message.type === "done" || message.type === "error") handlers.delete(jobId);
  });
  proverWorker().postMessage({ ...params, type: "prepareProposal", jobId } satisfies ProverRequest);
  return result.promise;
}

/** Proves a citizen's invitation of `params.newcomer` in the worker (sdk proveInvitation). */
export function proveInvitation(
  params: InvitationParams,
  onStage: StageListener,
): Promise<{ request: InvitationRequest; ms: number }> {
  const jobId = nextJobId++;
  const result = deferred<{ request: InvitationRequest; ms: number }>();
  handlers.set(jobId, (message) => {
    if (message.type === "stage") onStage(message.stage, message.detail);
    else if (message.type === "invitation") result.resolve({ request: message.request, ms: message.ms });
    else if (message.type === "error") result.reject(new Error(message.message));
    if (message.type === "done" || message.type === "error") handlers.delete(jobId);
  });
  proverWorker().postMessage({ ...params, type: "prepareInvitation", jobId } satisfies ProverRequest);
  return result.promise;
}

/** Proves a citizen's claim on a dividend round, paid to `params.recipient` (sdk proveDividendClaim). */
export function proveDividendClaim(
  params: DividendClaimParams,
  onStage: StageListener,
): Promise<{ request: DividendClaimRequest; ms: number }> {
  const jobId = nextJobId++;
  const result = deferred<{ request: DividendClaimRequest; ms: number }>();
  handlers.set(jobId, (message) => {
    if (message.type === "stage") onStage(message.stage, message.detail);
    else if (message.type === "dividendClaim") result.resolve({ request: message.request, ms: message.ms });
    else if (message.type === "error") result.reject(new ProverError(message.message, message.notEligible));
    if (message.type === "done" || message.type === "error") handlers.delete(jobId);
  });
  proverWorker().postMessage({ ...params, type: "prepareDividendClaim", jobId } satisfies ProverRequest);
  return result.promise;
}
