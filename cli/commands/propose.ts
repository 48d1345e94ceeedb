/**
 * `zonedao propose`: an anonymous proposal. The membership proof binds the options and the
 * description (its title and option names, sdk/proposal-text.ts), so a relayer can send it but not
 * change it.
 */
import { basename } from "node:path";
import { parseEther, type Provider } from "ethers";
import {
  sealedBallotsOf,
  zoneTellersAt,
  MAX_OPTIONS,
  MAX_OPTION_NAME_LENGTH,
  MIN_TREE_DEPTH,
  MAX_TITLE_LENGTH,
  ballotOptions,
  encodeProposalText,
  isMultipleChoice,
  RelayerClient,
  StillPending,
  formatDuration,
  identicalPendingProposal,
  payEther,
  proposalRequest,
  proposalSlots,
  proveProposal,
  readCanceledProposals,
  readProposals,
  rebuildGroup,
  stopProverThreads,
  type Identity,
  type ZoneAction,
} from "../../sdk/index.js";
import { CommandError, UsageError, chainIdOf, formatTime, type CommandContext } from "../context.js";
import { citizenFlags, type Command } from "../flags.js";
import { leafIndexFlag, provingMembership } from "../membership.js";
import { identicalProposalRefusal, shortError, submitToRelayer } from "../refusals.js";

export const propose: Command = {
  name: "propose",
  summary: "propose anonymously, through a relayer or from your own account",
  usage: `zonedao propose --zone ZONE IDENTITY --title TEXT (--actions FILE [--option-name NAME ...] |
                 --pay-eth AMOUNT --to ADDRESS) [--sealed TERM] (--relayer URL | --key KEY)

IDENTITY is --identity EXPORTED, --identity-file FILE or --citizen NAME (local demo).
--title says in a few words what citizens decide (one line, at most ${MAX_TITLE_LENGTH} characters).
--actions FILE is JSON: a list of options, each a list of {"target","value","data"} (one list: a
For/Against/Abstain vote whose For runs it; 2-${MAX_OPTIONS} lists: choose one). With several lists,
give one --option-name per list, in order (at most ${MAX_OPTION_NAME_LENGTH} characters each): voters read
"Option 1: NAME", counted from 1. The proof binds the content, so no relayer can change it.
--sealed TERM seals the ballots to that term of the zone's tellers (their key must be final and their
term last past the vote): no count shows until enough of them open it after the vote. At most 3
options (For/Against/Abstain, or 2-3 lists); the proof binds the term with the content.
--relayer defaults to the deployment file's relayer. With a relayer, the proof's Merkle path comes
from its tree (your bucket and decoys, checked against the zone's root; see \`zonedao vote --help\`,
--leaf-index N skips the scan for your leaf), else the group is rebuilt from the zone's events.`,
  options: {
    ...citizenFlags,
    ...leafIndexFlag,
    title: { type: "string" },
    "option-name": { type: "string", multiple: true },
    actions: { type: "string" },
    "pay-eth": { type: "string" },
    to: { type: "string" },
    sealed: { type: "string" },
  },
  async run(context) {
    const identity = context.identity();
    const options = await readOptions(context);
    const description = describedAs(context, options);
    const proposed = await proposeAnonymously(context, identity, options, description);
    context.print(proposed.value, proposed.text);
    printBallot(context, description, options);
  },
};

/**
 * Proposes `options` and `description` anonymously as `identity` in the --zone: refused before any
 * proof if the identity is no citizen, if an open proposal already asks exactly this, or if its
 * proposal slots are used; then proved here and sent through the relayer (CommandContext.relayerUrl)
 * or from --key. Returns what to print: the relayer's status or the proposal's id and transaction.
 */
export async function proposeAnonymously(
  context: CommandContext,
  identity: Identity,
  options: ZoneAction[][],
  description: string,
): Promise<{ value: Record<string, unknown>; text: string; proposalId: bigint }> {
  const relayerUrl = context.sendingRelayer();
  const { address, zone, createdBlock } = await context.zone();
  const provider = await context.provider();
  const chainId = await chainIdOf(provider);
  // The zone's current tree: the proof's root must be its root (or a recent one).
  const [root, depth, size] = await zone.merkleTree();
  const { membership, merkleTreeDepth } = await provingMembership(context, {
    address,
    identity,
    tree: { root, depth: Math.max(MIN_TREE_DEPTH, Number(depth)), size: Number(size) },
    rebuild: () => rebuildGroup(zone, { fromBlock: createdBlock }),
    notCitizen: `this identity (commitment ${identity.commitment}) is not a citizen of ${address}`,
  });
  const epoch = await zone.currentProposalEpoch();
  const rules = await zone.rules();
  const proposals = await readProposals(zone, createdBlock);
  // A copy of a proposal still open would only split its votes and spend a slot.
  const chainTime = (await provider.getBlock("latest"))?.timestamp ?? 0;
  const identical = identicalPendingProposal(
    proposals,
    options,
    description,
    chainTime,
    await readCanceledProposals(zone, createdBlock),
  );
  if (identical !== undefined) throw identicalProposalRefusal(identical.proposalId, identical.voteEnd);
  const tellersTerm = context.text("sealed") === undefined ? undefined : context.uint("sealed");
  if (tellersTerm !== undefined) {
    await requireSealableTerm(address, tellersTerm, chainTime + Number(rules.votingPeriod), provider);
  }
  // Used slots are found among every proposal's nullifier, not by asking the RPC about ours.
  const slots = proposalSlots(
    identity,
    { chainId, zone: address },
    chainTime,
    rules,
    new Set(proposals.map((proposal) => proposal.nullifier)),
    epoch,
  );
  if (slots.freeSlot === undefined) {
    throw new CommandError(
      `this identity has used all ${slots.total} of its proposals in epoch ${epoch}; they renew ` +
        `${formatTime(slots.renewsAt)} (in ${formatDuration(slots.renewsIn, { units: 2 })})`,
    );
  }
  context.progress("proving membership (a few seconds)...");
  const proof = await proveProposal(identity, membership, {
    chainId,
    zone: address,
    merkleTreeDepth,
    epoch,
    slot: slots.freeSlot,
    options,
    description,
    tellersTerm,
  });
  await stopProverThreads();
  if (relayerUrl !== undefined) {
    const client = new RelayerClient(relayerUrl);
    const accepted = await submitToRelayer(() =>
      client.submitProposal(proposalRequest(address, options, description, proof, tellersTerm)),
    );
    context.progress(`accepted by ${relayerUrl}; waiting for it to be mined...`);
    let status;
    try {
      status = await client.waitForProposal(accepted.nullifier, { timeoutMs: 120_000, intervalMs: 500 });
    } catch (error) {
      if (!(error instanceof StillPending)) throw error;
      throw new CommandError(`the proposal is still ${error.last.status} at ${relayerUrl}`);
    }
    if (status.status === "rejected")
      throw new CommandError(`the zone rejected the proposal: ${status.reason}`);
    return {
      value: { ...status },
      text: `proposal ${status.proposalId} created in ${address} (tx ${status.txHash})`,
      proposalId: BigInt(status.proposalId ?? 0),
    };
  }
  const signer = await context.signer();
  try {
    const connected = zone.connect(signer);
    const sent =
      tellersTerm === undefined
        ? connected.propose(options, description, proof)
        : connected.proposeSealed(options, description, proof, tellersTerm);
    const receipt = await (await sent).wait();
    const id = await zone.proposalCount();
    return {
      value: { proposalId: id.toString(), txHash: receipt?.hash },
      text: `proposal ${id} created in ${address} (tx ${receipt?.hash})`,
      proposalId: id,
    };
  } catch (error) {
    throw new CommandError(`the zone refused the proposal: ${shortError(error)}`);
  }
}

/**
 * Refuses, before anything is proved, a --sealed term that cannot seal a proposal made now: no
 * sealed ballots in this deployment, no such term, its key not final, or a term ending before the
 * vote would (`voteEnd`, about).
 */
async function requireSealableTerm(
  zone: string,
  term: bigint,
  voteEnd: number,
  provider: Provider,
): Promise<void> {
  const sealedBallots = await sealedBallotsOf(zone, provider);
  if (sealedBallots === undefined) {
    throw new CommandError("--sealed: this deployment has no sealed ballots (it was deployed without a key)");
  }
  const tellers = zoneTellersAt(await sealedBallots.TELLERS(), provider);
  if (term >= (await tellers.termCount(zone))) {
    throw new CommandError(`--sealed: the zone has elected no tellers for term ${term}`);
  }
  const { finalized, end } = await tellers.getTerm(zone, term);
  if (!finalized) throw new CommandError(`--sealed: term ${term}'s tellers have not made their key yet`);
  if (Number(end) < voteEnd) {
    throw new CommandError(`--sealed: term ${term} ends ${formatTime(end)}, before the vote would`);
  }
}

/**
 * The proposal's description: --title and, for a multiple-choice proposal, one --option-name per
 * option in order (the sdk's encodeProposalText, so every app reads the same names).
 */
function describedAs(context: CommandContext, options: ZoneAction[][]): string {
  const title = context.required("title");
  const names = (context.flags["option-name"] as string[] | undefined) ?? [];
  if (!isMultipleChoice(options)) {
    if (names.length > 0)
      throw new UsageError("--option-name: a For/Against/Abstain proposal has no options to name");
  } else if (names.length !== options.length) {
    throw new UsageError(
      `--option-name: give one per option, in order: ${options.length} options, ${names.length} name(s)`,
    );
  }
  try {
    return encodeProposalText({ title, optionNames: names.length > 0 ? names : undefined });
  } catch (error) {
    const message = (error as Error).message
      .replace(/^Title: /, "--title: ")
      .replace(/^Option (\d+)'s name: /, "--option-name $1: ");
    throw new UsageError(message);
  }
}

/** A multiple-choice proposal's options as voters will read them (on stderr), labelled as every app labels them. */
function printBallot(context: CommandContext, description: string, options: ZoneAction[][]): void {
  if (!isMultipleChoice(options)) return;
  const labels = ballotOptions({ description, options }).map((choice) => choice.label);
  context.progress(`voters choose: ${labels.join("; ")}`);
}

/** The proposal's options: from --actions FILE, or one option paying --pay-eth to --to. */
async function readOptions(context: CommandContext): Promise<ZoneAction[][]> {
  const file = context.text("actions");
  const payEth = context.text("pay-eth");
  if ((file === undefined) === (payEth === undefined))
    throw new UsageError("give exactly one of --actions FILE or --pay-eth AMOUNT --to ADDRESS");
  if (payEth !== undefined) {
    let amount: bigint;
    try {
      amount = parseEther(payEth);
    } catch {
      throw new UsageError(`--pay-eth: "${payEth}" is not an amount of ether`);
    }
    return [[payEther(context.address("to"), amount)]];
  }
  const { readFileSync, existsSync } = await import("node:fs");
  if (!existsSync(file!)) throw new UsageError(`--actions: no file at ${file}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file!, "utf8"));
  } catch (error) {
    throw new UsageError(`--actions: ${basename(file!)} is not JSON: ${(error as Error).message}`);
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length === 0 ||
    parsed.length > MAX_OPTIONS ||
    !parsed.every(Array.isArray)
  ) {
    throw new UsageError(`--actions: expected a list of 1-${MAX_OPTIONS} options, each a list of actions`);
  }
  return (parsed as { target?: unknown; value?: unknown; data?: unknown }[][]).map((actions, i) =>
    actions.map((action, j) => {
      const where = `--actions: option ${i + 1} action ${j + 1}`;
      if (typeof action.target !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(action.target))
        throw new UsageError(`${where}: target is not an address`);
      if (typeof action.value !== "string" || !/^\d+$/.test(action.value))
        throw new UsageError(`${where}: value must be a decimal string of wei`);
      if (typeof action.data !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(action.data))
        throw new UsageError(`${where}: data must be 0x-prefixed hex`);
      return { target: action.target, value: BigInt(action.value), data: action.data };
    }),
  );
}
