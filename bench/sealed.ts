/**
 * Sealed ballots: the ballot circuit's size, a sealed vote's proving time in Node at depth 20 (the
 * million-citizen group) next to an open vote's and in headless Chromium, and what the chain pays: a
 * ballot in a castSealedVotes batch of 64 (a zone of 64 citizens, each casting one), a teller's
 * partial decryption and the tally's completion (3 tellers, 2 open it). Proofs use the development
 * key (one party, circuits/ceremony.ts): proving time and gas do not depend on who made the key.
 */
import type { Signer } from "ethers";
import { Identity, rebuildGroup } from "../sdk/index.js";
import { developmentCircuit } from "../circuits/ceremony.js";
import {
  SEALED_BALLOT,
  combineShares,
  dealShares,
  encryptBallot,
  jointPublicKey,
  ballotBoxSums,
  partialDecrypt,
  partialDecryptionCall,
  prepareSealedVote,
  sealedVoteCall,
  proveSealedVote,
  sumBallots,
  packSealedVotes,
  tellerKey,
  verifierKeyWords,
  type Point,
  type SealedVote,
  type VerificationKey,
} from "../sdk/sealed.js";
import {
  BabyJubJubHarness__factory,
  SealedBallotVerifier__factory,
} from "../types/ethers-contracts/index.js";
import { deploySealedZone, electTellers, tellerSigners } from "../test/sealed-world.js";
import { proposeWithFreeSlot } from "../test/zone-fixture.js";
import type { WarmCircuit } from "../sdk/warm-prover.js";
import type { ProvingGroup } from "./prove.js";
import { proveSealedInChromium } from "./sealed-browser.js";
import { formatNumber, formatRatio, median, printTable, progress, timeMs } from "./report.js";

const RUNS = 5;
const BROWSER_RUNS = 3;
/** A transaction's base cost, left out of the per-check gas (a tally posts many checks in one). */
const TRANSACTION_BASE_GAS = 21_000n;

export interface SealedResult {
  depth: number;
  options: number;
  constraints: number;
  wires: number;
  runs: number;
  /** Median milliseconds of proveSealedVote in Node (a new proposal each run). */
  nodeProveMs: number;
  /** Median milliseconds from a choice to its proof in Node, the vote readied (prepareSealedVote) before. */
  nodePreparedProveMs: number;
  /** The same group's open vote (the prove section's sdkMs at depth 20), for reference. */
  openVoteProveMs: number;
  /** Median milliseconds of a sealed vote's proof in headless Chromium, after a first one. */
  browserProveMs: number;
  /** The first proof in Chromium (circuit and curve cold), ms. */
  browserFirstProofMs: number;
  /** Median milliseconds from a choice to its proof in Chromium, the vote readied before. */
  browserPreparedProveMs: number;
  /**
   * Gas a ballot of a batch of 64 costs SealedBallotVerifier.verifyBatch (calldata included): the
   * verification part of castSealedVotes, which is not built yet (nullifiers, sums and events come on top).
   */
  verifyGasPerBallotBatch64: number;
  /** Gas a ballot costs in a castSealedVotes of 64 (the transaction's, shared): proofs, nullifiers, sums, events. */
  castGasPerVoteBatch64: number;
  /** Gas of one teller's postPartialDecryption (3 entries: share key, subgroup and proof checks). */
  partialDecryptionGas: number;
  /** Gas of completeTally with 2 tellers' shares (3 entries). */
  completeTallyGas: number;
  /** Gas to check one teller's share of one option's sum: its Chaum-Pedersen proof and subgroup check. */
  tallyGasPerOptionPerTeller: number;
  verifyDleqGas: number;
  subgroupCheckGas: number;
}

export async function benchSealed(
  million: ProvingGroup,
  openVoteProveMs: number,
  signer: Signer,
): Promise<SealedResult> {
  progress("sealed", "building the ballot circuit and its development key (about a minute the first time)");
  const { key, circuit } = await developmentCircuit();

  const deals = [1, 2, 3].map((dealer) => dealShares(dealer, 2, 3));
  const qualified = new Map(deals.map((deal) => [deal.dealer, deal.commitments]));
  const publicKey = jointPublicKey(qualified);
  const context = {
    chainId: 31337n,
    zone: "0x000000000000000000000000000000000000da0a",
    publicKey,
    option: 1,
  };
  let proposalId = 0n;
  const votes: SealedVote[] = [];
  const prove = async () => {
    const vote = { ...context, proposalId: ++proposalId };
    votes.push(await proveSealedVote(circuit, million.prover, million.group, vote));
  };
  progress("sealed", `proving at depth ${million.group.depth}: warm-up, then ${RUNS} runs`);
  await prove();
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) times.push(await timeMs(prove));
  const preparedTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const place = { ...context, proposalId: ++proposalId };
    const ready = await prepareSealedVote(circuit, million.prover, million.group, place);
    preparedTimes.push(await timeMs(() => ready.prove(2)));
  }

  progress("sealed", "pricing a batch of 64 in SealedBallotVerifier");
  const keyWords = verifierKeyWords(key.verificationKey as VerificationKey);
  const verifier = await (
    await new SealedBallotVerifier__factory(signer).deploy(keyWords)
  ).waitForDeployment();
  // The proofs above, repeated: a verifier's cost does not depend on which valid proofs it checks.
  const batch = Array.from({ length: 64 }, (_, i) => votes[i % votes.length]!);
  const packed = packSealedVotes(batch, context.chainId, context.zone, publicKey);
  if (!(await verifier.verifyBatch(packed)).every(Boolean)) {
    throw new Error("SealedBallotVerifier refused a valid sealed vote");
  }
  const verifyGas = (await verifier.verifyBatch.estimateGas(packed)) - TRANSACTION_BASE_GAS;

  const onChain = await benchSealedOnChain(circuit);

  progress("sealed", `proving in headless Chromium: a first proof, then ${BROWSER_RUNS}`);
  const browser = await proveSealedInChromium(key, million, publicKey, BROWSER_RUNS);

  progress("sealed", "pricing a teller's partial decryption check on chain");
  const harness = await (await new BabyJubJubHarness__factory(signer).deploy()).waitForDeployment();
  const sums = sumBallots(
    [0, 1, 2, 1].map((option) => encryptBallot(publicKey, option, SEALED_BALLOT.options).ciphertexts),
    SEALED_BALLOT.options,
  );
  const partial = partialDecrypt(1, combineShares(deals.map(({ shares }) => shares[0]!)), sums);
  const asPoint = ([x, y]: Point) => ({ x, y });
  const { challenge, response } = partial.proofs[0]!;
  const verifyDleqGas =
    (await harness.verifyDleq.estimateGas(
      asPoint(tellerKey(qualified, 1)),
      asPoint(sums[0]!.c1),
      asPoint(partial.shares[0]!),
      challenge,
      response,
    )) - TRANSACTION_BASE_GAS;
  const subgroupCheckGas =
    (await harness.isSubgroupPoint.estimateGas(asPoint(partial.shares[0]!))) - TRANSACTION_BASE_GAS;

  return {
    depth: million.group.depth,
    options: SEALED_BALLOT.options,
    constraints: key.circuit.constraints,
    wires: key.circuit.wires,
    runs: RUNS,
    nodeProveMs: Math.round(median(times)),
    nodePreparedProveMs: Math.round(median(preparedTimes)),
    openVoteProveMs,
    browserProveMs: browser.proveMs,
    browserFirstProofMs: browser.firstProofMs,
    browserPreparedProveMs: browser.preparedProveMs,
    verifyGasPerBallotBatch64: Number(verifyGas / 64n),
    ...onChain,
    tallyGasPerOptionPerTeller: Number(verifyDleqGas + subgroupCheckGas),
    verifyDleqGas: Number(verifyDleqGas),
    subgroupCheckGas: Number(subgroupCheckGas),
  };
}

/** A sealed proposal of 64 ballots in one castSealedVotes, then its tally by 2 of 3 tellers. */
async function benchSealedOnChain(
  circuit: WarmCircuit,
): Promise<Pick<SealedResult, "castGasPerVoteBatch64" | "partialDecryptionGas" | "completeTallyGas">> {
  progress(
    "sealed",
    "a zone of 64 citizens that elects 3 tellers (2 open a tally) and runs their key generation",
  );
  const citizens = Array.from({ length: 64 }, (_, i) => new Identity(`zonedao-bench-sealed-${i}`));
  const world = await deploySealedZone(citizens);
  const tellers = await electTellers(world, await tellerSigners(3), 2, citizens.slice(0, 33));
  const { sealedBallots, zoneAddress: zone } = world;
  const proposalId = await proposeWithFreeSlot(world, [[]], "A sealed proposal", citizens, tellers.term);
  progress("sealed", "proving 64 sealed ballots for a castSealedVotes batch");
  const snapshot = await rebuildGroup(world.zone, { untilProposal: proposalId });
  const ballots: SealedVote[] = [];
  for (const [index, citizen] of citizens.entries()) {
    const place = {
      chainId: world.chainId,
      zone,
      proposalId,
      publicKey: tellers.publicKey,
      option: index % 3,
    };
    ballots.push(await proveSealedVote(circuit, citizen, snapshot, place));
  }
  const cast = await (
    await sealedBallots.castSealedVotes(zone, proposalId, ballots.map(sealedVoteCall))
  ).wait();
  const box = await sealedBallots.ballotBox(zone, proposalId);
  if (cast === null || box.ballots !== 64n) throw new Error("castSealedVotes did not count the 64 ballots");

  progress("sealed", "the tally: two partial decryptions, then the counts");
  await world.chain.networkHelpers.time.increaseTo((await world.zone.getProposal(proposalId)).voteEnd);
  const sums = ballotBoxSums(box);
  let partialDecryptionGas = 0n;
  for (const teller of [1, 2]) {
    const partial = partialDecrypt(teller, tellers.secretShares.get(teller)!, sums);
    const asTeller = sealedBallots.connect(tellers.signers.get(teller));
    const receipt = await (
      await asTeller.postPartialDecryption(zone, proposalId, ...partialDecryptionCall(partial))
    ).wait();
    partialDecryptionGas = receipt!.gasUsed;
  }
  const counts: [bigint, bigint, bigint] = [22n, 21n, 21n];
  const completed = await (await sealedBallots.completeTally(zone, proposalId, counts, [1n, 2n])).wait();
  return {
    castGasPerVoteBatch64: Number(cast.gasUsed / 64n),
    partialDecryptionGas: Number(partialDecryptionGas),
    completeTallyGas: Number(completed!.gasUsed),
  };
}

export function printSealed(result: SealedResult): void {
  printTable(
    `Sealed ballots (depth ${result.depth}, ${result.options} options; development key)`,
    ["figure", "value", "reference"],
    [
      ["constraints", formatNumber(result.constraints), "6,431 (Semaphore, depth 20)"],
      [
        "proving in Node, median ms",
        formatNumber(result.nodeProveMs),
        `${formatNumber(result.openVoteProveMs)} (open vote), ${formatRatio(result.nodeProveMs, result.openVoteProveMs)}`,
      ],
      [
        "readied, choice to proof in Node, ms",
        formatNumber(result.nodePreparedProveMs),
        "the vote readied while the citizen reads",
      ],
      [
        "proving in Chromium, median ms",
        formatNumber(result.browserProveMs),
        `first proof ${formatNumber(result.browserFirstProofMs)}`,
      ],
      ["readied, choice to proof in Chromium, ms", formatNumber(result.browserPreparedProveMs), "goal 3,000"],
      [
        "gas a sealed vote, castSealedVotes batch of 64",
        formatNumber(result.castGasPerVoteBatch64),
        "goal 120,000",
      ],
      ["  of which the proof's verification", formatNumber(result.verifyGasPerBallotBatch64), ""],
      [
        "tally: a teller's partial decryption (3 entries)",
        formatNumber(result.partialDecryptionGas),
        `${formatNumber(result.partialDecryptionGas / 3)} an entry`,
      ],
      [
        "tally: completing it, 2 tellers (3 entries)",
        formatNumber(result.completeTallyGas),
        `${formatNumber(result.completeTallyGas / 3)} an entry`,
      ],
      [
        "  a share's check (per entry and teller)",
        formatNumber(result.tallyGasPerOptionPerTeller),
        "proof + subgroup",
      ],
      ["  Chaum-Pedersen check", formatNumber(result.verifyDleqGas), ""],
      ["  subgroup check of the share", formatNumber(result.subgroupCheckGas), ""],
    ],
  );
}
