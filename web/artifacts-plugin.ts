/**
 * The official Semaphore v4 ceremony files, served by the app itself: this Vite plugin copies the
 * wasm, zkey and verification key (JSON, for the audit page) of each supported depth from the npm package @zk-kit/semaphore-artifacts into the
 * build (dist/artifacts/), serves them from node_modules in dev, and embeds their SHA-256, computed
 * here from node_modules, in the app (the virtual module "virtual:semaphore-artifacts"). The browser
 * checks every file against these hashes before proving with it, so a tampered or truncated file
 * served later is refused. Nothing is ever fetched from a CDN.
 */
import { createHash } from "node:crypto";
import { copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Plugin } from "vite";

const require = createRequire(import.meta.url);
const ARTIFACTS_DIR = dirname(require.resolve("@zk-kit/semaphore-artifacts/package.json"));
const VIRTUAL_ID = "virtual:semaphore-artifacts";
const RESOLVED_ID = `\0${VIRTUAL_ID}`;

/** Depth 20 holds a million citizens; deeper groups need ZONEDAO_WEB_MAX_DEPTH (up to 32). */
export const DEFAULT_MAX_DEPTH = 20;

export interface ArtifactHashes {
  [depth: number]: Record<ArtifactKind, string>;
}

const KINDS = ["wasm", "zkey", "json"] as const;
type ArtifactKind = (typeof KINDS)[number];

function artifactFile(depth: number, kind: ArtifactKind): string {
  return join(ARTIFACTS_DIR, `semaphore-${depth}.${kind}`);
}

function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** `copy: false` for the worker's bundle: only the main build copies the files. */
export function semaphoreArtifactsPlugin(maxDepth = DEFAULT_MAX_DEPTH, { copy = true } = {}): Plugin {
  if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > 32) {
    throw new RangeError(`the largest depth served must be 1 to 32, got ${maxDepth}`);
  }
  const depths = Array.from({ length: maxDepth }, (_, i) => i + 1);
  let hashes: ArtifactHashes | undefined;
  let outDir = "dist";
  const computeHashes = () =>
    (hashes ??= Object.fromEntries(
      depths.map((depth) => [
        depth,
        Object.fromEntries(KINDS.map((kind) => [kind, sha256(artifactFile(depth, kind))])) as Record<
          ArtifactKind,
          string
        >,
      ]),
    ));

  return {
    name: "zonedao-semaphore-artifacts",
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    resolveId: (id) => (id === VIRTUAL_ID ? RESOLVED_ID : undefined),
    load(id) {
      if (id !== RESOLVED_ID) return undefined;
      return `export const artifactHashes = ${JSON.stringify(computeHashes())};\nexport const maxDepth = ${maxDepth};\n`;
    },
    writeBundle() {
      if (!copy) return;
      const target = join(outDir, "artifacts");
      mkdirSync(target, { recursive: true });
      for (const depth of depths) {
        for (const kind of KINDS) {
          const destination = join(target, `semaphore-${depth}.${kind}`);
          const source = artifactFile(depth, kind);
          if (!existsSync(destination) || statSync(destination).size !== statSync(source).size) {
            copyFileSync(source, destination);
          }
        }
      }
    },
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const match = /^\/artifacts\/semaphore-(\d+)\.(wasm|zkey|json)$/.exec(request.url ?? "");
        const depth = Number(match?.[1]);
        if (!match || !depths.includes(depth)) return next();
        response.setHeader("content-type", "application/octet-stream");
        createReadStream(artifactFile(depth, match[2] as ArtifactKind)).pipe(response);
      });
    },
  };
}
