/**
 * `zonedao execute`: anyone moves a passed proposal on: queue it, then run it after the timelock,
 * then apply the removals and replacements it approved. With --wait, all of it in one run. The steps
 * are the sdk's (queueProposal, executeProposal), which a relayer's keeper takes too.
 */
import type { Provider } from "ethers";
import {
  ProposalNotReadyError,
  chainTimeOf,
  executeProposal,
  formatDuration,
  optionLabel,
  queueProposal,
  readProposalTimeline,
} from "../../sdk/index.js";
import { CommandError, existingProposal, formatTime, type CommandContext } from "../context.js";
import { common, signing, zoneFlag, type Command } from "../flags.js";
import { shortError } from "../refusals.js";
import { appliedLines, failureSentences } from "./member-apply.js";

/** How often --wait reads the chain's time: blocks come every few seconds on a public chain. */
const DEFAULT_POLL_MS = 5_000;
/** How often --wait says it is still waiting (wall clock: only the output's pace, never a deadline). */
const PROGRESS_EVERY_MS = 60_000;

export const execute: Command = {
  name: "execute",
  summary: "queue a passed proposal, or execute it once its timelock is over (--wait: both)",
  usage: `zonedao execute --zone ZONE --proposal ID --key KEY [--wait]

A Succeeded proposal is queued (its timelock starts); a Queued one whose timelock is over runs its
winning option's actions, exactly as proposed, then applies the removals and replacements of citizens
they approved (as \`zonedao member apply\` does), each with the group's Merkle siblings of that moment.
Anyone may do any of it.
  --wait   queue it if it Succeeded, wait until the chain's time reaches the end of its timelock
           (progress on stderr), then execute it: one run instead of two. Exits 1 if its execution
           window closes first.
\`zonedao proposal show\` says when each step can be taken.`,
  options: {
    ...common,
    ...signing,
    ...zoneFlag,
    proposal: { type: "string" },
    wait: { type: "boolean" },
    // For tests, whose chain moves only when they mine a block: not in the usage.
    "poll-ms": { type: "string" },
  },
  async run(context) {
    const proposalId = context.uint("proposal");
    const wait = context.flags.wait === true;
    const pollMs = Number(context.uint("poll-ms", BigInt(DEFAULT_POLL_MS)));
    const { address, zone, createdBlock: fromBlock } = await context.zone();
    const signer = await context.signer();
    await existingProposal(zone, address, proposalId);
    const timeline = await readProposalTimeline(zone, proposalId, { fromBlock });
    if (!timeline.canQueue && timeline.state !== "Queued") {
      throw new CommandError(
        `proposal ${proposalId} is ${timeline.state} (${timeline.nextStep}): only a Succeeded or Queued proposal can move on`,
      );
    }
    let eta = timeline.executableFrom;
    let executableUntil = timeline.executableUntil;
    let queueTxHash: string | undefined;
    if (timeline.canQueue) {
      const queued = await sent(() => queueProposal(zone, signer, proposalId, { fromBlock }), "queuing");
      ({ eta, executableUntil } = queued);
      queueTxHash = queued.txHash;
      const line = `proposal ${proposalId} queued (tx ${queued.txHash}); it can execute from ${formatTime(eta)} until ${formatTime(executableUntil)}`;
      if (!wait) {
        context.print({ proposalId, state: "Queued", eta, executableUntil, txHash: queued.txHash }, line);
        return;
      }
      context.progress(line);
    }
    if (wait)
      await waitForChainTime(context, await context.provider(), proposalId, eta!, executableUntil!, pollMs);
    const executed = await sent(() => executeProposal(zone, signer, proposalId, { fromBlock }), "execution");
    const choice = optionLabel(timeline.record, executed.option);
    context.print(
      {
        proposalId,
        state: "Executed",
        option: executed.option,
        choice,
        txHash: executed.txHash,
        ...(queueTxHash === undefined ? {} : { queueTxHash }),
        applied: executed.applied,
      },
      [
        `proposal ${proposalId} executed (${choice}, option index ${executed.option}; tx ${executed.txHash})`,
        ...appliedLines(executed.applied),
      ].join("\n"),
    );
    if (executed.failed.length > 0) {
      throw new CommandError(
        `proposal ${proposalId} was executed, but its approved changes could not all be applied (${failureSentences(executed.failed).join("; ")}); ` +
          "retry within its execution window with `zonedao member apply`",
      );
    }
  },
};

/**
 * A step of the sdk's, its refusals as CommandErrors: one before sending says why in the timeline's
 * words, a transaction refused by the zone names its error.
 */
async function sent<T>(step: () => Promise<T>, what: string): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof ProposalNotReadyError) throw new CommandError(error.message);
    throw new CommandError(`${what} failed: ${shortError(error)}`);
  }
}

/**
 * Waits until the chain's time (the latest block's timestamp) reaches `eta`, reading it every
 * `pollMs`; refuses if the execution window has closed by then (a chain that jumped far ahead).
 */
async function waitForChainTime(
  context: CommandContext,
  provider: Provider,
  proposalId: bigint,
  eta: bigint,
  executableUntil: bigint,
  pollMs: number,
): Promise<void> {
  let lastReport = -Infinity;
  for (;;) {
    const now = await chainTimeOf(provider);
    if (now > executableUntil) {
      throw new CommandError(
        `proposal ${proposalId}'s execution window closed at ${formatTime(executableUntil)} before it could run: it is Expired`,
      );
    }
    if (now >= eta) return;
    if (Date.now() - lastReport >= PROGRESS_EVERY_MS) {
      context.progress(
        `waiting for proposal ${proposalId}'s timelock: executable in ${formatDuration(eta - now, { units: 2 })} of chain time (${formatTime(eta)})`,
      );
      lastReport = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
