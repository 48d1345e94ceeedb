/**
 * The relayer's optional keeper: it moves the served zones' passed proposals on before their
 * execution window closes, as anyone may and as `zonedao execute` does, with the sdk's steps
 * (queueProposal, then executeProposal, which also applies the membership changes a proposal
 * approved).
 *
 * It signs with an account of its own (ZONEDAO_KEEPER_KEY), never the relayer's: the submitter
 * counts the relayer's nonces itself, with several batches unmined at once, and a transaction from
 * the same account that it did not sign would take one of those nonces.
 *
 * It stays cheap on a long-lived zone: the relayer's index already follows every proposal's state and
 * stops reading those that are final (Executed, Defeated, Expired, Canceled), so a pass reads the
 * index and asks the chain only about a proposal the index shows ready for a step: Succeeded (queue
 * it) or Queued with its eta reached in chain time (execute it). The sdk confirms each step against
 * the chain's own timeline before sending, so an index a sync behind costs a read, never a transaction.
 */
import { isError, type Provider, type Wallet } from "ethers";
import type { Logger } from "pino";
import {
  ProposalNotReadyError,
  executeProposal,
  formatChainTime,
  queueProposal,
  zoneCreatedBlock,
  type Zone,
} from "../sdk/index.js";
import { isUnpayable } from "./errors.js";
import type { ProposalView, ZoneIndexer } from "./indexer.js";
import type { KeeperMetrics } from "./metrics.js";
import type { RelayerStore } from "./store.js";

type Step = "queue" | "execute";

export interface KeeperDependencies {
  /** The keeper's own account, connected to `provider`. */
  wallet: Wallet;
  provider: Provider;
  zones: ReadonlyMap<string, Zone>;
  store: RelayerStore;
  indexer: ZoneIndexer;
  intervalMs: number;
  metrics: KeeperMetrics;
  logger: Logger;
}

export class Keeper {
  #timer: NodeJS.Timeout | undefined;
  #pass: Promise<void> | undefined;
  #stopping = false;
  /**
   * Each zone's creation block, found once (sdk zoneCreatedBlock): the sdk's steps read the rules a
   * proposal runs by and the group's members (for the Merkle siblings of a membership change) from there.
   */
  readonly #createdBlocks = new Map<string, Promise<number>>();

  constructor(private readonly deps: KeeperDependencies) {}

  get address(): string {
    return this.deps.wallet.address;
  }

  /** When its last pass over the zones ended (unix seconds), or null before the first. */
  get lastRunAt(): number | null {
    return this.deps.metrics.lastRunSeconds;
  }

  /** Makes a pass now, then every interval. */
  start(): void {
    const pass = () => {
      this.run().catch((error: unknown) => {
        this.deps.logger.error({ err: error }, "keeper pass failed; trying again at the next pass");
      });
    };
    pass();
    this.#timer = setInterval(pass, this.deps.intervalMs);
  }

  /**
   * One pass over the served zones; a call while one runs shares it. A step that fails is logged
   * and counted, and taken again at the next pass.
   */
  run(): Promise<void> {
    this.#pass ??= this.#run().finally(() => (this.#pass = undefined));
    return this.#pass;
  }

  /** Takes no further step; resolves once the one under way (its transaction mined) is over. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#timer);
    // A pass that failed was reported to whoever started it: shutting down goes on.
    await this.#pass?.catch(() => undefined);
  }

  async #run(): Promise<void> {
    const { indexer, zones, metrics, logger } = this.deps;
    if (this.#stopping) return;
    try {
      // The relayer timer's sync (shared with it if one runs): each proposal's state, and chain time.
      await indexer.sync();
    } catch (error) {
      logger.warn({ err: error }, "keeper: the index could not be read; trying again at the next pass");
      return;
    }
    for (const [zoneAddress, zone] of zones) {
      for (const { proposalId, step } of this.#due(zoneAddress)) {
        if (this.#stopping) return;
        await this.#take(zoneAddress, zone, proposalId, step);
      }
    }
    metrics.ran(Date.now());
  }

  /** The zone's proposals the index shows ready for a step, oldest first. */
  #due(zone: string): { proposalId: bigint; step: Step }[] {
    const { store, indexer } = this.deps;
    return store.proposals(zone, { onlyOpen: true }).flatMap(({ id, view }) => {
      const step = view === null ? undefined : stepDue(JSON.parse(view) as ProposalView, indexer.chainTime);
      return step === undefined ? [] : [{ proposalId: BigInt(id), step }];
    });
  }

  async #take(zoneAddress: string, zone: Zone, proposalId: bigint, step: Step): Promise<void> {
    const { wallet, metrics, logger } = this.deps;
    const about = { zone: zoneAddress, proposalId: proposalId.toString(), keeper: wallet.address };
    try {
      const fromBlock = await this.#createdBlock(zoneAddress);
      if (step === "queue") {
        const queued = await queueProposal(zone, wallet, proposalId, { fromBlock });
        metrics.queued();
        logger.info(
          {
            ...about,
            txHash: queued.txHash,
            executableFrom: formatChainTime(queued.eta),
            executableUntil: formatChainTime(queued.executableUntil),
          },
          "keeper queued a passed proposal",
        );
        return;
      }
      const executed = await executeProposal(zone, wallet, proposalId, { fromBlock });
      metrics.executed();
      logger.info(
        {
          ...about,
          txHash: executed.txHash,
          option: executed.option.toString(),
          membershipChangesApplied: executed.applied.length,
        },
        "keeper executed a proposal",
      );
      if (executed.failed.length > 0) {
        // The proposal is final now, so no later pass comes back to them: the operator must.
        logger.warn(
          {
            ...about,
            failed: executed.failed.map(({ identityCommitment, error }) => ({
              identityCommitment: identityCommitment.toString(),
              err: error,
            })),
          },
          "keeper executed a proposal but could not apply every membership change it approved: " +
            "apply them within its execution window with `zonedao member apply`",
        );
      }
    } catch (error) {
      if (error instanceof ProposalNotReadyError) {
        // The index was a sync behind the chain (another keeper took the step, or the window
        // closed): nothing was sent.
        logger.debug(
          { ...about, nextStep: error.timeline.nextStep },
          `keeper: proposal not ready to ${step}`,
        );
        return;
      }
      const reason = failureReason(error);
      metrics.failed(step, reason);
      logger.warn(
        // The stack only for the unexpected: an unfunded account or a revert is said in its words.
        { ...about, step, reason, cause: causeOf(error), ...(reason === "error" ? { err: error } : {}) },
        reason === "unfunded"
          ? `keeper cannot pay to ${step} the proposal: fund its account ${wallet.address}; trying again at the next pass`
          : `keeper could not ${step} the proposal; trying again at the next pass`,
      );
    }
  }

  #createdBlock(zone: string): Promise<number> {
    let block = this.#createdBlocks.get(zone);
    if (block === undefined) {
      block = zoneCreatedBlock(this.deps.provider, zone);
      // A look-up that failed (the RPC away) is made again at the next pass, not remembered.
      block.catch(() => this.#createdBlocks.delete(zone));
      this.#createdBlocks.set(zone, block);
    }
    return block;
  }
}

/** The step a proposal in `view` is ready for at `chainTime`: Succeeded, or Queued past its eta. */
function stepDue({ state, eta }: ProposalView, chainTime: number): Step | undefined {
  if (state === "Succeeded") return "queue";
  if (state === "Queued" && eta <= chainTime) return "execute";
  return undefined;
}

/** What a failed step's error says: the node's JSON-RPC error, the zone's custom error, or ethers'. */
interface StepError {
  error?: { message?: unknown };
  revert?: { name: string; args: unknown[] } | null;
  shortMessage?: string;
}

/** Why a step failed, as the failures metric labels it. */
function failureReason(error: unknown): "unfunded" | "reverted" | "error" {
  if (isUnpayable(error)) return "unfunded";
  if (isError(error, "CALL_EXCEPTION")) return "reverted";
  return "error";
}

/** The failure in one line: the zone's custom error, else the node's words, else ethers'. */
function causeOf(error: unknown): string {
  const { error: rpcError, revert, shortMessage } = error as StepError;
  if (revert) return `${revert.name}(${revert.args.map(String).join(", ")})`;
  if (typeof rpcError?.message === "string") return rpcError.message;
  return shortMessage ?? String(error);
}
