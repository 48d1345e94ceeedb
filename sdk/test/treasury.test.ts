import { expect } from "chai";
import { ZeroAddress, getAddress, parseEther } from "ethers";
import type { LedgerEntry } from "../ledger.js";
import {
  flowLabel,
  formatTreasuryAmount,
  readBlockTimes,
  treasuryJson,
  treasurySummary,
} from "../treasury.js";
import { ethers } from "../../test/zone-fixture.js";

const USDZ = getAddress("0x00000000000000000000000000000000000000aa");
const ZONE = getAddress("0x00000000000000000000000000000000000000bb");
const ANA = getAddress("0x00000000000000000000000000000000000000cc");
const RELAYER = getAddress("0x00000000000000000000000000000000000000dd");
const PARENT = getAddress("0x00000000000000000000000000000000000000ee");

let logIndex = 0;
function entry(
  blockNumber: number,
  kind: LedgerEntry["kind"],
  source: LedgerEntry["source"],
  amount: bigint,
  extra: Partial<LedgerEntry> = {},
): LedgerEntry {
  return {
    kind,
    source,
    amount,
    token: ZeroAddress,
    counterparty: ANA,
    blockNumber,
    txHash: `0x${blockNumber.toString(16).padStart(64, "0")}`,
    logIndex: logIndex++,
    ...extra,
  };
}

/** A zone given 10 ETH and 500 USDz, paying 2 ETH by proposal 1, sharing 1 ETH as dividends (round 1 of proposal 2), one claim. */
const LEDGER: LedgerEntry[] = [
  entry(10, "in", "TreasuryReceived", parseEther("10")),
  entry(11, "in", "TreasuryReceived", parseEther("500"), { token: USDZ }),
  entry(20, "out", "TreasuryPaid", parseEther("2"), { proposalId: 1n }),
  entry(20, "out", "RelayerRefunded", parseEther("0.001"), { counterparty: RELAYER }),
  entry(30, "reserve", "DividendRoundOpened", parseEther("1"), {
    proposalId: 2n,
    roundId: 1n,
    counterparty: ZONE,
  }),
  entry(31, "out", "TreasuryPaid", parseEther("0.25"), { proposalId: 2n }),
  entry(31, "release", "DividendClaimed", parseEther("0.25"), { proposalId: 2n, roundId: 1n }),
  entry(32, "out", "RelayerRefunded", parseEther("0.002"), { counterparty: RELAYER }),
  entry(33, "out", "IncomeShared", parseEther("50"), { token: USDZ, counterparty: PARENT }),
];

describe("treasurySummary", function () {
  it("draws each token's balance as one point per block, starting from nothing", function () {
    const times = new Map(
      [10, 11, 20, 30, 31, 32, 33].map((block) => [block, 1_700_000_000 + block] as const),
    );
    const { tokens } = treasurySummary(LEDGER, { times });
    expect(tokens.map((token) => token.token)).to.deep.equal([ZeroAddress, USDZ]);
    const [ether, usdz] = tokens;
    expect(ether!.series).to.deep.equal([
      { blockNumber: 10, time: 1_700_000_010, balance: 0n },
      { blockNumber: 10, time: 1_700_000_010, balance: parseEther("10") },
      { blockNumber: 20, time: 1_700_000_020, balance: parseEther("7.999") },
      { blockNumber: 31, time: 1_700_000_031, balance: parseEther("7.749") },
      { blockNumber: 32, time: 1_700_000_032, balance: parseEther("7.747") },
    ]);
    expect(ether!.balance).to.equal(parseEther("7.747"));
    expect(ether!.reserved).to.equal(parseEther("0.75"));
    expect(usdz!.balance).to.equal(parseEther("450"));
    expect(usdz!.series.map((point) => point.balance)).to.deep.equal([
      0n,
      parseEther("500"),
      parseEther("450"),
    ]);
  });

  it("groups money in and out by the proposal that decided it, and the rest by source", function () {
    const { flows } = treasurySummary(LEDGER);
    expect(
      flows.map((flow) => [flowLabel(flow), flow.token, flow.inflow, flow.outflow, flow.entries]),
    ).to.deep.equal([
      ["received", ZeroAddress, parseEther("10"), 0n, 1],
      ["received", USDZ, parseEther("500"), 0n, 1],
      ["proposal #1", ZeroAddress, 0n, parseEther("2"), 1],
      ["relayer refund", ZeroAddress, 0n, parseEther("0.003"), 2],
      ["proposal #2", ZeroAddress, 0n, parseEther("0.25"), 1],
      ["income share to the parent zone", USDZ, 0n, parseEther("50"), 1],
    ]);
  });

  it("lists open dividend rounds with what they still owe, and leaves closed ones out", function () {
    const open = treasurySummary(LEDGER).rounds;
    expect(open).to.deep.equal([
      {
        roundId: 1n,
        proposalId: 2n,
        token: ZeroAddress,
        reserved: parseEther("1"),
        claimed: parseEther("0.25"),
        claims: 1,
        outstanding: parseEther("0.75"),
        blockNumber: 30,
      },
    ]);
    const closing = entry(40, "release", "DividendRoundClosed", parseEther("0.75"), {
      roundId: 1n,
      proposalId: 2n,
      counterparty: ZONE,
    });
    const summary = treasurySummary([...LEDGER, closing]);
    expect(summary.rounds).to.deep.equal([]);
    expect(summary.tokens[0]!.reserved).to.equal(0n);
  });

  it("sums relayer refunds per relayer", function () {
    expect(treasurySummary(LEDGER).refunds).to.deep.equal({
      total: parseEther("0.003"),
      count: 2,
      byRelayer: [{ relayer: RELAYER, amount: parseEther("0.003"), count: 2 }],
    });
  });

  it("keeps one token when asked, and writes bigints as decimal strings in JSON", function () {
    const summary = treasurySummary(LEDGER, { token: USDZ.toLowerCase() });
    expect(summary.tokens.map((token) => token.token)).to.deep.equal([USDZ]);
    expect(summary.entries).to.have.length(2);
    expect(summary.rounds).to.deep.equal([]);
    const json = treasuryJson(summary) as { tokens: { balance: string }[] };
    expect(json.tokens[0]!.balance).to.equal(parseEther("450").toString());
  });

  it("an empty ledger: ether at zero, nothing else", function () {
    const summary = treasurySummary([]);
    expect(summary.tokens).to.deep.equal([{ token: ZeroAddress, balance: 0n, reserved: 0n, series: [] }]);
    expect(summary.flows).to.deep.equal([]);
    expect(summary.refunds.total).to.equal(0n);
  });
});

describe("formatTreasuryAmount", function () {
  it("writes ether and known tokens with their symbol, others as base units of their address", function () {
    expect(formatTreasuryAmount(parseEther("1234.5"), ZeroAddress)).to.equal("1,234.5 ETH");
    expect(
      formatTreasuryAmount(parseEther("500"), USDZ, {
        [USDZ.toLowerCase()]: { symbol: "USDz", decimals: 18 },
      }),
    ).to.equal("500 USDz");
    expect(formatTreasuryAmount(-parseEther("0.25"), ZeroAddress)).to.equal("-0.25 ETH");
    expect(formatTreasuryAmount(7n, USDZ)).to.equal("7 units of 0x0000…00AA");
    const glance = { maxFractionDigits: 4 };
    expect(formatTreasuryAmount(parseEther("3.89862147"), ZeroAddress, {}, glance)).to.equal("≈3.8986 ETH");
    expect(formatTreasuryAmount(parseEther("0.25"), ZeroAddress, {}, glance)).to.equal("0.25 ETH");
    expect(formatTreasuryAmount(parseEther("0.00000123"), ZeroAddress, {}, glance)).to.equal("<0.0001 ETH");
    expect(formatTreasuryAmount(-parseEther("0.00137852"), ZeroAddress, {}, glance)).to.equal("≈-0.0014 ETH");
  });
});

describe("readBlockTimes", function () {
  it("reads each distinct block's timestamp once, in batches", async function () {
    await ethers.provider.send("hardhat_mine", ["0x30"]);
    const latest = await ethers.provider.getBlockNumber();
    const blocks = Array.from({ length: 45 }, (_, index) => latest - (index % 30));
    let asked = 0;
    const counting = {
      getBlock: (blockNumber: number) => {
        asked += 1;
        return ethers.provider.getBlock(blockNumber);
      },
    };
    const times = await readBlockTimes(counting, blocks);
    expect(asked).to.equal(30);
    expect(times.size).to.equal(30);
    expect(times.get(latest)).to.equal((await ethers.provider.getBlock(latest))!.timestamp);
  });
});
