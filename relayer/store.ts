/**
 * The relayer's durable state, in one SQLite file (WAL, synchronous FULL): every accepted vote or
 * proposal (before its 202 is sent), the transactions that carry them, and the index of the zones'
 * events that the read endpoints serve. A process killed at any moment finds here everything it
 * accepted and every transaction it may have sent.
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";

export type SubmissionKind = "vote" | "sealed" | "proposal" | "invitation" | "dividend";
/**
 * What a transaction carries: submissions, the relayer's own refund claim, an `admit` of a
 * zone's admission request whose delay is over (anyone may send it; the relayer pays), or a `fill`:
 * an empty transfer to itself that takes a nonce a given-up transaction left unused, so the
 * transactions after it can be mined.
 */
export type BatchKind = SubmissionKind | "claim" | "admit" | "fill";
export type SubmissionStatus = "queued" | "submitted" | "confirmed" | "rejected";

/** An accepted vote, anonymous proposal, invitation or dividend claim, and what became of it. */
export interface Submission {
  nullifier: string;
  kind: SubmissionKind;
  zone: string;
  /**
   * The proposal voted on; for a proposal, the id the zone gave it once confirmed; for an
   * invitation, the admission request id it got; for a dividend claim, its round.
   */
  proposalId: string | null;
  /** The request as accepted (JSON): all the batcher needs to submit it. */
  payload: string;
  status: SubmissionStatus;
  reason: string | null;
  acceptedAt: number;
  batchId: number | null;
  txHash: string | null;
  blockNumber: number | null;
}

/** One transaction the relayer signed, with each version of it (fee bumps) it broadcast. */
export interface Batch {
  id: number;
  zone: string;
  kind: BatchKind;
  nonce: number;
  status: "pending" | "mined" | "failed";
  createdAt: number;
  attempts: { txHash: string; rawTransaction: string; sentAt: number }[];
}

/** A proposal as the index holds it: the ProposalCreated event plus the zone's latest view of it. */
export interface IndexedProposal {
  zone: string;
  id: string;
  createdBlock: number;
  description: string;
  /** IZone.Action[][] as JSON, values as decimal strings. */
  options: string;
  multipleChoice: boolean;
  snapshotRoot: string;
  snapshotDepth: number;
  eligibleCount: number;
  /**
   * Leaves in the group's tree at creation (eligibleCount plus removed members' zero leaves): the
   * size of the snapshot's tree that private paths are read from. Null if indexed before it was kept.
   */
  snapshotSize: number | null;
  voteStart: number;
  voteEnd: number;
  /** The nullifier of the membership proof that created it. */
  nullifier: string;
  /** The quorum and approval it is decided by: the rules in force at its creation. */
  quorumBps: number;
  approvalBps: number;
  /** State name, tally and eta as the zone's getProposal last returned them (JSON). */
  view: string | null;
  /** Whether its state can no longer change (Defeated, Canceled, Expired, Executed). */
  final: boolean;
  /**
   * A sealed proposal's ballot box as JSON `{ term, publicKey: [x, y] }` (its BallotBoxOpened
   * event, decimal strings); null for an open proposal.
   */
  sealed: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS submissions (
  nullifier TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('vote', 'sealed', 'proposal', 'invitation', 'dividend')),
  zone TEXT NOT NULL,
  proposal_id TEXT,
  payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'submitted', 'confirmed', 'rejected')),
  reason TEXT,
  accepted_at INTEGER NOT NULL,
  batch_id INTEGER,
  tx_hash TEXT,
  block_number INTEGER,
  tries INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS submissions_by_status ON submissions (status, kind, zone, accepted_at);
CREATE INDEX IF NOT EXISTS submissions_by_batch ON submissions (batch_id);
CREATE TABLE IF NOT EXISTS batches (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  zone TEXT NOT NULL,
  kind TEXT NOT NULL,
  nonce INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'mined', 'failed')),
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS batch_attempts (
  tx_hash TEXT PRIMARY KEY,
  batch_id INTEGER NOT NULL REFERENCES batches (id),
  raw_transaction TEXT NOT NULL,
  sent_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
  zone TEXT NOT NULL,
  leaf_index INTEGER NOT NULL,
  commitment TEXT NOT NULL,
  PRIMARY KEY (zone, leaf_index)
);
CREATE TABLE IF NOT EXISTS bucket_roots (
  zone TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  root TEXT NOT NULL,
  PRIMARY KEY (zone, bucket)
);
CREATE TABLE IF NOT EXISTS proposals (
  zone TEXT NOT NULL,
  id TEXT NOT NULL,
  created_block INTEGER NOT NULL,
  description TEXT NOT NULL,
  options TEXT NOT NULL,
  multiple_choice INTEGER NOT NULL,
  snapshot_root TEXT NOT NULL,
  snapshot_depth INTEGER NOT NULL,
  eligible_count INTEGER NOT NULL,
  vote_start INTEGER NOT NULL,
  vote_end INTEGER NOT NULL,
    nullifier TEXT NOT NULL,
  quorum_bps INTEGER NOT NULL,
  approval_bps INTEGER NOT NULL,
  view TEXT,
  final INTEGER NOT NULL DEFAULT 0,
  snapshot_size INTEGER,
  sealed TEXT,
  PRIMARY KEY (zone, id)
);
CREATE TABLE IF NOT EXISTS zone_rules (
  zone TEXT PRIMARY KEY,
  quorum_bps INTEGER NOT NULL,
  approval_bps INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS index_cursors (
  zone TEXT PRIMARY KEY,
  next_block INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS cast_votes (
  zone TEXT NOT NULL,
  nullifier TEXT NOT NULL,
  PRIMARY KEY (zone, nullifier)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cast_votes_from (
  zone TEXT PRIMARY KEY,
  from_block INTEGER NOT NULL
);
`;

type Row = Record<string, SQLInputValue>;

const SQLITE_BUSY = 5;

export class DatabaseInUseError extends Error {
  constructor(readonly path: string) {
    super(`the database ${path} is in use by another process (another relayer?): one relayer per database`);
    this.name = "DatabaseInUseError";
  }
}

export class RelayerStore {
  readonly #db: DatabaseSync;
  readonly #treeChanges = new Map<string, number>();
  /** Statements by their SQL, each prepared once: preparing costs more than a lookup by key does. */
  readonly #statements = new Map<string, StatementSync>();

  /** Opens (or creates) the database; throws DatabaseInUseError if another process holds it. */
  constructor(path: string) {
    this.#db = new DatabaseSync(path);
    // One process per database: two relayers sending from one queue would race for its batches.
    // The lock is taken by the first write below and held until close (or the process dies).
    this.#db.exec("PRAGMA locking_mode = EXCLUSIVE;");
    try {
      // WAL lets the read endpoints run while the batcher writes; FULL makes each commit (and so
      // each 202) survive a power cut, not only a killed process.
      this.#db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
      this.#db.exec(SCHEMA);
      this.#allowNewKinds();
      this.#addProposalColumns();
      this.#db.exec("BEGIN IMMEDIATE; COMMIT;");
    } catch (error) {
      this.#db.close();
      if ((error as { errcode?: number }).errcode === SQLITE_BUSY) throw new DatabaseInUseError(path);
      throw error;
    }
  }

  /**
   * A database made before invitations, dividend claims or sealed votes were relayed checks an older
   * `kind IN (...)`; SQLite cannot change a CHECK in place, so its submissions table is rebuilt with
   * the new one, once.
   */
  #allowNewKinds(): void {
    const table = this.#sql(
      "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'submissions'",
    ).get() as { sql: string } | undefined;
    if (table === undefined || table.sql.includes("'sealed'")) return;
    this.transaction(() => {
      this.#db.exec("ALTER TABLE submissions RENAME TO submissions_before_new_kinds");
      this.#db.exec("DROP INDEX IF EXISTS submissions_by_status; DROP INDEX IF EXISTS submissions_by_batch;");
      this.#db.exec(SCHEMA);
      this.#db.exec("INSERT INTO submissions SELECT * FROM submissions_before_new_kinds");
      this.#db.exec("DROP TABLE submissions_before_new_kinds");
    });
  }

  /**
   * A database made before proposals kept their snapshot's tree size, or their ballot box, gets the
   * column, once (a proposal indexed before then reads as open).
   */
  #addProposalColumns(): void {
    const columns = this.#sql("PRAGMA table_info(proposals)").all();
    for (const [name, type] of [
      ["snapshot_size", "INTEGER"],
      ["sealed", "TEXT"],
    ]) {
      if (!columns.some((column) => column.name === name)) {
        this.#db.exec(`ALTER TABLE proposals ADD COLUMN ${name} ${type}`);
      }
    }
  }

  #sql(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  /** Runs `work` in one transaction: all of it is stored, or none. */
  transaction<T>(work: () => T): T {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const result = work();
      this.#db.exec("COMMIT");
      return result;
    } catch (error) {
      // SQLite may have rolled back already (a full disk, an I/O error): keep the first error.
      if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  // --- submissions -------------------------------------------------------------------------------

  /**
   * Stores accepted submissions in one commit. Returns, for each, whether it was new: a nullifier
   * already stored (a concurrent duplicate) is left as it was.
   */
  accept(
    submissions: readonly Pick<Submission, "nullifier" | "kind" | "zone" | "proposalId" | "payload">[],
  ): boolean[] {
    const insert = this.#sql(
      `INSERT INTO submissions (nullifier, kind, zone, proposal_id, payload, status, accepted_at)
       VALUES (?, ?, ?, ?, ?, 'queued', ?) ON CONFLICT (nullifier) DO NOTHING`,
    );
    const now = Date.now();
    return this.transaction(() =>
      submissions.map(
        (submission) =>
          insert.run(
            submission.nullifier,
            submission.kind,
            submission.zone,
            submission.proposalId,
            submission.payload,
            now,
          ).changes === 1,
      ),
    );
  }

  submission(nullifier: string): Submission | undefined {
    const row = this.#sql("SELECT * FROM submissions WHERE nullifier = ?").get(nullifier);
    return row === undefined ? undefined : toSubmission(row);
  }

  /** The oldest queued submissions of one kind, for one zone (the zone of the oldest one). */
  nextQueued(kind: SubmissionKind, limit: number): Submission[] {
    const oldest = this.#sql(
      "SELECT zone FROM submissions WHERE status = 'queued' AND kind = ? ORDER BY accepted_at, rowid LIMIT 1",
    ).get(kind);
    if (oldest === undefined) return [];
    return this.#sql(
      `SELECT * FROM submissions WHERE status = 'queued' AND kind = ? AND zone = ?
         ORDER BY accepted_at, rowid LIMIT ?`,
    )
      .all(kind, oldest.zone as string, limit)
      .map(toSubmission);
  }

  /** Counts one more failed transaction for this submission; returns how many it has had. */
  recordFailure(nullifier: string): number {
    this.#sql("UPDATE submissions SET tries = tries + 1 WHERE nullifier = ?").run(nullifier);
    const row = this.#sql("SELECT tries FROM submissions WHERE nullifier = ?").get(nullifier);
    return row === undefined ? 0 : Number(row.tries);
  }

  countByStatus(): Record<SubmissionStatus, number> {
    const counts: Record<SubmissionStatus, number> = { queued: 0, submitted: 0, confirmed: 0, rejected: 0 };
    for (const row of this.#sql("SELECT status, COUNT(*) AS count FROM submissions GROUP BY status").all()) {
      counts[row.status as SubmissionStatus] = Number(row.count);
    }
    return counts;
  }

  /** Records the outcome of a submission (and, for a proposal, the id the zone gave it). */
  settle(
    nullifier: string,
    outcome: {
      status: "confirmed" | "rejected" | "queued";
      reason?: string | null;
      txHash?: string | null;
      blockNumber?: number | null;
      proposalId?: string | null;
    },
  ): void {
    this.#sql(
      `UPDATE submissions SET status = ?, reason = ?, tx_hash = ?, block_number = ?,
           proposal_id = COALESCE(?, proposal_id), batch_id = CASE WHEN ? = 'queued' THEN NULL ELSE batch_id END
         WHERE nullifier = ?`,
    ).run(
      outcome.status,
      outcome.reason ?? null,
      outcome.txHash ?? null,
      outcome.blockNumber ?? null,
      outcome.proposalId ?? null,
      outcome.status,
      nullifier,
    );
  }

  // --- batches -----------------------------------------------------------------------------------

  /**
   * Records a signed transaction and marks its submissions submitted, in one commit, before it is
   * broadcast: after a crash, the relayer knows exactly what it may have sent.
   */
  createBatch(
    batch: { zone: string; kind: BatchKind; nonce: number; txHash: string; rawTransaction: string },
    nullifiers: readonly string[],
  ): number {
    return this.transaction(() => {
      const now = Date.now();
      const { lastInsertRowid } = this.#sql(
        "INSERT INTO batches (zone, kind, nonce, status, created_at) VALUES (?, ?, ?, 'pending', ?)",
      ).run(batch.zone, batch.kind, batch.nonce, now);
      const batchId = Number(lastInsertRowid);
      this.#sql(
        "INSERT INTO batch_attempts (tx_hash, batch_id, raw_transaction, sent_at) VALUES (?, ?, ?, ?)",
      ).run(batch.txHash, batchId, batch.rawTransaction, now);
      const mark = this.#sql(
        "UPDATE submissions SET status = 'submitted', batch_id = ?, tx_hash = ? WHERE nullifier = ?",
      );
      for (const nullifier of nullifiers) mark.run(batchId, batch.txHash, nullifier);
      return batchId;
    });
  }

  /** Records a re-signed version of a pending batch (same nonce, higher fees). */
  addAttempt(batchId: number, txHash: string, rawTransaction: string): void {
    this.transaction(() => {
      this.#sql(
        "INSERT INTO batch_attempts (tx_hash, batch_id, raw_transaction, sent_at) VALUES (?, ?, ?, ?)",
      ).run(txHash, batchId, rawTransaction, Date.now());
      this.#sql("UPDATE submissions SET tx_hash = ? WHERE batch_id = ? AND status = 'submitted'").run(
        txHash,
        batchId,
      );
    });
  }

  pendingBatches(): Batch[] {
    return this.#sql("SELECT * FROM batches WHERE status = 'pending' ORDER BY id")
      .all()
      .map((row) => this.#toBatch(row));
  }

  /**
   * The lowest nonce the relayer may still use by its own records: one above its highest mined
   * transaction (a node behind a load balancer may report an older count).
   */
  nonceFloor(): number {
    const row = this.#sql("SELECT MAX(nonce) AS nonce FROM batches WHERE status = 'mined'").get();
    return row?.nonce === null || row?.nonce === undefined ? 0 : Number(row.nonce) + 1;
  }

  batchSubmissions(batchId: number): Submission[] {
    return this.#sql("SELECT * FROM submissions WHERE batch_id = ? AND status = 'submitted' ORDER BY rowid")
      .all(batchId)
      .map(toSubmission);
  }

  /** Ends a batch; `failed` puts its still-submitted submissions back in the queue. */
  finishBatch(batchId: number, status: "mined" | "failed"): void {
    const finish = () => {
      this.#sql("UPDATE batches SET status = ? WHERE id = ?").run(status, batchId);
      if (status === "failed") {
        this.#sql(
          "UPDATE submissions SET status = 'queued', batch_id = NULL, tx_hash = NULL WHERE batch_id = ? AND status = 'submitted'",
        ).run(batchId);
      }
    };
    if (this.#db.isTransaction) finish();
    else this.transaction(finish);
  }

  /**
   * Puts back in the queue any submission marked submitted whose transaction is no longer
   * pending: a state no step leaves behind, checked at start so that nothing can stay stuck.
   */
  requeueOrphans(): number {
    return Number(
      this.#sql(
        `UPDATE submissions SET status = 'queued', batch_id = NULL, tx_hash = NULL
           WHERE status = 'submitted'
             AND (batch_id IS NULL OR batch_id NOT IN (SELECT id FROM batches WHERE status = 'pending'))`,
      ).run().changes,
    );
  }

  #toBatch(row: Row): Batch {
    const attempts = this.#sql(
      "SELECT tx_hash, raw_transaction, sent_at FROM batch_attempts WHERE batch_id = ? ORDER BY sent_at, rowid",
    )
      .all(row.id as number)
      .map((attempt) => ({
        txHash: attempt.tx_hash as string,
        rawTransaction: attempt.raw_transaction as string,
        sentAt: Number(attempt.sent_at),
      }));
    return {
      id: Number(row.id),
      zone: row.zone as string,
      kind: row.kind as BatchKind,
      nonce: Number(row.nonce),
      status: row.status as Batch["status"],
      createdAt: Number(row.created_at),
      attempts,
    };
  }

  // --- index of chain events -----------------------------------------------------------------------

  nextBlock(zone: string): number | undefined {
    const row = this.#sql("SELECT next_block FROM index_cursors WHERE zone = ?").get(zone);
    return row === undefined ? undefined : Number(row.next_block);
  }

  setNextBlock(zone: string, block: number): void {
    this.#sql(
      "INSERT INTO index_cursors (zone, next_block) VALUES (?, ?) ON CONFLICT (zone) DO UPDATE SET next_block = excluded.next_block",
    ).run(zone, block);
  }

  /** Records nullifiers the zone counted votes with (its VoteCast events). */
  addCastVotes(zone: string, nullifiers: readonly string[]): void {
    const insert = this.#sql(
      "INSERT INTO cast_votes (zone, nullifier) VALUES (?, ?) ON CONFLICT (zone, nullifier) DO NOTHING",
    );
    for (const nullifier of nullifiers) insert.run(zone, nullifier);
  }

  /** Whether the index holds a VoteCast of the zone with this nullifier. */
  isVoteCast(zone: string, nullifier: string): boolean {
    return (
      this.#sql("SELECT 1 FROM cast_votes WHERE zone = ? AND nullifier = ?").get(zone, nullifier) !==
      undefined
    );
  }

  /**
   * The block from which the index holds the zone's VoteCast events: its first indexed block, or,
   * for an index made before votes were indexed, the block it had reached then.
   */
  castVotesFrom(zone: string): number | undefined {
    const row = this.#sql("SELECT from_block FROM cast_votes_from WHERE zone = ?").get(zone);
    return row === undefined ? undefined : Number(row.from_block);
  }

  setCastVotesFrom(zone: string, block: number): void {
    this.#sql(
      "INSERT INTO cast_votes_from (zone, from_block) VALUES (?, ?) ON CONFLICT (zone) DO NOTHING",
    ).run(zone, block);
  }

  setMember(zone: string, leafIndex: number, commitment: string): void {
    this.setMembers(zone, leafIndex, [commitment]);
  }

  /** Leaves `start`, `start + 1`, ... of the zone (a MembersAdded batch): one statement for them all. */
  setMembers(zone: string, start: number, commitments: readonly string[]): void {
    const statement = this.#sql(
      "INSERT INTO members (zone, leaf_index, commitment) VALUES (?, ?, ?) ON CONFLICT (zone, leaf_index) DO UPDATE SET commitment = excluded.commitment",
    );
    commitments.forEach((commitment, offset) => statement.run(zone, start + offset, commitment));
  }

  /** The zone's leaves in order; a removed member's leaf is "0". */
  members(zone: string): string[] {
    return this.#sql("SELECT commitment FROM members WHERE zone = ? ORDER BY leaf_index")
      .all(zone)
      .map((row) => row.commitment as string);
  }

  /** Leaves indexed: one past the highest leaf index (leaves are added in order, never deleted). */
  memberCount(zone: string): number {
    const row = this.#sql("SELECT MAX(leaf_index) AS last FROM members WHERE zone = ?").get(zone);
    return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
  }

  /** The leaves from `offset` up to (not including) `end`, in order; a removed member's is "0". */
  memberRange(zone: string, offset: number, end: number): string[] {
    return this.#sql(
      "SELECT commitment FROM members WHERE zone = ? AND leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index",
    )
      .all(zone, offset, end)
      .map((row) => row.commitment as string);
  }

  /** The cached roots of the zone's full buckets (relayer/tree.ts), by bucket index. */
  bucketRoots(zone: string): Map<number, string> {
    const rows = this.#sql("SELECT bucket, root FROM bucket_roots WHERE zone = ?").all(zone);
    return new Map(rows.map((row) => [Number(row.bucket), row.root as string]));
  }

  setBucketRoot(zone: string, bucket: number, root: string): void {
    this.#sql(
      "INSERT INTO bucket_roots (zone, bucket, root) VALUES (?, ?, ?) ON CONFLICT (zone, bucket) DO UPDATE SET root = excluded.root",
    ).run(zone, bucket, root);
  }

  /** Drops a bucket's cached root: a leaf in it changed (a member updated or removed). */
  forgetBucketRoot(zone: string, bucket: number): void {
    this.#sql("DELETE FROM bucket_roots WHERE zone = ? AND bucket = ?").run(zone, bucket);
    this.#treeChanges.set(zone, (this.#treeChanges.get(zone) ?? 0) + 1);
  }

  /** How many times a leaf already indexed changed in this process: keys the tree's memory caches. */
  treeVersion(zone: string): number {
    return this.#treeChanges.get(zone) ?? 0;
  }

  saveProposal(proposal: IndexedProposal): void {
    this.#sql(
      `INSERT INTO proposals (zone, id, created_block, description, options, multiple_choice, snapshot_root,
                      snapshot_depth, eligible_count, vote_start, vote_end, nullifier, quorum_bps, approval_bps, view, final, snapshot_size, sealed)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (zone, id) DO NOTHING`,
    ).run(
      proposal.zone,
      proposal.id,
      proposal.createdBlock,
      proposal.description,
      proposal.options,
      proposal.multipleChoice ? 1 : 0,
      proposal.snapshotRoot,
      proposal.snapshotDepth,
      proposal.eligibleCount,
      proposal.voteStart,
      proposal.voteEnd,
      proposal.nullifier,
      proposal.quorumBps,
      proposal.approvalBps,
      proposal.view,
      proposal.final ? 1 : 0,
      proposal.snapshotSize,
      proposal.sealed,
    );
  }

  /** Records a proposal's ballot box (IndexedProposal.sealed). */
  setProposalSealed(zone: string, id: string, sealed: string): void {
    this.#sql("UPDATE proposals SET sealed = ? WHERE zone = ? AND id = ?").run(sealed, zone, id);
  }

  updateProposalView(zone: string, id: string, view: string, final: boolean): void {
    this.#sql("UPDATE proposals SET view = ?, final = ? WHERE zone = ? AND id = ?").run(
      view,
      final ? 1 : 0,
      zone,
      id,
    );
  }

  /** The zone's quorum and approval rules as of the last event indexed. */
  zoneRules(zone: string): { quorumBps: number; approvalBps: number } | undefined {
    const row = this.#sql("SELECT quorum_bps, approval_bps FROM zone_rules WHERE zone = ?").get(zone);
    return row === undefined
      ? undefined
      : { quorumBps: Number(row.quorum_bps), approvalBps: Number(row.approval_bps) };
  }

  setZoneRules(zone: string, rules: { quorumBps: number; approvalBps: number }): void {
    this.#sql(
      `INSERT INTO zone_rules (zone, quorum_bps, approval_bps) VALUES (?, ?, ?)
         ON CONFLICT (zone) DO UPDATE SET quorum_bps = excluded.quorum_bps, approval_bps = excluded.approval_bps`,
    ).run(zone, rules.quorumBps, rules.approvalBps);
  }

  proposalByNullifier(zone: string, nullifier: string): IndexedProposal | undefined {
    const row = this.#sql("SELECT * FROM proposals WHERE zone = ? AND nullifier = ?").get(zone, nullifier);
    return row === undefined ? undefined : toProposal(row);
  }

  proposal(zone: string, id: string): IndexedProposal | undefined {
    const row = this.#sql("SELECT * FROM proposals WHERE zone = ? AND id = ?").get(zone, id);
    return row === undefined ? undefined : toProposal(row);
  }

  proposals(zone: string, options: { onlyOpen?: boolean } = {}): IndexedProposal[] {
    const where = options.onlyOpen === true ? "AND final = 0" : "";
    return this.#sql(`SELECT * FROM proposals WHERE zone = ? ${where} ORDER BY CAST(id AS INTEGER)`)
      .all(zone)
      .map(toProposal);
  }
}

function toSubmission(row: Row): Submission {
  return {
    nullifier: row.nullifier as string,
    kind: row.kind as SubmissionKind,
    zone: row.zone as string,
    proposalId: (row.proposal_id as string | null) ?? null,
    payload: row.payload as string,
    status: row.status as SubmissionStatus,
    reason: (row.reason as string | null) ?? null,
    acceptedAt: Number(row.accepted_at),
    batchId: row.batch_id === null ? null : Number(row.batch_id),
    txHash: (row.tx_hash as string | null) ?? null,
    blockNumber: row.block_number === null ? null : Number(row.block_number),
  };
}

function toProposal(row: Row): IndexedProposal {
  return {
    zone: row.zone as string,
    id: row.id as string,
    createdBlock: Number(row.created_block),
    description: row.description as string,
    options: row.options as string,
    multipleChoice: Number(row.multiple_choice) === 1,
    snapshotRoot: row.snapshot_root as string,
    snapshotDepth: Number(row.snapshot_depth),
    eligibleCount: Number(row.eligible_count),
    snapshotSize: row.snapshot_size === null ? null : Number(row.snapshot_size),
    voteStart: Number(row.vote_start),
    voteEnd: Number(row.vote_end),
    nullifier: row.nullifier as string,
    quorumBps: Number(row.quorum_bps),
    approvalBps: Number(row.approval_bps),
    view: (row.view as string | null) ?? null,
    final: Number(row.final) === 1,
    sealed: (row.sealed as string | null) ?? null,
  };
}
