/**
 * The sealed tallies check: each sealed proposal's ballot box rebuilt from the sealed ballots
 * module's events. The sums are recomputed from every counted ballot's ciphertexts and compared with
 * the box the module keeps; every teller's partial decryption is checked against its share key;
 * the completed counts are opened again from the posted shares. Those counts are what the recount
 * (counting.ts) decides a sealed proposal by.
 *
 * Each counted ballot's proof is verified again here, off chain (snarkjs), from its castSealedVotes
 * calldata, against the proposal's snapshot, vote scope and box key, with the key the module's
 * verifier holds (SealedBallotVerifier.verificationKey): a verifier contract that passed a false
 * proof is caught. What it takes on trust is that key itself: that it came from a ceremony with
 * honest parties (circuits/README.md).
 */
import type { Interface, Result } from "ethers";
import * as snarkjs from "snarkjs";
import { TELLERS, SEALED_BALLOTS, SEALED_BALLOT_VERIFIER } from "../abis.js";
import {
  IDENTITY,
  SEALED_BALLOT,
  ciphertextsFromWords,
  decryptCounts,
  sealedVotePublicSignals,
  sumBallots,
  verificationKeyFromWords,
  verifyPartialDecryption,
  type Ciphertext,
  type PartialDecryption,
  type Point,
} from "../sealed.js";
import type { PackedProof } from "../types.js";
import { callAt, type AuditContext } from "./context.js";
import { findProposeCall } from "./calldata.js";
import { arg, type ZoneLog } from "./events.js";
import type { AuditDiscrepancy, CheckResult } from "./report.js";

/** A sealed proposal's counts as the audit opened them, and when the zone got them. */
export interface SealedOutcome {
  /** Each option's count; undefined while the tally is not completed. */
  counts?: bigint[];
  /** The time of the block that completed the tally. */
  talliedAt?: bigint;
}

/** The check, and each sealed proposal's outcome by proposal id. */
export async function checkSealedTallies(
  context: AuditContext,
): Promise<{ check: CheckResult; sealed: ReadonlyMap<bigint, SealedOutcome> }> {
  const discrepancies: AuditDiscrepancy[] = [];
  const sealed = new Map<bigint, SealedOutcome>();
  const boxes = context.sealedLogs.filter((log) => log.name === "BallotBoxOpened");
  if (context.sealedBallots !== undefined && boxes.length > 0) {
    const tellers = await view<string>(context, context.sealedBallots, SEALED_BALLOTS, "TELLERS", []);
    const verifier = await view<string>(context, context.sealedBallots, SEALED_BALLOTS, "VERIFIER", []);
    const words = await view<Result>(context, verifier, SEALED_BALLOT_VERIFIER, "verificationKey", []);
    const key = verificationKeyFromWords([...words] as bigint[]);
    for (const box of boxes) {
      const proposalId = arg(box.args, "proposalId");
      sealed.set(proposalId, await checkBox(context, box, tellers, key, discrepancies));
    }
  }
  // Every proposal made sealed has a box: else its ballots could be counted nowhere, or in the open.
  const proposals = [...context.proposals.values()];
  await context.mapLimit(proposals, async (proposal) => {
    const tx = await context.transaction(proposal.txHash);
    const call = tx === null ? undefined : findProposeCall(tx.data, proposal.nullifier);
    if (call?.tellersTerm !== undefined && !sealed.has(proposal.proposalId)) {
      discrepancies.push({
        what: `proposal ${proposal.proposalId}: proposed sealed, but the sealed ballots module opened no box for it`,
        evidence: proposal.txHash,
      });
    }
  });
  return {
    check: {
      name: "sealed tallies",
      description:
        "each sealed proposal's box: its tellers' key, the sums recomputed from every counted ballot's " +
        "ciphertexts (cast while active, once) against the module's, every partial decryption's proof " +
        "against the teller's share key, and the completed counts opened again from the posted shares; " +
        "each counted ballot's proof verified again off chain from its calldata, with the key the module's verifier holds",
      items: boxes.length,
      discrepancies,
    },
    sealed,
  };
}

async function checkBox(
  context: AuditContext,
  box: ZoneLog,
  tellers: string,
  key: ReturnType<typeof verificationKeyFromWords>,
  discrepancies: AuditDiscrepancy[],
): Promise<SealedOutcome> {
  const proposalId = arg(box.args, "proposalId");
  const term = arg(box.args, "term");
  const label = `sealed proposal ${proposalId}`;
  const report = (what: string, evidence: string) =>
    discrepancies.push({ what: `${label}: ${what}`, evidence });
  const proposal = context.proposals.get(proposalId);
  if (proposal === undefined) {
    report("a box opened for a proposal the zone's events do not have", box.txHash);
    return {};
  }
  const tx = await context.transaction(proposal.txHash);
  const call = tx === null ? undefined : findProposeCall(tx.data, proposal.nullifier);
  if (call?.tellersTerm !== term) {
    report(
      `its box is sealed to term ${term}, its proposer's proof to ${call?.tellersTerm ?? "no term"}`,
      box.txHash,
    );
  }
  const termView = await view<Result>(context, tellers, TELLERS, "getTerm", [context.zone, term]);
  const termKey = termView.getValue("publicKey") as Result;
  const boxKey = box.args.getValue("publicKey") as Result;
  if (termKey[0] !== boxKey[0] || termKey[1] !== boxKey[1]) {
    report(`its key is not term ${term}'s joint key`, box.txHash);
  }
  const threshold = Number(termView.getValue("threshold"));

  // The ballots: cast while the vote was open, each nullifier once.
  const ballots: Ciphertext[][] = [];
  const nullifiers = new Set<bigint>();
  for (const log of logsOf(context.sealedLogs, "SealedVoteCast", proposalId)) {
    const nullifier = arg(log.args, "nullifier");
    const time = await context.timestampOf(log.blockNumber);
    if (time < proposal.voteStart || time >= proposal.voteEnd) {
      report(`ballot ${nullifier} counted at ${time}, outside the vote window`, log.txHash);
    }
    if (nullifiers.has(nullifier)) report(`ballot ${nullifier} counted twice`, log.txHash);
    nullifiers.add(nullifier);
    const ciphertexts = ciphertextsFromWords([...(log.args.getValue("ciphertexts") as Result)] as bigint[]);
    ballots.push(ciphertexts);
    const points = await ballotProof(context, log.txHash, proposalId, nullifier);
    if (points === undefined) {
      report(`ballot ${nullifier}'s proof is not in its transaction's castSealedVotes calldata`, log.txHash);
      continue;
    }
    const vote = { proposalId, merkleTreeRoot: proposal.snapshotRoot, nullifier, ciphertexts, points };
    const signals = sealedVotePublicSignals(vote, context.chainId, context.zone, [
      boxKey[0] as bigint,
      boxKey[1] as bigint,
    ]);
    if (!(await verifySealedProof(key, signals, points))) {
      report(`ballot ${nullifier}'s proof does not verify off chain`, log.txHash);
    }
  }
  for (const log of context.logs) {
    if (log.name === "VoteCast" && arg(log.args, "proposalId") === proposalId) {
      report(`the zone counted an open vote (${arg(log.args, "nullifier")}) on it`, log.txHash);
    }
  }
  const sums =
    ballots.length === 0
      ? Array.from({ length: SEALED_BALLOT.options }, () => ({ c1: IDENTITY, c2: IDENTITY }))
      : sumBallots(ballots, SEALED_BALLOT.options);
  const stored = await view<Result>(context, context.sealedBallots!, SEALED_BALLOTS, "ballotBox", [
    context.zone,
    proposalId,
  ]);
  if (BigInt(stored.getValue("ballots") as bigint) !== BigInt(ballots.length)) {
    report(
      `the module counts ${stored.getValue("ballots")} ballots, its events ${ballots.length}`,
      box.txHash,
    );
  } else {
    const words = [...(stored.getValue("sums") as Result)] as bigint[];
    if (!sameCiphertexts(ciphertextsFromWords(words), sums)) {
      report("the module's sums differ from the sums of its ballots' ciphertexts", box.txHash);
    }
  }

  // The partial decryptions: each proven against its teller's share key.
  const verified = new Map<number, PartialDecryption>();
  for (const log of logsOf(context.sealedLogs, "PartialDecryptionPosted", proposalId)) {
    const partial = partialFromEvent(log.args.toObject() as PostedPartialDecryption);
    const keyView = await view<Result>(context, tellers, TELLERS, "shareKey", [
      context.zone,
      term,
      partial.teller,
    ]);
    const key: Point = [keyView[0] as bigint, keyView[1] as bigint];
    if (!verifyPartialDecryption(key, sums, partial)) {
      report(
        `teller ${partial.teller}'s partial decryption does not prove out against its share key`,
        log.txHash,
      );
    } else {
      verified.set(partial.teller, partial);
    }
  }

  // The tally: opened again from the posted shares of the tellers it names.
  const [completed] = logsOf(context.sealedLogs, "SealedTallyCompleted", proposalId);
  if (completed === undefined) return {};
  const counts = [...(completed.args.getValue("counts") as Result)] as bigint[];
  const among = [...(completed.args.getValue("tellers") as Result)].map(Number);
  const partials = among.map((teller) => verified.get(teller));
  if (among.length !== threshold || partials.some((partial) => partial === undefined)) {
    report(
      `its tally names tellers ${among.join(", ")}, not ${threshold} with verified partial decryptions`,
      completed.txHash,
    );
  } else {
    try {
      const opened = decryptCounts(sums, partials as PartialDecryption[], ballots.length);
      if (opened.join() !== counts.join()) {
        report(
          `its tally says [${counts.join(", ")}], the posted shares open [${opened.join(", ")}]`,
          completed.txHash,
        );
      }
    } catch (error) {
      report(`the posted shares open no counts: ${(error as Error).message}`, completed.txHash);
    }
  }
  return {
    counts: counts.slice(0, proposal.optionCount),
    talliedAt: await context.timestampOf(completed.blockNumber),
  };
}

/** What a PartialDecryptionPosted event carries of a teller's partial decryption. */
export interface PostedPartialDecryption {
  teller: bigint;
  shares: readonly bigint[];
  challenges: readonly bigint[];
  responses: readonly bigint[];
}

/** A PartialDecryptionPosted event's teller, shares and proofs. */
export function partialFromEvent({
  teller,
  shares,
  challenges,
  responses,
}: PostedPartialDecryption): PartialDecryption {
  return {
    teller: Number(teller),
    shares: challenges.map((_, entry): Point => [shares[2 * entry]!, shares[2 * entry + 1]!]),
    proofs: challenges.map((challenge, entry) => ({ challenge, response: responses[entry]! })),
  };
}

function logsOf(logs: readonly ZoneLog[], name: string, proposalId: bigint): ZoneLog[] {
  return logs.filter((log) => log.name === name && arg(log.args, "proposalId") === proposalId);
}

function sameCiphertexts(a: readonly Ciphertext[], b: readonly Ciphertext[]): boolean {
  const words = (cs: readonly Ciphertext[]) => cs.flatMap(({ c1, c2 }) => [...c1, ...c2]).join();
  return words(a) === words(b);
}

/** A view of `address` at the audited block. */
/**
 * The proof of the ballot with `nullifier` in transaction `txHash`'s castSealedVotes calldata (the
 * event carries its ciphertexts, not its proof); undefined if the transaction is not such a call
 * for this zone and proposal (a ballot sent through another contract, which this audit cannot read).
 */
async function ballotProof(
  context: AuditContext,
  txHash: string,
  proposalId: bigint,
  nullifier: bigint,
): Promise<PackedProof | undefined> {
  const tx = await context.transaction(txHash);
  if (tx === null) return undefined;
  const call = SEALED_BALLOTS.parseTransaction({ data: tx.data });
  if (call?.name !== "castSealedVotes") return undefined;
  if (String(call.args[0]).toLowerCase() !== context.zone.toLowerCase() || call.args[1] !== proposalId) {
    return undefined;
  }
  const vote = (call.args[2] as Result[]).find((entry) => entry[0] === nullifier);
  return vote === undefined ? undefined : ([...(vote[2] as Result)] as bigint[] as PackedProof);
}

/** Whether a Groth16 proof packed as Semaphore packs it verifies for `signals` with `key` (snarkjs). */
export async function verifySealedProof(
  key: ReturnType<typeof verificationKeyFromWords>,
  signals: readonly bigint[],
  points: readonly bigint[],
): Promise<boolean> {
  const [a0, a1, b01, b00, b11, b10, c0, c1] = points.map(String);
  const proof = {
    pi_a: [a0!, a1!, "1"],
    pi_b: [
      [b00!, b01!],
      [b10!, b11!],
      ["1", "0"],
    ],
    pi_c: [c0!, c1!, "1"],
    protocol: "groth16",
    curve: "bn128",
  };
  try {
    return await snarkjs.groth16.verify(key, signals.map(String), proof);
  } catch {
    return false; // a point off the curve
  }
}

function view<T>(
  context: AuditContext,
  address: string,
  abi: Interface,
  name: string,
  args: unknown[],
): Promise<T> {
  return callAt<T>(context.provider, address, abi, name, args, context.block);
}
