/** Messages between the app and its prover worker (prover.worker.ts). */
import type { DividendClaimRequest, SealedVoteRequest } from "../../sdk/relayer-api.js";
import type { InvitationRequest, ProposalRequest, VoteRequest } from "../../sdk/relayer-client.js";

export interface ZoneTarget {
  /** The exported identity key: it goes to the worker, in this page, and nowhere else. */
  identity: string;
  /** The app's URL, under which artifacts/ is served. */
  base: string;
  chainId: string;
  zone: string;
  rpcUrl: string | null;
  fromBlock: number;
  /** The relayers, in order: the source of the private Merkle path (tree top and buckets). */
  relayers: string[];
  /**
   * The identity's leaf index in the zone's group, as this device found it once (citizen-place.ts):
   * a hint, checked against the chain's root with the path.
   */
  leafIndex: number;
}

export interface SnapshotInfo {
  id: string;
  snapshotRoot: string;
  snapshotDepth: number;
  eligibleCount: number;
  /**
   * Leaves in the tree at the snapshot (removed members' zero leaves included), as the relayer
   * indexed it: the tree the path is read in. Without it, `eligibleCount` (right unless a member was
   * removed before; a wrong size only misses the chain's root, and the group is then rebuilt).
   */
  snapshotSize?: number | null;
}

export type ProverRequest =
  | (ZoneTarget & {
      type: "prepareVotes";
      jobId: number;
      proposal: SnapshotInfo;
      /** Options to prove, in the order to prove them. */
      options: number[];
    })
  | (ZoneTarget & {
      type: "prepareSealedVote";
      jobId: number;
      proposal: SnapshotInfo;
      /** The sealed ballot circuit's files on the app's origin, with their SHA-256 (the app's config). */
      files: { wasm: string; zkey: string; wasmSha256: string; zkeySha256: string };
      /** The tellers' key as the relayer reports it; the chain's, read by the worker, must match it. */
      publicKey: [string, string];
      /** The sealed ballots module (the config's), where the worker reads the key; null without one. */
      sealedBallots: string | null;
    })
  /** The prepared sealed ballot of job `jobId`, proved for `option` (once: its randomness is then gone). */
  | { type: "proveSealedVote"; jobId: number; option: number }
  | (ZoneTarget & {
      type: "prepareProposal";
      jobId: number;
      epoch: string;
      slot: string;
      options: { target: string; value: string; data: string }[][];
      description: string;
      /** A sealed proposal's tellers' term: the proof binds it with the content. */
      tellersTerm?: string;
    })
  | (ZoneTarget & {
      type: "prepareInvitation";
      jobId: number;
      epoch: string;
      slot: string;
      /** The newcomer's identity commitment: the proof's message. */
      newcomer: string;
    })
  | (ZoneTarget & {
      type: "prepareDividendClaim";
      jobId: number;
      roundId: string;
      /** The snapshot of the proposal that opened the round (its id): the round's electorate. */
      electorate: SnapshotInfo;
      /** Who is paid: the proof's message, so no relayer can redirect the payment. */
      recipient: string;
    });

/** "path": fetching the private Merkle path; "syncing": rebuilding the group from the chain instead. */
export type ProverStage = "path" | "syncing" | "artifacts" | "proving";

/**
 * Why an identity cannot vote on a proposal: not in the member list at all (the page finds that,
 * citizen-place.ts), or a citizen now but not in the proposal's snapshot (joined after it was made:
 * the worker finds that).
 */
export type NotEligible = "not-a-citizen" | "not-yet-eligible";

export type ProverResponse =
  | { type: "stage"; jobId: number; stage: ProverStage; detail: string }
  | { type: "vote"; jobId: number; option: number; request: VoteRequest; ms: number }
  /** A sealed ballot is readied (everything but the choice is proved): `prove` takes about a third of `ms`. */
  | { type: "sealedReady"; jobId: number; ms: number }
  | { type: "sealedVote"; jobId: number; option: number; request: SealedVoteRequest; ms: number }
  | { type: "proposal"; jobId: number; request: ProposalRequest; ms: number }
  | { type: "invitation"; jobId: number; request: InvitationRequest; ms: number }
  | { type: "dividendClaim"; jobId: number; request: DividendClaimRequest; ms: number }
  /** The identity's leaf as the group rebuilt from the chain has it, when it differs from the page's. */
  | { type: "place"; jobId: number; zone: string; commitment: string; leafIndex: number }
  | { type: "done"; jobId: number }
  | { type: "error"; jobId: number; message: string; notEligible?: NotEligible };
