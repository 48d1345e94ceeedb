/**
 * `zonedao production list`, `action`, `attest` and `claim`, run as their own process against the
 * demo's world (scripts/demo.ts seedDemo on the tests' chain, served over HTTP JSON-RPC): Riverside's
 * reward rule and the farm's rewarded harvest read in words, actions files that are the sdk builders'
 * actions, a new production proposed from such a file and carried through attestation to its reward,
 * and each refusal said in words.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, parseEther } from "ethers";
import { TestStablecoin__factory, zoneAt, zoneFactoryAt } from "../sdk/contracts.js";
import { deployedZone, deploymentFileFor, formatDeployment } from "../sdk/deployment.js";
import { describeAction } from "../sdk/describe.js";
import { setRewardRule } from "../sdk/actions.js";
import { VoteOption } from "../sdk/constants.js";
import type { ZoneAction } from "../sdk/types.js";
import {
  DEMO_ACCOUNTS,
  Seeder,
  demoIdentity,
  hardhatAccount,
  seedDemo,
  type DemoWorld,
  type DemoZone,
} from "../scripts/demo.js";
import { zonedao, zonedaoJson } from "./cli-fixture.js";
import { startRpcBridge, type RpcBridge } from "./rpc-bridge.js";

interface ListedProduction {
  id: string;
  product: string;
  amount: string;
  recyclableBps: number;
  producer: string;
  status: string;
  rewardNow: string;
  reward?: { amount: string; token: string };
}

interface Listed {
  rule: {
    token: string;
    floorBps: number;
    rewardPerUnit: string;
    budgetPerPeriod: string;
    periodLength: string;
  };
  inspection: { serviceId: string; challengeWindow: string; provider: string };
  productions: ListedProduction[];
}

const DAY = 86_400;

describe("zonedao production", function () {
  this.timeout(600_000);
  let bridge: RpcBridge;
  let provider: JsonRpcProvider;
  let world: DemoWorld;
  let deploymentPath: string;
  let services: string;
  const directory = mkdtempSync(join(tmpdir(), "zonedao-production-"));
  const key = (role: keyof typeof DEMO_ACCOUNTS) => hardhatAccount(DEMO_ACCOUNTS[role], provider).privateKey;
  const withDeployment = (args: string[]) => [...args, "--deployment", deploymentPath];
  /** `zonedao production attest|claim` of Riverside's production `id`, signed by the demo account `role`. */
  const atRiverside = (command: "attest" | "claim", id: string, role: keyof typeof DEMO_ACCOUNTS) =>
    zonedao(
      withDeployment(["production", command, "--zone", "Riverside", "--production", id, "--key", key(role)]),
    );
  const listRiverside = () =>
    zonedaoJson<Listed>(withDeployment(["production", "list", "--zone", "Riverside"]));

  before(async function () {
    bridge = await startRpcBridge();
    provider = new JsonRpcProvider(bridge.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    world = await seedDemo(provider, () => undefined);
    const deployment = await deploymentFileFor(world.deployment, provider, {
      network: "test",
      rpcUrl: bridge.url,
    });
    deployment.contracts.stablecoin = world.stablecoin;
    deployment.zones = await Promise.all(
      world.zones.map((zone) => deployedZone(deployment, zone.address, provider)),
    );
    deploymentPath = join(directory, "deployment.json");
    writeFileSync(deploymentPath, formatDeployment(deployment));
    const factory = zoneFactoryAt(world.deployment.zoneFactory, provider);
    services = await factory.SERVICES();
  });

  after(async function () {
    provider?.destroy();
    await bridge?.close();
  });

  it("lists the reward rule, the inspector and the farm's harvest, rewarded 140 USDz for its 85%", async function () {
    const listed = await listRiverside();
    expect(listed.rule).to.include({
      token: world.stablecoin,
      floorBps: 5_000,
      rewardPerUnit: parseEther("2").toString(),
      budgetPerPeriod: parseEther("500").toString(),
      periodLength: String(30 * DAY),
    });
    expect(listed.inspection).to.include({
      serviceId: "1",
      challengeWindow: String(2 * DAY),
      provider: hardhatAccount(DEMO_ACCOUNTS.materialsLab, provider).address,
    });
    const [harvest] = listed.productions;
    expect(harvest).to.deep.include({
      id: "0",
      product: "grain",
      amount: "100",
      recyclableBps: 8_500,
      producer: world.recycling.producer,
      status: "rewarded",
    });
    expect(harvest!.reward).to.include({
      amount: world.recycling.reward.toString(),
      token: world.stablecoin,
    });
    expect(world.recycling.reward).to.equal(parseEther("140"));

    const text = await zonedao(withDeployment(["production", "list", "--zone", "Riverside"]));
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout)
      .to.match(
        /reward rule \(proposal #\d+\): 2 USDz a unit made wholly of recyclable content, nothing at or below 50%/,
      )
      .and.contain("at most 500 USDz every 30 days")
      .and.contain("inspector: service #1 (")
      .and.contain("a vote may revoke an attestation for 2 days")
      .and.contain(`#0 grain: 100 units, 85% recyclable, by Riverside Farm (${world.recycling.producer})`)
      .and.match(/\n {2}rewarded 140 USDz \(tx 0x[0-9a-f]{64}\)/);
  });

  it("writes a reward rule as the sdk builds it, and prints the sentence voters will read", async function () {
    const out = join(directory, "reward-rule.json");
    const run = await zonedao(
      withDeployment([
        "production",
        "action",
        "reward-rule",
        "--zone",
        "Riverside",
        "--token",
        "stablecoin",
        "--floor",
        "60",
        "--reward-per-unit",
        "1.5",
        "--budget",
        "300",
        "--period-days",
        "30",
        "--out",
        out,
      ]),
    );
    expect(run.code, run.stderr).to.equal(0);
    const expected = setRewardRule(services, {
      token: world.stablecoin,
      floorBps: 6_000,
      rewardPerUnit: parseEther("1.5"),
      budgetPerPeriod: parseEther("300"),
      periodLength: 30 * DAY,
    });
    expect(JSON.parse(readFileSync(out, "utf8"))).to.deep.equal([
      [{ target: expected.target, value: "0", data: expected.data }],
    ]);
    const sentence = describeAction(expected, {
      zone: world.recycling.zone,
      services,
      tokens: { [world.stablecoin]: { symbol: "USDz", decimals: 18 } },
    });
    expect(sentence).to.equal(
      "reward recyclable content: 1.5 USDz a unit made wholly of recyclable content, nothing at or below 60%, " +
        "in proportion between; at most 300 USDz every 30 days",
    );
    expect(run.stdout.split("\n")[0]).to.equal(sentence);
  });

  it("says each other decision in words: inspector, revocation, production budget", async function () {
    const sentenceOf = async (args: string[]) => {
      const run = await zonedao(
        withDeployment(["production", "action", ...args, "--out", join(directory, "decision.json")]),
      );
      expect(run.code, run.stderr).to.equal(0);
      return run.stdout.split("\n")[0];
    };
    expect(
      await sentenceOf(["inspector", "--zone", "Riverside", "--service", "1", "--challenge-days", "3"]),
    ).to.match(
      /^make service #1 \(inspection: ".+"\) the inspector of recyclable content, whose attestations a vote may revoke for 3 days$/,
    );
    expect(await sentenceOf(["revoke", "--zone", "Riverside", "--production", "0"])).to.equal(
      "revoke the inspector's attestation of production #0: it earns no reward",
    );
    expect(
      await sentenceOf([
        "budget",
        "--zone",
        "Riverside",
        "--internal-dao",
        "Riverside Farm",
        "--for",
        "seed and sacks",
        "--token",
        "stablecoin",
        "--budget",
        "50",
        "--period-days",
        "30",
      ]),
    ).to.equal(
      `give ${world.recycling.producer} a production budget of 50 USDz every 30 days (new service: "seed and sacks")`,
    );
  });

  it("refuses bad input, naming the flag", async function () {
    const refusal = async (args: string[]) => {
      const run = await zonedao(
        withDeployment([
          "production",
          "action",
          ...args,
          "--zone",
          "Riverside",
          "--out",
          join(directory, "bad.json"),
        ]),
      );
      expect(run.code).to.equal(2);
      return run.stderr;
    };
    const rule = ["reward-rule", "--token", "stablecoin", "--reward-per-unit", "2", "--budget", "500"];
    expect(await refusal([...rule, "--floor", "100", "--period-days", "30"])).to.contain(
      "--floor must be below 100%",
    );
    expect(await refusal([...rule, "--floor", "fifty", "--period-days", "30"])).to.contain(
      '--floor: "fifty" is not a percentage',
    );
    expect(await refusal([...rule, "--floor", "50", "--period-days", "0"])).to.contain(
      "--period-days must be more than 0",
    );
    expect(await refusal([...rule, "--floor", "50", "--period-days", "30", "--units", "3"])).to.contain(
      "--units does not apply to reward-rule",
    );
    expect(await refusal(["compost"])).to.contain('unknown KIND "compost"');
  });

  it("refuses to attest twice, and a key that is not the inspector's", async function () {
    const again = await atRiverside("attest", "0", "materialsLab");
    expect(again.code).to.equal(1);
    expect(again.stderr).to.match(/production 0 is already attested; its challenge window closed \d{4}-/);
    const notInspector = await atRiverside("attest", "0", "healthcareProvider");
    expect(notInspector.code).to.equal(1);
    expect(notInspector.stderr).to.contain(
      `the --key account ${hardhatAccount(DEMO_ACCOUNTS.healthcareProvider, provider).address} is not the zone's inspector: ` +
        `only ${hardhatAccount(DEMO_ACCOUNTS.materialsLab, provider).address}, the provider of service 1, may attest`,
    );
  });

  it("refuses to reward a production twice, saying what was paid", async function () {
    const run = await atRiverside("claim", "0", "deployer");
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(
      new RegExp(
        `production 0 is already rewarded: 140 USDz was paid to Riverside Farm \\(${world.recycling.producer}\\)`,
      ),
    );
  });

  it("carries a new production from the farm's vote to its reward, and refuses a claim over the period's budget", async function () {
    // The farm's vote declares two productions from CLI-written actions: 10 flour wholly recyclable
    // (20 USDz) and 250 bran wholly recyclable (500 USDz: a whole period's budget).
    const produce = async (product: string, units: string): Promise<ZoneAction> => {
      const out = join(directory, `${product}.json`);
      const run = await zonedao(
        withDeployment([
          "production",
          "action",
          "produce",
          "--zone",
          "Riverside Farm",
          "--product",
          product,
          "--units",
          units,
          "--recyclable",
          "100",
          "--out",
          out,
        ]),
      );
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.contain(`produce ${units} units of ${product}, declared 100% recyclable content`);
      const [[action]] = JSON.parse(readFileSync(out, "utf8")) as [
        [{ target: string; value: string; data: string }],
      ];
      return { ...action, value: BigInt(action.value) };
    };
    const options = [[await produce("flour", "10"), await produce("bran", "250")]];
    const actionsFile = join(directory, "harvest.json");
    writeFileSync(
      actionsFile,
      JSON.stringify(
        options.map((actions) => actions.map((action) => ({ ...action, value: action.value.toString() }))),
      ),
    );
    const description = "Record the flour and the bran";
    const { proposalId } = await zonedaoJson<{ proposalId: string }>(
      withDeployment([
        "propose",
        "--zone",
        "Riverside Farm",
        "--identity",
        demoIdentity("Ben").export(),
        "--title",
        description,
        "--actions",
        actionsFile,
        "--key",
        key("deployer"),
      ]),
    );
    const deployer = hardhatAccount(DEMO_ACCOUNTS.deployer, provider);
    const farm: DemoZone = {
      name: "Riverside Farm",
      address: world.recycling.producer,
      zone: zoneAt(world.recycling.producer, deployer),
      citizens: ["Ben", "Chloe", "Dev"],
    };
    const seeder = new Seeder(provider, deployer, (await provider.getNetwork()).chainId, () => undefined);
    const proposal = { zone: farm, id: BigInt(proposalId), options, description };
    await seeder.vote(proposal, VoteOption.For, ["Ben", "Chloe"]);
    await seeder.enact([proposal]);

    const declared = (await listRiverside()).productions.slice(1);
    expect(
      declared.map(({ id, product, amount, status }) => ({ id, product, amount, status })),
    ).to.deep.equal([
      { id: "1", product: "flour", amount: "10", status: "declared" },
      { id: "2", product: "bran", amount: "250", status: "declared" },
    ]);

    const attested = await atRiverside("attest", "1", "materialsLab");
    expect(attested.code, attested.stderr).to.equal(0);
    expect(attested.stdout).to.match(
      /^production 1 attested by 0x[0-9a-fA-F]{40}; a vote may revoke it until \d{4}-.+, then anyone can claim its reward \(tx 0x[0-9a-f]{64}\)\n$/,
    );
    const early = await atRiverside("claim", "1", "deployer");
    expect(early.code).to.equal(1);
    expect(early.stderr).to.match(
      /production 1's challenge window is open until \d{4}-[^:]+:\d\d:\d\d\.\d{3}Z: a vote may still revoke/,
    );
    expect((await atRiverside("attest", "2", "materialsLab")).code).to.equal(0);

    await seeder.advance(2 * DAY + 1, "past the challenge window");
    const usdz = TestStablecoin__factory.connect(world.stablecoin, provider);
    const before = await usdz.balanceOf(farm.address);
    const paid = await atRiverside("claim", "1", "healthcareProvider");
    expect(paid.code, paid.stderr).to.equal(0);
    expect(paid.stdout).to.match(
      new RegExp(
        `^paid 20 USDz to Riverside Farm \\(${farm.address}\\) for production 1, in period \\d+ of the reward rule`,
      ),
    );
    expect((await usdz.balanceOf(farm.address)) - before).to.equal(parseEther("20"));

    const overBudget = await atRiverside("claim", "2", "deployer");
    expect(overBudget.code).to.equal(1);
    expect(overBudget.stderr).to.match(
      /the reward rule's budget for period \d+ is exhausted: \d+ USDz left, production 2 earns 500 USDz; the next period starts \d{4}-/,
    );
    const listed = (await listRiverside()).productions;
    expect(listed.map(({ status }) => status)).to.deep.equal(["rewarded", "rewarded", "claimable"]);
    expect(listed[2]!.rewardNow).to.equal(parseEther("500").toString());
  });
});
