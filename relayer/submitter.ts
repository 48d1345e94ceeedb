/**
 * Sends accepted votes (castVotes batches), proposals (one propose each), invitations (one
 * invite each) and dividend claims (one claimDividend each) on chain, and follows each transaction until the zone's events say what became of
 * every submission in it. When nothing waits, it admits the served zones' admission requests whose
 * delay is over (ZoneAdmissions.admit: anyone may, the relayer pays), so a newcomer enters when
 * the delay ends without anyone acting.
 *
 * Crash safety: a transaction is signed locally and stored, with its submissions marked
 * `submitted`, before it is broadcast. After a restart every pending batch is followed again: its
 * receipt is read if it was mined, its stored signed transaction re-broadcast if the node never got
 * it, and its submissions put back in the queue if its nonce went to another transaction. Sending
 * a vote twice is harmless, since the zone counts a nullifier once (a repeat is skipped with
 * VoteRejected(NullifierUsed)), so "at least once" here makes "exactly once" on chain. A
 * submission is in at most one pending batch (only `queued` ones are picked), so one vote never
 * rides in two transactions in flight.
 *
 * A window of unmined transactions (ZONEDAO_MAX_IN_FLIGHT): the relayer numbers them itself, with
 * consecutive nonces taken from its store (the lowest nonce, from the chain's mined count and the
 * store's highest mined one, that no pending batch holds), never from the node's pending count,
 * which races with its own broadcasts and with restarts. Each transaction stands alone, so none
 * strands the ones after it: one the node dropped is re-broadcast from its stored signed bytes; one
 * left unmined for `resendAfterMs` is re-signed with the same nonce and data and higher fees; one
 * whose nonce another transaction took (another process with the key) gives its submissions back to
 * the queue, to leave under new nonces; one the node refuses for good is given up, and its nonce,
 * now a hole below transactions in flight, is filled at once, by the next batch (whatever the
 * window) or, if nothing waits, by an empty transfer to itself (kind `fill`).
 *
 * When a batch goes (the rule): when the window has room and either a batch is full (the zone's
 * current batch limit, ZONEDAO_BATCH_MAX_VOTES at most) or the oldest queued vote has waited
 * ZONEDAO_BATCH_MAX_AGE_MS. Every accepted vote wakes the submitter, so a full batch leaves at once
 * and several can go in one step; a partial one waits at most the age, so a vote is mined about one
 * block time plus that age after its 202. With the window full, votes gather into full batches
 * until a slot frees up. Proposals, invitations and dividend claims go first, one per
 * transaction. Mined transactions wait to be `confirmations` deep before their submissions are
 * settled, without holding a slot of the window.
 */
import { Transaction, type JsonRpcApiProvider, type TransactionReceipt, type Wallet } from "ethers";
import type { Logger } from "pino";
import {
  castVotesCalldata,
  readAdmissionRequests,
  signRawTransaction,
  Zone__factory,
  ZoneAdmissions__factory,
  ZoneSealedBallots__factory,
  ZoneTellers__factory,
  type RawTransactionRequest,
  type SealedVoteRequest,
  type Zone,
} from "../sdk/index.js";
import type { IndexedRelayerConfig } from "./config.js";
import { isUnpayable } from "./errors.js";
import type { ZoneIndexer } from "./indexer.js";
import { SEALED_REJECTIONS } from "../sdk/sealed-votes.js";
import type { RelayerMetrics } from "./metrics.js";
import type { SealedModules } from "./relayer.js";
import type { Batch, RelayerStore, Submission } from "./store.js";
import {
  claimDividendArguments,
  inviteArguments,
  proposeArguments,
  tellersTermOf,
  voteArguments,
  type DividendClaimRequest,
  type InvitationRequest,
  type ProposalRequest,
  type VoteRequest,
} from "./requests.js";

const ZONE_INTERFACE = Zone__factory.createInterface();
const ADMISSIONS_INTERFACE = ZoneAdmissions__factory.createInterface();
const SEALED_INTERFACE = ZoneSealedBallots__factory.createInterface();
/** A sealed proposal's term is looked up in ZoneTellers, whose errors come back through the zone. */
const TELLERS_INTERFACE = ZoneTellers__factory.createInterface();
/** SealedVoteCast(zone indexed, proposalId indexed, nullifier, ciphertexts), SealedVoteRejected(..., nullifier, reason). */
const SEALED_CAST_TOPIC = SEALED_INTERFACE.getEvent("SealedVoteCast").topicHash;
const SEALED_REJECTED_TOPIC = SEALED_INTERFACE.getEvent("SealedVoteRejected").topicHash;
/** ZoneSealedBallots.Rejection.NullifierUsed: another relayer (or the citizen) counted it first. */
const SEALED_NULLIFIER_USED = 2;
/** VoteCast(proposalId indexed, option, nullifier indexed), VoteRejected(proposalId indexed, nullifier indexed, reason). */
const VOTE_CAST_TOPIC = ZONE_INTERFACE.getEvent("VoteCast").topicHash;
const VOTE_REJECTED_TOPIC = ZONE_INTERFACE.getEvent("VoteRejected").topicHash;
/** IZone.VoteRejection, by index, as the status endpoint reports it. */
const VOTE_REJECTIONS = [
  "UnknownProposal: the zone has no such proposal",
  "NotActive: the proposal was no longer open for votes when the batch was mined",
  "InvalidOption: the option is not one of the proposal's",
  "NullifierOutOfRange: the nullifier is not a field element",
  "NullifierUsed: the nullifier was already used",
  "InvalidProof: the zone rejected the proof",
  "Unverified: the batch held invalid proofs and the zone could not check this one within the gas cap",
  "SealedProposal: the proposal is sealed and takes sealed ballots only",
] as const;
/** IZone.VoteRejection.Unverified: not a verdict on the vote, which goes back in the queue. */
const UNVERIFIED = 6;
/** EIP-7825's per-transaction gas cap (Osaka), Zone.TRANSACTION_GAS_CAP: no node takes more. */
const TRANSACTION_GAS_CAP = 1n << 24n;
/**
 * The gas limit of a castVotes batch whose proofs the relayer verified off chain, instead of the
 * node's estimate (which runs every proof check in the EVM, as long as mining it does). Gas used, from
 * bench/results.json gas.castVotes: 332,460 for 1 vote, 895,104 for 8, 5,407,680 for 64 (about
 * 250,000 per batch plus 80,600 per vote). The limit must be higher than that: the batch verifier
 * gives each precompile call twice its price and reverts unless the gas left covers it
 * (BatchVerifierOutOfGas). The least limit that succeeds (the node's estimate, load fixture,
 * relayer/test/vote-gas.test.ts) is 503,096 for 1 vote, 1,173,607 for 8 and 6,526,540 for 64
 * (~407,000 plus ~95,600 per vote), so: 600,000 per batch plus 100,000 per vote, 7.0M at 64 (7%
 * above the estimate there; a first vote on an option writes a fresh tally slot, 17,100 more, a
 * few per batch). Not more: a block is packed by its transactions' limits, and at 8.68M (the
 * former 1M + 120k per vote) a 60M block took 6 batches of 64, fewer votes than the load bench
 * offers a second; at 7.0M it takes 8, the whole default window. Above 64 votes the zone tests
 * parts and may search within the whole cap: 2^24.
 */
export const VOTE_BATCH_GAS = 600_000n;
export const VOTE_GAS = 100_000n;
export function voteBatchGasLimit(votes: number): bigint {
  const limit = VOTE_BATCH_GAS + VOTE_GAS * BigInt(votes);
  return votes > 64 || limit > TRANSACTION_GAS_CAP ? TRANSACTION_GAS_CAP : limit;
}
/** How many transactions may carry a submission before the relayer gives up on it. */
const MAX_TRIES = 3;
/**
 * How many times in a row a node that answers may refuse a pending transaction it does not hold
 * before the relayer gives the transaction up and queues its submissions again, to be sent in a new
 * one (re-estimated, re-signed): a refused transaction never gets mined, so waiting longer would
 * stall the zone's queue for ever.
 */
const MAX_REFUSALS = 5;
/**
 * Refusals that say nothing against the transaction itself: the node is unreachable or failing, or
 * the relayer's account cannot pay (its operator must fund it; a new transaction would fare no
 * better). These never count toward MAX_REFUSALS.
 */
const PASSING_REFUSALS = new Set(["NETWORK_ERROR", "TIMEOUT", "SERVER_ERROR", "INSUFFICIENT_FUNDS"]);
/**
 * While the account cannot pay, a transaction is broadcast again at most this often (not at every
 * step): the node would refuse it the same way until the operator funds the account.
 */
const UNFUNDED_RETRY_MS = 30_000;
/**
 * Least time between the starts of two steps woken by new submissions: at 400 votes a second a
 * full batch of 64 forms every 160 ms, so it leaves at most this late, for a step per 20 ms
 * instead of one per vote.
 */
const WAKE_COALESCE_MS = 20;
/**
 * Least time between two askings, by the timer's steps, whether the node still holds each unmined
 * transaction (eth_getTransactionByHash: the whole transaction back, ~45 kB for 64 votes, which
 * ethers decodes and hashes on the event loop). Asked every poll, 8 batches in flight at a 100 ms
 * poll cost more of the relayer's main thread than taking the votes in. A dropped transaction is
 * rare, and re-broadcast at most this much later; receipts are still read every poll.
 */
const DROP_CHECK_MS = 1000;

/** The fees a transaction is signed with: EIP-1559's, or a gas price. */
type Fees = Pick<RawTransactionRequest, "maxFeePerGas" | "maxPriorityFeePerGas" | "gasPrice">;

/** What one round of following the pending batches asks the node once, not once per batch. */
interface FollowRound {
  /** The key's mined transaction count, read before any receipt of the round. */
  minedCount(): Promise<number>;
  blockNumber(): Promise<number>;
  /** Whether to ask the node if it still holds each unmined transaction (DROP_CHECK_MS). */
  checkDropped: boolean;
  /** Whether to re-sign, with higher fees, one unmined for ZONEDAO_RESEND_AFTER_MS. */
  resend: boolean;
}

export class Submitter {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopping = false;
  #chainId: bigint | undefined;
  readonly #claimCheckedAt = new Map<string, number>();
  /**
   * Per zone, the most votes its next batch may carry, when below ZONEDAO_BATCH_MAX_VOTES: halved
   * after a batch too large to send (its gas estimate failed) or to check whole (votes came back
   * Unverified), doubled after each batch that went through. It reaches 1, and a single vote is
   * always checked, so every vote is eventually counted or rejected with its reason.
   */
  readonly #batchLimit = new Map<string, number>();
  /**
   * Zones whose vote batches get the node's gas estimate again: one held a proof the zone refused
   * (votes came back Unverified or InvalidProof) or a batch sent with the fixed limit reverted. The
   * zone's search for invalid proofs plans for the 2^24 cap, more than the fixed limit.
   */
  readonly #estimateVotes = new Set<string>();
  /** Per zone, when its admission requests were last read (ZONEDAO_ADMIT_INTERVAL_MS). */
  readonly #admissionsReadAt = new Map<string, number>();
  /** Requests found ready at the last reading and not yet sent an `admit`, oldest first. */
  readonly #readyAdmissions: {
    zone: string;
    admissions: string;
    requestId: bigint;
    commitments: bigint[];
  }[] = [];
  /** Per pending batch, how many times in a row the node refused its latest transaction. */
  readonly #refusals = new Map<number, number>();
  /** Pending batches found mined (waiting to be `confirmations` deep): out of the window. */
  readonly #minedNotDeep = new Set<number>();
  /** When the pending batches were last followed (receipts, nonces), and the node's pool asked. */
  #followedAt = 0;
  /**
   * When a broadcast was last refused for want of funds, that refusal (see UNFUNDED_RETRY_MS), and the
   * account's balance then (undefined if it could not be read).
   */
  #unfundedRefusal: { at: number; error: unknown; balance: bigint | undefined } | undefined;
  #droppedCheckedAt = 0;
  /** A submission was accepted while a step ran: run another right after it. */
  #wakeAgain = false;
  /** When the timer's next step is due (Infinity: none scheduled), and when the last step began. */
  #timerAt = Infinity;
  #steppedAt = 0;
  /** The network's fees, read once per step for the transactions it sends (three calls each). */
  #stepFees: Promise<Fees> | undefined;

  constructor(
    private readonly store: RelayerStore,
    private readonly provider: JsonRpcApiProvider,
    private readonly wallet: Wallet,
    private readonly zones: ReadonlyMap<string, Zone>,
    private readonly sealedModules: SealedModules,
    private readonly indexer: ZoneIndexer,
    private readonly config: IndexedRelayerConfig,
    private readonly metrics: RelayerMetrics,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const orphans = this.store.requeueOrphans();
    if (orphans > 0)
      this.logger.warn({ orphans }, "requeued submissions whose transaction was no longer pending");
    this.#schedule(0);
  }

  /**
   * The account's balance when the node last refused a broadcast for want of funds; undefined when
   * none is refused now.
   */
  get balanceAtRefusal(): bigint | undefined {
    return this.#unfundedRefusal?.balance;
  }

  /** The account was funded since the node refused: broadcast again at the next step, not in 30 s. */
  retryUnpaidNow(): void {
    if (this.#unfundedRefusal === undefined) return;
    this.#unfundedRefusal = undefined;
    this.metrics.fundsRefused = false;
    this.wake();
  }

  /** A new submission is queued: step now, which sends a batch if that makes one worth sending. */
  wake(): void {
    if (this.#stopping) return;
    if (this.#running !== undefined) {
      this.#wakeAgain = true;
      return;
    }
    const delay = this.#wakeDelay();
    if (this.#timerAt <= Date.now() + delay) return; // a step is due by then anyway
    this.#schedule(delay);
  }

  /** Steps woken by new submissions start at most every WAKE_COALESCE_MS: one per vote would be waste. */
  #wakeDelay(): number {
    return Math.max(0, this.#steppedAt + WAKE_COALESCE_MS - Date.now());
  }

  /**
   * Stops sending new transactions and waits until those in flight are mined (or, at most,
   * `resendAfterMs`). Queued submissions stay queued for the next start.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    await this.#running;
    const deadline = Date.now() + this.config.resendAfterMs;
    while (this.store.pendingBatches().length > 0 && Date.now() < deadline) {
      try {
        const round = this.#round({ checkDropped: true, resend: false });
        for (const batch of this.store.pendingBatches()) await this.#follow(batch, round);
      } catch (error) {
        this.logger.warn({ err: error }, "could not follow the pending batch while stopping");
      }
      if (this.store.pendingBatches().length > 0) await sleep(Math.min(200, this.config.pollIntervalMs));
    }
  }

  /**
   * Sends the zone's vote batches with the node's gas estimate from now on, as after a batch that
   * held a proof the zone refused (a relayer whose queue may hold unverified proofs; tests).
   */
  estimateVoteGas(zone: string): void {
    this.#estimateVotes.add(zone.toLowerCase());
  }

  /** Runs one step now (tests and shutdown use it to avoid waiting for the timer). */
  async step(options: { flush?: boolean } = {}): Promise<void> {
    await this.#stepNow(options.flush === true, true, true);
  }

  async #stepNow(flush: boolean, follow: boolean, checkDropped: boolean): Promise<void> {
    while (this.#running !== undefined) await this.#running;
    this.#steppedAt = Date.now();
    this.#running = this.#step(flush, follow, checkDropped).finally(() => (this.#running = undefined));
    await this.#running;
  }

  /** A round of following: the node's nonce and block number asked once, when first needed. */
  #round(options: Pick<FollowRound, "checkDropped" | "resend">): FollowRound {
    let minedCount: Promise<number> | undefined;
    let blockNumber: Promise<number> | undefined;
    return {
      ...options,
      minedCount: () => (minedCount ??= this.provider.getTransactionCount(this.wallet.address, "latest")),
      blockNumber: () => (blockNumber ??= this.provider.getBlockNumber()),
    };
  }

  #schedule(delay: number): void {
    clearTimeout(this.#timer);
    this.#timerAt = Date.now() + delay;
    this.#timer = setTimeout(() => {
      this.#timerAt = Infinity;
      if (this.#stopping) return;
      this.#wakeAgain = false;
      // A step woken by new submissions follows the pending batches only if the poll is due.
      this.#stepNow(
        false,
        Date.now() - this.#followedAt >= this.config.pollIntervalMs,
        Date.now() - this.#droppedCheckedAt >= DROP_CHECK_MS,
      )
        .catch((error: unknown) => this.logger.error({ err: error }, "submission step failed; retrying"))
        .finally(() => {
          if (!this.#stopping) this.#schedule(this.#wakeAgain ? this.#wakeDelay() : this.#nextDelay());
        });
    }, delay);
  }

  /** Sooner than the poll interval when a queued vote's batch age runs out before it. */
  #nextDelay(): number {
    const oldest = [...this.store.nextQueued("vote", 1), ...this.store.nextQueued("sealed", 1)].sort(
      (a, b) => a.acceptedAt - b.acceptedAt,
    )[0];
    if (oldest === undefined || this.#unmined() >= this.config.maxInFlight) return this.config.pollIntervalMs;
    const dueIn = oldest.acceptedAt + this.config.batchMaxAgeMs - Date.now();
    return Math.max(0, Math.min(this.config.pollIntervalMs, dueIn));
  }

  /** Pending batches not known to be mined: the window's occupied slots. */
  #unmined(): number {
    return this.store.pendingBatches().filter((batch) => !this.#minedNotDeep.has(batch.id)).length;
  }

  /** Follows the pending batches if `follow`, then sends every transaction worth sending now. */
  async #step(flush: boolean, follow: boolean, checkDropped: boolean): Promise<void> {
    this.#stepFees = undefined;
    if (follow || this.#stopping) {
      this.#followedAt = Date.now();
      if (checkDropped) this.#droppedCheckedAt = Date.now();
      // Independent of each other, so asked at once (ethers puts the calls in one JSON-RPC batch).
      const pending = this.store.pendingBatches();
      const round = this.#round({ checkDropped, resend: true });
      const states = await Promise.all(pending.map((batch) => this.#follow(batch, round)));
      pending.forEach((batch, i) => {
        if (states[i] === "mined") this.#minedNotDeep.add(batch.id);
        else this.#minedNotDeep.delete(batch.id);
      });
    }
    if (this.#stopping) return;
    const nonces = new NoncePlan(this.store, () =>
      this.provider.getTransactionCount(this.wallet.address, "latest"),
    );
    const sent: number[] = [];
    let synced = false;
    for (;;) {
      const hole = await nonces.hasHole();
      if (!hole && this.#unmined() >= this.config.maxInFlight) break;
      const batchId = await this.#sendNext(
        { flush: flush || hole, idle: this.#unmined() === 0 },
        nonces,
        () => {
          // The relayer's timer syncs the index every poll interval: use what it read. Syncing before
          // a batch (a block, logs, each open proposal's view: ~7 calls in a row) held every batch
          // back while intake kept the event loop busy, and a vote whose proposal closed since the
          // timer's sync is rejected by the zone all the same (NotActive). A step asked to flush syncs.
          if (synced || !flush) return Promise.resolve();
          synced = true;
          return this.indexer.sync();
        },
      );
      if (batchId === false) {
        // Nothing worth sending; a hole below transactions in flight is filled all the same.
        if (hole) {
          this.logger.warn("a given-up transaction left a nonce unused below others in flight; filling it");
          const filler = await this.#send(this.wallet.address, "fill", [], "0x", nonces);
          if (filler !== undefined) sent.push(filler);
        }
        break;
      }
      if (batchId !== undefined) sent.push(batchId);
      // While votes keep coming this loop could send for seconds: the pending batches' receipts
      // must still be read every poll interval, or their slots stay taken. The next step follows.
      if (Date.now() - this.#followedAt >= this.config.pollIntervalMs) {
        this.#wakeAgain = true;
        break;
      }
    }
    // Mined already (a node that mines on arrival): settle now rather than at the next poll.
    for (const batchId of sent) {
      const batch = this.store.pendingBatches().find((pending) => pending.id === batchId);
      if (batch !== undefined && (await this.#receipt(batch)) !== undefined) {
        const round = this.#round({ checkDropped: false, resend: false });
        if ((await this.#follow(batch, round)) === "mined") this.#minedNotDeep.add(batch.id);
      }
    }
  }

  /**
   * Sends the next transaction worth sending: a proposal, an invitation, a dividend claim, else a
   * batch of votes if full or due (or `flush`), else, when `idle` (nothing in flight), an admit or a
   * refund claim. Returns the batch sent; undefined if it sent none but the queue moved (votes
   * settled without a transaction, or refused before sending: step again); false if nothing is
   * worth sending now.
   */
  async #sendNext(
    { flush, idle }: { flush: boolean; idle: boolean },
    nonces: NoncePlan,
    sync: () => Promise<void>,
  ): Promise<number | undefined | false> {
    const [proposal] = this.store.nextQueued("proposal", 1);
    if (proposal !== undefined) return this.#sendProposal(proposal, nonces);
    const [invitation] = this.store.nextQueued("invitation", 1);
    if (invitation !== undefined) return this.#sendInvitation(invitation, nonces);
    const [dividend] = this.store.nextQueued("dividend", 1);
    if (dividend !== undefined) return this.#sendDividendClaim(dividend, nonces);
    const votes = this.store.nextQueued("vote", this.config.batchMaxVotes);
    const [oldest] = votes;
    if (oldest !== undefined) {
      const limit = this.#batchLimit.get(oldest.zone) ?? this.config.batchMaxVotes;
      const full = votes.length >= limit;
      const due = Date.now() - oldest.acceptedAt >= this.config.batchMaxAgeMs;
      if (!(full || due || flush)) return false;
      await sync();
      return this.#sendVotes(oldest.zone, votes.slice(0, limit), nonces);
    }
    // One proposal a castSealedVotes: the oldest queued ballot's.
    const [oldestSealed] = this.store.nextQueued("sealed", 1);
    if (oldestSealed !== undefined) {
      const ballots = this.store
        .nextQueued("sealed", this.config.batchMaxVotes * 4)
        .filter((ballot) => ballot.proposalId === oldestSealed.proposalId)
        .slice(0, this.config.batchMaxVotes);
      const full = ballots.length >= this.config.batchMaxVotes;
      const due = Date.now() - oldestSealed.acceptedAt >= this.config.batchMaxAgeMs;
      if (!(full || due || flush)) return false;
      await sync();
      return this.#sendSealedVotes(oldestSealed.zone, oldestSealed.proposalId!, ballots, nonces);
    }
    if (!idle) return false;
    const admitted = await this.#admitReady(nonces);
    if (admitted !== undefined) return admitted;
    return (await this.#claimRefunds(nonces)) ?? false;
  }

  // --- sending -------------------------------------------------------------------------------------

  /**
   * A vote's nullifier is not asked of the chain again here: intake found it unused, and one used
   * since (another relayer or the citizen counted the vote first) costs a skip in the batch (its
   * calldata, one storage read and `VoteRejected(NullifierUsed)`), from which the receipt settles it confirmed with the
   * transaction that counted it. Asking cost 64 calls before every batch, on the relayer's event
   * loop and the node, to save that gas in a race that is rare.
   */
  async #sendVotes(zoneAddress: string, votes: Submission[], nonces: NoncePlan): Promise<number | undefined> {
    const sendable: Submission[] = [];
    // Read once per proposal, not once per vote.
    const proposals = new Map<string, ReturnType<ZoneIndexer["proposal"]>>();
    for (const vote of votes) {
      const id = vote.proposalId ?? "";
      if (!proposals.has(id)) proposals.set(id, this.indexer.proposal(zoneAddress, id));
      const proposal = proposals.get(id);
      // Gas spent on a vote the zone will skip is wasted: settle the hopeless ones here.
      if (proposal !== undefined && proposal.voteEnd <= this.indexer.chainTime) {
        this.#settle(vote, { status: "rejected", reason: VOTE_REJECTIONS[1] });
      } else {
        sendable.push(vote);
      }
    }
    if (sendable.length === 0) return undefined;
    // Grouped by proposal, each part the zone tests holds one tree depth and each tally is written
    // once: the zone's search for an invalid proof then decides every vote within the gas cap.
    sendable.sort((a, b) => Number(BigInt(a.proposalId ?? 0) - BigInt(b.proposalId ?? 0)));
    const request = sendable.map((vote) => voteArguments(JSON.parse(vote.payload) as VoteRequest));
    const data = castVotesCalldata(request);
    return this.#send(zoneAddress, "vote", sendable, data, nonces);
  }

  /**
   * A castSealedVotes of one proposal's ballots, sent to the zone's sealed ballots module (the
   * batch's `zone` is the module, whose events settle it). Its gas is the node's estimate: sealed
   * ballots are few next to open votes, and the estimate needs no table of their cost.
   */
  async #sendSealedVotes(
    zoneAddress: string,
    proposalId: string,
    ballots: Submission[],
    nonces: NoncePlan,
  ): Promise<number | undefined> {
    const proposal = this.indexer.proposal(zoneAddress, proposalId);
    if (proposal !== undefined && proposal.voteEnd <= this.indexer.chainTime) {
      for (const ballot of ballots) this.#settle(ballot, { status: "rejected", reason: VOTE_REJECTIONS[1] });
      return undefined;
    }
    const module = this.sealedModules.get(zoneAddress);
    if (module === undefined) throw new Error(`zone ${zoneAddress} has no sealed ballots module`);
    const data = SEALED_INTERFACE.encodeFunctionData("castSealedVotes", [
      zoneAddress,
      BigInt(proposalId),
      ballots.map((ballot) => {
        const request = JSON.parse(ballot.payload) as SealedVoteRequest;
        return {
          nullifier: BigInt(request.nullifier),
          ciphertexts: request.ciphertexts.map(BigInt),
          points: request.proof.map(BigInt),
        };
      }),
    ]);
    return this.#send(module.address, "sealed", ballots, data, nonces);
  }

  #sendProposal(submission: Submission, nonces: NoncePlan): Promise<number | undefined> {
    const request = JSON.parse(submission.payload) as ProposalRequest;
    const tellersTerm = tellersTermOf(request);
    const data =
      tellersTerm === undefined
        ? ZONE_INTERFACE.encodeFunctionData("propose", [...proposeArguments(request)])
        : ZONE_INTERFACE.encodeFunctionData("proposeSealed", [...proposeArguments(request), tellersTerm]);
    return this.#send(submission.zone, "proposal", [submission], data, nonces);
  }

  #sendInvitation(submission: Submission, nonces: NoncePlan): Promise<number | undefined> {
    const request = JSON.parse(submission.payload) as InvitationRequest;
    const data = ZONE_INTERFACE.encodeFunctionData("invite", [...inviteArguments(request)]);
    return this.#send(submission.zone, "invitation", [submission], data, nonces);
  }

  #sendDividendClaim(submission: Submission, nonces: NoncePlan): Promise<number | undefined> {
    const request = JSON.parse(submission.payload) as DividendClaimRequest;
    const data = ZONE_INTERFACE.encodeFunctionData("claimDividend", [...claimDividendArguments(request)]);
    return this.#send(submission.zone, "dividend", [submission], data, nonces);
  }

  /**
   * When nothing else waits: reads each served zone's admission requests at most every
   * ZONEDAO_ADMIT_INTERVAL_MS and sends one `admit` per step for each request whose delay is over
   * (not rejected, not admitted yet). The `admit` is a batch like any other (stored, followed,
   * re-sent); its `zone` is the admissions contract it is sent to. Returns the batch if it sent one.
   */
  async #admitReady(nonces: NoncePlan): Promise<number | undefined> {
    if (this.config.admitIntervalMs === 0) return undefined;
    for (const [address, zone] of this.zones) {
      if (this.#readyAdmissions.length > 0) break;
      if (Date.now() - (this.#admissionsReadAt.get(address) ?? 0) < this.config.admitIntervalMs) continue;
      this.#admissionsReadAt.set(address, Date.now());
      const admissions = await zone.ADMISSIONS();
      for (const request of await readAdmissionRequests(zone, { fromBlock: this.config.fromBlock })) {
        if (request.status !== "ready") continue;
        const { requestId, identityCommitments: commitments } = request;
        this.#readyAdmissions.push({ zone: address, admissions, requestId, commitments });
      }
    }
    const next = this.#readyAdmissions.shift();
    if (next === undefined) return undefined;
    this.logger.info({ zone: next.zone, requestId: String(next.requestId) }, "admitting a ready request");
    const data = ADMISSIONS_INTERFACE.encodeFunctionData("admit", [
      next.zone,
      next.requestId,
      next.commitments,
    ]);
    // Sent or refused before sending (then dropped): either way the step goes on to the next.
    return (await this.#send(next.admissions, "admit", [], data, nonces)) ?? (await this.#admitReady(nonces));
  }

  /**
   * Signs, stores, then broadcasts one transaction carrying `submissions`, with the next nonce of
   * `nonces`. Returns its batch, or undefined if it was not sent (refused before sending: its
   * submissions are settled or queued again).
   */
  async #send(
    zone: string,
    kind: Batch["kind"],
    submissions: Submission[],
    data: string,
    nonces: NoncePlan,
  ): Promise<number | undefined> {
    let gasLimit: bigint;
    try {
      if (kind === "vote" && !this.#estimateVotes.has(zone.toLowerCase())) {
        // Every proof was verified off chain at intake: the zone's known cost, no estimate.
        gasLimit = voteBatchGasLimit(submissions.length);
      } else
        gasLimit =
          ((await this.provider.estimateGas({ from: this.wallet.address, to: zone, data })) * 12n) / 10n;
      // A fifth more than the estimate, but never above the cap: a batch estimated near it would
      // otherwise be refused by every node, and stay pending, re-broadcast for ever. The estimate
      // itself is below the cap (else it failed), and castVotes plans its search for the cap, not
      // the gas left, so the cap is all it needs.
      if (gasLimit > TRANSACTION_GAS_CAP) gasLimit = TRANSACTION_GAS_CAP;
    } catch (error) {
      const reason = revertReason(error);
      if (reason !== undefined) {
        await this.#refusedBeforeSending(kind, submissions, reason);
        return undefined;
      }
      // No revert data: the node failed, or the transaction needs more gas than a transaction may
      // have. A node that still answers tells them apart; a down one throws: try again next step.
      await this.provider.getBlockNumber();
      if (kind !== "vote") throw error;
      this.#tooLargeToSend(zone, submissions, error);
      return undefined;
    }
    const nonce = await nonces.next();
    // Signed here, not by ethers' Wallet, which takes ~20 ms of the event loop for a batch of 64.
    const { rawTransaction, txHash } = signRawTransaction(this.wallet.signingKey, {
      to: zone,
      data,
      nonce,
      gasLimit,
      chainId: await this.#chain(),
      ...(await (this.#stepFees ??= this.#fees())),
    });
    const batchId = this.store.createBatch(
      { zone, kind, nonce, txHash, rawTransaction },
      submissions.map((submission) => submission.nullifier),
    );
    this.metrics.batchSent(submissions.length);
    this.logger.info({ batchId, kind, zone, size: submissions.length, txHash, nonce }, "sending transaction");
    await this.#broadcast(rawTransaction);
    return batchId;
  }

  /**
   * Broadcasts a signed transaction; returns the node's refusal, if it refused it. Sent as is:
   * ethers' broadcastTransaction parses it again to recover its sender (~25 ms for a batch of 64);
   * the node's refusals come back with the same codes (INSUFFICIENT_FUNDS...) either way.
   */
  async #broadcast(rawTransaction: string): Promise<unknown> {
    const unpaid = this.#unfundedRefusal;
    if (unpaid !== undefined && Date.now() - unpaid.at < UNFUNDED_RETRY_MS) return unpaid.error;
    try {
      await this.provider.send("eth_sendRawTransaction", [rawTransaction]);
      this.#unfundedRefusal = undefined;
      this.metrics.fundsRefused = false;
      return undefined;
    } catch (error) {
      if (isUnpayable(error)) {
        if (unpaid === undefined) {
          this.logger.error(
            { err: error },
            "the relayer's account cannot pay for its transaction: fund it (health answers 503 until then; " +
              `submissions wait, none is lost; broadcast again every ${UNFUNDED_RETRY_MS / 1000} s)`,
          );
        }
        const balance = await this.provider.getBalance(this.wallet.address).catch(() => undefined);
        this.#unfundedRefusal = { at: Date.now(), error, balance };
        this.metrics.fundsRefused = true;
        return error;
      }
      // "already known", "nonce too low", a node that is down: the batch stays pending and the next
      // step finds out from receipts and nonces what happened.
      this.logger.warn({ err: error }, "broadcast failed; the pending batch will be checked again");
      return error;
    }
  }

  async #fees(): Promise<Fees> {
    const fees = await this.provider.getFeeData();
    const cap = this.config.maxFeePerGas;
    const capped = (fee: bigint) => (cap !== undefined && fee > cap ? cap : fee);
    if (fees.maxFeePerGas !== null && fees.maxPriorityFeePerGas !== null) {
      const maxFeePerGas = capped(fees.maxFeePerGas);
      const priority = fees.maxPriorityFeePerGas > maxFeePerGas ? maxFeePerGas : fees.maxPriorityFeePerGas;
      return { maxFeePerGas, maxPriorityFeePerGas: priority };
    }
    if (fees.gasPrice === null) throw new Error("the RPC reports no gas price");
    return { gasPrice: capped(fees.gasPrice) };
  }

  async #chain(): Promise<bigint> {
    this.#chainId ??= (await this.provider.getNetwork()).chainId;
    return this.#chainId;
  }

  // --- following ---------------------------------------------------------------------------------

  /**
   * Moves a pending batch on; says whether it is still unmined (or now settled, or mined). The
   * key's mined count is read first, once per round: a batch at or above it is not mined (one mined
   * since is seen next round), so only the batches below it have their receipts read.
   */
  async #follow(batch: Batch, round: FollowRound): Promise<"settled" | "mined" | "unmined"> {
    const minedCount = await round.minedCount();
    if (batch.nonce < minedCount) {
      const receipt = await this.#receipt(batch);
      if (receipt === undefined) {
        // The nonce is used by none of our versions: their submissions go back to the queue.
        this.logger.warn(
          { batchId: batch.id, nonce: batch.nonce },
          "nonce taken by another transaction; requeueing",
        );
        this.store.finishBatch(batch.id, "failed");
        return "settled";
      }
      // Mined, but not settled until it is `confirmations` deep: if a reorg takes it out first,
      // the receipt goes away and the steps below send it again.
      if ((await round.blockNumber()) - receipt.blockNumber + 1 < this.config.confirmations) {
        return "mined";
      }
      await this.#applyReceipt(batch, receipt);
      return "settled";
    }
    const latest = batch.attempts.at(-1);
    if (latest === undefined) {
      this.store.finishBatch(batch.id, "failed");
      return "settled";
    }
    if (!round.checkDropped) return "unmined";
    // Asked raw: whether the node holds it, not ethers' decoding of its 45 kB.
    const known = (await this.provider.send("eth_getTransactionByHash", [latest.txHash])) !== null;
    if (!known) {
      // Dropped from the node's pool, or never sent (the process died first): send it (again).
      // Raising fees would not help a transaction the node does not even hold.
      const refusal = await this.#broadcast(latest.rawTransaction);
      if (this.#refusedForGood(batch, refusal)) return "settled";
    } else if (round.resend && Date.now() - latest.sentAt >= this.config.resendAfterMs) {
      await this.#resend(batch, latest.rawTransaction);
    }
    return "unmined";
  }

  /**
   * Counts the node's refusal of a pending batch's transaction (it does not hold it, and its nonce is
   * unused); after MAX_REFUSALS in a row, gives the batch up: its submissions go back to the queue,
   * to be sent in a new transaction. Says whether it gave up.
   */
  #refusedForGood(batch: Batch, refusal: unknown): boolean {
    const code = (refusal as { code?: unknown } | undefined)?.code;
    if (refusal === undefined || PASSING_REFUSALS.has(String(code))) {
      this.#refusals.delete(batch.id);
      return false;
    }
    const refusals = (this.#refusals.get(batch.id) ?? 0) + 1;
    if (refusals < MAX_REFUSALS) {
      this.#refusals.set(batch.id, refusals);
      return false;
    }
    this.#refusals.delete(batch.id);
    this.logger.error(
      { batchId: batch.id, nonce: batch.nonce, err: refusal },
      `the node refused the transaction ${MAX_REFUSALS} times; sending its submissions in a new one`,
    );
    this.store.finishBatch(batch.id, "failed");
    return true;
  }

  async #receipt(batch: Batch): Promise<TransactionReceipt | undefined> {
    for (const attempt of [...batch.attempts].reverse()) {
      const receipt = await this.provider.getTransactionReceipt(attempt.txHash);
      if (receipt !== null) return receipt;
    }
    return undefined;
  }

  /**
   * Re-signs a transaction the node holds but has not mined for too long, with fees raised by a
   * quarter (nodes ask >= 10%), never above ZONEDAO_MAX_FEE_GWEI: at the cap it just waits.
   */
  async #resend(batch: Batch, rawTransaction: string): Promise<void> {
    const previous = Transaction.from(rawTransaction);
    const current = await this.#fees();
    const cap = this.config.maxFeePerGas;
    const previousFee = previous.type === 2 ? previous.maxFeePerGas : previous.gasPrice;
    if (cap !== undefined && previousFee !== null && previousFee >= cap) {
      this.logger.warn({ batchId: batch.id, cap: String(cap) }, "transaction waits at the fee cap");
      return;
    }
    const bump = (fee: bigint | null | undefined, floor: bigint | null | undefined) => {
      let raised = ((fee ?? 0n) * 5n) / 4n + 1n;
      if (floor !== undefined && floor !== null && floor > raised) raised = floor;
      return cap !== undefined && raised > cap ? cap : raised;
    };
    const { rawTransaction: raw, txHash } = signRawTransaction(this.wallet.signingKey, {
      to: previous.to!,
      data: previous.data,
      nonce: previous.nonce,
      gasLimit: previous.gasLimit,
      chainId: previous.chainId,
      ...(previous.type === 2
        ? {
            maxFeePerGas: bump(previous.maxFeePerGas, current.maxFeePerGas),
            maxPriorityFeePerGas: bump(previous.maxPriorityFeePerGas, current.maxPriorityFeePerGas),
          }
        : { gasPrice: bump(previous.gasPrice, current.gasPrice) }),
    });
    this.store.addAttempt(batch.id, txHash, raw);
    this.logger.warn({ batchId: batch.id, txHash, nonce: previous.nonce }, "re-sending with higher fees");
    await this.#broadcast(raw);
  }

  /**
   * A batch of votes whose gas the node could not estimate, with no revert to say why (castVotes
   * skips bad votes, so mostly: above the gas cap). Split it; a single vote counts a try, and after
   * MAX_TRIES it is rejected with the node's message, so no batch is retried forever.
   */
  #tooLargeToSend(zone: string, votes: Submission[], error: unknown): void {
    if (votes.length > 1) {
      const limit = Math.floor(votes.length / 2);
      this.#batchLimit.set(zone, limit);
      this.logger.warn(
        { zone, size: votes.length, limit, err: error },
        "batch could not be estimated; splitting",
      );
      return;
    }
    // ethers wraps the node's JSON-RPC error (as "missing revert data"): keep the node's words.
    const { info, shortMessage } = error as {
      info?: { error?: { message?: unknown } };
      shortMessage?: unknown;
    };
    const said = String(info?.error?.message ?? shortMessage ?? error);
    this.#retryOrReject(votes[0]!, `castVotes cannot be sent: its gas estimate failed (${said})`);
  }

  /** After a mined batch of votes: halve the zone's batches if some came back Unverified, else grow them. */
  #adjustBatchLimit(zone: string, size: number, unverified: number): void {
    if (unverified > 0) {
      const limit = Math.max(1, Math.floor(size / 2));
      this.#batchLimit.set(zone, limit);
      this.logger.warn({ zone, size, unverified, limit }, "votes came back Unverified; splitting batches");
      return;
    }
    const limit = (this.#batchLimit.get(zone) ?? this.config.batchMaxVotes) * 2;
    if (limit >= this.config.batchMaxVotes) this.#batchLimit.delete(zone);
    else this.#batchLimit.set(zone, limit);
  }

  /** Settles every submission of a mined batch from the zone's events, in one commit. */
  async #applyReceipt(batch: Batch, receipt: TransactionReceipt): Promise<void> {
    const submissions = this.store.batchSubmissions(batch.id);
    const counted = new Map<string, true>();
    const rejected = new Map<string, number>();
    let createdProposal: string | undefined;
    let requestedAdmission: string | undefined;
    for (const log of receipt.logs) {
      if (batch.kind === "invitation") {
        // Emitted by the zone's admissions contract, not the zone.
        const admission = ADMISSIONS_INTERFACE.parseLog(log);
        if (admission?.name === "AdmissionRequested") requestedAdmission = String(admission.args.requestId);
      }
      if (log.address.toLowerCase() !== batch.zone.toLowerCase()) continue;
      // A batch's 64 vote events read from their topics: ethers' parseLog hashes the event's
      // signature again for every log it parses.
      const [topic, , nullifierTopic] = log.topics;
      if (topic === VOTE_CAST_TOPIC) {
        counted.set(BigInt(nullifierTopic!).toString(), true);
        continue;
      }
      if (topic === VOTE_REJECTED_TOPIC) {
        rejected.set(BigInt(nullifierTopic!).toString(), Number(BigInt(log.data)));
        continue;
      }
      // The sealed ballots module's: the nullifier is the data's first word, then the ciphertexts
      // or the reason.
      if (topic === SEALED_CAST_TOPIC) {
        counted.set(BigInt(log.data.slice(0, 66)).toString(), true);
        continue;
      }
      if (topic === SEALED_REJECTED_TOPIC) {
        rejected.set(
          BigInt(log.data.slice(0, 66)).toString(),
          Number(BigInt(`0x${log.data.slice(66, 130)}`)),
        );
        continue;
      }
      const event = ZONE_INTERFACE.parseLog(log);
      if (event?.name === "ProposalCreated") createdProposal = String(event.args.proposalId);
    }
    // Votes another relayer counted first: find their transaction before writing anything.
    const countedElsewhere = new Map<string, { txHash: string | null; blockNumber: number | null }>();
    for (const submission of submissions) {
      if (rejected.get(submission.nullifier) === 4) {
        countedElsewhere.set(submission.nullifier, await this.#whereCounted(submission));
      }
    }
    const onChain = { txHash: receipt.hash, blockNumber: receipt.blockNumber };
    // A batch with the fixed gas limit that reverted (out of gas searching for invalid proofs):
    // not the votes' fault; they go back without a try, and the zone's batches are estimated.
    const fixedLimitReverted =
      batch.kind === "vote" && receipt.status !== 1 && !this.#estimateVotes.has(batch.zone.toLowerCase());
    if (
      batch.kind === "vote" &&
      [...rejected.values()].some((reason) => reason === 5 || reason === UNVERIFIED)
    ) {
      this.#estimateVotes.add(batch.zone.toLowerCase());
    }
    if (fixedLimitReverted) {
      this.#estimateVotes.add(batch.zone.toLowerCase());
      this.logger.warn(
        { zone: batch.zone, txHash: receipt.hash },
        "a vote batch reverted; estimating its gas from now on",
      );
    }
    this.store.transaction(() => {
      for (const submission of submissions) {
        if (fixedLimitReverted) {
          this.#settle(submission, { status: "queued" });
        } else if (receipt.status !== 1) {
          this.#retryOrReject(submission, `the transaction ${receipt.hash} reverted`);
        } else if (submission.kind === "proposal") {
          this.#settle(submission, { status: "confirmed", ...onChain, proposalId: createdProposal });
        } else if (submission.kind === "invitation") {
          this.#settle(submission, { status: "confirmed", ...onChain, proposalId: requestedAdmission });
        } else if (submission.kind === "dividend") {
          // The transaction did not revert: claimDividend paid the recipient (DividendClaimed).
          this.#settle(submission, { status: "confirmed", ...onChain });
        } else if (counted.has(submission.nullifier)) {
          this.#settle(submission, { status: "confirmed", ...onChain });
        } else if (
          submission.kind === "sealed" &&
          rejected.get(submission.nullifier) === SEALED_NULLIFIER_USED
        ) {
          // Counted by another relayer's (or the citizen's) batch first: where is not looked up.
          this.#settle(submission, { status: "confirmed" });
        } else if (submission.kind === "sealed" && rejected.has(submission.nullifier)) {
          const reason = SEALED_REJECTIONS[rejected.get(submission.nullifier)!] ?? "rejected by the module";
          this.#settle(submission, { status: "rejected", reason, ...onChain });
        } else if (countedElsewhere.has(submission.nullifier)) {
          this.#settle(submission, { status: "confirmed", ...countedElsewhere.get(submission.nullifier)! });
        } else if (rejected.get(submission.nullifier) === UNVERIFIED) {
          // Not the vote's fault: it goes back in the queue, for a smaller batch, without a try.
          this.#settle(submission, { status: "queued" });
        } else if (rejected.has(submission.nullifier)) {
          const reason = VOTE_REJECTIONS[rejected.get(submission.nullifier)!] ?? "rejected by the zone";
          this.#settle(submission, { status: "rejected", reason, ...onChain });
        } else {
          this.#retryOrReject(
            submission,
            `the zone did not report vote ${submission.nullifier} in ${receipt.hash}`,
          );
        }
      }
      this.store.finishBatch(batch.id, "mined");
    });
    this.metrics.gasSpent(receipt.gasUsed, receipt.gasUsed * (receipt.gasPrice ?? 0n));
    this.logger.info(
      {
        batchId: batch.id,
        txHash: receipt.hash,
        block: receipt.blockNumber,
        gasUsed: String(receipt.gasUsed),
      },
      "transaction mined",
    );
    if (batch.kind === "vote") {
      // New credit may have come with these votes: look at the zone's refund again.
      this.#claimCheckedAt.delete(batch.zone);
      if (receipt.status === 1) {
        const unverified = [...rejected.values()].filter((reason) => reason === UNVERIFIED).length;
        this.#adjustBatchLimit(batch.zone, submissions.length, unverified);
      }
    }
    if (batch.kind === "admit" && receipt.status !== 1) {
      this.logger.warn({ admissions: batch.zone, txHash: receipt.hash }, "an admit reverted");
    }
    if (batch.kind === "claim") {
      if (receipt.status === 1) this.logger.info({ zone: batch.zone }, "claimed the zone's relayer refund");
      else this.logger.warn({ zone: batch.zone, txHash: receipt.hash }, "the refund claim reverted");
    }
  }

  /**
   * When nothing else waits, claims each zone's relayer refund whose credit has reached
   * ZONEDAO_CLAIM_REFUND_ABOVE_WEI. The claim is a batch like any other (stored, followed, re-sent),
   * so it never holds a nonce the batches cannot see. A zone is looked at again after each batch of
   * votes in it, or after a minute.
   */
  async #claimRefunds(nonces: NoncePlan): Promise<number | undefined> {
    if (this.config.claimRefundAboveWei === 0n) return undefined;
    for (const [address, zone] of this.zones) {
      if (Date.now() - (this.#claimCheckedAt.get(address) ?? 0) < 60_000) continue;
      this.#claimCheckedAt.set(address, Date.now());
      const credit = await zone.relayerCredit(this.wallet.address);
      if (credit < this.config.claimRefundAboveWei) continue;
      this.metrics.refundClaimed(credit);
      return this.#send(
        address,
        "claim",
        [],
        ZONE_INTERFACE.encodeFunctionData("claimRelayerRefund"),
        nonces,
      );
    }
    return undefined;
  }

  /** What to do with submissions whose transaction the zone refuses even before it is sent. */
  async #refusedBeforeSending(kind: Batch["kind"], submissions: Submission[], reason: string): Promise<void> {
    if (kind === "claim") {
      this.logger.warn({ reason }, "the zone refuses the refund claim now; will look again later");
      return;
    }
    if (kind === "admit") {
      // Admitted by someone else first, or rejected by the citizens since it was read.
      this.logger.info({ reason }, "the admission request can no longer be admitted");
      return;
    }
    for (const submission of submissions) {
      if (kind === "vote") {
        // castVotes skips bad votes instead of reverting: a revert is the node's or the moment's.
        this.#retryOrReject(submission, `castVotes would revert: ${reason}`);
      } else if (kind === "sealed") {
        // castSealedVotes reverts for the proposal, not a ballot: it is no longer Active.
        if (reason.startsWith("SealedWrongProposalState"))
          this.#settle(submission, { status: "rejected", reason });
        else this.#retryOrReject(submission, `castSealedVotes would revert: ${reason}`);
      } else if (kind === "dividend") {
        // A used nullifier means this citizen's claim on the round was already paid (by another
        // relayer or by the citizen); otherwise the deadline passed or the round ran out.
        if (reason.startsWith("ZoneNullifierAlreadyUsed")) this.#settle(submission, { status: "confirmed" });
        else this.#settle(submission, { status: "rejected", reason });
      } else if (kind === "invitation") {
        // The chain moved on since it was accepted (a new epoch, an old root, the slot rule
        // changed), or another relayer landed the same invitation first (its nullifier is used).
        this.#settle(submission, { status: "rejected", reason });
      } else if (reason.startsWith("ZoneNullifierAlreadyUsed")) {
        // Another relayer (or the citizen) landed this very proposal first.
        await this.indexer.sync();
        const landed = this.store.proposalByNullifier(submission.zone, submission.nullifier);
        if (landed !== undefined) this.#settle(submission, { status: "confirmed", proposalId: landed.id });
        else this.#settle(submission, { status: "rejected", reason });
      } else {
        // propose reverts when the chain moved on since it was accepted (a new epoch, a root
        // replaced over an hour ago).
        this.#settle(submission, { status: "rejected", reason });
      }
    }
  }

  async #whereCounted(vote: Submission): Promise<{ txHash: string | null; blockNumber: number | null }> {
    try {
      const cast = await this.indexer.findVoteCast(vote.zone, vote.proposalId ?? "0", vote.nullifier);
      if (cast !== undefined) return cast;
    } catch (error) {
      this.logger.warn(
        { err: error, nullifier: vote.nullifier },
        "could not find the transaction that counted a vote",
      );
    }
    return { txHash: null, blockNumber: null };
  }

  #retryOrReject(submission: Submission, reason: string): void {
    if (this.store.recordFailure(submission.nullifier) < MAX_TRIES) {
      this.#settle(submission, { status: "queued" });
    } else {
      this.#settle(submission, { status: "rejected", reason: `${reason} (${MAX_TRIES} tries)` });
    }
  }

  #settle(
    submission: Submission,
    outcome: Parameters<RelayerStore["settle"]>[1] & { status: "confirmed" | "rejected" | "queued" },
  ): void {
    this.store.settle(submission.nullifier, outcome);
    if (outcome.status !== "queued") {
      this.metrics.settled(outcome.status === "confirmed" ? "confirmed" : `rejected`);
    }
  }

  #zone(address: string): Zone {
    const zone = this.zones.get(address);
    if (zone === undefined) throw new Error(`zone ${address} is not served by this relayer`);
    return zone;
  }
}

/**
 * The nonces of one step's transactions, numbered by the relayer itself: the lowest nonce no
 * pending batch holds, from the floor up (the chain's mined count for the key, or one above the
 * store's highest mined batch if that is more). The node's pending count is not used: it races with
 * the relayer's own broadcasts (a transaction stored but not yet seen by the node) and after a
 * restart. A nonce below a pending batch's that nobody holds is a hole: a given-up transaction's,
 * which the next transaction fills so that those after it can be mined.
 */
class NoncePlan {
  #floor: Promise<number> | undefined;

  constructor(
    private readonly store: RelayerStore,
    private readonly minedCount: () => Promise<number>,
  ) {}

  /** The nonce for the next transaction (recorded once its batch is stored, as pending). */
  async next(): Promise<number> {
    const taken = new Set(this.store.pendingBatches().map((batch) => batch.nonce));
    let nonce = await this.#base();
    while (taken.has(nonce)) nonce++;
    return nonce;
  }

  /** Whether a nonce below a pending batch's is held by no transaction (asks the node only then). */
  async hasHole(): Promise<boolean> {
    const pending = this.store
      .pendingBatches()
      .map((batch) => batch.nonce)
      .sort((a, b) => a - b);
    if (pending.length === 0) return false;
    // Consecutive from the store's floor: no hole, whatever the node says.
    const contiguous = pending.every((nonce, i) => i === 0 || nonce === pending[i - 1]! + 1);
    if (contiguous && pending[0] === this.store.nonceFloor()) return false;
    return (await this.next()) < pending.at(-1)!;
  }

  #base(): Promise<number> {
    this.#floor ??= this.minedCount().then((mined) => Math.max(mined, this.store.nonceFloor()));
    return this.#floor;
  }
}

/** The zone's custom error behind a failed call, as "Name(arg, ...)", if the error carries one. */
export function revertReason(error: unknown): string | undefined {
  const data = (error as { data?: unknown }).data;
  if (typeof data !== "string" || data.length < 10) return undefined;
  // An invitation's revert may come from the zone's admissions contract (its slot rule).
  const parsed =
    ZONE_INTERFACE.parseError(data) ??
    ADMISSIONS_INTERFACE.parseError(data) ??
    SEALED_INTERFACE.parseError(data) ??
    TELLERS_INTERFACE.parseError(data);
  if (parsed === null) return undefined;
  return `${parsed.name}(${parsed.args.map(String).join(", ")})`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
