/**
 * The proposal form's decisions without a browser: each kind's fields turned into the sdk builders'
 * actions and read back as sentences, refused fields named, the options of a multiple-choice
 * proposal, and a removal checked against the member list. (test/web.test.ts checks in Chromium
 * that the form sends them.)
 */
import { expect } from "chai";
import { ZeroAddress, toBeHex } from "ethers";
import {
  appointInspector,
  createService,
  endService,
  goodsId,
  openDividendRound,
  payEther,
  produceGoods,
  productionBudget,
  removeMember,
  revokeAttestation,
  setReserve,
  setRewardRule,
  updateService,
} from "../../sdk/actions.js";
import { MAX_OPTIONS } from "../../sdk/constants.js";
import { describeProposal } from "../../sdk/describe.js";
import { rulesWith } from "../../sdk/rules.js";
import type { ZoneAction } from "../../sdk/types.js";
import {
  buildActions,
  buildOptions,
  proposalDescription,
  rulesToFields,
  type DecisionKind,
  type Fields,
} from "../src/decisions.js";
import { ZONE, address, webConfig } from "./web-fixture.js";

const zone = ZONE;
const other = address(0xbeef);
const usdz = address(0x05d2);
const config = webConfig({
  services: address(0x5e),
  goods: address(0x600d),
  trade: address(0x7ade),
  stablecoin: usdz,
});

const rules = rulesToFields(rulesWith({ quorumBps: 5000 }), "dao.");
/** A token of 6 decimals, as read from the chain. */
const sixDecimals = { tokens: { [other]: { symbol: "USDC", decimals: 6 } } };
const economyContext = { config, zone, service: { token: other }, ...sixDecimals };

describe("decisions (the proposal form)", function () {
  describe("buildActions", function () {
    it("turns each kind's fields into actions that read as the sentence citizens will see", function () {
      const forms: [DecisionKind, Fields, RegExp][] = [
        ["payment", { payee: other, amount: "1.5", currency: "ether" }, /^pay 1\.5 ETH to 0x/],
        [
          "internal-dao",
          { daoName: "Library", daoRegistrar: "", incomeShare: "12.5", ...rules },
          /^create internal DAO "Library" returning 12\.5% of its income, with no registrar and rules: .*quorum 50%/,
        ],
        [
          "offer",
          {
            offerAsset: "tokens",
            offerToken: "other",
            offerTokenAddress: other,
            quantity: "10",
            paymentToken: "other",
            paymentTokenAddress: other,
            price: "3",
            buyer: "",
            expiryDays: "7",
          },
          /^call approve\(0x\w+, 10000000000000000000\) on token 0x\w+; then offer 10000000000000000000 base units of token 0x\w+ to any zone for 30000000000000000000 base units/,
        ],
        [
          "offer",
          {
            offerAsset: "goods",
            goodsId: "0x2a",
            quantity: "5",
            paymentToken: "other",
            paymentTokenAddress: other,
            price: "2",
            buyer: "",
            expiryDays: "1",
          },
          /^let the trade contract 0x\w+ move the zone's goods; then offer 5 units of goods 0x0+2a to any zone at 2000000000000000000 base units.*; then stop the trade contract 0x\w+ from moving the zone's goods$/,
        ],
        [
          "accept-offer",
          { offerId: "3" },
          /^call approve\(0x\w+, 6\) on token 0x\w+; then accept trade offer #3$/,
        ],
        ["membership", { membership: "add", commitment: "123" }, /^add citizen 123 to the zone$/],
      ];
      for (const [kind, fields, expected] of forms) {
        const actions = buildActions(kind, fields, {
          config,
          zone,
          offer: { paymentToken: other, total: 6n },
        });
        const [forLine] = describeProposal([actions], {
          zone,
          services: config.contracts.services,
          goods: config.contracts.goods,
          trade: config.contracts.trade,
          multipleChoice: false,
        });
        expect(forLine?.replace(/^For: /, ""), kind).to.match(expected);
      }
    });

    it("refuses a wrong field with a message that names it", function () {
      expect(() =>
        buildActions("internal-dao", { daoName: "x", incomeShare: "101", ...rules }, { config, zone }),
      ).to.throw("Income returned to the zone: a percentage from 0 to 100, with at most 2 decimals.");
      expect(() => buildActions("offer", { offerAsset: "goods" }, { config, zone })).to.throw(
        /^Open for \(days\)/,
      );
      expect(() => buildActions("accept-offer", { offerId: "3" }, { config, zone })).to.throw(
        /no open offer read yet/,
      );
      const refused: [DecisionKind, Fields, string][] = [
        [
          "reserve",
          { reserveGoods: "id", goodsId: "wheat", reserveAmount: "1" },
          "Goods id: a whole number.",
        ],
        [
          "reserve",
          { reserveGoods: "id", goodsId: (2n ** 256n).toString(), reserveAmount: "1" },
          "Goods id: too large.",
        ],
        [
          "reserve",
          { reserveGoods: "product", producer: other, product: " ", reserveAmount: "1" },
          "Product: required.",
        ],
        [
          "reserve",
          { reserveGoods: "id", goodsId: "1", reserveAmount: "1.5" },
          "Kept for citizens (units): a whole number.",
        ],
        [
          "dividend",
          { dividendToken: "ether", perCitizen: "0", claimDays: "30" },
          "Amount per citizen: must be more than 0.",
        ],
        [
          "dividend",
          { dividendToken: "other", dividendTokenAddress: "0x1234", perCitizen: "1", claimDays: "30" },
          "Paid in (address): an address, 0x followed by 40 hex digits.",
        ],
        [
          "dividend",
          { dividendToken: "ether", perCitizen: "1", claimDays: "0" },
          "Claims open for (days): at least 1.",
        ],
        // The zone takes the claim period in seconds as a uint32: about 136 years.
        [
          "dividend",
          { dividendToken: "ether", perCitizen: "1", claimDays: "49711" },
          "Claims open for (days): at most 49710.",
        ],
        [
          "service-update",
          { serviceId: "2", provider: "0x1234", budget: "1" },
          "New provider: an address, 0x followed by 40 hex digits.",
        ],
        [
          "service-update",
          { serviceId: "2", provider: other, budget: "0.0000001" },
          "New budget per period: at most 6 decimals.",
        ],
        ["service-end", { serviceId: "" }, "Service number: a whole number."],
      ];
      for (const [kind, fields, message] of refused) {
        expect(() => buildActions(kind, fields, economyContext), message).to.throw(message);
      }
      expect(() =>
        buildActions("service-update", { serviceId: "2", provider: other, budget: "1" }, { config, zone }),
      ).to.throw("Service number: no active service read yet from the services registry.");
    });

    it("counts amounts in the token's decimals, as read from the chain", function () {
      const service = {
        serviceKind: "transport",
        serviceName: "Bus",
        provider: other,
        serviceToken: "other",
      };
      const [create] = buildActions(
        "service",
        { ...service, serviceTokenAddress: other, budget: "250.5", periodDays: "7" },
        { config, zone, ...sixDecimals },
      );
      expect(create).to.deep.equal(
        createService(config.contracts.services!, {
          kind: "transport",
          description: "Bus",
          provider: other,
          token: other,
          budgetPerPeriod: 250_500_000n,
          periodLength: 7 * 86_400,
        }),
      );
      const sellForUsdc = {
        offerAsset: "tokens",
        offerToken: "other",
        offerTokenAddress: zone,
        quantity: "10",
        paymentToken: "other",
        paymentTokenAddress: other,
        price: "3",
        expiryDays: "7",
      };
      expect(() => buildActions("offer", sellForUsdc, { config, zone, ...sixDecimals })).to.throw(/too fine/);
    });

    it("builds the economy's decisions exactly as the sdk's builders do, with their sentences", function () {
      const services = config.contracts.services!;
      const wheat = goodsId(other, "wheat");
      const economy: [DecisionKind, Fields, ZoneAction, string][] = [
        [
          "reserve",
          { reserveGoods: "id", goodsId: "0x2a", reserveAmount: "100" },
          setReserve(zone, 42n, 100n),
          `keep a domestic reserve of 100 units of goods ${toBeHex(42n, 32)}`,
        ],
        [
          "reserve",
          { reserveGoods: "product", producer: other, product: " wheat ", reserveAmount: "0" },
          setReserve(zone, wheat, 0n),
          `keep no domestic reserve of goods ${toBeHex(wheat, 32)}`,
        ],
        [
          "dividend",
          { dividendToken: "ether", perCitizen: "0.25", claimDays: "30" },
          openDividendRound(zone, ZeroAddress, 250_000_000_000_000_000n, 30 * 86_400),
          "open a dividend round: 0.25 ETH per citizen who could vote on this proposal, claimable for 30 days",
        ],
        [
          "dividend",
          { dividendToken: "other", dividendTokenAddress: other, perCitizen: "2.5", claimDays: "1" },
          openDividendRound(zone, other, 2_500_000n, 86_400),
          `open a dividend round: 2500000 base units of token ${other} per citizen who could vote on this proposal, claimable for 1 day`,
        ],
        [
          "service-update",
          { serviceId: "2", provider: other, budget: "250.5" },
          updateService(services, 2n, other, 250_500_000n),
          `change service #2: pay 250500000 base units of its token per period to provider ${other}`,
        ],
        ["service-end", { serviceId: "2" }, endService(services, 2n), "end service #2"],
      ];
      for (const [kind, fields, action, sentence] of economy) {
        const actions = buildActions(kind, fields, economyContext);
        expect(actions, kind).to.deep.equal([action]);
        const [forLine] = describeProposal([actions], { zone, services, multipleChoice: false });
        expect(forLine, kind).to.equal(`For: ${sentence}`);
      }
    });
  });

  describe("production rewarded for recyclable content", function () {
    const services = config.contracts.services!;
    const goods = config.contracts.goods!;
    const farm = address(0xfa7);
    /** USDz as the app reads it, and a token of 6 decimals. */
    const context = {
      config,
      zone,
      tokens: { [usdz]: { symbol: "USDz", decimals: 18 }, ...sixDecimals.tokens },
    };
    const usdzUnits = (whole: bigint) => whole * 10n ** 18n;

    it("builds each decision exactly as the sdk's builder does, read as the sdk's sentence", function () {
      const decisions: [DecisionKind, Fields, ZoneAction, string][] = [
        [
          "reward-rule",
          { rewardToken: "stablecoin", floor: "50", rewardPerUnit: "2", budget: "500", periodDays: "30" },
          setRewardRule(services, {
            token: usdz,
            floorBps: 5_000,
            rewardPerUnit: usdzUnits(2n),
            budgetPerPeriod: usdzUnits(500n),
            periodLength: 30 * 86_400,
          }),
          "reward recyclable content: 2 USDz a unit made wholly of recyclable content, nothing at or below 50%, " +
            "in proportion between; at most 500 USDz every 30 days",
        ],
        [
          "reward-rule",
          {
            rewardToken: "other",
            rewardTokenAddress: other,
            floor: "12.25",
            rewardPerUnit: "0.5",
            budget: "100",
            periodDays: "7",
          },
          setRewardRule(services, {
            token: other,
            floorBps: 1_225,
            rewardPerUnit: 500_000n,
            budgetPerPeriod: 100_000_000n,
            periodLength: 7 * 86_400,
          }),
          "reward recyclable content: 0.5 USDC a unit made wholly of recyclable content, nothing at or below 12.25%, " +
            "in proportion between; at most 100 USDC every 7 days",
        ],
        [
          "inspector",
          { serviceId: "1", challengeDays: "2" },
          appointInspector(services, 1n, 2 * 86_400),
          "make service #1 the inspector of recyclable content, whose attestations a vote may revoke for 2 days",
        ],
        [
          "revoke-attestation",
          { productionId: "7" },
          revokeAttestation(services, 7n),
          "revoke the inspector's attestation of production #7: it earns no reward",
        ],
        [
          "production-budget",
          {
            internalDao: farm,
            budgetPurpose: " Seed and packaging ",
            serviceToken: "stablecoin",
            budget: "300",
            periodDays: "30",
          },
          productionBudget(services, {
            internalDao: farm,
            description: "Seed and packaging",
            token: usdz,
            budgetPerPeriod: usdzUnits(300n),
            periodLength: 30 * 86_400,
          }),
          `give ${farm} a production budget of 300 USDz every 30 days (new service: "Seed and packaging")`,
        ],
        [
          "production",
          { product: " grain ", units: "100", recyclable: "85" },
          produceGoods(goods, "grain", 100n, 8_500),
          "produce 100 units of grain, declared 85% recyclable content",
        ],
      ];
      for (const [kind, fields, action, sentence] of decisions) {
        const actions = buildActions(kind, fields, context);
        expect(actions, kind).to.deep.equal([action]);
        const [forLine] = describeProposal([actions], {
          zone,
          services,
          goods,
          tokens: context.tokens,
          multipleChoice: false,
        });
        expect(forLine, kind).to.equal(`For: ${sentence}`);
      }
    });

    it("refuses a wrong field with a message that names it", function () {
      const rule = {
        rewardToken: "stablecoin",
        floor: "50",
        rewardPerUnit: "2",
        budget: "500",
        periodDays: "30",
      };
      const budget = {
        internalDao: farm,
        budgetPurpose: "Seed",
        serviceToken: "stablecoin",
        budget: "300",
        periodDays: "30",
      };
      const refused: [DecisionKind, Fields, string][] = [
        // A floor of 100% would reward nothing: the contract refuses it.
        [
          "reward-rule",
          { ...rule, floor: "100" },
          "Nothing at or below (% recyclable): a percentage from 0 to 99.99, with at most 2 decimals.",
        ],
        [
          "reward-rule",
          { ...rule, floor: "50.125" },
          "Nothing at or below (% recyclable): a percentage from 0 to 99.99, with at most 2 decimals.",
        ],
        [
          "reward-rule",
          { ...rule, rewardPerUnit: "0" },
          "Reward a unit at 100% recyclable: must be more than 0.",
        ],
        ["reward-rule", { ...rule, budget: "" }, "At most, per period: a number such as 100 or 0.5."],
        ["reward-rule", { ...rule, periodDays: "0" }, "Period (days): at least 1."],
        [
          "reward-rule",
          { ...rule, rewardToken: "other", rewardTokenAddress: "0x12" },
          "Paid in (address): an address, 0x followed by 40 hex digits.",
        ],
        ["inspector", { serviceId: "one", challengeDays: "2" }, "Service number: a whole number."],
        ["inspector", { serviceId: "1", challengeDays: "1.5" }, "Challenge window (days): a whole number."],
        // The window is a uint64 of seconds.
        [
          "inspector",
          { serviceId: "1", challengeDays: "213503982334602" },
          "Challenge window (days): at most 213503982334601.",
        ],
        ["revoke-attestation", { productionId: "-1" }, "Production number: a whole number."],
        [
          "production-budget",
          { ...budget, internalDao: "farm" },
          "Internal DAO: an address, 0x followed by 40 hex digits.",
        ],
        ["production-budget", { ...budget, budgetPurpose: " " }, "What it is for: required."],
        ["production-budget", { ...budget, budget: "-3" }, "Budget per period: a number such as 100 or 0.5."],
        ["production", { product: "", units: "1", recyclable: "85" }, "Product: required."],
        ["production", { product: "grain", units: "0", recyclable: "85" }, "Units made: at least 1."],
        [
          "production",
          { product: "grain", units: "10", recyclable: "100.5" },
          "Recyclable content (%): a percentage from 0 to 100, with at most 2 decimals.",
        ],
      ];
      for (const [kind, fields, message] of refused) {
        expect(() => buildActions(kind, fields, context), message).to.throw(message);
      }
      // Without the module in the app's config there is nothing to send the decision to.
      const bare = { config: webConfig({ stablecoin: usdz }), zone };
      expect(() =>
        buildActions("production", { product: "grain", units: "1", recyclable: "0" }, bare),
      ).to.throw("The app's config does not name the zone's goods contract.");
      expect(() => buildActions("reward-rule", rule, bare)).to.throw(
        "The app's config does not name the zone's services contract.",
      );
    });
  });

  describe("proposalDescription", function () {
    const draft = (name: string | undefined) => ({ kind: "nothing" as const, fields: {}, name });

    it("carries the title and, with several options, each option's name in order", function () {
      expect(proposalDescription("  Pay the gardener ")).to.equal("Pay the gardener");
      expect(proposalDescription("Water", [draft(" Clearwater "), draft("Springco")])).to.equal(
        "Water\n\nOptions:\n1. Clearwater\n2. Springco",
      );
    });

    it("refuses a missing title or name, naming the field and its option", function () {
      expect(() => proposalDescription(" ")).to.throw("Title: say in a few words what citizens decide.");
      expect(() => proposalDescription("Water", [draft("Clearwater"), draft(undefined)])).to.throw(
        "Option 2: Name: must not be empty.",
      );
      expect(() => proposalDescription("Water", [draft("a\tb"), draft("c")])).to.throw(
        "Option 1: Name: must be one line",
      );
    });
  });

  describe("buildOptions", function () {
    it("builds one action list per option, in order, 'nothing' empty, and names the option of a wrong field", function () {
      const pay = { kind: "payment", fields: { payee: other, amount: "1", currency: "ether" } } as const;
      const nothing = { kind: "nothing", fields: {} } as const;
      const contextOf = () => ({ config, zone });
      expect(buildOptions([pay, nothing], contextOf)).to.deep.equal([[payEther(other, 10n ** 18n)], []]);
      expect(() => buildOptions([pay], contextOf)).to.throw("Several options: at least 2");
      expect(() => buildOptions(Array(MAX_OPTIONS + 1).fill(nothing), contextOf)).to.throw(
        `Several options: at most ${MAX_OPTIONS}.`,
      );
      expect(() =>
        buildOptions([nothing, { kind: "payment", fields: { ...pay.fields, amount: "0" } }], contextOf),
      ).to.throw("Option 2: Amount: must be more than 0.");
    });
  });

  describe("removing a citizen", function () {
    // Whether the commitment is a citizen: the form's one search of the member list (undefined: running).
    const remove = (commitment: string, isMember?: boolean) =>
      buildActions("membership", { membership: "remove", commitment }, { config, zone, isMember });

    it("approves the removal by commitment alone: no Merkle siblings, which later admissions would stale", function () {
      expect(remove("33", true)).to.deep.equal([removeMember(zone, 33n)]);
      const [forLine] = describeProposal([remove("11", true)], { zone, multipleChoice: false });
      expect(forLine).to.equal("For: remove citizen 11 from the zone (applied by anyone after execution)");
    });

    it("refuses a commitment that is not in the group, and waits for the search", function () {
      expect(() => remove("7", false)).to.throw("Citizen: this commitment is not in the zone's group.");
      expect(() => remove("0", false)).to.throw("Citizen's identity commitment: at least 1.");
      expect(() => remove("11")).to.throw("Citizen: looking for this commitment in the zone's group…");
    });

    it("refuses to admit a commitment that is a citizen already", function () {
      const admit = (isMember?: boolean) =>
        buildActions("membership", { membership: "add", commitment: "11" }, { config, zone, isMember });
      expect(() => admit(true)).to.throw("Citizen's identity commitment: already a citizen of the zone.");
      expect(admit(false)).to.have.length(1);
    });
  });
});
