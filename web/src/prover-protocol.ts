/** Messages between the app and its prover worker (prover.worker.ts). */
import type { DividendClaimRequest } from "../../sdk/relayer-api.js";
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
      type: "prepareProposal";
      jobId: number;
      epoch: string;
      slot: string;
      options: { target: string; value: string; data: string }[][];
      description: string;
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
  | { type: "proposal"; jobId: number; request: ProposalRequest; ms: number }
  | { type: "invitation"; jobId: number; request: InvitationRequest; ms: number }
  | { type: "dividendClaim"; jobId: number; request: DividendClaimRequest; ms: number }
  /** The identity's leaf as the group rebuilt from the chain has it, when it differs from the page's. */
  | { type: "place"; jobId: number; zone: string; commitment: string; leafIndex: number }
  | { type: "done"; jobId: number }
  | { type: "error"; jobId: number; message: string; notEligible?: NotEligible };
