/**
 * The relayer's Prometheus metrics, kept in memory and rendered in the text exposition format
 * (version 0.0.4). Counters restart at 0 with the process, as Prometheus expects.
 */

/** castVotes batch sizes are powers of two up to the largest batch the relayer sends. */
const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128];

export class RelayerMetrics {
  readonly #accepted = new Map<string, number>();
  readonly #rejected = new Map<string, number>();
  readonly #outcomes = new Map<string, number>();
  readonly #batchSizes = new Array<number>(BATCH_SIZE_BUCKETS.length).fill(0);
  #batchCount = 0;
  #batchVotes = 0;
  #gasUsed = 0n;
  #feesPaidWei = 0n;
  #refundsClaimedWei = 0n;
  /** The keeper's counts (keeper.ts); undefined without a keeper, whose families are then left out. */
  keeper: KeeperMetrics | undefined;

  /** A vote or proposal answered 202. */
  accepted(kind: string): void {
    increment(this.#accepted, kind);
  }

  /** A request refused, by its error code (malformed_request, invalid_proof, ...). */
  rejected(code: string): void {
    increment(this.#rejected, code);
  }

  /** What became of an accepted submission on chain (confirmed, or rejected with a reason). */
  settled(outcome: string): void {
    increment(this.#outcomes, outcome);
  }

  batchSent(size: number): void {
    this.#batchCount++;
    this.#batchVotes += size;
    BATCH_SIZE_BUCKETS.forEach((bound, i) => {
      if (size <= bound) this.#batchSizes[i]!++;
    });
  }

  gasSpent(gasUsed: bigint, feeWei: bigint): void {
    this.#gasUsed += gasUsed;
    this.#feesPaidWei += feeWei;
  }

  refundClaimed(amountWei: bigint): void {
    this.#refundsClaimedWei += amountWei;
  }

  /** The node refused the last broadcast for want of funds, until one is accepted (the submitter's). */
  fundsRefused = false;
  /** The account's balance was 0 when /v1/health last read it. */
  zeroBalance = false;

  /** Whether the relayer's account cannot pay for its next transaction. */
  get unfunded(): boolean {
    return this.fundsRefused || this.zeroBalance;
  }

  /** The text Prometheus scrapes; `queue` holds the current count of submissions per status. */
  render(queue: Record<string, number>): string {
    const lines: string[] = [];
    const family = (name: string, type: string, help: string) =>
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    family(
      "zonedao_relayer_accepted_total",
      "counter",
      "Votes, proposals, invitations and dividend claims accepted (HTTP 202).",
    );
    for (const [kind, count] of this.#accepted)
      lines.push(`zonedao_relayer_accepted_total{kind="${kind}"} ${count}`);
    family("zonedao_relayer_rejected_total", "counter", "Requests refused, by reason.");
    for (const [reason, count] of this.#rejected) {
      lines.push(`zonedao_relayer_rejected_total{reason="${reason}"} ${count}`);
    }
    family("zonedao_relayer_settled_total", "counter", "Accepted submissions settled on chain, by outcome.");
    for (const [outcome, count] of this.#outcomes) {
      lines.push(`zonedao_relayer_settled_total{outcome="${outcome}"} ${count}`);
    }
    family(
      "zonedao_relayer_unfunded",
      "gauge",
      "1 while the relayer's account cannot pay for its next transaction (fund it: submissions wait).",
    );
    lines.push(`zonedao_relayer_unfunded ${this.unfunded ? 1 : 0}`);
    family("zonedao_relayer_queue_depth", "gauge", "Accepted submissions by status.");
    for (const [status, count] of Object.entries(queue)) {
      lines.push(`zonedao_relayer_queue_depth{status="${status}"} ${count}`);
    }
    family("zonedao_relayer_batch_size", "histogram", "Submissions per transaction sent.");
    BATCH_SIZE_BUCKETS.forEach((bound, i) =>
      lines.push(`zonedao_relayer_batch_size_bucket{le="${bound}"} ${this.#batchSizes[i]}`),
    );
    lines.push(`zonedao_relayer_batch_size_bucket{le="+Inf"} ${this.#batchCount}`);
    lines.push(
      `zonedao_relayer_batch_size_sum ${this.#batchVotes}`,
      `zonedao_relayer_batch_size_count ${this.#batchCount}`,
    );
    family("zonedao_relayer_gas_used_total", "counter", "Gas used by the relayer's mined transactions.");
    lines.push(`zonedao_relayer_gas_used_total ${this.#gasUsed}`);
    family(
      "zonedao_relayer_fees_paid_wei_total",
      "counter",
      "Fees paid for the relayer's mined transactions, in wei.",
    );
    lines.push(`zonedao_relayer_fees_paid_wei_total ${this.#feesPaidWei}`);
    family(
      "zonedao_relayer_refunds_claimed_wei_total",
      "counter",
      "Relayer refunds claimed from zones, in wei.",
    );
    lines.push(`zonedao_relayer_refunds_claimed_wei_total ${this.#refundsClaimedWei}`);
    this.keeper?.render(family, lines);
    return `${lines.join("\n")}\n`;
  }
}

/** What the keeper did: proposals queued and executed, steps that failed, and when it last looked. */
export class KeeperMetrics {
  #queued = 0;
  #executed = 0;
  /** By step (queue, execute) and reason (unfunded, reverted, error). */
  readonly #failures = new Map<string, number>();
  #lastRunSeconds = 0;

  queued(): void {
    this.#queued++;
  }

  executed(): void {
    this.#executed++;
  }

  failed(step: "queue" | "execute", reason: "unfunded" | "reverted" | "error"): void {
    increment(this.#failures, `step="${step}",reason="${reason}"`);
  }

  /** A pass over every served zone ended (whatever its steps' outcomes), at `atMs`. */
  ran(atMs: number): void {
    this.#lastRunSeconds = Math.floor(atMs / 1000);
  }

  /** When the last pass ended (unix seconds), or null before the first. */
  get lastRunSeconds(): number | null {
    return this.#lastRunSeconds === 0 ? null : this.#lastRunSeconds;
  }

  render(family: (name: string, type: string, help: string) => void, lines: string[]): void {
    family("zonedao_keeper_queued_total", "counter", "Passed proposals the keeper queued.");
    lines.push(`zonedao_keeper_queued_total ${this.#queued}`);
    family("zonedao_keeper_executed_total", "counter", "Queued proposals the keeper executed.");
    lines.push(`zonedao_keeper_executed_total ${this.#executed}`);
    family(
      "zonedao_keeper_failures_total",
      "counter",
      "Keeper steps that failed, by step and reason (unfunded: fund the keeper's account); retried at its next pass.",
    );
    for (const [labels, count] of this.#failures)
      lines.push(`zonedao_keeper_failures_total{${labels}} ${count}`);
    family(
      "zonedao_keeper_last_run_timestamp_seconds",
      "gauge",
      "When the keeper last finished a pass over the zones (unix seconds; 0: not yet). Alert if it falls behind.",
    );
    lines.push(`zonedao_keeper_last_run_timestamp_seconds ${this.#lastRunSeconds}`);
  }
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
