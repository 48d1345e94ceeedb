/**
 * The treasury as citizens see it, at a phone's width and a desktop's (Debian Chromium, a real
 * relayer and chain, real proofs): a zone that received ether and USDz, paid by a passed proposal,
 * opened a dividend round and paid one claim (made with the sdk: proveDividendClaim, then
 * zone.claimDividend), and refunded its relayer's gas. The treasury page draws the balance, links the
 * payment to its proposal and says what the round still owes; the front page names each zone with its
 * citizens and treasury; a proposal page puts the vote and its count before the identity's details.
 * Screenshots in test-results/web/front-*.png and treasury-*.png; axe finds nothing serious.
 */
import { expect } from "chai";
import { Wallet, ZeroAddress, getAddress, parseEther } from "ethers";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { openDividendRound, payEther } from "../sdk/actions.js";
import { rebuildGroup } from "../sdk/group.js";
import { proveDividendClaim } from "../sdk/proof.js";
import { formatTreasuryAmount } from "../sdk/treasury.js";
import type { Relayer } from "../relayer/relayer.js";
import { relayerWorld, startTestRelayer, type RelayerWorld } from "../relayer/test/relayer-fixture.js";
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
import {
  TEST_RULES,
  admitAfterDelay,
  alice,
  bob,
  createSecondZone,
  ethers,
  passProposal,
  proposeAs,
  type ZoneWorld,
} from "./zone-fixture.js";

const PASSPHRASE = "correct horse battery staple";
const PAYEE = getAddress("0x000000000000000000000000000000000000beef");
/**
 * The dividend's recipient: an address no one has used, so the payment is unlinkable. A new one each
 * run: test files share one chain, and another may have paid a fixed address.
 */
const FRESH = Wallet.createRandom().address;

describe("treasury, front page and proposal page at phone and desktop width (Chromium)", function () {
  this.timeout(300_000);
  let world: RelayerWorld;
  let hillside: ZoneWorld;
  let relayer: Relayer;
  let app: WebServer;
  let browser: Browser;
  let config: WebConfig;
  let usdz: string;
  let payment: bigint;
  let dividend: bigint;

  before(async function () {
    await buildWebApp();
    world = await relayerWorld({ ...TEST_RULES, maxRelayerRefundPerVote: parseEther("0.001") });
    hillside = await createSecondZone(world, { name: "Hillside" });
    const stablecoin = await ethers.deployContract("TestStablecoin");
    usdz = await stablecoin.getAddress();
    await (await stablecoin.mint(await world.deployer.getAddress(), parseEther("250"))).wait();
    await (await stablecoin.connect(world.deployer).approve(world.zoneAddress, parseEther("250"))).wait();
    await (await world.zone.connect(world.deployer).deposit(usdz, parseEther("250"))).wait();
    await (await world.deployer.sendTransaction({ to: world.zoneAddress, value: parseEther("5") })).wait();
    ({ proposalId: payment } = await passProposal(
      world,
      [[payEther(PAYEE, parseEther("1"))]],
      "Pay the gardener",
    ));
    ({ proposalId: dividend } = await passProposal(
      world,
      [[openDividendRound(world.zoneAddress, ZeroAddress, parseEther("0.1"), 30 * 86_400)]],
      "Share 0.1 ETH with every citizen",
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
    expect(await ethers.provider.getBalance(FRESH)).to.equal(parseEther("0.1"));
    await (await world.zone.claimRelayerRefund()).wait();

    app = await serveWebApp({ config: () => config, rpcUrl: world.bridge.url });
    ({ relayer } = await startTestRelayer(world, {
      ZONEDAO_ZONES: [world.zoneAddress, hillside.zoneAddress].join(","),
      ZONEDAO_CORS_ORIGINS: new URL(app.url).origin,
      ZONEDAO_BATCH_MAX_AGE_MS: "200",
      ZONEDAO_POLL_INTERVAL_MS: "250",
    }));
    config = {
      format: "zonedao-web/1",
      chainId: world.chainId.toString(),
      rpcUrl: "/rpc",
      relayers: [await relayer.listen()],
      zones: [
        { address: world.zoneAddress, name: "Riverside", createdBlock: 0 },
        { address: hillside.zoneAddress, name: "Hillside", createdBlock: 0 },
      ],
      contracts: {
        services: await world.factory.SERVICES(),
        goods: await world.factory.GOODS(),
        trade: await world.factory.TRADE(),
        stablecoin: usdz,
      },
    };
    browser = await launchChromium();
  });

  after(async function () {
    await browser?.close();
    await relayer?.close();
    await app?.close();
    await world?.bridge.close();
  });

  for (const width of Object.keys(VIEWPORTS) as Width[]) {
    describe(`at ${width} width (${VIEWPORTS[width].width} px)`, function () {
      let context: BrowserContext;
      let page: Page;
      let errors: string[];
      const riverside = () => `${app.url}#/zone/${world.zoneAddress}`;

      /** Screenshots the page as `name` and expects no serious accessibility violation on it. */
      async function look(name: string) {
        await screenshot(page, name);
        const violations = await seriousAccessibilityViolations(page);
        expect(violations, `${name}: ${JSON.stringify(violations, null, 2)}`).to.deep.equal([]);
      }

      before(async function () {
        context = await browser.newContext({ viewport: VIEWPORTS[width] });
        page = await context.newPage();
        errors = collectBrowserErrors(page);
      });

      after(async function () {
        await context?.close();
      });

      it("the front page says what ZoneDAO is and shows each zone by name, with its citizens and treasury", async function () {
        await page.goto(`${app.url}#/`);
        await page.getByText(/A zone is a community that owns its economy together/).waitFor();
        const card = page.getByTestId(`zone-card-${world.zoneAddress}`);
        await card.getByRole("heading", { name: "Riverside" }).waitFor();
        const citizens = await world.zone.memberCount();
        await card
          .getByTestId("zone-citizens")
          .getByText(`${citizens} citizens`)
          .waitFor({ timeout: 20_000 });
        const ether = formatTreasuryAmount(
          await ethers.provider.getBalance(world.zoneAddress),
          ZeroAddress,
          {},
          {
            maxFractionDigits: 4,
          },
        );
        await card.getByTestId("zone-treasury").getByText(`${ether} · 250 USDz`).waitFor({ timeout: 20_000 });
        await page
          .getByTestId(`zone-card-${hillside.zoneAddress}`)
          .getByRole("heading", { name: "Hillside" })
          .waitFor();
        // No raw address as a zone's title.
        const titles = await page.locator(".zc-title").allTextContents();
        expect(titles.join(" ")).not.to.match(/0x[0-9a-fA-F]{4}/);
        await look(`front-${width}`);
      });

      it("the treasury page charts the balance, links the payment to its proposal and says what the round still owes", async function () {
        await page
          .getByTestId(`zone-card-${world.zoneAddress}`)
          .getByRole("link", { name: "See the treasury" })
          .click();
        await page.getByRole("heading", { level: 1, name: "Treasury of Riverside" }).waitFor();
        const chart = page.getByTestId(`treasury-chart-${ZeroAddress}`);
        await chart.waitFor({ timeout: 30_000 });
        expect(await chart.getAttribute("aria-label")).to.equal("Balance of ETH over time");
        // Start, 5 ETH in, 1 ETH paid, 0.1 ETH claimed, the refund, and now.
        expect(await chart.locator("circle").count()).to.be.at.least(5);
        await page.getByTestId(`treasury-chart-${usdz}`).waitFor();

        const flow = page.getByTestId(`treasury-flow-${payment}`);
        expect(await flow.textContent()).to.include("−1 ETH");
        const link = flow.getByRole("link", { name: `proposal #${payment}` });
        expect(await link.getAttribute("href")).to.equal(`#/zone/${world.zoneAddress}/proposal/${payment}`);

        const round = page.getByTestId("treasury-round-1");
        expect(await round.textContent()).to.include("still owes 0.3 ETH of 0.4 ETH, 1 claim paid");
        expect(await round.textContent()).to.include("Claims until");
        expect(await round.getByRole("link", { name: "Claim your share" }).getAttribute("href")).to.equal(
          `#/zone/${world.zoneAddress}/dividend/1`,
        );
        expect(await round.getByRole("link", { name: `proposal #${dividend}` }).count()).to.equal(1);
        expect(await page.getByTestId("treasury-refunds").textContent()).to.match(
          /ETH paid back to relayers .* in 1 refund\./,
        );

        const lines = await page.getByTestId("treasury-ledger-line").allTextContents();
        expect(
          lines.some((line) => line.includes("Out 1 ETH") && line.includes(`proposal #${payment}`)),
        ).to.equal(true);
        expect(
          lines.some((line) => line.includes("Out 0.1 ETH") && line.includes(`proposal #${dividend}`)),
        ).to.equal(true);
        await look(`treasury-${width}`);

        await page.getByRole("link", { name: "← Riverside" }).click();
        await page
          .getByRole("navigation", { name: "The zone's economy" })
          .getByRole("link", { name: "Treasury" })
          .waitFor();
        expect(errors).to.deep.equal([]);
      });

      it("a citizen's proposal page shows the vote and the count before the identity's details", async function () {
        await page.goto(riverside());
        await page.getByLabel("Choose a passphrase").fill(PASSPHRASE);
        await page.getByLabel("Repeat the passphrase").fill(PASSPHRASE);
        await page.getByRole("button", { name: "Create identity" }).click();
        const commitment = (await page
          .getByTestId("commitment")
          .first()
          .textContent({ timeout: 20_000 }))!.trim();
        await admitAfterDelay(world, [{ commitment: BigInt(commitment) }]);
        await page
          .getByTestId("identity-badge")
          .getByText("Citizen of Riverside")
          .waitFor({ timeout: 20_000 });
        const proposalId = await proposeAs(world, bob, [[payEther(PAYEE, 1n)]], `Plant a hedge (${width})`);

        await page.goto(`${riverside()}/proposal/${proposalId}`);
        const choices = page.getByRole("group", { name: "Your choice" });
        await choices.waitFor({ timeout: 30_000 });
        const badge = page.getByTestId("identity-badge");
        await badge.getByText("Citizen of Riverside").waitFor();
        const results = page.getByRole("heading", { level: 2, name: "Results" });
        const [vote, count, identity] = await Promise.all([
          choices.boundingBox(),
          results.boundingBox(),
          badge.boundingBox(),
        ]);
        expect(vote!.y).to.be.lessThan(identity!.y);
        expect(count!.y).to.be.lessThan(identity!.y);
        // The identity's details (commitment, QR code) are one click away, not on the page.
        expect(await badge.locator("details").getAttribute("open")).to.equal(null);
        await look(`treasury-proposal-${width}`);
      });
    });
  }
});
