/**
 * A relayer whose queue holds 4 invalid proofs among 124 valid votes: the whole loop, end to end.
 * The relayer verifies every proof before accepting a vote, so the invalid ones are put in its
 * durable queue directly (as a buggy or earlier verifier would have let them in). With
 * ZONEDAO_BATCH_MAX_VOTES at its maximum (128), the first castVotes cannot find 4 invalid proofs in 4
 * of its parts within the 2^24 gas cap (it can find 2): some votes count, the rest come back
 * `Unverified`. The relayer must send
 * those again in smaller batches until every valid vote is counted and each invalid one has its
 * verdict, and never send a vote an unbounded number of times. Valid votes are the load fixture's
 * (test/load-world.ts, a fresh chain rebuilding its zone), so no proof is made here.
 */
import { expect } from "chai";
import { Wallet, parseEther, type TransactionReceipt } from "ethers";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Zone__factory, type VoteRequest } from "../../sdk/index.js";
import { loadRelayerConfig } from "../config.js";
import { startRelayer, type Relayer } from "../relayer.js";
import type { LoadWorld } from "../../test/load-world.js";
import type { RpcBridge } from "../../test/rpc-bridge.js";
import { get, loadWorldForRelayer } from "./relayer-fixture.js";

const BATCH_MAX_VOTES = 128;
/** Where the invalid votes sit in the queue (and so in the first batch): 4 of its 8 parts. */
const INVALID_AT = [17, 45, 96, 120];
const VALID = 128 - INVALID_AT.length;
/** IZone.VoteRejection */
const INVALID_PROOF = 5;
const UNVERIFIED = 6;
/** No vote may ride in more transactions than this: 128 -> 64 -> 32 -> ... -> 1 is 8. */
const MAX_SENDS_PER_VOTE = 8;

const ZONE_INTERFACE = Zone__factory.createInterface();

describe("relayer and votes the zone returns Unverified", function () {
  let world: LoadWorld;
  let fixtureVotes: VoteRequest[];
  let bridge: RpcBridge;
  let relayer: Relayer | undefined;

  before(async function () {
    const built = await loadWorldForRelayer();
    ({ world, bridge } = built);
    fixtureVotes = built.votes;
  });
  after(async function () {
    await relayer?.close();
    await bridge?.close();
    await world?.connection.close();
  });

  it(`sends Unverified votes again in smaller batches until all ${VALID} valid ones count and the ${INVALID_AT.length} invalid ones are rejected`, async function () {
    const started = Date.now();
    const relayerKey = Wallet.createRandom();
    const [funder] = await world.connection.ethers.getSigners();
    await (await funder!.sendTransaction({ to: relayerKey.address, value: parseEther("10") })).wait();
    relayer = await startRelayer(
      loadRelayerConfig({
        ZONEDAO_RPC_URL: bridge.url,
        ZONEDAO_RELAYER_KEY: relayerKey.privateKey,
        ZONEDAO_ZONES: world.zoneAddress,
        ZONEDAO_RELAYER_DB: join(mkdtempSync(join(tmpdir(), "zonedao-unverified-")), "relayer.sqlite"),
        ZONEDAO_RELAYER_PORT: "0",
        ZONEDAO_BATCH_MAX_VOTES: String(BATCH_MAX_VOTES),
        // The test drives the submitter (step) itself.
        ZONEDAO_BATCH_MAX_AGE_MS: "3600000",
        ZONEDAO_POLL_INTERVAL_MS: "100000",
        ZONEDAO_VERIFIER_THREADS: "1",
        ZONEDAO_LOG_LEVEL: "silent",
      }),
    );
    await relayer.submitter.step(); // the start-up step, before anything is queued
    const firstBlock = await world.connection.ethers.provider.getBlockNumber();

    // Proposal 1's first 128 votes of the fixture: the others stay as they are; those at INVALID_AT
    // become invalid but well-formed (a valid proof's points under another option, or under
    // another vote's nullifier), so only the pairing check can tell.
    const queued = fixtureVotes.slice(0, BATCH_MAX_VOTES).map((vote) => ({ ...vote }));
    for (const [k, i] of INVALID_AT.entries()) {
      const vote = queued[i]!;
      if (k % 2 === 0) vote.option = String((Number(vote.option) + 1) % 3);
      else vote.proof = [...queued[0]!.proof];
    }
    const invalid = new Set(INVALID_AT.map((i) => String(queued[i]!.nullifier)));
    const valid = queued.filter((vote) => !invalid.has(String(vote.nullifier)));
    expect(valid).to.have.length(VALID);
    // Below intake, as the intake would store them: one commit, in this order.
    relayer.store.accept(
      queued.map((vote) => ({
        nullifier: String(vote.nullifier),
        kind: "vote" as const,
        zone: world.zoneAddress,
        proposalId: String(vote.proposalId),
        payload: JSON.stringify({ ...vote, zone: world.zoneAddress }),
      })),
    );

    // Drive the submitter until the queue is empty (each step sends one batch; blocks are mined
    // at once and 1 confirmation settles them), with a bound so a loop cannot hang the test.
    let steps = 0;
    while (relayer.store.countByStatus().queued + relayer.store.countByStatus().submitted > 0) {
      expect(++steps, "steps to empty the queue").to.be.at.most(40);
      await relayer.submitter.step({ flush: true });
    }
    expect(relayer.store.pendingBatches()).to.deep.equal([]);

    // Every transaction the relayer sent, from the chain: what each carried and what became of it.
    const { provider } = world.connection.ethers;
    const sends = new Map<string, number>();
    const transactions: {
      size: number;
      counted: number;
      unverified: number;
      invalid: number;
      gas: bigint;
    }[] = [];
    for (let block = firstBlock + 1; block <= (await provider.getBlockNumber()); block++) {
      for (const hash of (await provider.getBlock(block))!.transactions) {
        const transaction = (await provider.getTransaction(hash))!;
        if (transaction.from !== relayerKey.address) continue;
        const call = ZONE_INTERFACE.parseTransaction(transaction)!;
        expect(call.name).to.equal("castVotes");
        const carried = (call.args[0] as { nullifier: bigint }[]).map(({ nullifier }) => String(nullifier));
        for (const nullifier of carried) sends.set(nullifier, (sends.get(nullifier) ?? 0) + 1);
        const receipt = (await provider.getTransactionReceipt(hash)) as TransactionReceipt;
        expect(receipt.status, `castVotes ${hash} reverted`).to.equal(1);
        const reasons = receipt.logs
          .map((log) => ZONE_INTERFACE.parseLog(log))
          .filter((event) => event?.name === "VoteRejected")
          .map((event) => Number(event!.args.reason));
        transactions.push({
          size: carried.length,
          counted: receipt.logs.filter((log) => ZONE_INTERFACE.parseLog(log)?.name === "VoteCast").length,
          unverified: reasons.filter((reason) => reason === UNVERIFIED).length,
          invalid: reasons.filter((reason) => reason === INVALID_PROOF).length,
          gas: receipt.gasUsed,
        });
      }
    }
    console.log(
      `      ${transactions.length} transactions: ` +
        transactions
          .map(
            ({ size, counted, unverified, invalid, gas }) =>
              `${size} sent, ${counted} counted, ${unverified} Unverified, ${invalid} InvalidProof, ${gas} gas`,
          )
          .join("; ") +
        `; ${Math.round((Date.now() - started) / 1000)} s`,
    );

    // The first batch is the whole queue; the cap leaves part of it Unverified, counts the rest.
    const [firstBatch] = transactions;
    expect(firstBatch!.size).to.equal(BATCH_MAX_VOTES);
    expect(firstBatch!.unverified, "Unverified in the first batch").to.be.greaterThan(0);
    expect(firstBatch!.counted, "counted in the first batch").to.be.greaterThan(0);
    expect(firstBatch!.gas < 1n << 24n).to.equal(true);
    // Later batches are smaller, and no vote rides in more than a bounded number of them.
    for (const later of transactions.slice(1)) expect(later.size).to.be.below(BATCH_MAX_VOTES);
    for (const [nullifier, count] of sends) expect(count, nullifier).to.be.at.most(MAX_SENDS_PER_VOTE);
    expect(transactions.reduce((sum, { invalid }) => sum + invalid, 0)).to.equal(INVALID_AT.length);

    // On chain: each valid vote counted once, the tally the fixture's options; the invalid not.
    const cast = await world.zone.queryFilter(world.zone.filters.VoteCast());
    const counted = cast.map((event) => event.args.nullifier.toString());
    expect(counted).to.have.length(VALID);
    expect(new Set(counted)).to.deep.equal(new Set(valid.map((vote) => String(vote.nullifier))));
    const expected = [0n, 0n, 0n];
    for (const vote of valid) expected[Number(vote.option)]! += 1n;
    expect([...(await world.zone.getProposal(1n)).tally]).to.deep.equal(expected);
    for (const nullifier of invalid) expect(await world.zone.isNullifierUsed(nullifier)).to.equal(false);

    // What the citizens are told.
    for (const vote of valid) {
      const { status, body } = await get(relayer, `/v1/votes/${vote.nullifier}`);
      expect(status).to.equal(200);
      expect(body.status, String(vote.nullifier)).to.equal("confirmed");
    }
    for (const nullifier of invalid) {
      const { body } = await get(relayer, `/v1/votes/${nullifier}`);
      expect(body).to.include({ status: "rejected", reason: "InvalidProof: the zone rejected the proof" });
    }
    expect(relayer.store.countByStatus()).to.deep.equal({
      queued: 0,
      submitted: 0,
      confirmed: VALID,
      rejected: INVALID_AT.length,
    });
  });
});
