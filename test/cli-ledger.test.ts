/**
 * `zonedao ledger`, run as its own process against the tests' chain: a zone that received ether and
 * USDz, paid by a passed proposal, opened a dividend round with one claim paid, and refunded its
 * relayer's gas reads the same in text and in --json as the sdk's treasurySummary.
 */
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet, ZeroAddress, parseEther } from "ethers";
import { openDividendRound, payEther } from "../sdk/actions.js";
import { deployedZone, deploymentFileFor, formatDeployment } from "../sdk/deployment.js";
import { rebuildGroup } from "../sdk/group.js";
import { proveDividendClaim } from "../sdk/proof.js";
import { zonedao, zonedaoJson } from "./cli-fixture.js";
import { startRpcBridge, type RpcBridge } from "./rpc-bridge.js";
import {
  TEST_RULES,
  alice,
  deployZoneWithCitizens,
  ethers,
  passProposal,
  type ZoneWorld,
} from "./zone-fixture.js";

const PAYEE = "0x000000000000000000000000000000000000bEEF";
// A new one each run: test files share one chain, and another may have paid a fixed address.
const FRESH = Wallet.createRandom().address;

interface LedgerJson {
  zone: string;
  tokens: {
    token: string;
    balance: string;
    reserved: string;
    series: { blockNumber: number; time: number; balance: string }[];
  }[];
  flows: { proposalId?: string; source?: string; token: string; inflow: string; outflow: string }[];
  rounds: { roundId: string; proposalId: string; outstanding: string; claims: number }[];
  refunds: { total: string; count: number };
  entries: { kind: string; source: string }[];
}

describe("zonedao ledger", function () {
  this.timeout(180_000);
  let bridge: RpcBridge;
  let world: ZoneWorld;
  let deploymentPath: string;
  let usdz: string;
  let payment: bigint;
  let dividend: bigint;
  let refund: bigint;

  before(async function () {
    bridge = await startRpcBridge();
    world = await deployZoneWithCitizens({ ...TEST_RULES, maxRelayerRefundPerVote: parseEther("0.001") });
    const stablecoin = await ethers.deployContract("TestStablecoin");
    usdz = await stablecoin.getAddress();
    await (await stablecoin.mint(await world.deployer.getAddress(), parseEther("500"))).wait();
    await (await stablecoin.connect(world.deployer).approve(world.zoneAddress, parseEther("500"))).wait();
    await (await world.zone.connect(world.deployer).deposit(usdz, parseEther("500"))).wait();
    await (await world.deployer.sendTransaction({ to: world.zoneAddress, value: parseEther("2") })).wait();
    ({ proposalId: payment } = await passProposal(
      world,
      [[payEther(PAYEE, parseEther("0.5"))]],
      "pay the gardener",
    ));
    ({ proposalId: dividend } = await passProposal(
      world,
      [[openDividendRound(world.zoneAddress, ZeroAddress, parseEther("0.1"), 86_400)]],
      "share 0.1 ETH each",
    ));
    const claim = await proveDividendClaim(
      alice,
      await rebuildGroup(world.zone, { untilDividendRound: 1n }),
      {
        chainId: world.chainId,
        zone: world.zoneAddress,
        roundId: 1n,
        recipient: FRESH,
      },
    );
    await (
      await world.zone.claimDividend(claim.roundId, claim.recipient, claim.nullifier, claim.points)
    ).wait();
    refund = await world.zone.relayerCredit(await world.relayer.getAddress());
    await (await world.zone.claimRelayerRefund()).wait();

    const file = await deploymentFileFor(world.deployment, ethers.provider, {
      network: "test",
      rpcUrl: bridge.url,
    });
    file.contracts.stablecoin = usdz;
    file.zones.push(await deployedZone(file, world.zoneAddress, ethers.provider));
    deploymentPath = join(mkdtempSync(join(tmpdir(), "zonedao-ledger-")), "deployment.json");
    writeFileSync(deploymentPath, formatDeployment(file));
  });

  after(async function () {
    await bridge?.close();
  });

  it("prints balances, every movement with the proposal that decided it, the round's outstanding and the refunds", async function () {
    const run = await zonedao(["ledger", "--deployment", deploymentPath, "--zone", "Riverside"]);
    expect(run.code, run.stderr).to.equal(0);
    const ether = parseEther("2") - parseEther("0.5") - parseEther("0.1") - refund;
    const lines = run.stdout.split("\n");
    expect(lines[0]).to.equal(`treasury of Riverside (${world.zoneAddress})`);
    expect(run.stdout).to.include(
      `    ${ethers.formatEther(ether).replace(/\.0$/, "")} ETH (0.3 ETH set aside for dividends)`,
    );
    expect(run.stdout).to.include("    500 USDz");
    const moves = lines.filter((line) => / {2}(in |out) {2}/.test(line));
    expect(moves).to.have.length(5);
    expect(moves[0]).to.match(
      /^ {4}\d{4}-\d\d-\d\dT.* {2}in {3}500 USDz {2}from 0x[0-9a-fA-F]{40} {2}received$/,
    );
    expect(moves[2]).to.match(new RegExp(`out {2}0\\.5 ETH {2}to ${PAYEE} {2}proposal #${payment}$`));
    expect(moves[3]).to.match(new RegExp(`out {2}0\\.1 ETH {2}to ${FRESH} {2}proposal #${dividend}$`));
    expect(moves[4]).to.match(/out {2}0\.0\d+ ETH {2}to 0x[0-9a-fA-F]{40} {2}relayer refund$/);
    expect(run.stdout).to.include(
      `    round #1 (proposal #${dividend}): still owes 0.3 ETH of 0.4 ETH (1 claim paid)`,
    );
    expect(run.stdout).to.include("  relayer refunds paid: ");
    expect(run.stdout).to.include(" in 1 refund\n");
  });

  it("--json prints the sdk's summary with amounts as decimal strings; --token keeps one token", async function () {
    const summary = await zonedaoJson<LedgerJson>([
      "ledger",
      "--rpc",
      bridge.url,
      "--zone",
      world.zoneAddress,
    ]);
    expect(summary.zone).to.equal(world.zoneAddress);
    expect(summary.tokens.map((token) => token.token)).to.deep.equal([ZeroAddress, usdz]);
    const [ether] = summary.tokens;
    expect(BigInt(ether!.balance)).to.equal(await ethers.provider.getBalance(world.zoneAddress));
    expect(ether!.reserved).to.equal(parseEther("0.3").toString());
    expect(ether!.series.at(-1)!.balance).to.equal(ether!.balance);
    expect(ether!.series.every((point) => Number.isInteger(point.time))).to.equal(true);
    expect(summary.flows.find((flow) => flow.proposalId === payment.toString())?.outflow).to.equal(
      parseEther("0.5").toString(),
    );
    expect(summary.rounds).to.deep.include({
      ...summary.rounds[0],
      roundId: "1",
      outstanding: parseEther("0.3").toString(),
      claims: 1,
    });
    expect(summary.refunds).to.deep.include({ total: refund.toString(), count: 1 });

    const usdzOnly = await zonedaoJson<LedgerJson>([
      "ledger",
      "--rpc",
      bridge.url,
      "--zone",
      world.zoneAddress,
      "--token",
      usdz,
    ]);
    expect(usdzOnly.tokens.map((token) => token.token)).to.deep.equal([usdz]);
    expect(usdzOnly.entries.map((entry) => entry.source)).to.deep.equal(["TreasuryReceived"]);
  });

  it("refuses a --token that is not an address (exit 2)", async function () {
    const run = await zonedao([
      "ledger",
      "--rpc",
      bridge.url,
      "--zone",
      world.zoneAddress,
      "--token",
      "USDz",
    ]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include('--token: "USDz" is not an address');
  });
});
