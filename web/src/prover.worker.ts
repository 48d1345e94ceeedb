/**
 * The prover: a Web Worker that rebuilds a proposal's snapshot group, loads the verified official
 * artifacts and proves with the sdk's prover (sdk/prove.ts, the same code Node proves with), so the
 * page stays responsive. It prepares one vote per option ahead of the click; the app sends only the
 * chosen one.
 */
import { Group } from "@semaphore-protocol/group";
import { JsonRpcProvider, Network } from "ethers";
import { importIdentity } from "../../sdk/identity.js";
import { rebuildGroup } from "../../sdk/group.js";
import { proofDepth } from "../../sdk/nullifier.js";
import { createProver, type Prover } from "../../sdk/prove.js";
import {
  dividendClaimRequest,
  invitationRequest,
  proposalRequest,
  voteRequest,
} from "../../sdk/relayer-client.js";
import { Zone__factory } from "../../types/ethers-contracts/factories/contracts/Zone__factory.js";
import { loadArtifacts, type VerifiedArtifacts } from "./artifacts.js";
import type {
  NotEligible,
  ProverRequest,
  ProverResponse,
  SnapshotInfo,
  ZoneTarget,
} from "./prover-protocol.js";

/** An identity that cannot vote here, said in words, with which of the two cases it is. */
class NotEligibleError extends Error {
  constructor(
    readonly notEligible: NotEligible,
    message: string,
  ) {
    super(message);
  }
}

const scope = self as unknown as {
  postMessage(message: ProverResponse): void;
  onmessage: ((event: MessageEvent<ProverRequest>) => void) | null;
};
const post = (message: ProverResponse) => scope.postMessage(message);
const artifactsByDepth = new Map<number, Promise<VerifiedArtifacts>>();

function artifacts(depth: number, base: string): Promise<VerifiedArtifacts> {
  let loading = artifactsByDepth.get(depth);
  if (!loading) {
    loading = loadArtifacts(depth, base);
    loading.catch(() => artifactsByDepth.delete(depth));
    artifactsByDepth.set(depth, loading);
  }
  return loading;
}

/**
 * The sdk's prover, fed the files checked by artifacts.ts from the app at `base`. Each job loads its
 * depth's files first (its "artifacts" stage), so the prover finds them ready and a proof's time is
 * the proving alone.
 */
function proverFor(base: string): Prover {
  return createProver((depth) => artifacts(depth, base));
}

function zoneContract(target: ZoneTarget) {
  if (!target.rpcUrl) return undefined;
  const provider = new JsonRpcProvider(
    new URL(target.rpcUrl, target.base).href,
    Network.from(BigInt(target.chainId)),
    {
      staticNetwork: true,
    },
  );
  return Zone__factory.connect(target.zone, provider);
}

/** The zone over the RPC, to rebuild a group the relayer's member list cannot give. */
function requireZone(target: ZoneTarget, why = "the relayer's member list has removed members") {
  const zone = zoneContract(target);
  if (!zone) throw new Error(`${why}, and no RPC URL is configured to rebuild the group from the chain`);
  return zone;
}

/** Tells the page, then loads the proving files for `depth` and checks them against their hashes. */
async function stageArtifacts(jobId: number, depth: number, base: string): Promise<void> {
  post({ type: "stage", jobId, stage: "artifacts", detail: "loading the proving files and checking them" });
  await artifacts(depth, base);
}

/** The group of `members` (a relayer's list), with removed leaves ("0") kept as empty leaves. */
function groupOf(members: readonly string[]): Group | undefined {
  if (members.includes("0")) return undefined; // a removal: only the events say when it happened
  return new Group(members.map(BigInt));
}

/**
 * The group as of the proposal's creation. Members are only appended, so without removals it is the
 * relayer's list cut at the snapshot's size: taken when its root is the snapshot root. Otherwise it
 * is rebuilt from the zone's events over JSON-RPC (sdk rebuildGroup).
 */
async function snapshotGroup(target: ZoneTarget, members: string[], proposal: SnapshotInfo): Promise<Group> {
  const expected = BigInt(proposal.snapshotRoot);
  const prefix = members.slice(0, proposal.eligibleCount);
  const group = groupOf(prefix);
  if (group) {
    if (group.root === expected) return group;
    for (const member of members.slice(proposal.eligibleCount)) {
      if (member === "0") break;
      group.addMember(BigInt(member));
      if (group.root === expected) return group;
    }
  }
  const zone = requireZone(target, "the relayer's member list does not match this proposal's snapshot");
  post({
    type: "stage",
    jobId: currentJob,
    stage: "syncing",
    detail: "rebuilding the list of citizens from the chain",
  });
  const rebuilt = await rebuildGroup(zone, {
    untilProposal: BigInt(proposal.id),
    fromBlock: target.fromBlock,
  });
  if (rebuilt.root !== expected)
    throw new Error("the zone's events do not give this proposal's snapshot root");
  return rebuilt;
}

let currentJob = 0;

async function prepareVotes(request: Extract<ProverRequest, { type: "prepareVotes" }>) {
  const identity = importIdentity(request.identity);
  post({ type: "stage", jobId: request.jobId, stage: "syncing", detail: "getting the list of citizens" });
  // Not a citizen at all: said before any work, from the current list.
  if (!request.members.includes(identity.commitment.toString())) {
    throw new NotEligibleError(
      "not-a-citizen",
      "This identity is not a citizen of the zone: give its commitment to the registrar to become one.",
    );
  }
  const group = await snapshotGroup(request, request.members, request.proposal);
  if (group.indexOf(identity.commitment) < 0) {
    throw new NotEligibleError(
      "not-yet-eligible",
      "You became a citizen after this proposal was made: you can vote on proposals made from now on.",
    );
  }
  const depth = proofDepth(group);
  if (depth !== request.proposal.snapshotDepth) {
    throw new Error(
      `the snapshot group has depth ${depth}, the proposal says ${request.proposal.snapshotDepth}`,
    );
  }
  await stageArtifacts(request.jobId, depth, request.base);
  const prover = proverFor(request.base);
  const context = {
    chainId: BigInt(request.chainId),
    zone: request.zone,
    proposalId: BigInt(request.proposal.id),
  };
  for (const [index, option] of request.options.entries()) {
    if (request.jobId !== currentJob) return; // a newer job replaced this one
    // Counted as the ballot lists the choices, never by the chain's option index (For is index 1).
    const count = request.options.length;
    post({
      type: "stage",
      jobId: request.jobId,
      stage: "proving",
      detail: `making the proof for choice ${index + 1} of ${count}`,
    });
    const started = performance.now();
    const vote = await prover.proveVote(identity, group, { ...context, option });
    post({
      type: "vote",
      jobId: request.jobId,
      option,
      request: voteRequest(request.zone, vote),
      ms: Math.round(performance.now() - started),
    });
  }
}

async function prepareProposal(request: Extract<ProverRequest, { type: "prepareProposal" }>) {
  const identity = importIdentity(request.identity);
  post({ type: "stage", jobId: request.jobId, stage: "syncing", detail: "getting the list of citizens" });
  const group =
    groupOf(request.members) ?? (await rebuildGroup(requireZone(request), { fromBlock: request.fromBlock }));
  if (group.indexOf(identity.commitment) < 0)
    throw new Error("This identity is not a citizen of the zone yet.");
  const depth = proofDepth(group);
  await stageArtifacts(request.jobId, depth, request.base);
  post({
    type: "stage",
    jobId: request.jobId,
    stage: "proving",
    detail: "making the anonymous proof of your proposal",
  });
  const options = request.options.map((actions) =>
    actions.map((action) => ({ ...action, value: BigInt(action.value) })),
  );
  const started = performance.now();
  const proof = await proverFor(request.base).proveProposal(identity, group, {
    chainId: BigInt(request.chainId),
    zone: request.zone,
    epoch: BigInt(request.epoch),
    slot: BigInt(request.slot),
    options,
    description: request.description,
  });
  post({
    type: "proposal",
    jobId: request.jobId,
    request: proposalRequest(request.zone, options, request.description, proof),
    ms: Math.round(performance.now() - started),
  });
}

/** A citizen's invitation: membership of the zone's current group, for the newcomer's commitment. */
async function prepareInvitation(request: Extract<ProverRequest, { type: "prepareInvitation" }>) {
  const identity = importIdentity(request.identity);
  post({ type: "stage", jobId: request.jobId, stage: "syncing", detail: "getting the list of citizens" });
  const group =
    groupOf(request.members) ?? (await rebuildGroup(requireZone(request), { fromBlock: request.fromBlock }));
  if (group.indexOf(identity.commitment) < 0)
    throw new Error("This identity is not a citizen of the zone: only citizens can invite.");
  await stageArtifacts(request.jobId, proofDepth(group), request.base);
  post({
    type: "stage",
    jobId: request.jobId,
    stage: "proving",
    detail: "making the anonymous proof of your invitation",
  });
  const started = performance.now();
  const invitation = await proverFor(request.base).proveInvitation(identity, group, {
    chainId: BigInt(request.chainId),
    zone: request.zone,
    epoch: BigInt(request.epoch),
    slot: BigInt(request.slot),
    newcomer: BigInt(request.newcomer),
  });
  post({
    type: "invitation",
    jobId: request.jobId,
    request: invitationRequest(request.zone, invitation),
    ms: Math.round(performance.now() - started),
  });
}

/**
 * A citizen's dividend claim: membership of the electorate of the round (the snapshot of the
 * proposal that opened it, rebuilt as a vote's is), paid to `recipient`.
 */
async function prepareDividendClaim(request: Extract<ProverRequest, { type: "prepareDividendClaim" }>) {
  const identity = importIdentity(request.identity);
  post({ type: "stage", jobId: request.jobId, stage: "syncing", detail: "getting the list of citizens" });
  if (!request.members.includes(identity.commitment.toString())) {
    throw new NotEligibleError("not-a-citizen", "This identity is not a citizen of the zone.");
  }
  const group = await snapshotGroup(request, request.members, request.electorate);
  if (group.indexOf(identity.commitment) < 0) {
    throw new NotEligibleError(
      "not-yet-eligible",
      "You became a citizen after the vote that opened this round: it pays only the citizens of that vote.",
    );
  }
  await stageArtifacts(request.jobId, proofDepth(group), request.base);
  post({
    type: "stage",
    jobId: request.jobId,
    stage: "proving",
    detail: "making the anonymous proof of your claim",
  });
  const started = performance.now();
  const claim = await proverFor(request.base).proveDividendClaim(identity, group, {
    chainId: BigInt(request.chainId),
    zone: request.zone,
    roundId: BigInt(request.roundId),
    recipient: request.recipient,
  });
  post({
    type: "dividendClaim",
    jobId: request.jobId,
    request: dividendClaimRequest(request.zone, claim),
    ms: Math.round(performance.now() - started),
  });
}

scope.onmessage = (event) => {
  const request = event.data;
  currentJob = request.jobId;
  const run =
    request.type === "prepareVotes"
      ? prepareVotes(request)
      : request.type === "prepareProposal"
        ? prepareProposal(request)
        : request.type === "prepareInvitation"
          ? prepareInvitation(request)
          : prepareDividendClaim(request);
  run.then(
    () => post({ type: "done", jobId: request.jobId }),
    (error: unknown) =>
      post({
        type: "error",
        jobId: request.jobId,
        message: error instanceof Error ? error.message : String(error),
        ...(error instanceof NotEligibleError && { notEligible: error.notEligible }),
      }),
  );
};
