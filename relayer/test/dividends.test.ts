/**
 * POST /v1/dividends: a citizen's anonymous dividend claim, relayed like an invitation (the proof
 * checked off chain against the round's electorate, then a simulated `claimDividend`, stored before
 * its 202, sent with `claimDividend`), so the citizen pays no gas and the recipient, any address,
 * is all that appears on chain. Real proofs throughout; the rounds are opened by the zone's vote.
 */
import { expect } from "chai";
import fc from "fast-check";
import { Wallet, ZeroAddress, parseEther } from "ethers";
import { mkdtempSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BN254_BASE_FIELD,
  RelayerClient,
  dividendClaimRequest,
  openDividendRound,
  proveDividendClaim,
  readDividendRounds,
  rebuildGroup,
  type DividendClaimRequest,
  type Identity,
} from "../../sdk/index.js";
import type { Relayer } from "../relayer.js";
import { RelayerStore } from "../store.js";
import { alice, bob, carol, citizens, dave, ethers, passProposal, time } from "../../test/zone-fixture.js";
import {
  get,
  post,
  relayerEnvironment,
  relayerWorld,
  spawnRelayer,
  startTestRelayer,
  type RelayerWorld,
} from "./relayer-fixture.js";

const PER_CITIZEN = parseEther("1");
const CLAIM_PERIOD = 3600;

describe("relayer: dividend claims", function () {
  let world: RelayerWorld;
  let relayer: Relayer;
  const provider = () => ethers.provider;

  before(async function () {
    world = await relayerWorld();
    const [funder] = await ethers.getSigners();
    await (await funder!.sendTransaction({ to: world.zoneAddress, value: parseEther("10") })).wait();
    // One vote opens two rounds of 1 ether per citizen: round 1 and round 2.
    const round = openDividendRound(world.zoneAddress, ZeroAddress, PER_CITIZEN, CLAIM_PERIOD);
    await passProposal(world, [[round, round]], "Share the harvest, twice");
    ({ relayer } = await startTestRelayer(world, { ZONEDAO_RATE_LIMIT_PER_MINUTE: "1000000" }));
  });

  after(async function () {
    await relayer?.close();
    await world?.bridge.close();
  });

  /** `citizen`'s claim on `roundId`, paid to `recipient`. */
  async function claimBody(
    citizen: Identity,
    roundId: bigint,
    recipient: string,
  ): Promise<DividendClaimRequest> {
    const group = await rebuildGroup(world.zone, { untilDividendRound: roundId });
    const claim = await proveDividendClaim(citizen, group, {
      chainId: world.chainId,
      zone: world.zoneAddress,
      roundId,
      recipient,
    });
    return dividendClaimRequest(world.zoneAddress, claim);
  }

  it("accepts a claim (202), pays the recipient with claimDividend, reports it confirmed, and refuses a replay (409)", async function () {
    const recipient = Wallet.createRandom().address;
    const body = await claimBody(alice, 1n, recipient);
    const accepted = await post(relayer, "/v1/dividends", body);
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(202);
    expect(accepted.body).to.deep.equal({ nullifier: body.nullifier, status: "queued" });
    expect((await get(relayer, `/v1/dividends/${body.nullifier}`)).body).to.include({
      status: "queued",
      kind: "dividend",
      proposalId: "1",
    });

    await relayer.submitter.step({ flush: true });
    const status = await get(relayer, `/v1/dividends/${body.nullifier}`);
    expect(status.status).to.equal(200);
    expect(status.body).to.include({ status: "confirmed", kind: "dividend", zone: world.zoneAddress });
    expect(status.body.txHash).to.be.a("string");
    expect(await provider().getBalance(recipient)).to.equal(PER_CITIZEN);
    const [round] = await readDividendRounds(world.zone);
    expect(round).to.include({ roundId: 1n, claimedCount: 1n, status: "open" });
    expect(round!.owed).to.equal(PER_CITIZEN * (round!.eligibleCount - 1n));

    // The same claim again, or to another recipient: this citizen's share of round 1 is paid.
    const replay = await post(relayer, "/v1/dividends", body);
    expect(replay.status).to.equal(409);
    expect(replay.body).to.include({ error: "duplicate_nullifier", status: "confirmed" });
    const elsewhere = await post(
      relayer,
      "/v1/dividends",
      await claimBody(alice, 1n, Wallet.createRandom().address),
    );
    expect(elsewhere.status).to.equal(409);
    expect(elsewhere.body).to.include({ error: "duplicate_nullifier" });
    // Another kind's status route does not report it.
    expect((await get(relayer, `/v1/votes/${body.nullifier}`)).status).to.equal(404);
    // Metrics count it by kind, and the replays by their code.
    const metrics = (await get(relayer, "/metrics")).text;
    expect(metrics).to.include('zonedao_relayer_accepted_total{kind="dividend"} 1');
    expect(metrics).to.match(/zonedao_relayer_rejected_total\{reason="duplicate_nullifier"\} [1-9]/);
  });

  it("refuses an unknown zone, an unknown round, a redirected payment and a nullifier used on chain, each with its code", async function () {
    const recipient = Wallet.createRandom().address;
    const body = await claimBody(bob, 1n, recipient);

    const unserved = await post(relayer, "/v1/dividends", { ...body, zone: Wallet.createRandom().address });
    expect(unserved.status).to.equal(404);
    expect(unserved.body).to.include({ error: "unknown_zone" });

    for (const roundId of ["0", "3", "99"]) {
      const unknown = await post(relayer, "/v1/dividends", { ...body, roundId });
      expect(unknown.status, roundId).to.equal(404);
      expect(unknown.body).to.include({ error: "unknown_round" });
    }

    // The recipient is the proof's message: a relayer (or anyone) cannot redirect the payment.
    const redirected = await post(relayer, "/v1/dividends", {
      ...body,
      recipient: Wallet.createRandom().address,
    });
    expect(redirected.status).to.equal(422);
    expect(redirected.body).to.include({ error: "invalid_proof" });
    // Nor move it to another round.
    const otherRound = await post(relayer, "/v1/dividends", { ...body, roundId: "2" });
    expect(otherRound.status).to.equal(422);
    expect(otherRound.body).to.include({ error: "invalid_proof" });

    // Claimed on chain by the citizen first: the nullifier is used.
    const direct = await claimBody(carol, 1n, recipient);
    await (
      await world.zone.claimDividend(direct.roundId, direct.recipient, direct.nullifier, direct.proof)
    ).wait();
    const used = await post(relayer, "/v1/dividends", direct);
    expect(used.status).to.equal(409);
    expect(used.body).to.include({ error: "duplicate_nullifier", status: "confirmed" });

    const malformed = await post(relayer, "/v1/dividends", { ...body, recipient: "0x1234" });
    expect(malformed.status).to.equal(400);
    expect(malformed.body).to.include({ error: "malformed_request" });
    expect(relayer.store.submission(body.nullifier)).to.equal(undefined);
  });

  it("mutations of a valid claim: 400, 404 or 422, nothing queued (fast-check, 60 runs)", async function () {
    const valid = await claimBody(dave, 1n, Wallet.createRandom().address);
    const before = relayer.store.countByStatus();
    const decimal = (max: bigint) => fc.bigInt({ min: 0n, max }).map(String);
    const mutation = fc.oneof(
      fc.record({ nullifier: decimal(BN254_BASE_FIELD) }),
      fc.record({ roundId: fc.constantFrom("1", "2") }),
      fc.tuple(fc.nat({ max: 7 }), decimal(BN254_BASE_FIELD - 1n)).map(([i, point]) => ({
        proof: valid.proof.map((value, j) => (j === i ? point : value)),
      })),
      fc.record({ recipient: fc.constantFrom(ZeroAddress, Wallet.createRandom().address) }),
      fc.record({ roundId: fc.bigInt({ min: 3n, max: (1n << 256n) - 1n }).map(String) }),
      fc.record({ proof: fc.array(decimal(BN254_BASE_FIELD + 5n), { minLength: 8, maxLength: 8 }) }),
    );
    await fc.assert(
      fc.asyncProperty(mutation, async (change) => {
        const sent = { ...valid, ...change };
        // The one mutation that changes nothing (the same round id) is the valid claim itself.
        if (JSON.stringify(sent) === JSON.stringify(valid)) return;
        const answer = await post(relayer, "/v1/dividends", sent);
        const what = `${JSON.stringify(change).slice(0, 300)} -> ${answer.status} ${JSON.stringify(answer.body)}`;
        expect(answer.status, what).to.be.oneOf([400, 404, 422]);
        expect(answer.body.error, what).to.be.oneOf(["malformed_request", "unknown_round", "invalid_proof"]);
        expect(relayer.store.countByStatus()).to.deep.equal(before);
      }),
      { seed: Number(process.env.FUZZ_SEED ?? 17_2026), numRuns: 60, endOnFailure: true },
    );
  });

  it("loses no claim accepted before a SIGKILL: after a restart on the same database each is paid once", async function () {
    const environment = await relayerEnvironment(world, {
      ZONEDAO_POLL_INTERVAL_MS: "50",
      ZONEDAO_BATCH_MAX_AGE_MS: "50",
    });
    const recipients = citizens.map(() => Wallet.createRandom().address);
    const bodies = await Promise.all(citizens.map((citizen, i) => claimBody(citizen, 2n, recipients[i]!)));
    let spawned = spawnRelayer(environment);
    const client = new RelayerClient(await spawned.url);
    for (const body of bodies)
      expect(await client.claimDividend(body)).to.deep.equal({
        nullifier: body.nullifier,
        status: "queued",
      });
    // Killed right after the last 202: some claims may be on chain, some signed, some only stored.
    spawned.child.kill("SIGKILL");
    await spawned.exited;

    spawned = spawnRelayer(environment);
    const restarted = new RelayerClient(await spawned.url);
    for (const body of bodies) {
      const status = await restarted.waitForDividend(body.nullifier, { timeoutMs: 120_000 });
      expect(status, body.nullifier).to.include({ status: "confirmed", kind: "dividend", proposalId: "2" });
    }
    spawned.child.kill("SIGTERM");
    expect(await spawned.exited).to.equal(0);

    const claimed = await world.zone.queryFilter(world.zone.filters.DividendClaimed(2n));
    expect(claimed.map((event) => event.args.nullifier.toString()).sort()).to.deep.equal(
      bodies.map((body) => body.nullifier).sort(),
    );
    for (const recipient of recipients) expect(await provider().getBalance(recipient)).to.equal(PER_CITIZEN);
    const round = (await readDividendRounds(world.zone)).find((each) => each.roundId === 2n);
    expect(round).to.include({ claimedCount: 4n, status: "exhausted", owed: 0n });
  });

  it("refuses a claim once the claim period is over (422 claim_period_over)", async function () {
    const body = await claimBody(bob, 1n, Wallet.createRandom().address);
    await time.increase(CLAIM_PERIOD + 1);
    // The relayer's own clock is the chain's: a block after the deadline.
    await (
      await (await ethers.getSigners())[0]!.sendTransaction({ to: world.zoneAddress, value: 1n })
    ).wait();
    const over = await post(relayer, "/v1/dividends", body);
    expect(over.status, JSON.stringify(over.body)).to.equal(422);
    expect(over.body).to.include({ error: "claim_period_over" });
    const [round] = await readDividendRounds(world.zone);
    expect(round).to.include({ roundId: 1n, status: "over" });
  });

  it("opens a database made before dividend claims: its submissions kept, claims storable", function () {
    const path = join(mkdtempSync(join(tmpdir(), "zonedao-dividend-migration-")), "relayer.sqlite");
    const old = new DatabaseSync(path);
    old.exec(`CREATE TABLE submissions (
      nullifier TEXT PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('vote', 'proposal', 'invitation')),
      zone TEXT NOT NULL,
      proposal_id TEXT,
      payload TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('queued', 'submitted', 'confirmed', 'rejected')),
      reason TEXT,
      accepted_at INTEGER NOT NULL,
      batch_id INTEGER,
      tx_hash TEXT,
      block_number INTEGER,
      tries INTEGER NOT NULL DEFAULT 0
    )`);
    old.exec(`INSERT INTO submissions (nullifier, kind, zone, proposal_id, payload, status, accepted_at)
      VALUES ('1', 'vote', '${world.zoneAddress}', '1', '{}', 'confirmed', 1)`);
    old.close();
    const store = new RelayerStore(path);
    try {
      expect(store.submission("1")).to.include({ kind: "vote", status: "confirmed" });
      const claim = {
        nullifier: "2",
        kind: "dividend" as const,
        zone: world.zoneAddress,
        proposalId: "1",
        payload: "{}",
      };
      expect(store.accept([claim])).to.deep.equal([true]);
      expect(store.submission("2")).to.include({ kind: "dividend", status: "queued" });
    } finally {
      store.close();
    }
  });
});
