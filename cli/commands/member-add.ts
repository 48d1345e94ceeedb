/**
 * `zonedao member add`: the registrar asks to admit citizens by their identity commitments. While
 * the zone has no proposal (its founding) they are admitted at once; after, the request is pending
 * for the admission delay, within the registrar's cap per epoch, and the citizens can reject it.
 */
import { admissionsOf, readAdmissionState, requestAdmissions } from "../../sdk/index.js";
import { CommandError, UsageError, formatTime } from "../context.js";
import { common, signing, zoneFlag, type Command } from "../flags.js";
import { revertOf, shortError } from "../refusals.js";

export const memberAdd: Command = {
  name: "member add",
  summary: "ask to admit citizens to a zone (the registrar only; pending once the zone has proposals)",
  usage: `zonedao member add --zone ZONE --key REGISTRAR_KEY --commitment C [--commitment C ...]

Each C is an identity commitment (decimal), as \`zonedao identity show\` prints it. Before the
zone's first proposal they are admitted at once. After, the request is pending for the admission
delay (longer than a vote takes), during which the citizens can reject it (\`zonedao member reject\`);
then anyone admits it (\`zonedao member admit\`). The registrar may request a capped number of
citizens per epoch (\`zonedao member pending\` shows what is left); more needs a vote.`,
  options: {
    ...common,
    ...signing,
    ...zoneFlag,
    commitment: { type: "string", multiple: true },
  },
  async run(context) {
    const commitments = context.commitments("commitment");
    if (commitments.length === 0) throw new UsageError("--commitment is required");
    const { address, zone } = await context.zone();
    const signer = await context.signer();
    const registrar = await zone.registrar();
    if (registrar !== signer.address) {
      throw new CommandError(
        `only the zone's registrar ${registrar} can ask to admit citizens; --key is ${signer.address}`,
      );
    }
    let requested;
    try {
      requested = await requestAdmissions(zone, signer, commitments);
    } catch (error) {
      throw new CommandError(await refusal(error, zone));
    }
    const state = await readAdmissionState(zone);
    const value = {
      zone: address,
      requestId: requested.requestId,
      commitments,
      status: requested.admitted ? "admitted" : "pending",
      readyAt: formatTime(requested.readyAt),
      registrarCapLeft: state.founding ? undefined : state.registrarCapLeft,
      txHash: requested.txHash,
    };
    context.print(
      value,
      requested.admitted
        ? `admitted ${commitments.length} citizen(s) to ${address} (request #${requested.requestId}, ` +
            `at once: the zone has no proposal yet) (tx ${requested.txHash})`
        : `pending: request #${requested.requestId}, can be admitted from ${formatTime(requested.readyAt)} ` +
            `unless the citizens reject it; cap left this epoch: ${state.registrarCapLeft} (tx ${requested.txHash})`,
    );
  },
};

/** The zone's refusal, in words: the registrar's cap says how many and when it renews. */
async function refusal(error: unknown, zone: Parameters<typeof readAdmissionState>[0]): Promise<string> {
  const revert = revertOf(error, (await admissionsOf(zone)).interface);
  if (revert?.name === "AdmissionsRegistrarCapReached") {
    const [, epoch, cap, requested] = revert.args as [string, bigint, bigint, bigint];
    const state = await readAdmissionState(zone);
    return (
      `the registrar's cap is reached: at most ${cap} citizen(s) per epoch ` +
      `(${Number(state.rules.registrarShareBps) / 100}% of the members, at least ${state.rules.registrarFloor}), ` +
      `and this request would make ${requested} in epoch ${epoch}; ${state.registrarCapLeft} left, ` +
      `renewed ${formatTime(state.epochEndsAt)}. More needs a vote (a proposal whose action is addMembers)`
    );
  }
  if (revert !== undefined) return `the zone refused: ${revert.name}(${revert.args.map(String).join(", ")})`;
  return `the zone refused: ${shortError(error)}`;
}
