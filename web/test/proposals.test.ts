/** How the proposal list words a proposal's time and names its options, without a browser. */
import { expect } from "chai";
import { encodeProposalText } from "../../sdk/proposal-text.js";
import type { ProposalInfo } from "../../sdk/relayer-api.js";
import { ballotOrder, optionEffect, optionName, timeLeft } from "../src/proposals.js";

const now = 1_000_000;
const DAY = 86_400;

describe("timeLeft (the proposal list)", function () {
  it("says how long voting stays open, in the two largest units, rounded up", function () {
    const active = {
      state: "Active" as const,
      voteStart: now - DAY,
      voteEnd: now + 2 * DAY + 3 * 3600 + 600,
    };
    expect(timeLeft(active, now)).to.equal("2 days 4 hours left");
    expect(timeLeft({ ...active, voteEnd: now + 3600 }, now)).to.equal("1 hour left");
    expect(timeLeft({ ...active, voteEnd: now + 90 }, now)).to.equal("1 minute 30 seconds left");
  });

  it("says when voting opens", function () {
    const pending = { state: "Pending" as const, voteStart: now + 5 * 3600 + 1200, voteEnd: now + 3 * DAY };
    expect(timeLeft(pending, now)).to.equal("opens in 5 hours 20 minutes");
  });

  it("says moments when the chain's clock has reached the time, and closed once voting ended", function () {
    expect(timeLeft({ state: "Active", voteStart: now - DAY, voteEnd: now }, now)).to.equal("moments left");
    expect(timeLeft({ state: "Succeeded", voteStart: now - DAY, voteEnd: now - 1 }, now)).to.equal(
      "voting closed",
    );
  });
});

describe("ballotOrder and optionName (every list, button and result)", function () {
  const action = { target: "0x00000000000000000000000000000000000000bb", value: "1", data: "0x" };
  const proposal = (description: string, options: ProposalInfo["options"]) =>
    ({
      description,
      options,
      multipleChoice: options.length > 1,
      optionCount: options.length,
    }) as ProposalInfo;

  it("shows For, Against, Abstain in that order, by the chain's option index", function () {
    const forAgainst = proposal("Build a library", [[action]]);
    expect(ballotOrder(forAgainst)).to.deep.equal([1, 0, 2]);
    expect([0, 1, 2].map((option) => optionName(forAgainst, option))).to.deep.equal([
      "Against",
      "For",
      "Abstain",
    ]);
  });

  it("counts a multiple-choice proposal's options from 1 in chain order, named by its text", function () {
    const description = encodeProposalText({ title: "Water", optionNames: ["Clearwater", "Springco"] });
    const water = proposal(description, [[action], []]);
    expect(ballotOrder(water)).to.deep.equal([0, 1]);
    expect(optionName(water, 1)).to.equal("Option 2: Springco");
    expect(optionName(proposal("Water", [[action], []]), 1)).to.equal("Option 2");
  });

  it("tells what an option does without its label, for under its vote button", function () {
    const description = encodeProposalText({ title: "Water", optionNames: ["Clearwater", "Springco"] });
    const water = proposal(description, [[action], []]);
    const lines = ["Option 1: Clearwater — pay 1 wei", "Option 2: Springco — nothing happens"];
    expect(optionEffect(water, 1, lines)).to.equal("nothing happens");
    expect(optionEffect(proposal("x", [[action]]), 1, [, "For: pay 1 wei"] as string[])).to.equal(
      "pay 1 wei",
    );
    expect(optionEffect(water, 0, undefined)).to.equal(undefined);
  });
});
