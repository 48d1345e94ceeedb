/**
 * The zone economy, end to end with real Semaphore proofs: the treasury's public ledger, dividends,
 * public services, internal DAOs, goods with their domestic reserve, and trade between zones.
 */
import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import type { Interface } from "ethers";
import { auditZone } from "../../sdk/audit/index.js";
import {
  admissionsOf,
  appointInspector,
  cancelOffer,
  createService,
  describeAction,
  endService,
  ledgerBalance,
  ledgerReserved,
  offerGoods,
  offerTokens,
  productionBudget,
  proveDividendClaim,
  readEconomyNames,
  readLedger,
  rebuildGroup,
  requestAdmissions,
  revokeAttestation,
  rewardFor,
  setReserve,
  setRewardRule,
  type DividendClaim,
  type GoodsOffer,
  type Zone,
  type ZoneAction,
} from "../../sdk/index.js";
import {
  BurnableZoneGoods__factory,
  FeeOnTransferToken__factory,
  RebasingToken__factory,
  TestStablecoin__factory,
  ReentrantToken__factory,
  ZoneGoods__factory,
  ZoneServices__factory,
  ZoneTrade__factory,
  Zone__factory,
  type FeeOnTransferToken,
  type RebasingToken,
  type TestStablecoin,
} from "../../types/ethers-contracts/index.js";
import {
  TEST_RULES,
  citizens,
  createSecondZone,
  deployZoneWithCitizens,
  ethers,
  loadFixture,
  networkHelpers,
  outsider,
  passProposal,
  proposeAs,
  queuePassedProposal,
  time,
  zoneWorldAt,
  Identity,
  type ZoneWorld,
} from "../../test/zone-fixture.js";

const [alice, bob] = citizens as [Identity, Identity, Identity, Identity];
/** Two of the four citizens: exactly the 50% quorum, and unanimous, so every proposal passes. */
const VOTERS = [alice, bob];
/** The members of the internal DAO (a farm cooperative) and the two of them who vote. */
const FARMERS = [0, 1, 2].map((i) => new Identity(`zonedao-test-farmer-${i}`));
const FARM_VOTERS = FARMERS.slice(0, 2);

const DAY = 86_400;
const ETHER = ethers.ZeroAddress;
// An address no other test file pays: the chain is shared by every test file.
const PAYEE = "0x00000000000000000000000000000000000Ec001";
/** USDz has 18 decimals. */
const dollars = (amount: number) => ethers.parseEther(String(amount));

const TREASURY_DOLLARS = dollars(2_500);
const TREASURY_ETHER = ethers.parseEther("10");
const DIVIDEND = dollars(100);
/** How long citizens may claim a round's dividend. */
const CLAIM_PERIOD = 30 * DAY;
const HEALTHCARE_BUDGET = dollars(1_000);
const SERVICE_PERIOD = 30 * DAY;
/** The farm returns 20% of its outside income to its parent zone. */
const FARM_SHARE_BPS = 2_000n;
const GRAIN = "grain";
const HARVEST = 100n;
const GRAIN_RESERVE = 60n;
const SURPLUS = HARVEST - GRAIN_RESERVE;
const GRAIN_PRICE = dollars(5);
/** The harvest's declared recyclable content: 80% (its sacks are recycled jute). */
const HARVEST_RECYCLABLE_BPS = 8_000;
const OFFER_LIFETIME = 7 * DAY;
const priceOf = (quantity: bigint) => quantity * GRAIN_PRICE;
/** ZoneTrade.OfferStatus. */
const OFFER = { Open: 1n, Settled: 2n, Cancelled: 3n, Expired: 4n };
/** IZone.ProposalState.Queued. */
const QUEUED = 5n;

const zoneInterface = Zone__factory.createInterface();
const servicesInterface = ZoneServices__factory.createInterface();
const goodsInterface = ZoneGoods__factory.createInterface();
const tradeInterface = ZoneTrade__factory.createInterface();
const tokenInterface = TestStablecoin__factory.createInterface();

function call(target: string, data: string, value = 0n): ZoneAction {
  return { target, value, data };
}

/** The action by which a zone's vote pays from its treasury (`token` ETHER for ether). */
function payAction(zone: string, token: string, to: string, amount: bigint): ZoneAction {
  return call(zone, zoneInterface.encodeFunctionData("pay", [token, to, amount]));
}

/** The action by which a zone's vote opens a dividend round of `amountPerCitizen` of `token`. */
function openRoundAction(zone: string, token: string, amountPerCitizen: bigint): ZoneAction {
  return call(
    zone,
    zoneInterface.encodeFunctionData("openDividendRound", [token, amountPerCitizen, CLAIM_PERIOD]),
  );
}

/** The revert data of a failed action: what execute wraps in ZoneActionFailed. */
function errorData(contractInterface: Interface, error: string, args: unknown[]): string {
  return contractInterface.encodeErrorResult(error, args);
}

/** Expects execute to fail because action `index` reverted with `error`. */
async function expectActionFailure(
  execution: Promise<unknown>,
  zone: Zone,
  index: number,
  [contractInterface, error, args]: [Interface, string, unknown[]],
) {
  const data = errorData(contractInterface, error, args);
  await expect(execution).to.be.revertedWithCustomError(zone, "ZoneActionFailed").withArgs(index, data);
}

// ---------------------------------------------------------------------------------------------------
// Fixtures. Each builds on the one before by calling it (never loadFixture inside a fixture).
// ---------------------------------------------------------------------------------------------------

/** Zone Riverside with four citizens, 10 ETH and 2,500 USDz in its treasury, and the modules. */
async function economy() {
  const world = await deployZoneWithCitizens();
  const [, , , stranger, provider, rivalProvider, thirdProvider] = await ethers.getSigners();
  if (!stranger || !provider || !rivalProvider || !thirdProvider) throw new Error("need 7 signers");
  const stablecoin = await (await new TestStablecoin__factory(world.deployer).deploy()).waitForDeployment();
  const services = ZoneServices__factory.connect(await world.factory.SERVICES(), world.relayer);
  const goods = ZoneGoods__factory.connect(await world.factory.GOODS(), world.relayer);
  const trade = ZoneTrade__factory.connect(await world.factory.TRADE(), world.relayer);
  await (await world.deployer.sendTransaction({ to: world.zoneAddress, value: TREASURY_ETHER })).wait();
  const economyWorld = {
    ...world,
    stablecoin,
    stablecoinAddress: await stablecoin.getAddress(),
    services,
    servicesAddress: await services.getAddress(),
    goods,
    goodsAddress: await goods.getAddress(),
    trade,
    tradeAddress: await trade.getAddress(),
    stranger,
    provider,
    rivalProvider,
    thirdProvider,
  };
  await depositDollars(economyWorld, world, TREASURY_DOLLARS);
  return economyWorld;
}
type Economy = Awaited<ReturnType<typeof economy>>;

/** A test token anyone can mint. */
type MintableToken = TestStablecoin | FeeOnTransferToken | RebasingToken;

/** Mints `token` to the deployer and deposits it into `into`'s treasury, on its ledger. */
async function depositToken(world: Economy, token: MintableToken, into: ZoneWorld, amount: bigint) {
  const minted = token.connect(world.deployer);
  await (await minted.mint(await world.deployer.getAddress(), amount)).wait();
  await (await minted.approve(into.zoneAddress, amount)).wait();
  await (await into.zone.connect(world.deployer).deposit(await token.getAddress(), amount)).wait();
}

/** Mints USDz to the deployer and deposits it into `into`'s treasury, on its ledger. */
async function depositDollars(world: Economy, into: ZoneWorld, amount: bigint) {
  await depositToken(world, world.stablecoin, into, amount);
}

/** Riverside after its citizens voted a 100 USDz dividend each, claimable for 30 days. */
async function withDividendRound() {
  const world = await economy();
  const opening = await passProposal(
    world,
    [[openRoundAction(world.zoneAddress, world.stablecoinAddress, DIVIDEND)]],
    "Share 100 USDz with every citizen",
    { voters: VOTERS },
  );
  const roundId = await world.zone.dividendRoundCount();
  const snapshotGroup = await rebuildGroup(world.zone, { untilDividendRound: roundId });
  const [opened] = await world.zone.queryFilter(world.zone.filters.DividendRoundOpened(roundId));
  const { claimDeadline } = opened!.args;
  return { ...world, roundId, snapshotGroup, claimDeadline, openingProposal: opening.proposalId };
}

function createServiceAction(world: Economy, provider: string, kind = "healthcare"): ZoneAction {
  return call(
    world.servicesAddress,
    servicesInterface.encodeFunctionData("createService", [
      kind,
      `The ${kind} service of ${provider}`,
      provider,
      world.stablecoinAddress,
      HEALTHCARE_BUDGET,
      SERVICE_PERIOD,
    ]),
  );
}

/** Riverside after its citizens voted a healthcare service: 1,000 USDz every 30 days to the provider. */
async function withHealthcareService() {
  const world = await economy();
  const creation = await passProposal(
    world,
    [[createServiceAction(world, world.provider.address)]],
    "Fund the clinic",
    { voters: VOTERS },
  );
  return { ...world, serviceId: 0n, creation };
}

/** Riverside after its citizens voted to found a farm cooperative, whose farmers its own registrar admitted. */
async function withFarm() {
  const world = await economy();
  const farmRegistrar = (await ethers.getSigners())[7];
  if (!farmRegistrar) throw new Error("need 8 signers");
  const creation = await passProposal(
    world,
    [
      [
        call(
          world.zoneAddress,
          zoneInterface.encodeFunctionData("createInternalDao", [
            "Riverside Farm",
            // The farm's own registrar, who admits its founders; Riverside's has no power over it.
            farmRegistrar.address,
            TEST_RULES,
            FARM_SHARE_BPS,
          ]),
        ),
      ],
    ],
    "Found the farm cooperative",
    { voters: VOTERS },
  );
  const [created] = await world.zone.queryFilter(world.zone.filters.InternalDaoCreated());
  if (!created) throw new Error("no InternalDaoCreated event");
  const farm = zoneWorldAt(world, created.args.dao, farmRegistrar);
  // Founding: the farm has no proposal yet, so its registrar admits at once.
  await (
    await farm.zone.connect(farmRegistrar).addMembers(FARMERS.map((farmer) => farmer.commitment))
  ).wait();
  return { ...world, farm, farmRegistrar, creation };
}

/**
 * The farm has voted its harvest of 100 grain, held by Riverside, whose citizens keep 60 at home.
 * Hillside (with 2,500 USDz) and Lakeside are other zones of the same factory.
 */
async function withHarvest() {
  const world = await withFarm();
  const hillside = await createSecondZone(world, { name: "Hillside" });
  const lakeside = await createSecondZone(world, { name: "Lakeside" });
  await depositDollars(world, hillside, TREASURY_DOLLARS);
  const production = await passProposal(
    world.farm,
    [[produceAction(world, GRAIN, HARVEST)]],
    "Record the harvest",
    { voters: FARM_VOTERS },
  );
  const grainId = await world.goods.goodsId(world.farm.zoneAddress, GRAIN);
  const reserve = await passProposal(
    world,
    [[call(world.zoneAddress, zoneInterface.encodeFunctionData("setReserve", [grainId, GRAIN_RESERVE]))]],
    "Keep 60 grain for our own citizens",
    { voters: VOTERS },
  );
  return { ...world, hillside, lakeside, grainId, production, reserve };
}
type WithHarvest = Awaited<ReturnType<typeof withHarvest>>;

/** Riverside has offered its 40 grain of surplus at 5 USDz each, to any zone, for 7 days. */
async function withSurplusOffer() {
  const world = await withHarvest();
  const offer = await offerGrain(world, { quantity: SURPLUS });
  return { ...world, ...offer };
}

function produceAction(
  world: Economy,
  product: string,
  amount: bigint,
  recyclableBps = HARVEST_RECYCLABLE_BPS,
): ZoneAction {
  return call(
    world.goodsAddress,
    goodsInterface.encodeFunctionData("produce", [product, amount, recyclableBps]),
  );
}

/** The actions that post an offer of Riverside's grain (the sdk's: approve the trade contract, post, revoke). */
async function offerActions(
  world: WithHarvest,
  terms: Partial<GoodsOffer> & { quantity: bigint },
): Promise<ZoneAction[]> {
  return offerGoods({
    zone: world.zoneAddress,
    trade: world.tradeAddress,
    goods: world.goodsAddress,
    goodsId: world.grainId,
    paymentToken: world.stablecoinAddress,
    pricePerUnit: GRAIN_PRICE,
    expiry: (await time.latest()) + OFFER_LIFETIME,
    ...terms,
  });
}

/** Riverside's vote posts an offer of its grain; returns the offer's id and expiry. */
async function offerGrain(world: WithHarvest, terms: Parameters<typeof offerActions>[1]) {
  const posting = await passProposal(world, [await offerActions(world, terms)], "Sell grain", {
    voters: VOTERS,
  });
  const offerId = await world.trade.offerCount();
  const { expiry } = await world.trade.getOffer(offerId);
  return { offerId, expiry, posting };
}

/** The actions with which a zone accepts an offer: approve the payment, then accept. */
function acceptActions(
  world: Economy,
  offerId: bigint,
  total: bigint,
  paymentToken = world.stablecoinAddress,
) {
  return [
    call(paymentToken, tokenInterface.encodeFunctionData("approve", [world.tradeAddress, total])),
    call(world.tradeAddress, tradeInterface.encodeFunctionData("acceptOffer", [offerId])),
  ];
}

/** Queues `buyer`'s vote to accept `offerId` (its execution is left to the test). */
async function queueAcceptance(world: Economy, buyer: ZoneWorld, offerId: bigint, total: bigint) {
  return queuePassedProposal(buyer, [acceptActions(world, offerId, total)], `Buy offer ${offerId}`, {
    voters: VOTERS,
  });
}

async function grainOf(world: WithHarvest, holder: string) {
  return world.goods.balanceOf(holder, world.grainId);
}

/** The action by which Riverside's vote sends `quantity` of its grain to `to` with a plain ERC-1155 transfer. */
function sendGrainAction(world: WithHarvest, to: string, quantity: bigint): ZoneAction {
  return call(
    world.goodsAddress,
    goodsInterface.encodeFunctionData("safeTransferFrom", [
      world.zoneAddress,
      to,
      world.grainId,
      quantity,
      "0x",
    ]),
  );
}

/** The error ZoneGoods raises when goods leaving `holder` would leave `remaining` grain, below `reserve`. */
function reserveBreach(
  world: WithHarvest,
  remaining: bigint,
  reserve = GRAIN_RESERVE,
  holder = world.zoneAddress,
): [Interface, string, unknown[]] {
  return [goodsInterface, "GoodsReserveBreached", [holder, world.grainId, remaining, reserve]];
}

/** A 1% fee on every transfer between accounts. */
const FEE_BPS = 100n;
const afterFee = (amount: bigint) => amount - (amount * FEE_BPS) / 10_000n;
const AWKWARD_FUNDS = dollars(1_000);

/**
 * Riverside and Hillside (after the harvest) each deposited 1,000 of TAX, a token that burns 1% of
 * every transfer (so 990 arrived), and 1,000 of REB, a rebasing token.
 */
async function withAwkwardTokens() {
  const world = await withHarvest();
  const taxed = await (
    await new FeeOnTransferToken__factory(world.deployer).deploy(FEE_BPS)
  ).waitForDeployment();
  const rebasing = await (await new RebasingToken__factory(world.deployer).deploy()).waitForDeployment();
  for (const zone of [world, world.hillside]) {
    await depositToken(world, taxed, zone, AWKWARD_FUNDS);
    await depositToken(world, rebasing, zone, AWKWARD_FUNDS);
  }
  return {
    ...world,
    taxed,
    taxedAddress: await taxed.getAddress(),
    rebasing,
    rebasingAddress: await rebasing.getAddress(),
  };
}
type WithAwkwardTokens = Awaited<ReturnType<typeof withAwkwardTokens>>;

/** The actions by which `seller` offers `quantity` of `token` for USDz, to any zone, for 7 days. */
async function tokenOfferActions(
  world: WithAwkwardTokens,
  seller: ZoneWorld,
  token: string,
  quantity: bigint,
) {
  return offerTokens({
    zone: seller.zoneAddress,
    trade: world.tradeAddress,
    token,
    quantity,
    paymentToken: world.stablecoinAddress,
    pricePerUnit: 1n,
    expiry: (await time.latest()) + OFFER_LIFETIME,
  });
}

/** Expects `zone`'s ledger of `token` to equal its balance: every unit that arrived or left is on it. */
async function expectLedgerOfBalance(zone: ZoneWorld, token: MintableToken) {
  const tokenAddress = await token.getAddress();
  expect(ledgerBalance(await readLedger(zone.zone), tokenAddress)).to.equal(
    await token.balanceOf(zone.zoneAddress),
  );
}

// ---------------------------------------------------------------------------------------------------

describe("Zone economy", function () {
  describe("treasury ledger", function () {
    it("records ether received and token deposits as TreasuryReceived", async function () {
      const world = await loadFixture(economy);
      const amount = ethers.parseEther("2");
      await expect(world.stranger.sendTransaction({ to: world.zoneAddress, value: amount }))
        .to.emit(world.zone, "TreasuryReceived")
        .withArgs(world.stranger.address, ETHER, amount);
      await world.stablecoin.connect(world.stranger).mint(world.stranger.address, DIVIDEND);
      await world.stablecoin.connect(world.stranger).approve(world.zoneAddress, DIVIDEND);
      const deposit = world.zone.connect(world.stranger).deposit(world.stablecoinAddress, DIVIDEND);
      await expect(deposit)
        .to.emit(world.zone, "TreasuryReceived")
        .withArgs(world.stranger.address, world.stablecoinAddress, DIVIDEND);
      expect(await world.stablecoin.balanceOf(world.zoneAddress)).to.equal(TREASURY_DOLLARS + DIVIDEND);
    });

    it("names the deciding proposal on every payment, token or ether", async function () {
      const world = await loadFixture(economy);
      const tokenPayment = dollars(250);
      const etherPayment = ethers.parseEther("1");
      const { proposalId, actions } = await queuePassedProposal(
        world,
        [
          [
            payAction(world.zoneAddress, world.stablecoinAddress, PAYEE, tokenPayment),
            call(PAYEE, "0x", etherPayment),
          ],
        ],
        "Pay the bridge builders",
        { voters: VOTERS },
      );
      await expect(world.zone.execute(proposalId, actions))
        .to.emit(world.zone, "TreasuryPaid")
        .withArgs(proposalId, world.stablecoinAddress, PAYEE, tokenPayment)
        .and.to.emit(world.zone, "TreasuryPaid")
        .withArgs(proposalId, ETHER, PAYEE, etherPayment);
      expect(await world.stablecoin.balanceOf(PAYEE)).to.equal(tokenPayment);
      expect(await ethers.provider.getBalance(PAYEE)).to.equal(etherPayment);
    });

    it("refuses pay called directly, not by a vote", async function () {
      const world = await loadFixture(economy);
      for (const caller of [world.stranger, world.registrar]) {
        await expect(world.zone.connect(caller).pay(world.stablecoinAddress, PAYEE, 1n))
          .to.be.revertedWithCustomError(world.zone, "ZoneCallerIsNotTheZone")
          .withArgs(await caller.getAddress());
      }
    });

    it("fails the execution of a payment above what the treasury holds", async function () {
      const world = await loadFixture(economy);
      const tooMuch = TREASURY_DOLLARS + 1n;
      const { proposalId, actions } = await queuePassedProposal(
        world,
        [[payAction(world.zoneAddress, world.stablecoinAddress, PAYEE, tooMuch)]],
        "Pay more than we have",
        { voters: VOTERS },
      );
      await expectActionFailure(world.zone.execute(proposalId, actions), world.zone, 0, [
        zoneInterface,
        "ZoneInsufficientTreasury",
        [world.stablecoinAddress, tooMuch, TREASURY_DOLLARS],
      ]);
      expect(await world.zone.state(proposalId)).to.equal(QUEUED);
      expect(await world.stablecoin.balanceOf(world.zoneAddress)).to.equal(TREASURY_DOLLARS);
    });
  });

  describe("dividends", function () {
    type Round = Awaited<ReturnType<typeof withDividendRound>>;
    const proveClaim = (world: Round, identity: Identity, recipient: string) =>
      proveDividendClaim(identity, world.snapshotGroup, {
        chainId: world.chainId,
        zone: world.zoneAddress,
        roundId: world.roundId,
        recipient,
      });
    const claim = (zone: Zone, proof: DividendClaim, overrides: Partial<DividendClaim> = {}) => {
      const sent = { ...proof, ...overrides };
      return zone.claimDividend(sent.roundId, sent.recipient, sent.nullifier, sent.points);
    };
    const recipientOf = (index: number) =>
      ethers.getAddress(`0x${(0xd1 + index).toString(16).padStart(40, "0")}`);

    it("pays each citizen once, to the address they name, on the ledger of the deciding vote", async function () {
      const world = await loadFixture(withDividendRound);
      for (const [index, citizen] of citizens.entries()) {
        const recipient = recipientOf(index);
        const proof = await proveClaim(world, citizen, recipient);
        await expect(claim(world.zone, proof))
          .to.emit(world.zone, "DividendClaimed")
          .withArgs(world.roundId, proof.nullifier, recipient, DIVIDEND)
          .and.to.emit(world.zone, "TreasuryPaid")
          .withArgs(world.openingProposal, world.stablecoinAddress, recipient, DIVIDEND);
        expect(await world.stablecoin.balanceOf(recipient)).to.equal(DIVIDEND);
      }
      // Every citizen claimed: nothing is set aside any more.
      expect(await world.zone.reservedFunds(world.stablecoinAddress)).to.equal(0n);
      expect(await world.stablecoin.balanceOf(world.zoneAddress)).to.equal(
        TREASURY_DOLLARS - DIVIDEND * BigInt(citizens.length),
      );
    });

    it("refuses a recipient changed by the relayer", async function () {
      const world = await loadFixture(withDividendRound);
      const proof = await proveClaim(world, alice, recipientOf(0));
      await expect(
        claim(world.zone, proof, { recipient: await world.relayer.getAddress() }),
      ).to.be.revertedWithCustomError(world.zone, "ZoneInvalidProof");
      await expect(claim(world.zone, proof)).to.emit(world.zone, "DividendClaimed");
    });

    it("refuses a second claim by the same citizen in the same round", async function () {
      const world = await loadFixture(withDividendRound);
      const first = await proveClaim(world, alice, recipientOf(0));
      await claim(world.zone, first);
      const second = await proveClaim(world, alice, recipientOf(1));
      expect(second.nullifier).to.equal(first.nullifier);
      await expect(claim(world.zone, second))
        .to.be.revertedWithCustomError(world.zone, "ZoneNullifierAlreadyUsed")
        .withArgs(first.nullifier);
    });

    it("pays exactly the vote's electorate: members admitted between the vote and the execution cannot claim", async function () {
      const world = await loadFixture(economy);
      await proposeAs(world, alice, [[]], "End the founding");
      // The registrar asks to admit three identities of its own just before the dividend is
      // proposed; they may enter at the very end of its execution window, and enter in its block.
      const sybils = [0, 1, 2].map((i) => new Identity(`zonedao-test-sybil-${i}`));
      const commitments = sybils.map((sybil) => sybil.commitment);
      const request = await requestAdmissions(world.zone, world.registrar, commitments);
      const { proposalId, actions } = await queuePassedProposal(
        world,
        [[openRoundAction(world.zoneAddress, world.stablecoinAddress, DIVIDEND)]],
        "Share 100 USDz with every citizen",
        { voters: VOTERS },
      );
      const admissions = await admissionsOf(world.zone, world.registrar);
      await time.setNextBlockTimestamp(request.readyAt);
      await ethers.provider.send("evm_setAutomine", [false]);
      let admission, execution;
      try {
        admission = await admissions.admit(world.zoneAddress, request.requestId, commitments, {
          gasLimit: 1_000_000,
        });
        execution = await world.zone.execute(proposalId, actions, { gasLimit: 2_000_000 });
        await ethers.provider.send("evm_mine", []);
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
      const [admitted, executed] = await Promise.all([admission.wait(), execution.wait()]);
      expect(admitted!.blockNumber).to.equal(executed!.blockNumber);
      expect(await world.zone.memberCount()).to.equal(BigInt(citizens.length + sybils.length));

      const roundId = await world.zone.dividendRoundCount();
      const owed = DIVIDEND * BigInt(citizens.length);
      await expect(execution)
        .to.emit(world.zone, "DividendRoundOpened")
        .withArgs(roundId, proposalId, world.stablecoinAddress, DIVIDEND, owed, anyValue);
      expect(await world.zone.reservedFunds(world.stablecoinAddress)).to.equal(owed);
      // The round's group is the proposal's snapshot: the four citizens who could vote.
      const snapshotGroup = await rebuildGroup(world.zone, { untilDividendRound: roundId });
      expect(snapshotGroup.root).to.equal((await world.zone.getProposal(proposalId)).snapshotRoot);
      expect(snapshotGroup.size).to.equal(citizens.length);

      const context = { chainId: world.chainId, zone: world.zoneAddress, roundId };
      const current = await rebuildGroup(world.zone);
      for (const sybil of sybils) {
        expect(snapshotGroup.indexOf(sybil.commitment)).to.equal(-1);
        const proof = await proveDividendClaim(sybil, current, { ...context, recipient: recipientOf(9) });
        await expect(claim(world.zone, proof)).to.be.revertedWithCustomError(world.zone, "ZoneInvalidProof");
      }
      for (const [index, citizen] of citizens.entries()) {
        const proof = await proveDividendClaim(citizen, snapshotGroup, {
          ...context,
          recipient: recipientOf(index),
        });
        await expect(claim(world.zone, proof)).to.emit(world.zone, "DividendClaimed");
      }
      expect(await world.zone.reservedFunds(world.stablecoinAddress)).to.equal(0n);
      expect(await world.stablecoin.balanceOf(world.zoneAddress)).to.equal(TREASURY_DOLLARS - owed);
    });

    it("sets the whole round aside when it opens, and opens none the treasury cannot cover", async function () {
      const world = await loadFixture(withDividendRound);
      const owed = DIVIDEND * BigInt(citizens.length);
      expect(await world.zone.reservedFunds(world.stablecoinAddress)).to.equal(owed);
      expect(await world.stablecoin.balanceOf(world.zoneAddress)).to.equal(TREASURY_DOLLARS);
      // 600 USDz each for four citizens is 2,400: more than the 2,100 not set aside.
      const { proposalId, actions } = await queuePassedProposal(
        world,
        [[openRoundAction(world.zoneAddress, world.stablecoinAddress, dollars(600))]],
        "Share 600 USDz with every citizen",
        { voters: VOTERS },
      );
      await expectActionFailure(world.zone.execute(proposalId, actions), world.zone, 0, [
        zoneInterface,
        "ZoneInsufficientTreasury",
        [world.stablecoinAddress, dollars(2_400), TREASURY_DOLLARS - owed],
      ]);
      const noTime = [
        call(
          world.zoneAddress,
          zoneInterface.encodeFunctionData("openDividendRound", [world.stablecoinAddress, DIVIDEND, 0]),
        ),
      ];
      const timeless = await queuePassedProposal(world, [noTime], "Share for no time", { voters: VOTERS });
      await expectActionFailure(world.zone.execute(timeless.proposalId, noTime), world.zone, 0, [
        zoneInterface,
        "ZoneInvalidClaimPeriod",
        [],
      ]);
    });

    it("pays a late claimant after the rest of the treasury was spent", async function () {
      const world = await loadFixture(withDividendRound);
      const owed = DIVIDEND * BigInt(citizens.length);
      await claim(world.zone, await proveClaim(world, alice, recipientOf(0)));
      await passProposal(
        world,
        [[payAction(world.zoneAddress, world.stablecoinAddress, PAYEE, TREASURY_DOLLARS - owed)]],
        "Spend everything not set aside",
        { voters: VOTERS },
      );
      const { proposalId, actions } = await queuePassedProposal(
        world,
        [[payAction(world.zoneAddress, world.stablecoinAddress, PAYEE, 1n)]],
        "Spend one more unit",
        { voters: VOTERS },
      );
      await expectActionFailure(world.zone.execute(proposalId, actions), world.zone, 0, [
        zoneInterface,
        "ZoneInsufficientTreasury",
        [world.stablecoinAddress, 1n, 0n],
      ]);
      for (const [index, citizen] of citizens.slice(1).entries()) {
        const proof = await proveClaim(world, citizen, recipientOf(index + 1));
        await expect(claim(world.zone, proof)).to.emit(world.zone, "DividendClaimed");
      }
      expect(await world.stablecoin.balanceOf(world.zoneAddress)).to.equal(0n);
      expect(await world.zone.reservedFunds(world.stablecoinAddress)).to.equal(0n);
    });

    it("keeps the money set aside from payments, transfers, trade offers, other rounds and service budgets", async function () {
      const world = await loadFixture(withDividendRound);
      const owed = DIVIDEND * BigInt(citizens.length);
      const free = TREASURY_DOLLARS - owed;
      const coin = world.stablecoinAddress;
      const tooMuch = free + 1n;
      const attempts: [string, ZoneAction[], [Interface, string, unknown[]] | [string, unknown[]]][] = [
        [
          "a payment",
          [payAction(world.zoneAddress, coin, PAYEE, tooMuch)],
          [zoneInterface, "ZoneInsufficientTreasury", [coin, tooMuch, free]],
        ],
        [
          "a transfer called on the token",
          [call(coin, tokenInterface.encodeFunctionData("transfer", [PAYEE, tooMuch]))],
          ["ZoneReservedFundsSpent", [coin, owed, owed - 1n]],
        ],
        [
          "a trade offer of the tokens",
          offerTokens({
            zone: world.zoneAddress,
            trade: world.tradeAddress,
            token: coin,
            quantity: tooMuch,
            paymentToken: coin,
            pricePerUnit: 1n,
            expiry: (await time.latest()) + OFFER_LIFETIME,
          }),
          ["ZoneReservedFundsSpent", [coin, owed, owed - 1n]],
        ],
        [
          "another dividend round",
          [openRoundAction(world.zoneAddress, coin, dollars(526))],
          [zoneInterface, "ZoneInsufficientTreasury", [coin, dollars(2_104), free]],
        ],
      ];
      for (const [what, actions, failure] of attempts) {
        const { proposalId } = await queuePassedProposal(world, [actions], `Spend on ${what}`);
        const execution = world.zone.execute(proposalId, actions);
        if (failure.length === 3) await expectActionFailure(execution, world.zone, 0, failure);
        else {
          await expect(execution, what)
            .to.be.revertedWithCustomError(world.zone, failure[0])
            .withArgs(...failure[1]);
        }
        expect(await world.zone.state(proposalId), what).to.equal(QUEUED);
      }
      // A service's budget is paid from what is free only, like a payment.
      await passProposal(
        world,
        [
          [
            call(
              world.servicesAddress,
              servicesInterface.encodeFunctionData("createService", [
                "healthcare",
                "A clinic as dear as the treasury",
                world.provider.address,
                coin,
                tooMuch,
                SERVICE_PERIOD,
              ]),
            ),
          ],
        ],
        "Fund a dear clinic",
      );
      await expect(world.services.connect(world.provider).claimBudget(world.zoneAddress, 0n))
        .to.be.revertedWithCustomError(world.zone, "ZoneInsufficientTreasury")
        .withArgs(coin, tooMuch, free);
      expect(await world.stablecoin.balanceOf(world.zoneAddress)).to.equal(TREASURY_DOLLARS);
      expect(await world.zone.reservedFunds(coin)).to.equal(owed);
    });

    it("keeps ether set aside from an action's value, and spends what is free", async function () {
      const world = await loadFixture(economy);
      const perCitizen = ethers.parseEther("1");
      const owed = perCitizen * BigInt(citizens.length);
      await passProposal(
        world,
        [[openRoundAction(world.zoneAddress, ETHER, perCitizen)]],
        "Share 1 ETH each",
        {
          voters: VOTERS,
        },
      );
      expect(await world.zone.reservedFunds(ETHER)).to.equal(owed);
      const free = TREASURY_ETHER - owed;
      const { proposalId, actions } = await queuePassedProposal(
        world,
        [[call(PAYEE, "0x", free + 1n)]],
        "Pay a little more than is free",
        { voters: VOTERS },
      );
      await expect(world.zone.execute(proposalId, actions))
        .to.be.revertedWithCustomError(world.zone, "ZoneReservedFundsSpent")
        .withArgs(ETHER, owed, owed - 1n);
      const spend = await queuePassedProposal(world, [[call(PAYEE, "0x", free)]], "Pay what is free", {
        voters: VOTERS,
      });
      await expect(world.zone.execute(spend.proposalId, spend.actions)).to.changeEtherBalance(
        ethers,
        world.zoneAddress,
        -free,
      );
    });

    it("takes claims until the claim period ends; then anyone closes the round and the rest is free again", async function () {
      const world = await loadFixture(withDividendRound);
      const coin = world.stablecoinAddress;
      const deadline = world.claimDeadline;
      expect(deadline).to.be.greaterThan(BigInt(await time.latest()) + BigInt(CLAIM_PERIOD) - 600n);
      await claim(world.zone, await proveClaim(world, alice, recipientOf(0)));
      const [late, tooLate] = [
        await proveClaim(world, bob, recipientOf(1)),
        await proveClaim(world, citizens[2]!, recipientOf(2)),
      ];
      const close = () => world.zone.connect(world.stranger).closeDividendRound(world.roundId);

      await time.setNextBlockTimestamp(deadline - 2n);
      await expect(close())
        .to.be.revertedWithCustomError(world.zone, "ZoneDividendClaimPeriodNotOver")
        .withArgs(world.roundId, deadline);
      await networkHelpers.mine();
      await time.setNextBlockTimestamp(deadline - 1n);
      await expect(claim(world.zone, late)).to.emit(world.zone, "DividendClaimed");
      await time.setNextBlockTimestamp(deadline);
      await expect(claim(world.zone, tooLate))
        .to.be.revertedWithCustomError(world.zone, "ZoneDividendClaimPeriodOver")
        .withArgs(world.roundId, deadline);
      await networkHelpers.mine();

      const unclaimed = DIVIDEND * BigInt(citizens.length - 2);
      expect(await world.zone.reservedFunds(coin)).to.equal(unclaimed);
      await expect(close())
        .to.emit(world.zone, "DividendRoundClosed")
        .withArgs(world.roundId, coin, unclaimed);
      expect(await world.zone.reservedFunds(coin)).to.equal(0n);
      await expect(close())
        .to.be.revertedWithCustomError(world.zone, "ZoneDividendRoundClosed")
        .withArgs(world.roundId);
      await expect(claim(world.zone, tooLate)).to.be.revertedWithCustomError(
        world.zone,
        "ZoneDividendClaimPeriodOver",
      );

      // The ledger shows the round set aside, two claims paid from it and the rest returned.
      const ledger = await readLedger(world.zone);
      expect(
        ledger
          .filter((entry) => entry.roundId === world.roundId)
          .map(({ kind, amount, source }) => ({ kind, amount, source })),
      ).to.deep.equal([
        { kind: "reserve", amount: DIVIDEND * BigInt(citizens.length), source: "DividendRoundOpened" },
        { kind: "release", amount: DIVIDEND, source: "DividendClaimed" },
        { kind: "release", amount: DIVIDEND, source: "DividendClaimed" },
        { kind: "release", amount: unclaimed, source: "DividendRoundClosed" },
      ]);
      expect(ledgerReserved(ledger, coin)).to.equal(0n);
      const left = TREASURY_DOLLARS - 2n * DIVIDEND;
      expect(ledgerBalance(ledger, coin)).to.equal(left);
      // What was not claimed can be spent again.
      await passProposal(world, [[payAction(world.zoneAddress, coin, PAYEE, left)]], "Spend it all", {
        voters: VOTERS,
      });
      expect(await world.stablecoin.balanceOf(world.zoneAddress)).to.equal(0n);
    });

    it("refuses an unknown round", async function () {
      const world = await loadFixture(withDividendRound);
      const proof = await proveClaim(world, alice, recipientOf(0));
      const unknownRound = world.roundId + 1n;
      await expect(claim(world.zone, proof, { roundId: unknownRound }))
        .to.be.revertedWithCustomError(world.zone, "ZoneUnknownDividendRound")
        .withArgs(unknownRound);
    });
  });

  describe("public services", function () {
    type Service = Awaited<ReturnType<typeof withHealthcareService>>;
    const claimBudget = (world: Service, claimer = world.provider) =>
      world.services.connect(claimer).claimBudget(world.zoneAddress, world.serviceId);

    it("creates a service by vote with its provider, budget and period", async function () {
      const world = await loadFixture(withHealthcareService);
      await expect(world.creation.receipt)
        .to.emit(world.services, "ServiceCreated")
        .withArgs(world.zoneAddress, world.serviceId, anyValue);
      const service = await world.services.getService(world.zoneAddress, world.serviceId);
      expect(service.kind).to.equal("healthcare");
      expect(service.provider).to.equal(world.provider.address);
      expect(service.token).to.equal(world.stablecoinAddress);
      expect(service.budgetPerPeriod).to.equal(HEALTHCARE_BUDGET);
      expect(service.periodLength).to.equal(BigInt(SERVICE_PERIOD));
      expect(service.active).to.equal(true);
      expect(service.authorizingProposal).to.equal(world.creation.proposalId);
    });

    it("pays the provider once per period, naming the creating proposal", async function () {
      const world = await loadFixture(withHealthcareService);
      const provider = world.provider.address;
      await expect(claimBudget(world))
        .to.emit(world.services, "ServiceBudgetClaimed")
        .withArgs(world.zoneAddress, world.serviceId, 0n, provider, HEALTHCARE_BUDGET)
        .and.to.emit(world.zone, "TreasuryPaid")
        .withArgs(world.creation.proposalId, world.stablecoinAddress, provider, HEALTHCARE_BUDGET);
      await expect(claimBudget(world))
        .to.be.revertedWithCustomError(world.services, "ServicesAlreadyClaimed")
        .withArgs(world.zoneAddress, world.serviceId, 0n);
      await time.increase(SERVICE_PERIOD);
      await expect(claimBudget(world))
        .to.emit(world.services, "ServiceBudgetClaimed")
        .withArgs(world.zoneAddress, world.serviceId, 1n, provider, HEALTHCARE_BUDGET);
      expect(await world.stablecoin.balanceOf(provider)).to.equal(2n * HEALTHCARE_BUDGET);
    });

    it("refuses a claim by anyone but the provider", async function () {
      const world = await loadFixture(withHealthcareService);
      await expect(claimBudget(world, world.stranger))
        .to.be.revertedWithCustomError(world.services, "ServicesCallerIsNotTheProvider")
        .withArgs(world.stranger.address, world.provider.address);
    });

    it("refuses a claim the treasury cannot pay, and pays it once the treasury is refilled", async function () {
      const world = await loadFixture(withHealthcareService);
      await claimBudget(world);
      await time.increase(SERVICE_PERIOD);
      await claimBudget(world);
      await time.increase(SERVICE_PERIOD);
      const left = TREASURY_DOLLARS - 2n * HEALTHCARE_BUDGET;
      await expect(claimBudget(world))
        .to.be.revertedWithCustomError(world.zone, "ZoneInsufficientTreasury")
        .withArgs(world.stablecoinAddress, HEALTHCARE_BUDGET, left);
      await depositDollars(world, world, HEALTHCARE_BUDGET);
      await expect(claimBudget(world)).to.emit(world.services, "ServiceBudgetClaimed");
    });

    it("changes the provider and budget, then ends the service, by vote", async function () {
      const world = await loadFixture(withHealthcareService);
      const newBudget = dollars(400);
      const update = await passProposal(
        world,
        [
          [
            call(
              world.servicesAddress,
              servicesInterface.encodeFunctionData("updateService", [
                world.serviceId,
                world.rivalProvider.address,
                newBudget,
              ]),
            ),
          ],
        ],
        "Move the clinic to a cheaper provider",
        { voters: VOTERS },
      );
      await expect(update.receipt)
        .to.emit(world.services, "ServiceUpdated")
        .withArgs(
          world.zoneAddress,
          world.serviceId,
          world.rivalProvider.address,
          newBudget,
          update.proposalId,
        );
      await expect(claimBudget(world)).to.be.revertedWithCustomError(
        world.services,
        "ServicesCallerIsNotTheProvider",
      );
      await expect(claimBudget(world, world.rivalProvider))
        .to.emit(world.zone, "TreasuryPaid")
        .withArgs(update.proposalId, world.stablecoinAddress, world.rivalProvider.address, newBudget);

      const ending = await passProposal(
        world,
        [
          [
            call(
              world.servicesAddress,
              servicesInterface.encodeFunctionData("endService", [world.serviceId]),
            ),
          ],
        ],
        "Close the clinic",
        { voters: VOTERS },
      );
      await expect(ending.receipt)
        .to.emit(world.services, "ServiceEnded")
        .withArgs(world.zoneAddress, world.serviceId, ending.proposalId);
      await time.increase(SERVICE_PERIOD);
      await expect(claimBudget(world, world.rivalProvider))
        .to.be.revertedWithCustomError(world.services, "ServicesServiceEnded")
        .withArgs(world.zoneAddress, world.serviceId);
    });

    it("refuses createService called directly by an account", async function () {
      const world = await loadFixture(economy);
      await expect(
        world.services
          .connect(world.stranger)
          .createService(
            "healthcare",
            "Self-appointed",
            world.stranger.address,
            world.stablecoinAddress,
            1n,
            1n,
          ),
      )
        .to.be.revertedWithCustomError(world.services, "ServicesCallerIsNotAZone")
        .withArgs(world.stranger.address);
    });

    it("creates only the winning bid of a multiple-choice vote between three providers", async function () {
      const world = await loadFixture(economy);
      const bidders = [world.provider, world.rivalProvider, world.thirdProvider].map(
        (signer) => signer.address,
      );
      const bids = bidders.map((bidder) => [createServiceAction(world, bidder)]);
      const { proposalId, receipt } = await passProposal(world, bids, "Choose the clinic's provider", {
        voters: VOTERS,
        winningOption: 1,
      });
      expect(await world.zone.winningOption(proposalId)).to.deep.equal([1n, true]);
      await expect(receipt).to.emit(world.services, "ServiceCreated");
      expect(await world.services.serviceCount(world.zoneAddress)).to.equal(1n);
      const service = await world.services.getService(world.zoneAddress, 0n);
      expect(service.provider).to.equal(bidders[1]);
      expect(service.authorizingProposal).to.equal(proposalId);
    });
  });

  describe("internal DAOs", function () {
    const share = (amount: bigint, shareBps: bigint) => (amount * shareBps) / 10_000n;

    it("is created by the parent's vote, linked to its parent, with its charter", async function () {
      const world = await loadFixture(withFarm);
      const farm = world.farm.zone;
      await expect(world.creation.receipt)
        .to.emit(world.zone, "InternalDaoCreated")
        .withArgs(world.farm.zoneAddress, "Riverside Farm", FARM_SHARE_BPS)
        .and.to.emit(world.factory, "ZoneCreated")
        .withArgs(world.farm.zoneAddress, world.zoneAddress, "Riverside Farm", world.farmRegistrar.address);
      expect(await world.factory.isZone(world.farm.zoneAddress)).to.equal(true);
      expect(await farm.parentZone()).to.equal(world.zoneAddress);
      expect(await farm.incomeShareBps()).to.equal(FARM_SHARE_BPS);
      expect(await farm.name()).to.equal("Riverside Farm");
      expect(await world.zone.parentZone()).to.equal(ethers.ZeroAddress);
    });

    it("admits its founders through its own registrar; the parent's registrar, a stranger, or the parent alone, never", async function () {
      const world = await loadFixture(withFarm);
      const farm = world.farm.zone;
      for (const farmer of FARMERS) expect(await farm.isMember(farmer.commitment)).to.equal(true);
      for (const caller of [world.stranger, world.registrar]) {
        const address = await caller.getAddress();
        await expect(farm.connect(caller).addMember(outsider.commitment))
          .to.be.revertedWithCustomError(farm, "ZoneCallerIsNotTheRegistrar")
          .withArgs(address);
        const admissions = await admissionsOf(farm, caller);
        await expect(admissions.requestByRegistrar(world.farm.zoneAddress, [outsider.commitment]))
          .to.be.revertedWithCustomError(admissions, "AdmissionsCallerIsNotTheRegistrar")
          .withArgs(world.farm.zoneAddress, address);
      }
      await expect(farm.connect(world.farmRegistrar).addMember(outsider.commitment)).to.emit(
        farm,
        "MemberAdded",
      );
      expect(await farm.memberCount()).to.equal(BigInt(FARMERS.length + 1));
    });

    it("receives funding in ether or tokens from its parent's vote, on both ledgers, and returns none of it", async function () {
      const world = await loadFixture(withFarm);
      const etherFunding = ethers.parseEther("3");
      const tokenFunding = dollars(500);
      const farmAddress = world.farm.zoneAddress;
      const { proposalId, receipt } = await passProposal(
        world,
        [
          [
            payAction(world.zoneAddress, ETHER, farmAddress, etherFunding),
            payAction(world.zoneAddress, world.stablecoinAddress, farmAddress, tokenFunding),
          ],
        ],
        "Fund the farm's seeds and tools",
        { voters: VOTERS },
      );
      await expect(receipt)
        .to.emit(world.zone, "TreasuryPaid")
        .withArgs(proposalId, ETHER, farmAddress, etherFunding)
        .and.to.emit(world.farm.zone, "TreasuryReceived")
        .withArgs(world.zoneAddress, ETHER, etherFunding);
      await expect(receipt)
        .to.emit(world.zone, "TreasuryPaid")
        .withArgs(proposalId, world.stablecoinAddress, farmAddress, tokenFunding)
        .and.to.emit(world.farm.zone, "TreasuryReceived")
        .withArgs(world.zoneAddress, world.stablecoinAddress, tokenFunding);
      await expect(receipt).not.to.emit(world.farm.zone, "IncomeShared");
      expect(await ethers.provider.getBalance(farmAddress)).to.equal(etherFunding);
      expect(await ethers.provider.getBalance(world.zoneAddress)).to.equal(TREASURY_ETHER - etherFunding);
      expect(await world.stablecoin.balanceOf(farmAddress)).to.equal(tokenFunding);
      expect(await world.stablecoin.balanceOf(world.zoneAddress)).to.equal(TREASURY_DOLLARS - tokenFunding);
    });

    it("returns its charter's share of outside income, in ether or tokens, to its parent", async function () {
      const world = await loadFixture(withFarm);
      const farm = world.farm.zone;
      const income = ethers.parseEther("1");
      const toParent = share(income, FARM_SHARE_BPS);
      const sale = world.stranger.sendTransaction({ to: world.farm.zoneAddress, value: income });
      await expect(sale)
        .to.emit(farm, "TreasuryReceived")
        .withArgs(world.stranger.address, ETHER, income)
        .and.to.emit(farm, "IncomeShared")
        .withArgs(world.zoneAddress, ETHER, toParent)
        .and.to.emit(world.zone, "TreasuryReceived")
        .withArgs(world.farm.zoneAddress, ETHER, toParent);
      await expect(sale).to.changeEtherBalances(
        ethers,
        [world.farm.zoneAddress, world.zoneAddress],
        [income - toParent, toParent],
      );

      const tokenIncome = dollars(50);
      const tokenShare = share(tokenIncome, FARM_SHARE_BPS);
      await world.stablecoin.connect(world.stranger).mint(world.stranger.address, tokenIncome);
      await world.stablecoin.connect(world.stranger).approve(world.farm.zoneAddress, tokenIncome);
      const deposit = farm.connect(world.stranger).deposit(world.stablecoinAddress, tokenIncome);
      await expect(deposit)
        .to.emit(farm, "IncomeShared")
        .withArgs(world.zoneAddress, world.stablecoinAddress, tokenShare)
        .and.to.emit(world.zone, "TreasuryReceived")
        .withArgs(world.farm.zoneAddress, world.stablecoinAddress, tokenShare);
      expect(await world.stablecoin.balanceOf(world.farm.zoneAddress)).to.equal(tokenIncome - tokenShare);
      expect(await world.stablecoin.balanceOf(world.zoneAddress)).to.equal(TREASURY_DOLLARS + tokenShare);
    });

    it("changes its charter only by its own vote", async function () {
      const world = await loadFixture(withFarm);
      const farm = world.farm.zone;
      const newShareBps = 5_000n;
      for (const caller of [world.stranger, world.registrar]) {
        await expect(farm.connect(caller).setCharter(newShareBps))
          .to.be.revertedWithCustomError(farm, "ZoneCallerIsNotTheZone")
          .withArgs(await caller.getAddress());
      }
      const { receipt } = await passProposal(
        world.farm,
        [[call(world.farm.zoneAddress, zoneInterface.encodeFunctionData("setCharter", [newShareBps]))]],
        "Give half of our income to Riverside",
        { voters: FARM_VOTERS },
      );
      await expect(receipt).to.emit(farm, "CharterChanged").withArgs(newShareBps);
      expect(await farm.incomeShareBps()).to.equal(newShareBps);
      const income = ethers.parseEther("1");
      await expect(world.stranger.sendTransaction({ to: world.farm.zoneAddress, value: income }))
        .to.emit(farm, "IncomeShared")
        .withArgs(world.zoneAddress, ETHER, share(income, newShareBps));
    });
  });

  describe("goods, reserve and trade", function () {
    it("lets an internal DAO's vote produce goods, held by its parent zone", async function () {
      const world = await loadFixture(withHarvest);
      await expect(world.production.receipt)
        .to.emit(world.goods, "GoodsProduced")
        .withArgs(
          world.farm.zoneAddress,
          world.zoneAddress,
          world.grainId,
          GRAIN,
          HARVEST,
          HARVEST_RECYCLABLE_BPS,
          0n,
          world.production.proposalId,
        );
      expect(await grainOf(world, world.zoneAddress)).to.equal(HARVEST);
      expect(await world.goods.producerOf(world.grainId)).to.equal(world.farm.zoneAddress);
      expect(await world.goods.productOf(world.grainId)).to.equal(GRAIN);
    });

    it("mints only to the producer's own parent: an internal DAO cannot mint for another zone", async function () {
      const world = await loadFixture(withHarvest);
      // produce names no recipient: the goods go to the caller's parent, under an id bound to the caller.
      const inputs = world.goods.interface.getFunction("produce").inputs.map((input) => input.name);
      expect(inputs).to.deep.equal(["product", "amount", "recyclableBps"]);
      for (const holder of [world.farm.zoneAddress, world.hillside.zoneAddress, world.lakeside.zoneAddress]) {
        expect(await grainOf(world, holder)).to.equal(0n);
      }
      expect(await world.goods.goodsId(world.hillside.zoneAddress, GRAIN)).not.to.equal(world.grainId);
    });

    it("refuses production by an account or by a top-level zone", async function () {
      const world = await loadFixture(withHarvest);
      await expect(world.goods.connect(world.stranger).produce(GRAIN, 1n, 0))
        .to.be.revertedWithCustomError(world.goods, "GoodsProducerIsNotAnInternalDao")
        .withArgs(world.stranger.address);
      const { proposalId, actions } = await queuePassedProposal(
        world.hillside,
        [[produceAction(world, GRAIN, 1_000n)]],
        "Print ourselves some grain",
        { voters: VOTERS },
      );
      await expectActionFailure(world.hillside.zone.execute(proposalId, actions), world.hillside.zone, 0, [
        goodsInterface,
        "GoodsProducerIsNotAnInternalDao",
        [world.hillside.zoneAddress],
      ]);
    });

    it("keeps the domestic reserve voted by the parent out of any export offer", async function () {
      const world = await loadFixture(withHarvest);
      await expect(world.reserve.receipt)
        .to.emit(world.zone, "ReserveSet")
        .withArgs(world.grainId, GRAIN_RESERVE);
      expect(await world.zone.reserveOf(world.grainId)).to.equal(GRAIN_RESERVE);
      const tooMuch = SURPLUS + 10n;
      const { proposalId, actions } = await queuePassedProposal(
        world,
        [await offerActions(world, { quantity: tooMuch })],
        "Export into the reserve",
        { voters: VOTERS },
      );
      await expectActionFailure(
        world.zone.execute(proposalId, actions),
        world.zone,
        1,
        reserveBreach(world, HARVEST - tooMuch),
      );
      expect(await grainOf(world, world.zoneAddress)).to.equal(HARVEST);
    });

    it("refuses every zone but the counterparty an offer names", async function () {
      const world = await loadFixture(withHarvest);
      const { offerId } = await offerGrain(world, { quantity: SURPLUS, buyer: world.lakeside.zoneAddress });
      const acceptance = await queueAcceptance(world, world.hillside, offerId, priceOf(SURPLUS));
      await expectActionFailure(
        world.hillside.zone.execute(acceptance.proposalId, acceptance.actions),
        world.hillside.zone,
        1,
        [tradeInterface, "TradeNotTheNamedBuyer", [offerId, world.hillside.zoneAddress]],
      );
      expect((await world.trade.getOffer(offerId)).status).to.equal(OFFER.Open);
    });

    it("escrows an offer of the surplus", async function () {
      const world = await loadFixture(withSurplusOffer);
      await expect(world.posting.receipt)
        .to.emit(world.trade, "OfferPosted")
        .withArgs(world.offerId, world.zoneAddress, ethers.ZeroAddress, anyValue);
      const offer = await world.trade.getOffer(world.offerId);
      expect(offer.status).to.equal(OFFER.Open);
      expect(offer.quantity).to.equal(SURPLUS);
      expect(offer.sellerProposal).to.equal(world.posting.proposalId);
      expect(await grainOf(world, world.zoneAddress)).to.equal(GRAIN_RESERVE);
      expect(await grainOf(world, world.tradeAddress)).to.equal(SURPLUS);
      // The permission to take the goods ended with the vote that posted the offer.
      expect(await world.goods.isApprovedForAll(world.zoneAddress, world.tradeAddress)).to.equal(false);
    });

    it("settles an accepted offer atomically, once", async function () {
      const world = await loadFixture(withSurplusOffer);
      const price = priceOf(SURPLUS);
      const acceptance = await queueAcceptance(world, world.hillside, world.offerId, price);
      const settlement = world.hillside.zone.execute(acceptance.proposalId, acceptance.actions);
      await expect(settlement)
        .to.emit(world.trade, "OfferAccepted")
        .withArgs(
          world.offerId,
          world.zoneAddress,
          world.hillside.zoneAddress,
          world.stablecoinAddress,
          price,
          acceptance.proposalId,
        )
        .and.to.emit(world.stablecoin, "Transfer")
        .withArgs(world.hillside.zoneAddress, world.zoneAddress, price)
        .and.to.emit(world.goods, "TransferSingle")
        .withArgs(world.tradeAddress, world.tradeAddress, world.hillside.zoneAddress, world.grainId, SURPLUS)
        .and.to.emit(world.zone, "TreasuryReceived")
        .withArgs(world.hillside.zoneAddress, world.stablecoinAddress, price);
      expect(await world.stablecoin.balanceOf(world.zoneAddress)).to.equal(TREASURY_DOLLARS + price);
      expect(await world.stablecoin.balanceOf(world.hillside.zoneAddress)).to.equal(TREASURY_DOLLARS - price);
      expect(await grainOf(world, world.hillside.zoneAddress)).to.equal(SURPLUS);
      expect(await grainOf(world, world.tradeAddress)).to.equal(0n);
      expect((await world.trade.getOffer(world.offerId)).status).to.equal(OFFER.Settled);

      const again = await queueAcceptance(world, world.hillside, world.offerId, price);
      await expectActionFailure(
        world.hillside.zone.execute(again.proposalId, again.actions),
        world.hillside.zone,
        1,
        [tradeInterface, "TradeOfferNotOpen", [world.offerId, OFFER.Settled]],
      );
      expect(await grainOf(world, world.hillside.zoneAddress)).to.equal(SURPLUS);
    });

    it("refuses an expired offer, whose goods anyone can then return to the seller", async function () {
      const world = await loadFixture(withSurplusOffer);
      await time.increaseTo(world.expiry);
      const acceptance = await queueAcceptance(world, world.hillside, world.offerId, priceOf(SURPLUS));
      await expectActionFailure(
        world.hillside.zone.execute(acceptance.proposalId, acceptance.actions),
        world.hillside.zone,
        1,
        [tradeInterface, "TradeOfferExpired", [world.offerId, world.expiry]],
      );
      await expect(world.trade.connect(world.stranger).reclaimExpired(world.offerId))
        .to.emit(world.trade, "OfferExpired")
        .withArgs(world.offerId, world.zoneAddress);
      expect(await grainOf(world, world.zoneAddress)).to.equal(HARVEST);
      expect((await world.trade.getOffer(world.offerId)).status).to.equal(OFFER.Expired);
    });

    it("refuses an offer the seller's vote cancelled", async function () {
      const world = await loadFixture(withSurplusOffer);
      const cancellation = await passProposal(
        world,
        [[call(world.tradeAddress, tradeInterface.encodeFunctionData("cancelOffer", [world.offerId]))]],
        "Keep the grain after all",
        { voters: VOTERS },
      );
      await expect(cancellation.receipt)
        .to.emit(world.trade, "OfferCancelled")
        .withArgs(world.offerId, world.zoneAddress, cancellation.proposalId);
      expect(await grainOf(world, world.zoneAddress)).to.equal(HARVEST);
      const acceptance = await queueAcceptance(world, world.hillside, world.offerId, priceOf(SURPLUS));
      await expectActionFailure(
        world.hillside.zone.execute(acceptance.proposalId, acceptance.actions),
        world.hillside.zone,
        1,
        [tradeInterface, "TradeOfferNotOpen", [world.offerId, OFFER.Cancelled]],
      );
    });

    it("refuses postOffer and acceptOffer called directly by an account", async function () {
      const world = await loadFixture(withSurplusOffer);
      const trade = world.trade.connect(world.stranger);
      await expect(
        trade.postOffer({
          isGoods: false,
          asset: world.stablecoinAddress,
          goodsId: 0n,
          quantity: 1n,
          paymentToken: world.stablecoinAddress,
          pricePerUnit: 1n,
          buyer: ethers.ZeroAddress,
          expiry: world.expiry,
        }),
      )
        .to.be.revertedWithCustomError(trade, "TradeCallerIsNotAZone")
        .withArgs(world.stranger.address);
      await expect(trade.acceptOffer(world.offerId))
        .to.be.revertedWithCustomError(trade, "TradeCallerIsNotAZone")
        .withArgs(world.stranger.address);
    });
  });

  describe("names", function () {
    it("reads each good's product and the zone's services by name, so proposals about them read in words", async function () {
      const world = await loadFixture(withHarvest);
      await passProposal(world, [[createServiceAction(world, world.provider.address)]], "Fund the clinic", {
        voters: VOTERS,
      });
      const names = await readEconomyNames(
        { goods: world.goods, services: world.services },
        world.zoneAddress,
      );
      expect(names).to.deep.equal({
        products: { [world.grainId.toString()]: GRAIN },
        serviceNames: {
          "0": { kind: "healthcare", name: `The healthcare service of ${world.provider.address}` },
        },
        serviceTokens: { "0": world.stablecoinAddress },
      });
      // Another zone's services are not Riverside's.
      const hillside = await readEconomyNames({ services: world.services }, world.hillside.zoneAddress);
      expect(hillside.serviceNames).to.deep.equal({});

      const context = { zone: world.zoneAddress, services: world.servicesAddress, ...names };
      expect(describeAction(endService(world.servicesAddress, 0n), context)).to.equal(
        `end service #0 (healthcare: "The healthcare service of ${world.provider.address}")`,
      );
      expect(describeAction(setReserve(world.zoneAddress, world.grainId, 70n), context)).to.match(
        /^keep a domestic reserve of 70 units of grain \(goods 0x[0-9a-f]{64}\)/,
      );
    });
  });

  describe("the domestic reserve, whatever moves the goods", function () {
    it("refuses a vote's plain transfer into the reserve, and lets the surplus go", async function () {
      const world = await loadFixture(withHarvest);
      const intoReserve = await queuePassedProposal(
        world,
        [[sendGrainAction(world, PAYEE, SURPLUS + 1n)]],
        "Give away grain, reserve or not",
        { voters: VOTERS },
      );
      await expectActionFailure(
        world.zone.execute(intoReserve.proposalId, intoReserve.actions),
        world.zone,
        0,
        reserveBreach(world, GRAIN_RESERVE - 1n),
      );
      await passProposal(world, [[sendGrainAction(world, PAYEE, SURPLUS)]], "Give away the surplus", {
        voters: VOTERS,
      });
      expect(await grainOf(world, world.zoneAddress)).to.equal(GRAIN_RESERVE);
      expect(await grainOf(world, PAYEE)).to.equal(SURPLUS);
    });

    it("counts every line of a batch transfer, a good listed twice included", async function () {
      const world = await loadFixture(withHarvest);
      const batch = goodsInterface.encodeFunctionData("safeBatchTransferFrom", [
        world.zoneAddress,
        PAYEE,
        [world.grainId, world.grainId],
        [SURPLUS, 1n],
        "0x",
      ]);
      const { proposalId, actions } = await queuePassedProposal(
        world,
        [[call(world.goodsAddress, batch)]],
        "Give away the surplus, and one more",
        { voters: VOTERS },
      );
      await expectActionFailure(
        world.zone.execute(proposalId, actions),
        world.zone,
        0,
        reserveBreach(world, GRAIN_RESERVE - 1n),
      );
      expect(await grainOf(world, world.zoneAddress)).to.equal(HARVEST);
    });

    it("binds an operator the zone approved, who moves goods outside any vote", async function () {
      const world = await loadFixture(withHarvest);
      const operator = world.stranger;
      await passProposal(
        world,
        [
          [
            call(
              world.goodsAddress,
              goodsInterface.encodeFunctionData("setApprovalForAll", [operator.address, true]),
            ),
          ],
        ],
        "Let a broker move our goods",
        { voters: VOTERS },
      );
      const goods = world.goods.connect(operator);
      const take = (quantity: bigint) =>
        goods.safeTransferFrom(world.zoneAddress, operator.address, world.grainId, quantity, "0x");
      await expect(take(SURPLUS + 1n))
        .to.be.revertedWithCustomError(goods, "GoodsReserveBreached")
        .withArgs(world.zoneAddress, world.grainId, GRAIN_RESERVE - 1n, GRAIN_RESERVE);
      await expect(
        goods.safeBatchTransferFrom(world.zoneAddress, operator.address, [world.grainId], [HARVEST], "0x"),
      )
        .to.be.revertedWithCustomError(goods, "GoodsReserveBreached")
        .withArgs(world.zoneAddress, world.grainId, 0n, GRAIN_RESERVE);
      await (await take(SURPLUS)).wait();
      expect(await grainOf(world, world.zoneAddress)).to.equal(GRAIN_RESERVE);
    });

    it("counts goods sent to the zone's own internal DAO as leaving the zone", async function () {
      const world = await loadFixture(withHarvest);
      // The farm produced the grain, but Riverside holds it and Riverside's reserve is what binds it.
      const { proposalId, actions } = await queuePassedProposal(
        world,
        [[sendGrainAction(world, world.farm.zoneAddress, SURPLUS + 1n)]],
        "Hand the farm its grain back",
        { voters: VOTERS },
      );
      await expectActionFailure(
        world.zone.execute(proposalId, actions),
        world.zone,
        0,
        reserveBreach(world, GRAIN_RESERVE - 1n),
      );
      expect(await grainOf(world, world.farm.zoneAddress)).to.equal(0n);
    });

    it("keeps every unit at home while the reserve exceeds the inventory", async function () {
      const world = await loadFixture(withHarvest);
      const aboveInventory = HARVEST + 50n;
      const { proposalId, actions } = await queuePassedProposal(
        world,
        [
          [
            call(
              world.zoneAddress,
              zoneInterface.encodeFunctionData("setReserve", [world.grainId, aboveInventory]),
            ),
            sendGrainAction(world, PAYEE, 1n),
          ],
        ],
        "Keep all our grain, then give one away",
        { voters: VOTERS },
      );
      await expectActionFailure(
        world.zone.execute(proposalId, actions),
        world.zone,
        1,
        reserveBreach(world, HARVEST - 1n, aboveInventory),
      );
    });

    it("binds a burn too, and only zones' goods", async function () {
      const world = await loadFixture(withHarvest);
      // The goods contract has no burn; this test-only copy has, to show that the rule sits below every path.
      const burnable = await (
        await new BurnableZoneGoods__factory(world.deployer).deploy(await world.factory.getAddress())
      ).waitForDeployment();
      await (await burnable.mint(world.zoneAddress, world.grainId, HARVEST)).wait();
      await expect(burnable.burn(world.zoneAddress, world.grainId, SURPLUS + 1n))
        .to.be.revertedWithCustomError(burnable, "GoodsReserveBreached")
        .withArgs(world.zoneAddress, world.grainId, GRAIN_RESERVE - 1n, GRAIN_RESERVE);
      await (await burnable.burn(world.zoneAddress, world.grainId, SURPLUS)).wait();
      expect(await burnable.balanceOf(world.zoneAddress, world.grainId)).to.equal(GRAIN_RESERVE);
      // An account is not a zone and keeps no reserve.
      await (await burnable.mint(PAYEE, world.grainId, HARVEST)).wait();
      await (await burnable.burn(PAYEE, world.grainId, HARVEST)).wait();
      expect(await burnable.balanceOf(PAYEE, world.grainId)).to.equal(0n);
    });
  });

  describe("tokens that move less than asked", function () {
    it("records a fee-on-transfer deposit as what arrived, and shares income on that", async function () {
      const world = await loadFixture(withAwkwardTokens);
      const farm = world.farm.zone;
      const arrived = afterFee(AWKWARD_FUNDS);
      const toParent = (arrived * FARM_SHARE_BPS) / 10_000n;
      await (await world.taxed.mint(world.stranger.address, AWKWARD_FUNDS)).wait();
      await (await world.taxed.connect(world.stranger).approve(world.farm.zoneAddress, AWKWARD_FUNDS)).wait();
      await expect(farm.connect(world.stranger).deposit(world.taxedAddress, AWKWARD_FUNDS))
        .to.emit(farm, "TreasuryReceived")
        .withArgs(world.stranger.address, world.taxedAddress, arrived)
        .and.to.emit(farm, "IncomeShared")
        .withArgs(world.zoneAddress, world.taxedAddress, toParent)
        .and.to.emit(world.zone, "TreasuryReceived")
        .withArgs(world.farm.zoneAddress, world.taxedAddress, afterFee(toParent));
      for (const zone of [world, world.farm, world.hillside]) await expectLedgerOfBalance(zone, world.taxed);
    });

    it("refuses to escrow a token offer that arrives short of its quantity", async function () {
      const world = await loadFixture(withAwkwardTokens);
      const quantity = dollars(100);
      const { proposalId, actions } = await queuePassedProposal(
        world,
        [await tokenOfferActions(world, world, world.taxedAddress, quantity)],
        "Sell 100 TAX",
        { voters: VOTERS },
      );
      await expectActionFailure(world.zone.execute(proposalId, actions), world.zone, 1, [
        tradeInterface,
        "TradeEscrowNotExact",
        [world.taxedAddress, quantity, afterFee(quantity)],
      ]);
      expect(await world.taxed.balanceOf(world.tradeAddress)).to.equal(0n);
    });

    it("refuses a payment that reaches the seller short of the price", async function () {
      const world = await loadFixture(withAwkwardTokens);
      const quantity = 10n;
      const price = priceOf(quantity);
      const { offerId } = await offerGrain(world, { quantity, paymentToken: world.taxedAddress });
      const { proposalId, actions } = await queuePassedProposal(
        world.hillside,
        [acceptActions(world, offerId, price, world.taxedAddress)],
        "Buy grain with TAX",
        { voters: VOTERS },
      );
      await expectActionFailure(world.hillside.zone.execute(proposalId, actions), world.hillside.zone, 1, [
        tradeInterface,
        "TradePaymentNotExact",
        [offerId, price, afterFee(price)],
      ]);
      expect((await world.trade.getOffer(offerId)).status).to.equal(OFFER.Open);
      expect(await grainOf(world, world.tradeAddress)).to.equal(quantity);
    });

    it("records what comes back when an escrowed token takes its fee on the way out", async function () {
      const world = await loadFixture(withAwkwardTokens);
      const quantity = dollars(100);
      await (await world.taxed.setFee(0n)).wait();
      await passProposal(
        world,
        [
          [
            ...(await tokenOfferActions(world, world, world.taxedAddress, quantity)),
            ...(await tokenOfferActions(world, world, world.taxedAddress, quantity)),
          ],
        ],
        "Sell 100 TAX, twice",
        { voters: VOTERS },
      );
      const [first, second] = [(await world.trade.offerCount()) - 1n, await world.trade.offerCount()];
      await (await world.taxed.setFee(FEE_BPS)).wait();
      // Hillside's vote pays for 100 TAX and would receive 99: the purchase does not settle.
      const purchase = await queuePassedProposal(
        world.hillside,
        [acceptActions(world, second, quantity)],
        "Buy 100 TAX",
        { voters: VOTERS },
      );
      await expectActionFailure(
        world.hillside.zone.execute(purchase.proposalId, purchase.actions),
        world.hillside.zone,
        1,
        [tradeInterface, "TradeDeliveryNotExact", [second, quantity, afterFee(quantity)]],
      );
      const { receipt } = await passProposal(
        world,
        [[cancelOffer(world.tradeAddress, first)]],
        "Keep the TAX",
        {
          voters: VOTERS,
        },
      );
      await expect(receipt)
        .to.emit(world.zone, "TreasuryReceived")
        .withArgs(world.tradeAddress, world.taxedAddress, afterFee(quantity));
      // The fee came out of what the first offer returned, not out of the second offer's escrow.
      expect(await world.taxed.balanceOf(world.tradeAddress)).to.equal(quantity);
      expect(await world.trade.escrowedTokens(world.taxedAddress)).to.equal(quantity);
      expect((await world.trade.getOffer(second)).status).to.equal(OFFER.Open);
      await expectLedgerOfBalance(world, world.taxed);
    });

    it("shares a rebase's loss among the open offers: none is paid from another's escrow", async function () {
      const world = await loadFixture(withAwkwardTokens);
      const quantity = dollars(100);
      for (const seller of [world, world.hillside]) {
        const actions = await tokenOfferActions(world, seller, world.rebasingAddress, quantity);
        await passProposal(seller, [actions], "Sell 100 REB", { voters: VOTERS });
      }
      const [riversideOffer, hillsideOffer] = [
        (await world.trade.offerCount()) - 1n,
        await world.trade.offerCount(),
      ];
      // Every balance halves: the escrow holds 100 for the 200 it owes.
      await (await world.rebasing.rebase(1n, 2n)).wait();
      const held = quantity;
      const more = await queuePassedProposal(
        world,
        [await tokenOfferActions(world, world, world.rebasingAddress, 1n)],
        "Sell 1 more REB",
        { voters: VOTERS },
      );
      await expectActionFailure(world.zone.execute(more.proposalId, more.actions), world.zone, 1, [
        tradeInterface,
        "TradeEscrowShort",
        [world.rebasingAddress, 2n * quantity, held],
      ]);
      // Riverside's citizens have used their proposal slots of this epoch: the cancel waits for the next.
      await time.increase(TEST_RULES.proposalEpoch);
      // A buyer pays for the quantity, so it cannot buy an offer whose escrow shrank.
      const purchase = await queuePassedProposal(
        world.hillside,
        [acceptActions(world, riversideOffer, quantity)],
        "Buy 100 REB",
        { voters: VOTERS },
      );
      await expectActionFailure(
        world.hillside.zone.execute(purchase.proposalId, purchase.actions),
        world.hillside.zone,
        1,
        [tradeInterface, "TradeDeliveryNotExact", [riversideOffer, quantity, quantity / 2n]],
      );
      const { receipt } = await passProposal(
        world,
        [[cancelOffer(world.tradeAddress, riversideOffer)]],
        "Keep the REB",
        { voters: VOTERS },
      );
      await expect(receipt)
        .to.emit(world.zone, "TreasuryReceived")
        .withArgs(world.tradeAddress, world.rebasingAddress, quantity / 2n);
      await time.increaseTo((await world.trade.getOffer(hillsideOffer)).expiry);
      await expect(world.trade.connect(world.stranger).reclaimExpired(hillsideOffer))
        .to.emit(world.hillside.zone, "TreasuryReceived")
        .withArgs(world.tradeAddress, world.rebasingAddress, quantity / 2n);
      expect(await world.rebasing.balanceOf(world.tradeAddress)).to.equal(0n);
      expect(await world.trade.escrowedTokens(world.rebasingAddress)).to.equal(0n);
    });

    it("delivers each offer its quantity after a rebase's gain, which stays in escrow for no offer", async function () {
      const world = await loadFixture(withAwkwardTokens);
      const quantity = dollars(100);
      await passProposal(
        world,
        [await tokenOfferActions(world, world, world.rebasingAddress, quantity)],
        "Sell 100 REB",
        { voters: VOTERS },
      );
      const offerId = await world.trade.offerCount();
      // Every balance doubles: the escrow holds 200 for the 100 it owes.
      await (await world.rebasing.rebase(2n, 1n)).wait();
      const { receipt } = await passProposal(
        world.hillside,
        [acceptActions(world, offerId, quantity)],
        "Buy 100 REB",
        { voters: VOTERS },
      );
      await expect(receipt)
        .to.emit(world.hillside.zone, "TreasuryReceived")
        .withArgs(world.tradeAddress, world.rebasingAddress, quantity);
      expect(await world.trade.escrowedTokens(world.rebasingAddress)).to.equal(0n);
      expect(await world.rebasing.balanceOf(world.tradeAddress)).to.equal(quantity);
    });
  });

  describe("re-entrancy", function () {
    it("settles an offer once when its payment token re-enters acceptOffer", async function () {
      const world = await loadFixture(withHarvest);
      const hostile = await (await new ReentrantToken__factory(world.deployer).deploy()).waitForDeployment();
      const hostileAddress = await hostile.getAddress();
      const quantity = 10n;
      const price = priceOf(quantity);
      await (await hostile.mint(world.hillside.zoneAddress, price)).wait();
      const { offerId } = await offerGrain(world, { quantity, paymentToken: hostileAddress });
      await (
        await hostile.arm(world.tradeAddress, tradeInterface.encodeFunctionData("acceptOffer", [offerId]))
      ).wait();

      const { proposalId, actions } = await queuePassedProposal(
        world.hillside,
        [acceptActions(world, offerId, price, hostileAddress)],
        "Buy grain with our own token",
        { voters: VOTERS },
      );
      await expect(world.hillside.zone.execute(proposalId, actions))
        .to.emit(world.trade, "OfferAccepted")
        .withArgs(offerId, world.zoneAddress, world.hillside.zoneAddress, hostileAddress, price, proposalId);
      expect(await hostile.reentered()).to.equal(true);
      expect(await hostile.reentrySucceeded()).to.equal(false);
      expect((await world.trade.getOffer(offerId)).status).to.equal(OFFER.Settled);
      expect(await grainOf(world, world.hillside.zoneAddress)).to.equal(quantity);
      expect(await hostile.balanceOf(world.zoneAddress)).to.equal(price);
    });

    it("blocks a token paid out by zone.pay from re-entering execute", async function () {
      const world = await loadFixture(economy);
      const hostile = await (await new ReentrantToken__factory(world.deployer).deploy()).waitForDeployment();
      const hostileAddress = await hostile.getAddress();
      const hostilePayment = dollars(10);
      await (await hostile.mint(world.zoneAddress, hostilePayment)).wait();
      // Two passed proposals, both ready to execute: the token's payout tries to run the second one
      // from inside the first one's execution.
      const payout = await queuePassedProposal(
        world,
        [[payAction(world.zoneAddress, hostileAddress, PAYEE, hostilePayment)]],
        "Pay in the new token",
        { voters: VOTERS },
      );
      const next = await queuePassedProposal(
        world,
        [[call(PAYEE, "0x", ethers.parseEther("1"))]],
        "Pay in ether",
        {
          voters: VOTERS,
        },
      );
      await (
        await hostile.arm(
          world.zoneAddress,
          zoneInterface.encodeFunctionData("execute", [next.proposalId, next.actions]),
        )
      ).wait();

      await expect(world.zone.execute(payout.proposalId, payout.actions))
        .to.emit(world.zone, "TreasuryPaid")
        .withArgs(payout.proposalId, hostileAddress, PAYEE, hostilePayment);
      expect(await hostile.reentered()).to.equal(true);
      expect(await hostile.reentrySucceeded()).to.equal(false);
      expect(await world.zone.state(next.proposalId)).to.equal(QUEUED);
      // Nothing but the guard stood in the way: the second proposal still executes on its own.
      await expect(world.zone.execute(next.proposalId, next.actions))
        .to.emit(world.zone, "ProposalExecuted")
        .withArgs(next.proposalId, 1n);
    });
  });
});

// ---------------------------------------------------------------------------------------------------
// Production rewarded for recyclable content (TRMS): declaration, attestation, challenge, reward
// bounds and budgets, each step decided by the zone's votes.
// ---------------------------------------------------------------------------------------------------

/** Rewards start above 50% recyclable content. */
const REWARD_FLOOR_BPS = 5_000;
/** 2 USDz a unit made wholly of recyclable content. */
const REWARD_PER_UNIT = dollars(2);
const REWARD_BUDGET = dollars(150);
const REWARD_PERIOD = 30 * DAY;
/** How long a vote has to revoke an attestation. */
const CHALLENGE_WINDOW = DAY;
/** The harvest's reward: 100 units x 2 USDz x (80% - 50%) / (100% - 50%). */
const HARVEST_REWARD = dollars(120);
const INSPECTION_BUDGET = dollars(50);
const FARM_BUDGET = dollars(300);

/**
 * Riverside (whose farm declared its harvest 80% recyclable) voted an inspection service, made it
 * its inspector with a one-day challenge window, and set its reward rule; the inspector attested
 * the harvest (production 0).
 */
async function withRewardRule() {
  const world = await withHarvest();
  const inspector = world.thirdProvider;
  const rules = await passProposal(
    world,
    [
      [
        createService(world.servicesAddress, {
          kind: "inspection",
          description: "Riverside materials lab",
          provider: inspector.address,
          token: world.stablecoinAddress,
          budgetPerPeriod: INSPECTION_BUDGET,
          periodLength: SERVICE_PERIOD,
        }),
        appointInspector(world.servicesAddress, 0n, CHALLENGE_WINDOW),
        setRewardRule(world.servicesAddress, {
          token: world.stablecoinAddress,
          floorBps: REWARD_FLOOR_BPS,
          rewardPerUnit: REWARD_PER_UNIT,
          budgetPerPeriod: REWARD_BUDGET,
          periodLength: REWARD_PERIOD,
        }),
      ],
    ],
    "Reward recyclable content, checked by the materials lab",
    { voters: VOTERS },
  );
  const attestation = await (await world.services.connect(inspector).attestProduction(0n)).wait();
  return { ...world, inspector, rules, attestation, harvestId: 0n };
}
type WithRewardRule = Awaited<ReturnType<typeof withRewardRule>>;

/** The farm produces `amount` grain with `recyclableBps`, and the inspector attests it; its id. */
async function attestedProduction(world: WithRewardRule, amount: bigint, recyclableBps: number) {
  await passProposal(world.farm, [[produceAction(world, GRAIN, amount, recyclableBps)]], "Another harvest", {
    voters: FARM_VOTERS,
  });
  const productionId = (await world.goods.productionCount()) - 1n;
  await (await world.services.connect(world.inspector).attestProduction(productionId)).wait();
  return productionId;
}

describe("Zone production rewards for recyclable content", function () {
  const claimReward = (world: WithRewardRule, productionId: bigint) =>
    world.services.connect(world.stranger).claimReward(productionId);

  it("records each production's declared recyclable content, per production and per good", async function () {
    const world = await loadFixture(withHarvest);
    const harvest = await world.goods.getProduction(0n);
    expect(harvest.producer).to.equal(world.farm.zoneAddress);
    expect(harvest.zone).to.equal(world.zoneAddress);
    expect(harvest.amount).to.equal(HARVEST);
    expect(harvest.recyclableBps).to.equal(BigInt(HARVEST_RECYCLABLE_BPS));
    expect(harvest.proposalId).to.equal(world.production.proposalId);
    // A second harvest of the same good at 40%: the good's share is weighted by units.
    await passProposal(world.farm, [[produceAction(world, GRAIN, 300n, 4_000)]], "Winter harvest", {
      voters: FARM_VOTERS,
    });
    expect(await world.goods.productionCount()).to.equal(2n);
    expect(await world.goods.recyclableBpsOf(world.grainId)).to.equal(5_000n);
    await expect(world.goods.getProduction(2n))
      .to.be.revertedWithCustomError(world.goods, "GoodsUnknownProduction")
      .withArgs(2n);
  });

  it("refuses a declared share above 100%", async function () {
    const world = await loadFixture(withHarvest);
    const { proposalId, actions } = await queuePassedProposal(
      world.farm,
      [[produceAction(world, GRAIN, 1n, 10_001)]],
      "An impossible harvest",
      { voters: FARM_VOTERS },
    );
    await expectActionFailure(world.farm.zone.execute(proposalId, actions), world.farm.zone, 0, [
      goodsInterface,
      "GoodsInvalidRecyclableContent",
      [10_001n],
    ]);
  });

  it("lets only the inspector the zone appointed attest, once, and only its zone's productions", async function () {
    const world = await loadFixture(withHarvest);
    await expect(world.services.connect(world.thirdProvider).attestProduction(0n))
      .to.be.revertedWithCustomError(world.services, "ProductionNoInspector")
      .withArgs(world.zoneAddress);
    const ruled = await loadFixture(withRewardRule);
    await expect(ruled.attestation)
      .to.emit(ruled.services, "ProductionAttested")
      .withArgs(ruled.zoneAddress, 0n, 0n, ruled.inspector.address, anyValue);
    await expect(ruled.services.connect(ruled.inspector).attestProduction(0n))
      .to.be.revertedWithCustomError(ruled.services, "ProductionAlreadyAttested")
      .withArgs(0n);
    await passProposal(ruled.farm, [[produceAction(ruled, GRAIN, 10n, 9_000)]], "More grain", {
      voters: FARM_VOTERS,
    });
    // Another zone's provider (the clinic's), or anyone else, cannot vouch for Riverside's goods.
    for (const signer of [ruled.provider, ruled.stranger]) {
      await expect(ruled.services.connect(signer).attestProduction(1n))
        .to.be.revertedWithCustomError(ruled.services, "ProductionCallerIsNotTheInspector")
        .withArgs(signer.address, ruled.inspector.address);
    }
    await expect(ruled.services.connect(ruled.inspector).attestProduction(5n))
      .to.be.revertedWithCustomError(ruled.goods, "GoodsUnknownProduction")
      .withArgs(5n);
  });

  it("pays the producer once, after the challenge window, under the rule, naming the rule's proposal", async function () {
    const world = await loadFixture(withRewardRule);
    const closesAt = (await world.services.attestationOf(0n)).claimableAt;
    await expect(claimReward(world, 0n))
      .to.be.revertedWithCustomError(world.services, "ProductionChallengeWindowOpen")
      .withArgs(0n, closesAt);
    await time.increase(CHALLENGE_WINDOW);
    expect(
      await world.services.rewardFor(
        [...(await world.services.rewardRuleOf(world.zoneAddress))] as unknown as Parameters<
          typeof world.services.rewardFor
        >[0],
        HARVEST,
        HARVEST_RECYCLABLE_BPS,
      ),
    ).to.equal(HARVEST_REWARD);
    expect(
      rewardFor(
        { floorBps: REWARD_FLOOR_BPS, rewardPerUnit: REWARD_PER_UNIT, budgetPerPeriod: REWARD_BUDGET },
        HARVEST,
        HARVEST_RECYCLABLE_BPS,
      ),
    ).to.equal(HARVEST_REWARD);
    // Anyone may claim: the reward goes only to the farm, whose ledger records it.
    await expect(claimReward(world, 0n))
      .to.emit(world.services, "ProductionRewarded")
      .withArgs(
        world.zoneAddress,
        0n,
        world.farm.zoneAddress,
        world.stablecoinAddress,
        HARVEST_REWARD,
        0n,
        world.rules.proposalId,
      )
      .and.to.emit(world.zone, "TreasuryPaid")
      .withArgs(world.rules.proposalId, world.stablecoinAddress, world.farm.zoneAddress, HARVEST_REWARD)
      .and.to.emit(world.farm.zone, "TreasuryReceived")
      .withArgs(world.zoneAddress, world.stablecoinAddress, HARVEST_REWARD);
    expect(await world.stablecoin.balanceOf(world.farm.zoneAddress)).to.equal(HARVEST_REWARD);
    await expect(claimReward(world, 0n))
      .to.be.revertedWithCustomError(world.services, "ProductionAlreadyRewarded")
      .withArgs(0n);
  });

  it("lets a vote revoke an attestation within its window, never after; a revoked production earns nothing", async function () {
    const world = await loadFixture(withRewardRule);
    const late = await attestedProduction(world, 10n, 9_000);
    await passProposal(world, [[revokeAttestation(world.servicesAddress, 0n)]], "The sacks were plastic", {
      voters: VOTERS,
    });
    await time.increase(CHALLENGE_WINDOW);
    await expect(claimReward(world, 0n))
      .to.be.revertedWithCustomError(world.services, "ProductionAttestationRevoked")
      .withArgs(0n);
    // The window of the later production has closed too: its attestation stands.
    const { proposalId, actions } = await queuePassedProposal(
      world,
      [[revokeAttestation(world.servicesAddress, late)]],
      "Too late",
      { voters: VOTERS },
    );
    await expectActionFailure(world.zone.execute(proposalId, actions), world.zone, 0, [
      servicesInterface,
      "ProductionChallengeWindowClosed",
      [late, (await world.services.attestationOf(late)).claimableAt],
    ]);
    await expect(claimReward(world, late)).to.emit(world.services, "ProductionRewarded");
    // No one revokes without a vote, and no zone revokes another's.
    await expect(world.services.connect(world.stranger).revokeAttestation(late))
      .to.be.revertedWithCustomError(world.services, "ServicesCallerIsNotAZone")
      .withArgs(world.stranger.address);
    const other = await queuePassedProposal(
      world.hillside,
      [[revokeAttestation(world.servicesAddress, late)]],
      "Revoke Riverside's",
      { voters: VOTERS },
    );
    await expectActionFailure(
      world.hillside.zone.execute(other.proposalId, other.actions),
      world.hillside.zone,
      0,
      [servicesInterface, "ProductionNotOfThisZone", [late, world.hillside.zoneAddress]],
    );
    // The audit re-derives both: the revoked one unpaid, the other paid what the rule says.
    const report = await auditZone(ethers.provider, world.zoneAddress, {
      fromBlock: world.deployment.blockNumber,
    });
    expect(report.checks.filter((check) => !check.ok)).to.deep.equal([]);
    // The appointment, the rule, two attestations, a revocation and a reward.
    expect(report.checks.find((check) => check.name === "production rewards")?.items).to.equal(6);
  });

  it("pays nothing at or below the floor, and never more than a period's budget", async function () {
    const world = await loadFixture(withRewardRule);
    const atFloor = await attestedProduction(world, 500n, REWARD_FLOOR_BPS);
    const big = await attestedProduction(world, 1_000n, 10_000);
    await time.increase(CHALLENGE_WINDOW);
    await expect(claimReward(world, atFloor))
      .to.be.revertedWithCustomError(world.services, "ProductionNoReward")
      .withArgs(atFloor);
    // 1,000 units wholly recyclable would earn 2,000 USDz: paid what one period allows.
    await expect(claimReward(world, big))
      .to.emit(world.services, "ProductionRewarded")
      .withArgs(
        world.zoneAddress,
        big,
        world.farm.zoneAddress,
        world.stablecoinAddress,
        REWARD_BUDGET,
        0n,
        world.rules.proposalId,
      );
  });

  it("refuses a reward once the period's budget is spent, and pays it in the next period", async function () {
    const world = await loadFixture(withRewardRule);
    await time.increase(CHALLENGE_WINDOW);
    await claimReward(world, 0n);
    const second = await attestedProduction(world, 100n, HARVEST_RECYCLABLE_BPS);
    await time.increase(CHALLENGE_WINDOW);
    await expect(claimReward(world, second))
      .to.be.revertedWithCustomError(world.services, "ProductionRewardBudgetExhausted")
      .withArgs(world.zoneAddress, 0n, REWARD_BUDGET - HARVEST_REWARD, HARVEST_REWARD);
    expect(await world.services.rewardsPaid(world.zoneAddress, world.rules.proposalId, 0n)).to.equal(
      HARVEST_REWARD,
    );
    await time.increase(REWARD_PERIOD);
    await expect(claimReward(world, second))
      .to.emit(world.services, "ProductionRewarded")
      .withArgs(
        world.zoneAddress,
        second,
        world.farm.zoneAddress,
        world.stablecoinAddress,
        HARVEST_REWARD,
        1n,
        world.rules.proposalId,
      );
  });

  it("sets rules and inspectors only by vote, with a floor below 100%", async function () {
    const world = await loadFixture(withRewardRule);
    await expect(
      world.services.connect(world.stranger).setRewardRule(world.stablecoinAddress, 0, 1n, 1n, 1n),
    ).to.be.revertedWithCustomError(world.services, "ServicesCallerIsNotAZone");
    await expect(
      world.services.connect(world.stranger).appointInspector(0n, 0n),
    ).to.be.revertedWithCustomError(world.services, "ServicesCallerIsNotAZone");
    expect(() =>
      setRewardRule(world.servicesAddress, {
        token: world.stablecoinAddress,
        floorBps: 10_000,
        rewardPerUnit: 1n,
        budgetPerPeriod: 1n,
        periodLength: 1,
      }),
    ).to.throw(RangeError, "floorBps must be below 10000");
    const { proposalId, actions } = await queuePassedProposal(
      world,
      [
        [
          call(
            world.servicesAddress,
            servicesInterface.encodeFunctionData("setRewardRule", [
              world.stablecoinAddress,
              10_000,
              1n,
              1n,
              1n,
            ]),
          ),
        ],
      ],
      "A floor of 100%",
      { voters: VOTERS },
    );
    await expectActionFailure(world.zone.execute(proposalId, actions), world.zone, 0, [
      servicesInterface,
      "ServicesInvalidTerms",
      [],
    ]);
  });

  it("gives an internal DAO a production budget per period, which anyone claims for it", async function () {
    const world = await loadFixture(withFarm);
    const budget = await passProposal(
      world,
      [
        [
          productionBudget(world.servicesAddress, {
            internalDao: world.farm.zoneAddress,
            description: "Seed and recycled packaging",
            token: world.stablecoinAddress,
            budgetPerPeriod: FARM_BUDGET,
            periodLength: SERVICE_PERIOD,
          }),
        ],
      ],
      "Fund the farm's production",
      { voters: VOTERS },
    );
    const claim = () => world.services.connect(world.stranger).claimBudget(world.zoneAddress, 0n);
    await expect(claim())
      .to.emit(world.services, "ServiceBudgetClaimed")
      .withArgs(world.zoneAddress, 0n, 0n, world.farm.zoneAddress, FARM_BUDGET)
      .and.to.emit(world.zone, "TreasuryPaid")
      .withArgs(budget.proposalId, world.stablecoinAddress, world.farm.zoneAddress, FARM_BUDGET)
      // Funding from the parent: on the farm's ledger, and no income share goes back.
      .and.to.emit(world.farm.zone, "TreasuryReceived")
      .withArgs(world.zoneAddress, world.stablecoinAddress, FARM_BUDGET)
      .and.not.to.emit(world.farm.zone, "IncomeShared");
    await expect(claim())
      .to.be.revertedWithCustomError(world.services, "ServicesAlreadyClaimed")
      .withArgs(world.zoneAddress, 0n, 0n);
  });
});
