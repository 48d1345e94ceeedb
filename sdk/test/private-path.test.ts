/**
 * The bucketed private Merkle path against the whole group's: the joined proof must equal
 * Group.generateMerkleProof wherever the leaf sits, and a server that lies about any part of the
 * tree must be caught before the citizen proves against it.
 */
import { expect } from "chai";
import { Group, type MerkleProof } from "@semaphore-protocol/group";
import { Identity } from "@semaphore-protocol/identity";
import { id } from "ethers";
import { SNARK_SCALAR_FIELD } from "../constants.js";
import {
  BUCKET_BITS,
  DECOY_BUCKETS,
  bucketCount,
  decodeBucket,
  decoyBuckets,
  encodeBucket,
  findLeafIndex,
  merkleProofFromBuckets,
  pathSourceOf,
  privateMerkleProof,
  type PathSource,
  type TreeTop,
} from "../private-path.js";

const ZONE = "0x00000000000000000000000000000000000000A1";
const BUCKET = 2 ** BUCKET_BITS;
const citizen = new Identity("zonedao-private-path-citizen");

/** `count` distinct field elements standing in for identity commitments. */
function fakeLeaves(count: number, seed = "leaf"): bigint[] {
  return Array.from({ length: count }, (_, i) => BigInt(id(`${seed} ${i}`)) % SNARK_SCALAR_FIELD);
}

/** A tree of `size` leaves with the citizen at `leafIndex`. */
function leavesWithCitizen(size: number, leafIndex: number): bigint[] {
  const leaves = fakeLeaves(size);
  leaves[leafIndex] = citizen.commitment;
  return leaves;
}

function expectSameProof(actual: MerkleProof, expected: MerkleProof): void {
  expect(actual.root).to.equal(expected.root);
  expect(actual.leaf).to.equal(expected.leaf);
  expect(actual.index).to.equal(expected.index);
  expect(actual.siblings).to.deep.equal(expected.siblings);
}

/** A source that serves `leaves` but lets a test change what it answers. */
function lyingSource(
  leaves: bigint[],
  lie: { top?: (top: TreeTop) => TreeTop; bucket?: (index: number, leaves: bigint[]) => bigint[] },
): PathSource & { asked: number[] } {
  const honest = pathSourceOf(() => leaves);
  const asked: number[] = [];
  return {
    asked,
    async treeTop(zone, size) {
      const top = await honest.treeTop(zone, size);
      return lie.top ? lie.top(top) : top;
    },
    async bucket(zone, index, size) {
      asked.push(index);
      const bucket = await honest.bucket(zone, index, size);
      return lie.bucket ? lie.bucket(index, bucket) : bucket;
    },
  };
}

describe("private Merkle paths (sdk/private-path.ts)", function () {
  describe("privateMerkleProof equals the whole group's proof", function () {
    const cases: [what: string, size: number, leafIndex: number][] = [
      ["a one-leaf tree", 1, 0],
      ["a one-bucket tree, power of two", 8, 5],
      ["a one-bucket tree, not a power of two", 13, 12],
      ["one exactly full bucket", BUCKET, 1000],
      ["a full bucket when a partial one follows", 2 * BUCKET + 77, BUCKET + 3],
      ["the partial last bucket", 2 * BUCKET + 77, 2 * BUCKET + 76],
      ["a last bucket of one leaf", 3 * BUCKET + 1, 3 * BUCKET],
      ["the first leaf of four full buckets", 4 * BUCKET, 0],
      ["the last leaf of four full buckets", 4 * BUCKET, 4 * BUCKET - 1],
      ["five buckets, not a power of two", 5 * BUCKET - 300, 4 * BUCKET + 2],
    ];
    for (const [what, size, leafIndex] of cases) {
      it(`${what} (${size} leaves, leaf ${leafIndex})`, async function () {
        const leaves = leavesWithCitizen(size, leafIndex);
        const group = new Group(leaves);
        const proof = await privateMerkleProof(
          pathSourceOf(() => leaves),
          {
            zone: ZONE,
            identity: citizen,
            leafIndex,
            size,
            snapshotRoot: group.root,
          },
        );
        expectSameProof(proof, group.generateMerkleProof(leafIndex));
        expect(proof.siblings.length).to.be.at.most(Math.max(1, group.depth));
      });
    }

    it("lists fewer siblings than the depth where a level has none (prove at the snapshot's depth)", async function () {
      const size = 2 * BUCKET + 1;
      const leaves = leavesWithCitizen(size, size - 1);
      const group = new Group(leaves);
      const proof = await privateMerkleProof(
        pathSourceOf(() => leaves),
        {
          zone: ZONE,
          identity: citizen,
          leafIndex: size - 1,
          size,
          snapshotRoot: group.root,
        },
      );
      expect(group.depth).to.equal(BUCKET_BITS + 2);
      expect(proof.siblings).to.have.length(1);
      expectSameProof(proof, group.generateMerkleProof(size - 1));
    });

    it("proves against a snapshot smaller than the zone's current tree", async function () {
      const leaves = leavesWithCitizen(3 * BUCKET + 500, BUCKET + 9);
      const size = 2 * BUCKET + 100;
      const snapshot = new Group(leaves.slice(0, size));
      const proof = await privateMerkleProof(
        pathSourceOf(() => leaves),
        {
          zone: ZONE,
          identity: citizen,
          leafIndex: BUCKET + 9,
          size,
          snapshotRoot: snapshot.root,
        },
      );
      expectSameProof(proof, snapshot.generateMerkleProof(BUCKET + 9));
    });

    it("keeps a removed member's zero leaf in its bucket", async function () {
      const leaves = leavesWithCitizen(BUCKET + 40, 17);
      leaves[18] = 0n;
      const group = new Group(leaves);
      const proof = await privateMerkleProof(
        pathSourceOf(() => leaves),
        {
          zone: ZONE,
          identity: citizen,
          leafIndex: 17,
          size: leaves.length,
          snapshotRoot: group.root,
        },
      );
      expectSameProof(proof, group.generateMerkleProof(17));
    });

    it("asks for the own bucket and the decoys at once, in ascending order, and reports progress", async function () {
      const size = 5 * BUCKET + 1;
      const leafIndex = 3 * BUCKET + 5;
      const leaves = leavesWithCitizen(size, leafIndex);
      const source = lyingSource(leaves, {});
      const progress: [number, number][] = [];
      await privateMerkleProof(
        source,
        { zone: ZONE, identity: citizen, leafIndex, size, snapshotRoot: new Group(leaves).root },
        (done, total) => progress.push([done, total]),
      );
      const decoys = decoyBuckets(citizen.secretScalar, ZONE, 6, DECOY_BUCKETS, 3);
      expect(source.asked).to.deep.equal([3, ...decoys].sort((a, b) => a - b));
      expect(progress[0]).to.deep.equal([0, 2 + DECOY_BUCKETS]);
      expect(progress.at(-1)).to.deep.equal([2 + DECOY_BUCKETS, 2 + DECOY_BUCKETS]);
    });
  });

  describe("a lying server is caught", function () {
    const size = 3 * BUCKET + 10;
    const leafIndex = BUCKET + 100;
    const leaves = leavesWithCitizen(size, leafIndex);
    const root = new Group(leaves).root;
    const prove = (source: PathSource, overrides: { size?: number; snapshotRoot?: bigint } = {}) =>
      privateMerkleProof(source, {
        zone: ZONE,
        identity: citizen,
        leafIndex,
        size: overrides.size ?? size,
        snapshotRoot: overrides.snapshotRoot ?? root,
      });

    it("a changed leaf in the own bucket", async function () {
      const source = lyingSource(leaves, {
        bucket: (index, bucket) =>
          index === 1 ? bucket.map((leaf, i) => (i === 7 ? leaf + 1n : leaf)) : bucket,
      });
      await expectRejection(prove(source), "does not hash to its published root");
    });

    it("a bucket root changed to match a changed leaf", async function () {
      const forged = [...leaves];
      forged[BUCKET + 7] = 12345n;
      const forgedSource = pathSourceOf(() => forged);
      await expectRejection(prove(forgedSource), "does not have the snapshot root");
    });

    it("a changed bucket root", async function () {
      const source = lyingSource(leaves, {
        top: (top) => ({ ...top, bucketRoots: top.bucketRoots.map((r, i) => (i === 2 ? r + 1n : r)) }),
      });
      await expectRejection(prove(source), "does not have the snapshot root");
    });

    it("the citizen's leaf swapped for another", async function () {
      const source = lyingSource(leaves, {
        bucket: (index, bucket) => (index === 1 ? bucket.map((leaf, i) => (i === 100 ? 1n : leaf)) : bucket),
      });
      await expectRejection(prove(source), "is not the citizen's commitment");
    });

    it("a bucket with a leaf too many or too few", async function () {
      await expectRejection(
        prove(lyingSource(leaves, { bucket: (index, bucket) => (index === 1 ? [...bucket, 5n] : bucket) })),
        "should hold 1024 leaves",
      );
      await expectRejection(
        prove(lyingSource(leaves, { bucket: (index, bucket) => (index === 1 ? bucket.slice(1) : bucket) })),
        "should hold 1024 leaves",
      );
    });

    it("the tree of another size", async function () {
      const source = lyingSource(leaves, { top: (top) => ({ ...top, size: top.size + 1 }) });
      await expectRejection(prove(source), "not 3082");
      const fewer = lyingSource(leaves, {
        top: (top) => ({ ...top, bucketRoots: top.bucketRoots.slice(1) }),
      });
      await expectRejection(prove(fewer), "has 4 buckets, the server sent 3");
    });

    it("smaller buckets, which would single out the citizen's leaf", async function () {
      const source = lyingSource(leaves, { top: (top) => ({ ...top, bucketBits: 0 }) });
      await expectRejection(prove(source), "not 2^10");
      expect(source.asked).to.deep.equal([]);
    });

    it("a snapshot root the tree does not have (a member removed since), before any bucket is asked", async function () {
      const source = lyingSource(leaves, {});
      await expectRejection(prove(source, { snapshotRoot: root + 1n }), "does not have the snapshot root");
      expect(source.asked).to.deep.equal([]);
    });

    it("a leaf index outside the snapshot", async function () {
      await expectRejection(
        prove(
          pathSourceOf(() => leaves),
          { size: BUCKET },
        ),
        "not among the first 1024 leaves",
      );
    });

    it("merkleProofFromBuckets without the own bucket", function () {
      const top: TreeTop = { size: 1, bucketBits: BUCKET_BITS, bucketRoots: [citizen.commitment] };
      expect(() =>
        merkleProofFromBuckets(top, new Map(), 0, citizen.commitment, citizen.commitment),
      ).to.throw("bucket 0 was not downloaded");
    });
  });

  describe("decoyBuckets", function () {
    const secret = citizen.secretScalar;

    it("is fixed per identity and zone, distinct, and never the own bucket", function () {
      for (const own of [0, 5, 976]) {
        const decoys = decoyBuckets(secret, ZONE, 977, DECOY_BUCKETS, own);
        expect(decoys).to.have.length(DECOY_BUCKETS);
        expect(new Set(decoys).size).to.equal(DECOY_BUCKETS);
        expect(decoys).to.not.include(own);
        for (const decoy of decoys) expect(decoy).to.be.within(0, 976);
        expect(decoyBuckets(secret, ZONE.toLowerCase(), 977, DECOY_BUCKETS, own)).to.deep.equal(decoys);
      }
    });

    it("differs between identities and between zones", function () {
      const mine = decoyBuckets(secret, ZONE, 977);
      expect(decoyBuckets(new Identity("another").secretScalar, ZONE, 977)).to.not.deep.equal(mine);
      expect(decoyBuckets(secret, "0x00000000000000000000000000000000000000B2", 977)).to.not.deep.equal(mine);
    });

    it("takes every other bucket when there are fewer than 1 + DECOY_BUCKETS", function () {
      expect(decoyBuckets(secret, ZONE, 1, DECOY_BUCKETS, 0)).to.deep.equal([]);
      expect([...decoyBuckets(secret, ZONE, 3, DECOY_BUCKETS, 1)].sort()).to.deep.equal([0, 2]);
      expect([...decoyBuckets(secret, ZONE, 4, DECOY_BUCKETS, 3)].sort()).to.deep.equal([0, 1, 2]);
    });

    it("mostly stays the same as the zone grows, so repeated downloads do not intersect to the own bucket", function () {
      // From 900 to 1,000 buckets a decoy moves with probability about ln(1000/900) = 0.1 each.
      let moved = 0;
      const secrets = fakeLeaves(50, "decoy secret");
      for (const other of secrets) {
        const before = decoyBuckets(other, ZONE, 900);
        const after = decoyBuckets(other, ZONE, 1000);
        moved += before.filter((decoy) => !after.includes(decoy)).length;
      }
      expect(moved).to.be.below(0.25 * secrets.length * DECOY_BUCKETS);
    });

    it("spreads decoys over all buckets, not only the newest", function () {
      const decoys = fakeLeaves(200, "spread secret").flatMap((other) => decoyBuckets(other, ZONE, 1000));
      expect(decoys.filter((decoy) => decoy < 500).length).to.be.within(200, 400);
    });
  });

  describe("findLeafIndex", function () {
    const size = 6 * BUCKET + 5; // seven buckets, the last partial
    const leaves = fakeLeaves(size);
    const bucketsSeen: number[] = [];
    const memory = pathSourceOf(() => leaves);
    const source = {
      bucket(zone: string, index: number, treeSize: number) {
        bucketsSeen.push(index);
        return memory.bucket(zone, index, treeSize);
      },
    };

    it("finds the leaf in any bucket, and reads every bucket once whatever it finds", async function () {
      for (const index of [0, BUCKET - 1, BUCKET, size - 1]) {
        bucketsSeen.length = 0;
        expect(await findLeafIndex(source, ZONE, leaves[index]!, size)).to.equal(index);
        expect([...bucketsSeen].sort((a, b) => a - b)).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
      }
    });

    it("searches from a leaf on, from that leaf's bucket, and reports the leaves read", async function () {
      bucketsSeen.length = 0;
      const progress: number[] = [];
      const from = 3 * BUCKET + 10;
      expect(
        await findLeafIndex(source, ZONE, leaves[from + 1]!, size, {
          from,
          onProgress: (done, total) => progress.push(total - done),
        }),
      ).to.equal(from + 1);
      expect([...bucketsSeen].sort((a, b) => a - b)).to.deep.equal([3, 4, 5, 6]);
      expect(progress.at(-1)).to.equal(0);
      // A leaf before `from` is not found again.
      expect(await findLeafIndex(source, ZONE, leaves[from - 1]!, size, { from })).to.equal(undefined);
    });

    it("is undefined for a commitment that is not a member, and the first leaf of one there twice", async function () {
      expect(await findLeafIndex(source, ZONE, 42n, size)).to.equal(undefined);
      const twice = [...leaves];
      twice[5 * BUCKET] = twice[2]!;
      expect(
        await findLeafIndex(
          pathSourceOf(() => twice),
          ZONE,
          twice[2]!,
          size,
        ),
      ).to.equal(2);
    });
  });

  describe("wire format", function () {
    it("encodes a bucket as 32 big-endian bytes a leaf and decodes it back", function () {
      const leaves = [0n, 1n, SNARK_SCALAR_FIELD - 1n, citizen.commitment];
      const bytes = encodeBucket(leaves);
      expect(bytes.length).to.equal(4 * 32);
      expect(bytes[63]).to.equal(1);
      expect(decodeBucket(bytes)).to.deep.equal(leaves);
      expect(() => decodeBucket(bytes.slice(1))).to.throw("32 bytes a leaf");
      expect(bucketCount(BUCKET + 1)).to.equal(2);
    });
  });
});

async function expectRejection(promise: Promise<unknown>, message: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect((error as Error).message).to.include(message);
    return;
  }
  expect.fail(`expected a rejection with "${message}"`);
}
