/**
 * `zonedao vote`: an anonymous vote. The proof is made on this machine and only the proof leaves
 * it, through a relayer or from the --key account.
 */
import {
  RelayerClient,
  chooseBallotOption,
  countedVote,
  describeBallot,
  readProposals,
  proveVote,
  rebuildGroup,
  stopProverThreads,
  voteRequest,
} from "../../sdk/index.js";
import { CommandError, UsageError, chainIdOf, existingProposal, formatTime } from "../context.js";
import { citizenFlags, type Command } from "../flags.js";
import { leafIndexFlag, provingMembership } from "../membership.js";
import { shortError, submitToRelayer } from "../refusals.js";

export const vote: Command = {
  name: "vote",
  summary: "vote anonymously: proves locally, sends through a relayer or directly",
  usage: `zonedao vote --zone ZONE --proposal ID --option CHOICE IDENTITY
              [--relayer URL | --key KEY] [--leaf-index N] [--no-wait]

CHOICE is for, against or abstain on a For/Against/Abstain proposal; on a multiple-choice one, an
option's number counted from 1 as \`zone show\` and the web app show it ("Option 2: Springco" is 2),
or its exact name. A choice the proposal does not offer is refused with the list of its choices.
IDENTITY is --identity EXPORTED, --identity-file FILE or --citizen NAME (local demo). The proof is
made on this machine; only the proof leaves it. --relayer defaults to the deployment file's relayer;
with --key (and no relayer) the vote is sent from that account instead. Waits until the vote is
mined unless --no-wait.

With a relayer, the proof's Merkle path comes from the relayer's tree: your bucket of 1,024 leaves
and 3 decoy buckets, checked against the proposal's snapshot root, so the relayer learns only that
you are one of ~4,096 members. Your leaf index is found once by reading the whole member list page
by page (printed; --leaf-index N skips that). If the path does not match the chain (a member removed
since the snapshot) or there is no relayer, the group is rebuilt from the zone's events.`,
  options: {
    ...citizenFlags,
    ...leafIndexFlag,
    proposal: { type: "string" },
    option: { type: "string" },
    "no-wait": { type: "boolean" },
  },
  async run(context) {
    const identity = context.identity();
    const proposalId = context.uint("proposal");
    const typed = context.required("option");
    const { address, zone, createdBlock } = await context.zone();
    const provider = await context.provider();
    const chainId = await chainIdOf(provider);
    const { view, state } = await existingProposal(zone, address, proposalId);
    if (state !== "Active") {
      throw new CommandError(
        `proposal ${proposalId} is ${state}: it is not open for votes (voting ran until ${formatTime(view.voteEnd)})`,
      );
    }
    // Options are read from the proposal's ProposalCreated event: its actions, and its names in the
    // description the proposer's proof bound, so the choice is the one the web app shows.
    const [record] = await readProposals(zone, createdBlock ?? 0, proposalId);
    if (record === undefined) throw new CommandError(`no ProposalCreated event for proposal ${proposalId}`);
    let chosen;
    try {
      chosen = chooseBallotOption(
        describeBallot(record, { zone: address, admissions: await zone.ADMISSIONS() }),
        typed,
      );
    } catch (error) {
      throw new UsageError(`--option: proposal ${proposalId}: ${(error as Error).message}`);
    }
    const option = chosen.index;
    const place = { chainId, zone: address, proposalId };
    // Found among every vote's event, never by asking the RPC about this identity's nullifier.
    if ((await countedVote(zone, identity, place, createdBlock ?? 0)) !== undefined) {
      throw new CommandError(`this identity already voted on proposal ${proposalId}`);
    }
    const { membership, merkleTreeDepth } = await provingMembership(context, {
      address,
      identity,
      tree: { root: view.snapshotRoot, depth: Number(view.snapshotDepth), size: Number(view.eligibleCount) },
      rebuild: () => rebuildGroup(zone, { untilProposal: proposalId, fromBlock: createdBlock }),
      notCitizen: `this identity was not a citizen of ${address} when proposal ${proposalId} was made`,
    });
    context.progress(`proving a vote for ${chosen.label} (a few seconds)...`);
    const vote = await proveVote(identity, membership, { ...place, option, merkleTreeDepth });
    await stopProverThreads();
    const relayerUrl = context.relayerUrl();
    if (relayerUrl !== undefined) {
      const client = new RelayerClient(relayerUrl);
      await submitToRelayer(() => client.submitVote(voteRequest(address, vote)));
      if (context.flags["no-wait"] === true) {
        context.print(
          { nullifier: vote.nullifier.toString(), status: "queued", option, choice: chosen.label },
          `vote for ${chosen.label} accepted by ${relayerUrl} (nullifier ${vote.nullifier}); follow it with GET ${relayerUrl}/v1/votes/${vote.nullifier}`,
        );
        return;
      }
      context.progress(`accepted by ${relayerUrl}; waiting for it to be mined...`);
      const status = await client.waitForVote(vote.nullifier, { timeoutMs: 300_000 });
      if (status.status === "rejected")
        throw new CommandError(`the zone did not count the vote: ${status.reason}`);
      context.print(
        { ...status, option, choice: chosen.label },
        `vote for ${chosen.label} counted on proposal ${proposalId} (tx ${status.txHash}, block ${status.blockNumber})`,
      );
      return;
    }
    const signer = await context.signer();
    try {
      const receipt = await (
        await zone.connect(signer).castVote(proposalId, option, vote.nullifier, vote.points)
      ).wait();
      context.print(
        {
          nullifier: vote.nullifier.toString(),
          status: "confirmed",
          txHash: receipt?.hash,
          blockNumber: receipt?.blockNumber,
          option,
          choice: chosen.label,
        },
        `vote for ${chosen.label} counted on proposal ${proposalId} (tx ${receipt?.hash})`,
      );
    } catch (error) {
      throw new CommandError(`the zone refused the vote: ${shortError(error)}`);
    }
  },
};
