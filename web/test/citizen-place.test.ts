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

/** A relayer's member pages over `leaves`, at most `pageLimit` a page, recording each offset asked. */
function memberPages(leaves: bigint[], pageLimit = 3): MemberPages & { offsets: number[] } {
  const offsets: number[] = [];
  return {
    offsets,
    membersPage(_zone, offset, limit) {
      offsets.push(offset);
      const members = leaves.slice(offset, offset + Math.min(limit, pageLimit)).map(String);
      return Promise.resolve({ members, total: leaves.length });
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
    it("finds the leaf by reading every page once, keeps it, and reads nothing the next time", async function () {
      const leaves = [11n, 12n, 13n, 14n, citizen.commitment, 16n, 17n];
      const pages = memberPages(leaves);
      const progress: string[] = [];
      const place = await findPlace(pages, ZONE, commitment, (done, total) =>
        progress.push(`${done}/${total}`),
      );
      expect(place).to.deep.equal({ leafIndex: 4 });
      // Read to the end: which page held it is not told by where the reading stopped.
      expect(pages.offsets).to.deep.equal([0, 3, 6]);
      expect(progress).to.deep.equal(["3/7", "6/7", "7/7"]);
      expect(storage.get(`${PLACE_STORAGE_PREFIX}${ZONE.toLowerCase()}.${commitment}`)).to.equal(
        JSON.stringify({ leafIndex: 4 }),
      );

      const again = memberPages(leaves);
      expect(await findPlace(again, ZONE, commitment)).to.deep.equal({ leafIndex: 4 });
      expect(again.offsets).to.deep.equal([]);
    });

    it("remembers how far an identity was not found, and next reads only the members added since", async function () {
      const leaves = [11n, 12n, 13n, 14n];
      expect(await findPlace(memberPages(leaves), ZONE, commitment)).to.deep.equal({ notAmongFirst: 4 });
      leaves.push(15n, citizen.commitment);
      const pages = memberPages(leaves);
      expect(await findPlace(pages, ZONE, commitment)).to.deep.equal({ leafIndex: 5 });
      expect(pages.offsets).to.deep.equal([4]);
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
