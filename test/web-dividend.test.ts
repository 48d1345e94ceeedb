/**
 * A citizen claims a dividend from the web app, at a phone's width and a desktop's (Debian Chromium,
 * real proofs, a real relayer and chain): a round opened by a passed proposal, claimed to a fresh
 * address made in the browser (its key saved first), through the relayer, confirmed, and the
 * balance arrives (read on chain too). A second visit says "already claimed", and no request the
 * page made before the claim carried the citizen's nullifier: the page finds it among the round's
 * claims itself. Screenshots in test-results/web/dividend-<width>-*.png, axe-core finds nothing serious.
 */
import { expect } from "chai";
import { Interface, getAddress, toBeHex } from "ethers";
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import type { Relayer } from "../relayer/relayer.js";
import { relayerWorld, startTestRelayer, type RelayerWorld } from "../relayer/test/relayer-fixture.js";
import type { ZoneAction } from "../sdk/types.js";
import { Zone__factory } from "../types/ethers-contracts/factories/contracts/Zone__factory.js";
import { TestStablecoin__factory } from "../types/ethers-contracts/factories/contracts/dev/TestStablecoin__factory.js";
import type { TestStablecoin } from "../types/ethers-contracts/contracts/dev/TestStablecoin.js";
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
import { admitAfterDelay, passProposal } from "./zone-fixture.js";

const PASSPHRASE = "correct horse battery staple";
const SHARE = 10n * 10n ** 18n; // 10 USDz
const CLAIM_PERIOD = 30 * 24 * 3600;
const zoneInterface = new Interface(Zone__factory.abi);

/** Every request (method, URL and body) `page` makes from now on, until `stop()`. */
function recordRequestBodies(page: Page): { requests: string[]; stop: () => void } {
  const requests: string[] = [];
  const listener = (request: Request) =>
    requests.push(`${request.method()} ${request.url()} ${request.postData() ?? ""}`);
  page.on("request", listener);
  return { requests, stop: () => page.off("request", listener) };
}

describe("dividend claim page at phone and desktop width (Chromium)", function () {
  this.timeout(400_000);
  let world: RelayerWorld;
  let relayer: Relayer;
  let app: WebServer;
  let browser: Browser;
  let config: WebConfig;
  let stablecoin: TestStablecoin;

  before(async function () {
    await buildWebApp();
    world = await relayerWorld();
    stablecoin = await (await new TestStablecoin__factory(world.deployer).deploy()).waitForDeployment();
    const treasury = 1_000n * 10n ** 18n;
    await (await stablecoin.mint(await world.deployer.getAddress(), treasury)).wait();
    await (await stablecoin.approve(world.zoneAddress, treasury)).wait();
    await (await world.zone.connect(world.deployer).deposit(await stablecoin.getAddress(), treasury)).wait();
    app = await serveWebApp({ config: () => config, rpcUrl: world.bridge.url });
    ({ relayer } = await startTestRelayer(world, {
      ZONEDAO_CORS_ORIGINS: new URL(app.url).origin,
      ZONEDAO_BATCH_MAX_AGE_MS: "200",
      ZONEDAO_POLL_INTERVAL_MS: "250",
    }));
    config = {
      format: "zonedao-web/1",
      chainId: world.chainId.toString(),
      rpcUrl: "/rpc",
      relayers: [await relayer.listen()],
      zones: [{ address: world.zoneAddress, name: "Riverside", createdBlock: 0 }],
      contracts: { stablecoin: await stablecoin.getAddress() },
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
      let roundId: bigint;
      let roundPage: string;
      let nullifier: bigint;
      let recipient: string;
      let beforeClaim: string[];

      async function look(name: string) {
        await screenshot(page, `dividend-${width}-${name}`);
        const violations = await seriousAccessibilityViolations(page);
        expect(violations, `${name}: ${JSON.stringify(violations, null, 2)}`).to.deep.equal([]);
      }

      before(async function () {
        context = await browser.newContext({ viewport: VIEWPORTS[width], acceptDownloads: true });
        page = await context.newPage();
        errors = collectBrowserErrors(page);
        // A citizen made in this browser, admitted, then a vote opens a 10 USDz round for them all.
        await page.goto(`${app.url}#/zone/${world.zoneAddress}`);
        await page.getByLabel("Choose a passphrase").fill(PASSPHRASE);
        await page.getByLabel("Repeat the passphrase").fill(PASSPHRASE);
        await page.getByRole("button", { name: "Create identity" }).click();
        const shown = await page.getByTestId("commitment").first().textContent({ timeout: 20_000 });
        await admitAfterDelay(world, [{ commitment: BigInt(shown!.trim()) }]);
        await page
          .getByTestId("identity-badge")
          .getByText("Citizen of Riverside")
          .waitFor({ timeout: 20_000 });
        const open: ZoneAction = {
          target: world.zoneAddress,
          value: 0n,
          data: zoneInterface.encodeFunctionData("openDividendRound", [
            await stablecoin.getAddress(),
            SHARE,
            CLAIM_PERIOD,
          ]),
        };
        await passProposal(world, [[open]], `Share 10 USDz with every citizen (${width})`);
        roundId = await world.zone.dividendRoundCount();
        roundPage = `${app.url}#/zone/${world.zoneAddress}/dividend/${roundId}`;
      });

      after(async function () {
        await context?.close();
      });

      it("claims to a fresh address through the relayer: confirmed, and the balance arrives", async function () {
        const sent = recordRequestBodies(page);
        await page.goto(roundPage);
        await page
          .getByTestId("dividend-status")
          .getByText("You can claim 10 USDz")
          .waitFor({ timeout: 60_000 });
        await look("1-claimable");

        // A pasted address that is not one is refused.
        await page.getByLabel("Pay to").fill("0x1234");
        await page.getByText("This is not an Ethereum address").waitFor();
        expect(await page.getByRole("button", { name: "Claim 10 USDz" }).isDisabled()).to.equal(true);

        // A fresh address: its key is shown and must be saved before the claim can go.
        await page.getByRole("button", { name: "Use a fresh address" }).click();
        recipient = getAddress(await page.getByLabel("Pay to").inputValue());
        const key = (await page.getByTestId("fresh-key").locator(".commitment").textContent())!.trim();
        expect(key).to.match(/^0x[0-9a-f]{64}$/);
        expect(await page.getByRole("button", { name: "Claim 10 USDz" }).isDisabled()).to.equal(true);
        const download = page.waitForEvent("download");
        await page.getByRole("link", { name: "Download the key as a file" }).click();
        expect((await download).suggestedFilename()).to.equal(`zonedao-dividend-${recipient}.txt`);
        await page.getByLabel("I saved this key").check();
        await look("2-fresh-address");

        // The confirmation names amount and payee; Escape and Back send nothing.
        const short = `${recipient.slice(0, 6)}…${recipient.slice(-4)}`;
        const dialog = page.getByRole("dialog", { name: `Send your claim of 10 USDz to ${short}?` });
        await page.getByRole("button", { name: "Claim 10 USDz" }).click();
        await dialog.waitFor();
        await look("3-confirm");
        await page.keyboard.press("Escape");
        await dialog.waitFor({ state: "detached" });
        await page.getByRole("button", { name: "Claim 10 USDz" }).click();
        await dialog.getByRole("button", { name: "Back" }).click();
        await dialog.waitFor({ state: "detached" });
        expect(sent.requests.filter((request) => request.includes("/v1/dividends"))).to.deep.equal([]);
        sent.stop();
        beforeClaim = sent.requests;

        await page.getByRole("button", { name: "Claim 10 USDz" }).click();
        await dialog.getByRole("button", { name: "Send" }).click();
        // Confirmed, or an error said on the page (which fails here, with its words).
        const confirmed = page.getByText("Your claim of 10 USDz is confirmed");
        await confirmed
          .or(page.getByTestId("claim-progress").getByRole("alert"))
          .waitFor({ timeout: 120_000 });
        expect(await page.getByTestId("claim-progress").textContent()).to.include("is confirmed");
        await page
          .getByTestId("recipient-balance")
          .getByText(`${recipient} now holds 10 USDz.`)
          .waitFor({ timeout: 20_000 });
        expect(await stablecoin.balanceOf(recipient)).to.equal(SHARE);
        const [claim] = await world.zone.queryFilter(world.zone.filters.DividendClaimed(roundId));
        expect(claim!.args.recipient).to.equal(recipient);
        nullifier = claim!.args.nullifier;
        await look("4-confirmed");

        // The payment on the treasury page: a ledger line to the recipient, a point on the chart.
        await page.getByRole("link", { name: "Back to Riverside's treasury" }).click();
        const paid = page
          .getByTestId("treasury-ledger-line")
          .filter({ hasText: "Out 10 USDz" })
          .filter({ hasText: `${recipient.slice(0, 6)}…${recipient.slice(-4)}` });
        await paid.waitFor({ timeout: 30_000 });
        const chart = page.getByTestId(`treasury-chart-${await stablecoin.getAddress()}`);
        // Deposit, round set aside and paid: the balance moved at least twice.
        expect(await chart.locator("circle").count()).to.be.at.least(2);
        await look("4b-treasury-after-claim");
        expect(errors).to.deep.equal([]);
      });

      it("a second visit says already claimed; no request before the claim carried the nullifier", async function () {
        const sent = recordRequestBodies(page);
        // A new visit: the page reloads locked, and the citizen unlocks as on a proposal's page.
        await page.goto(roundPage);
        await page.reload();
        await page.getByText("Unlock (or create) your identity below").waitFor({ timeout: 60_000 });
        await page.getByLabel("Passphrase", { exact: true }).fill(PASSPHRASE);
        await page.getByRole("button", { name: "Unlock" }).click();
        await page
          .getByTestId("dividend-status")
          .getByText("You have already claimed your share of this round")
          .waitFor({ timeout: 60_000 });
        expect(await page.getByTestId("dividend-claimed").textContent()).to.match(/^1 of [56]$/);
        sent.stop();
        await look("5-already-claimed");
        const decimal = nullifier.toString();
        const hex = toBeHex(nullifier, 32).slice(2).toLowerCase();
        for (const request of [...beforeClaim, ...sent.requests]) {
          expect(request).not.to.include(decimal);
          expect(request.toLowerCase()).not.to.include(hex);
        }
        expect(beforeClaim.length).to.be.greaterThan(0);
        expect(errors).to.deep.equal([]);
      });

      it("an unknown round is a dead end that links to the treasury", async function () {
        await page.goto(`${app.url}#/zone/${world.zoneAddress}/dividend/99`);
        await page.getByRole("heading", { level: 1, name: "Riverside has no dividend round #99" }).waitFor({
          timeout: 30_000,
        });
        await page.getByRole("link", { name: "See Riverside's treasury and its rounds" }).waitFor();
        await look("6-unknown-round");
        expect(errors).to.deep.equal([]);
      });
    });
  }
});
