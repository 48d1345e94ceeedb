/**
 * The relayer indexing the million-citizen zone, in its own process (`relayer/server.ts`, as `npm
 * run relayer` runs it, with a fresh SQLite file): its peak RSS is then the relayer's alone, not
 * the bench's or the browser's. Indexed means served: the zone's member list says 1,000,000 and the
 * tree top of the whole group is served (a relayer without the tree route is reported as such).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unusedPort } from "../../test/ports.js";

const ROOT = join(import.meta.dirname, "..", "..");

export interface RelayerProcess {
  url: string;
  /** Peak resident set of the relayer process so far (Linux VmHWM), in MB. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

export interface IndexResult {
  indexMs: number;
  rssMb: number;
  /** Whether the relayer served the tree top (the private-path route) once indexed. */
  treeTopServed: boolean;
}

export async function startRelayerProcess(options: {
  rpcUrl: string;
  key: string;
  zone: string;
  fromBlock: number;
  corsOrigin: string;
  logFile: string;
}): Promise<RelayerProcess & { started: number }> {
  const port = await unusedPort();
  const databaseDir = mkdtempSync(join(tmpdir(), "zonedao-million-"));
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ["--disable-warning=ExperimentalWarning", "--import", "tsx", join(ROOT, "relayer", "server.ts")],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        ZONEDAO_RPC_URL: options.rpcUrl,
        ZONEDAO_RELAYER_KEY: options.key,
        ZONEDAO_ZONES: options.zone,
        ZONEDAO_FROM_BLOCK: String(options.fromBlock),
        ZONEDAO_RELAYER_PORT: String(port),
        ZONEDAO_RELAYER_DB: join(databaseDir, "relayer.sqlite"),
        ZONEDAO_CORS_ORIGINS: options.corsOrigin,
        ZONEDAO_BATCH_MAX_AGE_MS: "250",
        ZONEDAO_POLL_INTERVAL_MS: "250",
        ZONEDAO_LOG_LEVEL: "warn",
      },
    },
  );
  const output: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => output.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => output.push(chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.once("exit", (code) => {
    if (code !== 0 && code !== null) {
      console.error(`relayer exited with ${code}:\n${Buffer.concat(output).toString()}`);
    }
  });
  let peakKb = 0;
  const peakRssMb = () => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // exited: keep the last reading
    }
    return Math.round(peakKb / 1024);
  };
  return {
    url: `http://127.0.0.1:${port}`,
    started,
    peakRssMb,
    async stop() {
      peakRssMb();
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      writeFileSync(options.logFile, Buffer.concat(output));
      // Each run indexes from scratch: the database (~100 MB at a million members) is not kept.
      rmSync(databaseDir, { recursive: true, force: true });
    },
  };
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  try {
    const response = await fetch(url);
    const body: unknown = response.headers.get("content-type")?.includes("json")
      ? await response.json()
      : await response.arrayBuffer();
    return { status: response.status, body };
  } catch {
    return { status: 0, body: undefined };
  }
}

/**
 * Waits until the relayer has indexed up to `lastBlock` and serves the zone's `members` members and
 * the tree top of them; the time from the process's start. Without the tree route (a relayer from
 * before private paths), indexed means the member list alone.
 */
export async function waitIndexed(
  relayer: RelayerProcess & { started: number },
  zone: string,
  members: number,
  lastBlock: number,
  log: (line: string) => void,
): Promise<IndexResult> {
  const seconds = () => ((performance.now() - relayer.started) / 1000).toFixed(0);
  let lastReport = performance.now();
  // The cheap question first: asking for the member list while it grows would load the relayer.
  for (;;) {
    const zones = await getJson(`${relayer.url}/v1/zones`);
    relayer.peakRssMb();
    if (zones.status === 200 && ((zones.body as { indexedBlock?: number }).indexedBlock ?? 0) >= lastBlock)
      break;
    if (performance.now() - lastReport > 15_000) {
      lastReport = performance.now();
      log(
        `relayer indexing: ${zones.status === 200 ? "answering" : "starting"}, ${seconds()} s, peak RSS ${relayer.peakRssMb()} MB`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const page = await getJson(`${relayer.url}/v1/zones/${zone}/members?offset=0&limit=1`);
  const body = page.body as { total?: number; members?: string[] } | undefined;
  const count = body?.total ?? body?.members?.length ?? 0;
  if (count !== members) throw new Error(`the relayer serves ${count} members, not ${members}`);
  let treeTopServed = false;
  for (;;) {
    const top = await getJson(`${relayer.url}/v1/zones/${zone}/tree?size=${members}`);
    relayer.peakRssMb();
    if (top.status === 200 && ((top.body as { bucketRoots?: string[] }).bucketRoots?.length ?? 0) > 0) {
      treeTopServed = true;
      break;
    }
    // Fastify's answer for a route it does not have: a relayer from before private paths.
    if (top.status === 404 && /^Route /.test((top.body as { message?: string } | undefined)?.message ?? ""))
      break;
    if (performance.now() - relayer.started > 30 * 60_000) throw new Error("no tree top after 30 min");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    indexMs: Math.round(performance.now() - relayer.started),
    rssMb: relayer.peakRssMb(),
    treeTopServed,
  };
}
