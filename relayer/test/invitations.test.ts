/**
 * POST /v1/invitations: a citizen's anonymous invitation of a newcomer, relayed like an anonymous
 * proposal (checked off chain, then by a simulated `invite`, stored before its 202, sent with
 * `invite`), and the relayer admitting ready requests of its zones when their delay is over.
 * Real proofs throughout; the zone's invitations are turned on by its own vote.
 */
import { expect } from "chai";
import {
  Identity,
  RelayerClient,
  admissionsOf,
  invitationRequest,
  proveInvitation,
  readAdmissionRequests,
  readAdmissionRules,
  rebuildGroup,
  setAdmissionRules,
  submitInvitation,
  type InvitationRequest,
} from "../../sdk/index.js";
import type { Relayer } from "../relayer.js";
import { alice, bob, carol, passProposal, time } from "../../test/zone-fixture.js";
import {
  get,
  post,
  relayerEnvironment,
  relayerWorld,
  spawnRelayer,
  startTestRelayer,
  type RelayerWorld,
} from "./relayer-fixture.js";

const INVITATIONS_PER_EPOCH = 2;

describe("relayer: invitations", function () {
  let world: RelayerWorld;
  let relayer: Relayer;

  before(async function () {
    world = await relayerWorld();
    // The zone's citizens turn invitations on (they are off by default).
    const rules = await readAdmissionRules(world.zone);
    const admissions = await world.zone.ADMISSIONS();
    await passProposal(
      world,
      [[setAdmissionRules(admissions, { ...rules, invitationsPerEpoch: INVITATIONS_PER_EPOCH })]],
      "Let citizens invite newcomers",
    );
    // Read every step, so a test sees a ready request admitted at its next step.
    ({ relayer } = await startTestRelayer(world, { ZONEDAO_ADMIT_INTERVAL_MS: "1" }));
  });

  after(async function () {
    await relayer?.close();
    await world?.bridge.close();
  });

  /** `inviter`'s invitation of `newcomer` in `slot` of `epoch` (the current one by default). */
  async function invitationBody(
    inviter: Identity,
    newcomer: Identity,
    slot = 0n,
    epoch?: bigint,
  ): Promise<InvitationRequest> {
    const invitation = await proveInvitation(inviter, await rebuildGroup(world.zone), {
      chainId: world.chainId,
      zone: world.zoneAddress,
      epoch: epoch ?? (await world.zone.currentProposalEpoch()),
      slot,
      newcomer: newcomer.commitment,
    });
    return invitationRequest(world.zoneAddress, invitation);
  }

  it("accepts an invitation (202), sends it with invite, reports its request id, and admits it once ready", async function () {
    const newcomer = new Identity("zonedao-relayer-newcomer-1");
    const body = await invitationBody(alice, newcomer);
    const accepted = await post(relayer, "/v1/invitations", body);
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(202);
    expect(accepted.body).to.deep.equal({ nullifier: body.nullifier, status: "queued" });

    await relayer.submitter.step({ flush: true });
    const status = await get(relayer, `/v1/invitations/${body.nullifier}`);
    expect(status.body).to.include({ status: "confirmed", kind: "invitation" });
    const requests = await readAdmissionRequests(world.zone);
    const request = requests.find((each) => each.identityCommitments.includes(newcomer.commitment))!;
    expect(request).to.include({ path: "invitation", status: "pending" });
    expect(status.body.proposalId).to.equal(request.requestId.toString());
    expect(await world.zone.isMember(newcomer.commitment)).to.equal(false);

    // The same invitation again: refused, with its current status.
    const duplicate = await post(relayer, "/v1/invitations", body);
    expect(duplicate.status).to.equal(409);
    expect(duplicate.body).to.include({ error: "duplicate_nullifier", status: "confirmed" });

    // Before the delay ends the relayer admits no one; after it, at its next step, without a request.
    await relayer.submitter.step();
    expect(await world.zone.isMember(newcomer.commitment)).to.equal(false);
    await time.increaseTo(request.readyAt);
    await relayer.submitter.step();
    expect(await world.zone.isMember(newcomer.commitment)).to.equal(true);
    const after = (await readAdmissionRequests(world.zone)).find(
      (each) => each.requestId === request.requestId,
    );
    expect(after?.status).to.equal("admitted");
  });

  it("refuses an invalid proof, a wrong epoch, a slot out of range, a used nullifier and a citizen, each with its code", async function () {
    const newcomer = new Identity("zonedao-relayer-newcomer-2");
    const other = new Identity("zonedao-relayer-newcomer-3");
    const body = await invitationBody(bob, newcomer);

    // The proof is for `newcomer`: inviting someone else with it does not verify.
    const swapped = await post(relayer, "/v1/invitations", {
      ...body,
      identityCommitment: other.commitment.toString(),
    });
    expect(swapped.status).to.equal(422);
    expect(swapped.body).to.include({ error: "invalid_proof" });

    const epoch = await world.zone.currentProposalEpoch();
    const nextEpoch = await post(
      relayer,
      "/v1/invitations",
      await invitationBody(bob, newcomer, 0n, epoch + 1n),
    );
    expect(nextEpoch.status).to.equal(422);
    expect(nextEpoch.body).to.include({ error: "wrong_epoch" });

    const beyond = BigInt(INVITATIONS_PER_EPOCH);
    const outOfRange = await post(relayer, "/v1/invitations", await invitationBody(bob, newcomer, beyond));
    expect(outOfRange.status).to.equal(422);
    expect(outOfRange.body).to.include({ error: "slot_out_of_range" });

    // Submitted on chain by someone else first: its nullifier is used.
    const direct = await proveInvitation(carol, await rebuildGroup(world.zone), {
      chainId: world.chainId,
      zone: world.zoneAddress,
      epoch,
      slot: 1n,
      newcomer: other.commitment,
    });
    await submitInvitation(world.zone, world.relayer, direct);
    const used = await post(relayer, "/v1/invitations", invitationRequest(world.zoneAddress, direct));
    expect(used.status).to.equal(409);
    expect(used.body).to.include({ error: "duplicate_nullifier" });

    // A citizen already: its admission could never run, so the slot is not spent on it.
    const member = await post(relayer, "/v1/invitations", await invitationBody(bob, carol));
    expect(member.status).to.equal(409);
    expect(member.body).to.include({ error: "already_a_member" });
  });

  it("refuses an unknown zone (404) and malformed requests (400)", async function () {
    const body = await invitationBody(carol, new Identity("zonedao-relayer-newcomer-4"));
    const elsewhere = await post(relayer, "/v1/invitations", {
      ...body,
      zone: "0x000000000000000000000000000000000000dEaD",
    });
    expect(elsewhere.status).to.equal(404);
    expect(elsewhere.body).to.include({ error: "unknown_zone" });
    const malformed: [string, unknown][] = [
      ["a missing commitment", { ...body, identityCommitment: undefined }],
      ["an unknown field", { ...body, option: "1" }],
      ["a commitment that is not a decimal", { ...body, identityCommitment: "0x12" }],
      ["a commitment of 0", { ...body, identityCommitment: "0" }],
      ["a depth of 33", { ...body, merkleTreeDepth: "33" }],
      ["seven proof values", { ...body, proof: body.proof.slice(1) }],
    ];
    for (const [what, payload] of malformed) {
      const response = await post(relayer, "/v1/invitations", payload);
      expect(response.status, what).to.equal(400);
      expect(response.body, what).to.include({ error: "malformed_request" });
    }
    expect((await get(relayer, "/v1/invitations/12345")).body).to.include({ error: "unknown_nullifier" });
  });

  it("lands an invitation accepted before SIGKILL once it restarts", async function () {
    const newcomer = new Identity("zonedao-relayer-newcomer-5");
    const environment = await relayerEnvironment(world, { ZONEDAO_ADMIT_INTERVAL_MS: "0" });
    const first = spawnRelayer(environment);
    const body = await invitationBody(carol, newcomer);
    const client = new RelayerClient(await first.url);
    expect((await client.submitInvitation(body)).status).to.equal("queued");
    first.child.kill("SIGKILL");
    await first.exited;

    const second = spawnRelayer({ ...environment, ZONEDAO_POLL_INTERVAL_MS: "50" });
    const restarted = new RelayerClient(await second.url);
    const landed = await restarted.waitForInvitation(body.nullifier);
    expect(landed.status, landed.reason ?? "").to.equal("confirmed");
    const admissions = await admissionsOf(world.zone);
    const requested = await admissions.queryFilter(admissions.filters.AdmissionRequested(world.zoneAddress));
    const mine = requested.filter((log) => log.args.identityCommitments.includes(newcomer.commitment));
    expect(mine).to.have.length(1);
    second.child.kill("SIGTERM");
    expect(await second.exited).to.equal(0);
  });
});
