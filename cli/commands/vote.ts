/**
 * `zonedao vote`: an anonymous vote. The proof is made on this machine and only the proof leaves
 * it, through a relayer or from the --key account.
 */
import {
  MAX_OPTIONS,
  RelayerClient,
  VoteOption,
  countedVote,
  proveVote,
  rebuildGroup,
  stopProverThreads,
  voteRequest,
} from "../../sdk/index.js";
import { CommandError, UsageError, chainIdOf, existingProposal, formatTime } from "../context.js";
import { citizenFlags, type Command } from "../flags.js";
import { shortError, submitToRelayer } from "../refusals.js";

export const vote: Command = {
  name: "vote",
  summary: "vote anonymously: proves locally, sends through a relayer or directly",
  usage: `zonedao vote --zone ZONE --proposal ID --option for|against|abstain|N IDENTITY
              [--relayer URL | --key KEY] [--no-wait]

IDENTITY is --identity EXPORTED, --identity-file FILE or --citizen NAME (local demo). The proof is
made on this machine; only the proof leaves it. --relayer defaults to the deployment file's relayer;
with --key (and no relayer) the vote is sent from that account instead. Waits until the vote is
mined unless --no-wait.`,
  options: {
    ...citizenFlags,
    proposal: { type: "string" },
    option: { type: "string" },
    "no-wait": { type: "boolean" },
  },
  async run(context) {
    const identity = context.identity();
    const proposalId = context.uint("proposal");
    const option = parseOption(context.required("option"));
    const { address, zone, createdBlock } = await context.zone();
    const provider = await context.provider();
    const chainId = await chainIdOf(provider);
    const { view, state } = await existingProposal(zone, address, proposalId);
    if (state !== "Active") {
      throw new CommandError(
        `proposal ${proposalId} is ${state}: it is not open for votes (voting ran until ${formatTime(view.voteEnd)})`,
      );
    }
    if (BigInt(option) >= view.optionCount) {
      throw new UsageError(
        `--option ${option}: proposal ${proposalId} has options 0 to ${view.optionCount - 1n}`,
      );
    }
    const place = { chainId, zone: address, proposalId };
    // Found among every vote's event, never by asking the RPC about this identity's nullifier.
    if ((await countedVote(zone, identity, place, createdBlock ?? 0)) !== undefined) {
      throw new CommandError(`this identity already voted on proposal ${proposalId}`);
    }
    const group = await rebuildGroup(zone, { untilProposal: proposalId, fromBlock: createdBlock });
    if (group.indexOf(identity.commitment) === -1) {
      throw new CommandError(
        `this identity was not a citizen of ${address} when proposal ${proposalId} was made`,
      );
    }
    context.progress("proving the vote (a few seconds)...");
    const vote = await proveVote(identity, group, { ...place, option });
    await stopProverThreads();
    const relayerUrl = context.relayerUrl();
    if (relayerUrl !== undefined) {
      const client = new RelayerClient(relayerUrl);
      await submitToRelayer(() => client.submitVote(voteRequest(address, vote)));
      if (context.flags["no-wait"] === true) {
        context.print(
          { nullifier: vote.nullifier.toString(), status: "queued" },
          `vote accepted by ${relayerUrl} (nullifier ${vote.nullifier}); follow it with GET ${relayerUrl}/v1/votes/${vote.nullifier}`,
        );
        return;
      }
      context.progress(`accepted by ${relayerUrl}; waiting for it to be mined...`);
      const status = await client.waitForVote(vote.nullifier, { timeoutMs: 300_000 });
      if (status.status === "rejected")
        throw new CommandError(`the zone did not count the vote: ${status.reason}`);
      context.print(
        status,
        `vote counted on proposal ${proposalId} (tx ${status.txHash}, block ${status.blockNumber})`,
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
        },
        `vote counted on proposal ${proposalId} (tx ${receipt?.hash})`,
      );
    } catch (error) {
      throw new CommandError(`the zone refused the vote: ${shortError(error)}`);
    }
  },
};

/** --option: for, against or abstain (a For/Against/Abstain proposal), or an option's number. */
function parseOption(value: string): number {
  const named: Record<string, number> = {
    against: VoteOption.Against,
    for: VoteOption.For,
    abstain: VoteOption.Abstain,
  };
  const option = named[value.toLowerCase()] ?? (/^\d+$/.test(value) ? Number(value) : undefined);
  if (option === undefined || option >= MAX_OPTIONS) {
    throw new UsageError(
      `--option: "${value}" is not for, against, abstain or an option number (0-${MAX_OPTIONS - 1})`,
    );
  }
  return option;
}
