/**
 * The relayer's keeper (keeper.ts), on the tests' chain with real proofs: it queues a passed
 * proposal once its vote is over and executes it once its timelock is, with nobody calling
 * `execute`; it leaves a defeated one alone; an account that cannot pay fails, is counted and logged,
 * and the relayer serves on until it is funded; it signs with a key of its own, never the relayer's.
 * The chain is shared with every other test file: times are read from it, never assumed.
 */
import { expect } from "chai";
import { Wallet, parseEther } from "ethers";
import { PROPOSAL_STATES, VoteOption, payEther, type ZoneAction } from "../../sdk/index.js";
import { loadRelayerConfig, RelayerConfigError } from "../config.js";
import { relayerLogger, startRelayer, type Relayer } from "../relayer.js";
import { citizens, ethers, proposeWithFreeSlot, time } from "../../test/zone-fixture.js";
import {
  fundedRelayerKey,
  get,
  proveTestVote,
  relayerEnvironment,
  relayerWorld,
  spawnRelayer,
  startTestRelayer,
  type RelayerWorld,
} from "./relayer-fixture.js";

describe("keeper", function () {
  this.timeout(300_000);
  let world: RelayerWorld;

  before(async function () {
    world = await relayerWorld();
    const [funder] = await ethers.getSigners();
    await (await funder!.sendTransaction({ to: world.zoneAddress, value: parseEther("3") })).wait();
  });

  after(async function () {
    await world?.bridge.close();
  });

  /** A proposal that pays 1 ether from the zone to a fresh address, voted on by every citizen. */
  async function proposePayment(option: number): Promise<{ proposalId: bigint; payee: string }> {
    const payee = Wallet.createRandom().address;
    const options: ZoneAction[][] = [[payEther(payee, parseEther("1"))]];
    const proposalId = await proposeWithFreeSlot(world, options, `Pay ${payee}`);
    for (const citizen of citizens) {
      const vote = await proveTestVote(world, citizen, option, proposalId);
      await (await world.zone.castVote(proposalId, option, vote.nullifier, vote.points)).wait();
    }
    return { proposalId, payee };
  }

  /** A relayer whose keeper signs with `keeperKey` every 100 ms, and the lines it logged. */
  async function startWithKeeper(keeperKey: string): Promise<{ relayer: Relayer; logs: () => string }> {
    const lines: string[] = [];
    const environment = await relayerEnvironment(world, {
      ZONEDAO_KEEPER_KEY: keeperKey,
      ZONEDAO_KEEPER_INTERVAL_MS: "100",
      ZONEDAO_LOG_LEVEL: "info",
    });
    const config = loadRelayerConfig(environment);
    const logger = relayerLogger(config.logLevel, { write: (line: string) => lines.push(line) });
    return { relayer: await startRelayer(config, { logger }), logs: () => lines.join("") };
  }

  const stateOf = async (proposalId: bigint) =>
    PROPOSAL_STATES[Number((await world.zone.getProposal(proposalId)).state)];

  /** Moves the chain's clock to `seconds` unless it is there already (another file may have moved it). */
  async function advanceTo(seconds: bigint): Promise<void> {
    if (BigInt(await time.latest()) < seconds) await time.increaseTo(seconds);
  }

  /** Resolves once `condition` holds, checking every 50 ms; fails after 30 s, naming `what`. */
  async function eventually(what: string, condition: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** A sample's value in the relayer's Prometheus text (labels included in `sample`); undefined if absent. */
  async function metric(relayer: Relayer, sample: string): Promise<number | undefined> {
    const { text } = await get(relayer, "/metrics");
    const line = text.split("\n").find((candidate) => candidate.startsWith(`${sample} `));
    return line === undefined ? undefined : Number(line.slice(sample.length + 1));
  }

  // A step is over once counted: an execution's transaction is mined before its membership changes.
  const queuedBy = (relayer: Relayer) => async () =>
    (await metric(relayer, "zonedao_keeper_queued_total")) === 1;
  const executedBy = (relayer: Relayer) => async () =>
    (await metric(relayer, "zonedao_keeper_executed_total")) === 1;

  it("is off without ZONEDAO_KEEPER_KEY", async function () {
    const { relayer, config } = await startTestRelayer(world);
    try {
      expect(config.keeperKey).to.equal(undefined);
      expect(relayer.keeper).to.equal(undefined);
      expect((await get(relayer, "/metrics")).text).not.to.include("zonedao_keeper");
    } finally {
      await relayer.close();
    }
  });

  it("refuses the relayer's own key at boot, saying why, without echoing it", async function () {
    const environment = await relayerEnvironment(world);
    // The same account, spelled in capitals: compared by account, not by text.
    const sameKey = `0x${environment.ZONEDAO_RELAYER_KEY!.slice(2).toUpperCase()}`;
    const refused = () => loadRelayerConfig({ ...environment, ZONEDAO_KEEPER_KEY: sameKey });
    expect(refused).to.throw(RelayerConfigError, "ZONEDAO_KEEPER_KEY is the relayer's own key");
    expect(refused).to.throw(RelayerConfigError, "strand the batches after it");
    const boot = spawnRelayer({ ...environment, ZONEDAO_KEEPER_KEY: sameKey });
    expect(await boot.exited).to.equal(2);
    expect(boot.output()).to.include("ZONEDAO_KEEPER_KEY is the relayer's own key");
    expect(boot.output().toLowerCase()).not.to.include(
      environment.ZONEDAO_RELAYER_KEY!.slice(2).toLowerCase(),
    );
  });

  it("queues a passed proposal once its vote is over and executes it after its timelock, leaving a defeated one alone", async function () {
    const passing = await proposePayment(VoteOption.For);
    const defeated = await proposePayment(VoteOption.Against);
    const keeperKey = await fundedRelayerKey();
    const { relayer, logs } = await startWithKeeper(keeperKey);
    try {
      await relayer.keeper!.run();
      expect(await metric(relayer, "zonedao_keeper_queued_total"), "queued while the vote is open").to.equal(
        0,
      );

      const voteEnd = (await world.zone.getProposal(defeated.proposalId)).voteEnd;
      await advanceTo(voteEnd + 1n);
      await eventually("the keeper queued the passed proposal", queuedBy(relayer));
      expect(await stateOf(passing.proposalId)).to.equal("Queued");
      expect(await stateOf(defeated.proposalId)).to.equal("Defeated");

      const { eta } = await world.zone.getProposal(passing.proposalId);
      await advanceTo(eta);
      await eventually("the keeper executed it", executedBy(relayer));
      expect(await stateOf(passing.proposalId)).to.equal("Executed");
      expect(await ethers.provider.getBalance(passing.payee)).to.equal(parseEther("1"));
      expect(await ethers.provider.getBalance(defeated.payee)).to.equal(0n);
      expect(await stateOf(defeated.proposalId)).to.equal("Defeated");

      expect(await metric(relayer, "zonedao_keeper_last_run_timestamp_seconds")).to.be.greaterThan(0);
      expect((await get(relayer, "/metrics")).text).not.to.include("zonedao_keeper_failures_total{");
      const proposalId = passing.proposalId.toString();
      expect(logs()).to.match(
        new RegExp(`"proposalId":"${proposalId}".*"msg":"keeper queued a passed proposal"`),
      );
      expect(logs()).to.match(new RegExp(`"proposalId":"${proposalId}".*"msg":"keeper executed a proposal"`));
      expect(logs()).to.include(`"keeper":"${relayer.keeper!.address}"`);
      expect(logs().toLowerCase()).not.to.include(keeperKey.slice(2).toLowerCase());
    } finally {
      await relayer.close();
    }
  });

  it("counts and logs each step it cannot pay for, keeps the relayer serving, and moves on once funded", async function () {
    const passing = await proposePayment(VoteOption.For);
    const keeper = Wallet.createRandom();
    const { relayer, logs } = await startWithKeeper(keeper.privateKey);
    const unpaid = 'zonedao_keeper_failures_total{step="queue",reason="unfunded"}';
    try {
      expect(logs()).to.include("the keeper account has no funds to pay for gas");
      await advanceTo((await world.zone.getProposal(passing.proposalId)).voteEnd + 1n);
      await eventually("the keeper tried twice", async () => ((await metric(relayer, unpaid)) ?? 0) >= 2);
      expect(logs()).to.include(
        `keeper cannot pay to queue the proposal: fund its account ${keeper.address}`,
      );
      expect(await stateOf(passing.proposalId)).to.equal("Succeeded");
      // The relayer's own account pays for votes: it is healthy, and serves on; its health names the
      // keeper and when it last looked.
      const health = await get(relayer, "/v1/health");
      expect(health.status).to.equal(200);
      expect(health.body.keeper).to.deep.include({ address: keeper.address });
      expect((health.body.keeper as { lastRunAt: unknown }).lastRunAt).to.be.a("number");
      expect((await get(relayer, `/v1/zones/${world.zoneAddress}/proposals`)).status).to.equal(200);

      const [funder] = await ethers.getSigners();
      await (await funder!.sendTransaction({ to: keeper.address, value: parseEther("1") })).wait();
      await eventually("the funded keeper queued it", queuedBy(relayer));
      expect(await stateOf(passing.proposalId)).to.equal("Queued");
      await advanceTo((await world.zone.getProposal(passing.proposalId)).eta);
      await eventually("the keeper executed it", executedBy(relayer));
      expect(await stateOf(passing.proposalId)).to.equal("Executed");
      expect(await ethers.provider.getBalance(passing.payee)).to.equal(parseEther("1"));
    } finally {
      await relayer.close();
    }
  });
});
