/**
 * Invariants under a seeded random sequence of governance, dividend and trade actions: after every
 * step the tallies equal the VoteCast events and used nullifiers, nothing executes twice, the
 * treasury equals its ledger, the money set aside equals the open dividend rounds' outstanding
 * claims (on chain, on the ledger and in the model), goods are conserved across zones, escrow and
 * the accounts they were sent to, no goods leave an inventory below its domestic reserve (by an
 * offer, or by a plain ERC-1155 transfer or batch transfer that a vote makes), and no approval for
 * the trade contract outlives its vote; and every reward for recyclable content was paid for an
 * attested, unrevoked production after its challenge window, once, for what the zone's rule pays,
 * within the rule's budget per period (the farm holds exactly its rewards). The sequence runs on a chain of its own whose clock moves
 * only with the sequence's own steps (test/steady-clock.ts), so a seed takes the same path on any
 * machine, any day, whatever other test files ran. Paths that must be covered every time (an export
 * refused for the reserve, a cancel, a reclaim, a round's expiry) are deterministic tests in
 * economy.test.ts.
 */
import { expect } from "chai";
import { ZeroAddress, type Signer } from "ethers";
import {
  TestStablecoin__factory,
  VoteOption,
  ZoneGoods__factory,
  ZoneServices__factory,
  ZoneTrade__factory,
  Zone__factory,
  acceptOffer,
  admissionsOf,
  appointInspector,
  cancelOffer,
  createInternalDao,
  createService,
  goodsId,
  ledgerBalance,
  ledgerReserved,
  offerGoods,
  openDividendRound,
  payEther,
  produceGoods,
  proveDividendClaim,
  proveProposal,
  proveVote,
  readLedger,
  rebuildGroup,
  requestAdmissions,
  revokeAttestation,
  rewardFor,
  setReserve,
  setRewardRule,
  type DividendClaim,
  type RequestedAdmission,
  type Group,
  type ZoneAction,
  type ZoneRules,
} from "../../sdk/index.js";
import { chainWithSteadyClock } from "../../test/steady-clock.js";
import {
  Identity,
  TEST_RULES,
  alice,
  bob,
  citizens,
  createSecondZone,
  deployZoneWithCitizens,
  passProposal,
  queuePassedProposal,
  zoneWorldAt,
} from "../../test/zone-fixture.js";
import { prng } from "../../test/prng.js";
import { BN254_Q, State, asVote, castVote, type Vote } from "./votes.js";

/** Where the sequence's chain starts: a fixed moment, so epochs and expiries fall the same way every run. */
const SEQUENCE_START = new Date("2030-01-07T00:00:00Z");
const chain = await chainWithSteadyClock(SEQUENCE_START);
const { ethers, networkHelpers } = chain;
const { time } = networkHelpers;

/**
 * Seed 7 by default: its path attests, revokes by vote and pays rewards (and refuses claims for
 * four different reasons) besides its trade and dividends; seed 5, the default before production
 * rewards, paid none with them.
 */
const SEED = Number(process.env.ZONEDAO_ADVERSARIAL_SEED ?? 7);
const STEPS = 300;
const MAX_PROPOSALS = 10;
const MAX_VOTE_PROOFS = 32;
const MAX_MEMBERS = 7;
const MAX_PRODUCTIONS = 3;
const MAX_PURCHASES = 4;
const MAX_CLAIM_PROOFS = 12;
/** How long a round's claims stay open: short enough that rounds expire within the sequence. */
const CLAIM_PERIODS = [6 * 3600, 86_400, 3 * 86_400, 7 * 86_400];

/**
 * Zone A's rules: votes stay open 6 hours and a queued proposal 2 days, so that most proposals
 * outlive a few of the sequence's time jumps and reach their execution (where trade happens).
 */
const SEQUENCE_RULES: ZoneRules = { ...TEST_RULES, votingPeriod: 6 * 3600, executionWindow: 2 * 86_400 };
/** The farm's and the buyer zone's rules: their one member decides in a minute, often. */
const QUICK_RULES: ZoneRules = { ...TEST_RULES, votingPeriod: 60, executionDelay: 1, proposalsPerEpoch: 16 };
const PRODUCTS = ["grain", "timber"] as const;
const FIRST_HARVEST = 100n;
const BUYER_DOLLARS = ethers.parseEther("1000000");
/** Zone A's USDz at the start, for rewards before any sale. */
const ZONE_DOLLARS = ethers.parseEther("3");
/**
 * Zone A's reward for recyclable content: 0.01 USDz a unit at 100%, nothing at or below 30%, at most
 * 1.5 USDz every 2 days (less than the first harvest's two productions earn), with 2 days to revoke
 * (a vote takes 6 hours and the timelock; the sequence's time jumps close some windows first).
 */
const REWARD_RULE = {
  floorBps: 3_000,
  rewardPerUnit: ethers.parseEther("0.01"),
  budgetPerPeriod: ethers.parseEther("1.5"),
  periodLength: 2 * 86_400,
};
const CHALLENGE_WINDOW = 2n * 86_400n;
const FARMER = new Identity("zonedao-adversarial-farmer");
const BUYER = new Identity("zonedao-adversarial-buyer");
/** ZoneTrade.OfferStatus, by name. */
const OfferStatus = { open: 1n, settled: 2n, cancelled: 3n, expired: 4n } as const;
type OfferState = keyof typeof OfferStatus;
const tradeInterface = ZoneTrade__factory.createInterface();
const goodsInterface = ZoneGoods__factory.createInterface();
/** An account zone A sends goods to by plain transfer (no test signer: it never moves them on). */
const AWAY = "0x00000000000000000000000000000000000a11a1";

/** The name of a trade or goods error, from its revert data. */
function errorName(data: string): string {
  return (tradeInterface.parseError(data) ?? goodsInterface.parseError(data))!.name;
}
const zoneInterface = Zone__factory.createInterface();
/** IZone.ProposalState.Expired. */
const EXPIRED = 6;

/**
 * Zone A of the 4 test citizens, holding 1 ether, whose farm (an internal DAO of one farmer) has
 * produced 100 grain and 100 timber for it; zone B of the same factory (one citizen), holding USDz
 * to buy with. `fromBlock` is before A's creation (for the ledger); `votesFrom` is after the
 * set-up's own votes, so the sequence's VoteCast events are counted from there.
 */
async function tradingZones() {
  const fromBlock = await ethers.provider.getBlockNumber();
  const world = await deployZoneWithCitizens(SEQUENCE_RULES, chain);
  await (
    await world.deployer.sendTransaction({ to: world.zoneAddress, value: ethers.parseEther("1") })
  ).wait();
  const stablecoin = await (await new TestStablecoin__factory(world.deployer).deploy()).waitForDeployment();
  const goods = ZoneGoods__factory.connect(await world.factory.GOODS(), world.relayer);
  const trade = ZoneTrade__factory.connect(await world.factory.TRADE(), world.relayer);
  const terms = {
    name: "Riverside Farm",
    registrar: await world.registrar.getAddress(),
    rules: QUICK_RULES,
    incomeShareBps: 0,
  };
  await passProposal(world, [[createInternalDao(world.zoneAddress, terms)]], "Found the farm", {
    voters: [alice, bob],
  });
  const [created] = await world.zone.queryFilter(world.zone.filters.InternalDaoCreated());
  if (!created) throw new Error("no InternalDaoCreated event");
  const farm = zoneWorldAt(world, created.args.dao);
  await (await farm.zone.connect(world.registrar).addMember(FARMER.commitment)).wait();
  const goodsAddress = await goods.getAddress();
  await passProposal(
    farm,
    [PRODUCTS.map((product) => produceGoods(goodsAddress, product, FIRST_HARVEST, 10_000))],
    "The first harvest",
    { voters: [FARMER] },
  );
  const buyer = await createSecondZone(world, { name: "Hillside", members: [BUYER], rules: QUICK_RULES });
  await (await stablecoin.mint(await world.deployer.getAddress(), BUYER_DOLLARS + ZONE_DOLLARS)).wait();
  await (await stablecoin.approve(buyer.zoneAddress, BUYER_DOLLARS)).wait();
  await (await stablecoin.approve(world.zoneAddress, ZONE_DOLLARS)).wait();
  const stablecoinAddress = await stablecoin.getAddress();
  await (await buyer.zone.connect(world.deployer).deposit(stablecoinAddress, BUYER_DOLLARS)).wait();
  await (await world.zone.connect(world.deployer).deposit(stablecoinAddress, ZONE_DOLLARS)).wait();
  // A's inspector (service 0, an account of its own) and its reward rule, by A's vote.
  const services = ZoneServices__factory.connect(await world.factory.SERVICES(), world.relayer);
  const servicesAddress = await services.getAddress();
  const [inspector, impostor] = (await ethers.getSigners()).slice(14, 16);
  if (!inspector || !impostor) throw new Error("need 16 signers");
  const { receipt } = await passProposal(
    world,
    [
      [
        createService(servicesAddress, {
          kind: "inspection",
          description: "Materials lab",
          provider: await inspector.getAddress(),
          token: stablecoinAddress,
          budgetPerPeriod: 1n,
          periodLength: 86_400,
        }),
        appointInspector(servicesAddress, 0n, CHALLENGE_WINDOW),
        setRewardRule(servicesAddress, { token: stablecoinAddress, ...REWARD_RULE }),
      ],
    ],
    "Reward recyclable content",
    { voters: [alice, bob] },
  );
  const ruleStart = BigInt((await receipt!.getBlock()).timestamp);
  // A new proposal epoch: the sequence then finds every citizen's proposal slots of A free.
  await time.increase(TEST_RULES.proposalEpoch);
  const votesFrom = (await ethers.provider.getBlockNumber()) + 1;
  return {
    world,
    fromBlock,
    votesFrom,
    farm,
    buyer,
    goods,
    goodsAddress,
    trade,
    stablecoin,
    stablecoinAddress,
    services,
    inspector,
    impostor,
    ruleStart,
  };
}

/** What a proposal of zone A does, beyond its actions: what the model needs to predict its execution. */
type Intent =
  | { kind: "none" }
  | { kind: "pay"; amount: bigint }
  | { kind: "dividend"; amountPerCitizen: bigint; claimPeriod: number }
  | { kind: "reserve"; goodsId: bigint; amount: bigint }
  | { kind: "offer"; goodsId: bigint; quantity: bigint; buyer: string; expiry: bigint; pricePerUnit: bigint }
  | { kind: "transfer"; goodsId: bigint; lines: bigint[]; to: "buyer" | "away" }
  | { kind: "cancel"; offerId: bigint }
  | { kind: "revoke"; productionId: bigint };

/** A dividend round of zone A, all in ether: who may claim (its proposal's voters) and who did. */
interface RoundModel {
  id: bigint;
  proposalId: bigint;
  amountPerCitizen: bigint;
  electorate: Identity[];
  group?: Group;
  claimed: Set<number>;
  deadline: bigint;
  closed: boolean;
}

/** Why a transaction of the sequence is expected to fail: the zone's custom error and its arguments. */
interface Failure {
  error: string;
  args: unknown[];
}

/** A production of the farm for zone A, as the model follows it to its reward. */
interface ProductionModel {
  amount: bigint;
  recyclableBps: number;
  /** When its challenge window closes, once attested. */
  claimableAt?: bigint;
  revoked: boolean;
  rewarded: boolean;
}

interface OfferModel {
  id: bigint;
  goodsId: bigint;
  quantity: bigint;
  buyer: string;
  expiry: bigint;
  total: bigint;
  status: OfferState;
}

describe("invariants under a random sequence of actions", function () {
  it(`hold after every step (seed ${SEED})`, async function () {
    // About 4 minutes alone on 2 cores (every vote and claim is a real proof): more than mocha's
    // default here, so a busy machine cannot fail it for being slow.
    this.timeout(STEPS * 10_000);
    const fixture = await tradingZones();
    const { world, fromBlock, votesFrom, farm, buyer, goods, goodsAddress, trade, stablecoin } = fixture;
    const { stablecoinAddress, services, inspector, impostor, ruleStart } = fixture;
    const { zone } = world;
    const tradeAddress = await trade.getAddress();
    const random = prng(SEED);
    const signers: Signer[] = await ethers.getSigners();
    const members: Identity[] = [...citizens];
    // The registrar's requests, oldest first: each waits its admission delay before anyone admits it.
    const pending: (RequestedAdmission & { newcomer: Identity })[] = [];
    const admissions = await admissionsOf(zone, world.relayer);
    const usedProposalSlots = new Set<string>();
    /** Per proposal: its snapshot members, its snapshot group (once needed), and the model tally. */
    const proposals = new Map<
      bigint,
      { voters: Identity[]; group?: Group; tally: bigint[]; actions: ZoneAction[]; intent: Intent }
    >();
    const proofs = new Map<string, Vote>(); // `${proposalId}:${voterIndex}` -> its valid vote
    const counted = new Set<bigint>(); // nullifiers the model expects used
    const executed = new Set<bigint>();
    const forgedNullifiers: bigint[] = [];
    const log: string[] = [];
    // The trade model: who holds each good (zone A, buyer zone B, the trade contract's escrow), A's
    // reserves, the offers, and the USDz of both zones.
    const goodsIds = PRODUCTS.map((product) => goodsId(farm.zoneAddress, product));
    const held = new Map(
      goodsIds.map((id) => [id, { zone: FIRST_HARVEST, buyer: 0n, escrow: 0n, away: 0n }]),
    );
    const reserves = new Map(goodsIds.map((id) => [id, 0n]));
    const inventoryBefore = new Map(goodsIds.map((id) => [id, FIRST_HARVEST]));
    const offers = new Map<bigint, OfferModel>();
    const dollars = { zone: ZONE_DOLLARS, buyer: BUYER_DOLLARS, farm: 0n };
    // The production model: the first harvest's two productions (wholly recyclable) and the rest,
    // the rewards paid in each period of the rule, and what each step did.
    const productions = new Map<bigint, ProductionModel>(
      PRODUCTS.map((_, index) => [
        BigInt(index),
        { amount: FIRST_HARVEST, recyclableBps: 10_000, revoked: false, rewarded: false },
      ]),
    );
    const rewardsPaid = new Map<bigint, bigint>();
    const rewarding = { attested: 0, refused: 0, revoked: 0, rewarded: 0 };
    const refused = new Set<bigint>(); // proposals whose goods were refused for the reserve, at least once
    const trades = {
      exports: 0,
      transfers: 0,
      sold: 0,
      cancelled: 0,
      reclaimed: 0,
      produced: 0,
      reserves: 0,
    };
    let purchases = 0;
    // The dividend model: zone A's ether, the part of it set aside, the rounds, the claims proved.
    const money = { ether: await ethers.provider.getBalance(world.zoneAddress), reserved: 0n };
    const rounds = new Map<bigint, RoundModel>();
    const claimProofs = new Map<string, DividendClaim>(); // `${roundId}:${memberIndex}` -> its claim
    const dividends = { opened: 0, refused: 0, claimed: 0, closed: 0 };
    const queued = new Set<bigint>();

    const stateOf = async (id: bigint) => Number(await zone.state(id));

    async function checkInvariants(step: number) {
      const where = `step ${step} (seed ${SEED}): ${log.at(-1)}`;
      let total = 0n;
      const now = BigInt(await time.latest());
      for (const [id, model] of proposals) {
        const { tally, state, voteEnd, eta } = await zone.getProposal(id);
        expect([...tally], `tally of ${id} at ${where}`).to.deep.equal(model.tally);
        total += tally.reduce((a, b) => a + b, 0n);
        // A passed proposal nobody queued lapses with the execution window after its vote.
        const lapsed = eta === 0n && now > voteEnd + BigInt(SEQUENCE_RULES.executionWindow);
        if (lapsed) expect(Number(state), `state of ${id} at ${where}`).to.not.equal(State.Succeeded);
        if (Number(state) === EXPIRED && eta === 0n)
          expect(lapsed, `expiry of ${id} at ${where}`).to.equal(true);
      }
      const events = await zone.queryFilter(zone.filters.VoteCast(), votesFrom);
      let used = 0n;
      for (const vote of proofs.values()) if (await zone.isNullifierUsed(vote.nullifier)) used++;
      expect(BigInt(events.length), `VoteCast events at ${where}`).to.equal(total);
      expect(used, `used vote nullifiers at ${where}`).to.equal(total);
      for (const nullifier of forgedNullifiers)
        expect(await zone.isNullifierUsed(nullifier), where).to.equal(false);
      expect(BigInt(counted.size), `model's count at ${where}`).to.equal(total);
      const ledger = await readLedger(zone, { fromBlock });
      expect(await ethers.provider.getBalance(world.zoneAddress), `ether vs ledger at ${where}`).to.equal(
        ledgerBalance(ledger, ZeroAddress),
      );
      expect(ledgerBalance(ledger, ZeroAddress), `ether vs model at ${where}`).to.equal(money.ether);
      // The money set aside is exactly what the open rounds still owe: on chain, on the ledger, in the model.
      let outstanding = 0n;
      for (const round of rounds.values()) {
        if (!round.closed)
          outstanding += BigInt(round.electorate.length - round.claimed.size) * round.amountPerCitizen;
      }
      expect(money.reserved, `model's ether set aside at ${where}`).to.equal(outstanding);
      expect(await zone.reservedFunds(ZeroAddress), `ether set aside at ${where}`).to.equal(outstanding);
      expect(ledgerReserved(ledger, ZeroAddress), `ledger's ether set aside at ${where}`).to.equal(
        outstanding,
      );
      for (const id of executed)
        expect(await stateOf(id), `executed ${id} at ${where}`).to.equal(State.Executed);
      await checkTrade(where, ledger);
      await checkRewards(where);
    }

    /**
     * Every reward for an attested, unrevoked production, after its window, once, for what the rule
     * pays, within each period's budget; the registry's records equal the model's; the farm holds
     * exactly its rewards, on its ledger too.
     */
    async function checkRewards(where: string) {
      expect(await goods.productionCount(), `productions at ${where}`).to.equal(BigInt(productions.size));
      const paid = new Map<bigint, bigint>();
      const seen = new Set<bigint>();
      const [attestedEvents, revokedEvents, rewardEvents] = await Promise.all([
        services.queryFilter(services.filters.ProductionAttested(world.zoneAddress), fromBlock),
        services.queryFilter(services.filters.AttestationRevoked(world.zoneAddress), fromBlock),
        services.queryFilter(services.filters.ProductionRewarded(world.zoneAddress), fromBlock),
      ]);
      for (const reward of rewardEvents) {
        const { productionId, amount, period } = reward.args;
        const what = `reward of production ${productionId} at ${where}`;
        const attestation = attestedEvents.find((event) => event.args.productionId === productionId);
        expect(attestation, `${what}: attested`).to.not.equal(undefined);
        expect(attestation!.blockNumber, `${what}: attested first`).to.be.below(reward.blockNumber);
        const revocation = revokedEvents.find((event) => event.args.productionId === productionId);
        if (revocation)
          expect(revocation.blockNumber, `${what}: not revoked`).to.be.above(reward.blockNumber);
        const paidAt = BigInt((await reward.getBlock()).timestamp);
        expect(paidAt >= attestation!.args.claimableAt, `${what}: after the window`).to.equal(true);
        expect(seen.has(productionId), `${what}: once`).to.equal(false);
        seen.add(productionId);
        const production = productions.get(productionId)!;
        expect(amount, what).to.equal(rewardFor(REWARD_RULE, production.amount, production.recyclableBps));
        expect(period, `${what}: period`).to.equal((paidAt - ruleStart) / BigInt(REWARD_RULE.periodLength));
        paid.set(period, (paid.get(period) ?? 0n) + amount);
      }
      for (const [period, total] of paid) {
        expect(total <= REWARD_RULE.budgetPerPeriod, `rewards of period ${period} at ${where}`).to.equal(
          true,
        );
        expect(total, `model's rewards of period ${period} at ${where}`).to.equal(rewardsPaid.get(period));
      }
      for (const [id, model] of productions) {
        const onChain = await services.attestationOf(id);
        expect(
          { claimableAt: onChain.claimableAt, revoked: onChain.revoked, rewarded: onChain.rewarded },
          `attestation of production ${id} at ${where}`,
        ).to.deep.equal({
          claimableAt: model.claimableAt ?? 0n,
          revoked: model.revoked,
          rewarded: model.rewarded,
        });
      }
      const [farmDollars, farmLedger] = await Promise.all([
        stablecoin.balanceOf(farm.zoneAddress),
        readLedger(farm.zone, { fromBlock }),
      ]);
      expect(farmDollars, `the farm's USDz at ${where}`).to.equal(dollars.farm);
      expect(ledgerBalance(farmLedger, stablecoinAddress), `the farm's ledger at ${where}`).to.equal(
        farmDollars,
      );
    }

    /** The goods, offers and USDz against the model, no goods gone below a reserve, no standing approval. */
    async function checkTrade(where: string, ledger: Awaited<ReturnType<typeof readLedger>>) {
      expect(await goods.isApprovedForAll(world.zoneAddress, tradeAddress), `approval at ${where}`).to.equal(
        false,
      );
      const openOnChain = new Map(goodsIds.map((id) => [id, 0n]));
      for (let id = 1n; id <= (await trade.offerCount()); id++) {
        const offer = await trade.getOffer(id);
        expect(offer.status, `offer ${id} at ${where}`).to.equal(OfferStatus[offers.get(id)!.status]);
        if (offer.status === OfferStatus.open)
          openOnChain.set(offer.goodsId, openOnChain.get(offer.goodsId)! + offer.quantity);
      }
      for (const id of goodsIds) {
        const [inZone, inBuyer, inEscrow, away, reserve, productions] = await Promise.all([
          goods.balanceOf(world.zoneAddress, id),
          goods.balanceOf(buyer.zoneAddress, id),
          goods.balanceOf(tradeAddress, id),
          goods.balanceOf(AWAY, id),
          zone.reserveOf(id),
          goods.queryFilter(goods.filters.GoodsProduced(undefined, undefined, id), fromBlock),
        ]);
        const good = `good ${id.toString(16).slice(0, 8)}`;
        const holders = { zone: inZone, buyer: inBuyer, escrow: inEscrow, away };
        expect(holders, `${good} at ${where}`).to.deep.equal(held.get(id));
        expect(reserve, `reserve of ${good} at ${where}`).to.equal(reserves.get(id));
        // Goods are conserved: every unit produced is at home, with the buyer, in escrow for an open
        // offer, or with the account A sent it to.
        const produced = productions.reduce((sum, event) => sum + event.args.amount, 0n);
        expect(inZone + inBuyer + inEscrow + away, `${good} produced at ${where}`).to.equal(produced);
        expect(inEscrow, `${good} in escrow at ${where}`).to.equal(openOnChain.get(id));
        // Nothing cuts the reserve: whenever goods left the zone (offer or transfer), what stayed covers it.
        if (inZone < inventoryBefore.get(id)!)
          expect(inZone >= reserve, `${good}: ${inZone} left, below reserve ${reserve} at ${where}`).to.be
            .true;
        inventoryBefore.set(id, inZone);
      }
      const [zoneDollars, buyerDollars, buyerLedger] = await Promise.all([
        stablecoin.balanceOf(world.zoneAddress),
        stablecoin.balanceOf(buyer.zoneAddress),
        readLedger(buyer.zone, { fromBlock }),
      ]);
      expect({ zone: zoneDollars, buyer: buyerDollars }, `USDz at ${where}`).to.deep.equal({
        zone: dollars.zone,
        buyer: dollars.buyer,
      });
      expect(ledgerBalance(ledger, stablecoinAddress), `A's USDz vs ledger at ${where}`).to.equal(
        zoneDollars,
      );
      expect(ledgerBalance(buyerLedger, stablecoinAddress), `B's USDz vs ledger at ${where}`).to.equal(
        buyerDollars,
      );
    }

    /**
     * A random proposal of zone A: a payment, a dividend round, nothing, a reserve, an offer of goods,
     * or a cancellation.
     */
    async function planProposal(): Promise<{ intent: Intent; actions: ZoneAction[]; what: string }> {
      const roll = random.next();
      if (roll < 0.15) {
        const payee = await random.pick(signers.slice(8, 12)).getAddress();
        // Mostly a little; sometimes enough to reach into the money set aside for dividends.
        const amount =
          random.next() < 0.7 ? BigInt(1 + random.int(1e12)) : BigInt(5 + random.int(36)) * 10n ** 16n;
        return {
          intent: { kind: "pay", amount },
          actions: [payEther(payee, amount)],
          what: `pays ${amount}`,
        };
      }
      if (roll < 0.35) {
        const amountPerCitizen = BigInt(1 + random.int(8)) * 10n ** 16n;
        const claimPeriod = random.pick(CLAIM_PERIODS);
        return {
          intent: { kind: "dividend", amountPerCitizen, claimPeriod },
          actions: [openDividendRound(world.zoneAddress, ZeroAddress, amountPerCitizen, claimPeriod)],
          what: `shares ${amountPerCitizen} a citizen for ${claimPeriod} s`,
        };
      }
      if (roll < 0.42) return { intent: { kind: "none" }, actions: [], what: "no action" };
      const attested = [...productions].filter(([, production]) => production.claimableAt !== undefined);
      if (roll < 0.55 && attested.length > 0) {
        const [productionId] = random.pick(attested);
        return {
          intent: { kind: "revoke", productionId },
          actions: [revokeAttestation(await services.getAddress(), productionId)],
          what: `revokes production ${productionId}'s attestation`,
        };
      }
      const id = random.pick(goodsIds);
      const inventory = held.get(id)!.zone;
      const good = PRODUCTS[goodsIds.indexOf(id)]!;
      if (roll < 0.55) {
        const amount = BigInt(random.int(Math.floor(Number(inventory) / 2) + 20));
        const actions = [setReserve(world.zoneAddress, id, amount)];
        return {
          intent: { kind: "reserve", goodsId: id, amount },
          actions,
          what: `reserves ${amount} ${good}`,
        };
      }
      const open = [...offers.values()].filter((offer) => offer.status === "open");
      if (roll < 0.64 && open.length > 0) {
        const { id: offerId } = random.pick(open);
        const actions = [cancelOffer(tradeAddress, offerId)];
        return { intent: { kind: "cancel", offerId }, actions, what: `cancels offer ${offerId}` };
      }
      // Mostly well within the surplus (inventory - reserve) as it is now, else above it; the
      // inventory and reserve at execution decide.
      const surplus = Number(inventory - reserves.get(id)!);
      const quantity = BigInt(
        surplus > 0 && random.next() < 0.6
          ? 1 + random.int(Math.ceil(surplus / 2))
          : Math.max(surplus, 0) + 1 + random.int(30),
      );
      if (roll < 0.65) return planTransfer(id, quantity, good);
      const offerTo = random.next() < 0.5 ? ZeroAddress : buyer.zoneAddress;
      // From the earliest execution (the vote's end and the timelock), an hour to twenty days (days pass: the sequence jumps a day at times).
      const earliest = (await time.latest()) + SEQUENCE_RULES.votingPeriod + SEQUENCE_RULES.executionDelay;
      const expiry = BigInt(earliest + random.pick([1, 72, 240, 480]) * 3600 + random.int(600));
      const pricePerUnit = BigInt(1 + random.int(1e6)) * 10n ** 12n;
      const intent = { kind: "offer" as const, goodsId: id, quantity, buyer: offerTo, expiry, pricePerUnit };
      const actions = offerGoods({
        zone: world.zoneAddress,
        trade: tradeAddress,
        goods: goodsAddress,
        goodsId: id,
        quantity,
        paymentToken: stablecoinAddress,
        pricePerUnit,
        buyer: offerTo,
        expiry,
      });
      return { intent, actions, what: `offers ${quantity} ${good}` };
    }

    /**
     * Goods leaving A by a plain ERC-1155 transfer that its vote makes, not through trade: to zone B or
     * to an account, as one transfer or as a batch that lists the good twice (the reserve must count both).
     */
    function planTransfer(
      id: bigint,
      quantity: bigint,
      good: string,
    ): { intent: Intent; actions: ZoneAction[]; what: string } {
      const to = random.next() < 0.5 ? ("buyer" as const) : ("away" as const);
      const recipient = to === "buyer" ? buyer.zoneAddress : AWAY;
      const first = quantity > 1n && random.next() < 0.5 ? BigInt(1 + random.int(Number(quantity) - 1)) : 0n;
      const lines = first > 0n ? [first, quantity - first] : [quantity];
      const data =
        lines.length === 1
          ? goodsInterface.encodeFunctionData("safeTransferFrom", [
              world.zoneAddress,
              recipient,
              id,
              quantity,
              "0x",
            ])
          : goodsInterface.encodeFunctionData("safeBatchTransferFrom", [
              world.zoneAddress,
              recipient,
              [id, id],
              lines,
              "0x",
            ]);
      return {
        intent: { kind: "transfer", goodsId: id, lines, to },
        actions: [{ target: goodsAddress, value: 0n, data }],
        what: `sends ${lines.join("+")} ${good} to ${to}`,
      };
    }

    /**
     * Why goods leaving A through `lines` (the action at `index`) fail, if they do: ERC-1155 refuses a
     * line above what is left, then ZoneGoods refuses what would leave less than the reserve.
     */
    function goodsLeavingFailure(id: bigint, lines: bigint[], index: number): [number, string] | undefined {
      let left = held.get(id)!.zone;
      for (const line of lines) {
        if (left < line) {
          const args = [world.zoneAddress, left, line, id];
          return [index, goodsInterface.encodeErrorResult("ERC1155InsufficientBalance", args)];
        }
        left -= line;
      }
      const reserve = reserves.get(id)!;
      if (left < reserve) {
        const args = [world.zoneAddress, id, left, reserve];
        return [index, goodsInterface.encodeErrorResult("GoodsReserveBreached", args)];
      }
      return undefined;
    }

    /** Why executing `intent` at block time `now` fails (the failing action and its revert data), if it does. */
    function expectedFailure(intent: Intent, now: bigint): [number, string] | undefined {
      if (intent.kind === "offer") {
        if (intent.expiry <= now)
          return [1, tradeInterface.encodeErrorResult("TradeInvalidTerms", ["expiry is not in the future"])];
        // The escrow is goods leaving the zone, checked by ZoneGoods like any other transfer.
        return goodsLeavingFailure(intent.goodsId, [intent.quantity], 1);
      }
      if (intent.kind === "transfer") return goodsLeavingFailure(intent.goodsId, intent.lines, 0);
      if (intent.kind === "revoke") {
        const { claimableAt, revoked } = productions.get(intent.productionId)!;
        const [error, args] = revoked
          ? ["ProductionAttestationRevoked", [intent.productionId]]
          : now >= claimableAt!
            ? ["ProductionChallengeWindowClosed", [intent.productionId, claimableAt]]
            : [];
        if (error) return [0, services.interface.encodeErrorResult(error, args)];
      }
      if (intent.kind === "cancel") {
        const { status } = offers.get(intent.offerId)!;
        if (status !== "open")
          return [
            0,
            tradeInterface.encodeErrorResult("TradeOfferNotOpen", [intent.offerId, OfferStatus[status]]),
          ];
      }
      return undefined;
    }

    /**
     * Why executing a payment or a dividend round fails, if it does: spending or setting aside
     * money set aside already. `eligible` is the number of citizens in its proposal's snapshot.
     */
    function moneyFailure(intent: Intent, eligible: number): Failure | undefined {
      if (intent.kind === "pay") {
        // Ether sent as an action's value: more than the zone holds fails the call itself; less,
        // but into the money set aside, fails the check after the actions.
        if (intent.amount > money.ether) return { error: "ZoneActionFailed", args: [0, "0x"] };
        const left = money.ether - intent.amount;
        if (left < money.reserved)
          return { error: "ZoneReservedFundsSpent", args: [ZeroAddress, money.reserved, left] };
      }
      if (intent.kind === "dividend") {
        const owed = intent.amountPerCitizen * BigInt(eligible);
        const free = money.ether - money.reserved;
        if (owed > free) {
          const data = zoneInterface.encodeErrorResult("ZoneInsufficientTreasury", [ZeroAddress, owed, free]);
          return { error: "ZoneActionFailed", args: [0, data] };
        }
      }
      return undefined;
    }

    /** A failure's name: the error of the failing action, if an action failed. */
    function failureName({ error, args }: Failure): string {
      if (error !== "ZoneActionFailed") return error;
      const data = args[1] as string;
      if (data === "0x") return "ether transfer failed";
      return (
        (
          tradeInterface.parseError(data) ??
          goodsInterface.parseError(data) ??
          zoneInterface.parseError(data) ??
          services.interface.parseError(data)
        )?.name ?? data
      );
    }

    /** Moves the model's goods and money as an executed proposal of A did, at block time `now`. */
    async function applyExecuted(intent: Intent, now: bigint, proposalId: bigint, electorate: Identity[]) {
      if (intent.kind === "pay") {
        money.ether -= intent.amount;
      } else if (intent.kind === "dividend") {
        money.reserved += intent.amountPerCitizen * BigInt(electorate.length);
        const id = BigInt(rounds.size + 1);
        expect(await zone.dividendRoundCount()).to.equal(id);
        const deadline = now + BigInt(intent.claimPeriod);
        const { amountPerCitizen } = intent;
        rounds.set(id, {
          id,
          proposalId,
          amountPerCitizen,
          electorate,
          claimed: new Set(),
          deadline,
          closed: false,
        });
        dividends.opened++;
      } else if (intent.kind === "reserve") {
        reserves.set(intent.goodsId, intent.amount);
        trades.reserves++;
      } else if (intent.kind === "offer") {
        const id = await trade.offerCount();
        const total = intent.quantity * intent.pricePerUnit;
        offers.set(id, { ...intent, id, total, status: "open" });
        moveGoods(intent.goodsId, intent.quantity, "zone", "escrow");
        trades.exports++;
      } else if (intent.kind === "cancel") {
        const offer = offers.get(intent.offerId)!;
        offer.status = "cancelled";
        moveGoods(offer.goodsId, offer.quantity, "escrow", "zone");
        trades.cancelled++;
      } else if (intent.kind === "revoke") {
        productions.get(intent.productionId)!.revoked = true;
        rewarding.revoked++;
      } else if (intent.kind === "transfer") {
        moveGoods(
          intent.goodsId,
          intent.lines.reduce((sum, line) => sum + line, 0n),
          "zone",
          intent.to,
        );
        trades.transfers++;
      }
    }

    function moveGoods(
      id: bigint,
      quantity: bigint,
      from: "zone" | "escrow",
      to: "zone" | "buyer" | "escrow" | "away",
    ) {
      const holdings = held.get(id)!;
      holdings[from] -= quantity;
      holdings[to] += quantity;
    }

    /** The next block's timestamp, fixed, so that expiries are predicted exactly. */
    async function fixNextTimestamp(): Promise<bigint> {
      const now = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(now);
      return now;
    }

    /**
     * Mines the block whose timestamp was fixed: a transaction expected to revert fails in gas
     * estimation, is never mined, and would leave the fixed timestamp to some later transaction.
     */
    async function afterRevert() {
      await networkHelpers.mine();
    }

    const actions: Record<string, () => Promise<void>> = {
      async requestAdmission() {
        if (members.length + pending.length >= MAX_MEMBERS)
          return void log.push("requestAdmission: cap reached");
        const newcomer = new Identity(`zonedao-adversarial-newcomer-${members.length + pending.length}`);
        const request = await requestAdmissions(zone, world.registrar, [newcomer.commitment]);
        expect(request.admitted, "no admission is immediate after the founding").to.equal(false);
        pending.push({ ...request, newcomer });
        log.push(`requestAdmission #${request.requestId}: ready at ${request.readyAt}`);
      },
      async admit() {
        const request = pending[0];
        if (!request) return void log.push("admit: nothing pending");
        const commitments = [request.newcomer.commitment];
        const now = await fixNextTimestamp();
        const admitting = admissions.admit(world.zoneAddress, request.requestId, commitments);
        if (now < request.readyAt) {
          await expect(admitting).to.be.revertedWithCustomError(admissions, "AdmissionsNotReady");
          await afterRevert();
          return void log.push(`admit #${request.requestId}: not ready`);
        }
        await (await admitting).wait();
        pending.shift();
        members.push(request.newcomer);
        log.push(`admit #${request.requestId}: member #${members.length - 1}`);
      },
      async deposit() {
        // Mostly a little; sometimes enough to refill what dividends and payments took.
        const value =
          random.next() < 0.8 ? BigInt(1 + random.int(1e9)) : BigInt(5 + random.int(26)) * 10n ** 16n;
        await (
          await random.pick(signers.slice(3, 8)).sendTransaction({ to: world.zoneAddress, value })
        ).wait();
        money.ether += value;
        log.push(`deposit ${value}`);
      },
      async propose() {
        if (proposals.size >= MAX_PROPOSALS) return void log.push("propose: cap reached");
        const epoch = await zone.currentProposalEpoch();
        const author = random.int(members.length);
        const slot = [0n, 1n].find((s) => !usedProposalSlots.has(`${epoch}:${author}:${s}`));
        if (slot === undefined) return void log.push("propose: author has no slot left");
        const { intent, actions: planned, what } = await planProposal();
        const options = [planned];
        const proof = await proveProposal(members[author]!, await rebuildGroup(zone), {
          chainId: world.chainId,
          zone: world.zoneAddress,
          epoch,
          slot,
          options,
          description: `random proposal ${proposals.size + 1}`,
        });
        await (await zone.propose(options, `random proposal ${proposals.size + 1}`, proof)).wait();
        usedProposalSlots.add(`${epoch}:${author}:${slot}`);
        const id = await zone.proposalCount();
        proposals.set(id, { voters: [...members], tally: [0n, 0n, 0n], actions: planned, intent });
        log.push(`propose ${id} by #${author} (${what})`);
      },
      async vote() {
        const active = [];
        for (const id of proposals.keys()) if ((await stateOf(id)) === State.Active) active.push(id);
        if (active.length === 0 || (proofs.size > 0 && random.next() < 0.2)) {
          // Replay a known proof somewhere, maybe where it is valid and unused.
          if (proofs.size === 0) return void log.push("vote: nothing to replay");
          const vote = random.pick([...proofs.values()]);
          const target = random.next() < 0.5 ? vote.proposalId : random.pick([...proposals.keys()]);
          return submit({ ...vote, proposalId: target }, `replay ${vote.proposalId}->${target}`);
        }
        const id = random.pick(active);
        const model = proposals.get(id)!;
        // Mostly a citizen who has not voted on it yet, so that proposals reach quorum and execute.
        const fresh = model.voters.flatMap((_, i) => (proofs.has(`${id}:${i}`) ? [] : [i]));
        const voter =
          fresh.length > 0 && random.next() < 0.8 ? random.pick(fresh) : random.int(model.voters.length);
        const key = `${id}:${voter}`;
        let vote = proofs.get(key);
        if (!vote) {
          if (proofs.size >= MAX_VOTE_PROOFS) return void log.push("vote: proof cap reached");
          model.group ??= await rebuildGroup(zone, { untilProposal: id });
          const roll = random.next(); // mostly For, so some proposals pass and execute
          const option = roll < 0.7 ? VoteOption.For : roll < 0.9 ? VoteOption.Against : VoteOption.Abstain;
          const context = { chainId: world.chainId, zone: world.zoneAddress, proposalId: id, option };
          vote = asVote(await proveVote(model.voters[voter]!, model.group, context));
          proofs.set(key, vote);
        }
        return submit(vote, `vote ${id} by #${voter}`);
      },
      async queue() {
        for (const id of proposals.keys()) {
          if ((await stateOf(id)) !== State.Succeeded) continue;
          const { voteEnd } = await zone.getProposal(id);
          const now = await fixNextTimestamp();
          if (now > voteEnd + BigInt(SEQUENCE_RULES.executionWindow)) {
            // The window after its vote closes as the block is made: no one may queue it any more.
            await expect(zone.queue(id))
              .to.be.revertedWithCustomError(zone, "ZoneUnexpectedProposalState")
              .withArgs(id, EXPIRED);
            await afterRevert();
            return void log.push(`queue ${id}: expired`);
          }
          await (await zone.queue(id)).wait();
          queued.add(id);
          return void log.push(`queue ${id}`);
        }
        log.push("queue: none succeeded");
      },
      async execute() {
        for (const [id, model] of proposals) {
          if ((await stateOf(id)) !== State.Queued) continue;
          const { eta } = await zone.getProposal(id);
          const now = await fixNextTimestamp();
          if (now > eta + BigInt(SEQUENCE_RULES.executionWindow)) {
            await afterRevert(); // expired since the state was read
            continue;
          }
          if (now < eta) {
            await expect(zone.execute(id, model.actions)).to.be.revertedWithCustomError(
              zone,
              "ZoneTimelockNotOver",
            );
            await afterRevert();
            continue;
          }
          const actionFailure = expectedFailure(model.intent, now);
          const failure: Failure | undefined = actionFailure
            ? { error: "ZoneActionFailed", args: actionFailure }
            : moneyFailure(model.intent, model.voters.length);
          if (failure) {
            // A refused export, payment or round (or a cancellation of a closed offer) undoes the
            // whole proposal.
            await expect(zone.execute(id, model.actions))
              .to.be.revertedWithCustomError(zone, failure.error)
              .withArgs(...failure.args);
            await afterRevert();
            const reason = failureName(failure);
            if (reason === "GoodsReserveBreached") refused.add(id);
            if (model.intent.kind === "dividend") dividends.refused++;
            log.push(`execute ${id}: refused (${reason})`);
            continue;
          }
          await (await zone.execute(id, model.actions)).wait();
          await applyExecuted(model.intent, now, id, model.voters);
          executed.add(id);
          await expect(zone.execute(id, model.actions))
            .to.be.revertedWithCustomError(zone, "ZoneUnexpectedProposalState")
            .withArgs(id, State.Executed);
          return void log.push(`execute ${id}`);
        }
        log.push("execute: none ready");
      },
      async produce() {
        if (trades.produced >= MAX_PRODUCTIONS) return void log.push("produce: cap reached");
        const product = random.pick(PRODUCTS);
        const amount = BigInt(1 + random.int(60));
        const recyclableBps = random.int(10_001);
        const actions = [[produceGoods(goodsAddress, product, amount, recyclableBps)]];
        await passProposal(farm, actions, `Harvest ${amount} ${product}`, { voters: [FARMER] });
        productions.set(BigInt(productions.size), { amount, recyclableBps, revoked: false, rewarded: false });
        held.get(goodsIds[PRODUCTS.indexOf(product)]!)!.zone += amount;
        trades.produced++;
        log.push(`produce ${amount} ${product}`);
      },
      /** The inspector (or, at times, an impostor) attests a production: known or not, attested or not. */
      async attest() {
        const productionId = BigInt(random.int(productions.size + 1));
        const byImpostor = random.next() < 0.2;
        const signer = byImpostor ? impostor : inspector;
        const now = await fixNextTimestamp();
        const attesting = services.connect(signer).attestProduction(productionId);
        const production = productions.get(productionId);
        const refusal = !production
          ? "GoodsUnknownProduction"
          : byImpostor
            ? "ProductionCallerIsNotTheInspector"
            : production.claimableAt !== undefined
              ? "ProductionAlreadyAttested"
              : undefined;
        if (refusal) {
          await expect(attesting).to.be.revertedWithCustomError(
            refusal === "GoodsUnknownProduction" ? goods : services,
            refusal,
          );
          await afterRevert();
          rewarding.refused++;
          return void log.push(`attest ${productionId}: refused (${refusal})`);
        }
        await (await attesting).wait();
        production!.claimableAt = now + CHALLENGE_WINDOW;
        rewarding.attested++;
        log.push(`attest ${productionId}`);
      },
      /** Anyone claims a production's reward: refused unless attested, unrevoked, past its window, unpaid, within budget. */
      async claimReward() {
        const productionId = BigInt(random.int(productions.size));
        const production = productions.get(productionId)!;
        const now = await fixNextTimestamp();
        const claiming = services.connect(impostor).claimReward(productionId);
        const reward = rewardFor(REWARD_RULE, production.amount, production.recyclableBps);
        const period = (now - ruleStart) / BigInt(REWARD_RULE.periodLength);
        const paid = rewardsPaid.get(period) ?? 0n;
        const refusal =
          production.claimableAt === undefined
            ? "ProductionNotAttested"
            : production.revoked
              ? "ProductionAttestationRevoked"
              : now < production.claimableAt
                ? "ProductionChallengeWindowOpen"
                : production.rewarded
                  ? "ProductionAlreadyRewarded"
                  : reward === 0n
                    ? "ProductionNoReward"
                    : paid + reward > REWARD_RULE.budgetPerPeriod
                      ? "ProductionRewardBudgetExhausted"
                      : undefined;
        if (refusal || reward > dollars.zone) {
          if (refusal) await expect(claiming).to.be.revertedWithCustomError(services, refusal);
          else await expect(claiming).to.be.revertedWithCustomError(zone, "ZoneInsufficientTreasury");
          await afterRevert();
          rewarding.refused++;
          return void log.push(
            `claim reward ${productionId}: refused (${refusal ?? "ZoneInsufficientTreasury"})`,
          );
        }
        await (await claiming).wait();
        production.rewarded = true;
        rewardsPaid.set(period, paid + reward);
        dollars.zone -= reward;
        dollars.farm += reward;
        rewarding.rewarded++;
        log.push(`claim reward ${productionId}: ${reward}`);
      },
      async buy() {
        if (purchases >= MAX_PURCHASES) return void log.push("buy: cap reached");
        const all = [...offers.values()];
        const open = all.filter(
          (offer) => offer.status === "open" && [ZeroAddress, buyer.zoneAddress].includes(offer.buyer),
        );
        if (all.length === 0) return void log.push("buy: no offer");
        // Mostly an offer B may take; sometimes any, closed or named for another zone.
        const offer = open.length > 0 && random.next() < 0.8 ? random.pick(open) : random.pick(all);
        purchases++;
        const { proposalId, actions } = await queuePassedProposal(
          buyer,
          [
            acceptOffer({
              trade: tradeAddress,
              paymentToken: stablecoinAddress,
              total: offer.total,
              offerId: offer.id,
            }),
          ],
          `Buy offer ${offer.id}`,
          { voters: [BUYER] },
        );
        const now = await fixNextTimestamp();
        const failure =
          offer.status !== "open"
            ? tradeInterface.encodeErrorResult("TradeOfferNotOpen", [offer.id, OfferStatus[offer.status]])
            : now >= offer.expiry
              ? tradeInterface.encodeErrorResult("TradeOfferExpired", [offer.id, offer.expiry])
              : ![ZeroAddress, buyer.zoneAddress].includes(offer.buyer)
                ? tradeInterface.encodeErrorResult("TradeNotTheNamedBuyer", [offer.id, buyer.zoneAddress])
                : undefined;
        if (failure) {
          await expect(buyer.zone.execute(proposalId, actions))
            .to.be.revertedWithCustomError(buyer.zone, "ZoneActionFailed")
            .withArgs(1, failure);
          await afterRevert();
          return void log.push(`buy offer ${offer.id}: refused (${errorName(failure)})`);
        }
        await (await buyer.zone.execute(proposalId, actions)).wait();
        offer.status = "settled";
        moveGoods(offer.goodsId, offer.quantity, "escrow", "buyer");
        dollars.buyer -= offer.total;
        dollars.zone += offer.total;
        trades.sold++;
        log.push(`buy offer ${offer.id}`);
      },
      async reclaim() {
        const open = [...offers.values()].filter((offer) => offer.status === "open");
        if (open.length === 0) return void log.push("reclaim: no open offer");
        const offer = random.pick(open);
        const now = await fixNextTimestamp();
        // Anyone may return an expired offer's goods; before expiry no one may.
        const reclaim = trade.connect(random.pick(signers.slice(3, 8))).reclaimExpired(offer.id);
        if (now < offer.expiry) {
          await expect(reclaim)
            .to.be.revertedWithCustomError(trade, "TradeOfferNotExpired")
            .withArgs(offer.id, offer.expiry);
          await afterRevert();
          return void log.push(`reclaim offer ${offer.id}: not expired`);
        }
        await (await reclaim).wait();
        offer.status = "expired";
        moveGoods(offer.goodsId, offer.quantity, "escrow", "zone");
        trades.reclaimed++;
        log.push(`reclaim offer ${offer.id}`);
      },
      async claim() {
        if (rounds.size === 0) return void log.push("claim: no round");
        const round = random.pick([...rounds.values()]);
        // Mostly a citizen of the round's electorate who has not claimed; else any member: one who
        // claimed already, or one admitted after the round's vote (members are only ever added, so
        // the electorate is the first members).
        const fresh = round.electorate.flatMap((_, i) => (round.claimed.has(i) ? [] : [i]));
        const claimant =
          fresh.length > 0 && random.next() < 0.75 ? random.pick(fresh) : random.int(members.length);
        const inElectorate = claimant < round.electorate.length;
        const key = `${round.id}:${claimant}`;
        let proof = claimProofs.get(key);
        if (!proof) {
          if (claimProofs.size >= MAX_CLAIM_PROOFS) return void log.push("claim: proof cap reached");
          if (!round.group) {
            round.group = await rebuildGroup(zone, { untilDividendRound: round.id });
            const { snapshotRoot } = await zone.getProposal(round.proposalId);
            expect(round.group.root, `round ${round.id}'s group`).to.equal(snapshotRoot);
          }
          // A member admitted after the vote can only prove against the group as it is now.
          const group = inElectorate ? round.group : await rebuildGroup(zone);
          const recipient = await random.pick(signers.slice(8, 12)).getAddress();
          const context = { chainId: world.chainId, zone: world.zoneAddress, roundId: round.id, recipient };
          proof = await proveDividendClaim(members[claimant]!, group, context);
          claimProofs.set(key, proof);
        }
        const now = await fixNextTimestamp();
        const failure: Failure | undefined =
          now >= round.deadline
            ? { error: "ZoneDividendClaimPeriodOver", args: [round.id, round.deadline] }
            : round.claimed.size >= round.electorate.length
              ? { error: "ZoneDividendRoundExhausted", args: [round.id] }
              : round.claimed.has(claimant)
                ? { error: "ZoneNullifierAlreadyUsed", args: [proof.nullifier] }
                : !inElectorate
                  ? { error: "ZoneInvalidProof", args: [] }
                  : undefined;
        const what = `claim round ${round.id} by #${claimant}`;
        const claim = zone
          .connect(random.pick(signers.slice(3, 8)))
          .claimDividend(proof.roundId, proof.recipient, proof.nullifier, proof.points);
        if (failure) {
          await expect(claim, what)
            .to.be.revertedWithCustomError(zone, failure.error)
            .withArgs(...failure.args);
          await afterRevert();
          return void log.push(`${what}: refused (${failure.error})`);
        }
        await (await claim).wait();
        round.claimed.add(claimant);
        money.ether -= round.amountPerCitizen;
        money.reserved -= round.amountPerCitizen;
        dividends.claimed++;
        log.push(what);
      },
      async closeRound() {
        if (rounds.size === 0) return void log.push("close: no round");
        const round = random.pick([...rounds.values()]);
        const now = await fixNextTimestamp();
        // Anyone may close a round once its claim period is over, once.
        const close = zone.connect(random.pick(signers.slice(3, 8))).closeDividendRound(round.id);
        const failure: Failure | undefined = round.closed
          ? { error: "ZoneDividendRoundClosed", args: [round.id] }
          : now < round.deadline
            ? { error: "ZoneDividendClaimPeriodNotOver", args: [round.id, round.deadline] }
            : undefined;
        if (failure) {
          await expect(close)
            .to.be.revertedWithCustomError(zone, failure.error)
            .withArgs(...failure.args);
          await afterRevert();
          return void log.push(`close round ${round.id}: refused (${failure.error})`);
        }
        const returned = BigInt(round.electorate.length - round.claimed.size) * round.amountPerCitizen;
        await expect(close).to.emit(zone, "DividendRoundClosed").withArgs(round.id, ZeroAddress, returned);
        round.closed = true;
        money.reserved -= returned;
        dividends.closed++;
        log.push(`close round ${round.id}: ${returned} returned`);
      },
      async timeJump() {
        if (random.next() < 0.5) {
          // To the next deadline (a vote's end, a timelock's end, an offer's expiry), so that the
          // sequence reaches the states after it instead of waiting for a jump of the right size.
          const now = BigInt(await time.latest());
          const deadlines = [...offers.values()].flatMap((offer) =>
            offer.status === "open" ? [offer.expiry] : [],
          );
          for (const round of rounds.values()) if (!round.closed) deadlines.push(round.deadline);
          for (const request of pending) deadlines.push(request.readyAt);
          for (const id of proposals.keys()) {
            const { voteEnd, eta } = await zone.getProposal(id);
            // The last second to queue it, too: the sequence then sees passed proposals lapse.
            deadlines.push(voteEnd, eta, voteEnd + BigInt(SEQUENCE_RULES.executionWindow));
          }
          const next = deadlines.filter((deadline) => deadline > now).sort((a, b) => (a < b ? -1 : 1))[0];
          if (next !== undefined) {
            const to = next + BigInt(random.int(3));
            await time.increaseTo(to);
            return void log.push(`time +${to - now} (to a deadline)`);
          }
        }
        const seconds = random.pick([60, 300, 600, 900, 1200, 1800, 3600, 86_400]);
        await time.increase(seconds);
        log.push(`time +${seconds}`);
      },
    };

    /** Submits a vote alone or in a batch with a forged copy, and checks it counted iff the model says so. */
    async function submit(vote: Vote, what: string) {
      const model = proposals.get(vote.proposalId)!;
      const own = [...proofs.values()].some(
        (p) => p.nullifier === vote.nullifier && p.proposalId === vote.proposalId,
      );
      // Whether the vote is open at the very block it lands in, not at whatever time a view call sees.
      const { voteStart, voteEnd } = await zone.getProposal(vote.proposalId);
      const now = await fixNextTimestamp();
      const active = voteStart <= now && now < voteEnd;
      const shouldCount = own && !counted.has(vote.nullifier) && active;
      if (random.next() < 0.5) {
        const tx = castVote(zone, vote);
        if (shouldCount) await (await tx).wait();
        else {
          const error = !active
            ? "ZoneUnexpectedProposalState"
            : counted.has(vote.nullifier)
              ? "ZoneNullifierAlreadyUsed"
              : "ZoneInvalidProof";
          await expect(tx, what).to.be.revertedWithCustomError(zone, error);
          await afterRevert();
        }
      } else {
        // A forged vote beside it, before or after, under another nullifier or under its own: a
        // forged copy must neither count nor keep the valid vote from counting.
        const sameNullifier = random.next() < 0.5;
        const forged = {
          ...vote,
          nullifier: sameNullifier ? vote.nullifier : vote.nullifier + 1n,
          points: [...vote.points] as Vote["points"],
        };
        forged.points[7] = (forged.points[7] + 1n) % BN254_Q;
        if (!sameNullifier) forgedNullifiers.push(forged.nullifier);
        const batch = random.next() < 0.5 ? [forged, vote] : [vote, forged];
        const receipt = await (await zone.castVotes(batch)).wait();
        const casts = receipt!.logs.filter(
          (l) => l.topics[0] === zone.interface.getEvent("VoteCast").topicHash,
        );
        expect(casts.length, what).to.equal(shouldCount ? 1 : 0);
      }
      if (shouldCount) {
        counted.add(vote.nullifier);
        model.tally[Number(vote.option)]! += 1n;
      }
      log.push(`${what}: ${shouldCount ? "counted" : "rejected"}`);
    }

    const weighted: [string, number][] = [
      ["requestAdmission", 1],
      ["admit", 1],
      ["deposit", 1],
      ["propose", 3],
      ["vote", 8],
      ["queue", 3],
      ["execute", 3],
      ["timeJump", 3],
      ["produce", 1],
      ["attest", 1],
      ["claimReward", 3],
      ["buy", 2],
      ["reclaim", 1],
      ["claim", 3],
      ["closeRound", 1],
    ];
    const totalWeight = weighted.reduce((sum, [, w]) => sum + w, 0);
    const started = Date.now();
    for (let step = 0; step < STEPS; step++) {
      let roll = random.int(totalWeight);
      const [name] = weighted.find(([, w]) => (roll -= w) < 0)!;
      try {
        await actions[name]!();
        await checkInvariants(step);
      } catch (error) {
        console.log(`      step ${step} (${name}) failed (seed ${SEED}) after: ${log.slice(-12).join("; ")}`);
        throw error;
      }
    }
    let lapsed = 0;
    for (const id of proposals.keys()) if (!queued.has(id) && (await stateOf(id)) === EXPIRED) lapsed++;
    console.log(
      `      ${STEPS} steps in ${((Date.now() - started) / 1000).toFixed(1)} s: ${proposals.size} proposals, ` +
        `${proofs.size} vote proofs, ${counted.size} votes counted, ${executed.size} executed, ` +
        `${lapsed} expired unqueued; dividends: ${dividends.opened} rounds opened, ${dividends.refused} refused, ` +
        `${dividends.claimed} claims, ${dividends.closed} closed; trade: ` +
        `${trades.produced} productions, ${trades.reserves} reserves set, ${trades.exports} exports, ` +
        `${trades.transfers} plain transfers, ${refused.size} refused for the reserve, ${trades.sold} sold, ` +
        `${trades.cancelled} cancelled, ${trades.reclaimed} reclaimed; rewards: ${rewarding.attested} attested, ` +
        `${rewarding.revoked} revoked, ${rewarding.rewarded} paid, ${rewarding.refused} refused`,
    );
    console.log(`      ${log.join("; ")}`);
  });
});
