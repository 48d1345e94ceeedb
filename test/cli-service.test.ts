/**
 * `zonedao service list` and `zonedao service claim`, run as their own process against the demo's
 * world (scripts/demo.ts seedDemo on the tests' chain, served over HTTP JSON-RPC): a provider claims
 * its budget once a period with its own key, and each refusal is said in words.
 */
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, parseEther } from "ethers";
import { TestStablecoin__factory } from "../sdk/contracts.js";
import { deployedZone, deploymentFileFor, formatDeployment } from "../sdk/deployment.js";
import { DEMO_ACCOUNTS, hardhatAccount, seedDemo, type DemoWorld } from "../scripts/demo.js";
import { zonedao, zonedaoJson } from "./cli-fixture.js";
import { startRpcBridge, type RpcBridge } from "./rpc-bridge.js";

interface ListedService {
  id: string;
  kind: string;
  provider: string;
  budgetPerPeriod: string;
  currentPeriod: string;
  claimedThisPeriod: boolean;
  claims: { period: string; amount: string }[];
}

describe("zonedao service", function () {
  this.timeout(600_000);
  let bridge: RpcBridge;
  let provider: JsonRpcProvider;
  let world: DemoWorld;
  let deploymentPath: string;
  const key = (role: keyof typeof DEMO_ACCOUNTS) => hardhatAccount(DEMO_ACCOUNTS[role], provider).privateKey;
  /** `zonedao service claim` of Hillside's service `service`, signed by the demo account `role`. */
  const claimAtHillside = (service: string, role: keyof typeof DEMO_ACCOUNTS) =>
    zonedao([
      "service",
      "claim",
      "--zone",
      "Hillside",
      "--service",
      service,
      "--key",
      key(role),
      "--deployment",
      deploymentPath,
    ]);

  before(async function () {
    bridge = await startRpcBridge();
    provider = new JsonRpcProvider(bridge.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    world = await seedDemo(provider, () => undefined);
    const deployment = await deploymentFileFor(world.deployment, provider, {
      network: "test",
      rpcUrl: bridge.url,
    });
    deployment.zones = await Promise.all(
      world.zones.map((zone) => deployedZone(deployment, zone.address, provider)),
    );
    deploymentPath = join(mkdtempSync(join(tmpdir(), "zonedao-service-")), "deployment.json");
    writeFileSync(deploymentPath, formatDeployment(deployment));
  });

  after(async function () {
    provider?.destroy();
    await bridge?.close();
  });

  it("lists a zone's services by the zone's name: the clinic with the claim the demo made, and the materials lab", async function () {
    const { services } = await zonedaoJson<{ services: ListedService[] }>([
      "service",
      "list",
      "--zone",
      "Riverside",
      "--deployment",
      deploymentPath,
    ]);
    expect(
      services.map(({ id, kind, budgetPerPeriod, claimedThisPeriod }) => ({
        id,
        kind,
        budgetPerPeriod,
        claimedThisPeriod,
      })),
    ).to.deep.equal([
      {
        id: "0",
        kind: "healthcare",
        budgetPerPeriod: parseEther("1000").toString(),
        claimedThisPeriod: true,
      },
      {
        id: "1",
        kind: "inspection",
        budgetPerPeriod: parseEther("100").toString(),
        claimedThisPeriod: false,
      },
    ]);
    expect(services[0]!.claims.map(({ period, amount }) => ({ period, amount }))).to.deep.equal([
      { period: "0", amount: parseEther("1000").toString() },
    ]);
    const text = await zonedao(["service", "list", "--zone", "Riverside", "--deployment", deploymentPath]);
    expect(text.stdout)
      .to.contain("#0 healthcare: Riverside clinic")
      .and.contain("1000 USDz every 30 days")
      .and.contain("claimed period 0: 1000 USDz to ");
  });

  it("pays the provider this period's budget and prints the amount and the period", async function () {
    const educator = hardhatAccount(DEMO_ACCOUNTS.educationProvider, provider).address;
    const usdz = TestStablecoin__factory.connect(world.stablecoin, provider);
    const before = await usdz.balanceOf(educator);
    const run = await claimAtHillside("0", "educationProvider");
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(
      new RegExp(`^paid 800 USDz to ${educator} for period 0 of service 0 \\(tx 0x[0-9a-f]{64}\\)\\n$`),
    );
    expect((await usdz.balanceOf(educator)) - before).to.equal(parseEther("800"));
  });

  it("refuses a second claim in the same period, saying when the next one starts", async function () {
    const run = await claimAtHillside("0", "educationProvider");
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(
      /service 0's budget for period 0 is already claimed; the next period starts \d{4}-/,
    );
  });

  it("refuses a key that is not the provider's, and a service the zone does not have", async function () {
    const notProvider = await claimAtHillside("0", "healthcareProvider");
    expect(notProvider.code).to.equal(1);
    expect(notProvider.stderr).to.contain("is not service 0's provider");
    const unknown = await claimAtHillside("7", "educationProvider");
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.contain("has no service 7 (it has 1)");
  });
});
