/**
 * Decides whether to accept a vote, proposal, invitation or dividend claim, cheapest checks first (the request's shape has
 * already been checked against its schema): the zone, the proposal and its state, the nullifier,
 * then the proof itself on a verifier thread. An accepted submission is committed to SQLite before
 * the 202 is sent; submissions accepted together share one commit (one fsync).
 */
import { getAddress, type JsonRpcApiProvider } from "ethers";
import {
  BN254_BASE_FIELD,
  MAX_TREE_DEPTH,
  MIN_TREE_DEPTH,
  SNARK_SCALAR_FIELD,
  optionCount,
  queryEvents,
  Zone__factory,
  type Accepted,
  type PackedProof,
  type SealedVoteRequest,
  type Zone,
} from "../sdk/index.js";
import { ciphertextsFromWords, packSealedVotes } from "../sdk/sealed.js";
import { RelayerError } from "./errors.js";
import type { SealedBox, ZoneIndexer } from "./indexer.js";
import type { RelayerMetrics } from "./metrics.js";
import type { SealedModules } from "./relayer.js";
import {
  claimDividendArguments,
  inviteArguments,
  proposalOptions,
  proposeArguments,
  type DividendClaimRequest,
  type InvitationRequest,
  type ProposalRequest,
  type VoteRequest,
} from "./requests.js";
import type { IndexedProposal, RelayerStore, Submission } from "./store.js";
import { revertReason } from "./submitter.js";
import type { VerifierPool } from "./verifier-pool.js";

/** Base field of BN254: every proof coordinate must be below it. */
const UINT256_BOUND = 1n << 256n;
/** Proofs waiting for a verifier thread beyond which requests get 503 (~2 s of work at 500/s). */
const MAX_VERIFY_BACKLOG = 1024;
/** isNullifierUsed(uint256)'s selector, for the raw eth_call of #askUsed. */
const IS_NULLIFIER_USED = Zone__factory.createInterface().getFunction("isNullifierUsed").selector;

/** A zone refusal the relayer answers with its own code and status. */
type KnownRefusal = { status: 404 | 409 | 422; code: string; message: string };

/** What the zone's custom errors mean to a proposer, and the status they get. */
const PROPOSE_ERRORS: Record<string, KnownRefusal> = {
  ZoneNullifierAlreadyUsed: {
    status: 409,
    code: "duplicate_nullifier",
    message: "this identity already used this proposal slot",
  },
  ZoneUnknownMerkleRoot: {
    status: 422,
    code: "unknown_root",
    message:
      "the proof's group root is neither the zone's current one nor one replaced within the hour: rebuild the group and prove again",
  },
  ZoneWrongProposalEpoch: {
    status: 422,
    code: "wrong_epoch",
    message: "the proof is for another proposal epoch than the zone's current one",
  },
  ZoneProposalSlotOutOfRange: {
    status: 422,
    code: "slot_out_of_range",
    message: "the slot is not below the zone's proposals per epoch",
  },
  ZoneInvalidProof: { status: 422, code: "invalid_proof", message: "the zone rejects the proof" },
  ZoneGroupIsEmpty: { status: 422, code: "empty_group", message: "the zone has no citizens yet" },
  // A sealed proposal's (proposeSealed): the zone's sealed ballots module checks its tellers' term.
  ZoneSealedBallotsUnavailable: {
    status: 422,
    code: "sealed_unavailable",
    message: "this deployment has no sealed ballots: propose without tellersTerm",
  },
  SealedTellersKeyNotReady: {
    status: 422,
    code: "tellers_not_ready",
    message: "the tellers' term has no final key yet (its key generation is not over)",
  },
  TellersUnknownTerm: {
    status: 422,
    code: "tellers_not_ready",
    message: "the zone has elected no tellers for that term",
  },
  SealedTermEndsBeforeVote: {
    status: 422,
    code: "tellers_term_too_short",
    message: "the tellers' term ends before the vote would: choose a later term",
  },
};

/** What the zone (or its admissions contract) refuses an invitation for, and the answer it gets. */
const INVITE_ERRORS: Record<string, KnownRefusal> = {
  ...PROPOSE_ERRORS,
  ZoneNullifierAlreadyUsed: {
    status: 409,
    code: "duplicate_nullifier",
    message: "this identity already used this invitation slot",
  },
  ZoneWrongProposalEpoch: {
    status: 422,
    code: "wrong_epoch",
    message: "the proof is for another epoch than the zone's current one: prove again",
  },
  AdmissionsInvitationSlotOutOfRange: {
    status: 422,
    code: "slot_out_of_range",
    message: "the slot is not below the zone's invitations per epoch (0: invitations are off in this zone)",
  },
  AdmissionsInvalidIdentityCommitment: {
    status: 422,
    code: "invalid_commitment",
    message: "the newcomer's identity commitment is not one the zone can admit",
  },
};

/** What the zone refuses a dividend claim for (IZone.claimDividend), and the answer it gets. */
const DIVIDEND_ERRORS: Record<string, KnownRefusal> = {
  ZoneUnknownDividendRound: {
    status: 404,
    code: "unknown_round",
    message: "the zone has no such dividend round",
  },
  ZoneDividendClaimPeriodOver: {
    status: 422,
    code: "claim_period_over",
    message: "the round's claim period is over",
  },
  ZoneDividendRoundExhausted: {
    status: 409,
    code: "round_exhausted",
    message: "every citizen of the round's snapshot has already claimed",
  },
  ZoneNullifierAlreadyUsed: {
    status: 409,
    code: "duplicate_nullifier",
    message: "this identity already claimed this round",
  },
  ZoneInvalidProof: { status: 422, code: "invalid_proof", message: "the zone rejects the proof" },
};

/** A round's electorate: the snapshot of the proposal that opened it (it never changes). */
interface RoundElectorate {
  proposalId: bigint;
  snapshotRoot: bigint;
  snapshotDepth: number;
}

/**
 * Runs a simulated call to the zone; a refusal becomes the relayer's answer: its own code for an
 * error in `known`, else `refused.code` with the zone's reason. Anything but a revert is rethrown.
 */
async function simulate(
  call: () => Promise<unknown>,
  known: Record<string, KnownRefusal>,
  refused: { code: string; what: string },
): Promise<void> {
  try {
    await call();
  } catch (error) {
    const reason = revertReason(error);
    if (reason === undefined) throw error;
    const match = known[reason.slice(0, reason.indexOf("("))];
    if (match !== undefined) throw new RelayerError(match.status, match.code, `${match.message} (${reason})`);
    throw new RelayerError(422, refused.code, `the zone would refuse this ${refused.what}: ${reason}`);
  }
}

interface IndexedProposalEntry {
  /** The index's block when it was read: read again after the next sync. */
  indexedBlock: number;
  proposal: IndexedProposal;
  offered: number;
}

/**
 * Sealed ballots whose proof is being checked at once, beyond which requests get 503: each check is
 * an eth_call of the chain's own SealedBallotVerifier (one pairing product), run by the node.
 */
const MAX_SEALED_CHECKS = 64;

interface PendingAccept {
  submission: Pick<Submission, "nullifier" | "kind" | "zone" | "proposalId" | "payload">;
  resolve(isNew: boolean): void;
  reject(error: unknown): void;
}

export class Intake {
  readonly #pending: PendingAccept[] = [];
  /** Each dividend round's electorate, read once per round ("zone:roundId"). */
  readonly #electorates = new Map<string, Promise<RoundElectorate | undefined>>();
  #flushScheduled = false;
  /** Nullifier checks waiting for the next batch read of the chain, and those asked, by zone and nullifier. */
  readonly #usedPending: {
    zone: string;
    nullifier: string;
    key: string;
    resolve(used: boolean): void;
    reject(error: unknown): void;
  }[] = [];
  readonly #usedAsked = new Map<string, Promise<boolean>>();
  /** Proposals as the index held them at its last sync ("zone:id"), see #indexedProposal. */
  readonly #proposals = new Map<string, IndexedProposalEntry>();
  #sealedChecks = 0;
  /** The served zones' checksummed addresses by their lower-case form (a checksum is a keccak256). */
  readonly #servedByLowerCase: ReadonlyMap<string, string>;

  constructor(
    private readonly store: RelayerStore,
    private readonly provider: JsonRpcApiProvider,
    private readonly zones: ReadonlyMap<string, Zone>,
    private readonly sealedModules: SealedModules,
    private readonly indexer: ZoneIndexer,
    private readonly verifier: VerifierPool,
    private readonly metrics: RelayerMetrics,
    private readonly chainId: bigint,
    private readonly relayerAddress: string,
    private readonly onAccepted: () => void,
  ) {
    this.#servedByLowerCase = new Map([...zones.keys()].map((address) => [address.toLowerCase(), address]));
  }

  async acceptVote(request: VoteRequest): Promise<Accepted> {
    const zoneAddress = this.servedZone(request.zone);
    const zone = this.zones.get(zoneAddress)!;
    const proposalId = uint256(request.proposalId, "proposalId");
    const nullifier = fieldElement(request.nullifier, "nullifier");
    const option = smallInteger(request.option, "option");
    const depth = treeDepth(request.merkleTreeDepth);
    const points = proofPoints(request.proof);

    const { proposal, offered } = await this.#votableProposal(zone, zoneAddress, proposalId);
    if (proposal.sealed !== null) {
      throw new RelayerError(
        422,
        "sealed_proposal",
        `proposal ${proposalId} is sealed: its votes are sealed ballots (POST /v1/sealed-votes)`,
      );
    }
    if (option >= offered) {
      throw new RelayerError(
        422,
        "invalid_option",
        `option ${option} is not one of proposal ${proposalId}'s (0 to ${offered - 1})`,
      );
    }
    if (depth !== proposal.snapshotDepth) {
      throw new RelayerError(
        422,
        "wrong_depth",
        `votes on proposal ${proposalId} are proved at its snapshot's depth ${proposal.snapshotDepth}, not ${depth}`,
      );
    }
    this.#requireActive(proposal, proposalId);
    this.#requireNotAccepted(request.nullifier);
    // The index's VoteCast nullifiers, not a call to the node per vote: a 202 then waits on no RPC
    // (a node mining a block full of batches left those calls waiting for up to half a second).
    const cast = this.indexer.isVoteCast(zoneAddress, proposal, request.nullifier);
    if (cast === true) throw usedOnChain(request.nullifier);

    this.#requireCapacity();
    const valid = await this.verifier.verifyVote({
      vote: {
        proposalId,
        option,
        nullifier,
        merkleTreeRoot: BigInt(proposal.snapshotRoot),
        merkleTreeDepth: depth,
        points,
      },
      snapshot: {
        chainId: this.chainId,
        zone: zoneAddress,
        snapshotRoot: BigInt(proposal.snapshotRoot),
        snapshotDepth: proposal.snapshotDepth,
      },
    });
    if (!valid) {
      throw new RelayerError(
        422,
        "invalid_proof",
        `the proof does not show that a citizen of proposal ${proposalId}'s snapshot chose option ${option} with this nullifier`,
      );
    }
    // Votes on a proposal older than the index's votes are asked of the node, after the proof, so
    // that junk proofs cost no RPC call.
    if (cast === undefined) await this.#requireUnusedOnChain(zoneAddress, request.nullifier);
    const canonical: VoteRequest = { ...request, zone: zoneAddress };
    await this.#commit({
      nullifier: request.nullifier,
      kind: "vote",
      zone: zoneAddress,
      proposalId: proposalId.toString(),
      payload: JSON.stringify(canonical),
    });
    return { nullifier: request.nullifier, status: "queued" };
  }

  /**
   * The proposal a vote is for, as the index holds it: read again now if the zone made it since the
   * last sync; refused if it is unknown, or too recent for the relayer's confirmations.
   */
  async #votableProposal(zone: Zone, zoneAddress: string, proposalId: bigint): Promise<IndexedProposalEntry> {
    let indexed = this.#indexedProposal(zoneAddress, proposalId.toString());
    const onChain = indexed !== undefined || proposalId <= (await zone.proposalCount());
    if (indexed === undefined && onChain) {
      // Created since the last sync: read it now (twice if a sync already running started before
      // it). An id the zone does not have costs one call.
      await this.indexer.sync();
      indexed = this.#indexedProposal(zoneAddress, proposalId.toString());
      if (indexed === undefined) await this.indexer.sync();
      indexed = this.#indexedProposal(zoneAddress, proposalId.toString());
    }
    const proposal = indexed?.proposal;
    if (proposal === undefined && onChain) {
      // In a block the relayer does not trust yet (ZONEDAO_CONFIRMATIONS): a reorg could undo it.
      throw new RelayerError(
        409,
        "proposal_not_final",
        `proposal ${proposalId} is too recent: the relayer waits ${this.indexer.confirmations} blocks before taking votes on it; send the vote again shortly`,
      );
    }
    if (proposal === undefined) {
      throw new RelayerError(404, "unknown_proposal", `zone ${zoneAddress} has no proposal ${proposalId}`);
    }
    return indexed!;
  }

  /**
   * A sealed vote on a sealed proposal, checked as a vote is (zone, proposal, window, nullifier here
   * and on chain) and then its proof, by the chain's own SealedBallotVerifier in an eth_call against
   * the proposal's box (its snapshot root and the tellers' key), so the relayer's verdict is the
   * module's. Stored, then sent in castSealedVotes batches of one proposal each.
   */
  async acceptSealedVote(request: SealedVoteRequest): Promise<Accepted> {
    const zoneAddress = this.servedZone(request.zone);
    const zone = this.zones.get(zoneAddress)!;
    const proposalId = uint256(request.proposalId, "proposalId");
    const nullifier = fieldElement(request.nullifier, "nullifier");
    const words = request.ciphertexts.map((word, i) => fieldElement(word, `ciphertexts[${i}]`));
    const points = proofPoints(request.proof);

    const { proposal } = await this.#votableProposal(zone, zoneAddress, proposalId);
    const sealed = this.sealedModules.get(zoneAddress);
    if (proposal.sealed === null || sealed === undefined) {
      throw new RelayerError(
        422,
        "not_sealed",
        `proposal ${proposalId} is not sealed: its votes are open ones (POST /v1/votes)`,
      );
    }
    this.#requireActive(proposal, proposalId);
    this.#requireNotAccepted(request.nullifier);
    if (this.#sealedChecks >= MAX_SEALED_CHECKS) {
      throw new RelayerError(
        503,
        "overloaded",
        "the relayer has too many ballots to check; retry in a few seconds",
      );
    }
    this.#sealedChecks++;
    let valid: boolean | undefined;
    try {
      if (await sealed.module.isNullifierUsed(zoneAddress, nullifier)) throw usedOnChain(request.nullifier);
      const { publicKey } = JSON.parse(proposal.sealed) as SealedBox;
      const vote = {
        proposalId,
        merkleTreeRoot: BigInt(proposal.snapshotRoot),
        nullifier,
        ciphertexts: ciphertextsFromWords(words),
        points,
      };
      [valid] = await sealed.verifier.verifyBatch(
        packSealedVotes([vote], this.chainId, zoneAddress, [BigInt(publicKey[0]), BigInt(publicKey[1])]),
      );
    } finally {
      this.#sealedChecks--;
    }
    if (valid !== true) {
      throw new RelayerError(
        422,
        "invalid_proof",
        `the proof does not show that a citizen of proposal ${proposalId}'s snapshot cast this one-hot ballot, sealed to its tellers' key, with this nullifier`,
      );
    }
    await this.#commit({
      nullifier: request.nullifier,
      kind: "sealed",
      zone: zoneAddress,
      proposalId: proposalId.toString(),
      payload: JSON.stringify({ ...request, zone: zoneAddress }),
    });
    return { nullifier: request.nullifier, status: "queued" };
  }

  async acceptProposal(request: ProposalRequest): Promise<Accepted> {
    const zoneAddress = this.servedZone(request.zone);
    const zone = this.zones.get(zoneAddress)!;
    const merkleTreeRoot = fieldElement(request.merkleTreeRoot, "merkleTreeRoot");
    const nullifier = fieldElement(request.nullifier, "nullifier");
    const epoch = uint256(request.epoch, "epoch");
    const slot = uint256(request.slot, "slot");
    const merkleTreeDepth = treeDepth(request.merkleTreeDepth);
    const points = proofPoints(request.proof);
    request.options.forEach((actions) => actions.forEach(({ value }) => uint256(value, "value")));
    this.#requireNotAccepted(request.nullifier);

    this.#requireCapacity();
    const tellersTerm =
      request.tellersTerm === undefined ? undefined : uint256(request.tellersTerm, "tellersTerm");
    const valid = await this.verifier.verifyProposal({
      proof: { merkleTreeRoot, merkleTreeDepth, epoch, slot, nullifier, points },
      options: proposalOptions(request),
      description: request.description,
      ...(tellersTerm === undefined ? {} : { tellersTerm }),
      context: { chainId: this.chainId, zone: zoneAddress },
    });
    if (!valid) {
      throw new RelayerError(
        422,
        "invalid_proof",
        "the proof does not bind this proposal's options and description to a citizen's slot in this epoch",
      );
    }
    await this.#requireUnusedOnChain(zoneAddress, request.nullifier);
    // The rest depends on the zone's state (its recent roots, epoch, rules): ask the zone itself.
    const from = { from: this.relayerAddress };
    await simulate(
      () =>
        tellersTerm === undefined
          ? zone.propose.staticCall(...proposeArguments(request), from)
          : zone.proposeSealed.staticCall(...proposeArguments(request), tellersTerm, from),
      PROPOSE_ERRORS,
      { code: "proposal_refused", what: "proposal" },
    );
    return this.#queueAnonymous(request, "proposal", zoneAddress);
  }

  /**
   * A citizen's anonymous invitation of a newcomer, checked like an anonymous proposal: the proof
   * off chain first (message = the newcomer's commitment, scope = the zone's invitation slot), then
   * what depends on the zone's state (recent root, current epoch, the slot under invitationsPerEpoch,
   * the nullifier) by asking the zone itself with a simulated `invite`.
   */
  async acceptInvitation(request: InvitationRequest): Promise<Accepted> {
    const zoneAddress = this.servedZone(request.zone);
    const zone = this.zones.get(zoneAddress)!;
    const newcomer = fieldElement(request.identityCommitment, "identityCommitment");
    if (newcomer === 0n) throw malformed("identityCommitment 0 is no one's commitment");
    const merkleTreeRoot = fieldElement(request.merkleTreeRoot, "merkleTreeRoot");
    const nullifier = fieldElement(request.nullifier, "nullifier");
    const epoch = uint256(request.epoch, "epoch");
    const slot = uint256(request.slot, "slot");
    const merkleTreeDepth = treeDepth(request.merkleTreeDepth);
    const points = proofPoints(request.proof);
    this.#requireNotAccepted(request.nullifier);

    this.#requireCapacity();
    const valid = await this.verifier.verifyInvitation({
      newcomer,
      proof: { merkleTreeRoot, merkleTreeDepth, epoch, slot, nullifier, points },
      context: { chainId: this.chainId, zone: zoneAddress },
    });
    if (!valid) {
      throw new RelayerError(
        422,
        "invalid_proof",
        "the proof does not show that a citizen invites this commitment with a slot of this epoch",
      );
    }
    await this.#requireUnusedOnChain(zoneAddress, request.nullifier);
    // The zone takes the request, but its admission could never run (the group refuses a leaf it
    // has): the citizen's slot would be spent for nothing.
    if (await zone.isMember(newcomer)) {
      throw new RelayerError(
        409,
        "already_a_member",
        `${request.identityCommitment} is already a citizen of zone ${zoneAddress}`,
      );
    }
    await simulate(
      () => zone.invite.staticCall(...inviteArguments(request), { from: this.relayerAddress }),
      INVITE_ERRORS,
      { code: "invitation_refused", what: "invitation" },
    );
    return this.#queueAnonymous(request, "invitation", zoneAddress);
  }

  /**
   * A citizen's anonymous dividend claim: the proof checked off chain against the round's electorate
   * (the snapshot of the proposal that opened it; message = the recipient, scope = the round), then
   * what depends on the zone's state (deadline, claims left, nullifier) by asking the zone itself
   * with a simulated `claimDividend`, each refusal with its own code.
   */
  async acceptDividend(request: DividendClaimRequest): Promise<Accepted> {
    const zoneAddress = this.servedZone(request.zone);
    const zone = this.zones.get(zoneAddress)!;
    const roundId = uint256(request.roundId, "roundId");
    const recipient = getAddress(request.recipient.toLowerCase());
    const nullifier = fieldElement(request.nullifier, "nullifier");
    const points = proofPoints(request.proof);
    this.#requireNotAccepted(request.nullifier);

    const electorate = await this.#electorate(zone, zoneAddress, roundId);
    if (electorate === undefined) {
      throw new RelayerError(404, "unknown_round", `zone ${zoneAddress} has no dividend round ${roundId}`);
    }
    this.#requireCapacity();
    const valid = await this.verifier.verifyDividendClaim({
      claim: { roundId, recipient, nullifier, points },
      snapshot: {
        chainId: this.chainId,
        zone: zoneAddress,
        snapshotRoot: electorate.snapshotRoot,
        snapshotDepth: electorate.snapshotDepth,
      },
    });
    if (!valid) {
      throw new RelayerError(
        422,
        "invalid_proof",
        `the proof does not show that a citizen of dividend round ${roundId}'s snapshot (proposal ${electorate.proposalId}) claims it for ${recipient} with this nullifier`,
      );
    }
    await this.#requireUnusedOnChain(zoneAddress, request.nullifier);
    const canonical: DividendClaimRequest = { ...request, recipient };
    await simulate(
      () =>
        zone.claimDividend.staticCall(...claimDividendArguments(canonical), { from: this.relayerAddress }),
      DIVIDEND_ERRORS,
      { code: "dividend_refused", what: "dividend claim" },
    );
    return this.#queueAnonymous(canonical, "dividend", zoneAddress, roundId.toString());
  }

  /** The electorate of round `roundId`, read once (the round count, its opening event, its snapshot). */
  #electorate(zone: Zone, zoneAddress: string, roundId: bigint): Promise<RoundElectorate | undefined> {
    const key = `${zoneAddress}:${roundId}`;
    let electorate = this.#electorates.get(key);
    if (electorate === undefined) {
      electorate = (async () => {
        // An id past the count costs one call, not a scan of the zone's history.
        if (roundId === 0n || roundId > (await zone.dividendRoundCount())) return undefined;
        const [opened] = await queryEvents(
          zone,
          zone.filters.DividendRoundOpened(roundId),
          this.indexer.fromBlock,
        );
        if (opened === undefined) return undefined;
        const proposal = await zone.getProposal(opened.args.proposalId);
        return {
          proposalId: opened.args.proposalId,
          snapshotRoot: proposal.snapshotRoot,
          snapshotDepth: Number(proposal.snapshotDepth),
        };
      })();
      this.#electorates.set(key, electorate);
      // A failed read (the RPC was down) or an unknown round is asked again next time.
      electorate.then(
        (found) => found === undefined && this.#electorates.delete(key),
        () => this.#electorates.delete(key),
      );
    }
    return electorate;
  }

  /** Stores an accepted anonymous proposal, invitation or dividend claim, to be sent on its own. */
  async #queueAnonymous(
    request: ProposalRequest | InvitationRequest | DividendClaimRequest,
    kind: "proposal" | "invitation" | "dividend",
    zoneAddress: string,
    proposalId: string | null = null,
  ): Promise<Accepted> {
    await this.#commit({
      nullifier: request.nullifier,
      kind,
      zone: zoneAddress,
      proposalId,
      payload: JSON.stringify({ ...request, zone: zoneAddress }),
    });
    return { nullifier: request.nullifier, status: "queued" };
  }

  /**
   * A proposal as the index holds it, with its option count, read from the store once per index
   * sync rather than once per vote (a query and the options' JSON each, on the event loop).
   */
  #indexedProposal(zone: string, id: string): IndexedProposalEntry | undefined {
    const key = `${zone}:${id}`;
    const cached = this.#proposals.get(key);
    if (cached !== undefined && cached.indexedBlock === this.indexer.indexedBlock) return cached;
    const proposal = this.indexer.proposal(zone, id);
    if (proposal === undefined) {
      this.#proposals.delete(key);
      return undefined;
    }
    const entry = {
      indexedBlock: this.indexer.indexedBlock,
      proposal,
      offered: optionCount(JSON.parse(proposal.options) as unknown[]),
    };
    this.#proposals.set(key, entry);
    return entry;
  }

  /** The zone's checksummed address, if this relayer serves it; a 404 answer otherwise. */
  servedZone(zone: string): string {
    const served = this.#servedByLowerCase.get(zone.toLowerCase());
    if (served !== undefined) return served;
    const address = getAddress(zone.toLowerCase());
    throw new RelayerError(404, "unknown_zone", `zone ${address} is not served by this relayer`);
  }

  #requireActive(
    proposal: { voteStart: number; voteEnd: number; view: string | null },
    proposalId: bigint,
  ): void {
    const state = proposal.view === null ? undefined : (JSON.parse(proposal.view) as { state: string }).state;
    const now = this.indexer.chainTime;
    if (state === "Canceled") {
      throw new RelayerError(422, "proposal_not_active", `proposal ${proposalId} was canceled`, { state });
    }
    if (now < proposal.voteStart - 1) {
      throw new RelayerError(
        422,
        "proposal_not_active",
        `proposal ${proposalId} opens for votes at ${new Date(proposal.voteStart * 1000).toISOString()}`,
        { state: "Pending" },
      );
    }
    if (now >= proposal.voteEnd) {
      throw new RelayerError(
        422,
        "proposal_not_active",
        `proposal ${proposalId} closed for votes at ${new Date(proposal.voteEnd * 1000).toISOString()}`,
        { state: state ?? "closed" },
      );
    }
  }

  #requireNotAccepted(nullifier: string): void {
    const stored = this.store.submission(nullifier);
    if (stored !== undefined) throw duplicate(stored);
  }

  /** Sheds load rather than queueing proofs without bound. */
  #requireCapacity(): void {
    if (this.verifier.backlog >= MAX_VERIFY_BACKLOG) {
      throw new RelayerError(
        503,
        "overloaded",
        "the relayer has too many proofs to verify; retry in a few seconds",
      );
    }
  }

  async #requireUnusedOnChain(zone: string, nullifier: string): Promise<void> {
    if (await this.#isUsedOnChain(zone, nullifier)) throw usedOnChain(nullifier);
  }

  /**
   * Whether the zone has used a nullifier, asked together with the others asked in the same turn
   * of the event loop (the verifier answers a whole batch of proofs in one turn): one JSON-RPC batch
   * per verifier batch, each nullifier asked once however many requests carry it.
   */
  #isUsedOnChain(zone: string, nullifier: string): Promise<boolean> {
    const key = `${zone}:${nullifier}`;
    let asked = this.#usedAsked.get(key);
    if (asked === undefined) {
      asked = new Promise<boolean>((resolve, reject) => {
        this.#usedPending.push({ zone, nullifier, key, resolve, reject });
        if (this.#usedPending.length === 1) setImmediate(() => this.#askUsed());
      });
      this.#usedAsked.set(key, asked);
    }
    return asked;
  }

  #askUsed(): void {
    const asking = this.#usedPending.splice(0);
    // Sent at once, so ethers' JsonRpcProvider puts them in one batch request. Raw eth_calls: an
    // ethers Contract call spends ~0.2 ms of the event loop on encoding, checks and decoding.
    const call = (zone: string, nullifier: string) =>
      this.provider.send("eth_call", [
        { to: zone, data: `${IS_NULLIFIER_USED}${BigInt(nullifier).toString(16).padStart(64, "0")}` },
        "latest",
      ]) as Promise<string>;
    Promise.all(asking.map(({ zone, nullifier }) => call(zone, nullifier)))
      .then((used) => asking.forEach((ask, i) => ask.resolve(BigInt(used[i]!) !== 0n)))
      .catch((error: unknown) => asking.forEach((ask) => ask.reject(error)))
      .finally(() => asking.forEach((ask) => this.#usedAsked.delete(ask.key)));
  }

  /** Stores the submission with the others accepted in the same turn of the event loop. */
  async #commit(submission: PendingAccept["submission"]): Promise<void> {
    const isNew = await new Promise<boolean>((resolve, reject) => {
      this.#pending.push({ submission, resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
    if (!isNew) throw duplicate(this.store.submission(submission.nullifier)!);
    this.metrics.accepted(submission.kind);
    this.onAccepted();
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#pending.splice(0);
    try {
      const isNew = this.store.accept(batch.map((pending) => pending.submission));
      batch.forEach((pending, i) => pending.resolve(isNew[i] === true));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }
}

function duplicate(stored: Submission): RelayerError {
  return new RelayerError(
    409,
    "duplicate_nullifier",
    `nullifier ${stored.nullifier} was already accepted; its ${stored.kind} is ${stored.status}`,
    { nullifier: stored.nullifier, status: stored.status },
  );
}

function usedOnChain(nullifier: string): RelayerError {
  return new RelayerError(409, "duplicate_nullifier", `nullifier ${nullifier} is already used on chain`, {
    nullifier,
    status: "confirmed",
  });
}

function uint256(value: string, name: string): bigint {
  const parsed = BigInt(value);
  if (parsed >= UINT256_BOUND) throw malformed(`${name} does not fit in a uint256`);
  return parsed;
}

function fieldElement(value: string, name: string): bigint {
  const parsed = BigInt(value);
  if (parsed >= SNARK_SCALAR_FIELD) throw malformed(`${name} is not below the BN254 scalar field order`);
  return parsed;
}

function smallInteger(value: string, name: string): number {
  const parsed = BigInt(value);
  if (parsed > 255n) throw new RelayerError(422, "invalid_option", `${name} ${value} is out of range`);
  return Number(parsed);
}

function treeDepth(value: string): number {
  const parsed = BigInt(value);
  if (parsed < BigInt(MIN_TREE_DEPTH) || parsed > BigInt(MAX_TREE_DEPTH)) {
    throw malformed(`merkleTreeDepth must be from ${MIN_TREE_DEPTH} to ${MAX_TREE_DEPTH}, got ${value}`);
  }
  return Number(parsed);
}

function proofPoints(values: readonly string[]): PackedProof {
  const points = values.map(BigInt);
  points.forEach((point, i) => {
    if (point >= BN254_BASE_FIELD) throw malformed(`proof[${i}] is not below the BN254 base field order`);
  });
  return points as PackedProof;
}

function malformed(message: string): RelayerError {
  return new RelayerError(400, "malformed_request", message);
}
