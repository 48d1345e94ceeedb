/** How the proposal list words a proposal's time, without a browser. */
import { expect } from "chai";
import { timeLeft } from "../src/proposals.js";

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
