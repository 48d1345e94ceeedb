/**
 * Gas of a vote: ZoneDAO's castVote and castVotes (per vote, batches of 1, 8, 32 and 64, and 64 in a
 * zone that reimburses relayers) next to the official Semaphore contract's validateProof, with real
 * proofs from the official artifacts. And gas of an admission, per member, by each path a zone's
 * citizens enter (the founding, a registrar's request and its admission, a vote), next to the
 * official Semaphore contract's addMembers at the same group sizes.
 */
import {
  Group,
  Identity,
  VoteOption,
  addMembers,
  admissionsOf,
  proveVote,
  rebuildGroup,
  semaphoreArtifacts,
  type VoteProof,
  type VoteSnapshot,
  type Zone,
} from "../sdk/index.js";
import { createBenchZone, createSemaphoreGroup, gasOf, proposeAs, type BenchChain } from "./chain.js";
import { formatNumber, formatRatio, printTable, progress } from "./report.js";
import { generateProof } from "./semaphore.js";

export const BATCH_SIZES = [1, 8, 32, 64] as const;

/**
 * Proposal A takes a warm-up vote, castVote and the batches of 1, 8 and 32 (43 voters); proposal B a
 * warm-up vote and the batch of 64 (65 voters). The warm-up vote pays the one-time write of the
 * proposal's tally slot, so every measured call runs in the steady state.
 */
const CITIZEN_COUNT = 65;
const FIRST_PROPOSAL_VOTERS = 2 + 1 + 8 + 32;
/** The refunding zone's cap per vote: above what a vote costs here, so the relayer is paid its gas. */
const REFUND_CAP = 10n ** 16n;

export interface GasResults {
  members: number;
  treeDepth: number;
  /** Official Semaphore.validateProof (check and store the nullifier, verify, emit). */
  semaphoreValidateProof: number;
  castVote: number;
  /** castVote when it is the proposal's first vote (it also creates the tally slot). */
  castVoteFirstOfProposal: number;
  /** Gas per vote, by batch size. */
  castVotes: Record<string, number>;
  /** Gas per vote of a batch of 64 in a zone that reimburses relayers (a relayer already owed). */
  castVotes64WithRefunds: number;
  /** The gas per vote that batch credits its relayer: what the zone estimates the relayer paid. */
  castVotes64RefundedGas: number;
  admissions: AdmissionGasResults;
}

/** Citizens of the zone when an admission is measured, and newcomers per admission after that. */
const ADMISSION_FOUNDERS = 100;
const ADMISSION_BATCH = 10;

/** Gas per member admitted, by path, with the official Semaphore addMembers at the same sizes. */
export interface AdmissionGasResults {
  founders: number;
  batch: number;
  /** Semaphore addMembers of the founders into an empty group (reference for the founding). */
  semaphoreFounding: number;
  /** The registrar's own addMembers of the founders, while founding (no proposal yet). */
  foundingAddMembers: number;
  /** The registrar's request of the founders, while founding: admitted in the same transaction. */
  foundingRequest: number;
  /** Semaphore addMembers of a batch into a group of the founders (reference for a request). */
  semaphoreBatch: number;
  /** The registrar's request of a batch after the founding: pending, nobody enters yet. */
  registrarRequest: number;
  /** Anyone's admit of that request once its delay is over: the batch enters. */
  admit: number;
  /** Semaphore addMembers of a batch into a group of founders + one batch (reference for a vote). */
  semaphoreVoteBatch: number;
  /** A passed proposal's addMembers of a batch: its execute, less an execute with no action. */
  voteAddMembers: number;
}

/** The gas figures, and the 64 votes of the largest batch (the verify section reuses them). */
export interface GasRun {
  results: GasResults;
  votes: VoteProof[];
  snapshot: VoteSnapshot;
}

export async function benchGas(chain: BenchChain): Promise<GasRun> {
  const log = (message: string) => progress("gas", message);
  const citizens = Array.from(
    { length: CITIZEN_COUNT },
    (_, i) => new Identity(`zonedao-bench-citizen-${i}`),
  );
  const commitments = citizens.map((citizen) => citizen.commitment);

  log(`zone with ${CITIZEN_COUNT} citizens, 2 anonymous proposals`);
  const zone = await createBenchZone(chain, "Benchmark");
  const zoneAddress = await zone.getAddress();
  await (await zone.connect(chain.registrar).addMembers(commitments)).wait();
  const first = await proposeAs(chain, zone, citizens[0]!, "Benchmark proposal A");
  const second = await proposeAs(chain, zone, citizens[1]!, "Benchmark proposal B");
  const snapshotGroup = await rebuildGroup(zone, { untilProposal: first });

  const voters = [
    ...citizens.slice(0, FIRST_PROPOSAL_VOTERS).map((citizen) => ({ citizen, proposalId: first })),
    ...citizens.map((citizen) => ({ citizen, proposalId: second })),
  ];
  const votes: VoteProof[] = [];
  for (const { citizen, proposalId } of voters) {
    votes.push(
      await proveVote(citizen, snapshotGroup, {
        chainId: chain.chainId,
        zone: zoneAddress,
        proposalId,
        option: VoteOption.For,
      }),
    );
    if (votes.length % 16 === 0 || votes.length === voters.length) {
      log(`proved ${votes.length}/${voters.length} votes (depth ${snapshotGroup.depth})`);
    }
  }
  const firstVotes = votes.slice(0, FIRST_PROPOSAL_VOTERS);
  const secondVotes = votes.slice(FIRST_PROPOSAL_VOTERS);

  log("castVote and castVotes(1, 8, 32) on proposal A, castVotes(64) on proposal B");
  const castVoteFirstOfProposal = await castVote(zone, firstVotes[0]!);
  const castVoteGas = await castVote(zone, firstVotes[1]!);
  const castVotes: Record<string, number> = {};
  let next = 2;
  for (const size of [1, 8, 32]) {
    castVotes[size] = await castBatch(zone, firstVotes.slice(next, next + size));
    next += size;
  }
  await castVote(zone, secondVotes[0]!);
  const batchOf64 = secondVotes.slice(1);
  castVotes[64] = await castBatch(zone, batchOf64);
  await requireTally(zone, first, FIRST_PROPOSAL_VOTERS);
  await requireTally(zone, second, CITIZEN_COUNT);

  log("castVotes(64) again in a zone of the same citizens that reimburses relayers");
  const refunds = await castVotesWithRefunds(chain, citizens);

  log("official Semaphore: a group of the same citizens, one validateProof");
  const semaphoreValidateProof = await validateProofGas(chain, citizens[0]!, commitments);

  const admissions = await benchAdmissions(chain, log);

  const proposal = await zone.getProposal(second);
  return {
    results: {
      members: CITIZEN_COUNT,
      treeDepth: snapshotGroup.depth,
      semaphoreValidateProof,
      castVote: castVoteGas,
      castVoteFirstOfProposal,
      castVotes,
      castVotes64WithRefunds: refunds.gasPerVote,
      castVotes64RefundedGas: refunds.refundedGasPerVote,
      admissions,
    },
    votes: batchOf64,
    snapshot: {
      chainId: chain.chainId,
      zone: zoneAddress,
      snapshotRoot: proposal.snapshotRoot,
      snapshotDepth: Number(proposal.snapshotDepth),
    },
  };
}

export function printGas(results: GasResults): void {
  const reference = results.semaphoreValidateProof;
  const row = (call: string, gas: number) => [call, formatNumber(gas), formatRatio(gas, reference)];
  printTable(
    `Gas per vote (${results.members} citizens, depth ${results.treeDepth}; reference: official Semaphore validateProof)`,
    ["call", "gas per vote", "vs validateProof"],
    [
      row("Semaphore `validateProof` (reference)", reference),
      row("`castVote`", results.castVote),
      row("`castVote`, first vote of a proposal", results.castVoteFirstOfProposal),
      ...BATCH_SIZES.map((size) => row(`\`castVotes\`, batch of ${size}`, results.castVotes[size]!)),
      row("`castVotes`, batch of 64, relayer refunds on", results.castVotes64WithRefunds),
    ],
  );
  console.log(
    `With refunds on, the batch of 64 credits its relayer ${formatNumber(results.castVotes64RefundedGas)} ` +
      `gas per vote at the transaction's gas price, for ${formatNumber(results.castVotes64WithRefunds)} used.\n`,
  );
}

export function printAdmissionGas(results: AdmissionGasResults): void {
  const { founders, batch } = results;
  const perMember = (gas: number, members: number) => Math.round(gas / members);
  const row = (path: string, gas: number, members: number, reference: number) => [
    path,
    formatNumber(perMember(gas, members)),
    formatRatio(perMember(gas, members), perMember(reference, members)),
  ];
  printTable(
    `Gas per member admitted (${founders} founders, then batches of ${batch}; reference: official Semaphore addMembers at the same group size)`,
    ["path", "gas per member", "vs Semaphore addMembers"],
    [
      row(
        `Semaphore \`addMembers\`, ${founders} into an empty group (reference)`,
        results.semaphoreFounding,
        founders,
        results.semaphoreFounding,
      ),
      row(
        `founding: the registrar's \`addMembers\`, ${founders}`,
        results.foundingAddMembers,
        founders,
        results.semaphoreFounding,
      ),
      row(
        `founding: the registrar's request, admitted at once, ${founders}`,
        results.foundingRequest,
        founders,
        results.semaphoreFounding,
      ),
      row(
        `Semaphore \`addMembers\`, ${batch} at ${founders} members (reference)`,
        results.semaphoreBatch,
        batch,
        results.semaphoreBatch,
      ),
      row(
        `the registrar's request (pending), ${batch}`,
        results.registrarRequest,
        batch,
        results.semaphoreBatch,
      ),
      row(`\`admit\` once the delay is over, ${batch}`, results.admit, batch, results.semaphoreBatch),
      row(
        `request + \`admit\`, ${batch}`,
        results.registrarRequest + results.admit,
        batch,
        results.semaphoreBatch,
      ),
      row(
        `Semaphore \`addMembers\`, ${batch} at ${founders + batch} members (reference)`,
        results.semaphoreVoteBatch,
        batch,
        results.semaphoreVoteBatch,
      ),
      row(
        `a vote's \`addMembers\`, ${batch} (execute less an empty execute)`,
        results.voteAddMembers,
        batch,
        results.semaphoreVoteBatch,
      ),
    ],
  );
}

/**
 * Each admission path in a zone of `ADMISSION_FOUNDERS`: founded by the registrar's addMembers (one
 * zone) and by its request (another, which goes on); two proposals end its founding, one admitting a
 * batch, one with no action; the registrar requests a batch, which waits out the admission delay
 * while the proposals are voted (one vote each passes: 1% quorum) and queued; anyone admits it; the
 * proposals execute. The official Semaphore group gets the same batches in the same order.
 */
async function benchAdmissions(
  chain: BenchChain,
  log: (message: string) => void,
): Promise<AdmissionGasResults> {
  const people = (name: string, count: number) =>
    Array.from({ length: count }, (_, i) => new Identity(`zonedao-bench-${name}-${i}`).commitment);
  const founders = people("founder", ADMISSION_FOUNDERS);
  const newcomers = people("newcomer", ADMISSION_BATCH);
  const voted = people("voted", ADMISSION_BATCH);
  // A long execution window, so the proposals are still executable once the request's delay is over.
  const rules = { quorumBps: 100, executionWindow: 3 * 86_400 };

  log(`admissions: the founding of ${ADMISSION_FOUNDERS} by the registrar's addMembers and by its request`);
  const direct = (await createBenchZone(chain, "Benchmark founding", rules)).connect(chain.registrar);
  const foundingAddMembers = Number(await gasOf(direct.addMembers(founders)));
  const zone = await createBenchZone(chain, "Benchmark admissions", rules);
  const zoneAddress = await zone.getAddress();
  const admissions = await admissionsOf(zone, chain.registrar);
  const foundingRequest = Number(await gasOf(admissions.requestByRegistrar(zoneAddress, founders)));

  log("admissions: official Semaphore addMembers of the same batches");
  const groupId = await createSemaphoreGroup(chain);
  const semaphoreFounding = Number(await gasOf(chain.semaphore.addMembers(groupId, founders)));
  const semaphoreBatch = Number(await gasOf(chain.semaphore.addMembers(groupId, newcomers)));
  const semaphoreVoteBatch = Number(await gasOf(chain.semaphore.addMembers(groupId, voted)));

  log(`admissions: two proposals end the founding; the registrar requests ${ADMISSION_BATCH}`);
  const authors = [new Identity("zonedao-bench-founder-0"), new Identity("zonedao-bench-founder-1")] as const;
  const admitting = [addMembers(zoneAddress, voted)];
  const byVote = await proposeAs(chain, zone, authors[0], "Admit ten by vote", admitting);
  const empty = await proposeAs(chain, zone, authors[1], "Do nothing");
  const requestId = await admissions.requestCount(zoneAddress);
  const registrarRequest = Number(await gasOf(admissions.requestByRegistrar(zoneAddress, newcomers)));
  const { readyAt, admitted } = await admissions.requestOf(zoneAddress, requestId);
  if (admitted) throw new Error("a request after the founding was admitted at once");

  for (const [proposalId, voter] of [
    [byVote, authors[0]],
    [empty, authors[1]],
  ] as const) {
    const vote = await proveVote(voter, await rebuildGroup(zone, { untilProposal: proposalId }), {
      chainId: chain.chainId,
      zone: zoneAddress,
      proposalId,
      option: VoteOption.For,
    });
    await castVote(zone, vote);
  }
  await chain.increaseTo((await zone.getProposal(empty)).voteEnd);
  await (await zone.queue(byVote)).wait();
  await (await zone.queue(empty)).wait();

  log("admissions: the request's delay is over; anyone admits it; the proposals execute");
  await chain.increaseTo(readyAt);
  const admit = Number(
    await gasOf(admissions.connect(chain.relayer).admit(zoneAddress, requestId, newcomers)),
  );
  const executeAdding = Number(await gasOf(zone.execute(byVote, admitting)));
  const executeEmpty = Number(await gasOf(zone.execute(empty, [])));
  const members = await zone.memberCount();
  if (members !== BigInt(ADMISSION_FOUNDERS + 2 * ADMISSION_BATCH)) {
    throw new Error(
      `the admissions zone has ${members} members, expected ${ADMISSION_FOUNDERS + 2 * ADMISSION_BATCH}`,
    );
  }
  return {
    founders: ADMISSION_FOUNDERS,
    batch: ADMISSION_BATCH,
    semaphoreFounding,
    foundingAddMembers,
    foundingRequest,
    semaphoreBatch,
    registrarRequest,
    admit,
    semaphoreVoteBatch,
    voteAddMembers: executeAdding - executeEmpty,
  };
}

async function castVote(zone: Zone, vote: VoteProof): Promise<number> {
  return Number(await gasOf(zone.castVote(vote.proposalId, vote.option, vote.nullifier, vote.points)));
}

/** Gas per vote of one castVotes call, rounded to a whole unit. */
async function castBatch(zone: Zone, votes: VoteProof[]): Promise<number> {
  const batch = votes.map(({ proposalId, option, nullifier, points }) => ({
    proposalId,
    option,
    nullifier,
    points,
  }));
  return Math.round(Number(await gasOf(zone.castVotes(batch))) / votes.length);
}

/**
 * A batch of 64 in a zone of the same citizens that reimburses relayers: a proposal, a warm-up vote
 * (which also gives the relayer a credit, so the batch updates it as a relayer's batches mostly do),
 * then the batch. Returns its gas per vote and the gas per vote it credited.
 */
async function castVotesWithRefunds(
  chain: BenchChain,
  citizens: Identity[],
): Promise<{ gasPerVote: number; refundedGasPerVote: number }> {
  const zone = await createBenchZone(chain, "Benchmark refunds", { maxRelayerRefundPerVote: REFUND_CAP });
  await (
    await zone.connect(chain.registrar).addMembers(citizens.map((citizen) => citizen.commitment))
  ).wait();
  const proposalId = await proposeAs(chain, zone, citizens[0]!, "Benchmark proposal C");
  const snapshotGroup = await rebuildGroup(zone, { untilProposal: proposalId });
  const votes: VoteProof[] = [];
  for (const citizen of citizens) {
    votes.push(
      await proveVote(citizen, snapshotGroup, {
        chainId: chain.chainId,
        zone: await zone.getAddress(),
        proposalId,
        option: VoteOption.For,
      }),
    );
  }
  await castVote(zone, votes[0]!);
  const relayer = await chain.relayer.getAddress();
  const creditBefore = await zone.relayerCredit(relayer);
  const batch = votes.slice(1);
  const receipt = await (
    await zone.castVotes(
      batch.map(({ proposalId, option, nullifier, points }) => ({ proposalId, option, nullifier, points })),
    )
  ).wait();
  if (!receipt) throw new Error("no receipt");
  await requireTally(zone, proposalId, CITIZEN_COUNT);
  const credited = (await zone.relayerCredit(relayer)) - creditBefore;
  return {
    gasPerVote: Math.round(Number(receipt.gasUsed) / batch.length),
    refundedGasPerVote: Math.round(Number(credited / receipt.gasPrice) / batch.length),
  };
}

/** castVotes skips a vote it cannot count instead of reverting: make sure every vote counted. */
async function requireTally(zone: Zone, proposalId: bigint, expectedFor: number): Promise<void> {
  const { tally } = await zone.getProposal(proposalId);
  if (tally[VoteOption.For] !== BigInt(expectedFor)) {
    throw new Error(
      `proposal ${proposalId}: ${tally[VoteOption.For]} votes counted, expected ${expectedFor}`,
    );
  }
}

async function validateProofGas(chain: BenchChain, prover: Identity, commitments: bigint[]): Promise<number> {
  const groupId = await createSemaphoreGroup(chain);
  await (await chain.semaphore.addMembers(groupId, commitments)).wait();
  const group = new Group(commitments);
  const depth = Math.max(1, group.depth);
  const proof = await generateProof(prover, group, VoteOption.For, 42n, depth, semaphoreArtifacts(depth));
  return Number(await gasOf(chain.semaphore.validateProof(groupId, proof)));
}
