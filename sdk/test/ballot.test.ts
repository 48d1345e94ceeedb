import { expect } from "chai";
import { parseEther } from "ethers";
import { payEther } from "../actions.js";
import {
  ballotOptions,
  chooseBallotOption,
  decisionRuleText,
  optionLabel,
  proposalTitle,
  validChoices,
} from "../ballot.js";
import { MAX_OPTIONS, VoteOption } from "../constants.js";
import { describeBallot } from "../describe.js";
import {
  MAX_OPTION_NAME_LENGTH,
  MAX_TITLE_LENGTH,
  encodeProposalText,
  readProposalText,
} from "../proposal-text.js";

const ZONE = "0x00000000000000000000000000000000000000aa";
const PAYEE = "0x00000000000000000000000000000000000000bb";
const WATER = encodeProposalText({
  title: "Choose Hillside's water service",
  optionNames: ["Clearwater (600 USDz a month)", "Springco (450 USDz a month)"],
});

describe("proposal text", function () {
  describe("encodeProposalText", function () {
    it("writes the title, then an Options block numbered from 1, readable as plain text", function () {
      expect(WATER).to.equal(
        "Choose Hillside's water service\n\nOptions:\n1. Clearwater (600 USDz a month)\n2. Springco (450 USDz a month)",
      );
    });

    it("writes a title alone for For/Against/Abstain", function () {
      expect(encodeProposalText({ title: "Build a library" })).to.equal("Build a library");
      expect(encodeProposalText({ title: "Build a library", optionNames: [] })).to.equal("Build a library");
    });

    it("refuses an empty, padded, multi-line or too long title or name, naming it", function () {
      expect(() => encodeProposalText({ title: " " })).to.throw("Title: must not be empty.");
      expect(() => encodeProposalText({ title: " x" })).to.throw("Title: must not begin or end with spaces.");
      expect(() => encodeProposalText({ title: "a\nb" })).to.throw("Title: must be one line");
      expect(() => encodeProposalText({ title: "x".repeat(MAX_TITLE_LENGTH + 1) })).to.throw(
        `Title: at most ${MAX_TITLE_LENGTH} characters (this one has ${MAX_TITLE_LENGTH + 1}).`,
      );
      expect(() => encodeProposalText({ title: "t", optionNames: ["a", ""] })).to.throw(
        "Option 2's name: must not be empty.",
      );
      expect(() => encodeProposalText({ title: "t", optionNames: ["a\u2028b", "c"] })).to.throw(
        "Option 1's name: must be one line",
      );
      expect(() =>
        encodeProposalText({ title: "t", optionNames: ["a", "b".repeat(MAX_OPTION_NAME_LENGTH + 1)] }),
      ).to.throw(`Option 2's name: at most ${MAX_OPTION_NAME_LENGTH} characters`);
    });

    it("refuses a number of names no multiple-choice proposal has", function () {
      expect(() => encodeProposalText({ title: "t", optionNames: ["only"] })).to.throw(
        `a multiple-choice proposal has 2 to ${MAX_OPTIONS} options, not 1`,
      );
      const many = Array.from({ length: MAX_OPTIONS + 1 }, (_, i) => `n${i}`);
      expect(() => encodeProposalText({ title: "t", optionNames: many })).to.throw(`not ${MAX_OPTIONS + 1}`);
    });
  });

  describe("readProposalText", function () {
    it("reads back what encodeProposalText wrote", function () {
      expect(readProposalText(WATER, 2)).to.deep.equal({
        title: "Choose Hillside's water service",
        optionNames: ["Clearwater (600 USDz a month)", "Springco (450 USDz a month)"],
      });
      const names = Array.from({ length: MAX_OPTIONS }, (_, i) => `Choice ${i}: é${"ü".repeat(i)}`);
      const text = encodeProposalText({ title: "Sixteen", optionNames: names });
      expect(readProposalText(text, MAX_OPTIONS)).to.deep.equal({ title: "Sixteen", optionNames: names });
    });

    it("gives no names, and the whole description as title, unless exactly optionCount names numbered 1..n", function () {
      const whole = (description: string) => ({ title: description, optionNames: undefined });
      expect(readProposalText(WATER, 3)).to.deep.equal(whole(WATER));
      expect(readProposalText(WATER, 0)).to.deep.equal(whole(WATER));
      for (const description of [
        "option 0 Clearwater (600 USDz a month), option 1 Springco (450 USDz a month)",
        "Water\n\nOptions:\n0. Clearwater\n1. Springco",
        "Water\n\nOptions:\n1. Clearwater\n3. Springco",
        "Water\n\nOptions:\n1. Clearwater\n2. ",
        "Water\n\nOptions:\n1. Clearwater\n2. Springco\n",
        "\n\nOptions:\n1. Clearwater\n2. Springco",
        "",
      ]) {
        expect(readProposalText(description, 2), description).to.deep.equal(whole(description));
      }
    });
  });
});

describe("ballot", function () {
  const forAgainst = { description: "Build a library", options: [[payEther(PAYEE, 1n)]] };
  const water = { description: WATER, options: [[payEther(PAYEE, 1n)], [payEther(PAYEE, 2n)]] };
  const unnamed = { description: "Which payment", options: [[payEther(PAYEE, parseEther("1"))], []] };

  describe("ballotOptions", function () {
    it("lists For, Against, Abstain in that order, with the chain's indexes", function () {
      expect(ballotOptions(forAgainst)).to.deep.equal([
        { index: VoteOption.For, label: "For", name: undefined },
        { index: VoteOption.Against, label: "Against", name: undefined },
        { index: VoteOption.Abstain, label: "Abstain", name: undefined },
      ]);
    });

    it("lists a multiple-choice proposal's options in chain order, counted from 1, named by its text", function () {
      expect(ballotOptions(water)).to.deep.equal([
        { index: 0, label: "Option 1: Clearwater (600 USDz a month)", name: "Clearwater (600 USDz a month)" },
        { index: 1, label: "Option 2: Springco (450 USDz a month)", name: "Springco (450 USDz a month)" },
      ]);
      expect(ballotOptions(unnamed).map((option) => option.label)).to.deep.equal(["Option 1", "Option 2"]);
      expect(proposalTitle(water)).to.equal("Choose Hillside's water service");
      expect(proposalTitle(unnamed)).to.equal("Which payment");
      expect(optionLabel(water, 1)).to.equal("Option 2: Springco (450 USDz a month)");
      expect(optionLabel(forAgainst, 2n)).to.equal("Abstain");
      expect(optionLabel(water, 5)).to.equal("option index 5 (not on the ballot)");
    });

    it("labels an unnamed option by its actions when described (describeBallot)", function () {
      const described = describeBallot(unnamed, { zone: ZONE });
      expect(described.map((option) => option.label)).to.deep.equal([
        `Option 1: pay 1 ETH to ${PAYEE}`,
        "Option 2: nothing happens",
      ]);
      expect(describeBallot(water, { zone: ZONE })[0]).to.deep.include({
        label: "Option 1: Clearwater (600 USDz a month)",
        actions: `pay 0.000000000000000001 ETH to ${PAYEE}`,
        line: `Option 1: Clearwater (600 USDz a month) — pay 0.000000000000000001 ETH to ${PAYEE}`,
      });
    });
  });

  describe("chooseBallotOption", function () {
    it("takes for, against or abstain in any case on a For/Against/Abstain proposal", function () {
      const options = ballotOptions(forAgainst);
      expect(chooseBallotOption(options, "FOR").index).to.equal(VoteOption.For);
      expect(chooseBallotOption(options, "against").index).to.equal(VoteOption.Against);
      expect(chooseBallotOption(options, "Abstain").index).to.equal(VoteOption.Abstain);
      expect(() => chooseBallotOption(options, "1")).to.throw(
        '"1" is not a choice of this proposal; choose for, against or abstain',
      );
    });

    it("takes an option's number counted from 1, its exact name or its label", function () {
      const options = ballotOptions(water);
      expect(chooseBallotOption(options, "1").index).to.equal(0);
      expect(chooseBallotOption(options, "2").index).to.equal(1);
      expect(chooseBallotOption(options, "Springco (450 USDz a month)").index).to.equal(1);
      expect(chooseBallotOption(options, "option 2").index).to.equal(1);
      expect(chooseBallotOption(options, "Option 1: Clearwater (600 USDz a month)").index).to.equal(0);
      expect(() => chooseBallotOption(options, "0")).to.throw(
        '"0" is not a choice of this proposal; choose 1 (Option 1: Clearwater (600 USDz a month)) or 2 (Option 2: Springco (450 USDz a month))',
      );
      expect(() => chooseBallotOption(options, "for")).to.throw("is not a choice");
    });

    it("refuses a choice that could mean two options", function () {
      const tricky = encodeProposalText({ title: "t", optionNames: ["2", "Two"] });
      const options = ballotOptions({ description: tricky, options: [[], []] });
      expect(() => chooseBallotOption(options, "2")).to.throw('"2" could mean Option 1: 2 or Option 2: Two');
      expect(validChoices(options)).to.equal("1 (Option 1: 2) or 2 (Option 2: Two)");
    });
  });

  describe("decisionRuleText", function () {
    it("states the For/Against/Abstain rule: quorum of all votes, approval among For and Against", function () {
      expect(decisionRuleText({ multipleChoice: false, quorumBps: 2000, approvalBps: 5000 })).to.equal(
        "Passes if at least 20% of the citizens who could vote take part (For, Against and Abstain all count) " +
          "and For has more than 50% of the For and Against votes (abstentions count toward the quorum only).",
      );
    });

    it("states the multiple-choice rule: the most votes, no tie, approval among all votes", function () {
      expect(decisionRuleText({ multipleChoice: true, quorumBps: 1250n, approvalBps: 4000n })).to.equal(
        "The option with the most votes wins if at least 12.5% of the citizens who could vote take part, " +
          "it has more than 40% of all votes, and no other option has as many votes (a tie for the most votes passes nothing).",
      );
    });
  });
});
