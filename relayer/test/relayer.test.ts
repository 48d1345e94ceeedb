import { expect } from "chai";
import { Wallet } from "ethers";
import {
  RelayerClient,
  RelayerRefusal,
  SNARK_SCALAR_FIELD,
  invitationRequest,
  proposalRequest,
  proveInvitation,
  proveProposal,
  rebuildGroup,
  relayerSchemas,
  type ProposalList,
  type VoteRequest,
} from "../../sdk/index.js";
import { loadRelayerConfig, RelayerConfigError } from "../config.js";
import type { Relayer } from "../relayer.js";
import { TEST_RULES, alice, bob, carol, dave, outsider, connection, time } from "../../test/zone-fixture.js";
import { operations, responseSchema, schemaErrors, type OpenApiDocument } from "./openapi-check.js";
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

/** Every route of the API, as its OpenAPI document names them. */
const ROUTES = [
  "POST /v1/votes",
  "GET /v1/votes/{nullifier}",
  "POST /v1/sealed-votes",
  "GET /v1/sealed-votes/{nullifier}",
  "POST /v1/proposals",
  "GET /v1/proposals/submissions/{nullifier}",
  "POST /v1/invitations",
  "GET /v1/invitations/{nullifier}",
  "POST /v1/dividends",
  "GET /v1/dividends/{nullifier}",
  "GET /v1/zones",
  "GET /v1/zones/{zone}/members",
  "GET /v1/zones/{zone}/tree",
  "GET /v1/zones/{zone}/tree/buckets/{index}",
  "GET /v1/zones/{zone}/proposals",
  "GET /v1/zones/{zone}/proposals/{proposalId}",
  "GET /v1/health",
  "GET /metrics",
  "GET /v1/openapi.json",
];

describe("relayer", function () {
  let world: RelayerWorld;
  let relayer: Relayer;

  before(async function () {
    world = await relayerWorld();
    ({ relayer } = await startTestRelayer(world));
  });

  after(async function () {
    await relayer?.close();
    await world?.bridge.close();
  });

  describe("POST /v1/votes", function () {
    it("accepts a valid vote (202), sends it with castVotes and reports it confirmed", async function () {
      const body = await voteBody(world, alice, 1);
      const accepted = await post(relayer, "/v1/votes", body);
      expect(accepted.status).to.equal(202);
      expect(accepted.body).to.deep.equal({ nullifier: body.nullifier, status: "queued" });
      expect((await get(relayer, `/v1/votes/${body.nullifier}`)).body.status).to.equal("queued");

      await relayer.submitter.step({ flush: true });
      const status = await get(relayer, `/v1/votes/${body.nullifier}`);
      expect(status.body).to.include({
        status: "confirmed",
        kind: "vote",
        proposalId: world.proposalId.toString(),
      });
      expect(status.body.txHash).to.match(/^0x[0-9a-f]{64}$/);
      const receipt = await connection.ethers.provider.getTransactionReceipt(status.body.txHash as string);
      expect(receipt?.blockNumber).to.equal(status.body.blockNumber);
      const { tally } = await world.zone.getProposal(world.proposalId);
      expect(tally[1]).to.equal(1n);
    });

    it("refuses a nullifier it already accepted, with its current status (409)", async function () {
      const body = await voteBody(world, bob, 0);
      expect((await post(relayer, "/v1/votes", body)).status).to.equal(202);
      const queued = await post(relayer, "/v1/votes", body);
      expect(queued.status).to.equal(409);
      expect(queued.body).to.include({ error: "duplicate_nullifier", status: "queued" });
      await relayer.submitter.step({ flush: true });
      const confirmed = await post(relayer, "/v1/votes", body);
      expect(confirmed.status).to.equal(409);
      expect(confirmed.body).to.include({ error: "duplicate_nullifier", status: "confirmed" });
    });

    it("refuses a nullifier already used on chain by a vote sent without it, once indexed (409)", async function () {
      const body = await voteBody(world, carol, 2);
      await (await world.zone.castVote(body.proposalId, body.option, body.nullifier, body.proof)).wait();
      // Told by the index's VoteCast events, not by a call to the node: after the next sync.
      await relayer.indexer.sync();
      const refused = await post(relayer, "/v1/votes", body);
      expect(refused.status).to.equal(409);
      expect(refused.body.message).to.match(/already used on chain/);
    });

    it("refuses an invalid proof, a changed option and a non-citizen's proof (422)", async function () {
      const body = await voteBody(world, dave, 1);
      const tampered = {
        ...body,
        proof: body.proof.map((value, i) => (i === 7 ? String(BigInt(value) ^ 1n) : value)),
      };
      const changedOption = { ...body, option: "0" };
      const outsiders = await voteBody(world, outsider, 1).catch(() => undefined);
      expect(outsiders, "an outsider cannot even make a proof for the group").to.equal(undefined);
      for (const bad of [tampered, changedOption]) {
        const refused = await post(relayer, "/v1/votes", bad);
        expect(refused.status, JSON.stringify(refused.body)).to.be.oneOf([422, 400]);
        expect(refused.body.error).to.be.oneOf(["invalid_proof", "malformed_request"]);
      }
      const refused = await post(relayer, "/v1/votes", changedOption);
      expect(refused.body).to.include({ error: "invalid_proof" });
      expect(refused.body.message).to.match(/does not show that a citizen/);
      expect((await get(relayer, `/v1/votes/${body.nullifier}`)).status).to.equal(404);
    });

    it("refuses an option the proposal does not have and a depth other than its snapshot's (422)", async function () {
      const body = await voteBody(world, dave, 1);
      const badOption = await post(relayer, "/v1/votes", { ...body, option: "3" });
      expect(badOption.status).to.equal(422);
      expect(badOption.body).to.include({ error: "invalid_option" });
      const badDepth = await post(relayer, "/v1/votes", { ...body, merkleTreeDepth: "5" });
      expect(badDepth.status).to.equal(422);
      expect(badDepth.body).to.include({ error: "wrong_depth" });
    });

    it("refuses unknown zones and proposals (404)", async function () {
      const body = await voteBody(world, dave, 1);
      const unknownZone = await post(relayer, "/v1/votes", { ...body, zone: Wallet.createRandom().address });
      expect(unknownZone.status).to.equal(404);
      expect(unknownZone.body).to.include({ error: "unknown_zone" });
      const unknownProposal = await post(relayer, "/v1/votes", { ...body, proposalId: "999" });
      expect(unknownProposal.status).to.equal(404);
      expect(unknownProposal.body).to.include({ error: "unknown_proposal" });
      expect(unknownProposal.body.message).to.match(/has no proposal 999/);
    });

    describe("malformed requests (400) say what is wrong", function () {
      let body: VoteRequest;
      before(async function () {
        body = await voteBody(world, dave, 1);
      });

      const cases: [string, (body: VoteRequest) => unknown, RegExp][] = [
        ["an unknown field", (b) => ({ ...b, extra: "1" }), /unknown field "extra"/],
        [
          "a missing field",
          (b) => ({ ...b, nullifier: undefined }),
          /must have required property 'nullifier'/,
        ],
        ["a number instead of a decimal string", (b) => ({ ...b, option: 1 }), /option must be string/],
        ["a hex number", (b) => ({ ...b, nullifier: "0x12" }), /nullifier must match pattern/],
        ["a leading zero", (b) => ({ ...b, option: "01" }), /option must match pattern/],
        [
          "a truncated proof",
          (b) => ({ ...b, proof: b.proof.slice(0, 7) }),
          /proof must NOT have fewer than 8 items/,
        ],
        [
          "a nullifier outside the field",
          (b) => ({ ...b, nullifier: SNARK_SCALAR_FIELD.toString() }),
          /nullifier is not below/,
        ],
        [
          "a proof value outside the field",
          (b) => ({ ...b, proof: [...b.proof.slice(0, 7), (1n << 255n).toString()] }),
          /proof\[7\] is not below/,
        ],
        ["a depth of 33", (b) => ({ ...b, merkleTreeDepth: "33" }), /merkleTreeDepth must be from 1 to 32/],
        ["a zone that is not an address", (b) => ({ ...b, zone: "riverside" }), /zone must match pattern/],
        ["an array body", () => [], /body must be object/],
      ];
      for (const [name, mutate, message] of cases) {
        it(`refuses ${name}`, async function () {
          const refused = await post(relayer, "/v1/votes", mutate(body));
          expect(refused.status).to.equal(400);
          expect(refused.body.error).to.equal("malformed_request");
          expect(refused.body.message).to.match(message);
        });
      }

      it("refuses invalid JSON, other content types and oversized bodies", async function () {
        const invalidJson = await relayer.app.inject({
          method: "POST",
          url: "/v1/votes",
          payload: "{not json",
          headers: { "content-type": "application/json" },
        });
        expect(invalidJson.statusCode).to.equal(400);
        expect(invalidJson.json()).to.include({ error: "malformed_request" });
        const text = await relayer.app.inject({
          method: "POST",
          url: "/v1/votes",
          payload: "vote",
          headers: { "content-type": "text/plain" },
        });
        expect(text.statusCode).to.equal(415);
        const huge = await post(relayer, "/v1/votes", { ...body, padding: "x".repeat(70_000) });
        expect(huge.status).to.equal(413);
        expect(huge.body).to.include({ error: "payload_too_large" });
      });
    });
  });

  describe("POST /v1/proposals", function () {
    it("accepts an anonymous proposal and reports the id the zone gave it", async function () {
      const options = [[payFromZone(world)]];
      const request = await proposalBody(world, options, "Open a library");
      const accepted = await post(relayer, "/v1/proposals", request);
      expect(accepted.status, JSON.stringify(accepted.body)).to.equal(202);
      await relayer.submitter.step({ flush: true });
      const status = await get(relayer, `/v1/proposals/submissions/${request.nullifier}`);
      expect(status.body).to.include({ status: "confirmed", kind: "proposal" });
      expect(status.body.proposalId).to.equal((await world.zone.proposalCount()).toString());
      const duplicate = await post(relayer, "/v1/proposals", request);
      expect(duplicate.status).to.equal(409);
    });

    it("refuses altered content (422 invalid_proof) and a proof for another epoch (422 wrong_epoch)", async function () {
      const options = [[payFromZone(world)]];
      const request = await proposalBody(world, options, "Open a school", 1n);
      const altered = await post(relayer, "/v1/proposals", { ...request, description: "Open a casino" });
      expect(altered.status).to.equal(422);
      expect(altered.body).to.include({ error: "invalid_proof" });
      const epoch = await world.zone.currentProposalEpoch();
      const nextEpoch = await proposalBody(world, options, "Open a school", 1n, epoch + 1n);
      const wrongEpoch = await post(relayer, "/v1/proposals", nextEpoch);
      expect(wrongEpoch.status).to.equal(422);
      expect(wrongEpoch.body).to.include({ error: "wrong_epoch" });
    });
  });

  describe("read endpoints", function () {
    it("serves the group in leaf order, as rebuilt from the chain", async function () {
      await relayer.indexer.sync();
      const response = await get(relayer, `/v1/zones/${world.zoneAddress}/members`);
      const group = await rebuildGroup(world.zone);
      expect(response.body.members).to.deep.equal(group.members.map(String));
    });

    it("serves proposals with state and tally, and each proposal alone", async function () {
      await relayer.indexer.sync();
      const response = await get(relayer, `/v1/zones/${world.zoneAddress.toLowerCase()}/proposals`);
      const { proposals } = response.body as unknown as ProposalList;
      const first = proposals.find((proposal) => proposal.id === world.proposalId.toString())!;
      const { tally } = await world.zone.getProposal(world.proposalId);
      expect(first.tally).to.deep.equal(tally.map(String));
      expect(first.options).to.deep.equal([[{ ...payFromZone(world), value: "0" }]]);
      expect(first).to.include({
        quorumBps: TEST_RULES.quorumBps,
        approvalBps: TEST_RULES.approvalBps,
        multipleChoice: false,
        optionCount: 3,
      });
      // Words are the app's to make from the options (web/src/readable.ts), not the relayer's.
      expect(first).not.to.have.property("summary");
      const one = await get(relayer, `/v1/zones/${world.zoneAddress}/proposals/${world.proposalId}`);
      expect(one.body).to.include({ id: world.proposalId.toString() });
      expect((await get(relayer, `/v1/zones/${world.zoneAddress}/proposals/999`)).status).to.equal(404);
      expect((await get(relayer, `/v1/zones/${Wallet.createRandom().address}/proposals`)).status).to.equal(
        404,
      );
    });

    it("reports health and Prometheus metrics", async function () {
      const health = await get(relayer, "/v1/health");
      expect(health.status).to.equal(200);
      expect(health.body).to.include({
        status: "ok",
        chainId: world.chainId.toString(),
        relayer: relayer.address,
        keeper: null,
      });
      const metrics = await get(relayer, "/metrics");
      expect(metrics.text).to.match(/zonedao_relayer_accepted_total\{kind="vote"\} \d+/);
      expect(metrics.text).to.match(/zonedao_relayer_rejected_total\{reason="invalid_proof"\} \d+/);
      expect(metrics.text).to.match(/zonedao_relayer_queue_depth\{status="confirmed"\} \d+/);
      expect(metrics.text).to.match(/zonedao_relayer_batch_size_bucket\{le="64"\} \d+/);
      expect(metrics.text).to.match(/zonedao_relayer_gas_used_total [1-9]\d*/);
    });
  });

  describe("the API contract (sdk/relayer-api.ts)", function () {
    let doc: OpenApiDocument;
    before(async function () {
      doc = (await get(relayer, "/v1/openapi.json")).body as unknown as OpenApiDocument;
    });

    it("documents every route with the schema of its answer", function () {
      expect(operations(doc)).to.have.members(ROUTES);
      for (const operation of ROUTES) {
        const success = operation.startsWith("POST") ? 202 : 200;
        const contentType =
          operation === "GET /metrics"
            ? "text/plain"
            : operation.includes("/buckets/")
              ? "application/octet-stream"
              : "application/json";
        expect(responseSchema(doc, operation, success, contentType), operation).to.be.an("object");
        expect(responseSchema(doc, operation, 429, "application/json"), operation).to.deep.equal({
          $ref: "#/components/schemas/ErrorBody",
        });
      }
      expect(Object.keys(doc.components.schemas)).to.have.members(Object.keys(relayerSchemas));
    });

    it("answers every route as its documented schema says, refusals included", async function () {
      const answered = new Set<string>();
      const expectDocumented = async (
        operation: string,
        url: string,
        status: number,
        payload?: unknown,
      ): Promise<Record<string, unknown>> => {
        const [method] = operation.split(" ");
        const response = await relayer.app.inject({
          method: method as "GET" | "POST",
          url,
          ...(payload === undefined ? {} : { payload: payload as VoteRequest }),
        });
        expect(response.statusCode, `${operation} ${response.body}`).to.equal(status);
        const contentType = String(response.headers["content-type"]).split(";")[0]!;
        const schema = responseSchema(doc, operation, status, contentType);
        expect(schema, `${operation} ${status} ${contentType} is documented`).to.be.an("object");
        const body: unknown = contentType === "application/json" ? response.json() : response.body;
        expect(schemaErrors(doc, schema!, body), `${operation} ${status}`).to.deep.equal([]);
        answered.add(operation);
        return body as Record<string, unknown>;
      };

      // A proposal and a vote on it, through the relayer: 202s, then their statuses once settled.
      const options = [[payFromZone(world)]];
      const proposal = await proposalBody(world, options, "Check the contract", 0n, undefined, dave);
      await expectDocumented("POST /v1/proposals", "/v1/proposals", 202, proposal);
      await relayer.submitter.step({ flush: true });
      const landed = await expectDocumented(
        "GET /v1/proposals/submissions/{nullifier}",
        `/v1/proposals/submissions/${proposal.nullifier}`,
        200,
      );
      await relayer.indexer.sync();
      const vote = await voteBody(world, alice, 0, BigInt(landed.proposalId as string));
      await expectDocumented("POST /v1/votes", "/v1/votes", 202, vote);
      await expectDocumented("GET /v1/votes/{nullifier}", `/v1/votes/${vote.nullifier}`, 200);

      const zone = world.zoneAddress;
      await expectDocumented("GET /v1/zones", "/v1/zones", 200);
      await expectDocumented("GET /v1/zones/{zone}/members", `/v1/zones/${zone}/members`, 200);
      await expectDocumented("GET /v1/zones/{zone}/tree", `/v1/zones/${zone}/tree?size=2`, 200);
      await expectDocumented("GET /v1/zones/{zone}/tree", `/v1/zones/${zone}/tree?size=0`, 422);
      const bucket = "GET /v1/zones/{zone}/tree/buckets/{index}";
      await expectDocumented(bucket, `/v1/zones/${zone}/tree/buckets/0?size=2`, 200);
      await expectDocumented(bucket, `/v1/zones/${zone}/tree/buckets/1?size=2`, 404);
      await expectDocumented("GET /v1/zones/{zone}/proposals", `/v1/zones/${zone}/proposals`, 200);
      await expectDocumented(
        "GET /v1/zones/{zone}/proposals/{proposalId}",
        `/v1/zones/${zone}/proposals/${world.proposalId}`,
        200,
      );
      await expectDocumented("GET /v1/health", "/v1/health", 200);
      await expectDocumented("GET /metrics", "/metrics", 200);
      await expectDocumented("GET /v1/openapi.json", "/v1/openapi.json", 200);

      // Refusals carry the documented Error shape, extra fields included.
      const elsewhere = Wallet.createRandom().address;
      await expectDocumented("GET /v1/zones/{zone}/members", `/v1/zones/${elsewhere}/members`, 404);
      await expectDocumented(
        "GET /v1/zones/{zone}/proposals/{proposalId}",
        `/v1/zones/${zone}/proposals/999`,
        404,
      );
      await expectDocumented("GET /v1/votes/{nullifier}", "/v1/votes/12345", 404);
      await expectDocumented("GET /v1/votes/{nullifier}", "/v1/votes/0x12", 400);
      await expectDocumented("POST /v1/votes", "/v1/votes", 409, vote);
      await expectDocumented("POST /v1/votes", "/v1/votes", 400, { ...vote, option: 1 });
      await expectDocumented("POST /v1/votes", "/v1/votes", 422, { ...vote, option: "5" });
      await expectDocumented("POST /v1/proposals", "/v1/proposals", 409, proposal);
      // Invitations are off in this zone (its rules' default): a valid one is refused for its slot.
      const invitation = invitationRequest(
        zone,
        await proveInvitation(alice, await rebuildGroup(world.zone), {
          chainId: world.chainId,
          zone,
          epoch: await world.zone.currentProposalEpoch(),
          slot: 0n,
          newcomer: outsider.commitment,
        }),
      );
      const off = await expectDocumented("POST /v1/invitations", "/v1/invitations", 422, invitation);
      expect(off).to.include({ error: "slot_out_of_range" });
      await expectDocumented(
        "GET /v1/invitations/{nullifier}",
        `/v1/invitations/${invitation.nullifier}`,
        404,
      );
      // This zone has opened no dividend round (relayer/test/dividends.test.ts claims on one).
      const claim = {
        zone,
        roundId: "1",
        recipient: elsewhere,
        nullifier: invitation.nullifier,
        proof: invitation.proof,
      };
      const noRound = await expectDocumented("POST /v1/dividends", "/v1/dividends", 404, claim);
      expect(noRound).to.include({ error: "unknown_round" });
      // This deployment has no sealed ballots (test/sealed-relayer.test.ts casts them on one).
      const ballot = {
        zone,
        proposalId: world.proposalId.toString(),
        nullifier: invitation.nullifier,
        ciphertexts: Array<string>(12).fill("1"),
        proof: invitation.proof,
      };
      const open = await expectDocumented("POST /v1/sealed-votes", "/v1/sealed-votes", 422, ballot);
      expect(open).to.include({ error: "not_sealed" });
      await expectDocumented("GET /v1/sealed-votes/{nullifier}", `/v1/sealed-votes/${ballot.nullifier}`, 404);
      await expectDocumented("GET /v1/dividends/{nullifier}", `/v1/dividends/${claim.nullifier}`, 404);
      expect([...answered]).to.have.members(ROUTES);
    });
  });

  describe("the sdk's RelayerClient", function () {
    let client: RelayerClient;
    before(async function () {
      client = new RelayerClient(await relayer.listen());
    });

    it("submits over HTTP and surfaces refusals with their status and code", async function () {
      const body = await voteBody(world, dave, 0);
      expect(await client.submitVote(body)).to.deep.equal({ nullifier: body.nullifier, status: "queued" });
      const refusal = await client.submitVote(body).catch((error: unknown) => error);
      expect(refusal).to.include({ status: 409, code: "duplicate_nullifier" });
      await relayer.submitter.step({ flush: true });
      expect((await client.waitForVote(body.nullifier)).status).to.equal("confirmed");
    });

    it("reads zones, members, proposals and health as the API's types, and waits for a proposal", async function () {
      const zone = world.zoneAddress;
      expect((await client.zones()).zones).to.deep.equal([zone]);
      const { members } = await client.members(zone.toLowerCase());
      expect(members).to.deep.equal((await rebuildGroup(world.zone)).members.map(String));

      const options = [[payFromZone(world)], [payFromZone(world)]];
      const request = await proposalBody(world, options, "Choose a colour", 1n, undefined, dave);
      expect(await client.submitProposal(request)).to.deep.equal({
        nullifier: request.nullifier,
        status: "queued",
      });
      const waiting = client.waitForProposal(request.nullifier, { intervalMs: 20 });
      await relayer.submitter.step({ flush: true });
      const landed = await waiting;
      expect(landed).to.include({ status: "confirmed", kind: "proposal", zone });
      const proposalId = landed.proposalId!;
      expect(proposalId).to.equal((await world.zone.proposalCount()).toString());

      await relayer.indexer.sync();
      const listed = await client.proposals(zone);
      const proposal = await client.proposal(zone, BigInt(proposalId));
      expect(listed.proposals.map(({ id }) => id)).to.include(proposalId);
      expect(proposal).to.include({
        id: proposalId,
        description: "Choose a colour",
        multipleChoice: true,
        optionCount: 2,
        state: "Active",
        chainTime: listed.chainTime,
      });
      expect(proposal.tally).to.deep.equal(["0", "0"]);

      const health = await client.health();
      expect(health).to.include({
        status: "ok",
        chainId: world.chainId.toString(),
        relayer: relayer.address,
      });
      expect(health.queue.confirmed).to.be.greaterThan(0);

      const refusal = await client.proposal(zone, 999n).catch((error: unknown) => error);
      expect(refusal).to.be.instanceOf(RelayerRefusal).and.include({ status: 404, code: "unknown_proposal" });
      // Both waits poll the same way: one still queued when its time is up says so.
      const queued = await voteBody(world, bob, 1, BigInt(proposalId));
      await client.submitVote(queued);
      const timedOut = await client
        .waitForVote(queued.nullifier, { timeoutMs: 0 })
        .catch((error: unknown) => error);
      expect(timedOut).to.be.instanceOf(Error);
      expect((timedOut as Error).message).to.equal(`vote ${queued.nullifier} still queued after 0 ms`);
    });
  });

  describe("closing proposals", function () {
    it("reports a vote whose proposal closed while it was queued as rejected, with the reason", async function () {
      const proposalId = await proposeAsCitizen(world, "Paint the bridge");
      const body = await voteBody(world, dave, 1, proposalId);
      expect((await post(relayer, "/v1/votes", body)).status).to.equal(202);
      const { voteEnd } = await world.zone.getProposal(proposalId);
      await time.increaseTo(voteEnd);
      await relayer.submitter.step({ flush: true });
      const status = await get(relayer, `/v1/votes/${body.nullifier}`);
      expect(status.body).to.include({ status: "rejected" });
      expect(status.body.reason).to.match(/NotActive/);
      // Later votes on it are refused at the door.
      const late = await post(relayer, "/v1/votes", await voteBody(world, carol, 1, proposalId));
      expect(late.status).to.equal(422);
      expect(late.body).to.include({ error: "proposal_not_active" });
      expect(late.body.message).to.match(/closed for votes/);
    });
  });
});

describe("relayer hardening", function () {
  let world: RelayerWorld;
  before(async function () {
    world = await relayerWorld();
  });
  after(async function () {
    await world?.bridge.close();
  });

  it("answers CORS only for allowed origins and rate-limits each client", async function () {
    const { relayer } = await startTestRelayer(world, {
      ZONEDAO_CORS_ORIGINS: "http://localhost:5173",
      ZONEDAO_RATE_LIMIT_PER_MINUTE: "2",
    });
    try {
      const allowed = await get(relayer, "/v1/zones", { origin: "http://localhost:5173" });
      expect(allowed.headers["access-control-allow-origin"]).to.equal("http://localhost:5173");
      const other = await get(relayer, "/v1/zones", { origin: "http://evil.example" });
      expect(other.headers["access-control-allow-origin"]).to.equal(undefined);
      const limited = await get(relayer, "/v1/zones");
      expect(limited.status).to.equal(429);
      expect(limited.body).to.include({ error: "rate_limited" });
    } finally {
      await relayer.close();
    }
  });

  it("checks its configuration at boot and names every problem, never echoing the key", function () {
    const badKey = "0x1234-not-a-key";
    let error: unknown;
    try {
      loadRelayerConfig({
        ZONEDAO_RELAYER_KEY: badKey,
        ZONEDAO_ZONES: "0x12,riverside",
        ZONEDAO_RELAYER_PORT: "99999",
        ZONEDAO_CORS_ORIGINS: "*",
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(RelayerConfigError);
    const message = (error as Error).message;
    expect(message).to.match(/ZONEDAO_RPC_URL is required/);
    expect(message).to.match(/ZONEDAO_RELAYER_KEY is not a valid private key/);
    expect(message).to.match(/"0x12" is not an address/);
    expect(message).to.match(/ZONEDAO_RELAYER_PORT must be a whole number from 0 to 65535/);
    expect(message).to.match(/ZONEDAO_CORS_ORIGINS: "\*" is not an origin/);
    expect(message).not.to.include(badKey);
  });

  it("refuses to start against an address that is not a zone", async function () {
    const environment = await relayerEnvironment(world, { ZONEDAO_ZONES: Wallet.createRandom().address });
    const child = spawnRelayer(environment);
    expect(await child.exited).to.equal(2);
    expect(child.output()).to.match(/has no contract on chain/);
  });

  it("refuses to start on a database another relayer holds, and says so", async function () {
    const environment = await relayerEnvironment(world);
    const first = spawnRelayer(environment);
    await first.url;
    const second = spawnRelayer(environment);
    expect(await second.exited).to.equal(2);
    expect(second.output()).to.match(/is in use by another process \(another relayer\?\)/);
    first.child.kill("SIGTERM");
    expect(await first.exited).to.equal(0);
    // Released at exit: the next relayer opens it.
    const third = spawnRelayer(environment);
    await third.url;
    third.child.kill("SIGTERM");
    expect(await third.exited).to.equal(0);
  });

  it("runs as a process, never logs its key, and lands a vote accepted before SIGKILL exactly once", async function () {
    const environment = await relayerEnvironment(world);
    const first = spawnRelayer(environment);
    const client = new RelayerClient(await first.url);
    const body = await voteBody(world, alice, 1);
    expect((await client.submitVote(body)).status).to.equal("queued");
    first.child.kill("SIGKILL");
    await first.exited;
    expect((await world.zone.getProposal(world.proposalId)).tally[1]).to.equal(0n);

    // Restarted with the same database, it sends what it had accepted.
    const second = spawnRelayer({
      ...environment,
      ZONEDAO_BATCH_MAX_AGE_MS: "0",
      ZONEDAO_POLL_INTERVAL_MS: "50",
    });
    const restarted = new RelayerClient(await second.url);
    expect((await restarted.waitForVote(body.nullifier)).status).to.equal("confirmed");
    expect((await world.zone.getProposal(world.proposalId)).tally[1]).to.equal(1n);
    second.child.kill("SIGTERM");
    expect(await second.exited).to.equal(0);
    const logs = first.output() + second.output();
    expect(logs).to.include("relayer started");
    expect(logs).not.to.include(environment.ZONEDAO_RELAYER_KEY!.slice(2));
  });
});

/** An anonymous proposal request by `author` (bob by default), for `epoch` (the current one by default). */
async function proposalBody(
  world: RelayerWorld,
  options: ReturnType<typeof payFromZone>[][],
  description: string,
  slot = 0n,
  epoch?: bigint,
  author = bob,
) {
  const proof = await proveProposal(author, await rebuildGroup(world.zone), {
    chainId: world.chainId,
    zone: world.zoneAddress,
    epoch: epoch ?? (await world.zone.currentProposalEpoch()),
    slot,
    options,
    description,
  });
  return proposalRequest(world.zoneAddress, options, description, proof);
}

/** A new proposal made directly on chain (not through the relayer). */
async function proposeAsCitizen(world: RelayerWorld, description: string): Promise<bigint> {
  const { proposeAs } = await import("../../test/zone-fixture.js");
  return proposeAs(world, carol, [[payFromZone(world)]], description, 1n);
}
