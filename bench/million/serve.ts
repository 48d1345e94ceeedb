/**
 * Serves the built web app (web/dist) as a production host would: Vite's content-hashed files
 * (assets/) and the proving artifacts (artifacts/, named by depth and checked against the hashes
 * built into the app) cacheable for a year, index.html and /config.json never. So a returning
 * citizen's visit downloads what a real one would: the page, the config and the vote's own data.
 * (web/serve.ts, for the tests and `npm start`, sends no cache headers: everything again on reload.)
 * /rpc goes to the chain's JSON-RPC, as web/serve.ts does it.
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import type { WebConfig } from "../../web/config.js";
import { WEB_DIST, type WebServer } from "../../web/serve.js";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".wasm": "application/wasm",
};
const IMMUTABLE = "public, max-age=31536000, immutable";

export async function serveCachedWebApp(options: {
  config: () => WebConfig;
  rpcUrl: string;
}): Promise<WebServer> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
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
    if (!file.startsWith(WEB_DIST) || !existsSync(file)) {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("not found");
      return;
    }
    const hashed = path.startsWith("/assets/") || path.startsWith("/artifacts/");
    response.writeHead(200, {
      "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": hashed ? IMMUTABLE : "no-cache",
    });
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
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
