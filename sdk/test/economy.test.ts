/**
 * The economy readers (sdk/economy.ts) on the demo's world (scripts/demo.ts seedDemo: services, the
 * farm DAO and its grain, a reserve and a settled trade, all made by passed proposals with real
 * proofs), built on the tests' Hardhat chain and read back as a citizen's app reads it.
 */
import { expect } from "chai";
import { JsonRpcProvider, ZeroAddress, getAddress, parseEther } from "ethers";
import { goodsId, offerGoods } from "../actions.js";
import { VoteOption } from "../constants.js";
import { zoneAt, zoneFactoryAt } from "../contracts.js";
import {
  claimServiceBudget,
  offersOfZone,
  offersOpenTo,
  readGoods,
  readInternalDaos,
  readServices,
  readTradeOffers,
} from "../economy.js";
import { ZoneGoods__factory, ZoneServices__factory, ZoneTrade__factory } from "../contracts.js";
import {
  DEMO_ACCOUNTS,
  Seeder,
  hardhatAccount,
  seedDemo,
  type DemoWorld,
  type DemoZone,
} from "../../scripts/demo.js";
import { startRpcBridge, type RpcBridge } from "../../test/rpc-bridge.js";

const DAY = 86_400;
const usdz = (amount: number) => parseEther(String(amount));

describe("economy readers (on the demo's world)", function () {
  this.timeout(600_000);
  let bridge: RpcBridge;
  let provider: JsonRpcProvider;
  let world: DemoWorld;
  let riverside: string;
  let farm: string;
  let hillside: string;
  let modules: { services: string; goods: string; trade: string };
  let fromBlock: number;

  before(async function () {
    bridge = await startRpcBridge();
    provider = new JsonRpcProvider(bridge.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    world = await seedDemo(provider, () => undefined);
    [riverside, farm, hillside] = world.zones.map((zone) => zone.address) as [string, string, string];
    const factory = zoneFactoryAt(world.deployment.zoneFactory, provider);
    modules = {
      services: await factory.SERVICES(),
      goods: await factory.GOODS(),
      trade: await factory.TRADE(),
    };
    fromBlock = world.deployment.blockNumber;
  });

  after(async function () {
    provider?.destroy();
    await bridge?.close();
  });

  describe("readServices", function () {
    it("lists Riverside's clinic with its budget, period, deciding proposal and the claim the demo made", async function () {
      const services = ZoneServices__factory.connect(modules.services, provider);
      const [clinic, lab, ...others] = await readServices(services, riverside, fromBlock);
      expect(others).to.deep.equal([]);
      // The materials lab, voted as the inspector of recyclable content with the reward rule.
      expect(lab).to.include({
        id: world.recycling.inspectorService,
        kind: "inspection",
        provider: hardhatAccount(DEMO_ACCOUNTS.materialsLab, provider).address,
        claimedThisPeriod: false,
        createdBy: 5n,
      });
      expect(clinic).to.include({
        id: 0n,
        kind: "healthcare",
        name: "Riverside clinic: primary care for every citizen",
        provider: hardhatAccount(DEMO_ACCOUNTS.healthcareProvider, provider).address,
        token: world.stablecoin,
        budgetPerPeriod: usdz(1_000),
        periodLength: BigInt(30 * DAY),
        currentPeriod: 0n,
        active: true,
        claimedThisPeriod: true,
        createdBy: 1n,
        authorizingProposal: 1n,
        endedBy: undefined,
      });
      expect(clinic!.updatedBy).to.deep.equal([]);
      expect(clinic!.claims.map(({ period, amount }) => ({ period, amount }))).to.deep.equal([
        { period: 0n, amount: usdz(1_000) },
      ]);
      expect(clinic!.nextPeriodAt).to.equal(clinic!.start + BigInt(30 * DAY));
    });

    it("reads only the zone's own services: Hillside has its school and the water service is not decided yet", async function () {
      const services = ZoneServices__factory.connect(modules.services, provider);
      const listed = await readServices(services, hillside, fromBlock);
      expect(listed.map(({ kind, claimedThisPeriod }) => ({ kind, claimedThisPeriod }))).to.deep.equal([
        { kind: "education", claimedThisPeriod: false },
      ]);
    });

    it("lets the provider claim its budget once a period, with what was paid and for which period", async function () {
      const provider4 = hardhatAccount(DEMO_ACCOUNTS.educationProvider, provider);
      const services = ZoneServices__factory.connect(modules.services, provider4);
      const claimed = await claimServiceBudget(services, hillside, 0n);
      expect(claimed).to.include({ serviceId: 0n, period: 0n, amount: usdz(800), token: world.stablecoin });
      const [school] = await readServices(services, hillside, fromBlock);
      expect(school!.claimedThisPeriod).to.equal(true);
      expect(school!.claims.map((claim) => claim.transactionHash)).to.deep.equal([claimed.transactionHash]);
      await expect(claimServiceBudget(services, hillside, 0n))
        .to.be.revertedWithCustomError(services, "ServicesAlreadyClaimed")
        .withArgs(hillside, 0n, 0n);
    });
  });

  describe("readInternalDaos", function () {
    it("lists Riverside Farm with its 10% income share and its three citizens", async function () {
      const daos = await readInternalDaos(zoneAt(riverside, provider), fromBlock);
      expect(
        daos.map(({ address, name, incomeShareBps, citizens }) => ({
          address,
          name,
          incomeShareBps,
          citizens,
        })),
      ).to.deep.equal([
        { address: getAddress(farm), name: "Riverside Farm", incomeShareBps: 1000n, citizens: 3n },
      ]);
      expect(await readInternalDaos(zoneAt(hillside, provider), fromBlock)).to.deep.equal([]);
    });
  });

  describe("readGoods", function () {
    const goodsOf = async (zone: string) =>
      readGoods(ZoneGoods__factory.connect(modules.goods, provider), zoneAt(zone, provider), fromBlock);

    it("shows Riverside's grain: 100 produced, 40 sold, 60 held, all of it the reserve", async function () {
      expect(await goodsOf(riverside)).to.deep.equal([
        {
          id: goodsId(farm, "grain"),
          product: "grain",
          producer: getAddress(farm),
          balance: 60n,
          reserve: 60n,
          surplus: 0n,
          produced: 100n,
          // Declared 85% recyclable (the demo's jute sacks).
          recyclableBps: 8_500n,
        },
      ]);
    });

    it("shows the 40 grain Hillside bought, with no reserve: all surplus", async function () {
      const [grain, ...others] = await goodsOf(hillside);
      expect(others).to.deep.equal([]);
      expect(grain).to.include({ product: "grain", balance: 40n, reserve: 0n, surplus: 40n, produced: 0n });
    });
  });

  describe("readTradeOffers", function () {
    it("shows the grain trade as accepted by Hillside, on both zones' lists", async function () {
      const offers = await readTradeOffers(ZoneTrade__factory.connect(modules.trade, provider), fromBlock);
      expect(offers).to.have.length(1);
      expect(offers[0]).to.include({
        id: 1n,
        seller: getAddress(riverside),
        buyer: getAddress(hillside),
        isGoods: true,
        goodsId: goodsId(farm, "grain"),
        quantity: 40n,
        paymentToken: world.stablecoin,
        pricePerUnit: usdz(5),
        total: usdz(200),
        status: "accepted",
        acceptedBy: getAddress(hillside),
      });
      expect(offersOfZone(offers, riverside)).to.have.length(1);
      expect(offersOfZone(offers, hillside)).to.have.length(1);
      expect(offersOpenTo(offers, hillside)).to.deep.equal([]);
    });

    it("lists a new offer to any zone among other zones' open offers, then as expired once its time is over", async function () {
      const trade = ZoneTrade__factory.connect(modules.trade, provider);
      const deployer = hardhatAccount(DEMO_ACCOUNTS.deployer, provider);
      const seeder = new Seeder(provider, deployer, (await provider.getNetwork()).chainId, () => undefined);
      const hill: DemoZone = {
        name: "Hillside",
        address: hillside,
        zone: zoneAt(hillside, deployer),
        citizens: ["Ana", "Ema", "Finn", "Gus"],
      };
      const expiry = (await seeder.now()) + 20 * DAY;
      const offer = await seeder.propose(
        hill,
        [
          offerGoods({
            zone: hillside,
            trade: modules.trade,
            goods: modules.goods,
            goodsId: goodsId(farm, "grain"),
            quantity: 10n,
            paymentToken: world.stablecoin,
            pricePerUnit: usdz(6),
            buyer: ZeroAddress,
            expiry,
          }),
        ],
        "Offer 10 grain to any zone at 6 USDz each",
      );
      await seeder.vote(offer, VoteOption.For, ["Ema", "Finn", "Gus"]);
      await seeder.enact([offer]);

      const offers = await readTradeOffers(trade, fromBlock);
      const posted = offers.find((each) => each.id === 2n);
      expect(posted).to.include({
        seller: getAddress(hillside),
        buyer: undefined,
        quantity: 10n,
        total: usdz(60),
        status: "open",
        expiry: BigInt(expiry),
        sellerProposal: offer.id,
      });
      expect(offersOpenTo(offers, riverside).map((each) => each.id)).to.deep.equal([2n]);
      expect(offersOpenTo(offers, farm).map((each) => each.id)).to.deep.equal([2n]);
      expect(offersOpenTo(offers, hillside), "its own offer").to.deep.equal([]);
      expect(offersOfZone(offers, hillside).map((each) => each.id)).to.deep.equal([1n, 2n]);
      const [grain] = await readGoods(
        ZoneGoods__factory.connect(modules.goods, provider),
        zoneAt(hillside, provider),
        fromBlock,
      );
      expect(grain, "the 10 offered wait in escrow").to.include({ balance: 30n, surplus: 30n });

      await provider.send("evm_increaseTime", [20 * DAY]);
      await provider.send("evm_mine", []);
      const later = await readTradeOffers(trade, fromBlock);
      expect(later.find((each) => each.id === 2n)?.status).to.equal("expired");
      expect(offersOpenTo(later, riverside)).to.deep.equal([]);
    });

    it("offers to a zone only what is open and not its own: to any zone, or to it by name", async function () {
      const [settled] = await readTradeOffers(ZoneTrade__factory.connect(modules.trade, provider), fromBlock);
      const open = { ...settled!, status: "open" as const, acceptedBy: undefined };
      expect(offersOpenTo([open], hillside)).to.deep.equal([open]);
      expect(offersOpenTo([open], farm), "offered to Hillside by name").to.deep.equal([]);
      expect(offersOpenTo([open], riverside), "its own offer").to.deep.equal([]);
      const toAnyZone = { ...open, buyer: undefined };
      expect(offersOpenTo([toAnyZone], farm)).to.deep.equal([toAnyZone]);
      expect(offersOpenTo([{ ...toAnyZone, status: "expired" as const }], farm)).to.deep.equal([]);
    });
  });
});
