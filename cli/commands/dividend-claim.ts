/**
 * `zonedao dividend claim`: a citizen claims their share of a dividend round, paid to any address
 * (a fresh one keeps the payment unlinkable to them). The proof is made on this machine and binds
 * the recipient, so no relayer can redirect the payment; a relayer sends it (no gas, no account of
 * the citizen's on chain), or the --key account does.
 */
import {
  RelayerClient,
  StillPending,
  dividendClaimRequest,
  dividendScope,
  readDividendClaims,
  nullifierOf,
  proveDividendClaim,
  readDividendRound,
  rebuildGroup,
  stopProverThreads,
} from "../../sdk/index.js";
import { CommandError, UsageError, chainIdOf, formatTime } from "../context.js";
import { citizenFlags, type Command } from "../flags.js";
import { leafIndexFlag, provingMembership } from "../membership.js";
import { revertOf, shortError, submitToRelayer } from "../refusals.js";
import { formatRoundAmount } from "./dividend-list.js";

export const dividendClaim: Command = {
  name: "dividend claim",
  summary: "claim a dividend anonymously, paid to any address (through a relayer: no gas)",
  usage: `zonedao dividend claim --zone ZONE --round ID --to ADDRESS IDENTITY
              [--relayer URL | --key KEY] [--leaf-index N] [--no-wait]

ID is the round's number, as \`zonedao dividend list\` prints it. ADDRESS is who is paid: any address
(a fresh one keeps the payment unlinkable to you); the proof binds it, so no relayer can change it.
IDENTITY is --identity EXPORTED, --identity-file FILE or --citizen NAME (local demo): it must have
been a citizen when the proposal that opened the round was made. A relayer sends the claim
(--relayer, or the deployment file's relayer), so no account of yours appears and you pay no gas; or
--key sends it from that account. Waits until the claim is paid unless --no-wait. With a relayer, the
proof's Merkle path comes from its tree (see \`zonedao vote --help\`; --leaf-index N skips the scan).`,
  options: {
    ...citizenFlags,
    ...leafIndexFlag,
    round: { type: "string" },
    to: { type: "string" },
    "no-wait": { type: "boolean" },
  },
  async run(context) {
    const identity = context.identity();
    const roundId = context.uint("round");
    if (roundId === 0n) throw new UsageError("--round: rounds are numbered from 1");
    const recipient = context.address("to");
    const relayerUrl = context.sendingRelayer();
    const { address, zone, createdBlock } = await context.zone();
    const provider = await context.provider();
    const chainId = await chainIdOf(provider);
    const round = await readDividendRound(zone, roundId, { fromBlock: createdBlock });
    if (round === undefined) throw new CommandError(`${address} has no dividend round ${roundId}`);
    // Looked for among the round's claims, never by asking the RPC about this identity's nullifier.
    const nullifier = nullifierOf(identity, dividendScope(chainId, address, roundId));
    const paid = (await readDividendClaims(zone, roundId, { fromBlock: createdBlock })).find(
      (claim) => claim.nullifier === nullifier,
    );
    if (paid !== undefined) {
      throw new CommandError(
        `this identity already claimed round ${roundId}: ${formatRoundAmount(paid.amount, round.token)} ` +
          `paid to ${paid.recipient} (tx ${paid.txHash})`,
      );
    }
    if (round.status === "closed" || round.status === "over") {
      throw new CommandError(`round ${roundId}'s claim period ended ${formatTime(round.claimDeadline)}`);
    }
    if (round.status === "exhausted") {
      throw new CommandError(`every citizen of round ${roundId} has claimed already`);
    }
    // A round pays the electorate of the vote that opened it: claims prove against its snapshot.
    const electorate = await zone.getProposal(round.proposalId);
    const { membership, merkleTreeDepth } = await provingMembership(context, {
      address,
      identity,
      tree: {
        root: electorate.snapshotRoot,
        depth: Number(electorate.snapshotDepth),
        size: Number(electorate.eligibleCount),
        proposalId: round.proposalId,
      },
      rebuild: () => rebuildGroup(zone, { untilDividendRound: roundId, fromBlock: createdBlock }),
      notCitizen: `this identity was not a citizen of ${address} when proposal ${round.proposalId} opened round ${roundId}`,
    });
    context.progress(`proving your claim on round ${roundId} (a few seconds)...`);
    const claim = await proveDividendClaim(identity, membership, {
      chainId,
      zone: address,
      roundId,
      recipient,
      merkleTreeDepth,
    });
    await stopProverThreads();
    const amount = formatRoundAmount(round.amountPerCitizen, round.token);
    if (relayerUrl !== undefined) {
      const client = new RelayerClient(relayerUrl);
      const accepted = await submitToRelayer(() =>
        client.claimDividend(dividendClaimRequest(address, claim)),
      );
      if (context.flags["no-wait"] === true) {
        context.print(
          {
            nullifier: accepted.nullifier,
            status: "queued",
            roundId,
            recipient,
            amount: round.amountPerCitizen,
          },
          `claim on round ${roundId} accepted by ${relayerUrl} (nullifier ${accepted.nullifier}); follow it ` +
            `with GET ${relayerUrl}/v1/dividends/${accepted.nullifier}`,
        );
        return;
      }
      context.progress(`accepted by ${relayerUrl}; waiting for it to be mined...`);
      // Each status as it changes (queued, submitted), until the claim is paid or refused.
      let seen = "queued";
      let status;
      try {
        status = await client.waitForDividend(accepted.nullifier, {
          timeoutMs: 300_000,
          intervalMs: 500,
          onStatus: (current) => {
            if (current.status === seen) return;
            seen = current.status;
            context.progress(`${current.status}${current.txHash === null ? "" : ` (tx ${current.txHash})`}`);
          },
        });
      } catch (error) {
        if (!(error instanceof StillPending)) throw error;
        throw new CommandError(`the claim is still ${error.last.status} at ${relayerUrl}`);
      }
      if (status.status === "rejected")
        throw new CommandError(`the zone refused the claim: ${status.reason}`);
      context.print(
        { ...status, roundId, recipient, amount: round.amountPerCitizen },
        `paid ${amount} to ${recipient} for round ${roundId} (tx ${status.txHash}, block ${status.blockNumber})`,
      );
      return;
    }
    const signer = await context.signer();
    try {
      const receipt = await (
        await zone.connect(signer).claimDividend(roundId, recipient, claim.nullifier, claim.points)
      ).wait();
      context.print(
        {
          nullifier: claim.nullifier.toString(),
          status: "confirmed",
          txHash: receipt?.hash,
          blockNumber: receipt?.blockNumber,
          roundId,
          recipient,
          amount: round.amountPerCitizen,
        },
        `paid ${amount} to ${recipient} for round ${roundId} (tx ${receipt?.hash})`,
      );
    } catch (error) {
      const revert = revertOf(error, zone.interface);
      const reason = revert ? `${revert.name}(${revert.args.map(String).join(", ")})` : shortError(error);
      throw new CommandError(`the zone refused the claim: ${reason}`);
    }
  },
};
