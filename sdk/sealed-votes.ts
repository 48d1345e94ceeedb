/**
 * A citizen's side of a sealed proposal against the chain: the box its ballots go in (the key they
 * are encrypted to comes from the chain, never from a relayer), whether this identity's ballot is
 * already in it, and sending one without a relayer. Proving is sdk/sealed.ts's (proveSealedVote,
 * prepareSealedVote); a relayer takes the ballot as sealedVoteRequest.
 */
import type { Identity } from "@semaphore-protocol/identity";
import { queryEvents } from "./logs.js";
import { nullifierOf } from "./nullifier.js";
import { voteScope } from "./scope.js";
import { sealedVoteCall, type Point, type SealedVote } from "./sealed.js";
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

/**
 * Sends one sealed ballot from the account `sealedBallots` is connected to (the citizen pays the
 * gas and is seen sending it: a relayer avoids both). Resolves to the transaction when the ballot
 * was counted; throws with the module's reason when it was skipped.
 */
export async function castSealedVote(
  sealedBallots: ZoneSealedBallots,
  zone: string,
  vote: SealedVote,
): Promise<{ txHash: string; blockNumber: number }> {
  const receipt = await (
    await sealedBallots.castSealedVotes(zone, vote.proposalId, [sealedVoteCall(vote)])
  ).wait();
  if (receipt === null) throw new Error("castSealedVotes was not mined");
  for (const log of receipt.logs) {
    const event = sealedBallots.interface.parseLog(log);
    if (event?.name === "SealedVoteRejected") {
      const reason = SEALED_REJECTIONS[Number(event.args.reason)] ?? "rejected by the module";
      throw new Error(`the sealed ballots module skipped the ballot: ${reason}`);
    }
  }
  return { txHash: receipt.hash, blockNumber: receipt.blockNumber };
}
