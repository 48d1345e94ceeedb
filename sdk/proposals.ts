/**
 * What a proposal is once it is on chain, as every layer reads it: its ProposalCreated record, how
 * many options a citizen may vote for, which actions run if an option wins, and a citizen's own
 * traces in it (a used proposal slot, a counted vote), found without telling anyone a nullifier.
 * Browser-safe: ethers, scopes and nullifiers only.
 */
import type { Identity } from "@semaphore-protocol/identity";
import type { Zone } from "../types/ethers-contracts/index.js";
import { VoteOption } from "./constants.js";
import { queryEvents } from "./logs.js";
import { nullifierOf } from "./nullifier.js";
import { proposalScope, voteScope } from "./scope.js";
import type { ZoneAction } from "./types.js";

/**
 * A proposal offers one list of actions (a For/Against/Abstain vote, which runs it if For wins) or
 * 2 to MAX_OPTIONS lists (multiple choice: the option with the most votes runs its list).
 */
export function isMultipleChoice(options: readonly unknown[]): boolean {
  return options.length > 1;
}

/** How many options a citizen may vote for: Against, For and Abstain, or one per list. */
export function optionCount(options: readonly unknown[]): number {
  return isMultipleChoice(options) ? options.length : 3;
}

/**
 * The actions `execute` takes when `option` won: a multiple-choice option's own list; For's list
 * (the only one) for a For/Against/Abstain proposal, whose Against and Abstain run nothing.
 */
export function executableActions<A>(
  options: readonly (readonly A[])[],
  option: number | bigint,
): readonly A[] {
  const index = Number(option);
  if (isMultipleChoice(options)) return options[index] ?? [];
  return index === VoteOption.For ? (options[0] ?? []) : [];
}

/** A proposal as its ProposalCreated event records it. */
export interface ProposalRecord {
  proposalId: bigint;
  options: ZoneAction[][];
  multipleChoice: boolean;
  description: string;
  snapshotRoot: bigint;
  snapshotDepth: number;
  eligibleCount: number;
  voteStart: number;
  voteEnd: number;
  /** The nullifier of the membership proof that created it (its author's proposal slot). */
  nullifier: bigint;
  blockNumber: number;
}

/** The arguments of a ProposalCreated event, as ethers decodes them (typed or not). */
export interface ProposalCreatedArgs {
  proposalId: bigint;
  options: readonly (readonly { target: string; value: bigint; data: string }[])[];
  description: string;
  snapshotRoot: bigint;
  snapshotDepth: bigint;
  eligibleCount: bigint;
  voteStart: bigint;
  voteEnd: bigint;
  nullifier: bigint;
}

/** The one reading of a ProposalCreated event (from queryEvents, or a log parsed by the Zone ABI). */
export function decodeProposalCreated(event: {
  args: ProposalCreatedArgs;
  blockNumber: number;
}): ProposalRecord {
  const { args } = event;
  const options = args.options.map((actions) =>
    actions.map(({ target, value, data }) => ({ target, value, data })),
  );
  return {
    proposalId: args.proposalId,
    options,
    multipleChoice: isMultipleChoice(options),
    description: args.description,
    snapshotRoot: args.snapshotRoot,
    snapshotDepth: Number(args.snapshotDepth),
    eligibleCount: Number(args.eligibleCount),
    voteStart: Number(args.voteStart),
    voteEnd: Number(args.voteEnd),
    nullifier: args.nullifier,
    blockNumber: event.blockNumber,
  };
}

/** Every proposal of `zone` from `fromBlock` (its creation block, or earlier), in order. */
export async function readProposals(
  zone: Zone,
  fromBlock = 0,
  proposalId?: bigint,
): Promise<ProposalRecord[]> {
  return (await queryEvents(zone, zone.filters.ProposalCreated(proposalId), fromBlock)).map(
    decodeProposalCreated,
  );
}

/** Where a citizen's proofs count: the chain and the zone's address (scopes bind both). */
export interface ZonePlace {
  chainId: bigint;
  zone: string;
}

/**
 * The first of `authors` with a proposal slot left in `epoch`, and that slot; undefined when every
 * slot of every author is used. `used` holds the nullifiers of the zone's proposals (see
 * readProposals): a slot's use is looked up there, never asked of an RPC, which would learn which
 * proposals are this citizen's.
 */
export function freeProposalSlot<I extends Identity>(
  authors: readonly I[],
  place: ZonePlace & { epoch: bigint; proposalsPerEpoch: bigint },
  used: ReadonlySet<bigint>,
): { author: I; slot: bigint } | undefined {
  for (let slot = 0n; slot < place.proposalsPerEpoch; slot++) {
    const scope = proposalScope(place.chainId, place.zone, place.epoch, slot);
    const author = authors.find((candidate) => !used.has(nullifierOf(candidate, scope)));
    if (author !== undefined) return { author, slot };
  }
  return undefined;
}

/** The nullifiers of a zone's proposals, for freeProposalSlot. */
export async function usedProposalNullifiers(zone: Zone, fromBlock = 0): Promise<Set<bigint>> {
  return new Set((await readProposals(zone, fromBlock)).map((proposal) => proposal.nullifier));
}

/** A citizen's proposal slots in the zone's current period (epoch), as the form shows them. */
export interface ProposalSlots {
  epoch: bigint;
  /** Slots a citizen has each period (the rules' proposalsPerEpoch). */
  total: number;
  used: number;
  left: number;
  /** The slot a proposal made now takes; undefined when none is left. */
  freeSlot: bigint | undefined;
  /** When the next period starts and the slots renew, in the chain's seconds. */
  renewsAt: bigint;
  /** Seconds from the chain's time until then. */
  renewsIn: bigint;
}

/** The proposal period (epoch) at `chainTime`, as ZoneGovernance.currentProposalEpoch counts it. */
export function proposalEpochAt(chainTime: bigint | number, proposalEpoch: bigint | number): bigint {
  return BigInt(chainTime) / BigInt(proposalEpoch);
}

/**
 * `identity`'s proposal slots at `chainTime` (the latest block's timestamp, never the reader's
 * clock): how many it used and has left this period, and when they renew. `used` holds the
 * nullifiers of the zone's proposals, as for freeProposalSlot. `epoch` is the chain's own
 * currentProposalEpoch when the caller read it: a chain that mined no block for a while answers it
 * from a later time than its latest block's, so the period is that one and time is at least its start.
 */
export function proposalSlots(
  identity: Identity,
  place: ZonePlace,
  chainTime: bigint | number,
  rules: { proposalEpoch: bigint | number; proposalsPerEpoch: bigint | number },
  used: ReadonlySet<bigint>,
  epoch?: bigint,
): ProposalSlots {
  return epochSlots(
    identity,
    (current, slot) => proposalScope(place.chainId, place.zone, current, slot),
    chainTime,
    { epochLength: rules.proposalEpoch, perEpoch: rules.proposalsPerEpoch },
    used,
    epoch,
  );
}

/**
 * `identity`'s slots of any act a citizen may do a number of times per proposal period (proposals,
 * invitations): the act's scope of (epoch, slot) says which nullifier each slot spends, and `used`
 * holds the nullifiers the zone has seen for that act. Otherwise as proposalSlots.
 */
export function epochSlots(
  identity: Identity,
  scopeOf: (epoch: bigint, slot: bigint) => bigint,
  chainTime: bigint | number,
  rules: { epochLength: bigint | number; perEpoch: bigint | number },
  used: ReadonlySet<bigint>,
  epoch?: bigint,
): ProposalSlots {
  const length = BigInt(rules.epochLength);
  const current = epoch ?? proposalEpochAt(chainTime, length);
  const now = BigInt(chainTime) > current * length ? BigInt(chainTime) : current * length;
  const total = Number(rules.perEpoch);
  let usedCount = 0;
  let freeSlot: bigint | undefined;
  for (let slot = 0n; slot < BigInt(total); slot++) {
    const nullifier = nullifierOf(identity, scopeOf(current, slot));
    if (used.has(nullifier)) usedCount++;
    else freeSlot ??= slot;
  }
  const renewsAt = (current + 1n) * length;
  return {
    epoch: current,
    total,
    used: usedCount,
    left: total - usedCount,
    freeSlot,
    renewsAt,
    renewsIn: renewsAt > now ? renewsAt - now : 0n,
  };
}

/** What identicalPendingProposal compares of a proposal, and when its vote closes. */
export interface OpenProposalCandidate {
  proposalId: bigint;
  options: readonly (readonly ZoneAction[])[];
  description: string;
  voteEnd: number | bigint;
}

/**
 * The zone's newest proposal still Pending or Active at `chainTime` (not canceled, vote not yet
 * ended) whose options run exactly `options` (same targets, values and calldata, in the same order)
 * and whose description is `description` (spaces around it aside); undefined when there is none.
 * A second copy of an open proposal only splits its votes and spends a proposal slot: the citizen
 * should vote on the first. Closed proposals may be proposed again.
 */
export function identicalPendingProposal<P extends OpenProposalCandidate>(
  proposals: readonly P[],
  options: readonly (readonly ZoneAction[])[],
  description: string,
  chainTime: bigint | number,
  canceled: ReadonlySet<bigint> = new Set(),
): P | undefined {
  const time = BigInt(chainTime);
  const open = (proposal: P) =>
    !canceled.has(proposal.proposalId) &&
    time < BigInt(proposal.voteEnd) &&
    proposal.description.trim() === description.trim() &&
    sameOptions(proposal.options, options);
  return [...proposals].reverse().find(open);
}

function sameOptions(a: readonly (readonly ZoneAction[])[], b: readonly (readonly ZoneAction[])[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (actions, i) =>
        actions.length === b[i]!.length &&
        actions.every((action, j) => {
          const other = b[i]![j]!;
          return (
            action.target.toLowerCase() === other.target.toLowerCase() &&
            BigInt(action.value) === BigInt(other.value) &&
            action.data.toLowerCase() === other.data.toLowerCase()
          );
        }),
    )
  );
}

/** The ids of the zone's canceled proposals (its ProposalCanceled events), for identicalPendingProposal. */
export async function readCanceledProposals(zone: Zone, fromBlock = 0): Promise<Set<bigint>> {
  return new Set(
    (await queryEvents(zone, zone.filters.ProposalCanceled(), fromBlock)).map(
      (event) => event.args.proposalId,
    ),
  );
}

/**
 * The option `identity` voted for on `proposalId`, if its vote is counted on chain; undefined if
 * not. Every vote on the proposal is read and this citizen's nullifier looked for among them, so
 * neither the RPC nor anyone watching it learns the nullifier (which would link the asker to the
 * vote once it lands). A vote accepted by a relayer but not yet mined is not seen here.
 */
export async function countedVote(
  zone: Zone,
  identity: Identity,
  place: ZonePlace & { proposalId: bigint },
  fromBlock = 0,
): Promise<bigint | undefined> {
  const nullifier = nullifierOf(identity, voteScope(place.chainId, place.zone, place.proposalId));
  const votes = await queryEvents(zone, zone.filters.VoteCast(place.proposalId), fromBlock);
  return votes.find((vote) => vote.args.nullifier === nullifier)?.args.option;
}

/**
 * The options `identity` voted for among `proposalIds`, by proposal id, for the votes counted on
 * chain. Like countedVote, it reads every VoteCast of the zone (one query for a whole list of
 * proposals) and looks for this citizen's nullifiers here, so no one learns them.
 */
export async function countedVotes(
  zone: Zone,
  identity: Identity,
  place: ZonePlace,
  proposalIds: readonly bigint[],
  fromBlock = 0,
): Promise<Map<bigint, bigint>> {
  const mine = new Map(
    proposalIds.map((id) => [nullifierOf(identity, voteScope(place.chainId, place.zone, id)), id]),
  );
  const found = new Map<bigint, bigint>();
  if (mine.size === 0) return found;
  for (const vote of await queryEvents(zone, zone.filters.VoteCast(), fromBlock)) {
    const id = mine.get(vote.args.nullifier);
    if (id !== undefined && vote.args.proposalId === id) found.set(id, vote.args.option);
  }
  return found;
}
