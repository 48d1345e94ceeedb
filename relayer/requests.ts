/**
 * What the zone's functions take for an accepted request. The requests' shapes, and the JSON Schemas
 * Fastify validates them with, are the sdk's (sdk/relayer-api.ts): the relayer serves that contract.
 */
import {
  optionsFromJson,
  type DividendClaimRequest,
  type InvitationRequest,
  type ProposalRequest,
  type VoteRequest,
  type ZoneAction,
} from "../sdk/index.js";

export type { DividendClaimRequest, InvitationRequest, ProposalRequest, VoteRequest };

/** castVotes' IZone.Vote for an accepted request. */
export function voteArguments(request: VoteRequest) {
  return {
    proposalId: BigInt(request.proposalId),
    option: BigInt(request.option),
    nullifier: BigInt(request.nullifier),
    points: request.proof.map(BigInt),
  };
}

/** The actions of a proposal request, as the sdk and the zone take them. */
export function proposalOptions(request: ProposalRequest): ZoneAction[][] {
  return optionsFromJson(request.options);
}

/** The tellers' term a sealed proposal request names; undefined for an open one. */
export function tellersTermOf(request: ProposalRequest): bigint | undefined {
  return request.tellersTerm === undefined ? undefined : BigInt(request.tellersTerm);
}

/** propose's arguments for an accepted request (proposeSealed takes them and the tellers' term). */
export function proposeArguments(request: ProposalRequest) {
  return [
    proposalOptions(request),
    request.description,
    {
      merkleTreeRoot: BigInt(request.merkleTreeRoot),
      merkleTreeDepth: BigInt(request.merkleTreeDepth),
      epoch: BigInt(request.epoch),
      slot: BigInt(request.slot),
      nullifier: BigInt(request.nullifier),
      points: request.proof.map(BigInt),
    },
  ] as const;
}

/** invite's arguments for an accepted invitation. */
export function inviteArguments(request: InvitationRequest) {
  return [
    BigInt(request.identityCommitment),
    {
      merkleTreeRoot: BigInt(request.merkleTreeRoot),
      merkleTreeDepth: BigInt(request.merkleTreeDepth),
      epoch: BigInt(request.epoch),
      slot: BigInt(request.slot),
      nullifier: BigInt(request.nullifier),
      points: request.proof.map(BigInt),
    },
  ] as const;
}

/** claimDividend's arguments for an accepted dividend claim. */
export function claimDividendArguments(request: DividendClaimRequest) {
  return [
    BigInt(request.roundId),
    request.recipient,
    BigInt(request.nullifier),
    request.proof.map(BigInt),
  ] as const;
}
