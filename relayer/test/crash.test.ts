/**
 * The relayer killed with SIGKILL at random points while 200 citizens vote through it, and started
 * again on the same database each time. Votes come from the load benchmark's proof fixture, replayed
 * on a fresh chain that rebuilds the fixture's zone at the same address (test/load-world.ts), so no
 * proof is made here. Citizens behave as the web app does: a request cut off by the crash is sent
 * again once the relayer is back. Every vote the relayer ever accepted must be confirmed on chain
 * exactly once, and so must every vote in the end. The chain mines a block every 200 ms rather than
 * on arrival, so that kills fall while several batches are in flight (ZONEDAO_MAX_IN_FLIGHT).
 */
import { expect } from "chai";
import { Wallet, parseEther } from "ethers";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RelayerClient, type VoteRequest } from "../../sdk/index.js";
import type { LoadWorld } from "../../test/load-world.js";
import type { RpcBridge } from "../../test/rpc-bridge.js";
import { prng } from "../../test/prng.js";
import { loadWorldForRelayer, spawnRelayer, type RelayerProcess } from "./relayer-fixture.js";

const SEED = Number(process.env.ZONEDAO_CRASH_SEED ?? 20261125);
const VOTES_PER_PROPOSAL = 50; // 4 proposals: 200 votes
const KILLS = 5;
/** Citizens voting at once. */
const CONCURRENCY = 8;
/** Hardhat's interval mining: several small batches go out between two blocks. */
const BLOCK_TIME_MS = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("relayer killed at random points", function () {
  let world: LoadWorld;
  let votes: VoteRequest[];
  let bridge: RpcBridge;

  before(async function () {
    const built = await loadWorldForRelayer();
    ({ world, bridge } = built);
    votes = built.votes.filter((_, i) => i % 500 < VOTES_PER_PROPOSAL);
    await world.connection.provider.request({ method: "evm_setAutomine", params: [false] });
    await world.connection.provider.request({ method: "evm_setIntervalMining", params: [BLOCK_TIME_MS] });
  });
  after(async function () {
    await bridge?.close();
    await world?.connection.close();
  });

  it(`confirms each of 200 votes exactly once through ${KILLS} SIGKILLs (seed ${SEED})`, async function () {
    const random = prng(SEED);
    const relayerKey = Wallet.createRandom();
    const [funder] = await world.connection.ethers.getSigners();
    await (await funder!.sendTransaction({ to: relayerKey.address, value: parseEther("10") })).wait();
    const environment = {
      ZONEDAO_RPC_URL: bridge.url,
      ZONEDAO_RELAYER_KEY: relayerKey.privateKey,
      ZONEDAO_ZONES: world.zoneAddress,
      ZONEDAO_RELAYER_DB: join(mkdtempSync(join(tmpdir(), "zonedao-crash-")), "relayer.sqlite"),
      ZONEDAO_RELAYER_PORT: "0",
      // Small batches sent often: more batches in flight to be cut at any point.
      ZONEDAO_BATCH_MAX_VOTES: "16",
      ZONEDAO_BATCH_MAX_AGE_MS: "50",
      ZONEDAO_POLL_INTERVAL_MS: "50",
      ZONEDAO_VERIFIER_THREADS: "1",
      ZONEDAO_RATE_LIMIT_PER_MINUTE: "1000000",
    };

    let relayer: RelayerProcess = spawnRelayer(environment);
    const accepted = new Set<string>(); // answered 202 by some incarnation
    const duplicates = new Set<string>(); // answered 409: an earlier, cut-off request was accepted
    const cutOff = { requests: 0 };
    const log: string[] = [];

    /** A citizen: sends the vote until a relayer answers it, as the web app does. */
    async function vote(body: VoteRequest) {
      for (;;) {
        let response: Response;
        try {
          response = await fetch(`${await relayer.url}/v1/votes`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(body),
          });
        } catch {
          cutOff.requests++;
          await sleep(20); // the relayer is down: try again when it is back
          continue;
        }
        const answer = (await response.json()) as { error?: string; message?: string };
        if (response.status === 202) return void accepted.add(body.nullifier);
        if (response.status === 409 && answer.error === "duplicate_nullifier") {
          return void duplicates.add(body.nullifier);
        }
        throw new Error(`vote ${body.nullifier}: HTTP ${response.status} ${answer.message}`);
      }
    }

    let next = 0;
    const citizens = Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < votes.length; i = next++) await vote(votes[i]!);
      }),
    );

    // The killer: progress runs from 0 to 400 (votes answered plus votes on chain); it kills at
    // random progress points, so at random stages of intake and delivery, and at a random moment
    // (up to 50 ms) after each point is reached.
    const cast = () => world.zone.queryFilter(world.zone.filters.VoteCast());
    const progress = async () => accepted.size + duplicates.size + (await cast()).length;
    const killPoints = Array.from({ length: KILLS }, () => 1 + random.int(2 * votes.length - 1));
    for (const point of killPoints.sort((a, b) => a - b)) {
      await relayer.url;
      while ((await progress()) < point) await sleep(10);
      await sleep(random.int(50));
      relayer.child.kill("SIGKILL");
      await relayer.exited;
      log.push(
        `killed at ${point}: ${accepted.size + duplicates.size} answered, ${(await cast()).length} on chain`,
      );
      relayer = spawnRelayer(environment);
    }
    await citizens;

    // The last incarnation runs undisturbed: everything must land, once.
    const client = new RelayerClient(await relayer.url);
    for (const body of votes) {
      expect((await client.waitForVote(body.nullifier)).status, body.nullifier).to.equal("confirmed");
    }
    relayer.child.kill("SIGTERM");
    expect(await relayer.exited).to.equal(0);
    console.log(
      `      ${log.join("; ")}; ${cutOff.requests} requests cut off, ${duplicates.size} answered 409`,
    );

    const counted = (await cast()).map((event) => event.args.nullifier.toString());
    expect(counted.length, "VoteCast events").to.equal(votes.length);
    expect(new Set(counted).size, "distinct nullifiers counted").to.equal(votes.length);
    expect(new Set(counted)).to.deep.equal(new Set(votes.map((body) => body.nullifier)));
    for (let proposalId = 1n; proposalId <= 4n; proposalId++) {
      const expected = [0n, 0n, 0n];
      for (const body of votes)
        if (BigInt(body.proposalId) === proposalId) expected[Number(body.option)]! += 1n;
      expect([...(await world.zone.getProposal(proposalId)).tally], `tally of ${proposalId}`).to.deep.equal(
        expected,
      );
    }
    // Each vote was answered exactly once: 202, or 409 after an accepted request was cut off.
    expect(accepted.size + duplicates.size).to.equal(votes.length);
    for (const nullifier of duplicates) expect(accepted.has(nullifier), nullifier).to.equal(false);
  });
});
