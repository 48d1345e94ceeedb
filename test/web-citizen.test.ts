/**
 * The citizen app as a citizen uses it, at a phone's width and a desktop's (Debian Chromium, real
 * proofs, a real relayer and chain): a multiple-choice vote goes to the option the citizen read
 * (checked on chain), after a confirmation that Back can refuse; a double click on Propose makes one
 * proposal. Every page is screenshotted into test-results/web/<width>-*.png and scanned with
 * axe-core: no serious accessibility violation. (The dead ends, at both widths, are
 * web-dead-ends.test.ts's.)
 */
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { payEther } from "../sdk/actions.js";
import { encodeProposalText } from "../sdk/proposal-text.js";
import type { Relayer } from "../relayer/relayer.js";
import { relayerWorld, startTestRelayer, type RelayerWorld } from "../relayer/test/relayer-fixture.js";
import type { WebConfig } from "../web/config.js";
import { buildWebApp, serveWebApp, type WebServer } from "../web/serve.js";
import {
  VIEWPORTS,
  collectBrowserErrors,
  launchChromium,
  recordRequests,
  screenshot,
  seriousAccessibilityViolations,
  type Width,
} from "./browser.js";
import { admitAfterDelay, bob, carol, createSecondZone, proposeAs, type ZoneWorld } from "./zone-fixture.js";

const PASSPHRASE = "correct horse battery staple";

describe("citizen app at phone and desktop width (Chromium)", function () {
  this.timeout(300_000);
  let world: RelayerWorld;
  let hillside: ZoneWorld;
  let relayer: Relayer;
  let app: WebServer;
  let browser: Browser;
  let config: WebConfig;

  before(async function () {
    await buildWebApp();
    world = await relayerWorld();
    hillside = await createSecondZone(world, { name: "Hillside" });
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
      let commitment: bigint;
      const riverside = () => `${app.url}#/zone/${world.zoneAddress}`;

      /** Screenshots the page as `name` and expects no serious accessibility violation on it. */
      async function look(name: string) {
        await screenshot(page, `${width}-${name}`);
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

      it("makes an identity in the one wallet, then votes for the option it reads: counted for that option on chain", async function () {
        await page.goto(`${app.url}#/`);
        await page.getByRole("link", { name: "Riverside" }).waitFor();
        await look("1-zones");
        await page
          .getByRole("navigation", { name: "Main" })
          .getByRole("link", { name: "How it works" })
          .click();
        await page.getByRole("heading", { level: 1, name: /How ZoneDAO works/ }).waitFor();
        await look("2-how-it-works");

        await page.goto(riverside());
        await page.getByLabel("Choose a passphrase").fill(PASSPHRASE);
        await page.getByLabel("Repeat the passphrase").fill(PASSPHRASE);
        await page.getByRole("button", { name: "Create identity" }).click();
        commitment = await shownCommitment(page);
        // The registrar's request waits the admission delay (the clock is moved past it), then is admitted.
        await admitAfterDelay(world, [{ commitment }]);
        await page
          .getByTestId("identity-badge")
          .getByText("Citizen of Riverside")
          .waitFor({ timeout: 20_000 });
        await look("3-zone-citizen");

        // Three named options, the names bound in the proposal's text on chain.
        const payee = await world.deployer.getAddress();
        const names = ["Clearwater at 600 a month", "Springco at 450 a month", "Keep the well"];
        const options = [[payEther(payee, 600n)], [payEther(payee, 450n)], []];
        const proposalId = await proposeAs(
          world,
          width === "desktop" ? bob : carol,
          options,
          encodeProposalText({ title: `Who runs the water service (${width})`, optionNames: names }),
        );
        const chosen = width === "desktop" ? 1 : 0; // the chain's index of the option the citizen reads
        await page.goto(`${riverside()}/proposal/${proposalId}`);
        await page.getByText(/Your vote is ready/).waitFor({ timeout: 90_000 });
        await look("4-proposal");

        // The citizen taps the option named Springco (desktop) or Clearwater (phone); the confirmation
        // names it as the button did, and Back sends nothing.
        const label = `Option ${chosen + 1}: ${names[chosen]}`;
        const button = page.getByRole("button", { name: `Vote ${label}` });
        const sent = recordRequests(page);
        await button.click();
        const dialog = page.getByRole("dialog", { name: `Send your vote for ${label}?` });
        await dialog.waitFor();
        await look("5-confirm-vote");
        await dialog.getByRole("button", { name: "Back" }).click();
        await dialog.waitFor({ state: "detached" });
        expect(sent.requests.filter((request) => request.startsWith("POST"))).to.deep.equal([]);
        sent.stop();

        await button.click();
        await dialog.getByRole("button", { name: "Send" }).click();
        await page.getByText(`Your vote for ${label} is counted`).waitFor({ timeout: 60_000 });
        const { tally } = await world.zone.getProposal(proposalId);
        expect(tally.map(Number)).to.deep.equal(names.map((_, option) => (option === chosen ? 1 : 0)));
        await look("6-voted");

        // The zone's list marks it.
        await page.goto(riverside());
        await page.getByTestId(`voted-${proposalId}`).waitFor({ timeout: 30_000 });
        expect((await page.getByTestId(`voted-${proposalId}`).textContent())?.trim()).to.equal(
          `✓ You voted ${label}`,
        );
        await look("7-zone-you-voted");
        expect(errors).to.deep.equal([]);
      });

      it("one unlock serves every zone; the identity page holds the details", async function () {
        await page.goto(`${app.url}#/zone/${hillside.zoneAddress}`);
        await page.getByRole("button", { name: "Create identity" }).waitFor();
        await page.getByRole("button", { name: "Create identity" }).click();
        const hillsideCommitment = await shownCommitment(page);
        expect(hillsideCommitment).not.to.equal(commitment);
        await page
          .getByRole("navigation", { name: "Main" })
          .getByRole("link", { name: "Your identity" })
          .click();
        for (const expected of [commitment, hillsideCommitment]) {
          await page.getByTestId("commitment").filter({ hasText: expected.toString() }).waitFor();
        }
        await look("8-identity");
        expect(errors).to.deep.equal([]);
      });

      it("a double click on Propose makes one proposal, and the form locks", async function () {
        await page.goto(`${riverside()}/propose`);
        await page
          .getByTestId("proposal-slots")
          .getByText(/^You can make 2 more proposals this period/)
          .waitFor({ timeout: 30_000 });
        await look("9-propose");
        await page.getByLabel("Title").fill(`Pay the gardener (${width})`);
        await page.getByLabel("Pay to (address)").fill(await world.deployer.getAddress());
        await page.getByLabel("Amount").fill("0.5");
        const before = await world.zone.proposalCount();
        await page.getByRole("button", { name: "Propose" }).dblclick();
        expect(await page.getByLabel("Title").isDisabled()).to.equal(true);
        await page.getByText(`Your proposal is #${before + 1n}.`).waitFor({ timeout: 60_000 });
        await page.waitForTimeout(2_000); // a second proposal, had one been sent, would be mined by now
        expect(await world.zone.proposalCount()).to.equal(before + 1n);
        await look("10-proposed");
        expect(errors).to.deep.equal([]);
      });

      it("audits the zone", async function () {
        await page.goto(`${riverside()}/audit`);
        await page.getByRole("button", { name: "Run the audit" }).click();
        await page.getByTestId("audit-verdict").waitFor({ timeout: 90_000 });
        await look("11-audit");
      });
    });
  }
});

/** The commitment the page shows for the identity just created or unlocked. */
async function shownCommitment(page: Page): Promise<bigint> {
  const text = await page.getByTestId("commitment").first().textContent({ timeout: 20_000 });
  expect(text?.trim()).to.match(/^[1-9][0-9]{10,77}$/);
  return BigInt(text!.trim());
}
