/**
 * `zonedao dividend list` and `zonedao dividend claim`, run as processes against the tests' chain:
 * a round opened by the citizens' vote, claimed through a relayer to a fresh address (no gas, no
 * account of the citizen's), directly with --key, and with --no-wait; refusals a person can act on.
 */
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet, ZeroAddress, parseEther } from "ethers";
import { Identity, RelayerClient, exportIdentity, openDividendRound, zoneAt } from "../sdk/index.js";
import { startCliRelayer, stopCliRelayer, zonedao, zonedaoJson } from "./cli-fixture.js";
import { startRpcBridge, type RpcBridge } from "./rpc-bridge.js";
import { ethers, time } from "./zone-fixture.js";

interface ListedRound {
  roundId: string;
  claimedCount: string;
  eligibleCount: string;
  owed: string;
  status: string;
}

describe("zonedao dividend", function () {
  let bridge: RpcBridge;
  let key: string;
  let deploymentPath: string;
  let zone: string;
  const citizens = [0, 1, 2].map(() => new Identity());
  const identities = citizens.map((citizen) => exportIdentity(citizen));
  const perCitizen = parseEther("0.5");
  let inZone: string[];

  before(async function () {
    bridge = await startRpcBridge();
    const wallet = Wallet.createRandom();
    const [funder] = await ethers.getSigners();
    await (await funder!.sendTransaction({ to: wallet.address, value: parseEther("100") })).wait();
    key = wallet.privateKey;
    deploymentPath = join(mkdtempSync(join(tmpdir(), "zonedao-cli-dividend-")), "deployment.json");
    await zonedaoJson(["deploy", "--rpc", bridge.url, "--key", key, "--deployment", deploymentPath]);
    const created = await zonedaoJson<{ address: string }>([
      "zone",
      "create",
      "--deployment",
      deploymentPath,
      "--key",
      key,
      "--name",
      "Orchard",
      "--voting-period",
      "3600",
      "--execution-delay",
      "60",
      "--quorum-bps",
      "5000",
    ]);
    zone = created.address;
    const commitments = citizens.flatMap((citizen) => ["--commitment", citizen.commitment.toString()]);
    await zonedaoJson([
      "member",
      "add",
      "--deployment",
      deploymentPath,
      "--zone",
      "Orchard",
      "--key",
      key,
      ...commitments,
    ]);
    await (await funder!.sendTransaction({ to: zone, value: parseEther("2") })).wait();

    // The citizens vote a round of 0.5 ETH each, claimable for a day.
    inZone = ["--deployment", deploymentPath, "--zone", "Orchard", "--key", key];
    const round = openDividendRound(zone, ZeroAddress, perCitizen, 86_400);
    const actionsFile = join(mkdtempSync(join(tmpdir(), "zonedao-cli-dividend-")), "round.json");
    writeFileSync(actionsFile, JSON.stringify([[{ ...round, value: round.value.toString() }]]));
    const { proposalId } = await zonedaoJson<{ proposalId: string }>([
      "propose",
      ...inZone,
      "--identity",
      identities[0]!,
      "--title",
      "Share the harvest",
      "--actions",
      actionsFile,
    ]);
    for (const identity of identities.slice(0, 2)) {
      await zonedaoJson([
        "vote",
        ...inZone,
        "--proposal",
        proposalId,
        "--option",
        "for",
        "--identity",
        identity,
      ]);
    }
    await time.increaseTo((await zoneAt(zone, ethers.provider).getProposal(BigInt(proposalId))).voteEnd);
    await zonedaoJson(["execute", ...inZone, "--proposal", proposalId]);
    await time.increase(61);
    await zonedaoJson(["execute", ...inZone, "--proposal", proposalId]);
  });

  after(async function () {
    await bridge?.close();
  });

  const listed = async () =>
    (
      await zonedaoJson<{ rounds: ListedRound[] }>([
        "dividend",
        "list",
        "--deployment",
        deploymentPath,
        "--zone",
        "Orchard",
      ])
    ).rounds;

  it("lists the round the citizens opened", async function () {
    const run = await zonedao(["dividend", "list", "--deployment", deploymentPath, "--zone", "Orchard"]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(
      /^#1 {2}0\.5 ETH per citizen {2}until \S+ {2}claimed 0\/3 {2}still owes 1\.5 ETH {2}open {2}\(proposal #1\)\n$/,
    );
    const rounds = await listed();
    expect(rounds).to.have.length(1);
    expect(rounds[0]).to.include({
      roundId: "1",
      claimedCount: "0",
      eligibleCount: "3",
      owed: parseEther("1.5").toString(),
      status: "open",
    });
  });

  it("claims through a relayer to a fresh address, directly with --key, and with --no-wait; each citizen once", async function () {
    const { relayer, relayerUrl } = await startCliRelayer(deploymentPath, key);
    try {
      const fresh = Wallet.createRandom().address;
      const claim = (identity: string, to: string, ...more: string[]) =>
        zonedao([
          "dividend",
          "claim",
          "--deployment",
          deploymentPath,
          "--zone",
          "Orchard",
          "--round",
          "1",
          "--to",
          to,
          "--identity",
          identity,
          ...more,
        ]);

      const relayed = await claim(identities[0]!, fresh, "--relayer", relayerUrl);
      expect(relayed.code, relayed.stderr).to.equal(0);
      expect(relayed.stderr).to.include(`accepted by ${relayerUrl}`);
      // Proved from the relayer's buckets of the round's snapshot, not from the rebuilt group.
      expect(relayed.stderr).to.include("Merkle path from");
      expect(relayed.stdout).to.match(
        new RegExp(`^paid 0\\.5 ETH to ${fresh} for round 1 \\(tx 0x[0-9a-f]{64}, block \\d+\\)\\n$`),
      );
      expect(await ethers.provider.getBalance(fresh)).to.equal(perCitizen);

      // The same citizen again, to another address: refused before proving, with where it was paid.
      const again = await claim(identities[0]!, Wallet.createRandom().address, "--relayer", relayerUrl);
      expect(again.code).to.equal(1);
      expect(again.stderr).to.include(`this identity already claimed round 1: 0.5 ETH paid to ${fresh}`);

      // From an account of the citizen's (no relayer): the citizen pays the gas.
      const direct = Wallet.createRandom().address;
      const paid = await zonedaoJson<{ status: string; recipient: string }>([
        "dividend",
        "claim",
        "--deployment",
        deploymentPath,
        "--zone",
        zone,
        "--round",
        "1",
        "--to",
        direct,
        "--identity",
        identities[1]!,
        "--key",
        key,
      ]);
      expect(paid).to.include({ status: "confirmed", recipient: direct });
      expect(await ethers.provider.getBalance(direct)).to.equal(perCitizen);

      // --no-wait: accepted, and the relayer's status route says the rest.
      const last = Wallet.createRandom().address;
      const queued = await claim(identities[2]!, last, "--relayer", relayerUrl, "--no-wait", "--json");
      expect(queued.code, queued.stderr).to.equal(0);
      const { nullifier, status } = JSON.parse(queued.stdout) as { nullifier: string; status: string };
      expect(status).to.equal("queued");
      expect((await new RelayerClient(relayerUrl).waitForDividend(nullifier)).status).to.equal("confirmed");
      expect(await ethers.provider.getBalance(last)).to.equal(perCitizen);
    } finally {
      await stopCliRelayer(relayer);
    }
    expect((await listed())[0]).to.include({ claimedCount: "3", owed: "0", status: "exhausted" });
  });

  it("refuses an unknown round, a bad address and an exhausted round, each with a clear message", async function () {
    const base = ["dividend", "claim", "--deployment", deploymentPath, "--zone", "Orchard", "--key", key];
    const unknown = await zonedao([
      ...base,
      "--round",
      "7",
      "--to",
      Wallet.createRandom().address,
      "--identity",
      identities[0]!,
    ]);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.include(`${zone} has no dividend round 7`);

    const badAddress = await zonedao([
      ...base,
      "--round",
      "1",
      "--to",
      "0x1234",
      "--identity",
      identities[0]!,
    ]);
    expect(badAddress.code).to.equal(2);
    expect(badAddress.stderr).to.include('--to: "0x1234" is not an address');

    const late = await zonedao([
      ...base,
      "--round",
      "1",
      "--to",
      Wallet.createRandom().address,
      "--identity",
      exportIdentity(new Identity()),
    ]);
    expect(late.code).to.equal(1);
    // Every citizen claimed in the test before: said before proving anything.
    expect(late.stderr).to.include("every citizen of round 1 has claimed already");
  });
});
