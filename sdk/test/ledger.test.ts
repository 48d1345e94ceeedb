import { expect } from "chai";
import { ZeroAddress, parseEther, parseUnits } from "ethers";
import { acceptOffer, cancelOffer, offerTokens, openDividendRound, payEther, payToken } from "../actions.js";
import { createZone, zoneAt } from "../contracts.js";
import { rebuildGroup } from "../group.js";
import { ledgerBalance, ledgerReserved, readLedger, type LedgerEntry } from "../ledger.js";
import { proveDividendClaim } from "../proof.js";
import {
  TEST_RULES,
  alice,
  citizens,
  deployZoneWithCitizens,
  ethers,
  loadFixture,
  passProposal,
  time,
  type ZoneWorld,
} from "../../test/zone-fixture.js";

const PAYEE = "0x000000000000000000000000000000000000bEEF";
const usdz = (amount: string) => parseUnits(amount, 18);

/** A zone with citizens, a stablecoin (USDz) and a second token (GRAIN), both minted to the deployer. */
async function zoneWithTokens() {
  const world = await deployZoneWithCitizens();
  const deployer = await world.deployer.getAddress();
  const stablecoin = await ethers.deployContract("TestStablecoin");
  const grain = await ethers.deployContract("TestStablecoin");
  await (await stablecoin.mint(deployer, usdz("10000"))).wait();
  await (await grain.mint(deployer, usdz("10000"))).wait();
  return { world, deployer, stablecoin, grain };
}

/** A zone with citizens that reimburses relayers up to 0.001 ETH per vote. */
async function refundingZone() {
  return deployZoneWithCitizens({ ...TEST_RULES, maxRelayerRefundPerVote: parseEther("0.001") });
}

/** Deposits `amount` of `token` into the zone at `zone`, on the ledger. */
async function deposit(
  world: ZoneWorld,
  token: Awaited<ReturnType<typeof zoneWithTokens>>["stablecoin"],
  zone: string,
  amount: bigint,
) {
  await (await token.connect(world.deployer).approve(zone, amount)).wait();
  await (await zoneAt(zone, world.deployer).deposit(await token.getAddress(), amount)).wait();
}

/** An entry without where it is on chain, for comparison. */
function what({ kind, token, amount, counterparty, proposalId, source }: LedgerEntry) {
  return proposalId === undefined
    ? { kind, token, amount, counterparty, source }
    : { kind, token, amount, counterparty, proposalId, source };
}

describe("ledger", function () {
  it("lists deposits and payments in chain order and balances to the treasury", async function () {
    const { world, deployer, stablecoin } = await loadFixture(zoneWithTokens);
    const token = await stablecoin.getAddress();
    await deposit(world, stablecoin, world.zoneAddress, usdz("600"));
    await (await world.deployer.sendTransaction({ to: world.zoneAddress, value: parseEther("2") })).wait();

    const { proposalId, receipt } = await passProposal(
      world,
      [[payEther(PAYEE, parseEther("0.5")), payToken(world.zoneAddress, token, PAYEE, usdz("100"))]],
      "pay the gardener",
    );

    const ledger = await readLedger(world.zone);
    expect(ledger.map(what)).to.deep.equal([
      { kind: "in", token, amount: usdz("600"), counterparty: deployer, source: "TreasuryReceived" },
      {
        kind: "in",
        token: ZeroAddress,
        amount: parseEther("2"),
        counterparty: deployer,
        source: "TreasuryReceived",
      },
      {
        kind: "out",
        token: ZeroAddress,
        amount: parseEther("0.5"),
        counterparty: PAYEE,
        proposalId,
        source: "TreasuryPaid",
      },
      { kind: "out", token, amount: usdz("100"), counterparty: PAYEE, proposalId, source: "TreasuryPaid" },
    ]);
    expect(ledger.slice(2).map((entry) => entry.txHash)).to.deep.equal([receipt?.hash, receipt?.hash]);
    const order = ledger.map((entry) => [entry.blockNumber, entry.logIndex] as const);
    expect(order).to.deep.equal([...order].sort(([a, i], [b, j]) => a - b || i - j));

    expect(ledgerBalance(ledger, ZeroAddress)).to.equal(parseEther("1.5"));
    expect(ledgerBalance(ledger, ZeroAddress)).to.equal(await ethers.provider.getBalance(world.zoneAddress));
    expect(ledgerBalance(ledger, token.toLowerCase())).to.equal(usdz("500"));
    expect(ledgerBalance(ledger, token)).to.equal(await stablecoin.balanceOf(world.zoneAddress));
  });

  it("shows a relayer's refund as an outflow under the rule, naming no proposal", async function () {
    const world = await loadFixture(refundingZone);
    const [deployer, relayer] = await Promise.all([world.deployer.getAddress(), world.relayer.getAddress()]);
    await (await world.deployer.sendTransaction({ to: world.zoneAddress, value: parseEther("1") })).wait();
    // The relayer submits every vote of the proposal, so the zone owes it their gas.
    const { proposalId } = await passProposal(
      world,
      [[payEther(PAYEE, parseEther("0.5"))]],
      "pay the gardener",
    );
    const credit = await world.zone.relayerCredit(relayer);
    expect(credit).to.be.greaterThan(0n);
    const claim = await (await world.zone.claimRelayerRefund()).wait();

    const ledger = await readLedger(world.zone);
    expect(ledger.map(what)).to.deep.equal([
      {
        kind: "in",
        token: ZeroAddress,
        amount: parseEther("1"),
        counterparty: deployer,
        source: "TreasuryReceived",
      },
      {
        kind: "out",
        token: ZeroAddress,
        amount: parseEther("0.5"),
        counterparty: PAYEE,
        proposalId,
        source: "TreasuryPaid",
      },
      { kind: "out", token: ZeroAddress, amount: credit, counterparty: relayer, source: "RelayerRefunded" },
    ]);
    expect(ledger.at(-1)?.txHash).to.equal(claim?.hash);
    expect(ledgerBalance(ledger, ZeroAddress)).to.equal(parseEther("0.5") - credit);
    expect(ledgerBalance(ledger, ZeroAddress)).to.equal(await ethers.provider.getBalance(world.zoneAddress));
  });

  it("shows trades, escrow and dividend claims on both zones' ledgers, balancing to the treasuries", async function () {
    const { world, deployer, stablecoin, grain } = await loadFixture(zoneWithTokens);
    const [seller, trade] = [world.zoneAddress, await world.factory.TRADE()];
    const [usdzAddress, grainAddress] = [await stablecoin.getAddress(), await grain.getAddress()];
    const buyerAddress = await createZone(world.factory, {
      name: "Hillside",
      registrar: await world.registrar.getAddress(),
      rules: TEST_RULES,
    });
    const buyer: ZoneWorld = {
      ...world,
      zone: zoneAt(buyerAddress, world.relayer),
      zoneAddress: buyerAddress,
    };
    await (
      await buyer.zone.connect(world.registrar).addMembers(citizens.map((citizen) => citizen.commitment))
    ).wait();
    await deposit(world, stablecoin, seller, usdz("1000"));
    await deposit(world, grain, buyerAddress, usdz("500"));

    // The seller offers 100 USDz for 200 GRAIN and 50 USDz it will withdraw, and shares 10 USDz a citizen.
    const expiry = (await time.latest()) + 30 * 86_400;
    const terms = { zone: seller, trade, token: usdzAddress, paymentToken: grainAddress, expiry };
    const { proposalId: offered } = await passProposal(
      world,
      [
        [
          ...offerTokens({ ...terms, quantity: usdz("100"), pricePerUnit: 2n }),
          ...offerTokens({ ...terms, quantity: usdz("50"), pricePerUnit: 1n }),
          openDividendRound(seller, usdzAddress, usdz("10"), 30 * 86_400),
        ],
      ],
      "sell USDz for GRAIN; share 10 USDz",
    );
    const { proposalId: accepted } = await passProposal(
      buyer,
      [acceptOffer({ trade, paymentToken: grainAddress, total: usdz("200"), offerId: 1n })],
      "buy 100 USDz",
    );
    const claim = await proveDividendClaim(
      alice,
      await rebuildGroup(world.zone, { untilDividendRound: 1n }),
      {
        chainId: world.chainId,
        zone: seller,
        roundId: 1n,
        recipient: PAYEE,
      },
    );
    await (
      await world.zone.claimDividend(claim.roundId, claim.recipient, claim.nullifier, claim.points)
    ).wait();
    await passProposal(world, [[cancelOffer(trade, 2n)]], "withdraw offer 2");

    const sellerLedger = await readLedger(world.zone);
    expect(sellerLedger.map(what)).to.deep.equal([
      {
        kind: "in",
        token: usdzAddress,
        amount: usdz("1000"),
        counterparty: deployer,
        source: "TreasuryReceived",
      },
      // Escrow of both offers, decided by the offering proposal.
      {
        kind: "out",
        token: usdzAddress,
        amount: usdz("100"),
        counterparty: trade,
        proposalId: offered,
        source: "TreasuryPaid",
      },
      {
        kind: "out",
        token: usdzAddress,
        amount: usdz("50"),
        counterparty: trade,
        proposalId: offered,
        source: "TreasuryPaid",
      },
      // The dividend round sets 10 USDz aside for each of the four citizens of its proposal.
      {
        kind: "reserve",
        token: usdzAddress,
        amount: usdz("40"),
        counterparty: seller,
        proposalId: offered,
        source: "DividendRoundOpened",
      },
      // The sale's price, from the buying zone.
      {
        kind: "in",
        token: grainAddress,
        amount: usdz("200"),
        counterparty: buyerAddress,
        source: "TreasuryReceived",
      },
      // The dividend claim, paid from the money set aside, on the authority of the opening proposal.
      {
        kind: "release",
        token: usdzAddress,
        amount: usdz("10"),
        counterparty: PAYEE,
        proposalId: offered,
        source: "DividendClaimed",
      },
      {
        kind: "out",
        token: usdzAddress,
        amount: usdz("10"),
        counterparty: PAYEE,
        proposalId: offered,
        source: "TreasuryPaid",
      },
      // The withdrawn offer's tokens back from escrow.
      { kind: "in", token: usdzAddress, amount: usdz("50"), counterparty: trade, source: "TreasuryReceived" },
    ]);
    expect(ledgerBalance(sellerLedger, usdzAddress)).to.equal(await stablecoin.balanceOf(seller));
    expect(ledgerBalance(sellerLedger, usdzAddress)).to.equal(usdz("890"));
    expect(ledgerReserved(sellerLedger, usdzAddress)).to.equal(usdz("30"));
    expect(ledgerReserved(sellerLedger, usdzAddress)).to.equal(await world.zone.reservedFunds(usdzAddress));
    expect(ledgerBalance(sellerLedger, grainAddress)).to.equal(await grain.balanceOf(seller));

    const buyerLedger = await readLedger(buyer.zone);
    expect(buyerLedger.map(what)).to.deep.equal([
      {
        kind: "in",
        token: grainAddress,
        amount: usdz("500"),
        counterparty: deployer,
        source: "TreasuryReceived",
      },
      {
        kind: "out",
        token: grainAddress,
        amount: usdz("200"),
        counterparty: seller,
        proposalId: accepted,
        source: "TreasuryPaid",
      },
      {
        kind: "in",
        token: usdzAddress,
        amount: usdz("100"),
        counterparty: trade,
        source: "TreasuryReceived",
      },
    ]);
    expect(ledgerBalance(buyerLedger, grainAddress)).to.equal(await grain.balanceOf(buyerAddress));
    expect(ledgerBalance(buyerLedger, usdzAddress)).to.equal(await stablecoin.balanceOf(buyerAddress));
  });

  it("shows what a dividend round sets aside, each claim paid from it and what its close returns", async function () {
    const world = await loadFixture(deployZoneWithCitizens);
    await (await world.deployer.sendTransaction({ to: world.zoneAddress, value: parseEther("1") })).wait();
    const { proposalId } = await passProposal(
      world,
      [[openDividendRound(world.zoneAddress, ZeroAddress, parseEther("0.1"), 86_400)]],
      "share 0.1 ETH",
    );
    const claim = await proveDividendClaim(
      alice,
      await rebuildGroup(world.zone, { untilDividendRound: 1n }),
      {
        chainId: world.chainId,
        zone: world.zoneAddress,
        roundId: 1n,
        recipient: PAYEE,
      },
    );
    await (
      await world.zone.claimDividend(claim.roundId, claim.recipient, claim.nullifier, claim.points)
    ).wait();
    await time.increase(86_400);
    const closing = await (await world.zone.closeDividendRound(1n)).wait();

    const ledger = await readLedger(world.zone);
    const zone = world.zoneAddress;
    const round = { token: ZeroAddress, proposalId, roundId: 1n };
    expect(
      ledger
        .filter((entry) => entry.roundId !== undefined)
        .map(({ kind, amount, counterparty, source, ...rest }) => ({
          kind,
          amount,
          counterparty,
          source,
          token: rest.token,
          proposalId: rest.proposalId,
          roundId: rest.roundId,
        })),
    ).to.deep.equal([
      {
        kind: "reserve",
        amount: parseEther("0.4"),
        counterparty: zone,
        source: "DividendRoundOpened",
        ...round,
      },
      {
        kind: "release",
        amount: parseEther("0.1"),
        counterparty: PAYEE,
        source: "DividendClaimed",
        ...round,
      },
      {
        kind: "release",
        amount: parseEther("0.3"),
        counterparty: zone,
        source: "DividendRoundClosed",
        ...round,
      },
    ]);
    expect(ledger.at(-1)?.txHash).to.equal(closing?.hash);
    expect(ledgerReserved(ledger, ZeroAddress)).to.equal(0n);
    expect(ledgerBalance(ledger, ZeroAddress)).to.equal(parseEther("0.9"));
    expect(ledgerBalance(ledger, ZeroAddress)).to.equal(await ethers.provider.getBalance(zone));
  });
});
