/**
 * The tree thread: hashes full buckets for relayer/tree.ts with the sdk's bucketRoot, so that the
 * ~1,000 Poseidon hashes of each bucket of a large zone never block the HTTP server's event loop.
 * It only hashes: the main thread reads the leaves from the store and writes the roots back.
 */
import { parentPort } from "node:worker_threads";
import { bucketRoot } from "../sdk/private-path.js";

/** A bucket to hash: its leaves, and an id the answer carries back. */
export interface TreeRequest {
  id: number;
  leaves: bigint[];
}
export type TreeResponse = { id: number; root: bigint } | { id: number; error: string };

const port = parentPort;
if (port !== null) {
  port.on("message", ({ id, leaves }: TreeRequest) => {
    try {
      port.postMessage({ id, root: bucketRoot(leaves) } satisfies TreeResponse);
    } catch (error) {
      port.postMessage({ id, error: String(error) } satisfies TreeResponse);
    }
  });
}
