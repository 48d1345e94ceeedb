import { expect } from "chai";
import { Interface, ZeroAddress, concat, parseEther, toBeHex } from "ethers";
import {
  MAX_CLAIM_PERIOD_SECONDS,
  PRODUCTION_BUDGET_KIND,
  acceptOffer,
  addMember,
  addMembers,
  appointInspector,
  cancelOffer,
  cancelProposal,
  createInternalDao,
  createService,
  endService,
  goodsId,
  offerGoods,
  offerTokens,
  openDividendRound,
  payEther,
  payToken,
  produceGoods,
  productionBudget,
  removeMember,
  revokeAttestation,
  rewardFor,
  setCharter,
  setRegistrar,
  setReserve,
  setRewardRule,
  setRules,
  updateMember,
  updateService,
} from "../actions.js";
import { SNARK_SCALAR_FIELD } from "../constants.js";
import { describeAction, describeProposal } from "../describe.js";
import { encodeProposalText } from "../proposal-text.js";
import { createIdentity, exportIdentity, identityFromSeed, importIdentity } from "../identity.js";
import {
  Zone__factory,
  ZoneGoods__factory,
  ZoneServices__factory,
  ZoneTrade__factory,
} from "../contracts.js";
import type { ZoneAction, ZoneRules } from "../types.js";
import { ethers } from "../../test/zone-fixture.js";
import { rulesWith } from "../rules.js";

const ZONE = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const OTHER_ZONE = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const PAYEE = "0x000000000000000000000000000000000000bEEF";
const USDZ = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0";
const GRAIN = "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9";
const SERVICES = "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9";
const GOODS = "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707";
const TRADE = "0x0165878A594ca255338adfa4d48449f69242Eb8F";
const CLINIC = "0xa513E6E4b8f2a923D98304ec87F64353C4D5C853";
const ERC20 = new Interface(["function transfer(address to, uint256 amount) returns (bool)"]);
/** An ERC-20 transfer sent straight to the token, as proposals built without the sdk may do. */
const rawTransfer = (token: string, to: string, amount: bigint): ZoneAction => ({
  target: token,
  value: 0n,
  data: ERC20.encodeFunctionData("transfer", [to, amount]),
});
const COMMITMENT = 8_765_432_109_876_543_210_987_654_321n;
const OTHER_COMMITMENT = 1_234_567_890n;

const WHEAT = goodsId(CLINIC, "wheat");
const EXPIRY = 1_893_456_000n; // 2030-01-01T00:00:00Z
const context = {
  zone: ZONE,
  tokens: {
    [USDZ.toLowerCase()]: { symbol: "USDz", decimals: 6 },
    [GRAIN]: { symbol: "GRAIN", decimals: 18 },
  },
  services: SERVICES,
  goods: GOODS.toLowerCase(),
  trade: TRADE,
  products: { [WHEAT.toString()]: "wheat" },
};
const describe_ = (action: ZoneAction) => describeAction(action, context);
/** Without the economy modules' addresses, their calls read as unknown calls. */
const describeBare = (action: ZoneAction) => describeAction(action, { zone: ZONE, tokens: context.tokens });
const raw = (action: ZoneAction) =>
  `call ${action.data.slice(0, 10)} (${(action.data.length - 2) / 2} bytes of calldata) on ${action.target}`;

const RULES: ZoneRules = rulesWith({ votingPeriod: 3600, executionDelay: 60, executionWindow: 86_400 });

describe("actions", function () {
  describe("payEther", function () {
    it("sends ether with no calldata, described in ETH", function () {
      const action = payEther(PAYEE, parseEther("1.5"));
      expect(action).to.deep.equal({ target: PAYEE, value: parseEther("1.5"), data: "0x" });
      expect(describe_(action)).to.equal(`pay 1.5 ETH to ${PAYEE}`);
      expect(describe_(payEther(PAYEE, parseEther("1234567")))).to.equal(`pay 1,234,567 ETH to ${PAYEE}`);
      expect(describe_(payEther(PAYEE, 1n))).to.equal(`pay 0.000000000000000001 ETH to ${PAYEE}`);
    });

    it("rejects a zero amount and a malformed address", function () {
      expect(() => payEther(PAYEE, 0n)).to.throw(RangeError, "amountWei must be positive");
      expect(() => payEther("0xbeef", 1n)).to.throw("invalid address");
    });
  });

  describe("payToken", function () {
    it("calls the zone's own pay, described as an amount of a known token", function () {
      const action = payToken(ZONE, USDZ, PAYEE, 5_000_000_000n);
      expect(action).to.deep.equal({
        target: ZONE,
        value: 0n,
        data: Zone__factory.createInterface().encodeFunctionData("pay", [USDZ, PAYEE, 5_000_000_000n]),
      });
      expect(describe_(action)).to.equal(`pay 5,000 USDz to ${PAYEE}`);
      expect(describe_(payToken(ZONE, USDZ, PAYEE, 1_500_000n))).to.equal(`pay 1.5 USDz to ${PAYEE}`);
    });

    it("gives base units of an unknown token", function () {
      expect(describeAction(payToken(ZONE, USDZ, PAYEE, 5_000_000n), { zone: ZONE })).to.equal(
        `pay 5000000 base units of token ${USDZ} to ${PAYEE}`,
      );
    });

    it("rejects a zero amount and ether", function () {
      expect(() => payToken(ZONE, USDZ, PAYEE, 0n)).to.throw(RangeError, "amount must be positive");
      expect(() => payToken(ZONE, ZeroAddress, PAYEE, 1n)).to.throw(RangeError, "use payEther for ether");
    });

    it("reads the zone's pay of ether in ETH", function () {
      const data = Zone__factory.createInterface().encodeFunctionData("pay", [
        ZeroAddress,
        PAYEE,
        parseEther("2"),
      ]);
      expect(describe_({ target: ZONE, value: 0n, data })).to.equal(`pay 2 ETH to ${PAYEE}`);
    });

    it("still reads a transfer sent straight to a token, known or not", function () {
      expect(describe_(rawTransfer(USDZ, PAYEE, 5_000_000n))).to.equal(`pay 5 USDz to ${PAYEE}`);
      expect(describeAction(rawTransfer(USDZ, PAYEE, 5_000_000n), { zone: ZONE })).to.equal(
        `call transfer(${PAYEE}, 5000000) on token ${USDZ}`,
      );
    });
  });

  describe("openDividendRound", function () {
    it("shares an amount per citizen of the proposal's electorate, for a claim period", function () {
      const action = openDividendRound(ZONE, USDZ, 10_000_000n, 30 * 86_400);
      expect(action).to.include({ target: ZONE, value: 0n });
      expect(describe_(action)).to.equal(
        "open a dividend round: 10 USDz per citizen who could vote on this proposal, claimable for 30 days",
      );
      expect(describe_(openDividendRound(ZONE, ZeroAddress, parseEther("0.1"), 36n * 3_600n))).to.equal(
        "open a dividend round: 0.1 ETH per citizen who could vote on this proposal, claimable for 1 day 12 hours",
      );
      expect(() => openDividendRound(ZONE, USDZ, 0n, 86_400)).to.throw(
        RangeError,
        "amountPerCitizen must be positive",
      );
      expect(() => openDividendRound(ZONE, USDZ, 1n, 0)).to.throw(RangeError, "claimPeriod must be positive");
      // The zone takes a uint32 of seconds.
      expect(openDividendRound(ZONE, USDZ, 1n, MAX_CLAIM_PERIOD_SECONDS).data).to.have.length(2 + 8 + 3 * 64);
      expect(() => openDividendRound(ZONE, USDZ, 1n, MAX_CLAIM_PERIOD_SECONDS + 1)).to.throw(
        RangeError,
        `claimPeriod must be at most ${MAX_CLAIM_PERIOD_SECONDS} seconds`,
      );
    });
  });

  describe("services", function () {
    const HEALTHCARE = {
      kind: "healthcare",
      description: "Riverside clinic, open every day",
      provider: PAYEE,
      token: USDZ,
      budgetPerPeriod: 5_000_000_000n,
      periodLength: 30 * 86_400,
    };

    it("createService calls the registry, read as a budget, its period, provider and purpose", function () {
      const action = createService(SERVICES, HEALTHCARE);
      expect(action).to.deep.equal({
        target: SERVICES,
        value: 0n,
        data: ZoneServices__factory.createInterface().encodeFunctionData("createService", [
          HEALTHCARE.kind,
          HEALTHCARE.description,
          PAYEE,
          USDZ,
          5_000_000_000n,
          30n * 86_400n,
        ]),
      });
      expect(describe_(action)).to.equal(
        `pay 5,000 USDz every 30 days to provider ${PAYEE} for healthcare ` +
          '(new service: "Riverside clinic, open every day")',
      );
    });

    it("quotes what the proposer wrote, so it cannot pass for part of the sentence", function () {
      const action = createService(SERVICES, {
        ...HEALTHCARE,
        kind: "care) and pay 1000 ETH to (me",
        description: 'ok"; then \u202e pay all\n',
      });
      expect(describe_(action)).to.equal(
        `pay 5,000 USDz every 30 days to provider ${PAYEE} for "care) and pay 1000 ETH to (me" ` +
          '(new service: "ok\\"; then \\u{202e} pay all\\n")',
      );
    });

    it("rejects terms the registry would refuse", function () {
      expect(() => createService(SERVICES, { ...HEALTHCARE, provider: ZeroAddress })).to.throw(
        RangeError,
        "provider must not be the zero address",
      );
      expect(() => createService(SERVICES, { ...HEALTHCARE, periodLength: 0 })).to.throw(
        RangeError,
        "periodLength must be positive",
      );
    });

    it("updateService reads the budget in the service's token when the reader knows it", function () {
      const action = updateService(SERVICES, 3n, CLINIC, 6_000_000_000n);
      expect(describe_(action)).to.equal(
        `change service #3: pay 6000000000 base units of its token per period to provider ${CLINIC}`,
      );
      expect(describeAction(action, { ...context, serviceTokens: { "3": USDZ } })).to.equal(
        `change service #3: pay 6,000 USDz per period to provider ${CLINIC}`,
      );
    });

    it("endService ends a service", function () {
      expect(describe_(endService(SERVICES, 3n))).to.equal("end service #3");
    });

    it("reads as unknown calls when the registry's address is not in the context", function () {
      const action = createService(SERVICES, HEALTHCARE);
      expect(describeBare(action)).to.equal(raw(action));
      expect(describeBare(endService(SERVICES, 3n))).to.equal(raw(endService(SERVICES, 3n)));
    });
  });

  describe("internal DAOs", function () {
    it("createInternalDao names the DAO, its share, registrar and rules", function () {
      const action = createInternalDao(ZONE, {
        name: "Clinic",
        registrar: PAYEE,
        rules: RULES,
        incomeShareBps: 1000,
      });
      expect(action).to.include({ target: ZONE, value: 0n });
      expect(describe_(action)).to.equal(
        `create internal DAO "Clinic" returning 10% of its income, with registrar ${PAYEE} and rules: ` +
          "voting delay none, voting period 1 hour, timelock 1 minute, execution window 1 day, " +
          "quorum 20%, approval above 50%, 2 proposals per citizen every 1 day, no relayer refunds",
      );
      const noRegistrar = createInternalDao(ZONE, {
        name: "Farm",
        registrar: ZeroAddress,
        rules: RULES,
        incomeShareBps: 250,
      });
      expect(describe_(noRegistrar)).to.match(
        /^create internal DAO "Farm" returning 2\.5% of its income, with no registrar and rules: /,
      );
    });

    it("setCharter changes the share returned to the parent", function () {
      // Sent to another zone (here, from the parent's proposal), it is no call of this zone's own.
      expect(describe_(setCharter(CLINIC, 1000))).to.equal(raw(setCharter(CLINIC, 1000)));
      expect(describeAction(setCharter(CLINIC, 1000), { zone: CLINIC })).to.equal(
        "return 10% of this internal DAO's income to its parent zone",
      );
      expect(describeAction(setCharter(CLINIC, 0), { zone: CLINIC })).to.equal(
        "return 0% of this internal DAO's income to its parent zone",
      );
    });

    it("rejects a share above 100%", function () {
      expect(() => setCharter(CLINIC, 10_001)).to.throw(RangeError, "incomeShareBps must be an integer");
      expect(() =>
        createInternalDao(ZONE, { name: "Clinic", registrar: PAYEE, rules: RULES, incomeShareBps: 1.5 }),
      ).to.throw(RangeError, "incomeShareBps must be an integer");
    });
  });

  describe("production rewards", function () {
    const services = ZoneServices__factory.createInterface();
    it("productionBudget is a service of kind production for the internal DAO, read as its budget", function () {
      const action = productionBudget(SERVICES, {
        internalDao: CLINIC,
        description: "Seed and packaging",
        token: USDZ,
        budgetPerPeriod: 300_000_000n,
        periodLength: 30 * 86_400,
      });
      expect(action.data).to.equal(
        services.encodeFunctionData("createService", [
          PRODUCTION_BUDGET_KIND,
          "Seed and packaging",
          CLINIC,
          USDZ,
          300_000_000n,
          30n * 86_400n,
        ]),
      );
      expect(describe_(action)).to.equal(
        `give ${CLINIC} a production budget of 300 USDz every 30 days (new service: "Seed and packaging")`,
      );
    });

    it("appointInspector, revokeAttestation and setRewardRule read as the decisions they are", function () {
      expect(describe_(appointInspector(SERVICES, 2n, 86_400))).to.equal(
        "make service #2 the inspector of recyclable content, whose attestations a vote may revoke for 1 day",
      );
      expect(describe_(revokeAttestation(SERVICES, 7n))).to.equal(
        "revoke the inspector's attestation of production #7: it earns no reward",
      );
      const rule = setRewardRule(SERVICES, {
        token: USDZ,
        floorBps: 5_000,
        rewardPerUnit: 2_000_000n,
        budgetPerPeriod: 150_000_000n,
        periodLength: 30 * 86_400,
      });
      expect(describe_(rule)).to.equal(
        "reward recyclable content: 2 USDz a unit made wholly of recyclable content, nothing at or below 50%, " +
          "in proportion between; at most 150 USDz every 30 days",
      );
      expect(() => appointInspector(SERVICES, 2n, -1)).to.throw(RangeError, "challengeWindow must be from 0");
      expect(() => appointInspector(SERVICES, 2n, 2n ** 64n)).to.throw(
        RangeError,
        "challengeWindow must be from 0",
      );
      for (const action of [appointInspector(SERVICES, 2n, 1), revokeAttestation(SERVICES, 7n), rule]) {
        expect(describeBare(action)).to.equal(raw(action));
      }
    });

    it("refuses a reward rule without a period, a reward, or with a floor of 100%", function () {
      const terms = { token: USDZ, floorBps: 0, rewardPerUnit: 1n, budgetPerPeriod: 1n, periodLength: 1 };
      expect(() => setRewardRule(SERVICES, { ...terms, floorBps: 10_000 })).to.throw(
        RangeError,
        "below 10000",
      );
      expect(() => setRewardRule(SERVICES, { ...terms, floorBps: -1 })).to.throw(RangeError, "floorBps");
      expect(() => setRewardRule(SERVICES, { ...terms, periodLength: 0 })).to.throw(
        RangeError,
        "periodLength",
      );
      expect(() => setRewardRule(SERVICES, { ...terms, rewardPerUnit: 0n })).to.throw(
        RangeError,
        "rewardPerUnit",
      );
    });

    it("rewardFor is linear above the floor and capped at a period's budget", function () {
      const rule = { floorBps: 5_000, rewardPerUnit: 2_000n, budgetPerPeriod: 150_000n };
      expect(rewardFor(rule, 100n, 5_000)).to.equal(0n);
      expect(rewardFor(rule, 100n, 8_000)).to.equal(120_000n);
      expect(rewardFor(rule, 100n, 10_000)).to.equal(150_000n);
      expect(rewardFor(rule, 10n, 10_000)).to.equal(20_000n);
    });
  });

  describe("goods", function () {
    it("produceGoods calls the goods contract, with the declared recyclable content", function () {
      const action = produceGoods(GOODS, "wheat", 50n, 8_250);
      expect(action).to.deep.equal({
        target: GOODS,
        value: 0n,
        data: ZoneGoods__factory.createInterface().encodeFunctionData("produce", ["wheat", 50n, 8_250]),
      });
      expect(describeAction(action, { ...context, zone: CLINIC })).to.equal(
        "produce 50 units of wheat, declared 82.5% recyclable content",
      );
      expect(describe_(produceGoods(GOODS, "fresh milk", 1n, 0))).to.equal(
        'produce 1 unit of "fresh milk", declared 0% recyclable content',
      );
      expect(describeBare(action)).to.equal(raw(action));
      expect(() => produceGoods(GOODS, "", 1n, 0)).to.throw(RangeError, "product must not be empty");
      expect(() => produceGoods(GOODS, "wheat", 0n, 0)).to.throw(RangeError, "amount must be positive");
      expect(() => produceGoods(GOODS, "wheat", 1n, 10_001)).to.throw(RangeError, "recyclableBps must be");
    });

    it("goodsId is ZoneGoods.goodsId", async function () {
      const goods = await ethers.deployContract("ZoneGoods", [ZONE]);
      for (const product of ["wheat", "", "fresh milk 🥛"]) {
        expect(goodsId(CLINIC, product)).to.equal(await goods.goodsId(CLINIC, product));
      }
      expect(goodsId(CLINIC, "wheat")).not.to.equal(goodsId(ZONE, "wheat"));
    });

    it("setReserve keeps units of a good at home", function () {
      const other = goodsId(CLINIC, "barley");
      expect(describe_(setReserve(ZONE, other, 100n))).to.equal(
        `keep a domestic reserve of 100 units of goods ${toBeHex(other, 32)}`,
      );
      expect(describe_(setReserve(ZONE, WHEAT, 2500n))).to.equal(
        `keep a domestic reserve of 2,500 units of wheat (goods ${toBeHex(WHEAT, 32)})`,
      );
      expect(describe_(setReserve(ZONE, WHEAT, 0n))).to.equal(
        `keep no domestic reserve of wheat (goods ${toBeHex(WHEAT, 32)})`,
      );
    });
  });

  describe("trade", function () {
    const WHEAT_OFFER = {
      zone: ZONE,
      trade: TRADE,
      goods: GOODS,
      goodsId: WHEAT,
      quantity: 200n,
      paymentToken: USDZ,
      pricePerUnit: 3_000_000n,
      buyer: OTHER_ZONE,
      expiry: EXPIRY,
    };

    it("offerGoods lets the trade contract take the goods, posts the offer, then revokes the permission", function () {
      const actions = offerGoods(WHEAT_OFFER);
      const approval = (approved: boolean) => ({
        target: GOODS,
        value: 0n,
        data: ZoneGoods__factory.createInterface().encodeFunctionData("setApprovalForAll", [TRADE, approved]),
      });
      expect(actions).to.deep.equal([
        approval(true),
        {
          target: TRADE,
          value: 0n,
          data: ZoneTrade__factory.createInterface().encodeFunctionData("postOffer", [
            {
              isGoods: true,
              asset: GOODS,
              goodsId: WHEAT,
              quantity: 200n,
              paymentToken: USDZ,
              pricePerUnit: 3_000_000n,
              buyer: OTHER_ZONE,
              expiry: EXPIRY,
            },
          ]),
        },
        approval(false),
      ]);
      expect(actions.map(describe_)).to.deep.equal([
        `let the trade contract ${TRADE} move the zone's goods`,
        `offer 200 units of wheat (goods ${toBeHex(WHEAT, 32)}) to zone ${OTHER_ZONE} at 3 USDz each, ` +
          "until 2030-01-01T00:00:00Z",
        `stop the trade contract ${TRADE} from moving the zone's goods`,
      ]);
      const [, toAnyone] = offerGoods({ ...WHEAT_OFFER, buyer: undefined, goodsId: 7n, quantity: 1n });
      expect(describe_(toAnyone!)).to.equal(
        `offer 1 unit of goods ${toBeHex(7n, 32)} to any zone at 3 USDz each, until 2030-01-01T00:00:00Z`,
      );
    });

    it("offerTokens approves exactly the quantity, then posts the offer", function () {
      const actions = offerTokens({
        zone: ZONE,
        trade: TRADE,
        token: USDZ,
        quantity: 1_000_000_000n,
        paymentToken: GRAIN,
        pricePerUnit: 2_000_000_000_000n,
        expiry: Number(EXPIRY),
      });
      expect(actions.map(describe_)).to.deep.equal([
        `allow the trade contract ${TRADE} to take up to 1,000 USDz from the treasury`,
        "offer 1,000 USDz to any zone for 2,000 GRAIN in total, until 2030-01-01T00:00:00Z",
      ]);
    });

    it("acceptOffer approves exactly the price, then accepts", function () {
      const actions = acceptOffer({ trade: TRADE, paymentToken: USDZ, total: 600_000_000n, offerId: 4n });
      expect(actions.map(describe_)).to.deep.equal([
        `allow the trade contract ${TRADE} to take up to 600 USDz from the treasury`,
        "accept trade offer #4",
      ]);
      expect(actions[1]).to.deep.equal({
        target: TRADE,
        value: 0n,
        data: ZoneTrade__factory.createInterface().encodeFunctionData("acceptOffer", [4n]),
      });
    });

    it("cancelOffer cancels an offer", function () {
      expect(describe_(cancelOffer(TRADE, 4n))).to.equal("cancel trade offer #4");
    });

    it("reads as unknown calls when the trade and goods addresses are not in the context", function () {
      for (const action of [...offerGoods(WHEAT_OFFER), cancelOffer(TRADE, 4n)]) {
        expect(describeBare(action)).to.equal(raw(action));
      }
      expect(
        describeAction(acceptOffer({ trade: TRADE, paymentToken: USDZ, total: 1n, offerId: 4n })[0]!, {
          zone: ZONE,
        }),
      ).to.equal(`call approve(${TRADE}, 1) on token ${USDZ}`);
    });

    it("shows a token offer that carries a goods id raw", function () {
      const [, post] = offerTokens({ ...WHEAT_OFFER, token: USDZ });
      const data = ZoneTrade__factory.createInterface().encodeFunctionData("postOffer", [
        { ...WHEAT_OFFER, isGoods: false, asset: USDZ, goodsId: 1n },
      ]);
      expect(describe_(post!)).to.match(/^offer 0\.0002 USDz to zone/);
      expect(describe_({ target: TRADE, value: 0n, data })).to.equal(raw({ target: TRADE, value: 0n, data }));
    });

    it("rejects offers the trade contract would refuse", function () {
      expect(() => offerGoods({ ...WHEAT_OFFER, buyer: ZONE })).to.throw(
        RangeError,
        "cannot buy its own offer",
      );
      expect(() => offerGoods({ ...WHEAT_OFFER, quantity: 0n })).to.throw(
        RangeError,
        "quantity must be positive",
      );
      expect(() => offerGoods({ ...WHEAT_OFFER, paymentToken: ZeroAddress })).to.throw(
        RangeError,
        "paymentToken must not be the zero address",
      );
    });
  });

  describe("zone governance", function () {
    it("addMember admits one citizen", function () {
      const action = addMember(ZONE, COMMITMENT);
      expect(action).to.include({ target: ZONE, value: 0n });
      expect(describe_(action)).to.equal(`add citizen ${COMMITMENT} to the zone`);
    });

    it("addMembers admits several citizens", function () {
      expect(describe_(addMembers(ZONE, [COMMITMENT, OTHER_COMMITMENT]))).to.equal(
        `add 2 citizens to the zone: ${COMMITMENT}, ${OTHER_COMMITMENT}`,
      );
    });

    it("removeMember approves a removal by commitment alone, applied after execution", function () {
      const action = removeMember(ZONE, COMMITMENT);
      expect(action).to.deep.equal({
        target: ZONE,
        value: 0n,
        data: Zone__factory.createInterface().encodeFunctionData("approveRemoval", [COMMITMENT]),
      });
      expect(describe_(action)).to.equal(
        `remove citizen ${COMMITMENT} from the zone (applied by anyone after execution)`,
      );
    });

    it("updateMember approves a replacement, applied after execution", function () {
      const action = updateMember(ZONE, COMMITMENT, OTHER_COMMITMENT);
      expect(action.data).to.equal(
        Zone__factory.createInterface().encodeFunctionData("approveUpdate", [COMMITMENT, OTHER_COMMITMENT]),
      );
      expect(describe_(action)).to.equal(
        `replace citizen ${COMMITMENT} with ${OTHER_COMMITMENT} (applied by anyone after execution)`,
      );
    });

    it("removeMember and updateMember refuse what can never be a member", function () {
      expect(() => removeMember(ZONE, 0n)).to.throw(RangeError, "commitment must be an identity commitment");
      expect(() => removeMember(ZONE, SNARK_SCALAR_FIELD)).to.throw(RangeError, "from 1 to r - 1");
      expect(() => updateMember(ZONE, COMMITMENT, 0n)).to.throw(RangeError, "newCommitment must be");
      expect(() => updateMember(ZONE, COMMITMENT, SNARK_SCALAR_FIELD)).to.throw(
        RangeError,
        "newCommitment must be",
      );
      expect(() => updateMember(ZONE, COMMITMENT, COMMITMENT)).to.throw(
        RangeError,
        "newCommitment must differ from oldCommitment",
      );
    });

    it("setRegistrar hands admission to an address, or to proposals alone", function () {
      expect(describe_(setRegistrar(ZONE, PAYEE))).to.equal(`make ${PAYEE} the zone's registrar`);
      expect(describe_(setRegistrar(ZONE, ZeroAddress))).to.equal(
        "remove the zone's registrar: only proposals admit citizens",
      );
    });

    it("setRules changes every rule, each in words", function () {
      expect(describe_(setRules(ZONE, RULES))).to.equal(
        "change the zone's rules: voting delay none, voting period 1 hour, timelock 1 minute, " +
          "execution window 1 day, quorum 20%, approval above 50%, 2 proposals per citizen every 1 day, " +
          "no relayer refunds",
      );
      const unusual = {
        ...RULES,
        votingDelay: 1,
        votingPeriod: 3 * 86_400 + 5400,
        quorumBps: 2550,
        proposalsPerEpoch: 1,
        maxRelayerRefundPerVote: parseEther("0.001"),
      };
      expect(describe_(setRules(ZONE, unusual))).to.equal(
        "change the zone's rules: voting delay 1 second, voting period 3 days 1 hour 30 minutes, timelock 1 minute, " +
          "execution window 1 day, quorum 25.5%, approval above 50%, 1 proposal per citizen every 1 day, " +
          "relayer refund up to 0.001 ETH per vote",
      );
      // The largest cap the rule's uint56 holds.
      expect(describe_(setRules(ZONE, { ...RULES, maxRelayerRefundPerVote: 2n ** 56n - 1n }))).to.match(
        /, relayer refund up to 0\.072057594037927935 ETH per vote$/,
      );
    });

    it("cancelProposal cancels a proposal", function () {
      const action = cancelProposal(ZONE, 7n);
      expect(action.data).to.equal(Zone__factory.createInterface().encodeFunctionData("cancel", [7n]));
      expect(describe_(action)).to.equal("cancel proposal 7");
    });

    it("describes other zone functions by name and arguments", function () {
      const queue = Zone__factory.createInterface().encodeFunctionData("queue", [3n]);
      expect(describe_({ target: ZONE, value: 0n, data: queue })).to.equal("call queue(3) on the zone");
    });

    it("describes a zone call sent to another address as an unknown call", function () {
      const action = { ...addMember(ZONE, COMMITMENT), target: OTHER_ZONE };
      expect(describe_(action)).to.equal(
        `call ${action.data.slice(0, 10)} (36 bytes of calldata) on ${OTHER_ZONE}`,
      );
    });
  });

  describe("describeAction of unknown calls", function () {
    it("gives the raw selector, the calldata length and the ether sent", function () {
      const action = { target: PAYEE, value: parseEther("1"), data: "0x12345678" + "00".repeat(64) };
      expect(describe_(action)).to.equal(`call 0x12345678 (68 bytes of calldata) on ${PAYEE} with 1 ETH`);
    });

    it("shows calldata too short for a selector in full", function () {
      expect(describe_({ target: PAYEE, value: 0n, data: "0xabcd" })).to.equal(
        `call ${PAYEE} with 2 bytes of data 0xabcd`,
      );
    });

    it("never half-explains calldata with bytes beyond what it decodes to", function () {
      const padded = {
        ...rawTransfer(USDZ, PAYEE, 5_000_000n),
        data: concat([rawTransfer(USDZ, PAYEE, 5_000_000n).data, "0x01"]),
      };
      expect(describe_(padded)).to.equal(`call 0xa9059cbb (69 bytes of calldata) on ${USDZ}`);
      for (const action of [
        payToken(ZONE, USDZ, PAYEE, 1n),
        createService(SERVICES, {
          kind: "education",
          description: "",
          provider: PAYEE,
          token: USDZ,
          budgetPerPeriod: 1n,
          periodLength: 1,
        }),
        produceGoods(GOODS, "wheat", 1n, 0),
        cancelOffer(TRADE, 1n),
      ]) {
        const extra = { ...action, data: concat([action.data, "0x00"]) };
        expect(describe_(extra)).to.equal(raw(extra));
      }
      const zoneCall = addMember(ZONE, COMMITMENT);
      expect(describe_({ ...zoneCall, data: concat([zoneCall.data, "0x00"]) })).to.match(
        /^call 0x[0-9a-f]{8} \(37 bytes/,
      );
    });
  });

  describe("describeProposal", function () {
    it("gives one line per option of a For/Against/Abstain proposal, in ballot order: For, Against, Abstain", function () {
      const lines = describeProposal([[payEther(PAYEE, parseEther("2")), addMember(ZONE, COMMITMENT)]], {
        ...context,
        multipleChoice: false,
      });
      expect(lines).to.deep.equal([
        `For: pay 2 ETH to ${PAYEE}; then add citizen ${COMMITMENT} to the zone`,
        "Against: nothing happens",
        "Abstain: counts toward quorum only; nothing happens",
      ]);
    });

    it("gives one line per option of a multiple-choice proposal, in chain order counted from 1", function () {
      const lines = describeProposal(
        [[payToken(ZONE, USDZ, PAYEE, 1_000_000n)], [], [cancelProposal(ZONE, 2n)]],
        {
          ...context,
          multipleChoice: true,
        },
      );
      expect(lines).to.deep.equal([
        `Option 1: pay 1 USDz to ${PAYEE}`,
        "Option 2: nothing happens",
        "Option 3: cancel proposal 2",
      ]);
    });

    it("names each option from the proposal's text, before what it does", function () {
      const description = encodeProposalText({ title: "Pay or not", optionNames: ["Pay Ann", "Nobody"] });
      const lines = describeProposal([[payEther(PAYEE, parseEther("1"))], []], {
        ...context,
        multipleChoice: true,
        description,
      });
      expect(lines).to.deep.equal([
        `Option 1: Pay Ann — pay 1 ETH to ${PAYEE}`,
        "Option 2: Nobody — nothing happens",
      ]);
    });

    it("rejects options that do not fit the kind of proposal", function () {
      expect(() => describeProposal([[], []], { ...context, multipleChoice: false })).to.throw(
        "a For/Against/Abstain proposal cannot have 2 option(s)",
      );
      expect(() => describeProposal([[]], { ...context, multipleChoice: true })).to.throw(
        "a multiple-choice proposal cannot have 1 option(s)",
      );
    });
  });
});

describe("identity", function () {
  it("exports and imports an identity unchanged", function () {
    const identity = createIdentity();
    const exported = exportIdentity(identity);
    const imported = importIdentity(exported);
    expect(imported.commitment).to.equal(identity.commitment);
    expect(exportIdentity(imported)).to.equal(exported);
    expect(importIdentity(`  ${exported}\n`).commitment).to.equal(identity.commitment);
  });

  it("creates a different identity each time", function () {
    expect(createIdentity().commitment).not.to.equal(createIdentity().commitment);
  });

  it("derives the same identity from the same seed, and it exports and imports", function () {
    const identity = identityFromSeed("zonedao-sdk-test-seed");
    expect(identityFromSeed("zonedao-sdk-test-seed").commitment).to.equal(identity.commitment);
    expect(identityFromSeed("zonedao-sdk-test-seed-2").commitment).not.to.equal(identity.commitment);
    expect(importIdentity(exportIdentity(identity)).commitment).to.equal(identity.commitment);
  });

  it("rejects text that is not an exported identity", function () {
    const exported = exportIdentity(createIdentity());
    expect(() => importIdentity("")).to.throw("not an exported Semaphore identity: expected base64 text");
    expect(() => importIdentity("my secret passphrase")).to.throw("expected base64 text");
    expect(() => importIdentity(exported.slice(0, 40))).to.throw(
      "expected a 32-byte private key, got 30 bytes",
    );
    expect(() => importIdentity(exported.slice(0, 43))).to.throw("the base64 is not canonical");
  });
});
