/**
 * What citizens read before they vote, without a browser: a proposal's options in the sdk's words,
 * counted from 1 as the vote buttons count them, and raw when they cannot be decoded.
 */
import { expect } from "chai";
import { payEther, payToken } from "../../sdk/actions.js";
import { encodeProposalText } from "../../sdk/proposal-text.js";
import { describeContext, optionLines, rawAction, readableLines } from "../src/readable.js";
import { ZONE, address, webConfig } from "./web-fixture.js";

const zone = ZONE;
const payee = address(0xbeef);
const stablecoin = address(0xc0);
const config = webConfig({ services: address(0x5e), stablecoin });
const context = describeContext(config, zone, { [stablecoin]: { symbol: "USDz", decimals: 18 } });

describe("readable (proposal options in words)", function () {
  describe("describeContext", function () {
    it("names the zone, the config's modules and the tokens read", function () {
      expect(context).to.deep.equal({
        zone,
        services: config.contracts.services,
        goods: undefined,
        trade: undefined,
        tellers: undefined,
        tokens: { [stablecoin]: { symbol: "USDz", decimals: 18 } },
        admissions: undefined,
        names: {
          [zone.toLowerCase()]: "Riverside",
          [config.contracts.services!.toLowerCase()]: "the services registry",
          [stablecoin.toLowerCase()]: "USDz",
        },
      });
    });
  });

  describe("readableLines", function () {
    it("reads For / Against / Abstain with only For acting, indexed as castVote numbers them", function () {
      expect(readableLines([[payEther(payee, 10n ** 18n)]], false, context)).to.deep.equal([
        "Against: nothing happens",
        `For: pay 1 ETH to ${payee}`,
        "Abstain: counts toward quorum only; nothing happens",
      ]);
    });

    it("names the addresses the config knows, and leaves the others whole", function () {
      expect(
        readableLines([[payEther(zone, 10n ** 18n)], [payEther(payee, 1n)]], true, context),
      ).to.deep.equal([
        "Option 1: pay 1 ETH to Riverside",
        `Option 2: pay 0.000000000000000001 ETH to ${payee}`,
      ]);
    });

    it("counts a multiple-choice proposal's options from 1, as the vote buttons do", function () {
      const options = [[payToken(zone, stablecoin, payee, 5n * 10n ** 18n)], []];
      expect(readableLines(options, true, context)).to.deep.equal([
        `Option 1: pay 5 USDz to ${payee}`,
        "Option 2: nothing happens",
      ]);
    });

    it("names each option from the proposal's description, before what it does", function () {
      const options = [[payToken(zone, stablecoin, payee, 5n * 10n ** 18n)], []];
      const description = encodeProposalText({ title: "Pay Ann?", optionNames: ["Ann, 5 USDz", "Nobody"] });
      expect(readableLines(options, true, context, description)).to.deep.equal([
        `Option 1: Ann, 5 USDz — pay 5 USDz to ${payee}`,
        "Option 2: Nobody — nothing happens",
      ]);
    });
  });

  describe("optionLines", function () {
    it("reads a relayer's raw actions (values as decimal strings) like the actions themselves", function () {
      const raw = [[{ target: payee, value: "1500000000000000000", data: "0x" }]];
      expect(optionLines(raw, false, context)?.[1]).to.equal(`For: pay 1.5 ETH to ${payee}`);
    });

    it("gives nothing to show when a value is not a number, so the page shows the actions raw", function () {
      expect(optionLines([[{ target: payee, value: "ten", data: "0x" }]], false, context)).to.equal(
        undefined,
      );
    });
  });

  describe("rawAction", function () {
    it("writes an action as the chain runs it", function () {
      expect(rawAction({ target: payee, value: "7", data: "0x1234" })).to.equal(
        `target ${payee}, value 7 wei, data 0x1234`,
      );
    });
  });
});
