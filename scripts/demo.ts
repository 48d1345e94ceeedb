/**
 * The local demo's world, built on a fresh chain with the sdk and real proofs: two zones,
 * Riverside and Hillside, with deterministic citizens; Riverside's farm cooperative (an internal
 * DAO) and its grain; public services; a trade between the zones; proposals left in every state a
 * tester wants to see: Executed, Defeated, Succeeded and Active (open for days); Riverside's vote
 * to let each citizen invite one newcomer a week; and one admission left pending (Ema, requested
 * by Riverside's registrar, with its deadline), which Riverside's citizens can still reject.
 *
 * Each zone's citizens are admitted while it is founding (before its first proposal), the only
 * time a registrar's admission enters at once; the farm's by its own registrar, since a parent
 * zone's registrar has no power over an internal DAO.
 *
 * Everything is decided as it would be for real: a citizen proposes anonymously, citizens vote with
 * proofs, time passes (evm_increaseTime), anyone queues and executes. Only the clock is cheated.
 */
import { HDNodeWallet, JsonRpcProvider, keccak256, parseEther, toUtf8Bytes, type Signer } from "ethers";
import { developmentCircuit } from "../circuits/ceremony.js";
import {
  SCALAR_ORDER,
  proveSealedVote,
  sealedVoteCall,
  type Point,
  type VerificationKey,
} from "../sdk/sealed.js";
import { dealAsTeller, registerTeller, type TellersTerm } from "../sdk/tellers.js";
import type { WarmCircuit } from "../sdk/warm-prover.js";
import {
  rulesWith,
  Identity,
  TestStablecoin__factory,
  VoteOption,
  ZoneServices__factory,
  ZoneTrade__factory,
  acceptOffer,
  appointInspector,
  ballotOptions,
  createInternalDao,
  createService,
  createZone,
  deployZoneDao,
  electTellers,
  sealedBallotsAt,
  zoneTellersAt,
  encodeProposalText,
  goodsId,
  identityFromSeed,
  executableActions,
  formatDuration,
  freeProposalSlot,
  isMultipleChoice,
  optionLabel,
  proposalTitle,
  usedProposalNullifiers,
  offerGoods,
  openDividendRound,
  payToken,
  produceGoods,
  proveProposal,
  proveVote,
  readAdmissionRules,
  rebuildGroup,
  requestAdmissions,
  setAdmissionRules,
  setReserve,
  setRewardRule,
  zoneAt,
  zoneFactoryAt,
  type DemoCitizen,
  type Zone,
  type ZoneAction,
  type ZoneDaoDeployment,
  type ZoneRules,
  type ZoneSealedBallots,
} from "../sdk/index.js";
import { HARDHAT_MNEMONIC } from "./local-chain.js";

const DAY = 86_400;
/** USDz has 18 decimals, like ether. */
const usdz = (amount: number) => parseEther(String(amount));
/** The farm's grain ships in recycled jute sacks: 85% of what it sells is recyclable content. */
const GRAIN_RECYCLABLE_BPS = 8_500;
/** Riverside's reward for recyclable content: 2 USDz a unit at 100%, nothing at or below 50%. */
const RECYCLING_REWARD = { floorBps: 5_000, rewardPerUnit: usdz(2), budgetPerPeriod: usdz(500) };
/** How long Riverside's citizens have to revoke the materials lab's word on a production. */
const CHALLENGE_WINDOW = 2 * DAY;

/** A week to vote, a day of timelock: testers have days to vote on what start leaves open. */
export const DEMO_RULES: ZoneRules = rulesWith({
  votingPeriod: 7 * DAY,
  executionDelay: DAY,
  executionWindow: 14 * DAY,
  quorumBps: 5000,
  proposalEpoch: 7 * DAY,
});

/** The demo's people. */
const PEOPLE = ["Ana", "Ben", "Chloe", "Dev", "Ema", "Finn", "Gus"] as const;
type Person = (typeof PEOPLE)[number];

/**
 * A demo citizen's identity, the same at every start (from a fixed seed, so it exports and imports
 * like any identity).
 */
export function demoIdentity(name: string): Identity {
  return identityFromSeed(`zonedao-demo-${name.toLowerCase()}`);
}
const identities = Object.fromEntries(PEOPLE.map((name) => [name, demoIdentity(name)])) as Record<
  Person,
  Identity
>;

const RIVERSIDE_CITIZENS: Person[] = ["Ana", "Ben", "Chloe", "Dev"];
const HILLSIDE_CITIZENS: Person[] = ["Ana", "Ema", "Finn", "Gus"];
const FARMERS: Person[] = ["Ben", "Chloe", "Dev"];

/** Hardhat's default account `index` (the node funds each with 10,000 ETH). */
export function hardhatAccount(index: number, provider: JsonRpcProvider): HDNodeWallet {
  return HDNodeWallet.fromPhrase(HARDHAT_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`).connect(provider);
}

/** Who does what among Hardhat's default accounts. The relayer's account is used by nothing else. */
export const DEMO_ACCOUNTS = {
  deployer: 0,
  registrar: 1,
  relayer: 2,
  healthcareProvider: 3,
  educationProvider: 4,
  bridgeworks: 5,
  communityGarden: 6,
  clearwater: 7,
  springco: 8,
  teller1: 9,
  teller2: 10,
  teller3: 11,
  materialsLab: 12,
} as const;

/** Riverside's tellers: their accounts, and any 2 of 3 open a sealed tally. */
const TELLER_ROLES = ["teller1", "teller2", "teller3"] as const;
const TELLER_THRESHOLD = 2;
/** Each phase of the tellers' key generation, and their term (it must outlast the sealed vote). */
const TELLER_PHASE = 3_600;
const TELLER_TERM = 365 * DAY;

/**
 * A demo teller's registration secret, the same at every start (from a fixed seed, like the demo's
 * identities): local demo only. Its shares of the joint key are on chain, encrypted to it.
 */
export function demoTellerSecret(teller: number): bigint {
  return BigInt(keccak256(toUtf8Bytes(`zonedao-demo-teller-${teller}`))) % SCALAR_ORDER;
}

export interface DemoZoneInfo {
  name: string;
  address: string;
  citizens: Person[];
}

export interface DemoWorld {
  deployment: ZoneDaoDeployment;
  stablecoin: string;
  /** Riverside, Riverside Farm (its internal DAO), Hillside. */
  zones: DemoZoneInfo[];
  citizens: DemoCitizen[];
  /** The proposal left open for testers to vote on: Riverside's, which Ana has not voted on. */
  openProposal: { zone: string; zoneName: string; proposalId: bigint; voter: Person };
  /** The admission left pending: Riverside's registrar asked for Ema, who enters at `readyAt`. */
  pendingAdmission: { zone: string; zoneName: string; requestId: bigint; person: Person; readyAt: bigint };
  /** The sealed ballot circuit's development files (a key made by one party: local only). */
  sealedBallot: { wasm: string; zkey: string };
  /** Riverside's tellers (term 0): each one's number, Hardhat account and registration secret. */
  tellers: {
    zone: string;
    term: bigint;
    threshold: number;
    members: { number: number; account: number; secret: bigint }[];
  };
  /** The sealed proposal left open: Riverside's, which Ana has not voted on. */
  sealedProposal: { zone: string; zoneName: string; proposalId: bigint; voter: Person };
  /**
   * Riverside rewards recyclable content: the farm's harvest (production 0, 85% recyclable) was
   * attested by the materials lab (Riverside's inspector, service 1) and rewarded `reward` USDz.
   */
  recycling: {
    zone: string;
    producer: string;
    productionId: bigint;
    reward: bigint;
    inspectorService: bigint;
  };
}

/** A demo zone as the Seeder acts in it: its citizens prove with their demo identities. */
export interface DemoZone {
  name: string;
  address: string;
  zone: Zone;
  citizens: Person[];
}

/** Builds the demo on a fresh chain; `progress` hears one line per step. */
export async function seedDemo(
  provider: JsonRpcProvider,
  progress: (line: string) => void,
): Promise<DemoWorld> {
  const account = (role: keyof typeof DEMO_ACCOUNTS) => hardhatAccount(DEMO_ACCOUNTS[role], provider);
  const deployer = account("deployer");
  const registrar = account("registrar");
  const { chainId } = await provider.getNetwork();
  const seeder = new Seeder(provider, deployer, chainId, progress);

  progress(
    "making the sealed ballot circuit's development key (one party: local only; a minute the first time)",
  );
  const sealed = await developmentCircuit();
  const deployment = await deployZoneDao(deployer, (step) => progress(step), {
    sealedBallotKey: sealed.key.verificationKey as VerificationKey,
  });
  progress("deploying TestStablecoin (USDz)");
  const stablecoin = await (await new TestStablecoin__factory(deployer).deploy()).waitForDeployment();
  const token = await stablecoin.getAddress();
  const factory = zoneFactoryAt(deployment.zoneFactory, deployer);
  const [servicesAddress, goodsAddress, tradeAddress, tellersAddress, sealedBallotsAddress] =
    await Promise.all([
      factory.SERVICES(),
      factory.GOODS(),
      factory.TRADE(),
      factory.TELLERS(),
      factory.SEALED_BALLOTS(),
    ]);

  const makeZone = async (name: string, citizens: Person[]): Promise<DemoZone> => {
    progress(`creating zone ${name}; while it is founding, its registrar admits ${citizens.join(", ")}`);
    const address = await createZone(factory, { name, registrar: registrar.address, rules: DEMO_RULES });
    const zone = zoneAt(address, deployer);
    await seeder.wait(
      zone.connect(registrar).addMembers(citizens.map((name) => identities[name].commitment)),
    );
    progress(`funding ${name}'s treasury: 10 ETH and 5,000 USDz`);
    await seeder.wait(deployer.sendTransaction({ to: address, value: parseEther("10") }));
    await seeder.wait(stablecoin.mint(deployer.address, usdz(5_000)));
    await seeder.wait(stablecoin.approve(address, usdz(5_000)));
    await seeder.wait(zone.deposit(token, usdz(5_000)));
    return { name, address, zone, citizens };
  };
  const riverside = await makeZone("Riverside", RIVERSIDE_CITIZENS);
  const hillside = await makeZone("Hillside", HILLSIDE_CITIZENS);
  const address = (role: keyof typeof DEMO_ACCOUNTS) => account(role).address;

  // Round 1: services, the farm cooperative, and a payment the citizens turn down.
  const clinic = await seeder.propose(
    riverside,
    [
      [
        createService(servicesAddress, {
          kind: "healthcare",
          description: "Riverside clinic: primary care for every citizen",
          provider: address("healthcareProvider"),
          token,
          budgetPerPeriod: usdz(1_000),
          periodLength: 30 * DAY,
        }),
      ],
    ],
    "Fund the Riverside clinic: a healthcare service of 1,000 USDz every 30 days",
  );
  const farmFounding = await seeder.propose(
    riverside,
    [
      [
        createInternalDao(riverside.address, {
          name: "Riverside Farm",
          registrar: registrar.address,
          rules: DEMO_RULES,
          incomeShareBps: 1000,
        }),
      ],
    ],
    "Found Riverside Farm, a cooperative that returns 10% of its income to Riverside, with the registrar as its own",
  );
  const bridge = await seeder.propose(
    riverside,
    [[payToken(riverside.address, token, address("bridgeworks"), usdz(2_000))]],
    "Pay Bridgeworks 2,000 USDz for a footbridge survey",
  );
  const school = await seeder.propose(
    hillside,
    [
      [
        createService(servicesAddress, {
          kind: "education",
          description: "Hillside school: lessons for children and evening classes for adults",
          provider: address("educationProvider"),
          token,
          budgetPerPeriod: usdz(800),
          periodLength: 30 * DAY,
        }),
      ],
    ],
    "Open the Hillside school: an education service of 800 USDz every 30 days",
  );
  const election = await seeder.propose(
    riverside,
    [
      [
        electTellers(tellersAddress, {
          accounts: TELLER_ROLES.map((role) => address(role)),
          threshold: TELLER_THRESHOLD,
          phaseLength: TELLER_PHASE,
          termLength: TELLER_TERM,
        }),
      ],
    ],
    "Elect three tellers for sealed votes: any two of them open a sealed tally once its vote has closed",
  );
  // Service 1 once the clinic (service 0) runs first: the lab that checks what the farm declares.
  const inspectorService = 1n;
  const recycling = await seeder.propose(
    riverside,
    [
      [
        createService(servicesAddress, {
          kind: "inspection",
          description: "Riverside materials lab: checks the recyclable content producers declare",
          provider: address("materialsLab"),
          token,
          budgetPerPeriod: usdz(100),
          periodLength: 30 * DAY,
        }),
        appointInspector(servicesAddress, inspectorService, CHALLENGE_WINDOW),
        setRewardRule(servicesAddress, { token, periodLength: 30 * DAY, ...RECYCLING_REWARD }),
      ],
    ],
    "Reward recyclable content: 2 USDz a unit at 100%, none at or below 50%, at most 500 USDz a month, checked by the materials lab",
  );
  await seeder.vote(clinic, VoteOption.For, ["Ana", "Ben", "Chloe"]);
  await seeder.vote(recycling, VoteOption.For, ["Ana", "Ben", "Dev"]);
  await seeder.vote(election, VoteOption.For, ["Ana", "Chloe", "Dev"]);
  await seeder.vote(farmFounding, VoteOption.For, ["Ben", "Chloe", "Dev"]);
  await seeder.vote(bridge, VoteOption.Against, ["Ana", "Ben"]);
  await seeder.vote(bridge, VoteOption.For, ["Chloe"]);
  await seeder.vote(school, VoteOption.For, ["Ema", "Finn"]);
  await seeder.enact([clinic, recycling, farmFounding, school, election]);
  const tellers = await seeder.makeTellersKey(riverside, tellersAddress, account);
  progress("the clinic's provider claims its first month's budget");
  const services = ZoneServices__factory.connect(servicesAddress, account("healthcareProvider"));
  await seeder.wait(services.claimBudget(riverside.address, 0n));

  const [founded] = await riverside.zone.queryFilter(riverside.zone.filters.InternalDaoCreated());
  if (!founded) throw new Error("the farm's founding left no InternalDaoCreated event");
  const farm: DemoZone = {
    name: "Riverside Farm",
    address: founded.args.dao,
    zone: zoneAt(founded.args.dao, deployer),
    citizens: FARMERS,
  };
  progress(`while the farm is founding, its registrar admits ${FARMERS.join(", ")} to Riverside Farm`);
  await seeder.wait(
    farm.zone.connect(registrar).addMembers(FARMERS.map((name) => identities[name].commitment)),
  );

  // Round 2: the farm records its harvest; Riverside keeps 60 grain and offers 40 to Hillside.
  const grain = goodsId(farm.address, "grain");
  const harvest = await seeder.propose(
    farm,
    [[produceGoods(goodsAddress, "grain", 100n, GRAIN_RECYCLABLE_BPS)]],
    "Record the autumn harvest: 100 grain",
  );
  const offerExpiry = (await seeder.now()) + 60 * DAY;
  const offer = await seeder.propose(
    riverside,
    [
      [
        setReserve(riverside.address, grain, 60n),
        ...offerGoods({
          zone: riverside.address,
          trade: tradeAddress,
          goods: goodsAddress,
          goodsId: grain,
          quantity: 40n,
          paymentToken: token,
          pricePerUnit: usdz(5),
          buyer: hillside.address,
          expiry: offerExpiry,
        }),
      ],
    ],
    "Keep 60 grain at home and offer the other 40 to Hillside at 5 USDz each",
  );
  const admissions = await riverside.zone.ADMISSIONS();
  const invitations = await seeder.propose(
    riverside,
    [
      [
        setAdmissionRules(admissions, {
          ...(await readAdmissionRules(riverside.zone)),
          invitationsPerEpoch: 1,
        }),
      ],
    ],
    "Let each citizen invite one newcomer a week (anonymous invitations, pending like any admission)",
  );
  await seeder.vote(harvest, VoteOption.For, ["Ben", "Chloe"]);
  await seeder.vote(offer, VoteOption.For, ["Ana", "Dev"]);
  await seeder.vote(invitations, VoteOption.For, ["Ben", "Chloe"]);
  await seeder.enact([harvest, offer, invitations]);
  const offerId = await ZoneTrade__factory.connect(tradeAddress, provider).offerCount();
  const harvestProduction = 0n;
  progress("the materials lab attests the harvest's 85% recyclable content (jute sacks)");
  await seeder.wait(
    ZoneServices__factory.connect(servicesAddress, account("materialsLab")).attestProduction(
      harvestProduction,
    ),
  );

  // Round 3: Hillside buys the grain; a payment passes and is left for anyone to queue.
  const purchase = await seeder.propose(
    hillside,
    [[...acceptOffer({ trade: tradeAddress, paymentToken: token, total: usdz(200), offerId })]],
    `Buy Riverside's 40 grain for 200 USDz (trade offer ${offerId})`,
  );
  const garden = await seeder.propose(
    hillside,
    [[payToken(hillside.address, token, address("communityGarden"), usdz(250))]],
    "Pay 250 USDz to the community garden for seeds and tools",
  );
  await seeder.vote(purchase, VoteOption.For, ["Ana", "Ema", "Gus"]);
  await seeder.vote(garden, VoteOption.For, ["Finn", "Gus"]);
  await seeder.enact([purchase]);
  progress("the challenge window has closed: the farm's reward for recyclable content is paid to it");
  const rewarded = await (
    await ZoneServices__factory.connect(servicesAddress, deployer).claimReward(harvestProduction)
  ).wait();
  const rewardLog = (rewarded?.logs ?? [])
    .map((log) => ZoneServices__factory.createInterface().parseLog(log))
    .find((parsed) => parsed?.name === "ProductionRewarded");
  if (!rewardLog) throw new Error("the farm's reward left no ProductionRewarded event");

  // Open for voting: a week from now.
  const dividend = await seeder.propose(
    riverside,
    [[openDividendRound(riverside.address, token, usdz(10), 30 * DAY)]],
    "Share 10 USDz with every citizen (a dividend round, claimable for 30 days)",
  );
  await seeder.vote(dividend, VoteOption.For, ["Dev"]);
  const waterBid = (provider: string, name: string, monthly: number) =>
    createService(servicesAddress, {
      kind: "water",
      description: `${name}: drinking water and pipe repairs`,
      provider,
      token,
      budgetPerPeriod: usdz(monthly),
      periodLength: 30 * DAY,
    });
  const water = await seeder.propose(
    hillside,
    [[waterBid(address("clearwater"), "Clearwater", 600)], [waterBid(address("springco"), "Springco", 450)]],
    // The options' names are in the description the proof binds: every app reads "Option 1:
    // Clearwater (600 USDz a month)" for option index 0, and no relayer can swap them.
    encodeProposalText({
      title: "Choose Hillside's water service",
      optionNames: ["Clearwater (600 USDz a month)", "Springco (450 USDz a month)"],
    }),
  );
  await seeder.vote(water, 0, ["Finn"]);
  const festival = await seeder.propose(
    riverside,
    [[payToken(riverside.address, token, farm.address, usdz(300))]],
    "Pay Riverside Farm 300 USDz to hold the harvest festival (a sealed vote: no count shows until it closes)",
    tellers.term,
  );
  await seeder.sealedVote(
    festival,
    VoteOption.For,
    ["Dev"],
    sealed.circuit,
    sealedBallotsAt(sealedBallotsAddress, deployer),
  );

  // After Riverside's founding the registrar can only ask: Ema waits out the admission delay (a
  // vote's length and a day), during which Riverside's citizens may reject her admission.
  const pending = await requestAdmissions(riverside.zone, registrar, [identities.Ema.commitment]);
  progress(
    `Riverside's registrar asks to admit Ema: request ${pending.requestId}, pending until ${new Date(Number(pending.readyAt) * 1000).toISOString()} unless Riverside's citizens reject it`,
  );

  const zones = [riverside, farm, hillside];
  const citizens: DemoCitizen[] = PEOPLE.map((name) => ({
    name,
    zones: zones.filter((zone) => zone.citizens.includes(name)).map((zone) => zone.address),
    identity: identities[name].export(),
    commitment: identities[name].commitment.toString(),
  }));
  return {
    deployment,
    stablecoin: token,
    zones: zones.map(({ name, address, citizens }) => ({ name, address, citizens })),
    citizens,
    openProposal: {
      zone: riverside.address,
      zoneName: riverside.name,
      proposalId: dividend.id,
      voter: "Ana",
    },
    pendingAdmission: {
      zone: riverside.address,
      zoneName: riverside.name,
      requestId: pending.requestId,
      person: "Ema",
      readyAt: pending.readyAt,
    },
    sealedBallot: { wasm: sealed.key.circuit.wasmPath, zkey: sealed.key.zkeyPath },
    tellers: {
      zone: riverside.address,
      term: tellers.term,
      threshold: TELLER_THRESHOLD,
      members: TELLER_ROLES.map((role, index) => ({
        number: index + 1,
        account: DEMO_ACCOUNTS[role],
        secret: demoTellerSecret(index + 1),
      })),
    },
    recycling: {
      zone: riverside.address,
      producer: farm.address,
      productionId: harvestProduction,
      reward: rewardLog.args.getValue("amount") as bigint,
      inspectorService,
    },
    sealedProposal: {
      zone: riverside.address,
      zoneName: riverside.name,
      proposalId: festival.id,
      voter: "Ana",
    },
  };
}

interface DemoProposal {
  zone: DemoZone;
  id: bigint;
  options: ZoneAction[][];
  description: string;
}

/**
 * Proposes, votes, waits and enacts with real proofs, one line of progress per step. Exported so a test
 * can add to the demo's world as the demo builds it (test/web-economy.test.ts: an open offer).
 */
export class Seeder {
  constructor(
    private readonly provider: JsonRpcProvider,
    private readonly sender: Signer,
    private readonly chainId: bigint,
    private readonly progress: (line: string) => void,
  ) {}

  /** Sends a transaction and waits for it to be mined. */
  async wait(sent: Promise<{ wait(): Promise<unknown> }>): Promise<void> {
    await (await sent).wait();
  }

  async now(): Promise<number> {
    const block = await this.provider.getBlock("latest");
    if (!block) throw new Error("the chain has no latest block");
    return block.timestamp;
  }

  /** Moves the chain's clock forward and mines a block at the new time. */
  async advance(seconds: number, why: string): Promise<void> {
    this.progress(`moving the chain's clock ${formatDuration(seconds)} forward (${why})`);
    await this.provider.send("evm_increaseTime", [seconds]);
    await this.provider.send("evm_mine", []);
  }

  /**
   * A citizen of `zone` with a proposal slot left proposes anonymously; the deployer submits it.
   * With `tellersTerm`, the proposal is sealed to that term's tellers.
   */
  async propose(
    zone: DemoZone,
    options: ZoneAction[][],
    description: string,
    tellersTerm?: bigint,
  ): Promise<DemoProposal> {
    const epoch = await zone.zone.currentProposalEpoch();
    const place = { chainId: this.chainId, zone: zone.address, epoch };
    const { proposalsPerEpoch } = await zone.zone.rules();
    const free = freeProposalSlot(
      zone.citizens.map((citizen) => identities[citizen]),
      { ...place, proposalsPerEpoch },
      await usedProposalNullifiers(zone.zone),
    );
    if (free === undefined)
      throw new Error(`every citizen of ${zone.name} has used every proposal slot of this epoch`);
    const proof = await proveProposal(free.author, await rebuildGroup(zone.zone), {
      ...place,
      slot: free.slot,
      options,
      description,
      tellersTerm,
    });
    await this.wait(
      tellersTerm === undefined
        ? zone.zone.propose(options, description, proof)
        : zone.zone.proposeSealed(options, description, proof, tellersTerm),
    );
    const id = await zone.zone.proposalCount();
    const labels = isMultipleChoice(options)
      ? ` (${ballotOptions({ description, options })
          .map((choice) => choice.label)
          .join("; ")})`
      : "";
    const how = tellersTerm === undefined ? "" : `, sealed to tellers' term ${tellersTerm}`;
    this.progress(
      `${zone.name} #${id}: proposed anonymously${how}: "${proposalTitle({ description, options })}"${labels}`,
    );
    return { zone, id, options, description };
  }

  async vote(proposal: DemoProposal, option: number, voters: Person[]): Promise<void> {
    const { zone, id } = proposal;
    const snapshot = await rebuildGroup(zone.zone, { untilProposal: id });
    for (const voter of voters) {
      const vote = await proveVote(identities[voter], snapshot, {
        chainId: this.chainId,
        zone: zone.address,
        proposalId: id,
        option,
      });
      await this.wait(zone.zone.castVote(id, option, vote.nullifier, vote.points));
    }
    this.progress(
      `${zone.name} #${id}: ${voters.join(", ")} voted ${optionLabel(proposal, option)} (anonymously: the chain sees only proofs)`,
    );
  }

  /** Sealed ballots by `voters`, encrypted to the proposal's tellers' key, cast in one batch. */
  async sealedVote(
    proposal: DemoProposal,
    option: number,
    voters: Person[],
    circuit: WarmCircuit,
    sealedBallots: ZoneSealedBallots,
  ): Promise<void> {
    const { zone, id } = proposal;
    const box = await sealedBallots.ballotBox(zone.address, id);
    const publicKey: Point = [box.publicKey.x, box.publicKey.y];
    const snapshot = await rebuildGroup(zone.zone, { untilProposal: id });
    const ballots = [];
    for (const voter of voters) {
      const place = { chainId: this.chainId, zone: zone.address, proposalId: id, publicKey, option };
      ballots.push(sealedVoteCall(await proveSealedVote(circuit, identities[voter], snapshot, place)));
    }
    await this.wait(sealedBallots.castSealedVotes(zone.address, id, ballots));
    this.progress(
      `${zone.name} #${id}: ${voters.join(", ")} cast a sealed ballot (encrypted to the tellers: no one can read it alone)`,
    );
  }

  /**
   * The tellers elected in `zone`'s newest term make its key: each registers (with its demo
   * secret), deals its shares, and, the phases over, anyone finalizes the joint key.
   */
  async makeTellersKey(
    zone: DemoZone,
    tellersAddress: string,
    account: (role: keyof typeof DEMO_ACCOUNTS) => Signer,
  ): Promise<{ term: bigint; publicKey: Point }> {
    const tellers = zoneTellersAt(tellersAddress, this.sender);
    const term = (await tellers.termCount(zone.address)) - 1n;
    const as = (index: number): TellersTerm => ({
      tellers: tellers.connect(account(TELLER_ROLES[index]!)),
      zone: zone.address,
      term,
    });
    for (const index of TELLER_ROLES.keys()) await registerTeller(as(index), demoTellerSecret(index + 1));
    this.progress(`${zone.name}'s three tellers registered their keys for term ${term}`);
    await this.advance(TELLER_PHASE, "to the tellers' dealing phase");
    for (const index of TELLER_ROLES.keys()) await dealAsTeller(as(index), index + 1);
    this.progress(
      `${zone.name}'s tellers dealt their shares (each encrypted to its teller, checkable by all)`,
    );
    await this.advance(3 * TELLER_PHASE, "past the complaint phases");
    await this.wait(tellers.finalize(zone.address, term));
    const { publicKey } = await tellers.getTerm(zone.address, term);
    this.progress(`${zone.name}'s tellers' joint key is final: sealed proposals can be made`);
    return { term, publicKey: [publicKey.x, publicKey.y] };
  }

  /**
   * Lets the voting period end, queues each proposal that passed, waits out the timelock and
   * executes them in order. The proposals were opened together, so they close together.
   */
  async enact(proposals: DemoProposal[]): Promise<void> {
    const ends = await Promise.all(proposals.map(({ zone, id }) => zone.zone.getProposal(id)));
    const lastEnd = Math.max(...ends.map((view) => Number(view.voteEnd)));
    await this.advance(lastEnd - (await this.now()) + 1, "to the end of the vote");
    for (const { zone, id } of proposals) {
      await this.wait(zone.zone.queue(id));
      this.progress(`${zone.name} #${id}: passed and queued`);
    }
    await this.advance(DEMO_RULES.executionDelay + 1, "past the timelock");
    for (const { zone, id, options } of proposals) {
      const [winner] = await zone.zone.winningOption(id);
      await this.wait(zone.zone.execute(id, [...executableActions(options, winner)]));
      this.progress(`${zone.name} #${id}: executed`);
    }
  }
}
