/**
 * Protocol constants, each mirrored from one place on chain (the test in sdk/test/constants.test.ts
 * checks that they agree with the deployed contracts).
 */

/** Order of the BN254 scalar field: every Groth16 public input must be below it. */
export const SNARK_SCALAR_FIELD =
  21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** Order of the BN254 base field: every coordinate of a proof's points must be below it (ZoneScopes.BASE_FIELD). */
export const BN254_BASE_FIELD =
  21888242871839275222246405745257275088696311157297823662689037894645226208583n;

/** Tree depths the official Semaphore v4 ceremony has keys for. */
export const MIN_TREE_DEPTH = 1;
export const MAX_TREE_DEPTH = 32;

/**
 * Seconds a replaced group root still admits proposals (ZoneMembership.ROOT_VALIDITY), as
 * Semaphore allows, so a proof made just before the group changed still counts.
 */
export const ROOT_VALIDITY_SECONDS = 3600;

/** The most options a proposal may offer (ZoneGovernance.MAX_OPTIONS). */
export const MAX_OPTIONS = 16;
/** The entries of a sealed ballot (ZoneGovernance.SEALED_OPTIONS): the most options a sealed proposal has. */
export const SEALED_OPTIONS = 3;

/** Options of a For/Against/Abstain proposal, in OpenZeppelin Governor's order. */
export const VoteOption = { Against: 0, For: 1, Abstain: 2 } as const;

/** IZone.ProposalState, by index. */
export const PROPOSAL_STATES = [
  "Pending",
  "Active",
  "Canceled",
  "Defeated",
  "Succeeded",
  "Queued",
  "Expired",
  "Executed",
  "Tallying",
] as const;
export type ProposalStateName = (typeof PROPOSAL_STATES)[number];
