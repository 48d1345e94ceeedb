/**
 * A citizen of the million-member zone votes from headless Chromium (Debian's, as the browser tests
 * launch it), through the web app and the relayer. Two visits in one browser profile:
 * - the first visit on this device (the app finds the citizen's leaf index once and keeps it);
 * - the measured visit: reload, unlock, open the proposal, time to "Your vote is ready", then vote
 *   and time from the confirmation's Send to the relayer's 202.
 * Bytes are what came over the wire (Chromium's Network events, through Playwright), by kind, with
 * what the browser served from its HTTP cache counted apart.
 */
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import { VIEWPORTS, collectBrowserErrors, launchChromium, screenshot } from "../../test/browser.js";
import { WALLET_KEY, restoreBackup, type WalletStorage } from "../../web/src/wallet.js";

const PASSPHRASE = "million citizens, one vote each";

export type ByteKind = "appBundle" | "artifacts" | "relayer" | "rpc" | "other";

export interface VisitBytes {
  /** Bytes over the wire, all kinds. */
  total: number;
  byKind: Record<ByteKind, number>;
  requests: number;
  /** Responses the browser served from its HTTP cache (no bytes over the wire), by kind. */
  fromCache: Record<ByteKind, number>;
}

export interface VisitFigures {
  readyMs: number | null;
  bytes: VisitBytes;
  /** The app's own measures of each option's proof, made ahead while "preparing" (ms). */
  proofMs: number[];
}

export interface BrowserFigures {
  firstVisit: VisitFigures;
  visit: VisitFigures;
  clickTo202Ms: number | null;
  voteBytes: VisitBytes | null;
  errors: string[];
}

/**
 * Counts what Chromium downloads, by kind. Bytes come from Playwright's context-wide request events
 * (`request.sizes()`: Chromium's CDP `Network.loadingFinished` encodedDataLength and the response
 * headers), which include the prover worker's requests (the path's downloads): a CDP session on
 * the page alone does not see a dedicated worker's network. That page session is still used for
 * what only CDP says: which responses came from the browser's HTTP cache.
 */
class ByteCounter {
  #bytes!: VisitBytes;
  #pending: Promise<void>[] = [];
  votes202: number[] = [];

  constructor(
    context: BrowserContext,
    cdp: CDPSession,
    private readonly appOrigin: string,
    private readonly relayerOrigin: string,
  ) {
    this.reset();
    context.on("response", (response) => {
      if (response.url().endsWith("/v1/votes") && response.status() === 202)
        this.votes202.push(performance.now());
    });
    context.on("requestfinished", (request) => {
      const bytes = this.#bytes;
      this.#pending.push(
        request.sizes().then(
          (sizes) => {
            const size = sizes.responseBodySize + sizes.responseHeadersSize;
            const kind = this.#kind(request.url());
            bytes.total += size;
            bytes.byKind[kind] += size;
            bytes.requests++;
          },
          () => undefined,
        ),
      );
    });
    cdp.on("Network.requestServedFromCache", () => this.#bytes.fromCache.appBundle++);
    cdp.on("Network.responseReceived", (event) => {
      if (event.response.fromDiskCache || event.response.fromServiceWorker) {
        this.#bytes.fromCache[this.#kind(event.response.url)]++;
      }
    });
  }

  #kind(url: string): ByteKind {
    const { origin, pathname } = new URL(url);
    if (origin === this.relayerOrigin) return "relayer";
    if (origin !== this.appOrigin) return "other";
    if (pathname === "/rpc") return "rpc";
    if (pathname.startsWith("/artifacts/")) return "artifacts";
    return "appBundle";
  }

  reset(): void {
    const zero = () => ({ appBundle: 0, artifacts: 0, relayer: 0, rpc: 0, other: 0 });
    this.#bytes = { total: 0, byKind: zero(), requests: 0, fromCache: zero() };
  }

  async take(): Promise<VisitBytes> {
    const bytes = this.#bytes;
    this.reset();
    const pending = this.#pending;
    this.#pending = [];
    await Promise.all(pending);
    return bytes;
  }
}

/** The wallet this browser holds for the citizen: the app's own format, made by the app's code. */
async function walletFor(exported: string, zone: string): Promise<string> {
  const items = new Map<string, string>();
  const storage: WalletStorage = {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
    key: (index) => [...items.keys()][index] ?? null,
    get length() {
      return items.size;
    },
  };
  await restoreBackup(exported, PASSPHRASE, undefined, storage, zone);
  return items.get(WALLET_KEY)!;
}

export async function voteFromChromium(options: {
  appUrl: string;
  relayerUrl: string;
  zone: string;
  proposalId: bigint;
  exportedIdentity: string;
  /** How long the first visit may take to get ready (the app before private paths cannot at 1M). */
  firstVisitTimeoutMs: number;
  readyTimeoutMs: number;
  log: (line: string) => void;
}): Promise<BrowserFigures> {
  const { appUrl, zone, log } = options;
  const browser = await launchChromium();
  let context: BrowserContext | undefined;
  try {
    context = await browser.newContext({ viewport: VIEWPORTS.desktop });
    const wallet = await walletFor(options.exportedIdentity, zone);
    // Only when absent: the app rewrites it when it learns something (e.g. the leaf index).
    await context.addInitScript(
      ({ key, value }) => {
        if (localStorage.getItem(key) === null) localStorage.setItem(key, value);
      },
      { key: WALLET_KEY, value: wallet },
    );
    const page = await context.newPage();
    const errors = collectBrowserErrors(page);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    const bytes = new ByteCounter(context, cdp, new URL(appUrl).origin, new URL(options.relayerUrl).origin);
    const zonePage = `${appUrl}#/zone/${zone}`;
    const proposalPage = `${zonePage}/proposal/${options.proposalId}`;

    const proofMs = () =>
      page.evaluate(() =>
        performance.getEntriesByName("zonedao:proof").map((entry) => Math.round(entry.duration)),
      );
    const openAndWait = async (page: Page, timeoutMs: number): Promise<number | null> => {
      const badge = page.getByTestId("identity-badge");
      await badge.getByLabel("Passphrase").fill(PASSPHRASE);
      await badge.getByRole("button", { name: "Unlock" }).click();
      await badge.getByText("Unlocked").waitFor({ timeout: 60_000 });
      const start = performance.now();
      await page.goto(proposalPage);
      try {
        await page.getByText(/Your vote is ready/).waitFor({ timeout: timeoutMs });
        return Math.round(performance.now() - start);
      } catch {
        return null;
      }
    };

    log("first visit on this device: open the zone, unlock, open the proposal");
    await page.goto(zonePage);
    const firstReadyMs = await openAndWait(page, options.firstVisitTimeoutMs);
    const firstVisit = { readyMs: firstReadyMs, bytes: await bytes.take(), proofMs: await proofMs() };
    await screenshot(page, "million-1-first-visit");
    log(
      firstReadyMs === null
        ? `first visit: not ready within ${options.firstVisitTimeoutMs / 1000} s (${firstVisit.bytes.total.toLocaleString("en")} bytes so far)`
        : `first visit: ready in ${firstReadyMs} ms, ${firstVisit.bytes.total.toLocaleString("en")} bytes`,
    );

    if (firstReadyMs === null) {
      // The measured visit would do the same work again: nothing more to learn.
      return {
        firstVisit,
        visit: { readyMs: null, bytes: await bytes.take(), proofMs: [] },
        clickTo202Ms: null,
        voteBytes: null,
        errors,
      };
    }
    log("measured visit: reload, unlock, open the proposal");
    await page.goto(zonePage);
    await page.reload();
    const readyMs = await openAndWait(page, options.readyTimeoutMs);
    const visit = { readyMs, bytes: await bytes.take(), proofMs: await proofMs() };
    await screenshot(page, "million-2-vote-ready");
    if (readyMs === null) {
      return { firstVisit, visit, clickTo202Ms: null, voteBytes: null, errors };
    }
    log(`measured visit: ready in ${readyMs} ms, ${visit.bytes.total.toLocaleString("en")} bytes`);

    await page.getByRole("button", { name: /^Vote For/ }).click();
    const dialog = page.getByRole("dialog", { name: /Send your vote for/ });
    await dialog.waitFor();
    bytes.votes202.length = 0;
    const sent = performance.now();
    await dialog.getByRole("button", { name: "Send" }).click();
    while (bytes.votes202.length === 0 && performance.now() - sent < 120_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const clickTo202Ms = bytes.votes202.length === 0 ? null : Math.round(bytes.votes202[0]! - sent);
    await page
      .getByText(/is counted/)
      .waitFor({ timeout: 120_000 })
      .catch(() => undefined);
    await screenshot(page, "million-3-voted");
    return { firstVisit, visit, clickTo202Ms, voteBytes: await bytes.take(), errors };
  } finally {
    await context?.close();
    await browser.close();
  }
}
