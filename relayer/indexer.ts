/**
 * Keeps the relayer's index of each zone's events up to date: the group's leaves (for clients that
 * build proofs) and the roots of its full buckets (tree.ts), the proposals with their snapshots (to check votes before verifying their proofs)
 * and each open proposal's state and tally as the zone reports them.
 */
import type { Log, Provider } from "ethers";
import type { Logger } from "pino";
import {
  BUCKET_BITS,
  logsFrom,
  PROPOSAL_STATES,
  Zone__factory,
  ZoneSealedBallots__factory,
  decodeProposalCreated,
  optionsToJson,
  zoneAt,
  type ProposalCreatedArgs,
  type Zone,
} from "../sdk/index.js";
import type { IndexedRelayerConfig } from "./config.js";
import type { IndexedProposal, RelayerStore } from "./store.js";
import { ZoneTrees } from "./tree.js";

const FINAL_STATES = new Set(["Defeated", "Canceled", "Expired", "Executed"]);
const ZONE_INTERFACE = Zone__factory.createInterface();
/** VoteCast(proposalId indexed, option, nullifier indexed): only its nullifier is indexed. */
const VOTE_CAST_TOPIC = ZONE_INTERFACE.getEvent("VoteCast").topicHash;
/**
 * The events the index applies, as one topic filter. Under load a zone's logs are mostly VoteCast,
 * hundreds per block: the index keeps only their nullifiers, read from the topic (ethers' parseLog
 * would cost the event loop more than the rest of the sync), so that intake tells a vote already
 * counted without asking the node (tallies come from getProposal).
 */
const ZONE_TOPICS = (
  [
    "MemberAdded",
    "MembersAdded",
    "MemberUpdated",
    "MemberRemoved",
    "RulesChanged",
    "ProposalCreated",
    "VoteCast",
  ] as const
).map((name) => ZONE_INTERFACE.getEvent(name).topicHash);

/** BallotBoxOpened(zone indexed, proposalId indexed, term, publicKey): a proposal is sealed. */
const SEALED_INTERFACE = ZoneSealedBallots__factory.createInterface();
const BOX_OPENED_TOPIC = SEALED_INTERFACE.getEvent("BallotBoxOpened").topicHash;

/** A sealed proposal's box, as IndexedProposal.sealed holds it (JSON). */
export interface SealedBox {
  term: string;
  publicKey: [x: string, y: string];
}

/** A proposal's latest view from the zone, as the index stores it. */
export interface ProposalView {
  state: (typeof PROPOSAL_STATES)[number];
  tally: string[];
  eta: number;
}

export class ZoneIndexer {
  readonly #zones: Map<string, Zone>;
  /** The zones' trees by bucket (GET /v1/zones/:zone/tree): full buckets hashed as they fill. */
  readonly trees: ZoneTrees;
  #syncing: Promise<void> | undefined;
  #chainTime = 0;
  #indexedBlock = -1;

  constructor(
    private readonly store: RelayerStore,
    private readonly provider: Provider,
    zones: readonly string[],
    private readonly settings: Pick<IndexedRelayerConfig, "fromBlock" | "confirmations">,
    private readonly logger: Logger,
    /** Each zone's sealed ballots module (its factory's), whose BallotBoxOpened events seal proposals. */
    private readonly sealedBallots: ReadonlyMap<string, string> = new Map(),
  ) {
    this.#zones = new Map(zones.map((zone) => [zone, zoneAt(zone, provider)]));
    this.trees = new ZoneTrees(store);
  }

  /** Blocks deep before events are indexed (1: the latest block). */
  get confirmations(): number {
    return this.settings.confirmations;
  }

  /** The latest block's timestamp at the last sync: the zone's clock, as far as the relayer knows. */
  get chainTime(): number {
    return this.#chainTime;
  }

  /** The last block whose events are in the index. */
  get indexedBlock(): number {
    return this.#indexedBlock;
  }

  /**
   * Whether the zone has counted a vote with `nullifier` on `proposal`, as far as the index knows:
   * undefined if the index cannot say (it began indexing votes after the proposal was created).
   * A vote counted since the last sync reads as not counted; the zone then skips it in the batch
   * (VoteRejected NullifierUsed) and the relayer settles it as counted.
   */
  isVoteCast(
    zone: string,
    proposal: Pick<IndexedProposal, "createdBlock">,
    nullifier: string,
  ): boolean | undefined {
    const from = this.store.castVotesFrom(zone);
    if (from === undefined || proposal.createdBlock < from) return undefined;
    return this.store.isVoteCast(zone, nullifier);
  }

  /** Reads new events and refreshes open proposals. Concurrent calls share one run. */
  sync(): Promise<void> {
    this.#syncing ??= this.#sync().finally(() => (this.#syncing = undefined));
    return this.#syncing;
  }

  /**
   * The transaction that counted `nullifier` on `proposalId`, looked up from the proposal's creation
   * on in ranges public RPCs accept; undefined if the logs do not show it (yet).
   */
  async findVoteCast(
    zone: string,
    proposalId: string,
    nullifier: string,
  ): Promise<{ txHash: string; blockNumber: number } | undefined> {
    const proposal = this.store.proposal(zone, proposalId);
    const latest = await this.provider.getBlockNumber();
    const topics = ZONE_INTERFACE.encodeFilterTopics("VoteCast", [proposalId, null, nullifier]);
    for (let from = proposal?.createdBlock ?? this.settings.fromBlock; from <= latest;) {
      const piece = await logsFrom(from, latest, (fromBlock, toBlock) =>
        this.provider.getLogs({ address: zone, topics, fromBlock, toBlock }),
      );
      const [log] = piece.logs;
      if (log !== undefined) return { txHash: log.transactionHash, blockNumber: log.blockNumber };
      from = piece.to + 1;
    }
    return undefined;
  }

  /** The block the relayer reads the zones' events from (ZONEDAO_FROM_BLOCK). */
  get fromBlock(): number {
    return this.settings.fromBlock;
  }

  proposal(zone: string, id: string): IndexedProposal | undefined {
    return this.store.proposal(zone, id);
  }

  async #sync(): Promise<void> {
    const latest = await this.provider.getBlock("latest");
    if (latest === null) throw new Error("the RPC returned no latest block");
    for (const [address, zone] of this.#zones) {
      let from = this.store.nextBlock(address) ?? this.settings.fromBlock;
      if (this.store.zoneRules(address) === undefined) {
        // Indexing from after the zone's creation misses its first RulesChanged: start from the
        // rules as they were just before the first block indexed.
        const rules = await zone.rules({ blockTag: Math.max(0, from - 1) }).catch(() => zone.rules());
        this.store.setZoneRules(address, {
          quorumBps: Number(rules.quorumBps),
          approvalBps: Number(rules.approvalBps),
        });
      }
      // Votes are indexed from here on (from where an index made before they were had reached).
      // Read, not written, at every later sync: a write outside a transaction is a commit (an fsync).
      if (this.store.castVotesFrom(address) === undefined) this.store.setCastVotesFrom(address, from);
      // Events only as deep as the relayer trusts blocks: a reorg above that cannot leave the index
      // with members or proposals the chain no longer has.
      const trusted = latest.number - (this.settings.confirmations - 1);
      // A sealed proposal's box opens in the transaction that creates it, so both events are in
      // the same range: the module's (for any zone: filtered here by its first topic) with the zone's.
      const module = this.sealedBallots.get(address);
      const filter =
        module === undefined
          ? { address, topics: [ZONE_TOPICS] }
          : { address: [address, module], topics: [[...ZONE_TOPICS, BOX_OPENED_TOPIC]] };
      while (from <= trusted) {
        const { logs, to } = await logsFrom(from, trusted, (fromBlock, toBlock) =>
          this.provider.getLogs({ ...filter, fromBlock, toBlock }),
        );
        const castVotes: string[] = [];
        this.store.transaction(() => {
          const opened: Log[] = [];
          for (const log of logs) {
            if (log.topics[0] === VOTE_CAST_TOPIC) castVotes.push(BigInt(log.topics[2]!).toString());
            else if (log.topics[0] === BOX_OPENED_TOPIC) opened.push(log);
            else this.#apply(address, log);
          }
          for (const log of opened) this.#applyBoxOpened(address, log);
          this.store.addCastVotes(address, castVotes);
          this.store.setNextBlock(address, to + 1);
        });
        from = to + 1;
      }
      await this.#refreshOpenProposals(address, zone);
      // Off the event loop and not awaited: the relayer serves while a large zone's buckets hash.
      this.trees.hashInBackground(address).catch((error: unknown) => {
        this.logger.warn(
          { err: error, zone: address },
          "hashing the tree's buckets failed; retried after the next sync",
        );
      });
    }
    this.#chainTime = latest.timestamp;
    this.#indexedBlock = latest.number;
  }

  /** Marks the proposal whose box `log` opened as sealed, if the box is this zone's. */
  #applyBoxOpened(zone: string, log: Log): void {
    const event = SEALED_INTERFACE.parseLog(log);
    if (event === null || String(event.args.zone).toLowerCase() !== zone.toLowerCase()) return;
    const { x, y } = event.args.publicKey as { x: bigint; y: bigint };
    const box: SealedBox = { term: String(event.args.term), publicKey: [String(x), String(y)] };
    this.store.setProposalSealed(zone, String(event.args.proposalId), JSON.stringify(box));
  }

  #apply(zone: string, log: Log): void {
    const event = ZONE_INTERFACE.parseLog(log);
    if (event === null) return;
    const args = event.args;
    switch (event.name) {
      case "MemberAdded":
        this.store.setMember(zone, Number(args.index), String(args.identityCommitment));
        break;
      case "MembersAdded":
        this.store.setMembers(
          zone,
          Number(args.startIndex),
          (args.identityCommitments as bigint[]).map((commitment) => String(commitment)),
        );
        break;
      case "MemberUpdated":
        this.store.setMember(zone, Number(args.index), String(args.newIdentityCommitment));
        this.store.forgetBucketRoot(zone, Number(args.index) >> BUCKET_BITS);
        break;
      case "MemberRemoved":
        this.store.setMember(zone, Number(args.index), "0");
        this.store.forgetBucketRoot(zone, Number(args.index) >> BUCKET_BITS);
        break;
      case "RulesChanged": {
        const rules = args.rules as { quorumBps: bigint; approvalBps: bigint };
        this.store.setZoneRules(zone, {
          quorumBps: Number(rules.quorumBps),
          approvalBps: Number(rules.approvalBps),
        });
        break;
      }
      case "ProposalCreated": {
        const record = decodeProposalCreated({
          args: args as unknown as ProposalCreatedArgs,
          blockNumber: log.blockNumber,
        });
        this.store.saveProposal({
          zone,
          id: record.proposalId.toString(),
          createdBlock: record.blockNumber,
          description: record.description,
          options: JSON.stringify(optionsToJson(record.options)),
          multipleChoice: record.multipleChoice,
          snapshotRoot: record.snapshotRoot.toString(),
          snapshotDepth: record.snapshotDepth,
          eligibleCount: record.eligibleCount,
          // Logs are applied in chain order, so the leaves indexed so far are the snapshot's.
          snapshotSize: this.store.memberCount(zone),
          voteStart: record.voteStart,
          voteEnd: record.voteEnd,
          nullifier: record.nullifier.toString(),
          // A proposal is decided by the rules in force when it was created.
          ...(this.store.zoneRules(zone) ?? { quorumBps: 0, approvalBps: 0 }),
          view: null,
          final: false,
          sealed: null,
        });
        this.logger.debug({ zone, proposalId: record.proposalId.toString() }, "indexed a new proposal");
        break;
      }
      default:
        // Queueing, execution and cancellation change a proposal's view, refreshed by the sync.
        break;
    }
  }

  /**
   * Asks the zone for the state, tally and eta of every proposal whose state can still change, all
   * at once (one JSON-RPC batch), and writes those that changed in one commit: under load the index
   * syncs every poll interval, and a commit per proposal per sync was an fsync each on the event loop.
   */
  async #refreshOpenProposals(address: string, zone: Zone): Promise<void> {
    const open = this.store.proposals(address, { onlyOpen: true });
    const views = await Promise.all(open.map((proposal) => zone.getProposal(proposal.id)));
    const changed = open.flatMap((proposal, i) => {
      const state = PROPOSAL_STATES[Number(views[i]!.state)] ?? "Pending";
      const stored: ProposalView = {
        state,
        tally: views[i]!.tally.map((votes) => votes.toString()),
        eta: Number(views[i]!.eta),
      };
      const view = JSON.stringify(stored);
      return view === proposal.view ? [] : [{ id: proposal.id, view, final: FINAL_STATES.has(state) }];
    });
    if (changed.length === 0) return;
    this.store.transaction(() => {
      for (const { id, view, final } of changed) this.store.updateProposalView(address, id, view, final);
    });
  }
}
