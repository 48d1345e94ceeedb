/**
 * contracts/libraries/BabyJubJub.sol against sdk/sealed.ts: the same points, the same subgroup
 * checks, and the chain accepting exactly the tellers' partial decryptions the sdk accepts. Prints
 * what the checks cost, for the tally's gas budget.
 */
import { expect } from "chai";
import {
  GENERATOR,
  IDENTITY,
  SCALAR_ORDER,
  addPoints,
  combineShares,
  dealShares,
  encryptBallot,
  isSubgroupPoint,
  jointPublicKey,
  mulPoint,
  partialDecrypt,
  randomScalar,
  sumBallots,
  tellerKey,
  type Point,
} from "../../sdk/sealed.js";
import { SNARK_SCALAR_FIELD } from "../../sdk/constants.js";
import { BabyJubJubHarness__factory, type BabyJubJubHarness } from "../../types/ethers-contracts/index.js";
import { ethers } from "../../test/zone-fixture.js";

const asPoint = ([x, y]: Point) => ({ x, y });
const fromChain = ({ x, y }: { x: bigint; y: bigint }): Point => [x, y];

describe("BabyJubJub on chain", function () {
  let harness: BabyJubJubHarness;

  before(async function () {
    const [signer] = await ethers.getSigners();
    harness = await (await new BabyJubJubHarness__factory(signer).deploy()).waitForDeployment();
  });

  it("adds and multiplies as the sdk does", async function () {
    const p = mulPoint(GENERATOR, randomScalar());
    const q = mulPoint(GENERATOR, randomScalar());
    expect(fromChain(await harness.add(asPoint(p), asPoint(q)))).to.deep.equal(addPoints(p, q));
    expect(fromChain(await harness.add(asPoint(p), asPoint(IDENTITY)))).to.deep.equal(p);
    for (const k of [0n, 1n, 2n, 12345n, SCALAR_ORDER - 1n, randomScalar()]) {
      expect(fromChain(await harness.mul(asPoint(p), k)), `k = ${k}`).to.deep.equal(mulPoint(p, k));
    }
    const [k1, k2] = [randomScalar(), randomScalar()];
    expect(fromChain(await harness.mulAdd(asPoint(p), k1, asPoint(q), k2))).to.deep.equal(
      addPoints(mulPoint(p, k1), mulPoint(q, k2)),
    );
  });

  it("tells subgroup points from off-curve and small-order ones", async function () {
    const lowOrder: Point = [0n, SNARK_SCALAR_FIELD - 1n];
    const offCurve: Point = [1n, 2n];
    // A point of the whole curve outside the subgroup: the subgroup point plus one of order 2.
    const mixed = addPoints(mulPoint(GENERATOR, 5n), lowOrder);
    for (const point of [
      GENERATOR,
      IDENTITY,
      mulPoint(GENERATOR, randomScalar()),
      lowOrder,
      offCurve,
      mixed,
    ]) {
      expect(await harness.isSubgroupPoint(asPoint(point)), point.join(",")).to.equal(isSubgroupPoint(point));
    }
    expect(await harness.isOnCurve(asPoint(mixed))).to.equal(true);
    expect(await harness.isSubgroupPoint(asPoint(mixed))).to.equal(false);
    expect(await harness.isOnCurve({ x: SNARK_SCALAR_FIELD, y: 1n })).to.equal(false);
  });

  it("accepts a teller's honest partial decryption and refuses a wrong one, as the sdk does", async function () {
    const deals = [1, 2, 3].map((dealer) => dealShares(dealer, 2, 3));
    const qualified = new Map(deals.map((deal) => [deal.dealer, deal.commitments]));
    const publicKey = jointPublicKey(qualified);
    const sums = sumBallots(
      [0, 1, 0, 2].map((option) => encryptBallot(publicKey, option, 3).ciphertexts),
      3,
    );
    const share2 = combineShares(deals.map(({ shares }) => shares[1]!));
    const key2 = tellerKey(qualified, 2);
    const honest = partialDecrypt(2, share2, sums);

    const check = (key: Point, option: number, share: Point, challenge: bigint, response: bigint) =>
      harness.verifyDleq(asPoint(key), asPoint(sums[option]!.c1), asPoint(share), challenge, response);
    for (let option = 0; option < 3; option++) {
      const { challenge, response } = honest.proofs[option]!;
      expect(await check(key2, option, honest.shares[option]!, challenge, response)).to.equal(true);
    }
    const { challenge, response } = honest.proofs[0]!;
    const share = honest.shares[0]!;
    // Another share, another teller's key, another option's base, a tampered or out-of-range response.
    expect(await check(key2, 0, addPoints(share, GENERATOR), challenge, response)).to.equal(false);
    expect(await check(tellerKey(qualified, 1), 0, share, challenge, response)).to.equal(false);
    expect(await check(key2, 1, share, challenge, response)).to.equal(false);
    expect(await check(key2, 0, share, challenge, (response + 1n) % SCALAR_ORDER)).to.equal(false);
    expect(await check(key2, 0, share, challenge, response + SCALAR_ORDER)).to.equal(false);
    expect(await check(key2, 0, share, challenge + SCALAR_ORDER, response)).to.equal(false);

    const gas = {
      verifyDleq: await harness.verifyDleq.estimateGas(
        asPoint(key2),
        asPoint(sums[0]!.c1),
        asPoint(share),
        challenge,
        response,
      ),
      isSubgroupPoint: await harness.isSubgroupPoint.estimateGas(asPoint(share)),
      add: await harness.add.estimateGas(asPoint(share), asPoint(key2)),
    };
    console.log(
      `      gas: ${JSON.stringify(gas, (_, value: unknown) => (typeof value === "bigint" ? Number(value) : value))}`,
    );
  });
});
