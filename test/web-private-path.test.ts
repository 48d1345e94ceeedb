/**
 * A citizen of a zone of 4,196 members (five buckets of 1,024) votes from Chromium with a private
 * Merkle path (real proofs, relayer and chain): the browser's network log (every request of the
 * page and its prover worker) shows that no request read the member list but the one paginated
 * search of the citizen's place, that the path's downloads were the tree top and exactly the own
 * bucket and its three decoys (sdk decoyBuckets), and that a second visit reuses the stored leaf
 * index (no member-list page at all). The progress state ("fetching your Merkle path: 1 of 5
 * downloads", the buckets held back by request interception) is screenshotted at 390 px and 1280 px
 * (test-results/web/private-path-*.png) and scanned with axe-core. A relayer that serves a bucket
 * not hashing to the chain's root is caught: the worker rebuilds the group from the chain, says so,
 * and the vote counts.
 */
import { expect } from "chai";
import { getBytes, id } from "ethers";
import type { Browser, BrowserContext, Page, Route } from "playwright-core";
import { BUCKET_BITS, DECOY_BUCKETS, bucketCount, decoyBuckets } from "../sdk/private-path.js";
import type { Relayer } from "../relayer/relayer.js";
import { payFromZone, startTestRelayer, type RelayerWorld } from "../relayer/test/relayer-fixture.js";
import type { WebConfig } from "../web/config.js";
import { PLACE_STORAGE_PREFIX } from "../web/src/citizen-place.js";
import { buildWebApp, serveWebApp, type WebServer } from "../web/serve.js";
import {
  VIEWPORTS,
  collectBrowserErrors,
  launchChromium,
  screenshot,
  seriousAccessibilityViolations,
} from "./browser.js";
import { startRpcBridge } from "./rpc-bridge.js";
import { Identity, alice, bob, carol, dave, deployEmptyZone, proposeAs } from "./zone-fixture.js";

const PASSPHRASE = "correct horse battery staple";
/** Five buckets: the own one, three decoys, and one the relayer is never asked for. */
const MEMBERS = 4 * 2 ** BUCKET_BITS + 100;
/** The citizen's leaf: in the third bucket. */
const CITIZEN_INDEX = 2 * 2 ** BUCKET_BITS + 7;
/** Members per registrar transaction while the zone is founding. */
const CHUNK = 250;

/** A fixed 32-byte key, as the app exports and imports one. */
const citizen = new Identity(getBytes(id("zonedao-test-private-path-citizen")));

/** What a request asked of the relayer, from its URL. */
function relayerRead(url: string) {
  const { pathname, searchParams } = new URL(url);
  const bucket = /\/tree\/buckets\/(\d+)$/.exec(pathname);
  return {
    members: pathname.endsWith("/members"),
    memberPage: { offset: searchParams.get("offset"), limit: searchParams.get("limit") },
    top: pathname.endsWith("/tree"),
    bucket: bucket ? Number(bucket[1]) : undefined,
    size: searchParams.get("size"),
  };
}

describe("private Merkle paths in the citizen app (Chromium)", function () {
  this.timeout(600_000);
  let world: RelayerWorld;
  let relayer: Relayer;
  let relayerUrl: string;
  let app: WebServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let config: WebConfig;
  /** Every request the browser made for the page and its worker, in order. */
  const requests: string[] = [];
  const relayerRequests = () => requests.filter((url) => url.startsWith(relayerUrl));
  /** Body bytes of each relayer answer the browser received (0 for a cache hit or a 304). */
  const bodyBytes: { url: string; bytes: number }[] = [];
  /** The bytes of the relayer's answers of one kind since the log was cleared. */
  const bytesOf = (kind: (read: ReturnType<typeof relayerRead>) => boolean) =>
    bodyBytes.filter(({ url }) => kind(relayerRead(url))).reduce((sum, { bytes }) => sum + bytes, 0);

  before(async function () {
    await buildWebApp();
    const zoneWorld = await deployEmptyZone();
    // While founding, the registrar adds members directly: four test citizens, fillers, and the
    // browser's citizen at CITIZEN_INDEX.
    const commitments = Array.from({ length: MEMBERS }, (_, index) => 10n ** 30n + BigInt(index));
    [alice, bob, carol, dave].forEach((member, index) => (commitments[index] = member.commitment));
    commitments[CITIZEN_INDEX] = citizen.commitment;
    for (let start = 0; start < MEMBERS; start += CHUNK) {
      const chunk = commitments.slice(start, start + CHUNK);
      await (await zoneWorld.zone.connect(zoneWorld.registrar).addMembers(chunk)).wait();
    }
    const proposalId = await proposeAs(zoneWorld, alice, [[payFromZone(zoneWorld)]], "Plant 100 trees");
    world = { ...zoneWorld, bridge: await startRpcBridge(), proposalId };
    app = await serveWebApp({ config: () => config, rpcUrl: world.bridge.url });
    ({ relayer } = await startTestRelayer(world, {
      ZONEDAO_CORS_ORIGINS: new URL(app.url).origin,
      ZONEDAO_BATCH_MAX_AGE_MS: "200",
      ZONEDAO_POLL_INTERVAL_MS: "250",
    }));
    relayerUrl = await relayer.listen();
    config = {
      format: "zonedao-web/1",
      chainId: world.chainId.toString(),
      rpcUrl: "/rpc",
      relayers: [relayerUrl],
      zones: [{ address: world.zoneAddress, name: "Riverside", createdBlock: 0 }],
      contracts: {},
    };
    browser = await launchChromium();
    context = await browser.newContext({ viewport: VIEWPORTS.desktop });
    // The context's log holds the dedicated worker's requests too (its path downloads).
    context.on("request", (request) => requests.push(request.url()));
    context.on("requestfinished", (request) => {
      if (!request.url().startsWith(relayerUrl)) return;
      void request.sizes().then(
        ({ responseBodySize }) => bodyBytes.push({ url: request.url(), bytes: responseBodySize }),
        () => undefined,
      );
    });
    page = await context.newPage();
    errors = collectBrowserErrors(page);
  });

  after(async function () {
    await context?.close();
    await browser?.close();
    await relayer?.close();
    await app?.close();
    await world?.bridge.close();
  });

  /** The citizen's identity in the browser's wallet: pasted on Your identity, then unlocked. */
  async function restoreCitizen() {
    await page.goto(`${app.url}#/identity`);
    await page.getByLabel("…or paste the backup (or an exported Semaphore key)").fill(citizen.export());
    await page.getByLabel("Zone of this key (address)").fill(world.zoneAddress);
    await page.getByLabel(/Passphrase \(the backup's/).fill(PASSPHRASE);
    await page.getByRole("button", { name: "Restore" }).click();
    await page.getByRole("button", { name: "Lock" }).first().waitFor(); // restored, unlocked
  }

  /** Opens proposal `id`, unlocking the wallet first when it is locked (after a reload). */
  async function openProposal(id: bigint, locked: boolean) {
    await page.goto(`${app.url}#/zone/${world.zoneAddress}/proposal/${id}`);
    if (!locked) return;
    const unlock = page.getByRole("button", { name: "Unlock" });
    await page.getByLabel("Passphrase", { exact: true }).fill(PASSPHRASE);
    await unlock.click();
  }

  /** The buckets a vote on a snapshot of `size` leaves may fetch: the citizen's own and its decoys. */
  function expectedBuckets(size: number): number[] {
    const own = CITIZEN_INDEX >> BUCKET_BITS;
    const decoys = decoyBuckets(
      citizen.secretScalar,
      world.zoneAddress,
      bucketCount(size),
      DECOY_BUCKETS,
      own,
    );
    return [own, ...decoys].sort((a, b) => a - b);
  }

  it("votes with the path: one search of its place, then the tree top and its own bucket among three decoys", async function () {
    await restoreCitizen();
    // The search of the citizen's place reads every bucket once (let through); the path's buckets
    // after it are held, to see the progress. (Routing turns the browser's HTTP cache off.)
    const held: Route[] = [];
    let searched = 0;
    await context.route(/\/tree\/buckets\/\d+/, (route) => {
      if (searched++ < bucketCount(MEMBERS)) void route.continue();
      else held.push(route);
    });
    requests.length = 0;
    bodyBytes.length = 0;
    await openProposal(world.proposalId, false);

    // The worker has the tree top and waits for the buckets: the progress the citizen reads.
    const progress = page.getByText(/fetching your Merkle path: 1 of 5 downloads/);
    await progress.waitFor({ timeout: 60_000 });
    for (const width of ["desktop", "phone"] as const) {
      await page.setViewportSize(VIEWPORTS[width]);
      await screenshot(page, `private-path-${VIEWPORTS[width].width}-progress`);
      expect(await seriousAccessibilityViolations(page)).to.deep.equal([]);
    }
    await page.setViewportSize(VIEWPORTS.desktop);
    for (const route of held) await route.continue();
    await context.unroute(/\/tree\/buckets\/\d+/);

    await page
      .getByText("Your vote is ready: choose, then confirm to send it.")
      .waitFor({ timeout: 120_000 });
    await page.getByRole("button", { name: /^Vote For/ }).click();
    const dialog = page.getByRole("dialog", { name: "Send your vote for For?" });
    await dialog.getByRole("button", { name: "Send" }).click();
    await page.getByText(/Your vote for For is counted/).waitFor({ timeout: 120_000 });
    expect((await world.zone.getProposal(world.proposalId)).tally[1]).to.equal(1n);

    const reads = relayerRequests().map(relayerRead);
    // The member list: only its count (a page of one), never the list itself.
    const pages = reads.filter((read) => read.members).map((read) => read.memberPage);
    expect(pages.length).to.be.greaterThan(0);
    for (const memberPage of pages) expect(memberPage.limit).to.equal("1");
    // The search: every bucket of the tree, each once; then the path: the top of the snapshot's
    // tree and exactly the own bucket and its decoys.
    const size = String(MEMBERS);
    const buckets = reads.filter((read) => read.bucket !== undefined);
    expect(buckets.map((read) => read.size)).to.satisfy((sizes: string[]) => sizes.every((s) => s === size));
    const search = buckets.slice(0, bucketCount(MEMBERS)).map((read) => read.bucket);
    expect(search.sort((a, b) => a! - b!)).to.deep.equal([0, 1, 2, 3, 4]);
    expect(reads.filter((read) => read.top).map((read) => read.size)).to.deep.equal([size]);
    const path = buckets.slice(bucketCount(MEMBERS)).map((read) => read.bucket);
    expect([...new Set(path)].sort((a, b) => a! - b!)).to.deep.equal(expectedBuckets(MEMBERS));
    // The place is kept on this device, with the identity's commitment.
    const stored = await page.evaluate(
      (key) => localStorage.getItem(key),
      `${PLACE_STORAGE_PREFIX}${world.zoneAddress.toLowerCase()}.${citizen.commitment}`,
    );
    expect(JSON.parse(stored!)).to.deep.equal({ leafIndex: CITIZEN_INDEX });

    console.log(`\n      first visit's downloads from the relayer (${MEMBERS} members, 5 buckets)`);
    console.table({
      "tree top": { bytes: bytesOf((read) => read.top) },
      "buckets: all 5 for the search of the place (once per device), then own and 3 decoys": {
        bytes: bytesOf((read) => read.bucket !== undefined),
      },
    });
  });

  it("on a second visit reuses the stored place: no member-list page, the same buckets", async function () {
    const proposalId = await proposeAs(world, bob, [[payFromZone(world)]], "Plant 200 trees");
    await page.reload(); // a new visit: the wallet locks, the place stays
    requests.length = 0;
    bodyBytes.length = 0;
    const opened = performance.now();
    await openProposal(proposalId, true);
    await page
      .getByText("Your vote is ready: choose, then confirm to send it.")
      .waitFor({ timeout: 120_000 });
    // A figure to read, not to assert: opening (and unlocking) to every option proved, with a new
    // worker (cold prover) and the proving files in the Cache API.
    console.log(`      second visit, open to vote ready: ${Math.round(performance.now() - opened)} ms`);
    await screenshot(page, "private-path-1280-second-visit-ready");

    const reads = relayerRequests().map(relayerRead);
    expect(reads.filter((read) => read.members)).to.deep.equal([]);
    const buckets = new Set(reads.filter((read) => read.bucket !== undefined).map((read) => read.bucket));
    expect([...buckets].sort((a, b) => a! - b!)).to.deep.equal(expectedBuckets(MEMBERS));
    expect(errors).to.deep.equal([]);
  });

  it("a relayer whose bucket does not hash to the chain's root is caught: the group is rebuilt from the chain, and the vote counts", async function () {
    const proposalId = await proposeAs(world, carol, [[payFromZone(world)]], "Plant 300 trees");
    // The relayer rewrites a neighbour's leaf in the citizen's own bucket: the citizen's leaf is
    // there, but the bucket no longer hashes to the root the top and the chain agree on.
    const own = CITIZEN_INDEX >> BUCKET_BITS;
    await context.route(/\/tree\/buckets\/\d+/, async (route) => {
      const response = await route.fetch();
      const body = Buffer.from(await response.body());
      const index = Number(/buckets\/(\d+)/.exec(route.request().url())![1]);
      if (index === own) body[(CITIZEN_INDEX % 2 ** BUCKET_BITS) * 32 + 32 * 2 + 31]! ^= 1;
      await route.fulfill({ response, body });
    });
    try {
      await openProposal(proposalId, false);
      await page.getByText(/rebuilding the list of citizens from the chain/).waitFor({ timeout: 60_000 });
      await page
        .getByText("Your vote is ready: choose, then confirm to send it.")
        .waitFor({ timeout: 180_000 });
    } finally {
      await context.unroute(/\/tree\/buckets\/\d+/);
    }
    await page.getByRole("button", { name: /^Vote Against/ }).click();
    await page
      .getByRole("dialog", { name: "Send your vote for Against?" })
      .getByRole("button", { name: "Send" })
      .click();
    await page.getByText(/Your vote for Against is counted/).waitFor({ timeout: 120_000 });
    expect((await world.zone.getProposal(proposalId)).tally[0]).to.equal(1n);
  });
});
