/**
 * Sealed ballots from the web app, at a phone's width and a desktop's (Debian Chromium, real proofs,
 * a real relayer and chain): a citizen opens a sealed proposal and reads "sealed until" instead of a
 * count; the worker readies the ballot while they read (the tellers' key checked against the
 * chain's); the ballot goes through the relayer into the box and the zone still shows no count; a
 * second visit says already voted. After the close the page says the tellers are opening it, and
 * once 2 of 3 have, it shows the count. Screenshots in test-results/web/sealed-<width>-*.png,
 * axe-core finds nothing serious.
 */
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { sealedBallotFiles, stopCeremonyThreads } from "../circuits/ceremony.js";
import { loadRelayerConfig } from "../relayer/config.js";
import { startRelayer, type Relayer } from "../relayer/relayer.js";
import { payFromZone, relayerEnvironment, type RelayerWorld } from "../relayer/test/relayer-fixture.js";
import { completeSealedTally, postPartialDecryption } from "../sdk/tellers.js";
import { SEALED_BALLOT_URLS, type WebConfig } from "../web/config.js";
import { buildWebApp, serveWebApp, type WebServer } from "../web/serve.js";
import {
  VIEWPORTS,
  collectBrowserErrors,
  launchChromium,
  screenshot,
  seriousAccessibilityViolations,
  type Width,
} from "./browser.js";
import { startRpcBridge } from "./rpc-bridge.js";
import {
  deploySealedZone,
  electTellers,
  sealedCitizens,
  tellerSigners,
  type ElectedTellers,
  type SealedWorld,
} from "./sealed-world.js";
import { proposeWithFreeSlot } from "./zone-fixture.js";

const PASSPHRASE = "correct horse battery staple";
/** Who votes at each width, and for what. */
const VOTERS: Record<Width, { citizen: number; choice: "For" | "Against" }> = {
  phone: { citizen: 1, choice: "For" },
  desktop: { citizen: 0, choice: "Against" },
};

describe("sealed ballots in the web app, at phone and desktop width (Chromium)", function () {
  this.timeout(600_000);
  let world: SealedWorld & RelayerWorld;
  let tellersTerm: ElectedTellers;
  let relayer: Relayer;
  let app: WebServer;
  let browser: Browser;
  let config: WebConfig;
  let proposalPage: string;

  before(async function () {
    await buildWebApp();
    const sealed = await deploySealedZone();
    tellersTerm = await electTellers(sealed, await tellerSigners(3), 2);
    const proposalId = await proposeWithFreeSlot(
      sealed,
      [[payFromZone(sealed)]],
      "Plant the orchard (sealed)",
      sealedCitizens,
      tellersTerm.term,
    );
    world = { ...sealed, proposalId, bridge: await startRpcBridge() };
    const files = { wasm: sealed.key.circuit.wasmPath, zkey: sealed.key.zkeyPath };
    app = await serveWebApp({ config: () => config, rpcUrl: world.bridge.url, sealedBallot: files });
    relayer = await startRelayer(
      loadRelayerConfig(
        await relayerEnvironment(world, {
          ZONEDAO_CORS_ORIGINS: new URL(app.url).origin,
          ZONEDAO_BATCH_MAX_AGE_MS: "200",
          ZONEDAO_POLL_INTERVAL_MS: "250",
        }),
      ),
    );
    const hashes = await sealedBallotFiles(files.wasm, files.zkey, true);
    config = {
      format: "zonedao-web/1",
      chainId: world.chainId.toString(),
      rpcUrl: "/rpc",
      relayers: [await relayer.listen()],
      zones: [{ address: world.zoneAddress, name: "Riverside", createdBlock: 0 }],
      contracts: { tellers: world.tellersAddress, sealedBallots: await world.sealedBallots.getAddress() },
      sealedBallot: { ...SEALED_BALLOT_URLS, wasmSha256: hashes.wasmSha256, zkeySha256: hashes.zkeySha256 },
    };
    proposalPage = `${app.url}#/zone/${world.zoneAddress}/proposal/${proposalId}`;
    browser = await launchChromium();
  });

  /** Sealed citizen `citizen`'s identity pasted on Your identity, restored and unlocked. */
  async function restoreCitizen(page: Page, citizen: number) {
    await page.goto(`${app.url}#/identity`);
    await page
      .getByLabel("…or paste the backup (or an exported Semaphore key)")
      .fill(sealedCitizens[citizen]!.export());
    await page.getByLabel("Zone of this key (address)").fill(world.zoneAddress);
    await page.getByLabel(/Passphrase \(the backup's/).fill(PASSPHRASE);
    await page.getByRole("button", { name: "Restore" }).click();
    await page.getByRole("button", { name: "Lock" }).first().waitFor();
  }

  after(async function () {
    await browser?.close();
    await relayer?.close();
    await app?.close();
    await world?.bridge.close();
    await stopCeremonyThreads();
  });

  for (const width of ["desktop", "phone"] as Width[]) {
    describe(`at ${width} width (${VIEWPORTS[width].width} px)`, function () {
      let context: BrowserContext;
      let page: Page;
      let errors: string[];
      const { citizen, choice } = VOTERS[width];

      async function look(name: string) {
        await screenshot(page, `sealed-${width}-${name}`);
        const violations = await seriousAccessibilityViolations(page);
        expect(violations, `${name}: ${JSON.stringify(violations, null, 2)}`).to.deep.equal([]);
      }

      before(async function () {
        context = await browser.newContext({ viewport: VIEWPORTS[width] });
        page = await context.newPage();
        errors = collectBrowserErrors(page);
        await restoreCitizen(page, citizen);
      });

      after(async function () {
        await context?.close();
      });

      it(`shows "sealed until" instead of a count, readies the ballot, and sends ${choice} into the box`, async function () {
        const ballotsBefore = (await world.sealedBallots.ballotBox(world.zoneAddress, world.proposalId))
          .ballots;
        await page.goto(proposalPage);
        await page.getByTestId("sealed-until").waitFor({ timeout: 30_000 });
        expect(await page.getByTestId("sealed-until").textContent()).to.match(/^Sealed until /);
        expect(await page.getByTestId("sealed-note").textContent()).to.contain("No one can read it");
        expect(await page.getByTestId("tally-1").count()).to.equal(0);
        await page.getByText(/Preparing your sealed ballot/).waitFor({ timeout: 60_000 });
        await look("preparing");
        await page
          .getByText("Your vote is ready: choose, then confirm to send it.")
          .waitFor({ timeout: 180_000 });
        await look("ready");
        await page.getByRole("button", { name: new RegExp(`^Vote ${choice}`) }).click();
        const dialog = page.getByRole("dialog", { name: `Send your vote for ${choice}?` });
        await dialog.getByRole("button", { name: "Send" }).click();
        await page
          .getByText(new RegExp(`Your sealed ballot for ${choice} is in the box`))
          .waitFor({ timeout: 120_000 });
        await look("in-the-box");
        const box = await world.sealedBallots.ballotBox(world.zoneAddress, world.proposalId);
        expect(box.ballots).to.equal(ballotsBefore + 1n);
        expect((await world.zone.getProposal(world.proposalId)).tally).to.deep.equal([0n, 0n, 0n]);
        expect(errors).to.deep.equal([]);
      });

      it("says already voted on a second visit, before readying anything", async function () {
        await page.goto(`${app.url}#/zones`);
        await page.goto(proposalPage);
        await page.reload();
        await page.getByLabel("Passphrase", { exact: true }).fill(PASSPHRASE);
        await page.getByRole("button", { name: "Unlock" }).click();
        await page.getByTestId("you-voted").waitFor({ timeout: 60_000 });
        expect(await page.getByTestId("you-voted").textContent()).to.contain(
          "You have already voted on this proposal.",
        );
        expect(await page.getByRole("button", { name: /^Vote For/ }).count()).to.equal(0);
      });
    });
  }

  describe("proposing", function () {
    it("offers to seal a proposal to the zone's tellers, says so in the preview, and makes it sealed", async function () {
      const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
      const page = await context.newPage();
      const errors = collectBrowserErrors(page);
      try {
        await restoreCitizen(page, 5);
        await page.goto(`${app.url}#/zone/${world.zoneAddress}/propose`);
        const seal = page.getByLabel("Seal the ballots");
        await seal.waitFor({ timeout: 30_000 });
        await page.getByLabel("Title").fill("Fence the orchard (sealed)");
        await page.getByLabel("Pay to (address)").fill(await world.deployer.getAddress());
        await page.getByLabel("Amount").fill("0.1");
        await seal.check();
        expect(await page.getByTestId("preview-sealed").textContent()).to.contain(
          "no count shows until the vote closes and 2 of the zone's tellers open it",
        );
        await screenshot(page, "sealed-desktop-propose");
        expect(await seriousAccessibilityViolations(page)).to.deep.equal([]);
        const before = await world.zone.proposalCount();
        await page.getByRole("button", { name: "Propose" }).click();
        await page.getByText(`Your proposal is #${before + 1n}.`).waitFor({ timeout: 60_000 });
        const box = await world.sealedBallots.ballotBox(world.zoneAddress, before + 1n);
        expect([box.term, box.optionCount]).to.deep.equal([tellersTerm.term, 3n]);
        expect(errors).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });
  });

  describe("after the close", function () {
    it("says the tellers are opening the count after the close, and shows it once 2 of 3 have", async function () {
      const { zone, zoneAddress, proposalId, sealedBallots } = world;
      await world.chain.networkHelpers.time.increaseTo((await zone.getProposal(proposalId)).voteEnd);
      await relayer.indexer.sync();
      const context = await browser.newContext({ viewport: VIEWPORTS.phone });
      const page = await context.newPage();
      try {
        await page.goto(proposalPage);
        await page.getByText("Voting closed: the tellers are opening the sealed count").first().waitFor({
          timeout: 30_000,
        });
        await screenshot(page, "sealed-phone-tallying");
        for (const teller of [1, 3]) {
          const place = {
            zone: zoneAddress,
            proposalId,
            sealedBallots: sealedBallots.connect(tellersTerm.signers.get(teller)),
          };
          await postPartialDecryption(place, teller, tellersTerm.secretShares.get(teller)!);
        }
        expect(
          await completeSealedTally({ zone: zoneAddress, proposalId, sealedBallots }, world.tellers),
        ).to.deep.equal([1, 1, 0]);
        await relayer.indexer.sync();
        await page.reload();
        await page.getByTestId("tally-0").waitFor({ timeout: 30_000 });
        expect(await page.getByTestId("tally-0").textContent()).to.equal("1");
        expect(await page.getByTestId("tally-1").textContent()).to.equal("1");
        await screenshot(page, "sealed-phone-counted");
        expect(await seriousAccessibilityViolations(page)).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });
  });
});
