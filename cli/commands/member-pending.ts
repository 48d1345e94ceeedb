/**
 * `zonedao member pending`: the zone's admission requests (how each was made, its citizens, where
 * it stands and from when it may be admitted) and the admission rules they wait under.
 */
import {
  formatDuration,
  readAdmissionRequests,
  readAdmissionState,
  type AdmissionState,
} from "../../sdk/index.js";
import { formatTime } from "../context.js";
import { common, zoneFlag, type Command } from "../flags.js";

export const memberPending: Command = {
  name: "member pending",
  summary: "list a zone's admission requests and its admission rules",
  usage: `zonedao member pending --zone ZONE [--json]

Each request: its number, how it was made (registrar, parent zone, invitation, gatekeeper), its
identity commitments, its status (pending: the citizens can still reject it; ready: anyone may admit
it with \`zonedao member admit\`; admitted; rejected) and from when it may be admitted.`,
  options: { ...common, ...zoneFlag },
  async run(context) {
    const { address, zone, createdBlock } = await context.zone();
    const [requests, state] = await Promise.all([
      readAdmissionRequests(zone, { fromBlock: createdBlock }),
      readAdmissionState(zone),
    ]);
    const listed = requests.map((request) => ({
      requestId: request.requestId,
      path: request.path,
      by: request.by,
      commitments: request.identityCommitments,
      status: request.status,
      readyAt: formatTime(request.readyAt),
      txHash: request.txHash,
    }));
    const lines = [
      `admissions of ${address}`,
      ...admissionRulesLines(state),
      requests.length === 0 ? "no admission request yet" : `${requests.length} request(s):`,
      ...listed.map(
        (request) =>
          `  #${request.requestId} ${request.status}, by ${request.path}${request.by ? ` ${request.by}` : ""}, ` +
          `${request.status === "pending" ? "can be admitted from" : "ready at"} ${request.readyAt}: ` +
          request.commitments.join(", "),
      ),
    ];
    context.print(
      {
        zone: address,
        rules: { ...state.rules, delay: state.delay },
        founding: state.founding,
        epoch: state.epoch,
        registrarCap: state.registrarCap,
        registrarCapLeft: state.registrarCapLeft,
        capRenewsAt: formatTime(state.epochEndsAt),
        requests: listed,
      },
      lines.join("\n"),
    );
  },
};

/** The rules a request meets now, one line each. */
export function admissionRulesLines(state: AdmissionState): string[] {
  const { rules } = state;
  return [
    state.founding
      ? "founding: the zone has no proposal yet, so requests are admitted at once"
      : `delay: a request made now can be admitted after ${formatDuration(state.delay)}, unless the citizens reject it`,
    `registrar cap: ${rules.registrarShareBps / 100}% of the members (at least ${rules.registrarFloor}) per epoch; ` +
      `${state.registrarCapLeft} of ${state.registrarCap} left, renewed ${formatTime(state.epochEndsAt)}`,
    rules.invitationsPerEpoch === 0
      ? "invitations: none (the citizens can allow some by a vote)"
      : `invitations: ${rules.invitationsPerEpoch} per citizen per epoch`,
    `parent zone: ${rules.parentMayAdmit ? "its vote may ask to admit citizens" : "may not admit"}`,
    `gatekeeper: ${BigInt(rules.gatekeeper) === 0n ? "none" : rules.gatekeeper}`,
  ];
}
