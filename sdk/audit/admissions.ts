/**
 * Check 2, admissions: every citizen entered the group through a path the zone's rules allow, after
 * its delay, within its caps, and nothing the citizens rejected entered.
 *
 * Each MemberAdded/MembersAdded is one of:
 * - an admitted request: right after an AdmissionAdmitted of the zone's ZoneAdmissions in the same
 *   transaction, adding exactly the request's commitments, at or after its readyAt, the request not
 *   rejected (PendingAdmissionsRejected below it, or AdmissionRejected of it) before;
 * - the zone's own vote: in a transaction that executed one of the zone's proposals;
 * - the founding: before the zone's first ProposalCreated (the registrar admits directly).
 * Each request is checked against the rules in force when it was made (rebuilt from RulesChanged,
 * RegistrarChanged and AdmissionRulesChanged): outside the founding its readyAt is at least the
 * admission delay after it; a registrar's is made by the registrar then, within the registrar's cap
 * for that epoch (max(registrarFloor, members x registrarShareBps / 10000), members rebuilt from the
 * membership events, requests summed per epoch = block time / proposalEpoch, as the contract counts
 * them); an invitation needs invitations on, a gatekeeper's request a gatekeeper. Each rejection and
 * rule change is recorded by the execution of the zone's proposal it names.
 *
 * Not checked here: an invitation's Semaphore proof and a gatekeeper's evidence (the contract
 * verified them; the calldata is not re-verified), and that a parent zone's request came from an
 * executed proposal of the parent (that is in the parent's events; audit the parent for it).
 */
import type { AuditContext } from "./context.js";
import { arg, type ZoneLog } from "./events.js";
import type { AuditDiscrepancy, CheckResult } from "./report.js";

/** ZoneAdmissions.MIN_NOTICE: the time, beyond one vote's length, a request always waits. */
export const ADMISSION_MIN_NOTICE = 86_400n;
const BPS = 10_000n;
const PATHS = ["registrar", "parent zone", "invitation", "gatekeeper"] as const;

/** What the admissions check reads: the zone's logs, its admissions contract's, and block times. */
export interface AdmissionRecords {
  zoneLogs: readonly ZoneLog[];
  admissionLogs: readonly ZoneLog[];
  /** The timestamp of every block holding an admission event. */
  timestamps: ReadonlyMap<number, bigint>;
}

/** The admissions check on the audited zone (its logs and its admissions contract's). */
export async function checkAdmissions(context: AuditContext): Promise<CheckResult> {
  const blocks = [
    ...new Set(
      context.admissionLogs
        .filter((log) => log.name === "AdmissionRequested" || log.name === "AdmissionAdmitted")
        .map((log) => log.blockNumber),
    ),
  ];
  const times = await context.mapLimit(blocks, (block) => context.timestampOf(block));
  const timestamps = new Map(blocks.map((block, k) => [block, times[k]!]));
  context.progress(`checking ${context.admissionLogs.length} admission events`);
  return checkAdmissionRecords({ zoneLogs: context.logs, admissionLogs: context.admissionLogs, timestamps });
}

interface RequestSeen {
  log: ZoneLog;
  path: (typeof PATHS)[number] | "unknown path";
  commitments: bigint[];
  readyAt: bigint;
  founding: boolean;
  admitted?: ZoneLog;
}

interface Rules {
  delay: bigint;
  registrarShareBps: bigint;
  registrarFloor: bigint;
  invitationsPerEpoch: bigint;
  gatekeeper: bigint;
}

/** ZoneAdmissions.defaultRules(): until the zone votes its own. */
const DEFAULT_RULES: Rules = {
  delay: 0n,
  registrarShareBps: 1_000n,
  registrarFloor: 10n,
  invitationsPerEpoch: 0n,
  gatekeeper: 0n,
};

/**
 * The admissions check on records given as they are (a unit test crafts them): the zone's and its
 * admissions contract's logs merged in chain order (block, then log index).
 */
export function checkAdmissionRecords({
  zoneLogs,
  admissionLogs,
  timestamps,
}: AdmissionRecords): CheckResult {
  const discrepancies: AuditDiscrepancy[] = [];
  const at = (log: ZoneLog) => `block ${log.blockNumber}, tx ${log.txHash}`;
  const timeOf = (log: ZoneLog) => timestamps.get(log.blockNumber) ?? 0n;
  const logs = [...zoneLogs, ...admissionLogs].sort(
    (a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex,
  );
  // The proposal each transaction executed (ProposalExecuted precedes its actions' events).
  const executedIn = new Map<string, bigint>();
  for (const log of zoneLogs) {
    if (log.name === "ProposalExecuted") executedIn.set(log.txHash, arg(log.args, "proposalId"));
  }
  const byVote = (log: ZoneLog, what: string) => {
    const proposalId = arg(log.args, "proposalId");
    if (executedIn.get(log.txHash) !== proposalId) {
      discrepancies.push({
        what: `${what} names proposal ${proposalId}, but its transaction executed ${executedIn.get(log.txHash) ?? "no proposal of the zone"}`,
        evidence: at(log),
      });
    }
  };

  let founding = true;
  let memberCount = 0n;
  let registrar: string | undefined;
  let voteLength: bigint | undefined;
  let proposalEpoch: bigint | undefined;
  let rules = DEFAULT_RULES;
  let rejectedBelow = 0n;
  const rejected = new Set<bigint>();
  const requests = new Map<bigint, RequestSeen>();
  const registrarRequestsIn = new Map<bigint, bigint>();
  // AdmissionAdmitted events whose members have not been added yet: each must be followed, in its
  // transaction, by the membership event that adds them.
  let unmatched: { log: ZoneLog; request?: RequestSeen }[] = [];
  let items = 0;
  const flushUnmatched = () => {
    for (const { log } of unmatched) {
      discrepancies.push({
        what: `AdmissionAdmitted of request ${arg(log.args, "requestId")}, but no member entered the zone in that transaction after it`,
        evidence: at(log),
      });
    }
    unmatched = [];
  };

  for (const log of logs) {
    if (unmatched.length > 0 && unmatched[0]!.log.txHash !== log.txHash) flushUnmatched();
    const { args } = log;
    switch (log.name) {
      case "ProposalCreated":
        founding = false;
        break;
      case "RegistrarChanged":
        registrar = (args.getValue("newRegistrar") as string).toLowerCase();
        break;
      case "RulesChanged": {
        const value = args.getValue("rules") as readonly (bigint | number)[];
        voteLength = BigInt(value[0]!) + BigInt(value[1]!) + BigInt(value[2]!);
        proposalEpoch = BigInt(value[6]!);
        break;
      }
      case "AdmissionRulesChanged": {
        byVote(log, "AdmissionRulesChanged");
        const value = args.getValue("rules") as readonly (bigint | number | boolean | string)[];
        rules = {
          delay: BigInt(value[0] as bigint),
          registrarShareBps: BigInt(value[1] as bigint),
          registrarFloor: BigInt(value[2] as bigint),
          invitationsPerEpoch: BigInt(value[3] as bigint),
          gatekeeper: BigInt(value[5] as string),
        };
        break;
      }
      case "PendingAdmissionsRejected":
        byVote(log, "PendingAdmissionsRejected");
        rejectedBelow = arg(args, "belowRequestId");
        break;
      case "AdmissionRejected": {
        byVote(log, "AdmissionRejected");
        const requestId = arg(args, "requestId");
        if (requests.get(requestId)?.admitted !== undefined) {
          discrepancies.push({
            what: `AdmissionRejected of request ${requestId}, which was already admitted`,
            evidence: at(log),
          });
        }
        rejected.add(requestId);
        break;
      }
      case "AdmissionRequested": {
        items++;
        const request = checkRequest(log);
        requests.set(request.requestId, request.seen);
        break;
      }
      case "AdmissionAdmitted":
        unmatched.push({ log, request: checkAdmitted(log) });
        break;
      case "MemberAdded":
      case "MembersAdded": {
        items++;
        const commitments =
          log.name === "MemberAdded"
            ? [arg(args, "identityCommitment")]
            : [...(args.getValue("identityCommitments") as bigint[])];
        const admitted = unmatched.shift();
        if (admitted !== undefined) {
          const expected = admitted.request?.commitments;
          if (expected !== undefined && !sameList(expected, commitments)) {
            discrepancies.push({
              what: `${log.name} of [${commitments.join(", ")}] after the admission of request ${arg(admitted.log.args, "requestId")}, which requested [${expected.join(", ")}]`,
              evidence: at(log),
            });
          }
        } else if (!executedIn.has(log.txHash) && !founding) {
          discrepancies.push({
            what: `${log.name} of [${commitments.join(", ")}] after the founding, neither by an admitted request nor by an executed proposal of the zone`,
            evidence: at(log),
          });
        }
        memberCount += BigInt(commitments.length);
        break;
      }
      case "MemberRemoved":
        memberCount--;
        break;
    }
  }
  flushUnmatched();

  function checkRequest(log: ZoneLog): { requestId: bigint; seen: RequestSeen } {
    const { args } = log;
    const requestId = arg(args, "requestId");
    const path = PATHS[Number(arg(args, "path"))] ?? "unknown path";
    const by = (args.getValue("by") as string).toLowerCase();
    const commitments = [...(args.getValue("identityCommitments") as bigint[])];
    const readyAt = arg(args, "readyAt");
    const time = timeOf(log);
    const label = `request ${requestId} (${path}, ${commitments.length} commitment${commitments.length === 1 ? "" : "s"})`;
    if (requestId !== BigInt(requests.size)) {
      discrepancies.push({
        what: `${label}: request ids run in order from 0, the next one was ${requests.size}`,
        evidence: at(log),
      });
    }
    if (founding) {
      if (readyAt !== time) {
        discrepancies.push({
          what: `${label} made while founding is ready at ${readyAt}, not at once (${time})`,
          evidence: at(log),
        });
      }
    } else {
      const delay = admissionDelay(rules, voteLength);
      if (delay === undefined) {
        discrepancies.push({
          what: `${label}: no RulesChanged before it, so its admission delay cannot be recomputed`,
          evidence: at(log),
        });
      } else if (readyAt < time + delay) {
        discrepancies.push({
          what: `${label} made at ${time} is ready at ${readyAt}, before the admission delay of ${delay} s in force (${time + delay})`,
          evidence: at(log),
        });
      }
    }
    if (path === "registrar") {
      if (registrar !== undefined && by !== registrar) {
        discrepancies.push({
          what: `${label} made by ${by}, but the zone's registrar then was ${registrar}`,
          evidence: at(log),
        });
      }
      if (!founding && proposalEpoch !== undefined && proposalEpoch > 0n) {
        const epoch = time / proposalEpoch;
        const requested = (registrarRequestsIn.get(epoch) ?? 0n) + BigInt(commitments.length);
        registrarRequestsIn.set(epoch, requested);
        const share = (memberCount * rules.registrarShareBps) / BPS;
        const cap = share > rules.registrarFloor ? share : rules.registrarFloor;
        if (requested > cap) {
          discrepancies.push({
            what: `${label} brings the registrar's requests in epoch ${epoch} to ${requested}, above its cap of ${cap} (${memberCount} members, ${rules.registrarShareBps} bps, floor ${rules.registrarFloor})`,
            evidence: at(log),
          });
        }
      }
    } else if (path === "invitation" && rules.invitationsPerEpoch === 0n) {
      discrepancies.push({ what: `${label}, but the zone's rules allow no invitations`, evidence: at(log) });
    } else if (path === "gatekeeper" && rules.gatekeeper === 0n) {
      discrepancies.push({ what: `${label}, but the zone's rules name no gatekeeper`, evidence: at(log) });
    } else if (path === "unknown path") {
      discrepancies.push({ what: `${label}: no such admission path`, evidence: at(log) });
    }
    return { requestId, seen: { log, path, commitments, readyAt, founding } };
  }

  function checkAdmitted(log: ZoneLog): RequestSeen | undefined {
    const requestId = arg(log.args, "requestId");
    const request = requests.get(requestId);
    const label = `request ${requestId}`;
    if (request === undefined) {
      discrepancies.push({
        what: `AdmissionAdmitted of ${label}, which was never requested`,
        evidence: at(log),
      });
      return undefined;
    }
    if (request.admitted !== undefined) {
      discrepancies.push({
        what: `${label} admitted twice`,
        evidence: `${request.admitted.txHash}; ${log.txHash}`,
      });
    }
    request.admitted = log;
    if (requestId < rejectedBelow || rejected.has(requestId)) {
      discrepancies.push({
        what: `${label} (${request.path}) admitted after the zone's vote rejected it`,
        evidence: at(log),
      });
    }
    const time = timeOf(log);
    if (request.founding ? log.txHash !== request.log.txHash : time < request.readyAt) {
      discrepancies.push({
        what: request.founding
          ? `${label}, made while founding, admitted in another transaction than its request's`
          : `${label} admitted at ${time}, before it was ready (${request.readyAt})`,
        evidence: at(log),
      });
    }
    return request;
  }

  return {
    name: "admissions",
    description:
      "each MemberAdded/MembersAdded by an admitted request (exactly its commitments, at or after its " +
      "readyAt, not rejected before), by an executed proposal of the zone, or during the founding " +
      "(before the first proposal); each request's readyAt after the admission delay in force, a " +
      "registrar's by the registrar and within its cap per epoch, an invitation or gatekeeper's allowed " +
      "by the rules; each rejection and rule change by an executed proposal",
    items,
    discrepancies,
  };
}

/** ZoneAdmissions.admissionDelay: the rule's delay, or one vote's length plus MIN_NOTICE if longer. */
function admissionDelay(rules: Rules, voteLength: bigint | undefined): bigint | undefined {
  if (voteLength === undefined) return undefined;
  const floor = voteLength + ADMISSION_MIN_NOTICE;
  return rules.delay > floor ? rules.delay : floor;
}

function sameList(a: readonly bigint[], b: readonly bigint[]): boolean {
  return a.length === b.length && a.every((value, k) => value === b[k]);
}
