/**
 * What the relayer does with votes once accepted: dropped and slow transactions, several relayers
 * racing on the same votes, shutdown in the middle of a batch, and the zone's refund for its gas.
 */
import { expect } from "chai";
import { Transaction, Wallet, keccak256, parseEther } from "ethers";
import { RelayerClient } from "../../sdk/index.js";
import { RelayerStore } from "../store.js";
import { ZoneIndexer } from "../indexer.js";
import { relayerLogger } from "../relayer.js";
import {
  TEST_RULES,
  alice,
  bob,
  carol,
  connection,
  dave,
  ethers,
  proposeAs,
} from "../../test/zone-fixture.js";
import { clientKey } from "../app.js";
import { startRpcBridge } from "../../test/rpc-bridge.js";
import {
  get,
  payFromZone,
  post,
  relayerEnvironment,
  relayerWorld,
  spawnRelayer,
  startTestRelayer,
  voteBody,
  type RelayerWorld,
} from "./relayer-fixture.js";

async function setAutomine(enabled: boolean): Promise<void> {
  await connection.provider.request({ method: "evm_setAutomine", params: [enabled] });
}
async function mine(): Promise<void> {
  await connection.provider.request({ method: "evm_mine", params: [] });
}

describe("relayer delivery", function () {
  let world: RelayerWorld;

  beforeEach(async function () {
    world = await relayerWorld();
  });
  afterEach(async function () {
    await setAutomine(true);
    await world.bridge.close();
  });

  it("re-broadcasts a transaction the node dropped, and confirms its votes once", async function () {
    const { relayer } = await startTestRelayer(world);
    try {
      await setAutomine(false);
      const body = await voteBody(world, alice, 1);
      expect((await post(relayer, "/v1/votes", body)).status).to.equal(202);
      await relayer.submitter.step({ flush: true });
      const [batch] = relayer.store.pendingBatches();
      const txHash = batch!.attempts[0]!.txHash;
      expect(
        await connection.provider.request({ method: "hardhat_dropTransaction", params: [txHash] }),
      ).to.equal(true);
      expect(await ethers.provider.getTransaction(txHash)).to.equal(null);

      await relayer.submitter.step();
      expect(
        await ethers.provider.getTransaction(txHash),
        "sent again from the stored signed transaction",
      ).not.to.equal(null);
      await mine();
      await relayer.submitter.step();
      expect(relayer.store.submission(body.nullifier)).to.include({ status: "confirmed", txHash });
      expect((await world.zone.getProposal(world.proposalId)).tally[1]).to.equal(1n);
    } finally {
      await relayer.close();
    }
  });

  it("gives up a transaction the node keeps refusing, and sends its votes in a new one", async function () {
    const { relayer, config } = await startTestRelayer(world);
    try {
      const body = await voteBody(world, alice, 1);
      expect((await post(relayer, "/v1/votes", body)).status).to.equal(202);
      // A pending batch for the vote whose signed transaction no node will take (as one signed with
      // a gas limit over the cap, or an older relayer's wrong fields): 21,000 gas cannot even pay
      // for its calldata. The node answers, and refuses it every time.
      const wallet = new Wallet(config.privateKey, ethers.provider);
      const nonce = await ethers.provider.getTransactionCount(wallet.address, "pending");
      const rawTransaction = await wallet.signTransaction({
        to: world.zoneAddress,
        data: "0x" + "ff".repeat(1_000),
        nonce,
        gasLimit: 21_000,
        chainId: world.chainId,
        gasPrice: (await ethers.provider.getFeeData()).gasPrice!,
      });
      const refused = relayer.store.createBatch(
        { zone: world.zoneAddress, kind: "vote", nonce, txHash: keccak256(rawTransaction), rawTransaction },
        [body.nullifier],
      );

      // Each step tries it again; the fifth refusal in a row gives it up and queues the vote again.
      for (let step = 1; step <= 4; step++) {
        await relayer.submitter.step();
        expect(
          relayer.store.pendingBatches().map(({ id }) => id),
          `step ${step}`,
        ).to.deep.equal([refused]);
      }
      await relayer.submitter.step();
      expect(relayer.store.submission(body.nullifier)).to.include({ status: "queued" });

      await relayer.submitter.step({ flush: true });
      expect(relayer.store.submission(body.nullifier)).to.include({ status: "confirmed" });
      expect((await world.zone.getProposal(world.proposalId)).tally[1]).to.equal(1n);
    } finally {
      await relayer.close();
    }
  });

  it("re-sends a transaction left unmined with higher fees, same nonce, and counts its votes once", async function () {
    const { relayer } = await startTestRelayer(world, { ZONEDAO_RESEND_AFTER_MS: "100" });
    try {
      await setAutomine(false);
      const body = await voteBody(world, bob, 0);
      await post(relayer, "/v1/votes", body);
      await relayer.submitter.step({ flush: true });
      await new Promise((resolve) => setTimeout(resolve, 150));
      await relayer.submitter.step();
      const [batch] = relayer.store.pendingBatches();
      // At least one re-send (a slow machine may have made two): same nonce, fees rising each time.
      expect(batch!.attempts.length).to.be.at.least(2);
      const versions = batch!.attempts.map(({ rawTransaction }) => Transaction.from(rawTransaction));
      for (let i = 1; i < versions.length; i++) {
        expect(versions[i]!.nonce).to.equal(versions[0]!.nonce);
        expect(versions[i]!.maxFeePerGas! > versions[i - 1]!.maxFeePerGas!).to.equal(true);
      }
      const [first, second] = [versions[0], versions.at(-1)];
      expect(await ethers.provider.getTransaction(second!.hash!), "the node replaced the first").not.to.equal(
        null,
      );
      expect(second!.nonce).to.equal(first!.nonce);
      expect(second!.maxFeePerGas! > first!.maxFeePerGas!).to.equal(true);
      await mine();
      await relayer.submitter.step();
      const settled = relayer.store.submission(body.nullifier)!;
      expect(settled.status).to.equal("confirmed");
      expect(settled.txHash).to.equal(batch!.attempts.at(-1)!.txHash);
      expect((await world.zone.getProposal(world.proposalId)).tally[0]).to.equal(1n);
    } finally {
      await relayer.close();
    }
  });

  it("splits a batch whose gas the node cannot estimate, and drops the one vote that still cannot be sent, with its reason", async function () {
    const { relayer } = await startTestRelayer(world);
    const port = Number(new URL(world.bridge.url).port);
    try {
      const votes = [
        await voteBody(world, alice, 1),
        await voteBody(world, bob, 1),
        await voteBody(world, carol, 2),
        await voteBody(world, dave, 1),
      ];
      for (const vote of votes) expect((await post(relayer, "/v1/votes", vote)).status).to.equal(202);
      // A node that cannot estimate any transaction carrying bob's vote and says only that, as it
      // does of one above the gas cap: an error without revert data.
      const poisoned = BigInt(votes[1]!.nullifier).toString(16).padStart(64, "0");
      await world.bridge.close();
      world.bridge = await startRpcBridge({
        port,
        rewrite: (method, result, params) => {
          const data = (params[0] as { data?: string } | undefined)?.data ?? "";
          if (method === "eth_estimateGas" && data.includes(poisoned))
            throw new Error("gas required exceeds allowance (16777216)");
          return result;
        },
      });

      // Verified votes go with a fixed gas limit, unestimated; this path is a zone's after a
      // batch held a proof it refused.
      relayer.submitter.estimateVoteGas(await world.zone.getAddress());
      let steps = 0;
      for (; steps < 20 && relayer.store.countByStatus().queued > 0; ++steps) {
        await relayer.submitter.step({ flush: true });
      }
      expect(relayer.store.countByStatus().queued, "nothing left in the queue").to.equal(0);
      // 4 -> 2 -> alice alone, then bob's 3 tries alone, carol, dave: no batch is tried forever.
      expect(steps).to.be.at.most(12);
      for (const vote of [votes[0]!, votes[2]!, votes[3]!]) {
        expect(relayer.store.submission(vote.nullifier)!.status).to.equal("confirmed");
      }
      const dropped = relayer.store.submission(votes[1]!.nullifier)!;
      expect(dropped.status).to.equal("rejected");
      expect(dropped.reason).to.include("its gas estimate failed").and.include("(3 tries)");
      expect(dropped.reason, dropped.reason ?? "").to.include("gas required exceeds allowance");
      const { tally } = await world.zone.getProposal(world.proposalId);
      expect([tally[1], tally[2]]).to.deep.equal([2n, 1n]);
    } finally {
      await relayer.close();
    }
  });

  it("lets two relayers race on the same votes: each vote counts once and both report it confirmed", async function () {
    const [{ relayer: first }, { relayer: second }] = [
      await startTestRelayer(world),
      await startTestRelayer(world),
    ];
    try {
      const bodies = [
        await voteBody(world, alice, 1),
        await voteBody(world, bob, 1),
        await voteBody(world, carol, 0),
      ];
      for (const body of bodies) {
        expect((await post(first, "/v1/votes", body)).status).to.equal(202);
        expect((await post(second, "/v1/votes", body)).status).to.equal(202);
      }
      // Both batches in the same block: the second one's votes are skipped as already used.
      await setAutomine(false);
      await first.submitter.step({ flush: true });
      await second.submitter.step({ flush: true });
      await mine();
      await setAutomine(true);
      await first.submitter.step();
      await second.submitter.step();
      for (const body of bodies) {
        const [a, b] = [first.store.submission(body.nullifier)!, second.store.submission(body.nullifier)!];
        expect(a.status).to.equal("confirmed");
        expect(b.status).to.equal("confirmed");
        expect(b.txHash, "both name the transaction that counted it").to.equal(a.txHash);
      }
      const { tally } = await world.zone.getProposal(world.proposalId);
      expect(tally.map(Number)).to.deep.equal([1, 2, 0]);
      const cast = await world.zone.queryFilter(world.zone.filters.VoteCast(world.proposalId));
      expect(cast).to.have.length(3);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it("settles confirmed a vote counted elsewhere between its 202 and its batch, from the zone's skip, with the transaction that counted it", async function () {
    const [{ relayer: first }, { relayer: other }] = [
      await startTestRelayer(world),
      await startTestRelayer(world),
    ];
    try {
      const countedElsewhere = await voteBody(world, alice, 1);
      const fresh = await voteBody(world, bob, 2);
      for (const body of [countedElsewhere, fresh]) {
        expect((await post(first, "/v1/votes", body)).status).to.equal(202);
      }
      // After the first relayer's intake checked the nullifier, another relayer counts the vote.
      expect((await post(other, "/v1/votes", countedElsewhere)).status).to.equal(202);
      await other.submitter.step({ flush: true });
      const landed = other.store.submission(countedElsewhere.nullifier)!;
      expect(landed.status).to.equal("confirmed");

      // The first relayer's batch still carries it (its nullifier is not asked again before
      // sending): the zone skips it, counts the other, and the receipt settles both.
      await first.submitter.step({ flush: true });
      const skipped = first.store.submission(countedElsewhere.nullifier)!;
      const counted = first.store.submission(fresh.nullifier)!;
      expect(skipped).to.include({ status: "confirmed", txHash: landed.txHash });
      expect(counted.status).to.equal("confirmed");
      expect(counted.txHash).not.to.equal(landed.txHash);
      const rejected = await world.zone.queryFilter(world.zone.filters.VoteRejected(world.proposalId));
      expect(
        rejected.map((event) => [event.args.nullifier.toString(), Number(event.args.reason)]),
      ).to.deep.equal([[countedElsewhere.nullifier, 4]]);
      expect(rejected[0]!.transactionHash, "skipped in the first relayer's batch").to.equal(counted.txHash);
      const { tally } = await world.zone.getProposal(world.proposalId);
      expect(tally.map(Number)).to.deep.equal([0, 1, 1]);
    } finally {
      await first.close();
      await other.close();
    }
  });

  it("finishes the transaction in flight when stopped with SIGTERM", async function () {
    const environment = await relayerEnvironment(world, {
      ZONEDAO_BATCH_MAX_AGE_MS: "0",
      ZONEDAO_POLL_INTERVAL_MS: "50",
    });
    const child = spawnRelayer(environment);
    const client = new RelayerClient(await child.url);
    await setAutomine(false);
    const body = await voteBody(world, alice, 2);
    await client.submitVote(body);
    while ((await client.voteStatus(body.nullifier)).status !== "submitted") {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(child.child.exitCode, "still waiting for its transaction").to.equal(null);
    await mine();
    expect(await child.exited).to.equal(0);
    const store = new RelayerStore(environment.ZONEDAO_RELAYER_DB!);
    try {
      expect(store.submission(body.nullifier)).to.include({ status: "confirmed" });
    } finally {
      store.close();
    }
    expect((await world.zone.getProposal(world.proposalId)).tally[2]).to.equal(1n);
  });
});

describe("relayer in-flight window", function () {
  let world: RelayerWorld;

  beforeEach(async function () {
    world = await relayerWorld();
  });
  afterEach(async function () {
    await setAutomine(true);
    await world.bridge.close();
  });

  /** A signed transaction no node takes (21,000 gas cannot pay for its calldata), at `nonce`. */
  async function refusedTransaction(privateKey: string, nonce: number): Promise<string> {
    return new Wallet(privateKey, ethers.provider).signTransaction({
      to: world.zoneAddress,
      data: "0x" + "ff".repeat(1_000),
      nonce,
      gasLimit: 21_000,
      chainId: world.chainId,
      gasPrice: (await ethers.provider.getFeeData()).gasPrice!,
    });
  }

  it("sends several batches before any is mined, with consecutive nonces, and a dropped one strands none after it", async function () {
    const { relayer } = await startTestRelayer(world, { ZONEDAO_BATCH_MAX_VOTES: "1" });
    try {
      await setAutomine(false); // after the relayer's key is funded
      const bodies = [
        await voteBody(world, alice, 1),
        await voteBody(world, bob, 0),
        await voteBody(world, carol, 1),
      ];
      for (const body of bodies) expect((await post(relayer, "/v1/votes", body)).status).to.equal(202);
      await relayer.submitter.step({ flush: true });
      const batches = relayer.store.pendingBatches();
      expect(batches, "three transactions in flight at once").to.have.length(3);
      const first = batches[0]!.nonce;
      expect(batches.map(({ nonce }) => nonce)).to.deep.equal([first, first + 1, first + 2]);
      for (const body of bodies)
        expect(relayer.store.submission(body.nullifier)!.status).to.equal("submitted");
      // Each vote rides in exactly one of them.
      const carried = batches.map(({ id }) => relayer.store.batchSubmissions(id).map((s) => s.nullifier));
      expect(carried.flat().sort()).to.deep.equal(bodies.map((body) => body.nullifier).sort());

      // The node loses the first: the two after it cannot be mined until it is back.
      const dropped = batches[0]!.attempts[0]!.txHash;
      await connection.provider.request({ method: "hardhat_dropTransaction", params: [dropped] });
      await relayer.submitter.step();
      expect(await ethers.provider.getTransaction(dropped), "sent again from the stored bytes").not.to.equal(
        null,
      );
      await mine();
      await relayer.submitter.step();
      for (const body of bodies)
        expect(relayer.store.submission(body.nullifier)!.status).to.equal("confirmed");
      expect(relayer.store.pendingBatches()).to.have.length(0);
      expect((await world.zone.getProposal(world.proposalId)).tally.map(Number)).to.deep.equal([1, 2, 0]);
    } finally {
      await relayer.close();
    }
  });

  it("keeps no more than ZONEDAO_MAX_IN_FLIGHT unmined, and sends the rest as slots free up", async function () {
    const { relayer } = await startTestRelayer(world, {
      ZONEDAO_BATCH_MAX_VOTES: "1",
      ZONEDAO_MAX_IN_FLIGHT: "2",
    });
    try {
      await setAutomine(false); // after the relayer's key is funded
      const bodies = [
        await voteBody(world, alice, 2),
        await voteBody(world, bob, 2),
        await voteBody(world, carol, 2),
      ];
      for (const body of bodies) await post(relayer, "/v1/votes", body);
      await relayer.submitter.step({ flush: true });
      expect(relayer.store.pendingBatches()).to.have.length(2);
      expect(relayer.store.countByStatus()).to.include({ queued: 1, submitted: 2 });
      await mine();
      await relayer.submitter.step({ flush: true });
      expect(relayer.store.countByStatus()).to.include({ confirmed: 2, submitted: 1 });
      await mine();
      await relayer.submitter.step();
      expect(relayer.store.countByStatus()).to.include({ confirmed: 3, queued: 0, submitted: 0 });
      expect((await world.zone.getProposal(world.proposalId)).tally[2]).to.equal(3n);
    } finally {
      await relayer.close();
    }
  });

  it("fills the nonce of a transaction given up below others in flight, with the requeued votes", async function () {
    const { relayer, config } = await startTestRelayer(world);
    try {
      await setAutomine(false); // after the relayer's key is funded
      const [stuck, next] = [await voteBody(world, alice, 1), await voteBody(world, bob, 1)];
      expect((await post(relayer, "/v1/votes", stuck)).status).to.equal(202);
      const wallet = new Wallet(config.privateKey);
      const nonce = await ethers.provider.getTransactionCount(wallet.address, "latest");
      const raw = await refusedTransaction(config.privateKey, nonce);
      relayer.store.createBatch(
        { zone: world.zoneAddress, kind: "vote", nonce, txHash: keccak256(raw), rawTransaction: raw },
        [stuck.nullifier],
      );
      expect((await post(relayer, "/v1/votes", next)).status).to.equal(202);
      await relayer.submitter.step({ flush: true });
      const after = relayer.store.pendingBatches().find((batch) => batch.nonce !== nonce)!;
      expect(after.nonce, "numbered from the store, after the one it holds").to.equal(nonce + 1);

      // Refused five times in a row: given up, and its nonce, below one in flight, filled at once.
      for (let step = 0; step < 4; step++) await relayer.submitter.step();
      const filler = relayer.store.pendingBatches().find((batch) => batch.nonce === nonce)!;
      expect(filler.attempts[0]!.txHash).not.to.equal(keccak256(raw));
      expect(relayer.store.batchSubmissions(filler.id).map((s) => s.nullifier)).to.deep.equal([
        stuck.nullifier,
      ]);
      await mine();
      await relayer.submitter.step();
      for (const body of [stuck, next]) {
        expect(relayer.store.submission(body.nullifier)!.status).to.equal("confirmed");
      }
      expect((await world.zone.getProposal(world.proposalId)).tally[1]).to.equal(2n);
    } finally {
      await relayer.close();
    }
  });

  it("fills a hole with an empty transfer when nothing waits to be sent", async function () {
    const { relayer, config } = await startTestRelayer(world);
    try {
      await setAutomine(false); // after the relayer's key is funded
      const wallet = new Wallet(config.privateKey);
      const nonce = await ethers.provider.getTransactionCount(wallet.address, "latest");
      const raw = await refusedTransaction(config.privateKey, nonce);
      // A transaction without submissions (as a refund claim or an admit) that no node takes.
      relayer.store.createBatch(
        { zone: world.zoneAddress, kind: "claim", nonce, txHash: keccak256(raw), rawTransaction: raw },
        [],
      );
      const body = await voteBody(world, carol, 0);
      await post(relayer, "/v1/votes", body);
      await relayer.submitter.step({ flush: true });
      for (let step = 0; step < 4; step++) await relayer.submitter.step();
      const filler = relayer.store.pendingBatches().find((batch) => batch.nonce === nonce)!;
      expect(filler.kind).to.equal("fill");
      const transaction = Transaction.from(filler.attempts[0]!.rawTransaction);
      expect([transaction.to, transaction.data, transaction.value]).to.deep.equal([wallet.address, "0x", 0n]);
      await mine();
      await relayer.submitter.step();
      expect(relayer.store.submission(body.nullifier)!.status).to.equal("confirmed");
      expect(relayer.store.pendingBatches()).to.have.length(0);
    } finally {
      await relayer.close();
    }
  });

  it("requeues the votes of a nonce another process took, keeps the batches after it, and counts each once", async function () {
    const { relayer, config } = await startTestRelayer(world, { ZONEDAO_BATCH_MAX_VOTES: "1" });
    try {
      await setAutomine(false); // after the relayer's key is funded
      const bodies = [await voteBody(world, dave, 1), await voteBody(world, alice, 0)];
      for (const body of bodies) await post(relayer, "/v1/votes", body);
      await relayer.submitter.step({ flush: true });
      const [taken, kept] = relayer.store.pendingBatches();
      // Another process with the same key replaces the first transaction in the pool (higher fees).
      const theirs = Transaction.from(taken!.attempts[0]!.rawTransaction);
      const other = new Wallet(config.privateKey, ethers.provider);
      await other.sendTransaction({
        to: other.address,
        nonce: taken!.nonce,
        gasLimit: 21_000,
        maxFeePerGas: theirs.maxFeePerGas! * 2n,
        maxPriorityFeePerGas: theirs.maxPriorityFeePerGas! * 2n,
      });
      await mine();
      await relayer.submitter.step();
      const [lost, carried] = [taken, kept].map((batch) => relayer.store.batchSubmissions(batch!.id));
      expect(carried).to.have.length(0); // settled: the batch after it was mined
      expect(lost).to.have.length(0);
      const first = relayer.store.submission(bodies[0]!.nullifier)!;
      const second = relayer.store.submission(bodies[1]!.nullifier)!;
      expect(second.status).to.equal("confirmed");
      expect(first.status, "back in the queue, under a new nonce").to.be.oneOf(["queued", "submitted"]);
      await relayer.submitter.step({ flush: true });
      const [resent] = relayer.store.pendingBatches();
      expect(resent!.nonce).to.equal(kept!.nonce + 1);
      await mine();
      await relayer.submitter.step();
      expect(relayer.store.submission(bodies[0]!.nullifier)!.status).to.equal("confirmed");
      const cast = await world.zone.queryFilter(world.zone.filters.VoteCast(world.proposalId));
      expect(cast).to.have.length(2);
    } finally {
      await relayer.close();
    }
  });

  it("loses nothing when killed with three batches unmined, and counts each vote once after the restart", async function () {
    const environment = await relayerEnvironment(world, {
      ZONEDAO_BATCH_MAX_VOTES: "1",
      ZONEDAO_BATCH_MAX_AGE_MS: "0",
      ZONEDAO_POLL_INTERVAL_MS: "50",
    });
    await setAutomine(false); // after the relayer's key is funded
    const bodies = [
      await voteBody(world, alice, 0),
      await voteBody(world, bob, 1),
      await voteBody(world, carol, 2),
    ];
    let child = spawnRelayer(environment);
    const client = new RelayerClient(await child.url);
    for (const body of bodies) await client.submitVote(body);
    const submitted = async () => {
      const statuses = await Promise.all(bodies.map((body) => client.voteStatus(body.nullifier)));
      return statuses.every((status) => status.status === "submitted");
    };
    while (!(await submitted())) await new Promise((resolve) => setTimeout(resolve, 50));
    child.child.kill("SIGKILL");
    await child.exited;
    const store = new RelayerStore(environment.ZONEDAO_RELAYER_DB!);
    const pending = store.pendingBatches();
    store.close();
    expect(pending, "three unmined batches at the kill").to.have.length(3);
    // The node loses the middle one meanwhile: only the database still has it.
    await connection.provider.request({
      method: "hardhat_dropTransaction",
      params: [pending[1]!.attempts[0]!.txHash],
    });

    child = spawnRelayer(environment);
    const restarted = new RelayerClient(await child.url);
    // Blocks until all three are settled (the first may be mined before the lost one is back).
    const settled = async () => {
      const statuses = await Promise.all(bodies.map((body) => restarted.voteStatus(body.nullifier)));
      return statuses.every((status) => status.status === "confirmed" || status.status === "rejected");
    };
    while (!(await settled())) {
      await mine();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const body of bodies) {
      expect((await restarted.voteStatus(body.nullifier)).status, body.nullifier).to.equal("confirmed");
    }
    child.child.kill("SIGTERM");
    expect(await child.exited).to.equal(0);
    const cast = await world.zone.queryFilter(world.zone.filters.VoteCast(world.proposalId));
    expect(cast.map((event) => event.args.nullifier.toString()).sort()).to.deep.equal(
      bodies.map((body) => body.nullifier).sort(),
    );
    expect((await world.zone.getProposal(world.proposalId)).tally.map(Number)).to.deep.equal([1, 1, 1]);
  });
});

describe("relayer refunds", function () {
  it("claims the zone's refund for votes that counted, within the citizens' cap", async function () {
    const cap = parseEther("0.001");
    const world = await relayerWorld({ ...TEST_RULES, maxRelayerRefundPerVote: cap });
    const [funder] = await ethers.getSigners();
    await (await funder!.sendTransaction({ to: world.zoneAddress, value: parseEther("1") })).wait();
    const { relayer } = await startTestRelayer(world, { ZONEDAO_CLAIM_REFUND_ABOVE_WEI: "1" });
    try {
      const bodies = [await voteBody(world, alice, 1), await voteBody(world, bob, 1)];
      for (const body of bodies) await post(relayer, "/v1/votes", body);
      await relayer.submitter.step({ flush: true });
      // With nothing left to send, the next step claims the credit, as a batch of its own.
      await relayer.submitter.step();
      const refunds = await world.zone.queryFilter(world.zone.filters.RelayerRefunded(relayer.address));
      expect(refunds).to.have.length(1);
      const amount = refunds[0]!.args.amount;
      expect(amount > 0n && amount <= 2n * cap).to.equal(true);
      const [credited] = await world.zone.queryFilter(world.zone.filters.RelayerCredited(relayer.address));
      expect(credited!.args.votes).to.equal(2n);
      expect(await world.zone.relayerCredit(relayer.address)).to.equal(0n);
    } finally {
      await relayer.close();
      await world.bridge.close();
    }
  });
});

describe("relayer recovery and limits", function () {
  let world: RelayerWorld;
  before(async function () {
    world = await relayerWorld();
  });
  after(async function () {
    await setAutomine(true);
    await world.bridge.close();
  });

  it("never raises fees above ZONEDAO_MAX_FEE_GWEI when re-sending", async function () {
    const { relayer } = await startTestRelayer(world, {
      ZONEDAO_RESEND_AFTER_MS: "100",
      ZONEDAO_MAX_FEE_GWEI: "5",
    });
    try {
      await setAutomine(false);
      await post(relayer, "/v1/votes", await voteBody(world, carol, 1));
      await relayer.submitter.step({ flush: true });
      for (let i = 0; i < 4; i++) {
        await new Promise((resolve) => setTimeout(resolve, 120));
        await relayer.submitter.step();
      }
      const [batch] = relayer.store.pendingBatches();
      const fees = batch!.attempts.map(
        ({ rawTransaction }) => Transaction.from(rawTransaction).maxFeePerGas!,
      );
      for (const fee of fees) expect(fee <= 5_000_000_000n, `fee ${fee}`).to.equal(true);
      expect(
        fees.filter((fee) => fee === 5_000_000_000n).length,
        "stops re-sending at the cap",
      ).to.be.at.most(1);
      await mine();
      await relayer.submitter.step();
      expect(relayer.store.pendingBatches()).to.have.length(0);
    } finally {
      await setAutomine(true);
      await relayer.close();
    }
  });

  it("confirms a proposal another relayer landed first, with its id", async function () {
    const [{ relayer: first }, { relayer: second }] = [
      await startTestRelayer(world),
      await startTestRelayer(world),
    ];
    try {
      const { proposalRequest, proveProposal, rebuildGroup } = await import("../../sdk/index.js");
      const options = [[{ target: world.zoneAddress, value: 0n, data: "0x" }]];
      const proof = await proveProposal(dave, await rebuildGroup(world.zone), {
        chainId: world.chainId,
        zone: world.zoneAddress,
        epoch: await world.zone.currentProposalEpoch(),
        slot: 0n,
        options,
        description: "Fix the well",
      });
      const request = proposalRequest(world.zoneAddress, options, "Fix the well", proof);
      // Each relayer sends as soon as it accepts: hold the blocks until both have accepted it.
      await setAutomine(false);
      expect((await post(first, "/v1/proposals", request)).status).to.equal(202);
      expect((await post(second, "/v1/proposals", request)).status).to.equal(202);
      await setAutomine(true);
      await mine();
      // One lands it; the other's transaction reverts or is refused before sending: both settle.
      const settled = (relayer: typeof first) =>
        ["confirmed", "rejected"].includes(relayer.store.submission(request.nullifier)!.status);
      for (let step = 0; step < 5 && !(settled(first) && settled(second)); step++) {
        await first.submitter.step({ flush: true });
        await second.submitter.step({ flush: true });
      }
      const [a, b] = [
        first.store.submission(request.nullifier)!,
        second.store.submission(request.nullifier)!,
      ];
      expect(a).to.include({ status: "confirmed" });
      expect(b).to.include({ status: "confirmed", proposalId: a.proposalId });
      expect(await world.zone.proposalCount()).to.equal(BigInt(a.proposalId!));
    } finally {
      await first.close();
      await second.close();
    }
  });

  it("puts back in the queue, at start, submissions whose transaction is no longer pending", function () {
    const store = new RelayerStore(":memory:");
    try {
      store.accept([
        { nullifier: "1", kind: "vote", zone: world.zoneAddress, proposalId: "1", payload: "{}" },
      ]);
      const batchId = store.createBatch(
        { zone: world.zoneAddress, kind: "vote", nonce: 0, txHash: "0x01", rawTransaction: "0x" },
        ["1"],
      );
      // As after a crash between marking the batch and requeueing its votes.
      store.transaction(() => store.finishBatch(batchId, "mined"));
      expect(store.submission("1")!.status).to.equal("submitted");
      expect(store.requeueOrphans()).to.equal(1);
      expect(store.submission("1")!.status).to.equal("queued");
    } finally {
      store.close();
    }
  });

  it("tells counted votes from its index only for proposals created since it indexes votes", function () {
    const store = new RelayerStore(":memory:");
    try {
      const zone = world.zoneAddress;
      const indexer = new ZoneIndexer(
        store,
        ethers.provider,
        [zone],
        { fromBlock: 0, confirmations: 1 },
        relayerLogger("silent"),
      );
      // An index made before votes were indexed had reached block 100 when it began to.
      store.setCastVotesFrom(zone, 100);
      store.setCastVotesFrom(zone, 0); // kept: the first block it began at
      store.addCastVotes(zone, ["5"]);
      expect(indexer.isVoteCast(zone, { createdBlock: 99 }, "5"), "older: ask the node").to.equal(undefined);
      expect(indexer.isVoteCast(zone, { createdBlock: 100 }, "5")).to.equal(true);
      expect(indexer.isVoteCast(zone, { createdBlock: 100 }, "6")).to.equal(false);
      expect(indexer.isVoteCast(`0x${"12".repeat(20)}`, { createdBlock: 100 }, "5"), "another zone").to.equal(
        undefined,
      );
    } finally {
      store.close();
    }
  });

  it("keeps accepted votes while its chain node is down, answers 503 for what needs the node, and resumes when it is back", async function () {
    const { relayer } = await startTestRelayer(world);
    const port = Number(new URL(world.bridge.url).port);
    try {
      const first = await voteBody(world, alice, 2);
      const second = await voteBody(world, bob, 2);
      expect((await post(relayer, "/v1/votes", first)).status).to.equal(202);
      await world.bridge.close(); // the node goes away

      // A vote on an indexed proposal is checked against the index alone: accepted, and kept.
      expect((await post(relayer, "/v1/votes", second)).status).to.equal(202);
      // One on a proposal the index does not hold needs the node.
      const unknown = await post(relayer, "/v1/votes", { ...second, proposalId: "999" });
      expect(unknown.status).to.equal(503);
      expect(unknown.body).to.include({ error: "chain_unavailable" });
      expect((await get(relayer, "/v1/health")).status).to.equal(503);
      const failedStep = await relayer.submitter.step({ flush: true }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failedStep, "the step fails while the node is down").to.be.instanceOf(Error);
      for (const vote of [first, second]) {
        expect(relayer.store.submission(vote.nullifier)!.status).to.equal("queued");
      }

      world.bridge = await startRpcBridge({ port }); // the node is back, same URL
      await relayer.submitter.step({ flush: true });
      for (const vote of [first, second]) {
        expect(relayer.store.submission(vote.nullifier)!.status).to.equal("confirmed");
      }
      expect((await world.zone.getProposal(world.proposalId)).tally[2]).to.equal(2n);
    } finally {
      await relayer.close();
    }
  });

  it("settles only ZONEDAO_CONFIRMATIONS blocks deep, and sends again a batch a reorg took away", async function () {
    const { relayer } = await startTestRelayer(world, { ZONEDAO_CONFIRMATIONS: "2" });
    try {
      // A proposal in the latest block is not trusted yet: votes on it wait for the next block.
      const fresh = await proposeAs(world, carol, [[payFromZone(world)]], "Fix the bridge", 1n);
      const forTally = async () => (await world.zone.getProposal(fresh)).tally[1];
      const body = await voteBody(world, alice, 1, fresh);
      const tooEarly = await post(relayer, "/v1/votes", body);
      expect(tooEarly.status).to.equal(409);
      expect(tooEarly.body).to.include({ error: "proposal_not_final" });
      await mine();
      expect((await post(relayer, "/v1/votes", body)).status).to.equal(202);

      await relayer.submitter.step({ flush: true });
      expect(await forTally(), "mined").to.equal(1n);
      await relayer.submitter.step();
      expect(relayer.store.submission(body.nullifier)!.status, "1 block deep").to.equal("submitted");

      // A mined batch waiting for depth does not hold the next one back.
      const next = await voteBody(world, bob, 1, fresh);
      expect((await post(relayer, "/v1/votes", next)).status).to.equal(202);
      const beforeNext = (await connection.provider.request({
        method: "evm_snapshot",
        params: [],
      })) as string;
      await relayer.submitter.step({ flush: true });
      expect(await forTally(), "the next batch mined too").to.equal(2n);
      await relayer.submitter.step();
      expect(relayer.store.submission(body.nullifier)!.status, "2 blocks deep").to.equal("confirmed");
      expect(relayer.store.submission(next.nullifier)!.status, "1 block deep").to.equal("submitted");
      const txHash = relayer.store.submission(next.nullifier)!.txHash!;

      // A reorg takes the second batch's block away.
      await connection.provider.request({ method: "evm_revert", params: [beforeNext] });
      expect(await forTally(), "reorganised away").to.equal(1n);
      await relayer.submitter.step();
      const receipt = await ethers.provider.getTransactionReceipt(txHash);
      expect(receipt, "the stored transaction, sent again").not.to.equal(null);
      expect(relayer.store.submission(next.nullifier)!.status).to.equal("submitted");
      await mine();
      await relayer.submitter.step();
      expect(relayer.store.submission(next.nullifier)).to.include({
        status: "confirmed",
        txHash,
        blockNumber: receipt!.blockNumber,
      });
      expect(await forTally()).to.equal(2n);
    } finally {
      await relayer.close();
    }
  });

  it("rate-limits IPv6 clients per /64", function () {
    expect(clientKey("2001:db8:1:2:aaaa::1")).to.equal(clientKey("2001:db8:1:2:bbbb:cccc:dddd:eeee"));
    expect(clientKey("2001:db8:1:3::1")).not.to.equal(clientKey("2001:db8:1:2::1"));
    expect(clientKey("127.0.0.1")).to.equal("127.0.0.1");
  });
});
