/** ZoneDAO sdk: the one library the relayer, the web app, the CLI and the tests use. */
export * from "./constants.js";
export * from "./types.js";
export * from "./rules.js";
export * from "./scope.js";
export * from "./artifacts.js";
export * from "./proof.js";
export { createProver, type ArtifactLoader, type SnarkArtifacts } from "./prove.js";
export * from "./group.js";
export * from "./private-path.js";
export * from "./membership.js";
export * from "./admissions.js";
export * from "./contracts.js";
export * from "./deploy.js";
export * from "./prover-threads.js";
export * from "./identity.js";
export * from "./actions.js";
export * from "./describe.js";
export * from "./proposal-text.js";
export * from "./ballot.js";
export * from "./proposals.js";
export * from "./proposal-timeline.js";
export * from "./execution.js";
export * from "./economy-names.js";
export * from "./economy.js";
export * from "./production.js";
export * from "./ledger.js";
export * from "./treasury.js";
export * from "./dividend-rounds.js";
export * from "./logs.js";
export * from "./zone-origin.js";
export * from "./rpc.js";
export * from "./raw-transaction.js";
export * from "./json-schema.js";
export * from "./relayer-api.js";
export * from "./relayer-client.js";
export * from "./deployment.js";
export { BPS, ETHER_DECIMALS, decodeZoneDaoError } from "./abis.js";
export {
  createProofVerifier,
  verifyVote,
  type VoteSnapshot,
  type VoteToVerify,
  type ProposalToVerify,
  type InvitationToVerify,
  type DividendClaimToVerify,
  type ProofVerifier,
} from "./verify.js";
export { Group } from "@semaphore-protocol/group";
export { Identity } from "@semaphore-protocol/identity";
export * from "./audit/index.js";
