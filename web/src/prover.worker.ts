/**
 * The prover: a Web Worker that fetches the citizen's private Merkle path (the relayers' tree top and
 * a few buckets, checked against the chain's root; the group rebuilt from the chain's events only
 * when that fails), loads the verified official artifacts and proves with the sdk's prover
 * (sdk/prove.ts, the same code Node proves with), so the page stays responsive. The prover is kept
 * for the worker's life, so each depth's circuit is compiled once, and readied while the path
 * downloads. It prepares one vote per option ahead of the click; the app sends only the chosen one.
 */
import type { Group, MerkleProof } from "@semaphore-protocol/group";
import { JsonRpcProvider, Network } from "ethers";
import { importIdentity } from "../../sdk/identity.js";
import { rebuildGroup } from "../../sdk/group.js";
import { MIN_TREE_DEPTH } from "../../sdk/constants.js";
import { proofDepth } from "../../sdk/nullifier.js";
import { privateMerkleProof, treeRoot } from "../../sdk/private-path.js";
import { createProver, type Prover } from "../../sdk/prove.js";
import {
  dividendClaimRequest,
  invitationRequest,
  proposalRequest,
  voteRequest,
} from "../../sdk/relayer-client.js";
import { Zone__factory } from "../../types/ethers-contracts/factories/contracts/Zone__factory.js";
import { ZoneSealedBallots__factory } from "../../types/ethers-contracts/factories/contracts/sealed/ZoneSealedBallots__factory.js";
import {
  SEALED_BALLOT,
  prepareSealedVote,
  sealedVoteRequest,
  type Point,
  type PreparedSealedVote,
} from "../../sdk/sealed.js";
import { sealedBoxOf } from "../../sdk/sealed-votes.js";
import { WarmCircuit } from "../../sdk/warm-prover.js";
import { Relayers } from "./api.js";
import { loadArtifacts, loadSealedBallotFiles } from "./artifacts.js";
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
const provers = new Map<string, Prover>();

/**
 * The sdk's prover for the app at `base`, fed the files artifacts.ts fetched and checked: one for the
 * worker's life, so each depth's files are loaded and its circuit compiled once, and every later
 * proof (the next option, the next proposal) finds it warm.
 */
function proverFor(base: string): Prover {
  let prover = provers.get(base);
  if (!prover) {
    prover = createProver((depth) => loadArtifacts(depth, base));
    provers.set(base, prover);
  }
  return prover;
}

/**
 * Starts readying the circuit of `depth` (its files and the curve) while the Merkle path downloads,
 * the first proof's fixed cost paid during the network's wait. A failure is left for the
 * "artifacts" stage, which asks again and reports it.
 */
function prepareEarly(base: string, depth: number): void {
  proverFor(base)
    .prepare(depth)
    .catch(() => undefined);
}

/** The chain over the app's JSON-RPC; undefined without one. */
function chainOf(target: ZoneTarget) {
  if (!target.rpcUrl) return undefined;
  return new JsonRpcProvider(new URL(target.rpcUrl, target.base).href, Network.from(BigInt(target.chainId)), {
    staticNetwork: true,
  });
}

function zoneContract(target: ZoneTarget) {
  const provider = chainOf(target);
  return provider && Zone__factory.connect(target.zone, provider);
}

/** The zone over the RPC, to read its root or rebuild a group the relayers' tree cannot give. */
function requireZone(target: ZoneTarget, why: string) {
  const zone = zoneContract(target);
  if (!zone) throw new Error(`${why}, and no RPC URL is configured to rebuild the group from the chain`);
  return zone;
}

/**
 * Tells the page, then waits for the proving files of `depth` (checked against their hashes) and its
 * circuit to be ready, so a proof's time is the proving alone.
 */
async function stageArtifacts(jobId: number, depth: number, base: string): Promise<void> {
  post({ type: "stage", jobId, stage: "artifacts", detail: "loading the proving files and checking them" });
  await proverFor(base).prepare(depth);
}

/** What a proof is made from: the private Merkle path at the tree's depth, or a group rebuilt from the chain. */
type Membership = { path: MerkleProof; depth: number } | { group: Group };

const membershipOf = (membership: Membership) => ("group" in membership ? membership.group : membership.path);
const depthOf = (membership: Membership) =>
  "group" in membership ? proofDepth(membership.group) : membership.depth;

/** Tells the page how far the path's downloads are: "fetching your Merkle path: 3 of 5 downloads". */
const pathProgress = (jobId: number) => (done: number, total: number) =>
  post({
    type: "stage",
    jobId,
    stage: "path",
    detail: `fetching your Merkle path: ${done} of ${total} downloads`,
  });

/**
 * The identity's Merkle path in the tree of the zone's first `size` leaves, whose root the chain says
 * is `root`: from the relayers' tree top and buckets (the own one and its decoys, sdk
 * privateMerkleProof), checked against `root`. Only when that fails (a member removed or replaced
 * since, a relayer lying, this device's leaf index wrong) and an RPC URL is configured is the group
 * rebuilt from the zone's events (`rebuild`), and the page says so.
 */
async function membershipAt(
  target: ZoneTarget & { jobId: number },
  tree: { size: number; root: bigint; depth: number },
  rebuild: (zone: NonNullable<ReturnType<typeof zoneContract>>) => Promise<Group>,
  notMember: () => Error,
): Promise<Membership> {
  const identity = importIdentity(target.identity);
  const relayers = new Relayers(target.relayers);
  let reason: string;
  if (target.leafIndex < tree.size) {
    try {
      const path = await privateMerkleProof(
        relayers,
        {
          zone: target.zone,
          identity,
          leafIndex: target.leafIndex,
          size: tree.size,
          snapshotRoot: tree.root,
        },
        pathProgress(target.jobId),
      );
      return { path, depth: tree.depth };
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
    }
  } else {
    // A leaf after the tree's: not a member of it, if the tree's first `size` leaves are the tree
    // (no member removed before it, where `size` counts members, not leaves).
    post({ type: "stage", jobId: target.jobId, stage: "path", detail: "fetching the tree of the citizens" });
    const top = await relayers.treeTop(target.zone, tree.size).catch(() => undefined);
    if (top && treeRoot(top) === tree.root) throw notMember();
    reason = "the relayer's tree of its first leaves does not have the chain's root";
  }
  const zone = requireZone(target, reason);
  post({
    type: "stage",
    jobId: target.jobId,
    stage: "syncing",
    detail: "the relayer's tree did not match the chain: rebuilding the list of citizens from the chain",
  });
  const group = await rebuild(zone);
  if (group.root !== tree.root) throw new Error("the zone's events do not give the root the chain has");
  const leafIndex = group.indexOf(identity.commitment);
  if (leafIndex < 0) throw notMember();
  // The chain's word on the identity's leaf: the page keeps it, so the next proof takes the path.
  if (leafIndex !== target.leafIndex) {
    post({
      type: "place",
      jobId: target.jobId,
      zone: target.zone,
      commitment: identity.commitment.toString(),
      leafIndex,
    });
  }
  return { group };
}

/** The group as of the proposal's creation (its snapshot): the voters', and a dividend round's. */
function snapshotMembership(
  target: ZoneTarget & { jobId: number },
  snapshot: SnapshotInfo,
  rebuildUntil: { untilProposal: bigint } | { untilDividendRound: bigint },
  notMember: () => Error,
): Promise<Membership> {
  return membershipAt(
    target,
    {
      size: snapshot.snapshotSize ?? snapshot.eligibleCount,
      root: BigInt(snapshot.snapshotRoot),
      depth: snapshot.snapshotDepth,
    },
    (zone) => rebuildGroup(zone, { ...rebuildUntil, fromBlock: target.fromBlock }),
    notMember,
  );
}

/** The zone's current group, read from the chain (its root, depth and size): proposals and invitations. */
async function currentMembership(target: ZoneTarget & { jobId: number }, notMember: () => Error) {
  const zone = requireZone(target, "making this proof needs the zone's current root");
  const [root, depth, size] = await zone.merkleTree();
  return membershipAt(
    target,
    { size: Number(size), root, depth: Math.max(MIN_TREE_DEPTH, Number(depth)) },
    (chain) => rebuildGroup(chain, { fromBlock: target.fromBlock }),
    notMember,
  );
}

/** A voter's membership of the proposal's snapshot; refused if they joined after it was made. */
function voterMembership(
  target: ZoneTarget & { jobId: number },
  proposal: SnapshotInfo,
): Promise<Membership> {
  return snapshotMembership(
    target,
    proposal,
    { untilProposal: BigInt(proposal.id) },
    () =>
      new NotEligibleError(
        "not-yet-eligible",
        "You became a citizen after this proposal was made: you can vote on proposals made from now on.",
      ),
  );
}

let currentJob = 0;

async function prepareVotes(request: Extract<ProverRequest, { type: "prepareVotes" }>) {
  const identity = importIdentity(request.identity);
  prepareEarly(request.base, request.proposal.snapshotDepth);
  const membership = await voterMembership(request, request.proposal);
  const depth = depthOf(membership);
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
    merkleTreeDepth: depth,
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
    const vote = await prover.proveVote(identity, membershipOf(membership), { ...context, option });
    post({
      type: "vote",
      jobId: request.jobId,
      option,
      request: voteRequest(request.zone, vote),
      ms: Math.round(performance.now() - started),
    });
  }
}

/** The sealed ballot circuit of each set of files (a deployment's key), loaded and checked once. */
const sealedCircuits = new Map<string, Promise<WarmCircuit>>();

function sealedCircuitFor(
  files: Extract<ProverRequest, { type: "prepareSealedVote" }>["files"],
  base: string,
): Promise<WarmCircuit> {
  const key = `${base} ${files.wasmSha256} ${files.zkeySha256}`;
  let circuit = sealedCircuits.get(key);
  if (!circuit) {
    circuit = loadSealedBallotFiles(files, base).then((loaded) =>
      WarmCircuit.load(SEALED_BALLOT.depth, loaded),
    );
    sealedCircuits.set(key, circuit);
    circuit.catch(() => sealedCircuits.delete(key)); // asked again next time
  }
  return circuit;
}

/**
 * The sealed ballot readied for the citizen, by job: the newest only (an older one's randomness is
 * dropped when another is prepared), proved once, for the choice.
 */
const preparedSealed = new Map<number, { prepared: PreparedSealedVote; zone: string }>();

/**
 * The key the ballot is sealed to: the chain's (the proposal's box in the sealed ballots module),
 * which the relayer's must equal; the relayer's alone without an RPC (the module's proof check
 * refuses a ballot sealed to any other key, so a lying relayer gets nothing counted).
 */
async function sealedKey(request: Extract<ProverRequest, { type: "prepareSealedVote" }>): Promise<Point> {
  const relayed: Point = [BigInt(request.publicKey[0]), BigInt(request.publicKey[1])];
  const provider = chainOf(request);
  if (!provider || !request.sealedBallots) return relayed;
  const module = ZoneSealedBallots__factory.connect(request.sealedBallots, provider);
  const box = await sealedBoxOf(module, request.zone, BigInt(request.proposal.id));
  if (!box) throw new Error("The chain has no ballot box for this proposal: it is not sealed.");
  if (box.publicKey[0] !== relayed[0] || box.publicKey[1] !== relayed[1]) {
    throw new Error(
      "The relayer reported another tellers' key for this proposal than the chain has: your ballot is not sealed to it.",
    );
  }
  return box.publicKey;
}

/**
 * Readies a sealed ballot while the citizen reads (sdk prepareSealedVote): the membership and the
 * encryption's randomness proved with an unsent ballot, so that `proveSealedVote` seals the choice
 * in about a third of a proof's time.
 */
async function prepareSealed(request: Extract<ProverRequest, { type: "prepareSealedVote" }>) {
  preparedSealed.clear();
  const identity = importIdentity(request.identity);
  const circuit = sealedCircuitFor(request.files, request.base); // loads while the path downloads
  const publicKey = await sealedKey(request);
  const membership = await voterMembership(request, request.proposal);
  post({
    type: "stage",
    jobId: request.jobId,
    stage: "artifacts",
    detail: "loading the sealed ballot's proving files and checking them",
  });
  const warm = await circuit;
  post({
    type: "stage",
    jobId: request.jobId,
    stage: "proving",
    detail: "readying your sealed ballot (encrypted to the tellers' key)",
  });
  const started = performance.now();
  const prepared = await prepareSealedVote(warm, identity, membershipOf(membership), {
    chainId: BigInt(request.chainId),
    zone: request.zone,
    proposalId: BigInt(request.proposal.id),
    publicKey,
  });
  if (request.jobId !== currentJob) return; // a newer job replaced this one
  preparedSealed.set(request.jobId, { prepared, zone: request.zone });
  post({ type: "sealedReady", jobId: request.jobId, ms: Math.round(performance.now() - started) });
}

/** Seals the citizen's choice into the ballot readied by its job. */
async function proveSealed(request: Extract<ProverRequest, { type: "proveSealedVote" }>) {
  const entry = preparedSealed.get(request.jobId);
  if (!entry) throw new Error("Your sealed ballot is no longer ready: reload the page to ready it again.");
  preparedSealed.delete(request.jobId);
  post({ type: "stage", jobId: request.jobId, stage: "proving", detail: "sealing your choice" });
  const started = performance.now();
  const vote = await entry.prepared.prove(request.option);
  post({
    type: "sealedVote",
    jobId: request.jobId,
    option: request.option,
    request: sealedVoteRequest(entry.zone, vote),
    ms: Math.round(performance.now() - started),
  });
}

async function prepareProposal(request: Extract<ProverRequest, { type: "prepareProposal" }>) {
  const identity = importIdentity(request.identity);
  const membership = await currentMembership(
    request,
    () => new Error("This identity is not a citizen of the zone yet."),
  );
  const depth = depthOf(membership);
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
  const tellersTerm = request.tellersTerm === undefined ? undefined : BigInt(request.tellersTerm);
  const started = performance.now();
  const proof = await proverFor(request.base).proveProposal(identity, membershipOf(membership), {
    chainId: BigInt(request.chainId),
    zone: request.zone,
    epoch: BigInt(request.epoch),
    slot: BigInt(request.slot),
    options,
    description: request.description,
    merkleTreeDepth: depth,
    ...(tellersTerm === undefined ? {} : { tellersTerm }),
  });
  post({
    type: "proposal",
    jobId: request.jobId,
    request: proposalRequest(request.zone, options, request.description, proof, tellersTerm),
    ms: Math.round(performance.now() - started),
  });
}

/** A citizen's invitation: membership of the zone's current group, for the newcomer's commitment. */
async function prepareInvitation(request: Extract<ProverRequest, { type: "prepareInvitation" }>) {
  const identity = importIdentity(request.identity);
  const membership = await currentMembership(
    request,
    () => new Error("This identity is not a citizen of the zone: only citizens can invite."),
  );
  const depth = depthOf(membership);
  await stageArtifacts(request.jobId, depth, request.base);
  post({
    type: "stage",
    jobId: request.jobId,
    stage: "proving",
    detail: "making the anonymous proof of your invitation",
  });
  const started = performance.now();
  const invitation = await proverFor(request.base).proveInvitation(identity, membershipOf(membership), {
    chainId: BigInt(request.chainId),
    zone: request.zone,
    epoch: BigInt(request.epoch),
    slot: BigInt(request.slot),
    newcomer: BigInt(request.newcomer),
    merkleTreeDepth: depth,
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
 * proposal that opened it, its path found as a vote's is), paid to `recipient`.
 */
async function prepareDividendClaim(request: Extract<ProverRequest, { type: "prepareDividendClaim" }>) {
  const identity = importIdentity(request.identity);
  prepareEarly(request.base, request.electorate.snapshotDepth);
  const membership = await snapshotMembership(
    request,
    request.electorate,
    { untilDividendRound: BigInt(request.roundId) },
    () =>
      new NotEligibleError(
        "not-yet-eligible",
        "You became a citizen after the vote that opened this round: it pays only the citizens of that vote.",
      ),
  );
  const depth = depthOf(membership);
  await stageArtifacts(request.jobId, depth, request.base);
  post({
    type: "stage",
    jobId: request.jobId,
    stage: "proving",
    detail: "making the anonymous proof of your claim",
  });
  const started = performance.now();
  const claim = await proverFor(request.base).proveDividendClaim(identity, membershipOf(membership), {
    chainId: BigInt(request.chainId),
    zone: request.zone,
    roundId: BigInt(request.roundId),
    recipient: request.recipient,
    merkleTreeDepth: depth,
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
      : request.type === "prepareSealedVote"
        ? prepareSealed(request)
        : request.type === "proveSealedVote"
          ? proveSealed(request)
          : request.type === "prepareProposal"
            ? prepareProposal(request)
            : request.type === "prepareInvitation"
              ? prepareInvitation(request)
              : prepareDividendClaim(request);
  run.then(
    // A readied sealed ballot's job goes on: it ends when the choice is proved.
    () => request.type !== "prepareSealedVote" && post({ type: "done", jobId: request.jobId }),
    (error: unknown) =>
      post({
        type: "error",
        jobId: request.jobId,
        message: error instanceof Error ? error.message : String(error),
        ...(error instanceof NotEligibleError && { notEligible: error.notEligible }),
      }),
  );
};
