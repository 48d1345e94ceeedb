/**
 * The citizen's place (web/src/citizen-place.ts) without a browser: a Map stands in for localStorage
 * and in-memory member pages and buckets (the sdk's pathSourceOf) for a relayer, each request
 * recorded, so the tests see what a relayer would be asked.
 */
import { Identity } from "@semaphore-protocol/identity";
import { expect } from "chai";
import {
  BUCKET_BITS,
  DECOY_BUCKETS,
  decoyBuckets,
  pathSourceOf,
  type MemberPages,
  type PathSource,
} from "../../sdk/private-path.js";
import {
  PLACE_STORAGE_PREFIX,
  findPlace,
  forgetPlace,
  leafHolds,
  rememberPlace,
  storedPlace,
} from "../src/citizen-place.js";
import { ZONE } from "./web-fixture.js";

const storage = new Map<string, string>();
Object.assign(globalThis, {
  localStorage: {
    getItem: (key: string) => storage.get(key) ?? null,
    setItem: (key: string, value: string) => storage.set(key, value),
    removeItem: (key: string) => storage.delete(key),
  },
});

/** A relayer's member count and buckets over `leaves`, recording each bucket asked. */
function relayerOf(leaves: bigint[]): MemberPages & Pick<PathSource, "bucket"> & { buckets: number[] } {
  const buckets: number[] = [];
  const source = pathSourceOf(() => leaves);
  return {
    buckets,
    membersPage(_zone, offset, limit) {
      const members = leaves.slice(offset, offset + limit).map(String);
      return Promise.resolve({ members, total: leaves.length });
    },
    bucket(zone, index, size) {
      buckets.push(index);
      return source.bucket(zone, index, size);
    },
  };
}

const citizen = new Identity("zonedao-web-test-place");
const commitment = citizen.commitment.toString();

describe("the citizen's place (citizen-place.ts)", function () {
  beforeEach(function () {
    storage.clear();
  });

  describe("findPlace", function () {
    it("finds the leaf by reading every bucket once, keeps it, and reads nothing the next time", async function () {
      const bucket = 2 ** BUCKET_BITS;
      const leaves = Array.from({ length: 2 * bucket + 3 }, (_, index) => 10n ** 30n + BigInt(index));
      leaves[4] = citizen.commitment;
      const relayer = relayerOf(leaves);
      const progress: string[] = [];
      const place = await findPlace(relayer, ZONE, commitment, (done, total) =>
        progress.push(`${done}/${total}`),
      );
      expect(place).to.deep.equal({ leafIndex: 4 });
      // Read to the end: which bucket held it is not told by where the reading stopped.
      expect([...relayer.buckets].sort()).to.deep.equal([0, 1, 2]);
      expect(progress.at(-1)).to.equal(`${leaves.length}/${leaves.length}`);
      expect(storage.get(`${PLACE_STORAGE_PREFIX}${ZONE.toLowerCase()}.${commitment}`)).to.equal(
        JSON.stringify({ leafIndex: 4 }),
      );

      const again = relayerOf(leaves);
      expect(await findPlace(again, ZONE, commitment)).to.deep.equal({ leafIndex: 4 });
      expect(again.buckets).to.deep.equal([]);
    });

    it("remembers how far an identity was not found, and next reads only the members added since", async function () {
      const bucket = 2 ** BUCKET_BITS;
      const leaves = Array.from({ length: bucket + 4 }, (_, index) => 10n ** 30n + BigInt(index));
      expect(await findPlace(relayerOf(leaves), ZONE, commitment)).to.deep.equal({
        notAmongFirst: bucket + 4,
      });
      leaves.push(15n, citizen.commitment);
      const relayer = relayerOf(leaves);
      expect(await findPlace(relayer, ZONE, commitment)).to.deep.equal({ leafIndex: bucket + 5 });
      expect(relayer.buckets).to.deep.equal([1]);
    });

    it("keeps each zone's and identity's place apart, and forgets one on request", function () {
      rememberPlace(ZONE, commitment, { leafIndex: 9 });
      expect(storedPlace(ZONE.toLowerCase(), commitment)).to.deep.equal({ leafIndex: 9 });
      expect(storedPlace(ZONE, "123")).to.equal(undefined);
      forgetPlace(ZONE, commitment);
      expect(storedPlace(ZONE, commitment)).to.equal(undefined);
    });

    it("reads a damaged record as none", function () {
      for (const value of ["not json", "null", '{"leafIndex":-1}', '{"leafIndex":1.5}', '{"other":1}']) {
        storage.set(`${PLACE_STORAGE_PREFIX}${ZONE.toLowerCase()}.${commitment}`, value);
        expect(storedPlace(ZONE, commitment), value).to.equal(undefined);
      }
    });
  });

  describe("leafHolds", function () {
    const size = 4 * 2 ** BUCKET_BITS + 100; // five buckets
    const leafIndex = 2 * 2 ** BUCKET_BITS + 7;
    const leaves = Array.from({ length: size }, (_, index) => 10n ** 30n + BigInt(index));
    leaves[leafIndex] = citizen.commitment;

    /** The sdk's in-memory path source over `tree`, recording each bucket asked for. */
    function recordedSource(tree: bigint[]) {
      const asked: number[] = [];
      const source = pathSourceOf(() => tree);
      return {
        asked,
        source: {
          treeTop: source.treeTop.bind(source),
          bucket(zone: string, index: number, bucketSize: number) {
            asked.push(index);
            return source.bucket(zone, index, bucketSize);
          },
        },
      };
    }

    it("checks the own leaf in its bucket, fetched among the identity's decoys in ascending order", async function () {
      const { asked, source } = recordedSource(leaves);
      expect(await leafHolds(source, ZONE, citizen, leafIndex, size)).to.equal(true);
      const own = leafIndex >> BUCKET_BITS;
      const expected = [own, ...decoyBuckets(citizen.secretScalar, ZONE, 5, DECOY_BUCKETS, own)].sort(
        (a, b) => a - b,
      );
      expect(asked).to.deep.equal(expected);
    });

    it("says no for a removed leaf (0), another commitment there, or a leaf beyond the tree", async function () {
      const removed = [...leaves];
      removed[leafIndex] = 0n;
      expect(await leafHolds(recordedSource(removed).source, ZONE, citizen, leafIndex, size)).to.equal(false);
      expect(await leafHolds(recordedSource(leaves).source, ZONE, citizen, leafIndex + 1, size)).to.equal(
        false,
      );
      const { asked, source } = recordedSource(leaves);
      expect(await leafHolds(source, ZONE, citizen, size, size)).to.equal(false);
      expect(asked).to.deep.equal([]);
    });
  });
});
