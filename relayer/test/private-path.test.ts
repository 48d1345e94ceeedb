/**
 * The tree routes a citizen proves from without the member list (sdk/private-path.ts): the top of a
 * snapshot's tree and its buckets, cacheable by ETag, the paginated member list, and a real vote
 * proved from a private path fetched through the relayer, accepted and counted on chain.
 */
import { expect } from "chai";
import { Wallet } from "ethers";
import {
  BUCKET_BITS,
  Group,
  RelayerClient,
  SNARK_SCALAR_FIELD,
  bucketRoot,
  encodeBucket,
  findLeafIndex,
  privateMerkleProof,
  proveVote,
  rebuildGroup,
  voteRequest,
  type MemberList,
  type TreeTopJson,
} from "../../sdk/index.js";
import type { Relayer } from "../relayer.js";
import { startRpcBridge } from "../../test/rpc-bridge.js";
import { TEST_RULES, alice, citizens, dave, deployEmptyZone, proposeAs } from "../../test/zone-fixture.js";
import { get, payFromZone, startTestRelayer, type RelayerWorld } from "./relayer-fixture.js";

const BUCKET = 2 ** BUCKET_BITS;
/** Members before the test citizens: the citizens sit in the second, partial bucket. */
const STAND_INS = BUCKET + 6;
/** Registrations per transaction, under the per-transaction gas cap. */
const BATCH = 250;

/** A zone of STAND_INS stand-in members then the four test citizens, with an open proposal. */
async function largeZoneWorld(): Promise<RelayerWorld> {
  // A quorum one vote of 1,034 meets, so the counted vote below decides nothing by itself.
  const world = await deployEmptyZone({ ...TEST_RULES, quorumBps: 1 });
  const standIns = Array.from(
    { length: STAND_INS },
    (_, i) => (BigInt(i) * 7919n + 11n) % SNARK_SCALAR_FIELD,
  );
  const leaves = [...standIns, ...citizens.map((citizen) => citizen.commitment)];
  const registrar = world.zone.connect(world.registrar);
  for (let start = 0; start < leaves.length; start += BATCH) {
    await (await registrar.addMembers(leaves.slice(start, start + BATCH))).wait();
  }
  const proposalId = await proposeAs(world, alice, [[payFromZone(world)]], "Plant 1,000 trees");
  return { ...world, bridge: await startRpcBridge(), proposalId };
}

describe("relayer: private Merkle paths (tree routes)", function () {
  let world: RelayerWorld;
  let relayer: Relayer;
  let snapshot: Group;
  let tree: string;

  before(async function () {
    world = await largeZoneWorld();
    ({ relayer } = await startTestRelayer(world));
    await relayer.indexer.sync();
    snapshot = await rebuildGroup(world.zone, { untilProposal: world.proposalId });
    tree = `/v1/zones/${world.zoneAddress}/tree`;
  });

  after(async function () {
    await relayer?.close();
    await world?.bridge.close();
  });

  describe("GET /v1/zones/:zone/tree", function () {
    it("serves each bucket's root of the snapshot's tree, whose LeanIMT root is the snapshot root", async function () {
      const size = snapshot.size;
      const response = await get(relayer, `${tree}?size=${size}`);
      expect(response.status).to.equal(200);
      const top = response.body as unknown as TreeTopJson;
      expect(top).to.include({ zone: world.zoneAddress, size, bucketBits: BUCKET_BITS });
      const members = snapshot.members;
      const expected = [members.slice(0, BUCKET), members.slice(BUCKET)].map((leaves) => bucketRoot(leaves));
      expect(top.bucketRoots.map(BigInt)).to.deep.equal(expected);
      expect(new Group(top.bucketRoots.map(BigInt)).root).to.equal(snapshot.root);
      expect(response.headers.etag).to.match(/^"[A-Za-z0-9_-]+"$/);
      expect(response.headers["cache-control"]).to.equal("public, max-age=10");
    });

    it("serves the tree of a smaller size, for an older snapshot, cacheable longer", async function () {
      const response = await get(relayer, `${tree}?size=${BUCKET + 1}`);
      const top = response.body as unknown as TreeTopJson;
      expect(top.bucketRoots.map(BigInt)).to.deep.equal([
        bucketRoot(snapshot.members.slice(0, BUCKET)),
        snapshot.members[BUCKET]!,
      ]);
      expect(response.headers["cache-control"]).to.equal("public, max-age=600");
    });

    it("keeps each full bucket's root, hashed once when the indexer saw it fill", function () {
      expect([...relayer.store.bucketRoots(world.zoneAddress).keys()]).to.deep.equal([0]);
    });

    it("answers 503 tree_not_ready with Retry-After while buckets hash on the tree thread, then the same top", async function () {
      const zone = world.zoneAddress;
      const trees = relayer.indexer.trees;
      await trees.hashInBackground(zone);
      const ready = await get(relayer, `${tree}?size=${snapshot.size}`);
      // A relayer that restarted before bucket 0 was hashed, and may hash none on request.
      relayer.store.forgetBucketRoot(zone, 0);
      trees.bucketsHashedOnRequest = 0;
      try {
        const waiting = await get(relayer, `${tree}?size=${snapshot.size}`);
        expect([waiting.status, waiting.body.error, waiting.body.bucketsLeft]).to.deep.equal([
          503,
          "tree_not_ready",
          1,
        ]);
        expect(Number(waiting.headers["retry-after"])).to.be.greaterThan(0);
        const health = await get(relayer, "/v1/health");
        expect(health.body.treeBucketsLeft).to.equal(1);
        // The bucket's leaves still serve: a client can wait for the top, or hash them itself.
        expect((await get(relayer, `${tree}/buckets/0?size=${snapshot.size}`)).status).to.equal(200);

        await trees.hashInBackground(zone);
        expect((await get(relayer, "/v1/health")).body.treeBucketsLeft).to.equal(0);
        const again = await get(relayer, `${tree}?size=${snapshot.size}`);
        expect(again.status).to.equal(200);
        expect(again.body).to.deep.equal(ready.body);
        expect(again.headers.etag).to.equal(ready.headers.etag);
      } finally {
        trees.bucketsHashedOnRequest = 4;
      }
    });

    it("answers 304 to a matching If-None-Match, with the same ETag", async function () {
      const first = await get(relayer, `${tree}?size=${snapshot.size}`);
      const again = await get(relayer, `${tree}?size=${snapshot.size}`, {
        "if-none-match": String(first.headers.etag),
      });
      expect(again.status).to.equal(304);
      expect(again.text).to.equal("");
      expect(again.headers.etag).to.equal(first.headers.etag);
      const stale = await get(relayer, `${tree}?size=${snapshot.size}`, { "if-none-match": '"stale"' });
      expect(stale.status).to.equal(200);
    });

    it("refuses a size of 0, a size not indexed yet, no size, and an unknown zone", async function () {
      const empty = await get(relayer, `${tree}?size=0`);
      expect([empty.status, empty.body.error]).to.deep.equal([422, "empty_tree"]);
      const ahead = await get(relayer, `${tree}?size=${snapshot.size + 1}`);
      expect([ahead.status, ahead.body.error]).to.deep.equal([404, "size_not_indexed"]);
      expect((await get(relayer, tree)).status).to.equal(400);
      expect((await get(relayer, `${tree}?size=-1`)).status).to.equal(400);
      expect((await get(relayer, `${tree}?size=5&extra=1`)).status).to.equal(400);
      const elsewhere = await get(relayer, `/v1/zones/${Wallet.createRandom().address}/tree?size=1`);
      expect([elsewhere.status, elsewhere.body.error]).to.deep.equal([404, "unknown_zone"]);
    });
  });

  describe("GET /v1/zones/:zone/tree/buckets/:index", function () {
    it("serves a bucket's leaves as 32 big-endian bytes each, full or partial", async function () {
      for (const [index, leaves] of [
        [0, snapshot.members.slice(0, BUCKET)],
        [1, snapshot.members.slice(BUCKET)],
      ] as const) {
        const response = await relayer.app.inject({
          method: "GET",
          url: `${tree}/buckets/${index}?size=${snapshot.size}`,
        });
        expect(response.statusCode).to.equal(200);
        expect(response.headers["content-type"]).to.equal("application/octet-stream");
        expect(new Uint8Array(response.rawPayload)).to.deep.equal(encodeBucket(leaves));
        expect(response.headers["cache-control"]).to.equal(
          index === 0 ? "public, max-age=600" : "public, max-age=10",
        );
        const again = await get(relayer, `${tree}/buckets/${index}?size=${snapshot.size}`, {
          "if-none-match": String(response.headers.etag),
        });
        expect(again.status).to.equal(304);
      }
    });

    it("refuses a bucket out of range, and a size not indexed", async function () {
      const beyond = await get(relayer, `${tree}/buckets/2?size=${snapshot.size}`);
      expect([beyond.status, beyond.body.error]).to.deep.equal([404, "unknown_bucket"]);
      const small = await get(relayer, `${tree}/buckets/1?size=${BUCKET}`);
      expect([small.status, small.body.error]).to.deep.equal([404, "unknown_bucket"]);
      expect((await get(relayer, `${tree}/buckets/x?size=5`)).status).to.equal(400);
      const ahead = await get(relayer, `${tree}/buckets/0?size=${snapshot.size + 1}`);
      expect([ahead.status, ahead.body.error]).to.deep.equal([404, "size_not_indexed"]);
    });
  });

  describe("GET /v1/zones/:zone/members (paginated)", function () {
    const members = () => `/v1/zones/${world.zoneAddress}/members`;

    it("serves a page from an offset, with the total", async function () {
      const page = (await get(relayer, `${members()}?offset=1000&limit=30`)).body as unknown as MemberList;
      expect(page).to.include({ zone: world.zoneAddress, offset: 1000, total: snapshot.size });
      expect(page.members).to.deep.equal(snapshot.members.slice(1000, 1030).map(String));
      const last = (await get(relayer, `${members()}?offset=${snapshot.size}`)).body as unknown as MemberList;
      expect(last.members).to.deep.equal([]);
    });

    it("serves everything up to 10,000 by default, as callers of the whole list expect", async function () {
      const page = (await get(relayer, members())).body as unknown as MemberList;
      expect(page.members).to.deep.equal(snapshot.members.map(String));
    });

    it("refuses a limit of 0 or above 10,000", async function () {
      for (const limit of [0, 10_001]) {
        const refused = await get(relayer, `${members()}?limit=${limit}`);
        expect([refused.status, refused.body.error]).to.deep.equal([422, "page_limit_out_of_range"]);
      }
    });
  });

  describe("a citizen voting through the relayer", function () {
    let client: RelayerClient;
    before(async function () {
      client = new RelayerClient(await relayer.listen(), { cacheTree: true });
    });

    it("joins every page of the member list (RelayerClient.members) and finds a leaf in the buckets", async function () {
      const { members, total } = await client.members(world.zoneAddress);
      expect(members).to.deep.equal(snapshot.members.map(String));
      expect(await findLeafIndex(client, world.zoneAddress, dave.commitment, total)).to.equal(STAND_INS + 3);
    });

    it("proves from a private path fetched here at the snapshot's depth: accepted (202) and counted", async function () {
      const proposal = await client.proposal(world.zoneAddress, world.proposalId);
      expect(proposal.snapshotSize).to.equal(snapshot.size);
      const leafIndex = await findLeafIndex(
        client,
        world.zoneAddress,
        dave.commitment,
        proposal.eligibleCount,
      );
      const path = await privateMerkleProof(client, {
        zone: world.zoneAddress,
        identity: dave,
        leafIndex: leafIndex!,
        size: proposal.eligibleCount,
        snapshotRoot: BigInt(proposal.snapshotRoot),
      });
      expect(path.siblings.length).to.be.below(proposal.snapshotDepth);
      const vote = await proveVote(dave, path, {
        chainId: world.chainId,
        zone: world.zoneAddress,
        proposalId: world.proposalId,
        option: 1,
        merkleTreeDepth: proposal.snapshotDepth,
      });
      expect(await client.submitVote(voteRequest(world.zoneAddress, vote))).to.deep.equal({
        nullifier: vote.nullifier.toString(),
        status: "queued",
      });
      await relayer.submitter.step({ flush: true });
      expect((await client.waitForVote(vote.nullifier)).status).to.equal("confirmed");
      expect((await world.zone.getProposal(world.proposalId)).tally[1]).to.equal(1n);
    });

    it("revalidates what it read with If-None-Match and gets the same tree", async function () {
      const size = snapshot.size;
      const first = await client.treeTop(world.zoneAddress, size);
      expect(await client.treeTop(world.zoneAddress, size)).to.deep.equal(first);
      expect(await client.bucket(world.zoneAddress, 1, size)).to.deep.equal(snapshot.members.slice(BUCKET));
    });

    it("surfaces the relayer's refusals of tree reads", async function () {
      const refusal = await client.treeTop(world.zoneAddress, 0).catch((error: unknown) => error);
      expect(refusal).to.include({ status: 422, code: "empty_tree" });
    });
  });
});
