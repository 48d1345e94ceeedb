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
 * VoteRejected(NullifierUsed)), so "at least once" here makes "exactly once" on chain.
 *
 * One unmined transaction at a time: its nonce is the account's pending nonce when it is made, and
 * re-sent versions (higher fees after `resendAfterMs`) reuse it. Mined ones wait to be
 * `confirmations` deep before their submissions are settled, while the next batches go out.
 */
import {
  Transaction,
  keccak256,
  type Provider,
  type TransactionReceipt,
  type TransactionRequest,
  type Wallet,
} from "ethers";
import type { Logger } from "pino";
import { readAdmissionRequests, Zone__factory, ZoneAdmissions__factory, type Zone } from "../sdk/index.js";
import type { RelayerConfig } from "./config.js";
import type { ZoneIndexer } from "./indexer.js";
import type { RelayerMetrics } from "./metrics.js";
import type { Batch, RelayerStore, Submission } from "./store.js";
import {
  claimDividendArguments,
  inviteArguments,
  proposeArguments,
  voteArguments,
  type DividendClaimRequest,
  type InvitationRequest,
  type ProposalRequest,
  type VoteRequest,
} from "./requests.js";

const ZONE_INTERFACE = Zone__factory.createInterface();
const ADMISSIONS_INTERFACE = ZoneAdmissions__factory.createInterface();
/** IZone.VoteRejection, by index, as the status endpoint reports it. */
const VOTE_REJECTIONS = [
  "UnknownProposal: the zone has no such proposal",
  "NotActive: the proposal was no longer open for votes when the batch was mined",
  "InvalidOption: the option is not one of the proposal's",
  "NullifierOutOfRange: the nullifier is not a field element",
  "NullifierUsed: the nullifier was already used",
  "InvalidProof: the zone rejected the proof",
  "Unverified: the batch held invalid proofs and the zone could not check this one within the gas cap",
] as const;
/** IZone.VoteRejection.Unverified: not a verdict on the vote, which goes back in the queue. */
const UNVERIFIED = 6;
/** EIP-7825's per-transaction gas cap (Osaka), Zone.TRANSACTION_GAS_CAP: no node takes more. */
const TRANSACTION_GAS_CAP = 1n << 24n;
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

  constructor(
    private readonly store: RelayerStore,
    private readonly provider: Provider,
    private readonly wallet: Wallet,
    private readonly zones: ReadonlyMap<string, Zone>,
    private readonly indexer: ZoneIndexer,
    private readonly config: RelayerConfig,
    private readonly metrics: RelayerMetrics,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const orphans = this.store.requeueOrphans();
    if (orphans > 0)
      this.logger.warn({ orphans }, "requeued submissions whose transaction was no longer pending");
    this.#schedule(0);
  }

  /** A new submission is queued: send now if that fills a batch. */
  wake(): void {
    if (this.#running !== undefined || this.#stopping) return;
    if (this.store.pendingBatches().length > 0) return;
    this.#schedule(0);
  }

  /**
   * Stops sending new transactions and waits until the one in flight is mined (or, at most,
   * `resendAfterMs`). Queued submissions stay queued for the next start.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    await this.#running;
    const deadline = Date.now() + this.config.resendAfterMs;
    while (this.store.pendingBatches().length > 0 && Date.now() < deadline) {
      try {
        for (const batch of this.store.pendingBatches()) await this.#follow(batch, { resend: false });
      } catch (error) {
        this.logger.warn({ err: error }, "could not follow the pending batch while stopping");
      }
      if (this.store.pendingBatches().length > 0) await sleep(Math.min(200, this.config.pollIntervalMs));
    }
  }

  /** Runs one step now (tests and shutdown use it to avoid waiting for the timer). */
  async step(options: { flush?: boolean } = {}): Promise<void> {
    while (this.#running !== undefined) await this.#running;
    this.#running = this.#step(options.flush === true).finally(() => (this.#running = undefined));
    await this.#running;
  }

  #schedule(delay: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (this.#stopping) return;
      this.step()
        .catch((error: unknown) => this.logger.error({ err: error }, "submission step failed; retrying"))
        .finally(() => {
          if (!this.#stopping) this.#schedule(this.#nextDelay());
        });
    }, delay);
  }

  /** Sooner than the poll interval when a queued vote's batch age runs out before it. */
  #nextDelay(): number {
    const [oldest] = this.store.nextQueued("vote", 1);
    if (oldest === undefined || this.store.pendingBatches().length > 0) return this.config.pollIntervalMs;
    const dueIn = oldest.acceptedAt + this.config.batchMaxAgeMs - Date.now();
    return Math.max(0, Math.min(this.config.pollIntervalMs, dueIn));
  }

  async #step(flush: boolean): Promise<void> {
    // A batch mined but not yet deep enough to settle does not hold the next one back: only an
    // unmined one does (the next would queue behind its nonce anyway).
    let unmined = false;
    for (const batch of this.store.pendingBatches()) {
      if ((await this.#follow(batch, { resend: true })) === "unmined") unmined = true;
    }
    if (unmined) return;
    if (this.#stopping) return;
    const [proposal] = this.store.nextQueued("proposal", 1);
    if (proposal !== undefined) {
      await this.#sendProposal(proposal);
      return;
    }
    const [invitation] = this.store.nextQueued("invitation", 1);
    if (invitation !== undefined) {
      await this.#sendInvitation(invitation);
      return;
    }
    const [dividend] = this.store.nextQueued("dividend", 1);
    if (dividend !== undefined) {
      await this.#sendDividendClaim(dividend);
      return;
    }
    const votes = this.store.nextQueued("vote", this.config.batchMaxVotes);
    const [oldest] = votes;
    if (oldest !== undefined) {
      const limit = this.#batchLimit.get(oldest.zone) ?? this.config.batchMaxVotes;
      const full = votes.length >= limit;
      const due = Date.now() - oldest.acceptedAt >= this.config.batchMaxAgeMs;
      if (full || due || flush) await this.#sendVotes(oldest.zone, votes.slice(0, limit));
      return;
    }
    if (await this.#admitReady()) return;
    await this.#claimRefunds();
  }

  // --- sending -------------------------------------------------------------------------------------

  async #sendVotes(zoneAddress: string, votes: Submission[]): Promise<void> {
    await this.indexer.sync();
    const zone = this.#zone(zoneAddress);
    const used = await Promise.all(votes.map((vote) => zone.isNullifierUsed(vote.nullifier)));
    const sendable: Submission[] = [];
    for (const [i, vote] of votes.entries()) {
      const proposal = this.indexer.proposal(zoneAddress, vote.proposalId ?? "");
      // Gas spent on a vote the zone will skip is wasted: settle the hopeless ones here.
      if (proposal !== undefined && proposal.voteEnd <= this.indexer.chainTime) {
        this.#settle(vote, { status: "rejected", reason: VOTE_REJECTIONS[1] });
      } else if (used[i] === true) {
        await this.#settleCountedElsewhere(vote);
      } else {
        sendable.push(vote);
      }
    }
    if (sendable.length === 0) return;
    // Grouped by proposal, each part the zone tests holds one tree depth and each tally is written
    // once: the zone's search for an invalid proof then decides every vote within the gas cap.
    sendable.sort((a, b) => Number(BigInt(a.proposalId ?? 0) - BigInt(b.proposalId ?? 0)));
    const request = sendable.map((vote) => voteArguments(JSON.parse(vote.payload) as VoteRequest));
    const data = ZONE_INTERFACE.encodeFunctionData("castVotes", [request]);
    await this.#send(zoneAddress, "vote", sendable, data);
  }

  async #sendProposal(submission: Submission): Promise<void> {
    const request = JSON.parse(submission.payload) as ProposalRequest;
    const data = ZONE_INTERFACE.encodeFunctionData("propose", [...proposeArguments(request)]);
    await this.#send(submission.zone, "proposal", [submission], data);
  }

  async #sendInvitation(submission: Submission): Promise<void> {
    const request = JSON.parse(submission.payload) as InvitationRequest;
    const data = ZONE_INTERFACE.encodeFunctionData("invite", [...inviteArguments(request)]);
    await this.#send(submission.zone, "invitation", [submission], data);
  }

  async #sendDividendClaim(submission: Submission): Promise<void> {
    const request = JSON.parse(submission.payload) as DividendClaimRequest;
    const data = ZONE_INTERFACE.encodeFunctionData("claimDividend", [...claimDividendArguments(request)]);
    await this.#send(submission.zone, "dividend", [submission], data);
  }

  /**
   * When nothing else waits: reads each served zone's admission requests at most every
   * ZONEDAO_ADMIT_INTERVAL_MS and sends one `admit` per step for each request whose delay is over
   * (not rejected, not admitted yet). The `admit` is a batch like any other (stored, followed,
   * re-sent); its `zone` is the admissions contract it is sent to. Returns whether it sent one.
   */
  async #admitReady(): Promise<boolean> {
    if (this.config.admitIntervalMs === 0) return false;
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
    if (next === undefined) return false;
    this.logger.info({ zone: next.zone, requestId: String(next.requestId) }, "admitting a ready request");
    const data = ADMISSIONS_INTERFACE.encodeFunctionData("admit", [
      next.zone,
      next.requestId,
      next.commitments,
    ]);
    await this.#send(next.admissions, "admit", [], data);
    return true;
  }

  /** Signs, stores, then broadcasts one transaction carrying `submissions`. */
  async #send(zone: string, kind: Batch["kind"], submissions: Submission[], data: string): Promise<void> {
    let gasLimit: bigint;
    try {
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
        return;
      }
      // No revert data: the node failed, or the transaction needs more gas than a transaction may
      // have. A node that still answers tells them apart; a down one throws: try again next step.
      await this.provider.getBlockNumber();
      if (kind !== "vote") throw error;
      this.#tooLargeToSend(zone, submissions, error);
      return;
    }
    const nonce = await this.provider.getTransactionCount(this.wallet.address, "pending");
    const request: TransactionRequest = {
      to: zone,
      data,
      nonce,
      gasLimit,
      chainId: await this.#chain(),
      ...(await this.#fees()),
    };
    const rawTransaction = await this.wallet.signTransaction(request);
    const txHash = keccak256(rawTransaction);
    const batchId = this.store.createBatch(
      { zone, kind, nonce, txHash, rawTransaction },
      submissions.map((submission) => submission.nullifier),
    );
    this.metrics.batchSent(submissions.length);
    this.logger.info({ batchId, kind, zone, size: submissions.length, txHash, nonce }, "sending transaction");
    await this.#broadcast(rawTransaction);
    await this.#follow(this.#batch(batchId), { resend: false });
  }

  /** Broadcasts a signed transaction; returns the node's refusal, if it refused it. */
  async #broadcast(rawTransaction: string): Promise<unknown> {
    try {
      await this.provider.broadcastTransaction(rawTransaction);
      return undefined;
    } catch (error) {
      // "already known", "nonce too low", a node that is down: the batch stays pending and the next
      // step finds out from receipts and nonces what happened.
      this.logger.warn({ err: error }, "broadcast failed; the pending batch will be checked again");
      return error;
    }
  }

  async #fees(): Promise<Pick<TransactionRequest, "maxFeePerGas" | "maxPriorityFeePerGas" | "gasPrice">> {
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

  /** Moves a pending batch on; says whether it is still unmined (or now settled, or mined). */
  async #follow(batch: Batch, options: { resend: boolean }): Promise<"settled" | "mined" | "unmined"> {
    const receipt = await this.#receipt(batch);
    if (receipt !== undefined) {
      // Mined, but not settled until it is `confirmations` deep: if a reorg takes it out first,
      // the receipt goes away and the steps below send it again.
      if ((await this.provider.getBlockNumber()) - receipt.blockNumber + 1 < this.config.confirmations) {
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
    const minedNonce = await this.provider.getTransactionCount(this.wallet.address, "latest");
    if (minedNonce > batch.nonce) {
      // The nonce is used. If by none of our versions, their submissions go back to the queue (if
      // by one mined since the receipt was asked for, the next step settles it).
      if ((await this.#receipt(batch)) !== undefined) return "mined";
      this.logger.warn(
        { batchId: batch.id, nonce: batch.nonce },
        "nonce taken by another transaction; requeueing",
      );
      this.store.finishBatch(batch.id, "failed");
      return "settled";
    }
    const known = (await this.provider.getTransaction(latest.txHash)) !== null;
    if (!known) {
      // Dropped from the node's pool, or never sent (the process died first): send it (again).
      // Raising fees would not help a transaction the node does not even hold.
      const refusal = await this.#broadcast(latest.rawTransaction);
      if (this.#refusedForGood(batch, refusal)) return "settled";
    } else if (options.resend && Date.now() - latest.sentAt >= this.config.resendAfterMs) {
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
    const request: TransactionRequest = {
      to: previous.to,
      data: previous.data,
      nonce: previous.nonce,
      gasLimit: previous.gasLimit,
      chainId: previous.chainId,
      ...(previous.type === 2
        ? {
            maxFeePerGas: bump(previous.maxFeePerGas, current.maxFeePerGas as bigint | undefined),
            maxPriorityFeePerGas: bump(
              previous.maxPriorityFeePerGas,
              current.maxPriorityFeePerGas as bigint | undefined,
            ),
          }
        : { gasPrice: bump(previous.gasPrice, current.gasPrice as bigint | undefined) }),
    };
    const raw = await this.wallet.signTransaction(request);
    const txHash = keccak256(raw);
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
      const event = ZONE_INTERFACE.parseLog(log);
      if (event?.name === "VoteCast") counted.set(String(event.args.nullifier), true);
      if (event?.name === "VoteRejected")
        rejected.set(String(event.args.nullifier), Number(event.args.reason));
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
    this.store.transaction(() => {
      for (const submission of submissions) {
        if (receipt.status !== 1) {
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
  async #claimRefunds(): Promise<void> {
    if (this.config.claimRefundAboveWei === 0n) return;
    for (const [address, zone] of this.zones) {
      if (Date.now() - (this.#claimCheckedAt.get(address) ?? 0) < 60_000) continue;
      this.#claimCheckedAt.set(address, Date.now());
      const credit = await zone.relayerCredit(this.wallet.address);
      if (credit < this.config.claimRefundAboveWei) continue;
      this.metrics.refundClaimed(credit);
      await this.#send(address, "claim", [], ZONE_INTERFACE.encodeFunctionData("claimRelayerRefund"));
      return;
    }
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

  /**
   * A vote whose nullifier is used on chain was counted (a vote nullifier is only ever used by a
   * counted vote), by another relayer or the citizen: confirmed, with their transaction if the logs
   * show it.
   */
  async #settleCountedElsewhere(vote: Submission): Promise<void> {
    this.#settle(vote, { status: "confirmed", ...(await this.#whereCounted(vote)) });
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

  #batch(id: number): Batch {
    const batch = this.store.pendingBatches().find((pending) => pending.id === id);
    if (batch === undefined) throw new Error(`batch ${id} is not pending`);
    return batch;
  }
}

/** The zone's custom error behind a failed call, as "Name(arg, ...)", if the error carries one. */
export function revertReason(error: unknown): string | undefined {
  const data = (error as { data?: unknown }).data;
  if (typeof data !== "string" || data.length < 10) return undefined;
  // An invitation's revert may come from the zone's admissions contract (its slot rule).
  const parsed = ZONE_INTERFACE.parseError(data) ?? ADMISSIONS_INTERFACE.parseError(data);
  if (parsed === null) return undefined;
  return `${parsed.name}(${parsed.args.map(String).join(", ")})`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
