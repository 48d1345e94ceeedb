/** A vote as the zone takes it, shared by the adversarial tests that mutate, replay and batch votes. */
import { rulesWith, type Identity, type VoteProof, type Zone } from "../../sdk/index.js";
import { TEST_RULES, admitByVoteWhileOpen, deployEmptyZone, proposeAs } from "../../test/zone-fixture.js";

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

/** TEST_RULES with a quorum of 1%: one citizen's vote admits the latecomers. */
const ONE_VOTE_QUORUM = rulesWith({ ...TEST_RULES, quorumBps: 100 });

/**
 * A zone of `voters` (depth 6 for 64) with proposal `first` open, then `latecomers` admitted and
 * proposal `second` open at the next depth, both open at once: the batch tests need votes of two
 * depths (see admitByVoteWhileOpen).
 */
export async function zoneWithTwoDepths(voters: Identity[], latecomers: Identity[]) {
  const world = await deployEmptyZone(ONE_VOTE_QUORUM);
  await (
    await world.zone.connect(world.registrar).addMembers(voters.map((voter) => voter.commitment))
  ).wait();
  const first = await admitByVoteWhileOpen(world, latecomers, [voters[2]!], () =>
    proposeAs(world, voters[0]!, [[]], "Plant trees on the ridge"),
  );
  const second = await proposeAs(world, voters[1]!, [[], []], "Choose the school's name");
  return { ...world, first, second };
}
