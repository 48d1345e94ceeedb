/**
 * Who joins a zone, and when. A zone's vote admits at once (`addMembers` in actions.ts); every other
 * path (the registrar, the parent zone's vote, a citizen's anonymous invitation, a gatekeeper) only
 * requests an admission in the zone's ZoneAdmissions contract, public and pending for the admission
 * delay, during which the citizens can pass `rejectPendingAdmissions`. Then anyone admits it.
 * Before a zone's first proposal (its founding) requests are admitted at once.
 */
import type { Identity } from "@semaphore-protocol/identity";
import { AbiCoder, getAddress, type ContractRunner, type Signer } from "ethers";
import { ZoneAdmissions__factory, type ZoneAdmissions } from "../types/ethers-contracts/index.js";
import { ZONE } from "./abis.js";
import type { Zone } from "./contracts.js";
import { queryEvents } from "./logs.js";
import { epochSlots, type ProposalSlots, type ZonePlace } from "./proposals.js";
import type { FederationEvidence, Invitation } from "./prove.js";
import { invitationScope } from "./scope.js";
import type { ZoneAction } from "./types.js";

export type { ZoneAdmissions };

const ADMISSIONS = ZoneAdmissions__factory.createInterface();

/** How an admission was requested (ZoneAdmissions.Path). */
export const ADMISSION_PATHS = ["registrar", "parent zone", "invitation", "gatekeeper"] as const;
export type AdmissionPath = (typeof ADMISSION_PATHS)[number];

/** A zone's admission rules (ZoneAdmissions.AdmissionRules). */
export interface AdmissionRules {
  /** Seconds a request waits; the zone's vote length plus a day applies if longer. */
  delay: number;
  /** Registrar requests per epoch: this share of the members, in basis points... */
  registrarShareBps: number;
  /** ...but at least this many. */
  registrarFloor: number;
  /** Anonymous invitations per citizen per epoch; 0: none. */
  invitationsPerEpoch: number;
  /** Whether the parent zone's votes may request admissions (internal DAOs). */
  parentMayAdmit: boolean;
  /** The gatekeeper contract; the zero address: none. */
  gatekeeper: string;
}

/** Where a request stands. "ready": its delay is over, anyone may admit it. */
export type AdmissionStatus = "pending" | "ready" | "admitted" | "rejected";

export interface AdmissionRequest {
  requestId: bigint;
  path: AdmissionPath;
  /** The registrar or parent zone that asked; undefined for an invitation or a gatekeeper. */
  by?: string;
  identityCommitments: bigint[];
  /** Unix seconds from which it may be admitted. */
  readyAt: bigint;
  status: AdmissionStatus;
  blockNumber: number;
  txHash: string;
}

/** The ZoneAdmissions contract of `zone` (its implementation's, shared by its zones). */
export async function admissionsOf(
  zone: Zone,
  runner: ContractRunner | null = zone.runner,
): Promise<ZoneAdmissions> {
  return ZoneAdmissions__factory.connect(await zone.ADMISSIONS(), runner);
}

/** The zone's admission rules (the defaults until its citizens vote their own). */
export async function readAdmissionRules(zone: Zone): Promise<AdmissionRules> {
  const rules = await (await admissionsOf(zone)).admissionRulesOf(await zone.getAddress());
  return {
    delay: Number(rules.delay),
    registrarShareBps: Number(rules.registrarShareBps),
    registrarFloor: Number(rules.registrarFloor),
    invitationsPerEpoch: Number(rules.invitationsPerEpoch),
    parentMayAdmit: rules.parentMayAdmit,
    gatekeeper: getAddress(rules.gatekeeper),
  };
}

/** Every admission request of `zone`, oldest first, with its status as of the latest block. */
export async function readAdmissionRequests(
  zone: Zone,
  options: { fromBlock?: number } = {},
): Promise<AdmissionRequest[]> {
  const admissions = await admissionsOf(zone);
  const address = await zone.getAddress();
  const [requested, admitted, rejectedOne, belowLogs, block] = await Promise.all([
    queryEvents(admissions, admissions.filters.AdmissionRequested(address), options.fromBlock ?? 0),
    queryEvents(admissions, admissions.filters.AdmissionAdmitted(address), options.fromBlock ?? 0),
    queryEvents(admissions, admissions.filters.AdmissionRejected(address), options.fromBlock ?? 0),
    queryEvents(admissions, admissions.filters.PendingAdmissionsRejected(address), options.fromBlock ?? 0),
    requireProvider(zone).getBlock("latest"),
  ]);
  const admittedIds = new Set(admitted.map((log) => log.args.requestId));
  const rejectedIds = new Set(rejectedOne.map((log) => log.args.requestId));
  const now = BigInt(block?.timestamp ?? 0);
  return requested.map((log) => {
    const requestId = log.args.requestId;
    // A veto rejects every request made before it ran (ids are sequential) not yet admitted.
    const vetoed = belowLogs.some((veto) => requestId < veto.args.belowRequestId);
    const status: AdmissionStatus = admittedIds.has(requestId)
      ? "admitted"
      : vetoed || rejectedIds.has(requestId)
        ? "rejected"
        : log.args.readyAt <= now
          ? "ready"
          : "pending";
    const by = getAddress(log.args.by);
    return {
      requestId,
      path: ADMISSION_PATHS[Number(log.args.path)] ?? "registrar",
      by: BigInt(by) === 0n ? undefined : by,
      identityCommitments: [...log.args.identityCommitments],
      readyAt: log.args.readyAt,
      status,
      blockNumber: log.blockNumber,
      txHash: log.transactionHash,
    };
  });
}

/** What a request made now would meet: the zone's rules, its delay, and the registrar's cap left. */
export interface AdmissionState {
  rules: AdmissionRules;
  /** Seconds a request made now waits (ZoneAdmissions.admissionDelay: the rule, or a vote plus a day). */
  delay: bigint;
  /** Before the zone's first proposal every request is admitted at once and the registrar is uncapped. */
  founding: boolean;
  /** The zone's proposal epoch, the period caps and invitations count in. */
  epoch: bigint;
  /** When the epoch ends and the cap and invitations renew (unix seconds). */
  epochEndsAt: bigint;
  /** Commitments the registrar may request this epoch... */
  registrarCap: bigint;
  /** ...how many it requested... */
  registrarRequested: bigint;
  /** ...and how many more it may (unlimited while founding: the cap does not apply then). */
  registrarCapLeft: bigint;
}

/** The zone's admission rules and what they allow now. */
export async function readAdmissionState(zone: Zone): Promise<AdmissionState> {
  const admissions = await admissionsOf(zone);
  const address = await zone.getAddress();
  const [rules, delay, proposalCount, epoch, registrarCap, zoneRules] = await Promise.all([
    readAdmissionRules(zone),
    admissions.admissionDelay(address),
    zone.proposalCount(),
    zone.currentProposalEpoch(),
    admissions.registrarCap(address),
    zone.rules(),
  ]);
  const registrarRequested = await admissions.registrarRequestsIn(address, epoch);
  return {
    rules,
    delay,
    founding: proposalCount === 0n,
    epoch,
    epochEndsAt: (epoch + 1n) * zoneRules.proposalEpoch,
    registrarCap,
    registrarRequested,
    registrarCapLeft: registrarCap > registrarRequested ? registrarCap - registrarRequested : 0n,
  };
}

/**
 * The nullifiers of the zone's invitations, for invitationSlots. The zone keeps no event of them:
 * each is read from its invitation's transaction (a call of the zone's `invite`), so that a slot's use
 * is looked up among everyone's, never asked of an RPC about this citizen's. An invitation sent
 * through another contract (a multisig, a bundler) is not seen here: the zone refuses its slot again
 * with ZoneNullifierAlreadyUsed.
 */
export async function usedInvitationNullifiers(
  zone: Zone,
  requests: readonly AdmissionRequest[],
): Promise<Set<bigint>> {
  const provider = requireProvider(zone);
  const address = await zone.getAddress();
  const hashes = [
    ...new Set(requests.filter((request) => request.path === "invitation").map((r) => r.txHash)),
  ];
  const used = new Set<bigint>();
  for (const transaction of await Promise.all(hashes.map((hash) => provider.getTransaction(hash)))) {
    if (!transaction?.to || getAddress(transaction.to) !== address) continue;
    let call;
    try {
      call = ZONE.parseTransaction({ data: transaction.data });
    } catch {
      continue; // not a call the zone's ABI decodes
    }
    if (call?.name !== "invite") continue;
    used.add((call.args[1] as { nullifier: bigint }).nullifier);
  }
  return used;
}

/**
 * `identity`'s invitation slots in the zone's current proposal epoch (`invitationsPerEpoch` of them,
 * none when the zone allows no invitations), which are used, the first free one, and when they renew:
 * as proposalSlots, with the invitation scope. `used`: usedInvitationNullifiers.
 */
export function invitationSlots(
  identity: Identity,
  place: ZonePlace,
  chainTime: bigint | number,
  rules: { proposalEpoch: bigint | number; invitationsPerEpoch: bigint | number },
  used: ReadonlySet<bigint>,
  epoch?: bigint,
): ProposalSlots {
  return epochSlots(
    identity,
    (current, slot) => invitationScope(place.chainId, place.zone, current, slot),
    chainTime,
    { epochLength: rules.proposalEpoch, perEpoch: rules.invitationsPerEpoch },
    used,
    epoch,
  );
}

/** Requests still waiting: not admitted, not rejected (ready ones enter at anyone's `admit`). */
export function waitingRequests(requests: readonly AdmissionRequest[]): AdmissionRequest[] {
  return requests.filter((request) => request.status === "pending" || request.status === "ready");
}

/** Whether a vote rejecting pending admissions, proposed now, can run before they may be admitted. */
export interface RejectionDeadline {
  /** The earliest readyAt of the requests still to reject (unix seconds): the rejection must run by then. */
  deadline: bigint;
  /** The requests concerned (pending or ready, not admitted nor rejected). */
  requestIds: bigint[];
  /** When a proposal made now can run at the earliest (voting delay + period + timelock). */
  executableAt: bigint;
  /** executableAt <= deadline: a vote started now can pass before anyone may admit them. */
  inTime: boolean;
}

/**
 * When a rejection of `requests` (those not yet admitted nor rejected, or only `requestId`) must run,
 * and whether a proposal made at `chainTime` under the zone's `rules` can run by then; undefined
 * when there is nothing to reject.
 */
export function rejectionDeadline(
  requests: readonly AdmissionRequest[],
  rules: { votingDelay: bigint | number; votingPeriod: bigint | number; executionDelay: bigint | number },
  chainTime: bigint | number,
  requestId?: bigint,
): RejectionDeadline | undefined {
  const open = waitingRequests(requests).filter(
    (request) => requestId === undefined || request.requestId === requestId,
  );
  if (open.length === 0) return undefined;
  const deadline = open.reduce(
    (earliest, r) => (r.readyAt < earliest ? r.readyAt : earliest),
    open[0]!.readyAt,
  );
  const executableAt =
    BigInt(chainTime) + BigInt(rules.votingDelay) + BigInt(rules.votingPeriod) + BigInt(rules.executionDelay);
  return {
    deadline,
    requestIds: open.map((r) => r.requestId),
    executableAt,
    inTime: executableAt <= deadline,
  };
}

function requireProvider(zone: Zone) {
  const provider = zone.runner?.provider;
  if (!provider) throw new Error("the zone's contract needs a provider to read blocks");
  return provider;
}

/** What a request became when it was made: admitted at once (founding) or pending until `readyAt`. */
export interface RequestedAdmission {
  requestId: bigint;
  readyAt: bigint;
  admitted: boolean;
  txHash: string;
}

/**
 * The registrar (`signer`) asks to admit `commitments`: at once while the zone has no proposal,
 * else pending for the admission delay and within the registrar's cap per epoch.
 */
export async function requestAdmissions(
  zone: Zone,
  signer: Signer,
  commitments: readonly bigint[],
): Promise<RequestedAdmission> {
  const admissions = await admissionsOf(zone, signer);
  const receipt = await (
    await admissions.requestByRegistrar(await zone.getAddress(), [...commitments])
  ).wait();
  return requestFromReceipt(admissions, receipt);
}

/** Submits a citizen's invitation (proveInvitation) from `signer` (a relayer, or anyone). */
export async function submitInvitation(
  zone: Zone,
  signer: Signer,
  invitation: Invitation,
): Promise<RequestedAdmission> {
  const receipt = await (
    await zone.connect(signer).invite(invitation.identityCommitment, invitation.proof)
  ).wait();
  return requestFromReceipt(await admissionsOf(zone, signer), receipt);
}

/** The evidence FederationGatekeeper.admits decodes (abi-encoded Evidence). */
export function encodeFederationEvidence(evidence: FederationEvidence): string {
  return AbiCoder.defaultAbiCoder().encode(
    ["tuple(uint256 merkleTreeRoot, uint256 merkleTreeDepth, uint256 nullifier, uint256[8] points)"],
    [[evidence.merkleTreeRoot, evidence.merkleTreeDepth, evidence.nullifier, [...evidence.points]]],
  );
}

/** Asks the zone's gatekeeper to admit `commitment` on `evidence` (encoded for that gatekeeper). */
export async function requestByGatekeeper(
  zone: Zone,
  signer: Signer,
  commitment: bigint,
  evidence: string,
): Promise<RequestedAdmission> {
  const admissions = await admissionsOf(zone, signer);
  const receipt = await (
    await admissions.requestByGatekeeper(await zone.getAddress(), commitment, evidence)
  ).wait();
  return requestFromReceipt(admissions, receipt);
}

function requestFromReceipt(
  admissions: ZoneAdmissions,
  receipt: Awaited<ReturnType<Awaited<ReturnType<ZoneAdmissions["admit"]>>["wait"]>>,
): RequestedAdmission {
  let requested: RequestedAdmission | undefined;
  let admitted = false;
  for (const log of receipt?.logs ?? []) {
    const parsed = admissions.interface.parseLog(log);
    if (parsed?.name === "AdmissionRequested") {
      requested = {
        requestId: parsed.args.requestId as bigint,
        readyAt: parsed.args.readyAt as bigint,
        admitted: false,
        txHash: log.transactionHash,
      };
    }
    if (parsed?.name === "AdmissionAdmitted") admitted = true;
  }
  if (!requested) throw new Error("no AdmissionRequested event in the receipt");
  return { ...requested, admitted };
}

/** Admits every request of `zone` whose delay is over and that was not rejected; returns their ids. */
export async function admitReadyRequests(
  zone: Zone,
  signer: Signer,
  options: { fromBlock?: number } = {},
): Promise<bigint[]> {
  const admissions = await admissionsOf(zone, signer);
  const address = await zone.getAddress();
  const admittedIds: bigint[] = [];
  for (const request of await readAdmissionRequests(zone, options)) {
    if (request.status !== "ready") continue;
    await (await admissions.admit(address, request.requestId, request.identityCommitments)).wait();
    admittedIds.push(request.requestId);
  }
  return admittedIds;
}

/** The citizens' veto: rejects every admission requested and not yet admitted when it runs. */
export function rejectPendingAdmissions(admissions: string): ZoneAction {
  return { target: getAddress(admissions), value: 0n, data: ADMISSIONS.encodeFunctionData("rejectPending") };
}

/** Rejects one admission request. */
export function rejectAdmission(admissions: string, requestId: bigint): ZoneAction {
  return {
    target: getAddress(admissions),
    value: 0n,
    data: ADMISSIONS.encodeFunctionData("reject", [requestId]),
  };
}

/** Sets the zone's admission rules. */
export function setAdmissionRules(admissions: string, rules: AdmissionRules): ZoneAction {
  if (
    !Number.isInteger(rules.registrarShareBps) ||
    rules.registrarShareBps < 0 ||
    rules.registrarShareBps > 10_000
  ) {
    throw new RangeError(`registrarShareBps must be from 0 to 10000, got ${rules.registrarShareBps}`);
  }
  return {
    target: getAddress(admissions),
    value: 0n,
    data: ADMISSIONS.encodeFunctionData("setAdmissionRules", [
      { ...rules, gatekeeper: getAddress(rules.gatekeeper) },
    ]),
  };
}

/** From a parent zone's vote: asks to admit `commitments` to its internal DAO `dao` (pending there). */
export function requestAdmissionsToInternalDao(
  admissions: string,
  dao: string,
  commitments: readonly bigint[],
): ZoneAction {
  return {
    target: getAddress(admissions),
    value: 0n,
    data: ADMISSIONS.encodeFunctionData("requestByParent", [getAddress(dao), [...commitments]]),
  };
}
