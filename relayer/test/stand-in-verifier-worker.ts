/**
 * A stand-in for verifier-worker.ts in verifier-pool.test.ts. Each thread reads what to do from
 * ZONEDAO_TEST_VERIFIER as the environment was when the pool made it: "fail" throws before it is
 * ready (as a thread whose curve or keys cannot load), "crash" ends at its first request, and
 * "valid" answers every proof valid. Each start is noted, with its time, in the file
 * ZONEDAO_TEST_VERIFIER_STARTS names.
 */
import { appendFileSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import type { VerifierRequest, VerifierResponse } from "../verifier-pool.js";

const mode = process.env.ZONEDAO_TEST_VERIFIER;
appendFileSync(process.env.ZONEDAO_TEST_VERIFIER_STARTS!, `${mode} ${Date.now()}\n`);
if (mode === "fail") throw new Error("this stand-in verifier cannot start");
const port = parentPort!;
port.on("message", (request: VerifierRequest) => {
  if (mode === "crash") process.exit(3); // in a worker thread: ends the thread alone
  port.postMessage({ id: request.id, verdicts: request.items.map(() => true) } satisfies VerifierResponse);
});
port.postMessage({ ready: true });
