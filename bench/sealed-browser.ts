/**
 * A sealed vote's proving time in headless Chromium (Debian's), at depth 20: the sdk's prover
 * bundled for the browser (bench/sealed-page.ts), the ballot circuit's wasm and development key
 * served from the same local origin, a few proofs after a first that warms up.
 */
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { DevelopmentKey } from "../circuits/ceremony.js";
import type { Point } from "../sdk/sealed.js";
import { launchChromium } from "../test/browser.js";
import type { PageInput } from "./sealed-page.js";
import type { ProvingGroup } from "./prove.js";
import { median } from "./report.js";

export interface BrowserProving {
  /** Fetching the files and readying the circuit, ms. */
  loadMs: number;
  /** The first proof (circuit and curve cold), ms. */
  firstProofMs: number;
  /** Median of the proofs after it, ms. */
  proveMs: number;
  /** Median from a choice to its proof, the vote readied before (prepareSealedVote), ms. */
  preparedProveMs: number;
  runs: number;
}

const PAGE = fileURLToPath(new URL("sealed-page.ts", import.meta.url));

export async function proveSealedInChromium(
  key: DevelopmentKey,
  million: ProvingGroup,
  publicKey: Point,
  runs: number,
): Promise<BrowserProving> {
  const bundle = await build({
    entryPoints: [PAGE],
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["browser"],
    write: false,
    logLevel: "error",
  });
  const files = new Map<string, { type: string; body: Uint8Array | string }>([
    [
      "/",
      {
        type: "text/html",
        body: '<!doctype html><meta charset="utf-8"><script type="module" src="page.js"></script>',
      },
    ],
    ["/page.js", { type: "text/javascript", body: bundle.outputFiles[0]!.contents }],
    ["/ballot.wasm", { type: "application/wasm", body: await readFile(key.circuit.wasmPath) }],
    ["/ballot.zkey", { type: "application/octet-stream", body: await readFile(key.zkeyPath) }],
  ]);
  const server: Server = createServer((request, response) => {
    const file = files.get(request.url ?? "");
    if (file === undefined) return void response.writeHead(404).end();
    response.writeHead(200, { "content-type": file.type }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => "benchSealedProof" in window);
    const proof = million.group.generateMerkleProof(million.proverIndex);
    const input: PageInput = {
      identity: million.prover.export(),
      merkleProof: {
        root: String(proof.root),
        leaf: String(proof.leaf),
        index: proof.index,
        siblings: proof.siblings.map(String),
      },
      publicKey: [String(publicKey[0]), String(publicKey[1])],
      runs,
    };
    const { loadMs, proveMs, preparedProveMs } = await page.evaluate(
      (pageInput) =>
        (
          window as unknown as {
            benchSealedProof(
              input: PageInput,
            ): Promise<{ loadMs: number; proveMs: number[]; preparedProveMs: number[] }>;
          }
        ).benchSealedProof(pageInput),
      input,
    );
    const [first, ...rest] = proveMs;
    return {
      loadMs: Math.round(loadMs),
      firstProofMs: Math.round(first!),
      proveMs: Math.round(median(rest)),
      preparedProveMs: Math.round(median(preparedProveMs)),
      runs,
    };
  } finally {
    await browser.close();
    server.close();
  }
}
