/**
 * The citizens' web app in a real browser (Debian Chromium, headless, driven by playwright-core):
 * built with Vite, served with its /config.json, against the tests' chain (through the RPC bridge)
 * and a real relayer. A citizen creates an identity, gets registered, votes with a proof made in the
 * browser, sees the tally change, is refused a second vote, and unlocks again after a reload. A
 * lying relayer (a proxy that rewrites the real one's proposals) cannot make the app show, or let a
 * citizen vote on, anything but what the chain recorded.
 */
import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Locator, Page } from "playwright-core";
import type { WebConfig } from "../web/config.js";
import { buildWebApp, serveWebApp, type WebServer } from "../web/serve.js";
import type { Relayer } from "../relayer/relayer.js";
import {
  payFromZone,
  relayerWorld,
  startTestRelayer,
  type RelayerWorld,
} from "../relayer/test/relayer-fixture.js";
import { toBeHex } from "ethers";
import { goodsId, payEther, setRules } from "../sdk/actions.js";
import { describeProposal } from "../sdk/describe.js";
import { encodeProposalText } from "../sdk/proposal-text.js";
import { MEASURES } from "../web/src/proposals.js";
import {
  VIEWPORTS,
  collectBrowserErrors,
  launchChromium,
  screenshot as screenshotOf,
  seriousAccessibilityViolations as seriousViolations,
} from "./browser.js";
import { unusedPort } from "./ports.js";
import {
  TEST_RULES,
  admitAfterDelay,
  bob,
  carol,
  createSecondZone,
  ethers,
  proposeAs,
} from "./zone-fixture.js";

const PASSPHRASE = "correct horse battery staple";

/** A port with nothing listening: the first relayer in the app's list, so every call fails over. */
async function deadRelayerUrl(): Promise<string> {
  return `http://127.0.0.1:${await unusedPort()}`;
}

type RelayedProposal = Record<string, unknown> & { id: string };

/**
 * A relayer operator who lies: forwards every GET to the real relayer and rewrites each proposal in
 * the answers of GET /v1/zones/:zone/proposals(/:id) with `rewrite` before the app sees it.
 */
async function lyingRelayer(
  upstream: string,
  rewrite: (proposal: RelayedProposal) => void,
): Promise<{ url: string; close: () => Promise<unknown> }> {
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", upstream);
      const answer = await fetch(url);
      let body = await answer.text();
      if (answer.ok && /^\/v1\/zones\/[^/]+\/proposals(\/\d+)?$/.test(url.pathname)) {
        const json = JSON.parse(body) as RelayedProposal & { proposals?: RelayedProposal[] };
        for (const proposal of json.proposals ?? [json]) rewrite(proposal);
        body = JSON.stringify(json);
      }
      response.writeHead(answer.status, {
        "content-type": "application/json",
        "access-control-allow-origin": "*",
      });
      response.end(body);
    })().catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe("web app (Chromium)", function () {
  this.timeout(240_000);
  let world: RelayerWorld;
  let relayer: Relayer;
  let relayerUrl: string;
  let hillside: string; // a second zone: one unlock of the wallet serves both
  let app: WebServer;
  let browser: Browser;
  let page: Page;
  let browserErrors: string[] = [];
  // The app's /config.json, read on each request: a test may point the app elsewhere for a while.
  const served: { config?: WebConfig } = {};

  const screenshot = (name: string) => screenshotOf(page, name);

  before(async function () {
    await buildWebApp();
    world = await relayerWorld();
    hillside = (await createSecondZone(world)).zoneAddress;
    app = await serveWebApp({ config: () => served.config!, rpcUrl: world.bridge.url });
    ({ relayer } = await startTestRelayer(world, {
      ZONEDAO_CORS_ORIGINS: new URL(app.url).origin,
      ZONEDAO_ZONES: `${world.zoneAddress},${hillside}`,
      ZONEDAO_BATCH_MAX_AGE_MS: "200",
      ZONEDAO_POLL_INTERVAL_MS: "250",
    }));
    relayerUrl = await relayer.listen();
    served.config = {
      format: "zonedao-web/1",
      chainId: world.chainId.toString(),
      rpcUrl: "/rpc",
      relayers: [await deadRelayerUrl(), relayerUrl],
      zones: [
        { address: world.zoneAddress, name: "Riverside", createdBlock: 0 },
        { address: hillside, name: "Hillside", createdBlock: 0 },
      ],
      contracts: {
        services: await world.factory.SERVICES(),
        goods: await world.factory.GOODS(),
        trade: await world.factory.TRADE(),
      },
    };
    browser = await launchChromium();
    page = await browser.newPage({ viewport: VIEWPORTS.phone });
    // Expected and not counted: the dead first relayer, and 404s for nullifiers no relayer has seen.
    browserErrors = collectBrowserErrors(page);
  });

  after(async function () {
    if (browserErrors.length > 0) console.log("browser errors:\n" + browserErrors.join("\n"));
    await browser?.close();
    await relayer?.close();
    await app?.close();
    await world?.bridge.close();
  });

  it("creates an identity, gets registered, votes from the browser, is refused a second vote, proposes a payment and a rules change, and audits the zone", async function () {
    await page.goto(`${app.url}#/zone/${world.zoneAddress}`);
    await page.getByLabel("Choose a passphrase").waitFor();
    await screenshot("1-zone-no-identity");
    expect(await seriousViolations(page), "zone page, no identity").to.deep.equal([]);

    await page.getByLabel("Choose a passphrase").fill(PASSPHRASE);
    await page.getByLabel("Repeat the passphrase").fill(PASSPHRASE);
    await page.getByRole("button", { name: "Create identity" }).click();
    const commitment = (await page.getByTestId("commitment").textContent({ timeout: 20_000 }))!.trim();
    expect(commitment).to.match(/^[1-9][0-9]{10,77}$/);
    await page.getByText("Not registered yet").waitFor();
    expect(await page.getByRole("img", { name: /QR code of the identity commitment/ }).isVisible()).to.be
      .true;
    await screenshot("2-identity-created");

    // The test, as the zone's registrar, admits the commitment the page shows.
    // The registrar's request waits the admission delay (the clock is moved past it), then is admitted.
    await admitAfterDelay(world, [{ commitment: BigInt(commitment) }]);
    await page.getByText("Citizen of Riverside").waitFor({ timeout: 20_000 });
    await screenshot("3-registered");

    // The header's links; the zone list names the zones and marks the one the citizen belongs to.
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "How it works" }).click();
    await page.getByRole("heading", { name: "How ZoneDAO works" }).waitFor();
    await screenshot("3a-help");
    expect(await seriousViolations(page), "help page").to.deep.equal([]);
    await nav.getByRole("link", { name: "Your identity" }).click();
    await page.getByRole("heading", { name: "Your identity", level: 1 }).waitFor();
    expect((await page.getByTestId("commitment").textContent())!.trim()).to.equal(commitment);
    await screenshot("3b-identity-page");
    expect(await seriousViolations(page), "identity page").to.deep.equal([]);
    await nav.getByRole("link", { name: "Zones" }).click();
    const zoneItem = (name: string) => page.getByRole("listitem").filter({ hasText: name });
    await zoneItem("Riverside").getByText("You are a citizen").waitFor({ timeout: 20_000 });
    expect(await zoneItem("Hillside").getByText("You are a citizen").count()).to.equal(0);
    await screenshot("3c-zone-list");
    expect(await seriousViolations(page), "zone list").to.deep.equal([]);

    // The wallet is open: Hillside's identity is made without asking for the passphrase again.
    await zoneItem("Hillside").getByRole("link", { name: "Hillside" }).click();
    await page.getByTestId("identity-badge").getByText("Unlocked").waitFor();
    expect(await page.getByLabel("Passphrase", { exact: true }).count()).to.equal(0);
    await page.getByRole("button", { name: "Create identity" }).click();
    await page.getByText("Not registered yet").waitFor({ timeout: 20_000 });
    const hillsideCommitment = (await page.getByTestId("commitment").textContent())!.trim();
    expect(hillsideCommitment)
      .to.match(/^[1-9][0-9]{10,77}$/)
      .and.not.equal(commitment);
    await nav.getByRole("link", { name: "Zones" }).click();
    await zoneItem("Riverside").getByRole("link", { name: "Riverside" }).click();
    await page.getByText("Citizen of Riverside").waitFor();
    expect(await seriousViolations(page), "zone page, identity badge").to.deep.equal([]);

    // A proposal made after the registration, so the new citizen is in its snapshot.
    const proposalId = await proposeAs(world, bob, [[payFromZone(world)]], "Build a library");
    await page.getByRole("link", { name: /Build a library/ }).waitFor({ timeout: 20_000 });
    await page.getByRole("link", { name: /Build a library/ }).click();
    await page.getByRole("heading", { name: /Proposal #\d+: Build a library/ }).waitFor();
    await screenshot("4-proposal");
    await page.getByText("Checked against the proposal as recorded on chain.").waitFor();
    expect(
      await page
        .getByRole("listitem")
        .filter({ hasText: /^For: pay 0 ETH to Riverside$/ })
        .count(),
    ).to.equal(1);

    // While the citizen reads, the worker proves every option.
    await page.getByText("Your vote is ready").waitFor({ timeout: 90_000 });
    await screenshot("5-vote-ready");
    // One tap asks first; at phone width there is no "don't ask again".
    await page.getByRole("button", { name: /^Vote For/ }).click();
    const confirmation = page.getByRole("dialog", { name: "Send your vote for For?" });
    await confirmation.waitFor();
    expect(await confirmation.getByLabel("Don't ask again on this device").count()).to.equal(0);
    await screenshot("5b-confirm-vote");
    await confirmation.getByRole("button", { name: "Send" }).click();
    await page.getByText(/Your vote for For is counted/).waitFor({ timeout: 60_000 });
    await expectTally(page, 1, "1");
    await screenshot("6-voted");
    const { tally } = await world.zone.getProposal(proposalId);
    expect(tally[1]).to.equal(1n);
    // The app measures what a citizen waits for (performance.measure): the worker's first proof, and
    // the click until a relayer's 202.
    const measured = await page.evaluate(() =>
      performance.getEntriesByType("measure").map(({ name, duration }) => ({ name, duration })),
    );
    const timing = (name: string) =>
      Math.round(measured.find((entry) => entry.name === name)?.duration ?? NaN);
    const timings = { coldProofMs: timing(MEASURES.proof), clickTo202Ms: timing(MEASURES.clickTo202) };
    expect(timings.coldProofMs).to.be.greaterThan(0);
    expect(timings.clickTo202Ms).to.be.greaterThan(0);

    // A reload forgets the unlocked identity: a wrong passphrase is refused, the right one unlocks.
    await page.reload();
    await page.getByLabel("Passphrase", { exact: true }).fill("not the passphrase");
    await page.getByRole("button", { name: "Unlock" }).click();
    await page.getByRole("alert").filter({ hasText: "Wrong passphrase" }).waitFor({ timeout: 20_000 });
    await screenshot("7-wrong-passphrase");
    await page.getByLabel("Passphrase", { exact: true }).fill(PASSPHRASE);
    await page.getByRole("button", { name: "Unlock" }).click();
    expect((await page.getByTestId("commitment").textContent({ timeout: 20_000 }))!.trim()).to.equal(
      commitment,
    );

    // The same identity cannot vote again: a calm status says what it chose, and no vote is offered.
    await page
      .getByText("You voted For (counted on chain). A vote cannot be changed.")
      .waitFor({ timeout: 20_000 });
    expect(await page.getByRole("button", { name: /^Vote For/ }).count()).to.equal(0);
    await screenshot("8-second-vote-refused");
    // The zone's list marks it (the identity stays unlocked across the app's pages).
    await page.goto(`${app.url}#/zone/${world.zoneAddress}`);
    expect((await page.getByTestId(`voted-${proposalId}`).textContent({ timeout: 20_000 }))?.trim()).to.equal(
      "✓ You voted For",
    );

    // One unlock after the reload serves the other zone too: no passphrase asked there.
    await page.goto(`${app.url}#/zone/${hillside}`);
    await page.getByTestId("identity-badge").getByText("Unlocked").waitFor();
    expect(await page.getByLabel("Passphrase", { exact: true }).count()).to.equal(0);
    expect((await page.getByTestId("commitment").textContent())!.trim()).to.equal(hillsideCommitment);

    // An anonymous proposal from the browser: a treasury payment, proved in the worker. Before any
    // field is filled, the form says how many proposals are left this period and when they renew.
    await page.goto(`${app.url}#/zone/${world.zoneAddress}/propose`);
    const slotsLine = page.getByTestId("proposal-slots");
    await slotsLine
      .getByText(/^You can make 2 more proposals this period; it renews .+ \(in .+\)\.$/)
      .waitFor({ timeout: 20_000 });
    const fillPayment = async () => {
      await page.getByLabel("Title").fill("Pay the gardener");
      await page.getByLabel("Pay to (address)").fill(await world.deployer.getAddress());
      await page.getByLabel("Amount").fill("0.5");
    };
    await fillPayment();
    // A double click makes one proposal: the first click locks the form while it proves and sends.
    const createdBefore = (await world.zone.queryFilter(world.zone.filters.ProposalCreated())).length;
    await page.getByRole("button", { name: "Propose" }).dblclick();
    expect(await page.getByLabel("Title").isDisabled()).to.be.true;
    await page.getByText(/Your proposal is #\d+/).waitFor({ timeout: 60_000 });
    await screenshot("9-proposed");
    const newest = await world.zone.proposalCount();
    expect(newest).to.equal(proposalId + 1n);
    expect(
      await page.getByTestId("proposal-sent").getByRole("link", { name: "Open it" }).getAttribute("href"),
    ).to.equal(`#/zone/${world.zoneAddress}/proposal/${newest}`);
    // The form gave way to the proposal: nothing left to send again.
    expect(await page.getByLabel("Title").count()).to.equal(0);
    expect(await page.getByRole("button", { name: "Propose" }).count()).to.equal(0);
    // "Make another proposal" starts a blank form, one slot fewer.
    await page.getByRole("button", { name: "Make another proposal" }).click();
    await slotsLine.getByText(/^You can make 1 more proposal this period; it renews /).waitFor();
    expect(await page.getByLabel("Title").inputValue()).to.equal("");
    expect(await page.getByLabel("Amount").inputValue()).to.equal("");
    // The same payment again, while the first is open: refused, with the proposal to vote on instead.
    await fillPayment();
    const identical = page.getByTestId("identical-proposal");
    await identical
      .getByText(`Proposal #${newest} already asks exactly this and is still open: vote on it instead.`)
      .waitFor();
    expect(await identical.getByRole("link").getAttribute("href")).to.equal(
      `#/zone/${world.zoneAddress}/proposal/${newest}`,
    );
    expect(await page.getByRole("button", { name: "Propose" }).count()).to.equal(0);
    await screenshot("9b-identical-proposal-refused");
    // Only the one proposal reached the chain, whatever the double click sent.
    expect((await world.zone.queryFilter(world.zone.filters.ProposalCreated())).length).to.equal(
      createdBefore + 1,
    );
    const { options } = (await world.zone.queryFilter(world.zone.filters.ProposalCreated(newest)))[0]!.args;
    expect(options[0]![0]!.value).to.equal(500_000_000_000_000_000n);

    // A rules change, prefilled with the zone's current rules: only the quorum is edited.
    const current = await world.zone.rules();
    await page.getByLabel("What do you propose?").selectOption({ label: "Change the rules" });
    const quorum = page.getByLabel("Quorum (% of citizens)");
    await expectValue(quorum, (Number(current.quorumBps) / 100).toString());
    await quorum.fill("150");
    await page
      .getByTestId("proposal-preview")
      .getByText("Quorum (% of citizens): a percentage from 0 to 100")
      .waitFor();
    await quorum.fill("40");
    await page.getByLabel("Title").fill("Lower the quorum to 40%");
    await page
      .getByTestId("proposal-preview")
      .getByText(/For: change the zone's rules: .*quorum 40%/)
      .waitFor();
    await screenshot("10-rules-change-form");
    await page.getByRole("button", { name: "Propose" }).click();
    await page.getByText(`Your proposal is #${proposalId + 2n}.`).waitFor({ timeout: 60_000 });
    await screenshot("11-rules-change-proposed");
    const rulesEvent = (
      await world.zone.queryFilter(world.zone.filters.ProposalCreated(proposalId + 2n))
    )[0]!;
    const expected = setRules(world.zoneAddress, { ...TEST_RULES, quorumBps: 4000 });
    const recorded = rulesEvent.args.options.map((actions) =>
      actions.map(({ target, value, data }) => ({ target, value, data })),
    );
    expect(recorded).to.deep.equal([[expected]]);
    expect(rulesEvent.args.description).to.equal("Lower the quorum to 40%");

    // A service, previewed only: the citizen's two proposals for this period are used, so the new
    // form says when they renew and offers no Propose.
    await page.getByRole("button", { name: "Make another proposal" }).click();
    await slotsLine
      .getByText(/^You have used all 2 of your proposals for this period; they renew .+ \(in .+\)\.$/)
      .waitFor();
    expect(await page.getByRole("button", { name: "Propose" }).count()).to.equal(0);
    await page.getByLabel("What do you propose?").selectOption({ label: "New public service" });
    await page.getByLabel("Kind of service").fill("healthcare");
    await page.getByLabel("Service name").fill("Night clinic");
    await page.getByLabel("Provider (address)").fill("0x1234");
    await page.getByLabel("Paid in (token address)").fill(world.zoneAddress);
    await page.getByLabel("Budget per period").fill("250");
    await page
      .getByTestId("proposal-preview")
      .getByText("Provider: an address, 0x followed by 40 hex digits.")
      .waitFor();
    await page.getByLabel("Provider (address)").fill(await world.deployer.getAddress());
    await page
      .getByTestId("proposal-preview")
      .getByText(
        /^For: pay 250000000000000000000 base units of token Riverside every 30 days to provider 0x.* for healthcare \(new service: "Night clinic"\)$/,
      )
      .waitFor();
    await screenshot("12-service-preview");

    // A domestic reserve, previewed only: the good named by its producer and product.
    await page.getByLabel("What do you propose?").selectOption({ label: "Domestic reserve" });
    await page.getByLabel("Goods", { exact: true }).selectOption({ label: "By producer and product" });
    await page.getByLabel("Producer (address of the internal DAO)").fill(world.zoneAddress);
    await page.getByLabel("Kept for citizens (units)").fill("100");
    await page.getByTestId("proposal-preview").getByText("Product: required.").waitFor();
    await page.getByLabel("Product", { exact: true }).fill("wheat");
    await page
      .getByTestId("proposal-preview")
      .getByText(
        `For: keep a domestic reserve of 100 units of goods ${toBeHex(goodsId(world.zoneAddress, "wheat"), 32)}`,
        { exact: true },
      )
      .waitFor();
    await screenshot("12b-reserve-preview");

    // An offer's and a service's numbers are looked up on chain as they are typed.
    await page.getByLabel("What do you propose?").selectOption({ label: "Accept a trade offer (buy)" });
    await page.getByLabel("Offer number").fill("999");
    await page.getByText("No such offer.").waitFor();
    await page.getByLabel("What do you propose?").selectOption({ label: "Change a service" });
    await page.getByLabel("Service number").fill("999");
    await page.getByText(/ServicesUnknownService/).waitFor();

    // The tally audit, in the browser, from the chain alone: every check passes.
    await page.goto(`${app.url}#/zone/${world.zoneAddress}/audit`);
    await page.getByRole("button", { name: "Run the audit" }).click();
    await page.getByTestId("audit-verdict").waitFor({ timeout: 90_000 });
    await screenshot("13-audit");
    expect(await page.getByTestId("audit-verdict").textContent()).to.equal("Verdict: everything adds up");
    const checks = await page.locator("[data-testid^=audit-check-]").allTextContents();
    expect(checks).to.have.length.greaterThan(5);
    for (const check of checks) expect(check).to.match(/^OK · /);
    // Each check leads with a citizen's words (sdk CHECKS_IN_PLAIN_WORDS); the exact rule is one click away.
    expect(checks.some((check) => check.startsWith("OK · The counts"))).to.be.true;
    expect(await page.getByLabel("Audit progress").textContent()).to.match(/verifying \d+ vote proofs/);

    console.log("\n      web app timings (Chromium headless, this machine)");
    console.table({
      "cold proof (first option, in the worker)": { ms: timings.coldProofMs },
      "click to 202 (proofs prepared)": { ms: timings.clickTo202Ms },
    });
    expect(browserErrors).to.deep.equal([]);
  });

  it("proposes a multiple-choice decision from the browser (two payments or nothing) with named options, recorded in order, offered and counted by the option the citizen reads", async function () {
    // The citizen used both proposals of this period above: the next period gives them two more.
    await ethers.provider.send("evm_increaseTime", [TEST_RULES.proposalEpoch]);
    await ethers.provider.send("evm_mine", []);
    const payee = await world.deployer.getAddress();
    const options = [[payEther(payee, 10n ** 18n)], [payEther(payee, 2n * 10n ** 18n)], []];
    const title = "Who pays the clinic's nurse";
    const names = ["The zone, 1 ETH", "The zone, 2 ETH", "No one"];
    const description = encodeProposalText({ title, optionNames: names });
    // The sdk counts options from 1 and names them, as the app's lists, buttons and results do.
    const shown = describeProposal(options, {
      zone: world.zoneAddress,
      ...served.config!.contracts,
      multipleChoice: true,
      description,
    });
    expect(shown).to.deep.equal([
      `Option 1: The zone, 1 ETH — pay 1 ETH to ${payee}`,
      `Option 2: The zone, 2 ETH — pay 2 ETH to ${payee}`,
      "Option 3: No one — nothing happens",
    ]);
    const preview = page.getByTestId("proposal-preview");
    const option = (n: number) => page.getByRole("group", { name: `Option ${n}`, exact: true });

    await page.goto(`${app.url}#/zone/${world.zoneAddress}/propose`);
    await page.getByLabel("Several options").check();
    await page.getByLabel("Title").fill(title);
    await option(1).getByLabel("Option 1: name").fill(names[0]!);
    await option(1).getByLabel("Pay to (address)").fill(payee);
    await option(1).getByLabel("Amount").fill("1");
    await preview.getByText("Option 2: Pay to: an address, 0x followed by 40 hex digits.").waitFor();
    await option(2).getByLabel("Pay to (address)").fill(payee);
    await option(2).getByLabel("Amount").fill("2");
    // Every option needs a name before the proposal can be sent.
    await preview.getByText("Not ready yet: Option 2: Name: must not be empty.").waitFor();
    await option(2).getByLabel("Option 2: name").fill(names[1]!);
    // A third option that changes nothing; a fourth, added by mistake, removed again.
    await page.getByRole("button", { name: "Add an option" }).click();
    await option(3)
      .getByLabel(/if it wins/)
      .selectOption({ label: "Nothing happens" });
    await option(3).getByLabel("Option 3: name").fill(names[2]!);
    await page.getByRole("button", { name: "Add an option" }).click();
    await preview.getByText("Option 4: Pay to: an address").waitFor();
    await page.getByRole("button", { name: "Remove option 4" }).click();
    await preview.getByText(shown[2]!).waitFor();
    expect(await preview.getByTestId("preview-title").textContent()).to.equal(title);
    expect(await preview.getByRole("listitem").allTextContents()).to.deep.equal(shown);
    await screenshot("16-multiple-choice-form");

    const before = await world.zone.proposalCount();
    await page.getByRole("button", { name: "Propose" }).click();
    await page.getByText(`Your proposal is #${before + 1n}.`).waitFor({ timeout: 60_000 });
    const proposalId = before + 1n;
    const created = (await world.zone.queryFilter(world.zone.filters.ProposalCreated(proposalId)))[0]!;
    const recorded = created.args.options.map((actions) =>
      actions.map(({ target, value, data }) => ({ target, value, data })),
    );
    expect(recorded).to.deep.equal(options);
    // The names are in the description the proof bound, so no relayer can change them.
    expect(created.args.description).to.equal(description);
    const { multipleChoice, optionCount } = await world.zone.getProposal(proposalId);
    expect([multipleChoice, optionCount]).to.deep.equal([true, 3n]);

    // The proposal page reads the chain's three options and offers one vote button per option.
    await page.getByRole("link", { name: "Open it" }).click();
    await page.getByText("Checked against the proposal as recorded on chain.").waitFor({ timeout: 20_000 });
    await page.getByRole("heading", { name: `Proposal #${proposalId}: ${title}` }).waitFor();
    expect(await page.getByTestId("option-lines").getByRole("listitem").allTextContents()).to.deep.equal(
      shown,
    );
    const buttons = page.getByRole("group", { name: "Your choice" }).getByRole("button");
    expect(await buttons.allTextContents()).to.deep.equal(
      shown.map((line) => `Vote ${line.replace(" — ", "")}`),
    );
    expect(await page.getByTestId("decision-rule").textContent()).to.match(
      /^The option with the most votes wins if .*\(a tie for the most votes passes nothing\)\.$/,
    );
    expect(await page.getByRole("table").getByRole("rowheader").allTextContents()).to.deep.equal(
      names.map((name, i) => `Option ${i + 1}: ${name}`),
    );
    await screenshot("17-multiple-choice-proposal");

    // The citizen votes for "Option 2: The zone, 2 ETH": the chain counts it for option index 1.
    await page.getByText("Your vote is ready").waitFor({ timeout: 90_000 });
    await page.getByRole("button", { name: /^Vote Option 2: The zone, 2 ETH/ }).click();
    await page
      .getByRole("dialog", { name: "Send your vote for Option 2: The zone, 2 ETH?" })
      .getByRole("button", { name: "Send" })
      .click();
    await page.getByText("Your vote for Option 2: The zone, 2 ETH is counted").waitFor({ timeout: 60_000 });
    const { tally } = await world.zone.getProposal(proposalId);
    expect(tally).to.deep.equal([0n, 1n, 0n]);
    await expectTally(page, 1, "1");
    await screenshot("18-multiple-choice-voted");
    expect(browserErrors).to.deep.equal([]);
  });

  it("reads each option itself, shows the chain's version of a proposal a lying relayer rewrites, and offers no vote on it", async function () {
    const honest = served.config!;
    const payee = await world.deployer.getAddress();
    const options = [[payEther(payee, 1_500_000_000_000_000_000n)]];
    const proposalId = (await proposeAs(world, carol, options, "Pay the school")).toString();
    const truth = describeProposal(options, {
      zone: world.zoneAddress,
      ...honest.contracts,
      multipleChoice: false,
    });
    expect(truth[0]).to.equal(`For: pay 1.5 ETH to ${payee}`);
    const shownLines = () => page.getByTestId("option-lines").getByRole("listitem").allTextContents();
    const proposalPage = `${app.url}#/zone/${world.zoneAddress}/proposal/${proposalId}`;
    // A new hash alone does not reload the app: reload so it reads the config served now.
    const open = async (url: string) => {
      await page.goto(url);
      await page.reload();
    };

    // Another payee, another amount, another text, and a created block where nothing is found.
    const liar = await lyingRelayer(relayerUrl, (proposal) => {
      if (proposal.id !== proposalId) return;
      const [[action]] = proposal.options as [[{ target: string; value: string }]];
      action.target = "0x000000000000000000000000000000000000dEaD";
      action.value = "10000000000000000000";
      proposal.description = "Fix the school roof";
      proposal.createdBlock = Number(proposal.createdBlock) + 1_000_000;
    });
    // Without an RPC nothing checks a relayer: this one turns malformed when told to.
    let malformed = false;
    const unchecked = await lyingRelayer(relayerUrl, (proposal) => {
      if (malformed && proposal.id === proposalId) {
        (proposal.options as [[{ value: string }]])[0][0].value = "ten";
      }
    });
    try {
      served.config = { ...honest, relayers: [liar.url] };
      await open(proposalPage);
      await page.getByRole("heading", { name: `Proposal #${proposalId}: Pay the school` }).waitFor();
      expect(await page.getByTestId("provenance").textContent()).to.match(
        new RegExp(
          `^Relayer ${liar.url}/? described proposal #${proposalId} differently from the chain \\(what the choices do, the description\\); not voting through it\\.`,
        ),
      );
      expect(await shownLines()).to.deep.equal(truth);
      expect(await page.getByRole("heading", { name: "Vote" }).count()).to.equal(0);
      const text = await page.locator("main").textContent();
      for (const told of ["Fix the school roof", "dEaD", "10 ETH"]) expect(text).not.to.include(told);
      await screenshot("14-lying-relayer");

      // The zone's list shows the chain's description, flagged.
      await page.goto(`${app.url}#/zone/${world.zoneAddress}`);
      await page.getByRole("link", { name: `#${proposalId} Pay the school` }).waitFor();
      await page.getByText(/described this proposal differently from the chain/).waitFor();

      // Without an RPC, the relayer's options are all there is: read here, and said to be unverified.
      served.config = { ...honest, rpcUrl: null, relayers: [unchecked.url] };
      await open(proposalPage);
      await page.getByRole("heading", { name: `Proposal #${proposalId}: Pay the school` }).waitFor();
      expect(await page.getByTestId("provenance").textContent()).to.match(
        new RegExp(`^From relayer ${unchecked.url}/?, unverified`),
      );
      expect(await shownLines()).to.deep.equal(truth);
      await page.getByRole("heading", { name: "Vote" }).waitFor();
      await screenshot("15-no-rpc-unverified");

      // Actions the app cannot read are shown raw.
      malformed = true;
      await page.reload();
      await page.getByText("The app cannot put these actions in words").waitFor();
      expect(await shownLines()).to.deep.equal([
        `For: 1 action(s)target ${payee}, value ten wei, data 0x`,
        `target ${payee}, value ten wei, data 0x`,
      ]);
    } finally {
      served.config = honest;
      await liar.close();
      await unchecked.close();
    }
    expect(browserErrors).to.deep.equal([]);
  });
});

async function expectValue(input: Locator, value: string) {
  for (let tries = 0; tries < 100 && (await input.inputValue()) !== value; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(await input.inputValue()).to.equal(value);
}

async function expectTally(page: Page, option: number, votes: string) {
  const cell = page.getByTestId(`tally-${option}`);
  for (let tries = 0; tries < 100; tries++) {
    if ((await cell.textContent())?.trim() === votes) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect((await cell.textContent())?.trim()).to.equal(votes);
}
