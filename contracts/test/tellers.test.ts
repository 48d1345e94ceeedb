/**
 * ZoneTellers: a zone's citizens elect three tellers (threshold 2) by vote, and the tellers make
 * their joint key on chain with the sdk's key generation. One dealer sends a bad share and answers
 * the complaint with the right one (after a wrong answer is refused); another sends a bad share and
 * never answers, so it is left out. The chain's key and share keys are the sdk's, and two tellers
 * open ballots sealed to it with the shares they decrypted from the chain's events.
 */
import { expect } from "chai";
import type { Signer } from "ethers";
import {
  GENERATOR,
  SCALAR_ORDER,
  combineShares,
  dealShares,
  encryptBallot,
  encryptedShareWords,
  jointPublicKey,
  mulPoint,
  openTally,
  partialDecrypt,
  randomScalar,
  shareFromWords,
  sumBallots,
  tellerKey,
  verifyShare,
  type Deal,
  type Point,
} from "../../sdk/sealed.js";
import { SNARK_SCALAR_FIELD } from "../../sdk/constants.js";
import type { ZoneAction } from "../../sdk/types.js";
import { ZoneTellers__factory, type ZoneTellers } from "../../types/ethers-contracts/index.js";
import {
  deployZoneWithCitizens,
  ethers,
  loadFixture,
  passProposal,
  type ZoneWorld,
} from "../../test/zone-fixture.js";

const HOUR = 3_600;
const PHASE = HOUR;
const TERM = 30 * 24 * HOUR;
const asPoint = ([x, y]: Point) => ({ x, y });
const fromChain = ({ x, y }: { x: bigint; y: bigint }): Point => [x, y];

interface Elected extends ZoneWorld {
  tellers: ZoneTellers;
  tellerSigners: Signer[];
  term: bigint;
}

/** Riverside with a ZoneTellers module, after a vote elected signers 3, 4, 5 (threshold 2). */
async function elected(): Promise<Elected> {
  const world = await deployZoneWithCitizens();
  const signers = await ethers.getSigners();
  const tellerSigners = signers.slice(3, 6);
  const tellers = await (
    await new ZoneTellers__factory(world.deployer).deploy(world.deployment.zoneFactory)
  ).waitForDeployment();
  const addresses = await Promise.all(tellerSigners.map((signer) => signer.getAddress()));
  const election: ZoneAction = {
    target: await tellers.getAddress(),
    value: 0n,
    data: tellers.interface.encodeFunctionData("electTellers", [addresses, 2, PHASE, TERM]),
  };
  await passProposal(world, [[election]], "Elect three tellers");
  return { ...world, tellers, tellerSigners, term: 0n };
}

describe("ZoneTellers", function () {
  this.timeout(120_000);

  it("elects tellers only by the zone's vote", async function () {
    const world = await loadFixture(elected);
    const term = await world.tellers.getTerm(world.zoneAddress, 0n);
    expect(term.threshold).to.equal(2n);
    expect(term.tellers).to.have.length(3);
    expect(await world.tellers.phaseOf(world.zoneAddress, 0n)).to.equal(0n); // Registration
    await expect(world.tellers.electTellers([world.deployer], 1, PHASE, TERM))
      .to.be.revertedWithCustomError(world.tellers, "TellersCallerIsNotAZone")
      .withArgs(await world.deployer.getAddress());
  });

  it("makes the key the sdk makes, leaves out a dealer that does not answer, and two tellers open the tally", async function () {
    const world = await loadFixture(elected);
    const { tellers, zoneAddress: zone, term } = world;
    const { time } = world.chain.networkHelpers;
    const as = (teller: number) => tellers.connect(world.tellerSigners[teller - 1]);

    // 1. Registration: each teller's key for its shares.
    const secrets = [1, 2, 3].map(() => randomScalar());
    const keys = new Map(secrets.map((secret, index) => [index + 1, mulPoint(GENERATOR, secret)]));
    for (const [teller, key] of keys) await (await as(teller).register(zone, term, asPoint(key))).wait();
    await expect(as(1).register(zone, term, asPoint(keys.get(1)!)))
      .to.be.revertedWithCustomError(tellers, "TellersAlreadyDone")
      .withArgs(1n);
    await expect(world.tellers.register(zone, term, asPoint(keys.get(1)!))).to.be.revertedWithCustomError(
      tellers,
      "TellersNotATeller",
    );
    await expect(as(1).deal(zone, term, [], [])).to.be.revertedWithCustomError(tellers, "TellersWrongPhase");

    // 2. Dealing: dealer 2 and dealer 3 each send one teller a share that fails Feldman's check.
    await time.increase(PHASE);
    const deals: Deal[] = [1, 2, 3].map((dealer) => dealShares(dealer, 2, 3));
    const goodShare3to1 = deals[2]!.shares[0]!;
    deals[2]!.shares[0] = (goodShare3to1 + 1n) % SCALAR_ORDER;
    deals[1]!.shares[2] = (deals[1]!.shares[2]! + 1n) % SCALAR_ORDER;
    for (const deal of deals) {
      const words = encryptedShareWords(deal, keys);
      await (await as(deal.dealer).deal(zone, term, deal.commitments.map(asPoint), words)).wait();
    }

    // Each teller reads its shares from the chain's events and checks them against the commitments.
    const received = new Map<number, Map<number, bigint>>();
    const dealt = await tellers.queryFilter(tellers.filters.SharesDealt(zone, term));
    for (const teller of [1, 2, 3]) {
      const shares = new Map<number, bigint>();
      for (const { args } of dealt) {
        const dealer = Number(args.dealer);
        const own = dealer === teller ? deals[teller - 1]!.shares[teller - 1]! : undefined;
        shares.set(dealer, own ?? shareFromWords(args.encryptedShares, teller, secrets[teller - 1]!));
      }
      received.set(teller, shares);
    }
    const commitmentsOf = (dealer: number) => deals[dealer - 1]!.commitments;
    const bad = [1, 2, 3].flatMap((teller) =>
      [1, 2, 3]
        .filter((dealer) => !verifyShare(commitmentsOf(dealer), teller, received.get(teller)!.get(dealer)!))
        .map((dealer) => ({ dealer, teller })),
    );
    expect(bad).to.deep.equal([
      { dealer: 3, teller: 1 },
      { dealer: 2, teller: 3 },
    ]);

    // 3. Complaints, 4. answers: dealer 3 shows the right share (after a wrong one is refused); dealer 2 stays silent.
    await time.increase(PHASE);
    for (const { dealer, teller } of bad) await (await as(teller).complain(zone, term, dealer)).wait();
    await time.increase(PHASE);
    await expect(as(3).answer(zone, term, 1, deals[2]!.shares[0]))
      .to.be.revertedWithCustomError(tellers, "TellersWrongShare")
      .withArgs(3n, 1n);
    await expect(as(3).answer(zone, term, 1, goodShare3to1)).to.emit(tellers, "ComplaintAnswered");
    received.get(1)!.set(3, goodShare3to1);
    await expect(as(1).answer(zone, term, 2, 0n))
      .to.be.revertedWithCustomError(tellers, "TellersNoComplaint")
      .withArgs(1n, 2n);

    // Finalize: dealers 1 and 3 qualify; the key and the share keys are the sdk's.
    await expect(tellers.finalize(zone, term)).to.be.revertedWithCustomError(tellers, "TellersWrongPhase");
    await time.increase(PHASE);
    await (await tellers.finalize(zone, term)).wait();
    const qualified = new Map([1, 3].map((dealer) => [dealer, commitmentsOf(dealer)]));
    const state = await tellers.getTerm(zone, term);
    expect(state.qualified).to.equal(0b101n);
    expect(fromChain(state.publicKey)).to.deep.equal(jointPublicKey(qualified));
    const chainShareKeys = new Map<number, Point>();
    for (const teller of [1, 2, 3]) {
      chainShareKeys.set(teller, fromChain(await tellers.shareKey(zone, term, teller)));
      expect(chainShareKeys.get(teller)).to.deep.equal(tellerKey(qualified, teller));
    }

    // Ballots sealed to the chain's key; tellers 1 and 3 open them with the shares they received.
    const publicKey = fromChain(state.publicKey);
    const sums = sumBallots(
      [1, 0, 1, 2, 1].map((option) => encryptBallot(publicKey, option, 3).ciphertexts),
      3,
    );
    const partials = [1, 3].map((teller) =>
      partialDecrypt(teller, combineShares([1, 3].map((dealer) => received.get(teller)!.get(dealer)!)), sums),
    );
    expect(
      openTally({ sums, partials, tellerKeys: chainShareKeys, threshold: 2, electorate: 5 }),
    ).to.deep.equal([1, 3, 1]);
  });

  it("refuses a key off the subgroup or taken, and a key from fewer qualified dealers than the threshold", async function () {
    const world = await loadFixture(elected);
    const { tellers, zoneAddress: zone, term } = world;
    const { time } = world.chain.networkHelpers;
    const as = (teller: number) => tellers.connect(world.tellerSigners[teller - 1]);
    const lowOrder = { x: 0n, y: SNARK_SCALAR_FIELD - 1n };
    await expect(as(1).register(zone, term, lowOrder)).to.be.revertedWithCustomError(
      tellers,
      "TellersInvalidKey",
    );
    const key = mulPoint(GENERATOR, randomScalar());
    await (await as(1).register(zone, term, asPoint(key))).wait();
    // Teller 2 may not take teller 1's key (its shares would go to teller 1).
    await expect(as(2).register(zone, term, asPoint(key))).to.be.revertedWithCustomError(
      tellers,
      "TellersInvalidKey",
    );
    await time.increase(PHASE);
    // Teller 2 never registered: it cannot deal. Teller 1 deals alone.
    const deal = dealShares(1, 2, 3);
    await expect(as(2).deal(zone, term, deal.commitments.map(asPoint), encryptedShareWords(deal, new Map())))
      .to.be.revertedWithCustomError(tellers, "TellersNotRegistered")
      .withArgs(2n);
    await expect(
      as(1).deal(zone, term, deal.commitments.slice(1).map(asPoint), []),
    ).to.be.revertedWithCustomError(tellers, "TellersInvalidDealing");
    await (
      await as(1).deal(zone, term, deal.commitments.map(asPoint), encryptedShareWords(deal, new Map()))
    ).wait();
    await time.increase(3 * PHASE);
    await expect(tellers.finalize(zone, term))
      .to.be.revertedWithCustomError(tellers, "TellersTooFewQualified")
      .withArgs(1n, 2n);
  });
});
