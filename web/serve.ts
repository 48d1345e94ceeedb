/**
 * Serves the built web app (web/dist) as a static site with its /config.json and /rpc, a
 * same-origin path to the chain's JSON-RPC (as a reverse proxy gives it in production, so the
 * chain's node needs no CORS). `npm start` and the browser test use it. Node only.
 */
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { build } from "vite";
import { SEALED_BALLOT_URLS, type WebConfig } from "./config.js";

export const WEB_ROOT = import.meta.dirname;
export const WEB_DIST = join(WEB_ROOT, "dist");

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** Builds the app into web/dist (Vite; copies the official proving artifacts with their hashes). */
let building: Promise<unknown> | undefined;

/** Builds web/dist once per process: every browser test file asks, the first one builds. */
export async function buildWebApp(): Promise<void> {
  building ??= build({ configFile: join(WEB_ROOT, "vite.config.ts"), logLevel: "warn" });
  await building;
}

export interface WebServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Vite's content-hashed files and the proving artifacts (checked against hashes built into the app). */
const IMMUTABLE = "public, max-age=31536000, immutable";

/**
 * Serves web/dist on `host`:`port` (0: any free port). `config` is read on every request, so a test
 * may fill it in after the server is up. With `productionCaching`, as a production host would:
 * assets/ and artifacts/ cacheable for a year, index.html never (bench:million measures a returning
 * citizen's visit with it); without, no cache headers (tests and `npm start` reload everything).
 */
export async function serveWebApp(options: {
  config: () => WebConfig;
  rpcUrl: string;
  host?: string;
  port?: number;
  productionCaching?: boolean;
  /**
   * The deployment's sealed ballot files (DeploymentFile.sealedBallot), served at SEALED_BALLOT_URLS.
   * Never cached as immutable: another deployment's key comes at the same URL.
   */
  sealedBallot?: { wasm: string; zkey: string };
}): Promise<WebServer> {
  const sealedFiles = new Map(
    options.sealedBallot
      ? [
          [`/${SEALED_BALLOT_URLS.wasm}`, options.sealedBallot.wasm],
          [`/${SEALED_BALLOT_URLS.zkey}`, options.sealedBallot.zkey],
        ]
      : [],
  );
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const sealedFile = sealedFiles.get(path);
    if (sealedFile !== undefined) {
      response.writeHead(200, { "content-type": "application/octet-stream", "cache-control": "no-cache" });
      createReadStream(sealedFile).pipe(response);
      return;
    }
    if (path === "/config.json") {
      response.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      response.end(JSON.stringify(options.config()));
      return;
    }
    if (path === "/rpc" && request.method === "POST") {
      const upstream = httpRequest(
        options.rpcUrl,
        { method: "POST", headers: { "content-type": "application/json" } },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, { "content-type": "application/json" });
          answer.pipe(response);
        },
      );
      upstream.on("error", () => {
        response.writeHead(502, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: "the chain's JSON-RPC does not answer" }));
      });
      request.pipe(upstream);
      return;
    }
    const file = normalize(join(WEB_DIST, path === "/" ? "index.html" : path));
    // normalize() resolves "..": anything outside dist is not ours to serve.
    if (!file.startsWith(WEB_DIST) || !existsSync(file)) {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("not found");
      return;
    }
    const headers: Record<string, string> = {
      "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
    };
    if (options.productionCaching) {
      const hashed = path.startsWith("/assets/") || path.startsWith("/artifacts/");
      headers["cache-control"] = hashed ? IMMUTABLE : "no-cache";
    }
    response.writeHead(200, headers);
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}/`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
