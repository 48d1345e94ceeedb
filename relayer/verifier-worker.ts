/**
 * A verifier thread: checks the proofs the relayer's pool sends it with the sdk's batch verifier, so
 * that a flood of proofs keeps a CPU core busy without blocking the HTTP server's event loop.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createProofVerifier } from "../sdk/verify.js";
import type { VerifierRequest, VerifierResponse } from "./verifier-pool.js";

const port = parentPort;
if (port === null) throw new Error("verifier-worker.ts runs as a worker thread of verifier-pool.ts");
const verifier = await createProofVerifier();
// The depths of the proposals open when the relayer started: their votes need no key loading. A
// key that fails to load here is asked for again, and its error reported, when a proof needs it.
await verifier.loadKeys((workerData as { preloadDepths: number[] }).preloadDepths).catch(() => undefined);

port.on("message", (request: VerifierRequest) => {
  const verdicts =
    request.kind === "votes"
      ? verifier.verifyVotes(request.items)
      : request.kind === "proposals"
        ? verifier.verifyProposals(request.items)
        : request.kind === "invitations"
          ? verifier.verifyInvitations(request.items)
          : verifier.verifyDividendClaims(request.items);
  verdicts.then(
    (result) => port.postMessage({ id: request.id, verdicts: result } satisfies VerifierResponse),
    (error: unknown) => port.postMessage({ id: request.id, error: String(error) } satisfies VerifierResponse),
  );
});
port.postMessage({ ready: true });
