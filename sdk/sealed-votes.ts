/**
 * A citizen's side of a sealed proposal against the chain: the box its ballots go in (the key they
 * are encrypted to comes from the chain, never from a relayer), and whether this identity's ballot is
 * already in it. Proving is sdk/sealed.ts's (proveSealedVote, prepareSealedVote); a relayer takes
 * the ballot as sealedVoteRequest. Light on purpose (types only from sealed.ts): the web app's page
 * imports it, and the prover stays in its worker.
 */
import type { Identity } from "@semaphore-protocol/identity";
import { queryEvents } from "./logs.js";
import { nullifierOf } from "./nullifier.js";
import { voteScope } from "./scope.js";
import type { Point } from "./sealed.js";
import type { ZoneSealedBallots } from "../types/ethers-contracts/index.js";

/** A sealed proposal's box as a voter needs it. */
export interface SealedBoxInfo {
  /** The tellers' term it is sealed to. */
  term: bigint;
  /** The tellers' joint key: what every ballot is encrypted to. */
  publicKey: Point;
  /** Entries a ballot has that count (the proposal's options: 3, or 2). */
  optionCount: number;
  /** How many of the tellers open its tally together. */
  threshold: number;
  /** Ballots counted so far (their contents stay sealed). */
  ballots: number;
  tallied: boolean;
}

/** The box of `proposalId` in `zone`, from the sealed ballots module; undefined if it is not sealed. */
export async function sealedBoxOf(
  sealedBallots: ZoneSealedBallots,
  zone: string,
  proposalId: bigint,
): Promise<SealedBoxInfo | undefined> {
  const box = await sealedBallots.ballotBox(zone, proposalId);
  if (box.optionCount === 0n) return undefined;
  return {
    term: box.term,
    publicKey: [box.publicKey.x, box.publicKey.y],
    optionCount: Number(box.optionCount),
    threshold: Number(box.threshold),
    ballots: Number(box.ballots),
    tallied: box.tallied,
  };
}

/**
 * Whether `identity`'s sealed ballot on the proposal is counted: found among the box's
 * SealedVoteCast events, never by asking the RPC about this identity's nullifier (which would tell
 * the node which nullifier is whose).
 */
export async function hasCastSealedVote(
  sealedBallots: ZoneSealedBallots,
  identity: Identity,
  place: { chainId: bigint; zone: string; proposalId: bigint },
  fromBlock = 0,
): Promise<boolean> {
  const nullifier = nullifierOf(identity, voteScope(place.chainId, place.zone, place.proposalId));
  const cast = await queryEvents(
    sealedBallots,
    sealedBallots.filters.SealedVoteCast(place.zone, place.proposalId),
    fromBlock,
  );
  return cast.some((event) => event.args.nullifier === nullifier);
}

/** Why ZoneSealedBallots.castSealedVotes skipped a ballot (its Rejection), in words. */
export const SEALED_REJECTIONS = [
  "NullifierOutOfRange: the nullifier is not a field element",
  "CiphertextOutOfRange: a ciphertext word is not a field element",
  "NullifierUsed: this identity's ballot is already in the box",
  "InvalidProof: the sealed ballots module rejected the proof",
] as const;
