/** A vote as the zone takes it, shared by the adversarial tests that mutate, replay and batch votes. */
import type { VoteProof, Zone } from "../../sdk/index.js";

/** Order of the BN254 base field: a proof's coordinates must be below it. */
export const BN254_Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

/** IZone.VoteRejection, by name. */
export const Rejection = {
  UnknownProposal: 0,
  NotActive: 1,
  InvalidOption: 2,
  NullifierOutOfRange: 3,
  NullifierUsed: 4,
  InvalidProof: 5,
  Unverified: 6,
};

/** IZone.ProposalState, by name. */
export const State = { Active: 1, Succeeded: 4, Queued: 5, Executed: 7 };

export interface Vote {
  proposalId: bigint;
  option: bigint | number;
  nullifier: bigint;
  points: VoteProof["points"];
}

export const asVote = (proof: VoteProof): Vote => ({
  proposalId: proof.proposalId,
  option: proof.option,
  nullifier: proof.nullifier,
  points: proof.points,
});

export const castVote = (zone: Zone, vote: Vote) =>
  zone.castVote(vote.proposalId, vote.option, vote.nullifier, vote.points);
