/**
 * The economy pages on the demo's world (scripts/demo.ts seedDemo, on the tests' Hardhat chain, with
 * real proofs), at a phone's width and a desktop's (Debian Chromium): Riverside's services with their
 * budgets and claims, its farm DAO and income share, its grain with its reserve and recyclable
 * content, the farm's harvest on the Production page (attested and rewarded under Riverside's rule),
 * the trade with Hillside, and another zone's open offer whose "Propose to accept" opens a prefilled
 * form; a read the chain does not answer shows its error and "Try again". A citizen proposes a reward
 * rule for recyclable content from the form, reads it in words before and after the relayer sends it.
 * A provider claims its budget from an injected EIP-1193 wallet (window.ethereum, forwarded to the
 * chain, whose accounts are unlocked), and the payment arrives on chain. Each page is screenshotted
 * into test-results/web/economy-<width>-*.png and scanned with axe-core.
 */
import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, ZeroAddress, parseEther } from "ethers";
import type { Browser, BrowserContext, Page, Route } from "playwright-core";
import { goodsId, offerGoods } from "../sdk/actions.js";
import { VoteOption } from "../sdk/constants.js";
import { TestStablecoin__factory, zoneAt, zoneFactoryAt } from "../sdk/contracts.js";
import { freeProposalSlot, usedProposalNullifiers } from "../sdk/proposals.js";
import { loadRelayerConfig } from "../relayer/config.js";
import { startRelayer, type Relayer } from "../relayer/relayer.js";
import {
  DEMO_ACCOUNTS,
  Seeder,
  demoIdentity,
  hardhatAccount,
  seedDemo,
  type DemoWorld,
  type DemoZone,
} from "../scripts/demo.js";
import type { WebConfig } from "../web/config.js";
import { buildWebApp, serveWebApp, type WebServer } from "../web/serve.js";
import {
  VIEWPORTS,
  collectBrowserErrors,
  launchChromium,
  screenshot,
  seriousAccessibilityViolations,
  type Width,
} from "./browser.js";
import { startRpcBridge, type RpcBridge } from "./rpc-bridge.js";
import { connection } from "./zone-fixture.js";

const DAY = 86_400;
const usdz = (amount: number) => parseEther(String(amount));

/** Who claims a budget at each width: Hillside's school in its first period; Riverside's clinic in its second. */
const CLAIMS: Record<
  Width,
  { zone: number; account: keyof typeof DEMO_ACCOUNTS; period: string; amount: string }
> = {
  phone: { zone: 2, account: "educationProvider", period: "0", amount: "800" },
  desktop: { zone: 0, account: "healthcareProvider", period: "1", amount: "1,000" },
};

/** The reward rule a citizen proposes at each width (different, so neither repeats the other's open proposal). */
const REWARD_RULES: Record<Width, { floor: string; perUnit: string; budget: string }> = {
  phone: { floor: "60", perUnit: "3", budget: "300" },
  desktop: { floor: "70.5", perUnit: "4", budget: "400" },
};
const PASSPHRASE = "correct horse battery staple";

describe("economy pages on the demo's world, at phone and desktop width (Chromium)", function () {
  this.timeout(600_000);
  let bridge: RpcBridge;
  let provider: JsonRpcProvider;
  let world: DemoWorld;
  let relayer: Relayer;
  let app: WebServer;
  let browser: Browser;
  let config: WebConfig;
  let riverside: string;
  let farm: string;
  let hillside: string;
  /** Hillside's offer of 10 grain to any zone, posted by its vote after the demo. */
  let openOfferId: bigint;

  before(async function () {
    await buildWebApp();
    bridge = await startRpcBridge();
    provider = new JsonRpcProvider(bridge.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    world = await seedDemo(provider, () => undefined);
    [riverside, farm, hillside] = world.zones.map((zone) => zone.address) as [string, string, string];
    const factory = zoneFactoryAt(world.deployment.zoneFactory, provider);
    const [services, goods, trade] = await Promise.all([
      factory.SERVICES(),
      factory.GOODS(),
      factory.TRADE(),
    ]);

    // The demo's trade is settled: Hillside offers 10 of the grain it bought to any zone, by a vote.
    const deployer = hardhatAccount(DEMO_ACCOUNTS.deployer, provider);
    const seeder = new Seeder(provider, deployer, (await provider.getNetwork()).chainId, () => undefined);
    const hill: DemoZone = {
      name: "Hillside",
      address: hillside,
      zone: zoneAt(hillside, deployer),
      citizens: ["Ana", "Ema", "Finn", "Gus"],
    };
    const offer = await seeder.propose(
      hill,
      [
        offerGoods({
          zone: hillside,
          trade,
          goods,
          goodsId: goodsId(farm, "grain"),
          quantity: 10n,
          paymentToken: world.stablecoin,
          pricePerUnit: usdz(6),
          buyer: ZeroAddress,
          expiry: (await seeder.now()) + 90 * DAY,
        }),
      ],
      "Offer 10 grain to any zone at 6 USDz each",
    );
    await seeder.vote(offer, VoteOption.For, ["Ema", "Finn", "Gus"]);
    await seeder.enact([offer]);
    openOfferId = 2n;

    app = await serveWebApp({ config: () => config, rpcUrl: bridge.url });
    relayer = await startRelayer(
      loadRelayerConfig({
        ZONEDAO_RPC_URL: bridge.url,
        ZONEDAO_RELAYER_KEY: hardhatAccount(DEMO_ACCOUNTS.relayer, provider).privateKey,
        ZONEDAO_ZONES: world.zones.map((zone) => zone.address).join(","),
        ZONEDAO_FROM_BLOCK: String(world.deployment.blockNumber),
        ZONEDAO_RELAYER_DB: join(mkdtempSync(join(tmpdir(), "zonedao-economy-")), "relayer.sqlite"),
        ZONEDAO_RELAYER_PORT: "0",
        ZONEDAO_CORS_ORIGINS: new URL(app.url).origin,
        ZONEDAO_VERIFIER_THREADS: "1",
        ZONEDAO_LOG_LEVEL: "silent",
      }),
    );
    config = {
      format: "zonedao-web/1",
      chainId: (await provider.getNetwork()).chainId.toString(),
      rpcUrl: "/rpc",
      relayers: [await relayer.listen()],
      zones: world.zones.map(({ name, address }) => ({
        name,
        address,
        createdBlock: world.deployment.blockNumber,
      })),
      contracts: { services, goods, trade, stablecoin: world.stablecoin },
    };
    browser = await launchChromium();
  });

  after(async function () {
    await browser?.close();
    await relayer?.close();
    await app?.close();
    provider?.destroy();
    await bridge?.close();
  });

  for (const width of Object.keys(VIEWPORTS) as Width[]) {
    describe(`at ${width} width (${VIEWPORTS[width].width} px)`, function () {
      let context: BrowserContext;
      let page: Page;
      let errors: string[];
      const claim = CLAIMS[width];
      const providerAccount = () => hardhatAccount(DEMO_ACCOUNTS[claim.account], provider).address;
      const open = (zone: string, path: string) => page.goto(`${app.url}#/zone/${zone}/${path}`);

      /** Screenshots the page as economy-<width>-<name> and expects no serious accessibility violation. */
      async function look(name: string) {
        await screenshot(page, `economy-${width}-${name}`);
        const violations = await seriousAccessibilityViolations(page);
        expect(violations, `${name}: ${JSON.stringify(violations, null, 2)}`).to.deep.equal([]);
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, `${name}: the page is wider than the screen`).to.equal(0);
      }

      /**
       * Restores, in this browser, a Riverside citizen who has a proposal slot left this period (the
       * demo's proposals used some), as a citizen restores a backup on Your identity.
       */
      async function restoreCitizenWithFreeSlot() {
        const zone = zoneAt(riverside, provider);
        const [epoch, { proposalsPerEpoch }, used, network] = await Promise.all([
          zone.currentProposalEpoch(),
          zone.rules(),
          usedProposalNullifiers(zone),
          provider.getNetwork(),
        ]);
        const citizens = world.citizens.filter((citizen) => citizen.zones.includes(riverside));
        const free = freeProposalSlot(
          citizens.map((citizen) => demoIdentity(citizen.name)),
          { chainId: network.chainId, zone: riverside, epoch, proposalsPerEpoch },
          used,
        );
        const author = citizens.find((citizen) => citizen.commitment === free?.author.commitment.toString());
        if (!author) throw new Error("every Riverside citizen has used every proposal slot of this period");
        await page.goto(`${app.url}#/identity`);
        await page.getByLabel("…or paste the backup (or an exported Semaphore key)").fill(author.identity);
        await page.getByLabel("Zone of this key (address)").fill(riverside);
        await page.getByLabel(/Passphrase \(the backup's/).fill(PASSPHRASE);
        await page.getByRole("button", { name: "Restore" }).click();
        await page.getByRole("button", { name: "Lock" }).first().waitFor();
      }

      before(async function () {
        context = await browser.newContext({ viewport: VIEWPORTS[width] });
        page = await context.newPage();
        errors = collectBrowserErrors(page);
        // An injected wallet holding the provider's account: requests go to the chain, which signs for it.
        await page.exposeFunction(
          "__zonedaoWallet",
          async (method: string, params: unknown[]): Promise<unknown> => {
            if (method === "eth_requestAccounts" || method === "eth_accounts") return [providerAccount()];
            return (await connection.provider.request({ method, params })) as unknown;
          },
        );
        // A script as text: a function would be serialised with the test runner's transpiler helpers.
        await page.addInitScript(`
          window.ethereum = {
            request: ({ method, params }) => window.__zonedaoWallet(method, params ?? []),
          };
        `);
      });

      after(async function () {
        await context?.close();
      });

      it("lists Riverside's services with their budget, period, deciding proposal and claims", async function () {
        await open(riverside, "services");
        const clinic = page.getByTestId("service-0");
        await clinic.getByRole("heading", { name: /healthcare: Riverside clinic/ }).waitFor();
        await clinic.getByText("1,000 USDz every 30 days").waitFor();
        await clinic.getByText(/Period 0 \(from .+\): 1,000 USDz/).waitFor();
        await clinic.getByRole("link", { name: "proposal #1" }).waitFor();
        await page.getByRole("button", { name: "Connect a wallet" }).waitFor();
        await look("1-services");
      });

      it("shows the farm DAO with its 10% income share and citizens, linked to its own page", async function () {
        await open(riverside, "daos");
        const row = page.getByTestId("internal-dao");
        await row.getByRole("link", { name: "Riverside Farm" }).waitFor();
        expect(await row.getByRole("link", { name: "Riverside Farm" }).getAttribute("href")).to.equal(
          `#/zone/${farm}`,
        );
        expect(await row.locator("td").allInnerTexts()).to.deep.equal(["Riverside Farm", "10%", "3"]);
        await look("2-daos");
      });

      it("shows Riverside's grain with its reserve and no surplus, and none at the farm (its goods are Riverside's)", async function () {
        // The chain does not answer at first: the page says so, and "Try again" reads it once it does.
        const unanswered = (route: Route) => route.abort();
        await page.route("**/rpc", unanswered);
        await open(riverside, "goods");
        const failed = page.getByRole("alert").filter({ hasText: "Could not read the goods" });
        await failed.waitFor();
        await page.unroute("**/rpc", unanswered);
        await failed.getByRole("button", { name: "Try again" }).click();
        const row = page.getByTestId("goods");
        await row.getByText("grain").waitFor();
        // The farm declared its harvest 85% recyclable (jute sacks): the grain carries it.
        expect((await row.locator("td").allInnerTexts()).slice(1)).to.deep.equal(["60", "60", "0"]);
        expect(await row.getByTestId("goods-recyclable").innerText()).to.equal("85% recyclable content");
        await look("3-goods");
        await open(farm, "goods");
        await page.getByText("Riverside Farm holds no goods.").waitFor();
      });

      it("shows the farm's harvest on the Production page: 85% recyclable, attested, rewarded 140 USDz", async function () {
        const { recycling } = world;
        expect(recycling.reward).to.equal(usdz(140));
        await open(riverside, "production");
        const harvest = page.getByTestId(`production-${recycling.productionId}`);
        await harvest.getByRole("heading", { name: `#${recycling.productionId}: 100 grain` }).waitFor();
        await harvest.getByText("Riverside Farm").waitFor();
        expect(await harvest.getByTestId("production-recyclable").innerText()).to.equal("85% declared");
        expect(await harvest.getByTestId("production-status").innerText()).to.equal(
          "Rewarded 140 USDz, paid to the producer",
        );
        expect(await page.getByTestId("reward-rule").innerText()).to.match(
          /^2 USDz a unit made wholly of recyclable content, nothing at or below 50%, in proportion between; at most 500 USDz every 30 days \((0|140) USDz paid this period\)\. Set by proposal #\d+\.$/,
        );
        const lab = hardhatAccount(DEMO_ACCOUNTS.materialsLab, provider).address;
        const inspector = await page.getByTestId("inspector").innerText();
        expect(inspector).to.include(
          `Service #${recycling.inspectorService}, inspection: Riverside materials lab: checks the recyclable content producers declare, provided by ${lab.slice(0, 6)}…${lab.slice(-4)}`,
        );
        expect(inspector).to.include("A vote may revoke each attestation for 2 days after it.");
        await look("9-production");
      });

      it("proposes a reward rule for recyclable content from the form, read in words before and after it is sent", async function () {
        const rule = REWARD_RULES[width];
        const sentence =
          `For: reward recyclable content: ${rule.perUnit} USDz a unit made wholly of recyclable content, ` +
          `nothing at or below ${rule.floor}%, in proportion between; at most ${rule.budget} USDz every 30 days`;
        await restoreCitizenWithFreeSlot();
        await open(riverside, "propose/reward-rule");
        await page.getByTestId("proposal-slots").waitFor({ timeout: 30_000 });
        expect(await page.getByLabel("Title").inputValue()).to.equal("Reward recyclable content");
        await page.getByLabel("Title").fill(`Reward recyclable content above ${rule.floor}%`);
        const preview = page.getByTestId("proposal-preview");
        // A floor of 100% would reward nothing: the preview names the field instead of a sentence.
        await page.getByLabel("Nothing at or below (% recyclable)").fill("100");
        await preview
          .getByText(
            "Not ready yet: Nothing at or below (% recyclable): a percentage from 0 to 99.99, with at most 2 decimals.",
          )
          .waitFor();
        await page.getByLabel("Nothing at or below (% recyclable)").fill(rule.floor);
        await page.getByLabel("Reward a unit at 100% recyclable").fill(rule.perUnit);
        await page.getByLabel("At most, per period").fill(rule.budget);
        expect(await page.getByLabel("Period (days)", { exact: true }).inputValue()).to.equal("30");
        await preview.getByText(sentence).waitFor();
        await look("10-propose-reward-rule");

        await page.getByRole("button", { name: "Propose" }).click();
        const sent = page.getByTestId("proposal-sent");
        await sent.or(page.getByRole("alert")).waitFor({ timeout: 180_000 });
        expect(await sent.innerText()).to.match(/^Your proposal is #\d+\./);
        await sent.getByRole("link", { name: "Open it" }).click();
        await page.getByText(sentence).waitFor({ timeout: 30_000 });
        await page.getByRole("heading", { name: `Reward recyclable content above ${rule.floor}%` }).waitFor();
        await look("11-proposal-reward-rule");
      });

      it("shows the grain trade as settled, and Hillside's open offer with Propose to accept, prefilled", async function () {
        await open(riverside, "trade");
        const sold = page.getByTestId("offer-1");
        await sold.getByRole("heading", { name: "Offer #1: 40 grain for 200 USDz (5 USDz each)" }).waitFor();
        expect(await sold.getByTestId("offer-status").innerText()).to.match(
          /^Accepted by Hillside \(proposal #\d+\)$/,
        );
        const open2 = page.getByTestId(`open-offer-${openOfferId}`);
        await open2.getByRole("heading", { name: "Offer #2: 10 grain for 60 USDz (6 USDz each)" }).waitFor();
        await open2.getByText("any zone").waitFor();
        await look("4-trade");

        await open2.getByRole("link", { name: "Propose to accept" }).click();
        expect(page.url()).to.equal(`${app.url}#/zone/${riverside}/propose/accept-offer/${openOfferId}`);
        const offerField = page.getByLabel("Offer number");
        await offerField.waitFor();
        expect(await offerField.inputValue()).to.equal(openOfferId.toString());
        await page.getByText(/Offer from zone .*: 10 units/).waitFor();
        await look("5-propose-accept");
      });

      it("shows Hillside's trades: the grain it bought and its own open offer, and no other zone's", async function () {
        await open(hillside, "trade");
        await page
          .getByTestId("offer-1")
          .getByText(/^Accepted by Hillside/)
          .waitFor();
        expect(
          await page.getByTestId(`offer-${openOfferId}`).getByTestId("offer-status").innerText(),
        ).to.match(/^Open until /);
        await page.getByText("No other zone has an open offer for Hillside.").waitFor();
        await look("6-hillside-trade");
      });

      it("lets the service's provider claim this period's budget from its wallet, after a confirm step", async function () {
        const zone = world.zones[claim.zone]!.address;
        if (claim.period !== "0") {
          // The clinic's first budget was claimed by the demo: its provider waits for the next period.
          await open(zone, "services");
          await page.getByRole("button", { name: "Connect a wallet" }).click();
          await page.getByText(/this period's budget is claimed; claim the next from/).waitFor();
          await provider.send("evm_increaseTime", [30 * DAY]);
          await provider.send("evm_mine", []);
        }
        const token = TestStablecoin__factory.connect(world.stablecoin, provider);
        const before = await token.balanceOf(providerAccount());
        await open(zone, "services");
        await page.reload();
        await page.getByRole("button", { name: "Connect a wallet" }).click();
        await page.getByText("Wallet connected").waitFor();
        await page.getByRole("button", { name: "Claim this period's budget" }).click();
        const confirm = page.getByRole("group", { name: "Confirm the claim" });
        await confirm.getByText(`Claim ${claim.amount} USDz for period ${claim.period}`).waitFor();
        await look("7-claim-confirm");
        await confirm.getByRole("button", { name: "Confirm the claim" }).click();
        await page
          .getByRole("status")
          .getByText(`Paid ${claim.amount} USDz for period ${claim.period}`)
          .waitFor();
        expect((await token.balanceOf(providerAccount())) - before).to.equal(
          usdz(Number(claim.amount.replace(",", ""))),
        );
        await page
          .getByText(new RegExp(`Period ${claim.period} \\(from .+\\): ${claim.amount} USDz`))
          .waitFor();
        await look("8-claimed");
        expect(errors).to.deep.equal([]);
      });
    });
  }
});
