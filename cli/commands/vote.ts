/**
 * `zonedao vote`: an anonymous vote. The proof is made on this machine and only the proof leaves
 * it, through a relayer or from the --key account.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import {
  RelayerClient,
  sealedBallotsOf,
  chooseBallotOption,
  countedVote,
  describeBallot,
  readProposals,
  proveVote,
  rebuildGroup,
  stopProverThreads,
  voteRequest,
  type ZoneSealedBallots,
} from "../../sdk/index.js";
import {
  SEALED_BALLOT,
  proveSealedVote,
  sealedVoteCall,
  sealedVoteRequest,
  type SealedVote,
} from "../../sdk/sealed.js";
import { SEALED_REJECTIONS, hasCastSealedVote, sealedBoxOf } from "../../sdk/sealed-votes.js";
import { WarmCircuit } from "../../sdk/warm-prover.js";
import {
  CommandError,
  UsageError,
  chainIdOf,
  existingProposal,
  formatTime,
  type CommandContext,
} from "../context.js";
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
since the snapshot) or there is no relayer, the group is rebuilt from the zone's events.

On a sealed proposal the ballot is encrypted to its tellers' key (read from the chain) and proved
with the sealed ballot circuit, whose files the deployment file names (sealedBallot, checked against
their SHA-256) or --sealed-wasm and --sealed-zkey give. No count shows until the vote closes and the
tellers open the tally.`,
  options: {
    ...citizenFlags,
    ...leafIndexFlag,
    proposal: { type: "string" },
    option: { type: "string" },
    "no-wait": { type: "boolean" },
    "sealed-wasm": { type: "string" },
    "sealed-zkey": { type: "string" },
  },
  async run(context) {
    const identity = context.identity();
    const proposalId = context.uint("proposal");
    const typed = context.required("option");
    const relayerUrl = context.sendingRelayer();
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
    const [record] = await readProposals(zone, createdBlock, proposalId);
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
    const sealedBallots = await sealedBallotsOf(address, provider);
    const box = sealedBallots && (await sealedBoxOf(sealedBallots, address, proposalId));
    // Found among every vote's event, never by asking the RPC about this identity's nullifier.
    const voted =
      box === undefined
        ? (await countedVote(zone, identity, place, createdBlock)) !== undefined
        : await hasCastSealedVote(sealedBallots!, identity, place, createdBlock);
    if (voted) throw new CommandError(`this identity already voted on proposal ${proposalId}`);
    const { membership, merkleTreeDepth } = await provingMembership(context, {
      address,
      identity,
      tree: {
        root: view.snapshotRoot,
        depth: Number(view.snapshotDepth),
        size: Number(view.eligibleCount),
        proposalId,
      },
      rebuild: () => rebuildGroup(zone, { untilProposal: proposalId, fromBlock: createdBlock }),
      notCitizen: `this identity was not a citizen of ${address} when proposal ${proposalId} was made`,
    });
    if (box !== undefined) {
      const sealedUntil = formatTime(view.voteEnd);
      const circuit = await sealedBallotCircuit(context);
      context.progress(`proving a sealed ballot for ${chosen.label} (a few seconds)...`);
      const ballot = await proveSealedVote(circuit, identity, membership, {
        ...place,
        publicKey: box.publicKey,
        option,
      });
      const summary = { nullifier: ballot.nullifier.toString(), option, choice: chosen.label, sealedUntil };
      if (relayerUrl === undefined) {
        const signer = await context.signer();
        let counted;
        try {
          counted = await castSealedVote(sealedBallots!.connect(signer), address, ballot);
        } catch (error) {
          throw new CommandError(`the sealed ballot was not counted: ${shortError(error)}`);
        }
        context.print(
          { ...summary, status: "confirmed", ...counted },
          `sealed ballot for ${chosen.label} counted on proposal ${proposalId} (tx ${counted.txHash}); sealed until ${sealedUntil}`,
        );
        return;
      }
      const client = new RelayerClient(relayerUrl);
      await submitToRelayer(() => client.submitSealedVote(sealedVoteRequest(address, ballot)));
      if (context.flags["no-wait"] === true) {
        context.print(
          { ...summary, status: "queued" },
          `sealed ballot for ${chosen.label} accepted by ${relayerUrl} (nullifier ${ballot.nullifier}); follow it with GET ${relayerUrl}/v1/sealed-votes/${ballot.nullifier}`,
        );
        return;
      }
      context.progress(`accepted by ${relayerUrl}; waiting for it to be mined...`);
      const status = await client.waitForSealedVote(ballot.nullifier, { timeoutMs: 300_000 });
      if (status.status === "rejected")
        throw new CommandError(`the sealed ballot was not counted: ${status.reason}`);
      context.print(
        { ...status, option, choice: chosen.label, sealedUntil },
        `sealed ballot for ${chosen.label} counted on proposal ${proposalId} (tx ${status.txHash}, block ${status.blockNumber}); sealed until ${sealedUntil}`,
      );
      return;
    }
    context.progress(`proving a vote for ${chosen.label} (a few seconds)...`);
    const vote = await proveVote(identity, membership, { ...place, option, merkleTreeDepth });
    await stopProverThreads();
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

/**
 * The sealed ballot circuit, from --sealed-wasm and --sealed-zkey, else from the files the deployment
 * file names (checked against its SHA-256, so a changed file is refused before it proves).
 */
async function sealedBallotCircuit(context: CommandContext): Promise<WarmCircuit> {
  const wasmFlag = context.text("sealed-wasm");
  const zkeyFlag = context.text("sealed-zkey");
  if ((wasmFlag === undefined) !== (zkeyFlag === undefined)) {
    throw new UsageError("--sealed-wasm and --sealed-zkey go together");
  }
  const named = context.deployment()?.sealedBallot;
  const files =
    wasmFlag !== undefined
      ? { wasm: wasmFlag, zkey: zkeyFlag!, wasmSha256: undefined, zkeySha256: undefined }
      : named;
  if (files === undefined) {
    throw new UsageError(
      "this proposal is sealed: give the sealed ballot circuit's files with --sealed-wasm and --sealed-zkey, or a --deployment file that names them",
    );
  }
  context.progress("loading the sealed ballot circuit...");
  const read = async (path: string, sha256: string | undefined) => {
    const bytes = await readFile(path).catch(() => {
      throw new CommandError(`cannot read the sealed ballot file ${path}`);
    });
    const actual = createHash("sha256").update(bytes).digest("hex");
    if (sha256 !== undefined && actual !== sha256) {
      throw new CommandError(
        `${path} is not the file the deployment names (SHA-256 ${actual}, expected ${sha256})`,
      );
    }
    return new Uint8Array(bytes);
  };
  const [wasm, zkey] = await Promise.all([
    read(files.wasm, files.wasmSha256),
    read(files.zkey, files.zkeySha256),
  ]);
  return WarmCircuit.load(SEALED_BALLOT.depth, { wasm, zkey });
}

/**
 * Sends one sealed ballot from the account `sealedBallots` is connected to (the citizen pays the
 * gas and is seen sending it: a relayer avoids both). Resolves to the transaction when the ballot
 * was counted; throws with the module's reason when it was skipped.
 */
async function castSealedVote(
  sealedBallots: ZoneSealedBallots,
  zone: string,
  vote: SealedVote,
): Promise<{ txHash: string; blockNumber: number }> {
  const receipt = await (
    await sealedBallots.castSealedVotes(zone, vote.proposalId, [sealedVoteCall(vote)])
  ).wait();
  if (receipt === null) throw new Error("castSealedVotes was not mined");
  for (const log of receipt.logs) {
    const event = sealedBallots.interface.parseLog(log);
    if (event?.name === "SealedVoteRejected") {
      const reason = SEALED_REJECTIONS[Number(event.args.reason)] ?? "rejected by the module";
      throw new Error(`the sealed ballots module skipped the ballot: ${reason}`);
    }
  }
  return { txHash: receipt.hash, blockNumber: receipt.blockNumber };
}
