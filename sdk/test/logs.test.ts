/**
 * Event reads in pieces an RPC serves: a piece refused for its size is asked again in halves, the
 * size learnt is kept, and any other failure is the caller's.
 */
import { expect } from "chai";
import { LOG_RANGE, currentLogRange, inLogRanges, isLogRangeRefusal, setLogRange } from "../logs.js";

/** A query over blocks that answers each block's number, refusing more than `cap` blocks at once. */
function cappedAt(cap: number, asked: [number, number][]) {
  return (from: number, to: number) => {
    asked.push([from, to]);
    if (to - from + 1 > cap)
      return Promise.reject(new Error(`eth_getLogs is limited to a ${cap} block range`));
    return Promise.resolve(Array.from({ length: to - from + 1 }, (_, i) => from + i));
  };
}

describe("sdk logs: event reads in pieces an RPC serves", function () {
  afterEach(function () {
    setLogRange(LOG_RANGE);
  });

  it("halves a refused piece until the RPC answers, reads every block once, and keeps the size", async function () {
    const asked: [number, number][] = [];
    const blocks = await inLogRanges(10, 3_009, cappedAt(1_000, asked));
    expect(blocks).to.deep.equal(Array.from({ length: 3_000 }, (_, i) => 10 + i));
    expect(asked.slice(0, 4)).to.deep.equal([
      [10, 3_009],
      [10, 1_509],
      [10, 759],
      [760, 1_509],
    ]);
    expect(currentLogRange()).to.equal(750);
    // The next read starts at the size learnt: no refused request.
    const again: [number, number][] = [];
    await inLogRanges(0, 1_499, cappedAt(1_000, again));
    expect(again).to.deep.equal([
      [0, 749],
      [750, 1_499],
    ]);
  });

  it("passes on any other failure, and a refusal of a single block", async function () {
    const failure = (read: Promise<unknown>) =>
      read.then(
        () => "answered",
        (error: Error) => error.message,
      );
    const down = () => Promise.reject(new Error("connection refused"));
    expect(await failure(inLogRanges(0, 10, down))).to.equal("connection refused");
    expect(currentLogRange()).to.equal(LOG_RANGE);
    expect(await failure(inLogRanges(0, 10, cappedAt(0, [])))).to.equal(
      "eth_getLogs is limited to a 0 block range",
    );
  });

  it("knows the refusals of common RPC providers, as ethers reports them", function () {
    for (const message of [
      "eth_getLogs is limited to a 1000 block range",
      "query returned more than 10000 results",
      "block range is too wide",
      "query exceeds max block range 1000",
      "Log response size exceeded",
    ]) {
      expect(isLogRangeRefusal(new Error(message)), message).to.equal(true);
      expect(
        isLogRangeRefusal({ message: "could not coalesce error", error: { message } }),
        message,
      ).to.equal(true);
    }
    expect(isLogRangeRefusal(new Error("execution reverted"))).to.equal(false);
    expect(() => setLogRange(0)).to.throw(RangeError);
  });
});
