/**
 * What a relayer says about a proposal, checked against the chain before a citizen votes on it.
 *
 * A citizen's proof binds only the proposal id and the option index, so a relayer that described a
 * proposal falsely (another payee, another amount, another text, another snapshot) would have the
 * citizen vote on something other than what they read. When the app has an RPC, it reads each
 * proposal's `ProposalCreated` event once (one getLogs per listing for the ids not yet read; the
 * event never changes, so it is cached by proposal id), shows the chain's version, and flags a
 * proposal the relayer described differently so that the page does not offer voting on it.
 * Without an RPC the relayer's account is all there is, and the page says so.
 */
import { getAddress } from "ethers";
import { queryEvents } from "../../sdk/logs.js";
import { decodeProposalCreated, optionCount, type ProposalRecord } from "../../sdk/proposals.js";
import { optionsToJson, type JsonAction, type ProposalInfo } from "../../sdk/relayer-api.js";
import { explain, zoneReader, type WebConfig } from "./api.js";

/** What a proposal's ProposalCreated event fixes, in the fields a relayer reports it in. */
type ChainProposal = Pick<
  ProposalInfo,
  | "description"
  | "options"
  | "multipleChoice"
  | "optionCount"
  | "snapshotRoot"
  | "snapshotDepth"
  | "eligibleCount"
  | "voteStart"
  | "voteEnd"
>;

function chainProposal(record: ProposalRecord): ChainProposal {
  return {
    description: record.description,
    options: optionsToJson(record.options),
    multipleChoice: record.multipleChoice,
    optionCount: optionCount(record.options),
    snapshotRoot: record.snapshotRoot.toString(),
    snapshotDepth: record.snapshotDepth,
    eligibleCount: record.eligibleCount,
    voteStart: record.voteStart,
    voteEnd: record.voteEnd,
  };
}

/** Where the proposal's details on screen come from, and whether voting on it is offered. */
export type Provenance =
  /** No RPC configured: the relayer's account, unverified. Voting is offered. */
  | { kind: "relayer-only" }
  /** The relayer's account matches the chain's event. Voting is offered. */
  | { kind: "chain" }
  /** The relayer's account differs from the chain's event; the chain's version is shown. No voting. */
  | { kind: "contradicted"; differences: string[] }
  /** No ProposalCreated event with this id was found (the RPC may lag). No voting for now. */
  | { kind: "not-on-chain" }
  /** The RPC failed; checked again on the next refresh. No voting for now. */
  | { kind: "unchecked"; reason: string };

/** A proposal as shown: the chain's fields where read, and the relayer that served it. */
export type CheckedProposal<P extends ProposalInfo = ProposalInfo> = P & {
  relayer: string;
  provenance: Provenance;
};

export function votable(proposal: CheckedProposal): boolean {
  return proposal.provenance.kind === "chain" || proposal.provenance.kind === "relayer-only";
}

/** ProposalCreated events already read, by `${zone}:${id}` (lower case). */
const onChain = new Map<string, ChainProposal>();
const keyOf = (zone: string, id: string) => `${zone.toLowerCase()}:${id}`;

/**
 * Reads the ProposalCreated events of the proposals not read yet, in one getLogs filtered by their
 * ids, from the earliest block the relayer says they were created in (a hint only: never before the
 * zone's creation block from the app's config). A relayer may lie about that block too, so ids not
 * found there are searched again from the zone's creation block.
 */
async function readChain(config: WebConfig, zone: string, proposals: readonly ProposalInfo[]) {
  const reader = zoneReader(config, zone);
  if (!reader) return;
  const missing = () =>
    proposals.filter((proposal) => /^\d+$/.test(proposal.id) && !onChain.has(keyOf(zone, proposal.id)));
  const zoneBlock =
    config.zones.find((known) => known.address.toLowerCase() === zone.toLowerCase())?.createdBlock ?? 0;
  const search = async (fromBlock: number) => {
    const ids = missing().map((proposal) => BigInt(proposal.id));
    if (ids.length === 0) return;
    // ethers ORs an array given for an indexed argument: one getLogs for every id.
    const filter = reader.filters.ProposalCreated(ids as unknown as bigint);
    for (const event of await queryEvents(reader, filter, fromBlock)) {
      const record = decodeProposalCreated(event);
      onChain.set(keyOf(zone, record.proposalId.toString()), chainProposal(record));
    }
  };
  const hints = missing().map((proposal) =>
    Number.isSafeInteger(proposal.createdBlock) ? proposal.createdBlock : zoneBlock,
  );
  const hinted = Math.max(zoneBlock, Math.min(...hints));
  if (hinted > zoneBlock) {
    try {
      await search(hinted);
    } catch {
      // e.g. a block beyond the chain's head: the wider search below decides
    }
  }
  await search(zoneBlock);
}

function sameAction(told: JsonAction, chain: JsonAction): boolean {
  try {
    return (
      getAddress(told.target) === getAddress(chain.target) &&
      BigInt(told.value) === BigInt(chain.value) &&
      told.data.toLowerCase() === chain.data.toLowerCase()
    );
  } catch {
    return false; // a malformed field is not what the chain says
  }
}

function sameOptions(told: unknown, chain: JsonAction[][]): boolean {
  return (
    Array.isArray(told) &&
    told.length === chain.length &&
    chain.every((actions, option) => {
      const toldActions: unknown = told[option];
      return (
        Array.isArray(toldActions) &&
        toldActions.length === actions.length &&
        actions.every((action, index) => sameAction(toldActions[index] as JsonAction, action))
      );
    })
  );
}

/** What the relayer's account gets wrong, in words for the citizen; empty when it matches. */
function differences(told: ProposalInfo, chain: ChainProposal): string[] {
  const found: string[] = [];
  if (!sameOptions(told.options, chain.options) || told.multipleChoice !== chain.multipleChoice)
    found.push("what the choices do");
  if (told.description !== chain.description) found.push("the description");
  if (String(told.snapshotRoot) !== chain.snapshotRoot || told.snapshotDepth !== chain.snapshotDepth)
    found.push("who may vote (the snapshot)");
  if (told.eligibleCount !== chain.eligibleCount) found.push("the number of eligible citizens");
  if (told.voteStart !== chain.voteStart || told.voteEnd !== chain.voteEnd) found.push("the voting window");
  return found;
}

/**
 * The relayer's proposals, checked: with an RPC, each carries the chain's fields (description,
 * options, snapshot, voting window) and whether the relayer's account matched them; state, tally and
 * eta stay the relayer's (the zone refuses votes outside the window whatever a relayer says).
 */
export async function checkProposals<P extends ProposalInfo>(
  config: WebConfig,
  zone: string,
  relayer: string,
  proposals: readonly P[],
): Promise<CheckedProposal<P>[]> {
  if (!config.rpcUrl) {
    return proposals.map((proposal) => ({ ...proposal, relayer, provenance: { kind: "relayer-only" } }));
  }
  let failure: string | undefined;
  try {
    await readChain(config, zone, proposals);
  } catch (error) {
    failure = explain(error);
  }
  return proposals.map((proposal): CheckedProposal<P> => {
    const chain = onChain.get(keyOf(zone, proposal.id));
    if (!chain) {
      const provenance: Provenance =
        failure === undefined ? { kind: "not-on-chain" } : { kind: "unchecked", reason: failure };
      return { ...proposal, relayer, provenance };
    }
    const found = differences(proposal, chain);
    return {
      ...proposal,
      ...chain,
      relayer,
      provenance: found.length > 0 ? { kind: "contradicted", differences: found } : { kind: "chain" },
    };
  });
}
