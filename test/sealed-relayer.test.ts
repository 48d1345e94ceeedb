/**
 * A sealed proposal end to end through the relayer, with real ballots (the development key's
 * proofs): three tellers elected by the zone make their key (threshold 2); a citizen proposes sealed
 * through the relayer (refused for a term without a key, or with the term changed); eight citizens send
 * sealed ballots to a relayer, which checks each one (its proof by the chain's own verifier) before
 * its 202, keeps them through a SIGKILL and counts them in one castSealedVotes; nothing shows a count
 * while the vote is open; at the close teller 2 is offline, a wrong partial decryption is refused,
 * tellers 1 and 3 open the tally, the chain checks it, the proposal executes and the audit agrees.
 */
import { expect } from "chai";
import { parseEther, type Signer } from "ethers";
import {
  RelayerClient,
  RelayerRefusal,
  freeProposalSlot,
  proposalRequest,
  proveProposal,
  rebuildGroup,
  usedProposalNullifiers,
  type SealedVoteRequest,
  type ZoneAction,
} from "../sdk/index.js";
import { auditZone } from "../sdk/audit/index.js";
import {
  ballotBoxSums,
  partialDecrypt,
  partialDecryptionCall,
  proveSealedVote,
  sealedVoteRequest,
} from "../sdk/sealed.js";
import { completeSealedTally, postPartialDecryption } from "../sdk/tellers.js";
import { stopCeremonyThreads } from "../circuits/ceremony.js";
import { loadRelayerConfig } from "../relayer/config.js";
import { startRelayer, type Relayer } from "../relayer/relayer.js";
import {
  get,
  post,
  relayerEnvironment,
  spawnRelayer,
  type RelayerWorld,
} from "../relayer/test/relayer-fixture.js";
import { startRpcBridge } from "./rpc-bridge.js";
import {
  deploySealedZone,
  electTellers,
  sealedCitizens,
  tellerSigners,
  type ElectedTellers,
  type SealedWorld,
} from "./sealed-world.js";

const AGAINST = 0;
const FOR = 1;
const ABSTAIN = 2;
/** The eight citizens' choices: 5 For, 2 Against, 1 Abstain. */
const CHOICES = [FOR, FOR, AGAINST, FOR, ABSTAIN, FOR, AGAINST, FOR];

describe("sealed votes through the relayer", function () {
  this.timeout(10 * 60_000);

  let world: SealedWorld & RelayerWorld;
  let tellersTerm: ElectedTellers;
  let payee: Signer;
  let payment: ZoneAction;
  let environment: Record<string, string>;
  let relayer: Relayer;
  let ballots: SealedVoteRequest[];

  /** A citizen's sealed proposal through POST /v1/proposals, to `term` (the elected one by default). */
  async function proveSealedProposal(term: bigint) {
    const { zone, zoneAddress, chainId } = world;
    const epoch = await zone.currentProposalEpoch();
    const { proposalsPerEpoch } = await zone.rules();
    const place = { chainId, zone: zoneAddress, epoch };
    const free = freeProposalSlot(
      sealedCitizens,
      { ...place, proposalsPerEpoch },
      await usedProposalNullifiers(zone),
    )!;
    const options = [[payment]];
    const description = "Pay the well digger, sealed";
    const proof = await proveProposal(free.author, await rebuildGroup(zone), {
      ...place,
      slot: free.slot,
      options,
      description,
      tellersTerm: term,
    });
    return proposalRequest(zoneAddress, options, description, proof, term);
  }

  /** The sealed proposal, refused first for a term with no key, then accepted and landed. */
  async function proposeSealedThroughRelayer(): Promise<bigint> {
    const unready = await post(relayer, "/v1/proposals", await proveSealedProposal(tellersTerm.term + 5n));
    expect([unready.status, unready.body.error], JSON.stringify(unready.body)).to.deep.equal([
      422,
      "tellers_not_ready",
    ]);
    const body = await proveSealedProposal(tellersTerm.term);
    const moved = await post(relayer, "/v1/proposals", {
      ...body,
      tellersTerm: (tellersTerm.term + 1n).toString(),
    });
    expect([moved.status, moved.body.error], "a proof binds its term").to.deep.equal([422, "invalid_proof"]);
    expect((await post(relayer, "/v1/proposals", body)).status).to.equal(202);
    await relayer.submitter.step({ flush: true });
    const landed = await get(relayer, `/v1/proposals/submissions/${body.nullifier}`);
    expect(landed.body.status, String(landed.body.reason)).to.equal("confirmed");
    await relayer.indexer.sync();
    return BigInt(landed.body.proposalId as string);
  }

  before(async function () {
    const sealed = await deploySealedZone();
    tellersTerm = await electTellers(sealed, await tellerSigners(3), 2);
    const { deployer, zoneAddress } = sealed;
    await (await deployer.sendTransaction({ to: zoneAddress, value: parseEther("2") })).wait();
    payee = (await sealed.chain.ethers.getSigners())[7]!;
    payment = { target: await payee.getAddress(), value: parseEther("1"), data: "0x" };
    // The relayer starts first: the sealed proposal itself goes through it.
    world = { ...sealed, proposalId: 0n, bridge: await startRpcBridge() };
    environment = await relayerEnvironment(world);
    relayer = await startRelayer(loadRelayerConfig(environment));
    const proposalId = await proposeSealedThroughRelayer();
    world.proposalId = proposalId;

    const snapshot = await rebuildGroup(world.zone, { untilProposal: proposalId });
    ballots = [];
    for (const [index, citizen] of sealedCitizens.entries()) {
      const ballot = await proveSealedVote(world.circuit, citizen, snapshot, {
        chainId: world.chainId,
        zone: zoneAddress,
        proposalId,
        publicKey: tellersTerm.publicKey,
        option: CHOICES[index]!,
      });
      ballots.push(sealedVoteRequest(zoneAddress, ballot));
    }
  });

  after(async function () {
    await relayer?.close();
    await world?.bridge.close();
    await stopCeremonyThreads();
  });

  it("checks each sealed ballot before its 202, keeps the accepted ones through a SIGKILL, and counts them in one castSealedVotes", async function () {
    const { zoneAddress, proposalId, sealedBallots } = world;
    const election = proposalId - 1n; // the open proposal that elected the tellers

    // What the relayer refuses, each with its own answer.
    const openVote = {
      zone: zoneAddress,
      proposalId: proposalId.toString(),
      option: "1",
      nullifier: ballots[0]!.nullifier,
      merkleTreeDepth: "3",
      proof: Array<string>(8).fill("1"),
    };
    const refusals = [
      ["/v1/votes", openVote, 422, "sealed_proposal"],
      ["/v1/sealed-votes", { ...ballots[0]!, proposalId: election.toString() }, 422, "not_sealed"],
      [
        "/v1/sealed-votes",
        { ...ballots[0]!, proposalId: (proposalId + 9n).toString() },
        404,
        "unknown_proposal",
      ],
      [
        "/v1/sealed-votes",
        { ...ballots[1]!, ciphertexts: ballots[2]!.ciphertexts }, // another citizen's choice
        422,
        "invalid_proof",
      ],
      [
        "/v1/sealed-votes",
        { ...ballots[1]!, ciphertexts: ballots[1]!.ciphertexts.slice(1) },
        400,
        "malformed_request",
      ],
    ] as const;
    for (const [url, body, status, error] of refusals) {
      const answer = await post(relayer, url, body);
      expect([answer.status, answer.body.error], `${url} ${error}`).to.deep.equal([status, error]);
    }

    // The relayer's index says which proposal is sealed, and to which key.
    const listed = await get(relayer, `/v1/zones/${zoneAddress}/proposals`);
    const sealedness = (listed.body.proposals as { id: string; sealed: unknown }[]).map(({ id, sealed }) => [
      id,
      sealed,
    ]);
    expect(sealedness).to.deep.equal([
      [election.toString(), null],
      [
        proposalId.toString(),
        { term: tellersTerm.term.toString(), publicKey: tellersTerm.publicKey.map(String) },
      ],
    ]);

    // Five accepted by the relayer as its own process, a replay refused, then SIGKILL before any
    // is sent (its batch age is an hour).
    await relayer.close();
    const killed = spawnRelayer(environment);
    const client = new RelayerClient(await killed.url);
    for (const ballot of ballots.slice(0, 5)) {
      expect((await client.submitSealedVote(ballot)).status).to.equal("queued");
    }
    const replay = await client.submitSealedVote(ballots[0]!).catch((error: unknown) => error);
    expect(replay).to.be.instanceOf(RelayerRefusal);
    expect([(replay as RelayerRefusal).status, (replay as RelayerRefusal).code]).to.deep.equal([
      409,
      "duplicate_nullifier",
    ]);
    killed.child.kill("SIGKILL");
    await killed.exited;

    // Restarted on the same database: the five are still queued, three more join them.
    relayer = await startRelayer(loadRelayerConfig(environment));
    for (const ballot of ballots.slice(5)) {
      expect((await post(relayer, "/v1/sealed-votes", ballot)).status).to.equal(202);
    }
    const queued = await get(relayer, `/v1/sealed-votes/${ballots[0]!.nullifier}`);
    expect(queued.body.status).to.equal("queued");
    expect(queued.body.kind).to.equal("sealed");
    await relayer.submitter.step({ flush: true });

    const statuses = await Promise.all(
      ballots.map(async ({ nullifier }) => (await get(relayer, `/v1/sealed-votes/${nullifier}`)).body),
    );
    expect(statuses.map(({ status }) => status)).to.deep.equal(Array(8).fill("confirmed"));
    expect(new Set(statuses.map(({ txHash }) => txHash)).size).to.equal(1);
    const casts = await sealedBallots.queryFilter(
      sealedBallots.filters.SealedVoteCast(zoneAddress, proposalId),
    );
    expect(casts.map(({ args }) => args.nullifier.toString()).sort()).to.deep.equal(
      ballots.map(({ nullifier }) => nullifier).sort(),
    );

    // Counted once; the zone shows no count while the vote is open.
    const box = await sealedBallots.ballotBox(zoneAddress, proposalId);
    expect(box.ballots).to.equal(8n);
    expect((await world.zone.getProposal(proposalId)).tally).to.deep.equal([0n, 0n, 0n]);
    // A relayer that never saw a ballot finds its nullifier used on chain.
    const other = await startRelayer(loadRelayerConfig(await relayerEnvironment(world)));
    try {
      const used = await post(other, "/v1/sealed-votes", ballots[3]);
      expect([used.status, used.body.error, used.body.status]).to.deep.equal([
        409,
        "duplicate_nullifier",
        "confirmed",
      ]);
    } finally {
      await other.close();
    }
  });

  it("opens the tally with 2 of 3 tellers after the close, refuses a wrong partial decryption, and executes", async function () {
    const { zone, zoneAddress, proposalId, sealedBallots } = world;
    const { time } = world.chain.networkHelpers;
    await time.increaseTo((await zone.getProposal(proposalId)).voteEnd);
    await relayer.indexer.sync();
    const late = await post(relayer, "/v1/sealed-votes", ballots[0]);
    expect([late.status, late.body.error]).to.deep.equal([422, "proposal_not_active"]);

    const as = (teller: number) => sealedBallots.connect(tellersTerm.signers.get(teller));
    const sums = ballotBoxSums(await sealedBallots.ballotBox(zoneAddress, proposalId));
    const forged = partialDecrypt(3, tellersTerm.secretShares.get(3)! + 1n, sums);
    await expect(as(3).postPartialDecryption(zoneAddress, proposalId, ...partialDecryptionCall(forged)))
      .to.be.revertedWithCustomError(sealedBallots, "SealedWrongPartialDecryption")
      .withArgs(3n, 0n);
    // Teller 2 is offline; tellers 1 and 3 post, and anyone completes the tally.
    for (const teller of [1, 3]) {
      const place = { zone: zoneAddress, proposalId, sealedBallots: as(teller) };
      await postPartialDecryption(place, teller, tellersTerm.secretShares.get(teller)!);
    }
    const counts = await completeSealedTally({ zone: zoneAddress, proposalId, sealedBallots }, world.tellers);
    expect(counts).to.deep.equal([2, 5, 1]);

    await (await zone.queue(proposalId)).wait();
    await time.increaseTo((await zone.getProposal(proposalId)).eta);
    await expect(zone.execute(proposalId, [payment])).to.changeEtherBalance(
      world.chain.ethers,
      payee,
      parseEther("1"),
    );
    // The relayer's index shows the proposal executed with its tally.
    await relayer.indexer.sync();
    const detail = await get(relayer, `/v1/zones/${zoneAddress}/proposals/${proposalId}`);
    expect([detail.body.state, detail.body.tally]).to.deep.equal(["Executed", ["2", "5", "1"]]);

    const report = await auditZone(world.chain.ethers.provider, zoneAddress, {
      fromBlock: world.deployment.blockNumber,
    });
    expect(report.checks.filter((check) => !check.ok)).to.deep.equal([]);
    expect(report.checks.find((check) => check.name === "sealed tallies")?.items).to.equal(1);
  });
});
