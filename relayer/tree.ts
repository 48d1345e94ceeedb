/**
 * The zones' trees as sdk/private-path.ts reads them: the top of the tree of a zone's first `size`
 * leaves (the root of each bucket of 2^BUCKET_BITS leaves) and any bucket's leaves, so a citizen
 * computes its Merkle path from a bucket instead of the whole member list.
 *
 * A full bucket's root never changes unless a leaf in it does (a member updated or removed), so it
 * is hashed once, when the indexer sees the bucket fill (hashInBackground, after each sync, on a
 * worker threads: relayer/tree-worker.ts), and kept in the store's bucket_roots table, across
 * restarts; the indexer drops it when a leaf in it changes. Until a zone's full buckets are hashed,
 * a top that would need more than a few of them is answered 503 tree_not_ready with Retry-After. A top then costs
 * the partial last bucket (at most 1,023 hashes) and the top's own LeanIMT root (at most a hash per
 * bucket, only to name the answer's content in its ETag: a client checks the root itself), never a
 * rebuild of the whole group. Recent tops are kept in memory for repeated requests.
 */
import { createHash } from "node:crypto";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { BUCKET_BITS, bucketCount, bucketLength, bucketRoot, encodeBucket } from "../sdk/index.js";
import { RelayerError } from "./errors.js";
import type { RelayerStore } from "./store.js";
import type { TreeRequest, TreeResponse } from "./tree-worker.js";

const BUCKET_SIZE = 2 ** BUCKET_BITS;
/** Tops kept in memory, by zone, size and tree version. */
const TOP_CACHE_ENTRIES = 64;
/**
 * Full buckets a request may hash itself when the indexer has not yet (a zone just indexed): more
 * is refused with 503 tree_not_ready, as hashing them would hold the relayer for seconds.
 */
const BUCKETS_HASHED_ON_REQUEST = 4;
/** Seconds a client is told to wait (Retry-After) when the tree is not ready. */
const RETRY_AFTER_SECONDS = 5;
/**
 * Tree threads: a zone indexed from scratch has all its buckets to hash at once (977 at a million
 * members), on every core up to two; afterwards a bucket fills now and then, and one thread idles.
 */
const TREE_THREADS = Math.min(2, availableParallelism());

/** The top of a zone's tree of `size` leaves, as GET /v1/zones/:zone/tree answers it. */
export interface TreeTopAnswer {
  zone: string;
  size: number;
  bucketBits: number;
  bucketRoots: string[];
}

/** A field element as the tree routes write it: 0x and 64 hex digits. */
export const hex32 = (value: bigint) => `0x${value.toString(16).padStart(64, "0")}`;

/** A strong ETag naming `content`. */
export function etagOf(content: string | Uint8Array): string {
  return `"${createHash("sha256").update(content).digest("base64url")}"`;
}

export class ZoneTrees {
  readonly #tops = new Map<string, { top: TreeTopAnswer; etag: string }>();
  readonly #runs = new Map<string, Promise<void>>();
  readonly #waiting = new Map<number, { done: (root: bigint) => void; failed: (error: Error) => void }>();
  readonly #workers: (Worker | undefined)[] = new Array<Worker | undefined>(TREE_THREADS).fill(undefined);
  #nextId = 0;
  #closed = false;
  /**
   * Full buckets a request may hash itself when the tree threads have not yet; more is refused with
   * 503 tree_not_ready. Tests lower it to see that answer on a small zone.
   */
  bucketsHashedOnRequest = BUCKETS_HASHED_ON_REQUEST;

  constructor(private readonly store: RelayerStore) {}

  /** Leaves indexed in the zone's tree. */
  size(zone: string): number {
    return this.store.memberCount(zone);
  }

  /** Full buckets of the zone's indexed tree whose root is not hashed yet. */
  bucketsLeft(zone: string): number {
    const full = Math.floor(this.size(zone) / BUCKET_SIZE);
    const known = this.store.bucketRoots(zone);
    let left = 0;
    for (let bucket = 0; bucket < full; bucket++) if (!known.has(bucket)) left++;
    return left;
  }

  /**
   * Hashes every full bucket whose root is not cached yet on the tree threads, a bucket at a time on
   * each, writing each root to the store as it comes back; resolves when none is left. Called again while
   * it runs, it returns the same run, which re-reads what is left before it ends.
   */
  hashInBackground(zone: string): Promise<void> {
    let run = this.#runs.get(zone);
    if (run === undefined) {
      run = this.#hashAll(zone).finally(() => this.#runs.delete(zone));
      this.#runs.set(zone, run);
    }
    return run;
  }

  /** Stops the tree threads (a run in progress ends with an error). */
  async close(): Promise<void> {
    this.#closed = true;
    const workers = this.#workers.splice(0, TREE_THREADS, ...new Array<undefined>(TREE_THREADS));
    for (const waiting of this.#waiting.values()) waiting.failed(new Error("the tree thread was stopped"));
    this.#waiting.clear();
    await Promise.all(workers.map((worker) => worker?.terminate() ?? Promise.resolve(0)));
  }

  async #hashAll(zone: string): Promise<void> {
    for (;;) {
      const full = Math.floor(this.size(zone) / BUCKET_SIZE);
      const known = this.store.bucketRoots(zone);
      const missing = Array.from({ length: full }, (_, bucket) => bucket).filter(
        (bucket) => !known.has(bucket),
      );
      if (missing.length === 0) return;
      // Each thread takes the next bucket left when it is done with one.
      const hashOn = async (thread: number) => {
        for (let bucket = missing.shift(); bucket !== undefined; bucket = missing.shift()) {
          if (this.#closed) return;
          const version = this.store.treeVersion(zone);
          const start = bucket * BUCKET_SIZE;
          const leaves = this.store.memberRange(zone, start, start + BUCKET_SIZE).map(BigInt);
          const root = await this.#hashOnThread(thread, leaves);
          // A leaf that changed meanwhile (a member updated or removed) makes this root stale.
          if (this.store.treeVersion(zone) === version && !this.#closed) {
            this.store.setBucketRoot(zone, bucket, hex32(root));
          }
        }
      };
      await Promise.all(Array.from({ length: TREE_THREADS }, (_, thread) => hashOn(thread)));
    }
  }

  #hashOnThread(thread: number, leaves: bigint[]): Promise<bigint> {
    if (this.#closed) return Promise.reject(new Error("the tree thread was stopped"));
    const worker = (this.#workers[thread] ??= this.#spawn(thread));
    const id = this.#nextId++;
    return new Promise((done, failed) => {
      this.#waiting.set(id, { done, failed });
      worker.postMessage({ id, leaves } satisfies TreeRequest);
    });
  }

  #spawn(thread: number): Worker {
    const worker = new Worker(new URL("./tree-worker.ts", import.meta.url), {
      // The worker is TypeScript importing the sdk: it needs the same loader as this process.
      execArgv: ["--import", "tsx"],
    });
    // An idle tree thread does not keep the process alive.
    worker.unref();
    worker.on("message", (message: TreeResponse) => {
      const waiting = this.#waiting.get(message.id);
      if (waiting === undefined) return;
      this.#waiting.delete(message.id);
      if ("error" in message) waiting.failed(new Error(message.error));
      else waiting.done(message.root);
    });
    const fail = (error: Error) => {
      if (this.#workers[thread] === worker) this.#workers[thread] = undefined;
      for (const waiting of this.#waiting.values()) waiting.failed(error);
      this.#waiting.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`the tree thread exited with code ${code}`)));
    return worker;
  }

  /** The top of the tree of the zone's first `size` leaves, and its ETag. */
  top(zone: string, size: number): { top: TreeTopAnswer; etag: string } {
    this.#checkSize(zone, size);
    const key = `${zone}:${size}:${this.store.treeVersion(zone)}`;
    const cached = this.#tops.get(key);
    if (cached !== undefined) return cached;

    const full = Math.floor(size / BUCKET_SIZE);
    const known = this.store.bucketRoots(zone);
    const missing = Array.from({ length: full }, (_, bucket) => bucket).filter(
      (bucket) => !known.has(bucket),
    );
    if (missing.length > this.bucketsHashedOnRequest) {
      const left = this.bucketsLeft(zone);
      const error = new RelayerError(
        503,
        "tree_not_ready",
        `the relayer is still hashing ${left} buckets of this zone's tree; retry in a few seconds`,
        { bucketsLeft: left },
      );
      error.retryAfterSeconds = RETRY_AFTER_SECONDS;
      throw error;
    }
    for (const bucket of missing) known.set(bucket, this.#hashBucket(zone, bucket));
    const bucketRoots = Array.from({ length: full }, (_, bucket) => known.get(bucket)!);
    if (size % BUCKET_SIZE !== 0) {
      const leaves = this.store.memberRange(zone, full * BUCKET_SIZE, size).map(BigInt);
      bucketRoots.push(hex32(bucketRoot(leaves)));
    }
    const top = { zone, size, bucketBits: BUCKET_BITS, bucketRoots };
    const answer = { top, etag: etagOf(JSON.stringify(top)) };
    if (this.#tops.size >= TOP_CACHE_ENTRIES) this.#tops.delete(this.#tops.keys().next().value!);
    this.#tops.set(key, answer);
    return answer;
  }

  /** Bucket `index` of the tree of the zone's first `size` leaves: 32 bytes big-endian a leaf. */
  bucket(zone: string, index: number, size: number): { bytes: Uint8Array; etag: string; full: boolean } {
    this.#checkSize(zone, size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= bucketCount(size)) {
      throw new RelayerError(
        404,
        "unknown_bucket",
        `the tree of ${size} leaves has buckets 0 to ${bucketCount(size) - 1}, not ${index}`,
      );
    }
    const start = index * BUCKET_SIZE;
    const bytes = encodeBucket(
      this.store.memberRange(zone, start, start + bucketLength(index, size)).map(BigInt),
    );
    return { bytes, etag: etagOf(bytes), full: bucketLength(index, size) === BUCKET_SIZE };
  }

  #checkSize(zone: string, size: number): void {
    if (size === 0) throw new RelayerError(422, "empty_tree", "a tree of 0 leaves has no top and no buckets");
    const indexed = this.size(zone);
    if (size > indexed) {
      throw new RelayerError(
        404,
        "size_not_indexed",
        `the relayer has indexed ${indexed} leaves of this zone, not ${size}; retry after its next sync`,
      );
    }
  }

  #hashBucket(zone: string, bucket: number): string {
    const start = bucket * BUCKET_SIZE;
    const leaves = this.store.memberRange(zone, start, start + BUCKET_SIZE).map(BigInt);
    const root = hex32(bucketRoot(leaves));
    this.store.setBucketRoot(zone, bucket, root);
    return root;
  }
}
