/**
 * A teller's work against the chain, for `zonedao teller`, tests and benches: the key generation's
 * steps on ZoneTellers (register, deal, complain, answer, finalize, the share it ends with), and a
 * sealed proposal's tally on ZoneSealedBallots (partial decryption, then the counts). The
 * cryptography is sealed.ts's; this file reads and writes the contracts.
 *
 * What a teller keeps is its registration secret (every share it gets, its own included, is
 * encrypted to that key in the chain's events) and, from dealing until the term is finalized, its
 * deal (to answer complaints). Everything else is read back from the chain.
 */
import type { ContractTransactionResponse } from "ethers";
import type { ZoneSealedBallots, ZoneTellers } from "../types/ethers-contracts/index.js";
import { queryEvents } from "./logs.js";
import {
  GENERATOR,
  ballotBoxSums,
  combineShares,
  dealShares,
  decryptCounts,
  encryptedShareWords,
  mulPoint,
  partialDecrypt,
  partialDecryptionCall,
  shareFromWords,
  verifyShare,
  type Deal,
  type PartialDecryption,
  type Point,
} from "./sealed.js";

/** A term of a zone's tellers, through the ZoneTellers contract (connected to the teller's signer to send). */
export interface TellersTerm {
  tellers: ZoneTellers;
  zone: string;
  term: bigint;
  /** Where event queries for the term can start (its election's block, or any block before). */
  fromBlock?: number;
}

const toPoint = ({ x, y }: { x: bigint; y: bigint }): Point => [x, y];
const asStruct = ([x, y]: Point) => ({ x, y });
const isUnset = ([, y]: Point) => y === 0n;

async function sent(transaction: Promise<ContractTransactionResponse>): Promise<void> {
  const receipt = await (await transaction).wait();
  if (receipt?.status !== 1) throw new Error("the transaction reverted");
}

/** The signer's number among the term's tellers (1..n); the contract reverts for anyone else. */
export async function tellerNumber(place: TellersTerm, account: string): Promise<number> {
  return Number(await place.tellers.tellerIndex(place.zone, place.term, account));
}

/** Phase 1: publishes the teller's key, secret·G, that its shares will be encrypted to. */
export async function registerTeller(place: TellersTerm, secret: bigint): Promise<void> {
  await sent(place.tellers.register(place.zone, place.term, asStruct(mulPoint(GENERATOR, secret))));
}

/** The registered keys by teller number (tellers that did not register are absent). */
export async function registeredKeys(place: TellersTerm): Promise<Map<number, Point>> {
  const { tellers } = await place.tellers.getTerm(place.zone, place.term);
  const keys = new Map<number, Point>();
  for (let teller = 1; teller <= tellers.length; teller++) {
    const key = toPoint(await place.tellers.tellerKey(place.zone, place.term, teller));
    if (!isUnset(key)) keys.set(teller, key);
  }
  return keys;
}

/**
 * Phase 2, first half: a deal for teller `dealer`: a random polynomial of the term's threshold, its
 * commitments and a share for each teller. Keep it (it answers complaints) before sending it.
 */
export async function newDeal(place: TellersTerm, dealer: number): Promise<Deal> {
  const { tellers, threshold } = await place.tellers.getTerm(place.zone, place.term);
  return dealShares(dealer, Number(threshold), tellers.length);
}

/** Phase 2, second half: publishes `deal`'s commitments and its shares, each encrypted to its teller's key. */
export async function sendDeal(place: TellersTerm, deal: Deal): Promise<void> {
  const words = encryptedShareWords(deal, await registeredKeys(place));
  await sent(place.tellers.deal(place.zone, place.term, deal.commitments.map(asStruct), words));
}

/** Phase 2 at once (newDeal, then sendDeal); returns the deal. */
export async function dealAsTeller(place: TellersTerm, dealer: number): Promise<Deal> {
  const deal = await newDeal(place, dealer);
  await sendDeal(place, deal);
  return deal;
}

/** What a teller got from each dealer, decrypted, and the dealers whose share fails Feldman's check. */
export interface ReceivedShares {
  shares: Map<number, bigint>;
  /** Dealers to complain about (phase 3). */
  wrong: number[];
}

/** Teller `teller`'s shares from the term's deals, decrypted with its registration `secret` and checked. */
export async function receivedShares(
  place: TellersTerm,
  teller: number,
  secret: bigint,
): Promise<ReceivedShares> {
  const dealt = await queryEvents(
    place.tellers,
    place.tellers.filters.SharesDealt(place.zone, place.term),
    place.fromBlock,
  );
  const shares = new Map<number, bigint>();
  const wrong: number[] = [];
  for (const { args } of dealt) {
    const dealer = Number(args.dealer);
    const share = shareFromWords(args.encryptedShares, teller, secret);
    shares.set(dealer, share);
    if (!verifyShare(args.commitments.map(toPoint), teller, share)) wrong.push(dealer);
  }
  return { shares, wrong };
}

/** Phase 3: complains about each dealer in `dealers` (receivedShares' `wrong`). */
export async function complainAbout(place: TellersTerm, dealers: readonly number[]): Promise<void> {
  for (const dealer of dealers) await sent(place.tellers.complain(place.zone, place.term, dealer));
}

/**
 * Phase 4: answers every complaint against `deal` with the share, in public, but those of the
 * tellers in `answered` (answered before). Returns whom it answered now.
 */
export async function answerComplaints(
  place: TellersTerm,
  deal: Deal,
  answered: ReadonlySet<number> = new Set(),
): Promise<number[]> {
  const complaints = await queryEvents(
    place.tellers,
    place.tellers.filters.ShareComplaint(place.zone, place.term),
    place.fromBlock,
  );
  const complainants = complaints
    .filter(({ args }) => Number(args.dealer) === deal.dealer)
    .map(({ args }) => Number(args.complainant))
    .filter((complainant) => !answered.has(complainant));
  for (const complainant of complainants) {
    await sent(place.tellers.answer(place.zone, place.term, complainant, deal.shares[complainant - 1]!));
  }
  return complainants;
}

/**
 * After the key generation: teller `teller`'s share of the joint secret, the sum of what the
 * qualified dealers sent it (a complaint's public answer replaces a wrong share). Checked against
 * the chain's share key, so a teller learns now, not at a tally, if it is wrong.
 */
export async function secretShareOf(place: TellersTerm, teller: number, secret: bigint): Promise<bigint> {
  const { qualified, finalized } = await place.tellers.getTerm(place.zone, place.term);
  if (!finalized) throw new Error(`term ${place.term}'s key is not finalized yet`);
  const { shares } = await receivedShares(place, teller, secret);
  const answers = await queryEvents(
    place.tellers,
    place.tellers.filters.ComplaintAnswered(place.zone, place.term),
    place.fromBlock,
  );
  for (const { args } of answers) {
    if (Number(args.complainant) === teller) shares.set(Number(args.dealer), args.share);
  }
  const parts: bigint[] = [];
  for (const [dealer, share] of shares) {
    if ((qualified >> BigInt(dealer - 1)) & 1n) parts.push(share);
  }
  const share = combineShares(parts);
  const expected = toPoint(await place.tellers.shareKey(place.zone, place.term, teller));
  const [x, y] = mulPoint(GENERATOR, share);
  if (x !== expected[0] || y !== expected[1]) {
    throw new Error(`teller ${teller}'s share does not match its share key on chain: wrong secret or shares`);
  }
  return share;
}

/** A sealed proposal, through the ZoneSealedBallots contract (connected to a signer to send). */
export interface SealedProposal {
  sealedBallots: ZoneSealedBallots;
  zone: string;
  proposalId: bigint;
}

/** Posts teller `teller`'s partial decryption of the proposal's sums, made with its `secretShare`. */
export async function postPartialDecryption(
  proposal: SealedProposal,
  teller: number,
  secretShare: bigint,
): Promise<PartialDecryption> {
  const box = await proposal.sealedBallots.ballotBox(proposal.zone, proposal.proposalId);
  const partial = partialDecrypt(teller, secretShare, ballotBoxSums(box));
  await sent(
    proposal.sealedBallots.postPartialDecryption(
      proposal.zone,
      proposal.proposalId,
      ...partialDecryptionCall(partial),
    ),
  );
  return partial;
}

/**
 * Completes the tally once `threshold` tellers have posted: opens the counts from the posted shares
 * (the contract checked each one's proof when it took it) and sends them, with the tellers used,
 * for the contract to check. Returns the counts, one per ballot entry.
 */
export async function completeSealedTally(proposal: SealedProposal, tellers: ZoneTellers): Promise<number[]> {
  const { sealedBallots, zone, proposalId } = proposal;
  const box = await sealedBallots.ballotBox(zone, proposalId);
  const term = await tellers.getTerm(zone, box.term);
  const posted: Pick<PartialDecryption, "teller" | "shares">[] = [];
  for (let teller = 1; teller <= term.tellers.length && posted.length < Number(box.threshold); teller++) {
    const words = await sealedBallots.partialDecryptionOf(zone, proposalId, teller);
    if (words[1] === 0n) continue;
    posted.push({
      teller,
      shares: [0, 1, 2].map((entry): Point => [words[2 * entry]!, words[2 * entry + 1]!]),
    });
  }
  if (posted.length < Number(box.threshold)) {
    throw new Error(`${posted.length} of the ${box.threshold} partial decryptions needed are posted`);
  }
  const counts = decryptCounts(ballotBoxSums(box), posted, Number(box.ballots));
  await sent(
    sealedBallots.completeTally(
      zone,
      proposalId,
      [BigInt(counts[0]!), BigInt(counts[1]!), BigInt(counts[2]!)],
      posted.map(({ teller }) => BigInt(teller)),
    ),
  );
  return counts;
}
