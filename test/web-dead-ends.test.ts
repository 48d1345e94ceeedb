/**
 * The citizens' web app where it cannot go on, in a real browser (Debian Chromium, headless): an
 * unknown zone, an unknown proposal, every relayer down, the chain down, an identity that is not a
 * citizen, a citizen who joined after the proposal. Each gets a page that says what is wrong and what
 * to do, and the page stops asking: no request is made in the seconds after it shows. Then, at
 * desktop width, the confirmation before a vote: Back (and Escape) send nothing, Send counts the
 * vote, "don't ask again on this device" sends the next one at once, and the zone's list marks both.
 */
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import type { WebConfig } from "../web/config.js";
import { buildWebApp, serveWebApp, type WebServer } from "../web/serve.js";
import type { Relayer } from "../relayer/relayer.js";
import {
  payFromZone,
  relayerWorld,
  startTestRelayer,
  type RelayerWorld,
} from "../relayer/test/relayer-fixture.js";
import {
  VIEWPORTS,
  collectBrowserErrors,
  launchChromium,
  recordRequests,
  screenshot as screenshotOf,
  seriousAccessibilityViolations,
  type Width,
} from "./browser.js";
import { unusedPort } from "./ports.js";
import { admissionsOf, requestAdmissions } from "../sdk/admissions.js";
import { bob, carol, dave, proposeAs, time } from "./zone-fixture.js";

const PASSPHRASE = "correct horse battery staple";
/** Longer than any of the app's polling intervals (2 s for a proposal, 3 s for a zone). */
const QUIET_MS = 4_500;

for (const width of Object.keys(VIEWPORTS) as Width[]) {
  describe(`web app at ${width} width: dead ends${width === "desktop" ? " and the vote confirmation" : ""} (Chromium)`, function () {
    this.timeout(300_000);
    let world: RelayerWorld;
    let relayer: Relayer;
    let relayerUrl: string;
    let app: WebServer;
    let browser: Browser;
    let page: Page;
    let browserErrors: string[] = [];
    const served: { config?: WebConfig } = {};
    let honest: WebConfig;

    const screenshot = (name: string) => screenshotOf(page, `${width}-${name}`);

    /**
     * Every request the page makes in `ms`, the prover's readying aside: the proving files, and the
     * `blob:` scripts of the proving threads it starts in memory (the warm prover is readied while
     * the page decides, and asks no one).
     */
    async function requestsDuring(ms: number): Promise<string[]> {
      const recorder = recordRequests(page);
      await new Promise((resolve) => setTimeout(resolve, ms));
      recorder.stop();
      return recorder.requests.filter(
        (request) => !request.includes("/artifacts/") && !request.startsWith("GET blob:"),
      );
    }

    /** axe-core on the page as it is: no serious or critical violation. */
    async function expectAccessible(what: string) {
      expect(await seriousAccessibilityViolations(page), what).to.deep.equal([]);
    }

    /** Opens `hash` with the config served now (a new hash alone does not reload the app). */
    async function open(hash: string) {
      await page.goto(`${app.url}#${hash}`);
      await page.reload();
    }

    before(async function () {
      await buildWebApp();
      world = await relayerWorld();
      app = await serveWebApp({ config: () => served.config!, rpcUrl: world.bridge.url });
      ({ relayer } = await startTestRelayer(world, {
        ZONEDAO_CORS_ORIGINS: new URL(app.url).origin,
        ZONEDAO_BATCH_MAX_AGE_MS: "200",
        ZONEDAO_POLL_INTERVAL_MS: "250",
      }));
      relayerUrl = await relayer.listen();
      honest = {
        format: "zonedao-web/1",
        chainId: world.chainId.toString(),
        rpcUrl: "/rpc",
        relayers: [relayerUrl],
        zones: [{ address: world.zoneAddress, name: "Riverside", createdBlock: 0 }],
        contracts: {},
      };
      served.config = honest;
      browser = await launchChromium();
      page = await browser.newPage({ viewport: VIEWPORTS[width] });
      browserErrors = collectBrowserErrors(page);
    });

    after(async function () {
      if (browserErrors.length > 0) console.log("browser errors:\n" + browserErrors.join("\n"));
      await browser?.close();
      await relayer?.close();
      await app?.close();
      await world?.bridge.close();
    });

    it("an unknown zone: says no such zone is known, offers the zone list and no identity, and stops asking", async function () {
      const nowhere = "0x000000000000000000000000000000000000dEaD";
      await open(`/zone/${nowhere}`);
      await page.getByRole("heading", { name: "No such zone" }).waitFor({ timeout: 20_000 });
      expect(await page.getByTestId("dead-end-unknown-zone").textContent()).to.include(
        `No zone ${nowhere} is known to this app's relayers`,
      );
      await page.getByRole("link", { name: "Choose a zone from the list" }).waitFor();
      expect(await page.getByRole("button", { name: "Create identity" }).count()).to.equal(0);
      expect(await page.getByText("Loading proposals").count()).to.equal(0);
      expect(await requestsDuring(QUIET_MS)).to.deep.equal([]);
      await screenshot("dead-end-unknown-zone");
      await expectAccessible("unknown zone");
    });

    it("an unknown proposal: says the zone has no such proposal, links to the zone, stops asking, and Try again asks once more", async function () {
      await open(`/zone/${world.zoneAddress}/proposal/99`);
      const heading = page.getByRole("heading", { name: "Riverside has no proposal #99" });
      await heading.waitFor({ timeout: 20_000 });
      await page.getByRole("link", { name: "See Riverside's proposals" }).waitFor();
      expect(await requestsDuring(QUIET_MS)).to.deep.equal([]);
      await screenshot("dead-end-unknown-proposal");
      await expectAccessible("unknown proposal");

      await page.getByRole("button", { name: "Try again" }).click();
      await heading.waitFor({ timeout: 20_000 });
      expect(await requestsDuring(QUIET_MS)).to.deep.equal([]);
    });

    it("every relayer down: names each, offers Try again, and stops asking", async function () {
      const dead = [`http://127.0.0.1:${await unusedPort()}`, `http://127.0.0.1:${await unusedPort()}`];
      served.config = { ...honest, relayers: dead };
      try {
        await open(`/zone/${world.zoneAddress}`);
        await page
          .getByRole("heading", { name: "The relayers cannot be reached" })
          .waitFor({ timeout: 20_000 });
        const text = await page.getByTestId("dead-end-relayers-down").textContent();
        for (const url of dead) expect(text).to.include(url);
        expect(await page.getByRole("button", { name: "Create identity" }).count()).to.equal(0);
        expect(await requestsDuring(QUIET_MS)).to.deep.equal([]);
        await screenshot("dead-end-relayers-down");
        await expectAccessible("relayers down");
      } finally {
        served.config = honest;
      }
    });

    it("the chain down: says what still works (the relayer's proposals, unchecked), offers no vote, and stops asking", async function () {
      const deadRpc = `http://127.0.0.1:${await unusedPort()}`;
      served.config = { ...honest, rpcUrl: deadRpc };
      try {
        await open(`/zone/${world.zoneAddress}`);
        await page.getByRole("heading", { name: "The chain cannot be reached" }).waitFor({ timeout: 30_000 });
        expect(await page.getByTestId("dead-end-rpc-down").textContent()).to.match(
          /What still works: reading proposals and tallies as the relayer tells them/,
        );
        await page.getByRole("link", { name: /Plant 100 trees/ }).waitFor();
        expect(await requestsDuring(QUIET_MS)).to.deep.equal([]);
        await screenshot("dead-end-rpc-down");

        await open(`/zone/${world.zoneAddress}/proposal/${world.proposalId}`);
        await page.getByRole("heading", { name: "The chain cannot be reached" }).waitFor({ timeout: 30_000 });
        expect(await page.getByRole("heading", { name: "Vote" }).count()).to.equal(0);
        expect(await requestsDuring(QUIET_MS)).to.deep.equal([]);
        await expectAccessible("chain down");
      } finally {
        served.config = honest;
      }
    });

    let commitment: string;

    it("not a citizen: says how to become one (the commitment to the registrar), and stops asking", async function () {
      await open(`/zone/${world.zoneAddress}`);
      await page.getByLabel("Choose a passphrase").fill(PASSPHRASE);
      await page.getByLabel("Repeat the passphrase").fill(PASSPHRASE);
      await page.getByRole("button", { name: "Create identity" }).click();
      commitment = (await page.getByTestId("commitment").textContent({ timeout: 20_000 }))!.trim();

      // A new hash keeps the unlocked identity (in memory).
      await page.goto(`${app.url}#/zone/${world.zoneAddress}/proposal/${world.proposalId}`);
      await page
        .getByRole("heading", { name: "You are not a citizen of Riverside yet" })
        .waitFor({ timeout: 30_000 });
      expect(await page.getByTestId("dead-end-not-a-citizen").textContent()).to.include(
        "give your identity commitment",
      );
      expect(await page.getByRole("button", { name: /^Vote / }).count()).to.equal(0);
      expect(await requestsDuring(QUIET_MS)).to.deep.equal([]);
      await screenshot("dead-end-not-a-citizen");
      await expectAccessible("not a citizen");
    });

    it("not yet eligible: a citizen now, but not when the proposal was made, can vote on proposals made from now on; the page stops asking", async function () {
      // The registrar's request waits the admission delay, longer than a vote: a proposal made before
      // the request has closed when the member enters. One made just before the delay ends is still
      // open then, and its snapshot does not have the new citizen.
      const request = await requestAdmissions(world.zone, world.registrar, [BigInt(commitment)]);
      await time.increaseTo(request.readyAt - 600n);
      const madeBefore = await proposeAs(world, dave, [[payFromZone(world)]], "Mend the fences");
      await time.increaseTo(request.readyAt);
      const admissions = await admissionsOf(world.zone, world.relayer);
      await (await admissions.admit(world.zoneAddress, request.requestId, [BigInt(commitment)])).wait();
      // The relayer's member list, which the page reads, has the new citizen.
      for (let tries = 0; tries < 100; tries++) {
        const { members } = (await (
          await fetch(`${relayerUrl}/v1/zones/${world.zoneAddress}/members`)
        ).json()) as { members: string[] };
        if (members.includes(commitment)) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await page.goto(`${app.url}#/zone/${world.zoneAddress}/proposal/${madeBefore}`);
      await page
        .getByRole("heading", { name: "You joined after this proposal was made" })
        .waitFor({ timeout: 30_000 });
      expect(await page.getByTestId("dead-end-not-yet-eligible").textContent()).to.include(
        "You can vote on proposals made from now on.",
      );
      expect(await requestsDuring(QUIET_MS)).to.deep.equal([]);
      await screenshot("dead-end-not-yet-eligible");
      await expectAccessible("not yet eligible");
    });

    if (width === "desktop")
      it("confirms a vote before sending it: Back and Escape send nothing, Send counts it; 'don't ask again' sends the next at once; the list marks both", async function () {
        const first = await proposeAs(world, bob, [[payFromZone(world)]], "Open a reading room");
        const second = await proposeAs(world, carol, [[payFromZone(world)]], "Light the bridge");
        const votes: string[] = [];
        page.on("request", (request) => {
          if (request.method() === "POST" && request.url().endsWith("/v1/votes")) votes.push(request.url());
        });

        await page.goto(`${app.url}#/zone/${world.zoneAddress}/proposal/${first}`);
        await page.getByText("Your vote is ready").waitFor({ timeout: 90_000 });
        // The vote comes right under what each choice does, the identity's badge after it.
        const order = await page
          .locator("h2")
          .allTextContents()
          .then((headings) => headings.filter((text) => ["What each choice does", "Vote"].includes(text)));
        expect(order).to.deep.equal(["What each choice does", "Vote"]);
        const badgeAfterVote = await page.evaluate(() => {
          const vote = document.getElementById("vote-heading");
          const badge = document.querySelector("[data-testid=identity-badge]");
          return (
            !!vote && !!badge && !!(vote.compareDocumentPosition(badge) & Node.DOCUMENT_POSITION_FOLLOWING)
          );
        });
        expect(badgeAfterVote).to.equal(true);

        const dialog = page.getByRole("dialog", { name: "Send your vote for For?" });
        await page.getByRole("button", { name: /^Vote For/ }).click();
        await dialog.waitFor();
        expect(await dialog.textContent()).to.include("A vote cannot be changed.");
        expect(await page.evaluate(() => document.activeElement?.textContent)).to.equal("Back");
        await screenshot("vote-confirmation");
        await expectAccessible("vote confirmation");
        await page.keyboard.press("Escape");
        await dialog.waitFor({ state: "detached" });
        await page.getByRole("button", { name: /^Vote For/ }).click();
        await dialog.getByRole("button", { name: "Back" }).click();
        await dialog.waitFor({ state: "detached" });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        expect(votes).to.deep.equal([]);
        expect((await world.zone.getProposal(first)).tally[1]).to.equal(0n);

        await page.getByRole("button", { name: /^Vote For/ }).click();
        await dialog.getByLabel("Don't ask again on this device").check();
        await dialog.getByRole("button", { name: "Send" }).click();
        await page.getByText(/Your vote for For is counted/).waitFor({ timeout: 60_000 });
        expect(votes).to.have.length(1);
        expect((await world.zone.getProposal(first)).tally[1]).to.equal(1n);

        // This device no longer asks: the next vote goes at once.
        await page.goto(`${app.url}#/zone/${world.zoneAddress}/proposal/${second}`);
        await page.getByText("Your vote is ready").waitFor({ timeout: 90_000 });
        await page.getByText("On this device votes are sent without asking first.").waitFor();
        await page.getByRole("button", { name: /^Vote Against/ }).click();
        await page.getByText(/Your vote for Against is counted/).waitFor({ timeout: 60_000 });
        expect(votes).to.have.length(2);
        expect((await world.zone.getProposal(second)).tally[0]).to.equal(1n);

        // Back on the proposal: a calm status says what was chosen; no vote is offered.
        await page.goto(`${app.url}#/zone/${world.zoneAddress}/proposal/${first}`);
        const status = page.getByTestId("you-voted");
        await status.waitFor({ timeout: 30_000 });
        expect(await status.textContent()).to.match(
          /^You voted For \(counted on chain\)\. A vote cannot be changed\./,
        );
        expect(await status.getAttribute("role")).to.equal("status");
        expect(await page.getByRole("alert").count()).to.equal(0);
        expect(await page.getByRole("button", { name: /^Vote / }).count()).to.equal(0);

        // The zone's list marks both, found from the chain's votes without sending a nullifier.
        await page.goto(`${app.url}#/zone/${world.zoneAddress}`);
        await page.getByTestId(`voted-${first}`).waitFor({ timeout: 20_000 });
        expect((await page.getByTestId(`voted-${first}`).textContent())?.trim()).to.equal("✓ You voted For");
        expect((await page.getByTestId(`voted-${second}`).textContent())?.trim()).to.equal(
          "✓ You voted Against",
        );
        expect(await page.getByTestId(`voted-${world.proposalId}`).count()).to.equal(0);
        await screenshot("zone-list-you-voted");
        expect(browserErrors).to.deep.equal([]);
      });
  });
}
