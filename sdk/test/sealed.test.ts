/**
 * Sealed ballots' cryptography (sdk/sealed.ts): the tellers' key generation with complaints, the
 * ballots' sums, partial decryptions with their proofs, and the tally any `threshold` tellers open.
 */
import { mulPointEscalar } from "@zk-kit/baby-jubjub";
import { expect } from "chai";
import { solidityPackedKeccak256 } from "ethers";
import { SNARK_SCALAR_FIELD as SNARK_FIELD } from "../constants.js";
import {
  GENERATOR,
  IDENTITY,
  SCALAR_ORDER,
  addPoints,
  boundedDiscreteLog,
  combineShares,
  dealShares,
  dleqChallenge,
  disqualifiedDealers,
  encryptBallot,
  encryptBit,
  isSubgroupPoint,
  jointPublicKey,
  mulPoint,
  openTally,
  partialDecrypt,
  pointsEqual,
  randomScalar,
  sumBallots,
  tellerKey,
  verifyPartialDecryption,
  verifyShare,
  type Ciphertext,
  type Complaint,
  type Deal,
  type PartialDecryption,
  type Point,
} from "../sealed.js";

const TELLERS = 3;
const THRESHOLD = 2;
const OPTIONS = 3;

/** Every teller deals honestly; each teller's combined share and the public record. */
function honestKeyGeneration() {
  const deals = [1, 2, 3].map((dealer) => dealShares(dealer, THRESHOLD, TELLERS));
  return fromDeals(deals, []);
}

function fromDeals(deals: readonly Deal[], complaints: readonly Complaint[]) {
  const published = new Map(deals.map((deal) => [deal.dealer, deal.commitments]));
  const disqualified = disqualifiedDealers(THRESHOLD, TELLERS, published, complaints);
  const qualified = new Map([...published].filter(([dealer]) => !disqualified.has(dealer)));
  const qualifiedDeals = deals.filter(({ dealer }) => qualified.has(dealer));
  const secretShares = [1, 2, 3].map((teller) =>
    combineShares(qualifiedDeals.map(({ shares }) => shares[teller - 1]!)),
  );
  return { publicKey: jointPublicKey(qualified), qualified, disqualified, secretShares };
}

/** Each teller's share key, from the qualified dealers' commitments. */
function tellerKeys(qualified: ReadonlyMap<number, readonly Point[]>): Map<number, Point> {
  return new Map([1, 2, 3].map((teller) => [teller, tellerKey(qualified, teller)]));
}

/** The ballots of voters choosing `choices`, summed. */
function sealedSums(publicKey: Point, choices: readonly number[]): Ciphertext[] {
  return sumBallots(
    choices.map((option) => encryptBallot(publicKey, option, OPTIONS).ciphertexts),
    OPTIONS,
  );
}

describe("sealed ballots: cryptography", function () {
  // Scalar multiplications in plain bigint arithmetic take about a millisecond each.
  this.timeout(20_000);

  const choices = [0, 1, 0, 2, 0, 1, 0, 0]; // VoteOption: 5 Against, 2 For, 1 Abstain
  const expectedTally = [5, 2, 1];

  it("opens 8 sealed votes with two of three tellers, the third offline, and any two agree", function () {
    const { publicKey, qualified, secretShares } = honestKeyGeneration();
    const sums = sealedSums(publicKey, choices);
    const partials = [1, 2, 3].map((teller) => partialDecrypt(teller, secretShares[teller - 1]!, sums));
    const opening = {
      sums,
      tellerKeys: tellerKeys(qualified),
      threshold: THRESHOLD,
      electorate: choices.length,
    };
    for (const partial of partials) {
      expect(verifyPartialDecryption(tellerKey(qualified, partial.teller), sums, partial)).to.equal(true);
    }
    expect(openTally({ ...opening, partials: [partials[0]!, partials[1]!] })).to.deep.equal(expectedTally);
    expect(openTally({ ...opening, partials: [partials[2]!, partials[0]!] })).to.deep.equal(expectedTally);
    expect(() => openTally({ ...opening, partials: [partials[1]!] })).to.throw(
      "1 partial decryptions cannot open the tally: it takes 2",
    );
    expect(() => openTally({ ...opening, partials: [partials[1]!, partials[1]!] })).to.throw("counted twice");
    expect(() => openTally({ ...opening, partials: [{ ...partials[1]!, teller: 4 }] })).to.throw(
      "teller 4 is not one of the proposal's tellers",
    );
  });

  it("never needs the joint secret, and one teller's share alone opens nothing", function () {
    const { publicKey, secretShares } = honestKeyGeneration();
    // The joint secret is the shares interpolated at 0; no party computes it, but the test may.
    const jointSecret = (2n * secretShares[0]! - secretShares[1]! + SCALAR_ORDER) % SCALAR_ORDER;
    expect(pointsEqual(mulPoint(GENERATOR, jointSecret), publicKey)).to.equal(true);
    for (const share of secretShares) {
      expect(pointsEqual(mulPoint(GENERATOR, share), publicKey)).to.equal(false);
    }
  });

  it("refuses a wrong partial decryption", function () {
    const { publicKey, qualified, secretShares } = honestKeyGeneration();
    const sums = sealedSums(publicKey, choices);
    const key2 = tellerKey(qualified, 2);
    const honest = partialDecrypt(2, secretShares[1]!, sums);
    const refused = (partial: PartialDecryption) => !verifyPartialDecryption(key2, sums, partial);

    // Made with another share (teller 1's), claimed as teller 2's.
    expect(refused({ ...partialDecrypt(1, secretShares[0]!, sums), teller: 2 })).to.equal(true);
    // One share moved by G, its proof unchanged.
    const shifted = honest.shares.map((share, option) =>
      option === 1 ? addPoints(share, GENERATOR) : share,
    );
    expect(refused({ ...honest, shares: shifted })).to.equal(true);
    // Proofs swapped between options.
    expect(
      refused({ ...honest, proofs: [honest.proofs[1]!, honest.proofs[0]!, honest.proofs[2]!] }),
    ).to.equal(true);
    // A response off by one, and one out of range.
    const proofs = honest.proofs.map((proof) => ({ ...proof }));
    proofs[0]!.response = (proofs[0]!.response + 1n) % SCALAR_ORDER;
    expect(refused({ ...honest, proofs })).to.equal(true);
    proofs[0]!.response = honest.proofs[0]!.response + SCALAR_ORDER;
    expect(refused({ ...honest, proofs })).to.equal(true);
    // Too few shares.
    expect(refused({ ...honest, shares: honest.shares.slice(1), proofs: honest.proofs.slice(1) })).to.equal(
      true,
    );
    // A share off the subgroup (a point of order 2) is refused before its proof is read.
    const lowOrder: Point = [0n, SNARK_FIELD - 1n];
    expect(refused({ ...honest, shares: [lowOrder, ...honest.shares.slice(1)] })).to.equal(true);

    // Opening the tally names a wrong one rather than combine it: with tellers 1 and 2, teller 2's
    // Lagrange coefficient is -1, so the share moved by G would have added 1 to a count.
    const opening = {
      sums,
      tellerKeys: tellerKeys(qualified),
      threshold: THRESHOLD,
      electorate: choices.length,
    };
    const partial1 = partialDecrypt(1, secretShares[0]!, sums);
    expect(() => openTally({ ...opening, partials: [partial1, { ...honest, shares: shifted }] })).to.throw(
      "teller 2's partial decryption is wrong: its proof does not hold",
    );
  });

  it("settles complaints: a dealer that answers with the right share stays, one that does not is out", function () {
    const deals = [1, 2, 3].map((dealer) => dealShares(dealer, THRESHOLD, TELLERS));
    const cheat = deals[2]!;
    const goodShare = cheat.shares[0]!;
    // Dealer 3 sends teller 1 a share that fails Feldman's check; teller 1 complains.
    cheat.shares[0] = (goodShare + 1n) % SCALAR_ORDER;
    expect(verifyShare(cheat.commitments, 1, cheat.shares[0])).to.equal(false);
    expect(verifyShare(cheat.commitments, 2, cheat.shares[1]!)).to.equal(true);

    const unanswered = fromDeals(deals, [{ dealer: 3, complainant: 1 }]);
    expect(unanswered.disqualified).to.deep.equal(new Map([[3, "did not answer teller 1's complaint"]]));
    const wronglyAnswered = fromDeals(deals, [{ dealer: 3, complainant: 1, answer: cheat.shares[0] }]);
    expect(wronglyAnswered.disqualified.get(3)).to.equal("answered teller 1's complaint with a wrong share");

    // The key of the two honest dealers still works, and any two tellers open with it.
    const sums = sealedSums(unanswered.publicKey, choices);
    const partials = [2, 3].map((teller) =>
      partialDecrypt(teller, unanswered.secretShares[teller - 1]!, sums),
    );
    for (const partial of partials) {
      expect(
        verifyPartialDecryption(tellerKey(unanswered.qualified, partial.teller), sums, partial),
      ).to.equal(true);
    }
    const opening = { sums, partials, tellerKeys: tellerKeys(unanswered.qualified), threshold: THRESHOLD };
    expect(openTally({ ...opening, electorate: choices.length })).to.deep.equal(expectedTally);

    // Answered in public with the right share: the dealer stays, and teller 1 takes that share.
    cheat.shares[0] = goodShare;
    const answered = fromDeals(deals, [{ dealer: 3, complainant: 1, answer: goodShare }]);
    expect(answered.disqualified.size).to.equal(0);
    expect(answered.qualified.size).to.equal(3);
  });

  it("disqualifies a dealer whose commitments are missing, too few, or not keys", function () {
    const deals = [1, 2, 3].map((dealer) => dealShares(dealer, THRESHOLD, TELLERS));
    const published = new Map<number, readonly Point[]>([
      [1, deals[0]!.commitments],
      [2, deals[1]!.commitments.slice(0, 1)],
    ]);
    expect(disqualifiedDealers(THRESHOLD, TELLERS, published, [])).to.deep.equal(
      new Map([
        [2, "published 1 commitments, not 2"],
        [3, "published no commitments"],
      ]),
    );
    const offCurve: Point = [1n, 2n];
    const lowOrder: Point = [0n, SNARK_FIELD - 1n];
    for (const bad of [offCurve, lowOrder, IDENTITY]) {
      published.set(2, [bad, deals[1]!.commitments[1]!]);
      expect(disqualifiedDealers(THRESHOLD, TELLERS, published, []).get(2)).to.equal(
        "published a commitment that is not a valid key",
      );
    }
    expect(isSubgroupPoint(GENERATOR)).to.equal(true);
    expect(isSubgroupPoint(offCurve)).to.equal(false);
    expect(isSubgroupPoint(lowOrder)).to.equal(false);
  });

  it("adds ciphertexts homomorphically, and a ballot is a one-hot vector of them", function () {
    const { publicKey } = honestKeyGeneration();
    const r = [11n, 22n, 33n];
    const ballot = encryptBallot(publicKey, 2, OPTIONS, r);
    expect(ballot.ciphertexts).to.deep.equal([
      encryptBit(publicKey, 0, 11n),
      encryptBit(publicKey, 0, 22n),
      encryptBit(publicKey, 1, 33n),
    ]);
    // Enc(1; 3) + Enc(1; 4) = Enc(2; 7).
    const [sum] = sumBallots([[encryptBit(publicKey, 1, 3n)], [encryptBit(publicKey, 1, 4n)]], 1);
    expect(sum).to.deep.equal({
      c1: mulPoint(GENERATOR, 7n),
      c2: addPoints(mulPoint(GENERATOR, 2n), mulPoint(publicKey, 7n)),
    });
    expect(() => encryptBallot(publicKey, 3, OPTIONS)).to.throw("option 3 is not one of the ballot's 3");
    expect(() => encryptBallot(publicKey, 0, OPTIONS, [1n])).to.throw("takes 3 random scalars, not 1");
    expect(() => sumBallots([ballot.ciphertexts.slice(1)], OPTIONS)).to.throw("a ballot of 2 ciphertexts");
  });

  it("multiplies points as @zk-kit/baby-jubjub does", function () {
    for (const scalar of [0n, 1n, 2n, 255n, SCALAR_ORDER - 1n, randomScalar(), randomScalar()]) {
      const point = mulPoint(GENERATOR, 7n);
      const expected = scalar === 0n ? IDENTITY : mulPointEscalar([point[0], point[1]], scalar);
      expect(mulPoint(point, scalar)).to.deep.equal(expected);
    }
    expect(mulPoint(GENERATOR, SCALAR_ORDER)).to.deep.equal(IDENTITY);
  });

  it("finds a count by baby and giant steps, up to the electorate and no further", function () {
    for (const count of [0, 1, 999, 1_000, 1_000_000]) {
      expect(boundedDiscreteLog(mulPoint(GENERATOR, BigInt(count)), 1_000_000)).to.equal(count);
    }
    expect(() => boundedDiscreteLog(mulPoint(GENERATOR, 1_001n), 1_000)).to.throw("not between 0 and 1000");
  });

  it("hashes a proof's challenge as keccak256 of abi.encodePacked, so a contract recomputes it", function () {
    const points = [1n, 2n, 3n, 4n, 5n].map((k) => mulPoint(GENERATOR, k)) as [
      Point,
      Point,
      Point,
      Point,
      Point,
    ];
    const coordinates = [GENERATOR, ...points].flatMap(([x, y]) => [x, y]);
    const packed = solidityPackedKeccak256(
      ["string", ...coordinates.map(() => "uint256")],
      ["zonedao.sealed.dleq.v1", ...coordinates],
    );
    expect(dleqChallenge(...points)).to.equal(BigInt(packed) % SCALAR_ORDER);
  });
});
