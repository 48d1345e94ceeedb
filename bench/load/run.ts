/**
 * `npm run bench:load`: drives the fixture's valid votes, plus invalid, duplicate and malformed
 * ones, through a real relayer (HTTP on loopback, SQLite, verifier threads) into a fresh local
 * chain with 1 s blocks (Anvil, its own process: ./anvil.ts). Requests arrive at a fixed rate
 * (LOAD_RATE requests a second, default 560, of which 77% are valid votes: ~430 valid votes a
 * second), each sent when its time comes whatever the others' fate, as citizens do: a closed loop
 * of N clients would measure N / throughput as latency, not the relayer. The citizens are a process of
 * their own (./client.ts), and each vote's confirmation is dated when the relayer settles it. Prints a table and writes
 * bench/load/results.json: accepted votes per second, latency to 202 and to confirmation, gas per
 * vote, peak memory, and the votes lost and double-counted (both must be 0, read from the chain's
 * events). A benchmark, not a test: nothing here asserts a speed.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { fork } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet, parseEther } from "ethers";
import { loadRelayerConfig } from "../../relayer/config.js";
import { createProofVerifier, type VoteToVerify } from "../../sdk/verify.js";
import { startRelayer } from "../../relayer/relayer.js";
import {
  buildLoadWorldWithProposals,
  fixtureVote,
  readLoadFixture,
  type LoadFixture,
} from "../../test/load-world.js";
import type { LoadClientReport, LoadClientTask } from "./client.js";
import { BLOCK_GAS_LIMIT, BLOCK_TIME_MS, startAnvil } from "./anvil.js";

/** Requests sent per second (open loop). */
const RATE = Number(process.env.LOAD_RATE ?? 560);
const RESULTS_PATH = new URL("./results.json", import.meta.url);

const began = Date.now();
const log = (line: string) => console.log(`  [${((Date.now() - began) / 1000).toFixed(1)} s] ${line}`);

/**
 * How fast this machine is now: proofs a second one thread verifies in batches of 32 (the sdk's
 * verifier, the fixture's votes), for 2 s before anything else starts. On the shared 2-core machine
 * this moved by a quarter from hour to hour (480 to 630), and the load's figures with it: a run's
 * latencies are to be read with the speed it was made at.
 */
async function verifyRate(fixture: LoadFixture): Promise<number> {
  const snapshot = {
    chainId: BigInt(fixture.chainId),
    zone: fixture.zone,
    snapshotRoot: BigInt(fixture.snapshotRoot),
    snapshotDepth: Number(fixture.votes[0]!.merkleTreeDepth),
  };
  const votes: VoteToVerify[] = fixture.votes
    .slice(0, 32)
    .map((raw) => ({ vote: fixtureVote(raw), snapshot }));
  const verifier = await createProofVerifier();
  try {
    await verifier.verifyVotes(votes); // the key, loaded once
    let verified = 0;
    const start = performance.now();
    while (performance.now() - start < 2000) {
      if (!(await verifier.verifyVotes(votes)).every(Boolean))
        throw new Error("a fixture vote did not verify");
      verified += votes.length;
    }
    return Math.round((verified * 1000) / (performance.now() - start));
  } finally {
    await verifier.terminate();
  }
}

const fixture = readLoadFixture();
const verifyPerSecond = await verifyRate(fixture);
log(`this machine now: one thread verifies ${verifyPerSecond} proofs/s (batches of 32)`);
const chain = await startAnvil();
log(`building the zone on ${chain.version} (same addresses and members as when the fixture was made)`);
const { world, votes: valid } = await buildLoadWorldWithProposals(fixture, log, chain.connection);

// The relayer, as in production: its own key, HTTP on loopback, a SQLite file, an RPC over HTTP.
const { ethers } = world.connection;
const relayerKey = Wallet.createRandom();
const [funder] = await ethers.getSigners();
await (await funder!.sendTransaction({ to: relayerKey.address, value: parseEther("100") })).wait();
await chain.startIntervalMining();
log(`interval mining: a block every ${BLOCK_TIME_MS} ms, ${BLOCK_GAS_LIMIT / 1e6}M gas at most`);
const config = loadRelayerConfig({
  ZONEDAO_RPC_URL: chain.url,
  ZONEDAO_RELAYER_KEY: relayerKey.privateKey,
  ZONEDAO_ZONES: world.zoneAddress,
  ZONEDAO_RELAYER_DB: join(mkdtempSync(join(tmpdir(), "zonedao-load-")), "relayer.sqlite"),
  ZONEDAO_RELAYER_PORT: "0",
  ZONEDAO_BATCH_MAX_VOTES: "64",
  ZONEDAO_BATCH_MAX_AGE_MS: "250",
  ZONEDAO_POLL_INTERVAL_MS: "100",
  ZONEDAO_RATE_LIMIT_PER_MINUTE: "1000000",
  ZONEDAO_LOG_LEVEL: process.env.ZONEDAO_LOG_LEVEL ?? "warn",
});
const relayer = await startRelayer(config);
const url = await relayer.listen();
log(`relayer on ${url} with ${config.verifierThreads} verifier threads`);

// Valid votes, and a share of invalid (a proof point changed), duplicate and malformed ones.
type Kind = "valid" | "invalid" | "duplicate" | "malformed";
const requests: { kind: Kind; body: unknown }[] = valid.map((body) => ({ kind: "valid", body }));
for (let i = 0; i < valid.length / 10; i++) {
  const base = valid[(i * 7) % valid.length]!;
  requests.push({
    kind: "invalid",
    body: { ...base, proof: base.proof.map((p, j) => (j === 6 ? String(BigInt(p) ^ 1n) : p)) },
  });
  requests.push({ kind: "duplicate", body: valid[(i * 13) % valid.length] });
  requests.push({ kind: "malformed", body: { ...base, option: Number(base.option), extra: true } });
}
// A fixed shuffle (valid votes spread among the others, duplicates after their original).
for (let i = requests.length - 1; i > 0; i--) {
  const j = (i * 7919) % (i + 1);
  [requests[i], requests[j]] = [requests[j]!, requests[i]!];
}

let peakRss = process.memoryUsage().rss;
const memory = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
// When each vote was settled, recorded as the relayer settles it: polling 2,000 statuses every
// 50 ms in the relayer's process (as this bench did, and only once every request was answered, so
// a vote confirmed while requests were still arriving was counted confirmed when they ended)
// would both load the relayer and misdate the confirmations.
const now = () => performance.timeOrigin + performance.now();
const settledAt = new Map<string, { status: string; at: number }>();
const settle = relayer.store.settle.bind(relayer.store);
relayer.store.settle = (nullifier, outcome) => {
  settle(nullifier, outcome);
  if (outcome.status === "confirmed" || outcome.status === "rejected") {
    settledAt.set(nullifier, { status: outcome.status, at: now() });
  }
};

// The citizens, in a process of their own (./client.ts): a relayer does not share its event loop
// with its clients.
const client = fork(new URL("./client.ts", import.meta.url), [], { execArgv: ["--import", "tsx"] });
const report = new Promise<LoadClientReport>((resolve, reject) => {
  client.once("message", (message) => resolve(message as LoadClientReport));
  client.once("exit", (code) => reject(new Error(`the load client exited with code ${code}`)));
});
client.send({ url, rate: RATE, requests } satisfies LoadClientTask);
const { accepted, statuses, seconds: acceptSeconds } = await report;
const toAccepted = accepted.map(({ latencyMs }) => latencyMs);
log(`sent ${requests.length} requests at ${RATE}/s, all answered in ${acceptSeconds.toFixed(1)} s`);

// Confirmation: wait until every accepted vote is settled (the relayer's store says so).
const deadline = Date.now() + 10 * 60_000;
const unsettled = () => accepted.filter(({ nullifier }) => !settledAt.has(nullifier)).length;
while (unsettled() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
const toConfirmed = accepted.flatMap(({ nullifier, at }) => {
  const settled = settledAt.get(nullifier);
  return settled?.status === "confirmed" ? [settled.at - at] : [];
});
clearInterval(memory);

// What the chain says: every valid vote counted once, none twice.
const cast = await world.zone.queryFilter(world.zone.filters.VoteCast());
const castNullifiers = cast.map((event) => event.args.nullifier.toString());
const doubleCounted = castNullifiers.length - new Set(castNullifiers).size;
const validNullifiers = new Set(valid.map((vote) => vote.nullifier));
const lost = [...validNullifiers].filter((nullifier) => !castNullifiers.includes(nullifier)).length;
let gasUsed = 0n;
for (const txHash of new Set(cast.map((event) => event.transactionHash))) {
  gasUsed += (await ethers.provider.getTransactionReceipt(txHash))!.gasUsed;
}
await relayer.close();
await chain.stop();

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const results = {
  machine: {
    cpus: (await import("node:os")).availableParallelism(),
    node: process.version,
    verifyPerSecond,
  },
  chain: { node: chain.version, blockTimeMs: BLOCK_TIME_MS, blockGasLimit: BLOCK_GAS_LIMIT },
  relayer: {
    batchMaxVotes: config.batchMaxVotes,
    batchMaxAgeMs: config.batchMaxAgeMs,
    maxInFlight: config.maxInFlight,
    verifierThreads: config.verifierThreads,
  },
  offeredRequestsPerSecond: RATE,
  requests: requests.length,
  statuses: Object.fromEntries(Object.entries(statuses).sort()),
  validVotes: valid.length,
  acceptedPerSecond: Math.round(toAccepted.length / acceptSeconds),
  latencyTo202Ms: {
    p50: Math.round(percentile(toAccepted, 50)),
    p99: Math.round(percentile(toAccepted, 99)),
  },
  latencyToConfirmationMs: {
    p50: Math.round(percentile(toConfirmed, 50)),
    p99: Math.round(percentile(toConfirmed, 99)),
  },
  gasPerVote: castNullifiers.length === 0 ? 0 : Number(gasUsed / BigInt(castNullifiers.length)),
  peakRssMb: Math.round(peakRss / 2 ** 20),
  lost,
  doubleCounted,
};
writeFileSync(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
console.table({
  "this machine: proofs verified a second, one thread": verifyPerSecond,
  "valid votes accepted per second": results.acceptedPerSecond,
  "p50 / p99 request to 202 (ms)": `${results.latencyTo202Ms.p50} / ${results.latencyTo202Ms.p99}`,
  "p50 / p99 202 to confirmed (ms)": `${results.latencyToConfirmationMs.p50} / ${results.latencyToConfirmationMs.p99}`,
  "gas per vote (castVotes, batches of up to 64)": results.gasPerVote,
  "peak memory, relayer (client and chain apart) (MB)": results.peakRssMb,
  "valid votes lost": results.lost,
  "votes double-counted": results.doubleCounted,
});
console.table(results.statuses);
process.exit(lost === 0 && doubleCounted === 0 ? 0 : 1);
