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
