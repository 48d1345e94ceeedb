/**
 * Proofs for votes, anonymous proposals, dividend claims, invitations and federation admissions, for Node: prove.ts's prover fed the
 * official ceremony artifacts installed from npm (artifacts.ts), so proving never downloads
 * anything. Checking proofs is verify.ts. A browser imports prove.ts and brings its own artifacts.
 */
import { readFile } from "node:fs/promises";
import { semaphoreArtifacts } from "./artifacts.js";
import { createProver } from "./prove.js";
export type {
  DividendClaim,
  FederationEvidence,
  Invitation,
  ProposalProof,
  Prover,
  VoteProof,
  ZoneContext,
  Membership,
} from "./prove.js";
export { stopProverThreads } from "./prover-threads.js";
export { nullifierOf, proofDepth } from "./nullifier.js";

/** The installed wasm and zkey of `depth`, read once per depth by the prover below. */
async function installedCircuitFiles(depth: number) {
  const paths = semaphoreArtifacts(depth);
  const [wasm, zkey] = await Promise.all([readFile(paths.wasm), readFile(paths.zkey)]);
  return { wasm: new Uint8Array(wasm), zkey: new Uint8Array(zkey) };
}

/**
 * Proves with the wasm and zkey of @zk-kit/semaphore-artifacts, one prover for the process, so each
 * depth's circuit is loaded once; see {@link Prover} for each proof.
 */
export const { proveVote, proveProposal, proveDividendClaim, proveInvitation, proveFederationMembership } =
  createProver(installedCircuitFiles);
