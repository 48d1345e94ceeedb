/**
 * Proofs for votes, anonymous proposals, dividend claims, invitations and federation admissions, for Node: prove.ts's prover fed the
 * official ceremony artifacts installed from npm (artifacts.ts), so proving never downloads
 * anything. Checking proofs is verify.ts. A browser imports prove.ts and brings its own artifacts.
 */
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

/** Proves with the wasm and zkey of @zk-kit/semaphore-artifacts; see {@link Prover} for each proof. */
export const { proveVote, proveProposal, proveDividendClaim, proveInvitation, proveFederationMembership } =
  createProver(semaphoreArtifacts);
