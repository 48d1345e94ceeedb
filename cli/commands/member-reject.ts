/**
 * `zonedao member reject`: the citizens' veto. A citizen proposes, anonymously as `propose` does, a
 * decision rejecting every pending admission (or one request); it must pass and run before the
 * requests may be admitted, so the command says by when and warns if a vote started now ends later.
 */
import {
  encodeProposalText,
  formatDuration,
  readAdmissionRequests,
  rejectAdmission,
  rejectPendingAdmissions,
  rejectionDeadline,
} from "../../sdk/index.js";
import { CommandError, formatTime } from "../context.js";
import { citizenFlags, type Command } from "../flags.js";
import { proposeAnonymously } from "./propose.js";

export const memberReject: Command = {
  name: "member reject",
  summary: "propose to reject pending admissions (a citizen, anonymously)",
  usage: `zonedao member reject --zone ZONE IDENTITY [--request N] (--relayer URL | --key KEY)

Proposes, anonymously as \`zonedao propose\` does, a decision rejecting every admission requested
and not yet admitted when it runs (or, with --request N, only request #N). It must pass and run
before the requests may be admitted: the command says by when, and warns if a vote started now
would end too late. IDENTITY is --identity EXPORTED, --identity-file FILE or --citizen NAME.`,
  options: { ...citizenFlags, request: { type: "string" } },
  async run(context) {
    const identity = context.identity();
    const requestId = context.text("request") === undefined ? undefined : context.uint("request");
    const { address, zone, createdBlock } = await context.zone();
    const provider = await context.provider();
    const requests = await readAdmissionRequests(zone, { fromBlock: createdBlock });
    if (requestId !== undefined) {
      const request = requests.find((candidate) => candidate.requestId === requestId);
      if (request === undefined)
        throw new CommandError(`zone ${address} has no admission request #${requestId}`);
      if (request.status === "admitted") {
        throw new CommandError(
          `request #${requestId} is admitted already: only a vote removing its citizens can undo it`,
        );
      }
      if (request.status === "rejected") throw new CommandError(`request #${requestId} is rejected already`);
    }
    const chainTime = (await provider.getBlock("latest"))?.timestamp ?? 0;
    const timing = rejectionDeadline(requests, await zone.rules(), chainTime, requestId);
    if (timing === undefined)
      throw new CommandError(`no admission to ${address} is pending: nothing to reject`);
    const first = timing.requestIds.find((id) =>
      requests.some((r) => r.requestId === id && r.readyAt === timing.deadline),
    );
    context.progress(
      `the rejection must pass and run by ${formatTime(timing.deadline)}, when request #${first} can be admitted`,
    );
    if (!timing.inTime) {
      const late = timing.executableAt - timing.deadline;
      context.progress(
        `warning: a vote started now can run at the earliest ${formatTime(timing.executableAt)}, ` +
          `${formatDuration(late, { units: 2 })} too late: anyone may admit request #${first} before it`,
      );
    }
    const admissions = await zone.ADMISSIONS();
    const action =
      requestId === undefined ? rejectPendingAdmissions(admissions) : rejectAdmission(admissions, requestId);
    const title =
      requestId === undefined ? "Reject pending admissions" : `Reject admission request #${requestId}`;
    const proposed = await proposeAnonymously(context, identity, [[action]], encodeProposalText({ title }));
    context.print(
      {
        ...proposed.value,
        title,
        requestIds: timing.requestIds,
        mustRunBy: formatTime(timing.deadline),
        earliestRun: formatTime(timing.executableAt),
        inTime: timing.inTime,
      },
      `${proposed.text}: "${title}"; it must pass and run by ${formatTime(timing.deadline)}` +
        (timing.inTime ? "" : ` (warning: it can run at the earliest ${formatTime(timing.executableAt)})`),
    );
  },
};
