/**
 * What every browser test needs: Debian's Chromium driven by playwright-core, the two widths a
 * citizen uses (a phone and a desktop), screenshots into test-results/web/, an axe-core scan of a
 * page, and a record of the requests a page makes (a page that gave up must stop asking).
 */
import type { AxeResults } from "axe-core";
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const SCREENSHOTS = join(import.meta.dirname, "..", "test-results", "web");

export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
} as const;
export type Width = keyof typeof VIEWPORTS;

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's Chromium (apt-get update && apt-get install -y chromium)`,
    );
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

/** Console errors and uncaught exceptions of `page`, except failed loads (dead relayers, 404s). */
export function collectBrowserErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      errors.push(message.text());
    }
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

export function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/**
 * axe-core's serious and critical findings on the page as it is now, every rule it has (WCAG 2 A and
 * AA, best practices), each as "rule: the elements it found".
 */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const { axe } = window as unknown as { axe: { run(): Promise<AxeResults> } };
    return (await axe.run()).violations.map(({ id, impact, nodes }) => ({
      id,
      impact,
      targets: nodes.map((node) => JSON.stringify(node.target)),
    }));
  });
  return violations
    .filter(({ impact }) => impact === "serious" || impact === "critical")
    .map(({ id, targets }) => `${id}: ${targets.join(", ")}`);
}

/** Every request `page` makes from now on (method and URL), until `stop()`. */
export function recordRequests(page: Page): { requests: string[]; stop: () => void } {
  const requests: string[] = [];
  const listener = (request: { method(): string; url(): string }) =>
    requests.push(`${request.method()} ${request.url()}`);
  page.on("request", listener);
  return { requests, stop: () => page.off("request", listener) };
}
