/**
 * Issue 16's "done when", in the browser (Debian Chromium, real proofs, a real relayer and chain):
 * an invited newcomer votes on the next proposal made after the admission delay. The zone's
 * citizens turn invitations on by a vote; a newcomer makes an identity in the app (a phone's
 * width); a citizen (another browser, a desktop's width) pastes its commitment and invites it; the
 * newcomer's page says when it may vote; the test moves the chain's clock past the delay; the
 * relayer admits it without being asked; a proposal is made; the newcomer votes from the browser
 * and the vote counts on chain. Each page is screenshotted into test-results/web/invitation-*.png
 * and scanned with axe-core.
 */
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import {
  readAdmissionRequests,
  readAdmissionRules,
  requestAdmissions,
  setAdmissionRules,
} from "../sdk/admissions.js";
import type { Relayer } from "../relayer/relayer.js";
import {
  payFromZone,
  relayerWorld,
  startTestRelayer,
  type RelayerWorld,
} from "../relayer/test/relayer-fixture.js";
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
import { bob, passProposal, proposeAs, time } from "./zone-fixture.js";

const PASSPHRASE = "correct horse battery staple";

describe("an invited newcomer votes from the browser (Chromium)", function () {
  this.timeout(400_000);
  let world: RelayerWorld;
  let relayer: Relayer;
  let app: WebServer;
  let browser: Browser;
  let config: WebConfig;
  const opened: BrowserContext[] = [];
  const errors: string[] = [];

  before(async function () {
    await buildWebApp();
    world = await relayerWorld();
    // The citizens turn invitations on: one per citizen per period (they are off by default).
    const admissions = await world.zone.ADMISSIONS();
    const rules = await readAdmissionRules(world.zone);
    await passProposal(
      world,
      [[setAdmissionRules(admissions, { ...rules, invitationsPerEpoch: 1 })]],
      "Let citizens invite newcomers",
    );
    app = await serveWebApp({ config: () => config, rpcUrl: world.bridge.url });
    ({ relayer } = await startTestRelayer(world, {
      ZONEDAO_CORS_ORIGINS: new URL(app.url).origin,
      ZONEDAO_BATCH_MAX_AGE_MS: "200",
      ZONEDAO_POLL_INTERVAL_MS: "250",
      // It reads the zone's admission requests every half second and admits the ready ones.
      ZONEDAO_ADMIT_INTERVAL_MS: "500",
    }));
    config = {
      format: "zonedao-web/1",
      chainId: world.chainId.toString(),
      rpcUrl: "/rpc",
      relayers: [await relayer.listen()],
      zones: [{ address: world.zoneAddress, name: "Riverside", createdBlock: 0 }],
      contracts: {},
    };
    browser = await launchChromium();
  });

  after(async function () {
    for (const context of opened) await context.close();
    await browser?.close();
    await relayer?.close();
    await app?.close();
    await world?.bridge.close();
  });

  async function openPage(width: Width): Promise<Page> {
    const context = await browser.newContext({ viewport: VIEWPORTS[width] });
    opened.push(context);
    const page = await context.newPage();
    errors.push(...collectBrowserErrors(page));
    return page;
  }

  /** Screenshots `page` as `name` and expects no serious accessibility violation on it. */
  async function look(page: Page, name: string) {
    await screenshot(page, `invitation-${name}`);
    const violations = await seriousAccessibilityViolations(page);
    expect(violations, `${name}: ${JSON.stringify(violations, null, 2)}`).to.deep.equal([]);
  }

  /** Makes an identity on Riverside's page; returns the commitment the page shows. */
  async function createIdentity(page: Page): Promise<string> {
    await page.goto(`${app.url}#/zone/${world.zoneAddress}`);
    await page.getByLabel("Choose a passphrase").fill(PASSPHRASE);
    await page.getByLabel("Repeat the passphrase").fill(PASSPHRASE);
    await page.getByRole("button", { name: "Create identity" }).click();
    const text = (await page.getByTestId("commitment").first().textContent({ timeout: 20_000 }))!.trim();
    expect(text).to.match(/^[1-9][0-9]{10,77}$/);
    return text;
  }

  /** Waits until the relayer has admitted `commitment` (it does so on its own once the delay is over). */
  async function admittedByRelayer(commitment: string): Promise<void> {
    for (let tries = 0; tries < 150; tries++) {
      if (await world.zone.isMember(commitment)) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`the relayer did not admit ${commitment} within 30 s of its delay's end`);
  }

  it("a citizen invites a newcomer by its commitment; after the delay the relayer admits it; it votes on the next proposal and the vote counts", async function () {
    // The inviter: a citizen of Riverside whose identity lives in this browser (desktop width),
    // admitted by the registrar after the delay, by the relayer.
    const inviter = await openPage("desktop");
    const inviterCommitment = await createIdentity(inviter);
    const registrarRequest = await requestAdmissions(world.zone, world.registrar, [
      BigInt(inviterCommitment),
    ]);
    expect(registrarRequest.admitted).to.equal(false);
    await time.increaseTo(registrarRequest.readyAt);
    await admittedByRelayer(inviterCommitment);
    await inviter
      .getByTestId("identity-badge")
      .getByText("Citizen of Riverside")
      .waitFor({ timeout: 20_000 });

    // The newcomer (phone width) makes an identity: not a citizen, nothing pending yet.
    const newcomer = await openPage("phone");
    const newcomerCommitment = await createIdentity(newcomer);
    await newcomer.getByText("Not registered yet").waitFor();
    await look(newcomer, "1-newcomer-identity");

    // The citizen pastes the newcomer's commitment, reads it back in the confirmation, and invites.
    const form = inviter.getByTestId("invite-form");
    await form
      .getByTestId("invitation-slots")
      .getByText("You can invite 1 more newcomer this period (of 1).")
      .waitFor({ timeout: 30_000 });
    await form.getByLabel("Newcomer's identity commitment").fill(`${newcomerCommitment}\n`);
    await look(inviter, "2-invite-form");
    await form.getByRole("button", { name: "Invite" }).click();
    const dialog = inviter.getByRole("dialog", { name: "Invite this newcomer?" });
    await dialog.waitFor();
    expect(await dialog.textContent()).to.include(newcomerCommitment);
    await look(inviter, "3-confirm-invite");
    await dialog.getByRole("button", { name: "Invite" }).click();
    await form
      .getByTestId("invite-status")
      .getByText(/^Invited .*: pending/)
      .waitFor({ timeout: 120_000 });

    // On chain: one pending request by invitation, for the newcomer, not admitted yet.
    const [request] = (await readAdmissionRequests(world.zone)).filter((each) =>
      each.identityCommitments.includes(BigInt(newcomerCommitment)),
    );
    expect(request).to.include({ path: "invitation", status: "pending" });
    expect(await world.zone.isMember(newcomerCommitment)).to.equal(false);
    await inviter.getByTestId("pending-admission").first().waitFor({ timeout: 20_000 });
    expect(await inviter.getByTestId("pending-admissions").textContent()).to.include(
      "a citizen's anonymous invitation",
    );
    await inviter
      .getByText(/^You have used your 1 invitation of this period; they renew in /)
      .waitFor({ timeout: 20_000 });
    await look(inviter, "4-pending-on-zone-page");

    // The newcomer's page says when it can vote, instead of "not a citizen".
    await newcomer
      .getByTestId("pending-admission-note")
      .getByText(/^Pending: you can vote from .* on proposals made after that/)
      .waitFor({ timeout: 20_000 });
    await newcomer.getByTestId("identity-badge").getByText("Riverside: admission pending").waitFor();
    await look(newcomer, "5-newcomer-pending");

    // A proposal made while it waits: its page says the same, not "you are not a citizen".
    const during = await proposeAs(world, bob, [[payFromZone(world)]], "Made while the newcomer waits");
    await newcomer.goto(`${app.url}#/zone/${world.zoneAddress}/proposal/${during}`);
    await newcomer
      .getByRole("heading", { name: "You are waiting to join Riverside" })
      .waitFor({ timeout: 60_000 });
    expect(await newcomer.getByTestId("dead-end-pending-admission").textContent()).to.match(
      /Pending: you can vote from .* on proposals made after that/,
    );
    expect(await newcomer.getByRole("button", { name: /^Vote / }).count()).to.equal(0);
    await look(newcomer, "5b-newcomer-pending-proposal");
    await newcomer.goto(`${app.url}#/zone/${world.zoneAddress}`);

    // The delay ends; nobody asks: the relayer admits the newcomer.
    await time.increaseTo(request!.readyAt);
    await admittedByRelayer(newcomerCommitment);
    await newcomer
      .getByTestId("identity-badge")
      .getByText("Citizen of Riverside")
      .waitFor({ timeout: 20_000 });
    await look(newcomer, "6-newcomer-citizen");

    // The next proposal; the newcomer votes For from the browser, and the vote counts.
    const proposalId = await proposeAs(world, bob, [[payFromZone(world)]], "Welcome the newcomers");
    await newcomer.goto(`${app.url}#/zone/${world.zoneAddress}/proposal/${proposalId}`);
    await newcomer.getByText(/Your vote is ready/).waitFor({ timeout: 90_000 });
    await newcomer.getByRole("button", { name: /^Vote For/ }).click();
    const confirm = newcomer.getByRole("dialog", { name: "Send your vote for For?" });
    await confirm.getByRole("button", { name: "Send" }).click();
    await newcomer.getByText(/Your vote for For is counted/).waitFor({ timeout: 60_000 });
    const { tally, eligibleCount } = await world.zone.getProposal(proposalId);
    expect(tally.map(Number)).to.deep.equal([0, 1, 0]);
    expect(eligibleCount).to.equal(6n); // the 4 test citizens, the inviter and the newcomer
    // The one made while it waited is not its to vote on: it was not a citizen then.
    expect((await world.zone.getProposal(during)).eligibleCount).to.equal(5n);
    await look(newcomer, "7-newcomer-voted");
    expect(errors).to.deep.equal([]);
  });
});
