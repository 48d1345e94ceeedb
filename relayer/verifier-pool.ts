/**
 * Verifies proofs on worker threads. Requests that arrive while every thread is busy wait and then
 * go together, as one batch, to the next free thread: under load the sdk's random-linear-combination
 * check verifies them for about a Miller loop each, and when idle a proof is checked at once.
 */
import { Worker } from "node:worker_threads";
import { RelayerError } from "./errors.js";
import type {
  DividendClaimToVerify,
  InvitationToVerify,
  ProposalToVerify,
  VoteToVerify,
} from "../sdk/verify.js";

/**
 * The most proofs sent to a thread at once: a batch's cost grows linearly, its latency too. A
 * request that arrives just after a thread took a batch waits for it, then for its own: at 32, a
 * batch is ~50 ms of work on a quiet core (~5 ms fixed, ~1.5 ms a proof: sdk batch sizes timed in
 * turn), and its fixed part is ~10% of it.
 */
const MAX_BATCH = 32;
/**
 * While another thread is busy, a free one waits for this many proofs, or for the oldest to have
 * waited SHARED_MAX_WAIT_MS, before it takes a batch. A batch costs a fixed ~5 ms (the final
 * exponentiation, the key's three pairs, the public inputs' sums; ~7 ms before the sdk kept tables
 * of the keys' fixed points) plus ~1.5 ms a proof, so under load two threads taking every proof as
 * it came checked batches of 1 to 5 at 3-9 ms a proof, and took the cores the rest of the relayer
 * needed. An idle relayer still checks a lone proof at once.
 */
const SHARED_MIN_BATCH = 8;
const SHARED_MAX_WAIT_MS = 15;
/**
 * A thread that died after it started is replaced at once; one that could not start (its curve or
 * keys failed to load) is tried again after 0.1 s, then twice as long each time in a row, up to
 * 30 s: a fault that outlives a restart does not become a loop of thread starts.
 */
const RESTART_FIRST_DELAY_MS = 100;
const RESTART_MAX_DELAY_MS = 30_000;
/** The thread that runs a pool's checks (the tests give a stand-in of their own). */
const VERIFIER_WORKER = new URL("./verifier-worker.ts", import.meta.url);

export type VerifierRequest =
  | { id: number; kind: "votes"; items: VoteToVerify[] }
  | { id: number; kind: "proposals"; items: ProposalToVerify[] }
  | { id: number; kind: "invitations"; items: InvitationToVerify[] }
  | { id: number; kind: "dividends"; items: DividendClaimToVerify[] };
export type VerifierResponse = { id: number; verdicts: boolean[] } | { id: number; error: string };

interface Waiting<Item> {
  item: Item;
  /** performance.now() when it was queued. */
  at: number;
  resolve(valid: boolean): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  /** Whether it has said it is ready (its verifier and keys loaded). */
  started: boolean;
  busy: boolean;
  /** The request it is working on, to answer or fail. */
  current?: { id: number; waiting: Waiting<unknown>[] };
}

export class VerifierPool {
  readonly #threads: Thread[] = [];
  readonly #votes: Waiting<VoteToVerify>[] = [];
  readonly #proposals: Waiting<ProposalToVerify>[] = [];
  readonly #invitations: Waiting<InvitationToVerify>[] = [];
  readonly #dividends: Waiting<DividendClaimToVerify>[] = [];
  #nextId = 1;
  #closed = false;
  /** A dispatch due when the oldest waiting proof has waited SHARED_MAX_WAIT_MS. */
  #dispatchTimer: NodeJS.Timeout | undefined;
  /** Threads that failed to start in a row (see RESTART_FIRST_DELAY_MS). */
  #failedStarts = 0;
  /** Replacement threads due to start, cancelled by close. */
  readonly #restartTimers = new Set<NodeJS.Timeout>();
  /** Set while no thread is started and the last one to try failed: every proof gets it at once. */
  #unavailable: RelayerError | undefined;

  private constructor(
    private readonly preloadDepths: readonly number[],
    private readonly workerModule: URL,
  ) {}

  /**
   * Starts `threads` verifier threads, each with the official keys of `preloadDepths` loaded before
   * it takes a proof (a relayer passes its open proposals' snapshot depths) and any other on first
   * use. Fails, with no thread left running, if one cannot start.
   */
  static async start(
    threads: number,
    preloadDepths: readonly number[] = [],
    workerModule: URL = VERIFIER_WORKER,
  ): Promise<VerifierPool> {
    const pool = new VerifierPool(preloadDepths, workerModule);
    try {
      await Promise.all(Array.from({ length: threads }, () => pool.#spawn()));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Whether the zone would accept the vote's proof (see the sdk's createProofVerifier). */
  verifyVote(item: VoteToVerify): Promise<boolean> {
    return this.#enqueue(this.#votes, item);
  }

  /** Whether an anonymous proposal's proof binds its content and epoch slot. */
  verifyProposal(item: ProposalToVerify): Promise<boolean> {
    return this.#enqueue(this.#proposals, item);
  }

  /** Whether a citizen's invitation proof binds the newcomer's commitment and its epoch slot. */
  verifyInvitation(item: InvitationToVerify): Promise<boolean> {
    return this.#enqueue(this.#invitations, item);
  }

  /** Whether a dividend claim's proof binds its recipient and round, against the round's snapshot. */
  verifyDividendClaim(item: DividendClaimToVerify): Promise<boolean> {
    return this.#enqueue(this.#dividends, item);
  }

  /** Proofs waiting for a free thread. */
  get backlog(): number {
    return this.#votes.length + this.#proposals.length + this.#invitations.length + this.#dividends.length;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#dispatchTimer);
    for (const timer of this.#restartTimers) clearTimeout(timer);
    this.#rejectWaiting(new Error("the verifier pool was closed"));
    await Promise.all(this.#threads.map((thread) => thread.worker.terminate()));
  }

  /** Fails every proof waiting for a thread. */
  #rejectWaiting(error: Error): void {
    for (const queue of [this.#votes, this.#proposals, this.#invitations, this.#dividends]) {
      for (const waiting of queue.splice(0)) waiting.reject(error);
    }
  }

  #enqueue<Item>(queue: Waiting<Item>[], item: Item): Promise<boolean> {
    if (this.#closed) return Promise.reject(new Error("the verifier pool was closed"));
    if (this.#unavailable !== undefined) return Promise.reject(this.#unavailable);
    return new Promise<boolean>((resolve, reject) => {
      queue.push({ item, at: performance.now(), resolve, reject });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    clearTimeout(this.#dispatchTimer);
    this.#dispatchTimer = undefined;
    for (const thread of this.#threads) {
      if (thread.busy) continue;
      const backlog = this.backlog;
      if (backlog === 0) return;
      if (backlog < SHARED_MIN_BATCH && this.#threads.some((other) => other.busy)) {
        const oldest = Math.min(
          ...[this.#votes, this.#proposals, this.#invitations, this.#dividends].map(
            (queue) => queue[0]?.at ?? Infinity,
          ),
        );
        const wait = oldest + SHARED_MAX_WAIT_MS - performance.now();
        if (wait > 0) {
          this.#dispatchTimer = setTimeout(() => this.#dispatch(), wait);
          return;
        }
      }
      if (this.#votes.length > 0) this.#send(thread, "votes", this.#votes.splice(0, MAX_BATCH));
      else if (this.#proposals.length > 0)
        this.#send(thread, "proposals", this.#proposals.splice(0, MAX_BATCH));
      else if (this.#invitations.length > 0)
        this.#send(thread, "invitations", this.#invitations.splice(0, MAX_BATCH));
      else if (this.#dividends.length > 0)
        this.#send(thread, "dividends", this.#dividends.splice(0, MAX_BATCH));
      else return;
    }
  }

  #send<Item>(thread: Thread, kind: VerifierRequest["kind"], waiting: Waiting<Item>[]): void {
    const id = this.#nextId++;
    thread.busy = true;
    thread.current = { id, waiting: waiting };
    thread.worker.postMessage({ id, kind, items: waiting.map((entry) => entry.item) });
  }

  #spawn(): Promise<void> {
    const worker = new Worker(this.workerModule, {
      // The worker is TypeScript importing the sdk: it needs the same loader as this process.
      execArgv: ["--import", "tsx"],
      // snarkjs's curve library imports the `web-worker` package, which, loaded off the main thread,
      // assumes it is one of its own workers and reads the module to run from workerData. An empty
      // module satisfies it; the verifier itself uses a single-thread curve and no workers of its own.
      workerData: {
        mod: "data:text/javascript,",
        type: "module",
        name: "zonedao-verifier",
        preloadDepths: [...this.preloadDepths],
      },
    });
    const thread: Thread = { worker, started: false, busy: true };
    this.#threads.push(thread);
    return new Promise((ready, failed) => {
      worker.on("message", (message: VerifierResponse | { ready: true }) => {
        if ("ready" in message) {
          thread.started = true;
          thread.busy = false;
          this.#failedStarts = 0;
          this.#unavailable = undefined;
          ready();
        } else {
          this.#answer(thread, message);
        }
        this.#dispatch();
      });
      worker.on("error", (error) => {
        failed(error);
        this.#failThread(thread, error);
      });
      worker.on("exit", (code) => {
        if (!this.#closed) this.#failThread(thread, new Error(`a verifier thread exited with code ${code}`));
      });
    });
  }

  #answer(thread: Thread, response: VerifierResponse): void {
    const current = thread.current;
    thread.busy = false;
    thread.current = undefined;
    if (current === undefined || current.id !== response.id) return;
    if ("error" in response) {
      const error = new Error(`proof verification failed: ${response.error}`);
      for (const waiting of current.waiting) waiting.reject(error);
      return;
    }
    current.waiting.forEach((waiting, index) => waiting.resolve(response.verdicts[index] === true));
  }

  /**
   * A thread that died fails its current request and is replaced, so the pool keeps its size; the
   * proofs it held, and every waiting one if no thread is left started, get a 503 to retry.
   */
  #failThread(thread: Thread, error: Error): void {
    const index = this.#threads.indexOf(thread);
    if (index === -1) return;
    this.#threads.splice(index, 1);
    const unavailable = verifierUnavailable(error);
    for (const waiting of thread.current?.waiting ?? []) waiting.reject(unavailable);
    if (this.#closed) return;
    let delay = 0;
    if (!thread.started) {
      this.#failedStarts++;
      delay = Math.min(RESTART_FIRST_DELAY_MS * 2 ** (this.#failedStarts - 1), RESTART_MAX_DELAY_MS);
      if (!this.#threads.some((other) => other.started)) {
        this.#unavailable = unavailable;
        this.#rejectWaiting(unavailable);
      }
    }
    const timer = setTimeout(() => {
      this.#restartTimers.delete(timer);
      if (!this.#closed) void this.#spawn().catch(() => undefined);
    }, delay);
    this.#restartTimers.add(timer);
  }
}

/** 503 verifier_unavailable: a proof no thread could check (nothing was accepted: retry it). */
function verifierUnavailable(cause: Error): RelayerError {
  return new RelayerError(
    503,
    "verifier_unavailable",
    `the relayer could not check this proof (${cause.message}); nothing was accepted: retry shortly`,
  );
}
