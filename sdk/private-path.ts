/**
 * A citizen's Merkle path in a large zone without rehashing every member and without telling the
 * server which member it is. Browser-safe: no `node:` import, nothing from index.ts.
 *
 * The server (the relayer, or any indexer of the zone's membership events) publishes the group's
 * leaves in fixed buckets of 2^BUCKET_BITS consecutive leaves, and the top of the tree: the root of
 * every bucket. The top is the same file for everyone; a citizen downloads it, the bucket holding its
 * own leaf and DECOY_BUCKETS decoy buckets, computes its path locally and checks it against the root
 * read from the chain (a proposal's snapshotRoot), so a lying server is caught, not trusted.
 *
 * Why the two halves join: the group is a LeanIMT, where a node with no right sibling moves up
 * unchanged. Bucket b covers leaves [b 2^k, (b + 1) 2^k), so its nodes pair only with each other
 * below level k, and its LeanIMT on its own has the root the whole tree has at level k, index b
 * (also for the last, partly filled bucket). Above level k the tree is the LeanIMT of the bucket
 * roots. A LeanIMT proof lists only the levels that have a sibling and sets bit i of its index for
 * the i-th listed sibling, so the joined proof is the bucket's siblings followed by the top's, with
 * the top's index bits shifted by the number of bucket siblings. Because levels without a sibling
 * are left out, a joined proof may list fewer siblings than the tree's depth: prove it at the
 * proposal's snapshotDepth (createProver's `merkleTreeDepth`), never at `siblings.length`.
 */
import { Group, type MerkleProof } from "@semaphore-protocol/group";
import type { Identity } from "@semaphore-protocol/identity";
import { getAddress, solidityPackedKeccak256 } from "ethers";
import { leanRoot } from "./poseidon.js";

/** Buckets of 2^10 = 1,024 leaves: a citizen hides among 1,024 members per bucket it downloads. */
export const BUCKET_BITS = 10;
/** Decoy buckets fetched with the citizen's own: the server sees 4 buckets, 4,096 members. */
export const DECOY_BUCKETS = 3;
/** Bytes of one leaf or node on the wire (a field element, big-endian). */
export const NODE_BYTES = 32;

/** The tree of a group's first `size` leaves, down to its buckets: the root of each, in order. */
export interface TreeTop {
  size: number;
  bucketBits: number;
  /** One root per bucket; the last bucket may be partly filled (its LeanIMT root is still its node). */
  bucketRoots: bigint[];
}

/** Where a citizen gets the top and buckets of a zone's tree: RelayerClient, or any indexer. */
export interface PathSource {
  /** The tree of the zone's first `size` leaves. */
  treeTop(zone: string, size: number): Promise<TreeTop>;
  /** Bucket `index` of the zone's first `size` leaves (a removed member's leaf is 0). */
  bucket(zone: string, index: number, size: number): Promise<bigint[]>;
}

/** The zone's member list, page by page (RelayerClient.membersPage). */
export interface MemberPages {
  membersPage(zone: string, offset: number, limit: number): Promise<{ members: string[]; total: number }>;
}

/** Buckets of a tree of `size` leaves. */
export function bucketCount(size: number, bucketBits = BUCKET_BITS): number {
  return Math.ceil(size / 2 ** bucketBits);
}

/** Leaves bucket `index` holds in a tree of `size` leaves (the last one may be partly filled). */
export function bucketLength(index: number, size: number, bucketBits = BUCKET_BITS): number {
  const bucketSize = 2 ** bucketBits;
  return Math.max(0, Math.min(bucketSize, size - index * bucketSize));
}

/**
 * The LeanIMT root of a bucket's leaves: its node in the whole tree (`new Group(leaves).root`, with
 * the faster Poseidon of sdk/poseidon.ts).
 */
export function bucketRoot(leaves: readonly bigint[]): bigint {
  return leanRoot(leaves);
}

/** The root of the whole tree from its top: the LeanIMT of the bucket roots. */
export function treeRoot(top: Pick<TreeTop, "bucketRoots">): bigint {
  return leanRoot(top.bucketRoots);
}

/** A bucket on the wire: 32 bytes big-endian per leaf. */
export function encodeBucket(leaves: readonly bigint[]): Uint8Array {
  const bytes = new Uint8Array(leaves.length * NODE_BYTES);
  leaves.forEach((leaf, position) => {
    let value = leaf;
    for (let byte = NODE_BYTES - 1; byte >= 0; byte--) {
      bytes[position * NODE_BYTES + byte] = Number(value & 0xffn);
      value >>= 8n;
    }
    if (value !== 0n) throw new Error(`leaf ${position} does not fit in ${NODE_BYTES} bytes`);
  });
  return bytes;
}

/** A bucket's leaves from its wire form (encodeBucket's). */
export function decodeBucket(bytes: Uint8Array): bigint[] {
  if (bytes.length % NODE_BYTES !== 0) {
    throw new Error(`a bucket is ${NODE_BYTES} bytes a leaf; got ${bytes.length} bytes`);
  }
  const leaves: bigint[] = [];
  for (let start = 0; start < bytes.length; start += NODE_BYTES) {
    let value = 0n;
    for (let byte = start; byte < start + NODE_BYTES; byte++) value = (value << 8n) | BigInt(bytes[byte]!);
    leaves.push(value);
  }
  return leaves;
}

const UINT64 = 2n ** 64n;

/**
 * Lamping and Veach's jump consistent hash: `key` to a bucket in [0, buckets), uniform, and moving
 * to the newest bucket only (with probability 1/(n+1)) when buckets grow from n to n+1.
 */
function jumpHash(key: bigint, buckets: number): number {
  let bucket = -1;
  let next = 0;
  while (next < buckets) {
    bucket = next;
    key = (key * 2862933555777941757n + 1n) % UINT64;
    next = Math.floor((bucket + 1) * (2 ** 31 / (Number(key >> 33n) + 1)));
  }
  return bucket;
}

/**
 * The decoy buckets a citizen fetches with its own, in a zone whose tree has `bucketCount` buckets:
 * `count` distinct buckets, never `ownBucket` (pass it; privateMerkleProof does), derived from the
 * identity's secret scalar and the zone, so nobody else can predict them.
 *
 * What the server learns: that the citizen's leaf is in one of the 1 + `count` buckets it fetched,
 * i.e. one of 1,024 x 4 members. The decoys are fixed per identity and zone, so downloads repeated
 * for many proposals do not intersect to the own bucket: fresh random decoys each time would. They
 * come from a consistent hash, so as the zone grows a decoy moves (to a newly made bucket) only
 * rarely (about ln(new size / old size) times in all), and each is uniform among all buckets, so
 * the own bucket is not the odd one out. With fewer than 1 + `count` buckets, all the other buckets.
 */
export function decoyBuckets(
  secret: bigint,
  zone: string,
  bucketCount: number,
  count = DECOY_BUCKETS,
  ownBucket?: number,
): number[] {
  const others = bucketCount - (ownBucket !== undefined && ownBucket < bucketCount ? 1 : 0);
  const wanted = Math.max(0, Math.min(count, others));
  const decoys: number[] = [];
  const address = getAddress(zone);
  for (let draw = 0; decoys.length < wanted; draw++) {
    const key =
      BigInt(
        solidityPackedKeccak256(
          ["string", "uint256", "address", "uint256"],
          ["zonedao private path decoy", secret, address, draw],
        ),
      ) % UINT64;
    const bucket = jumpHash(key, bucketCount);
    if (bucket !== ownBucket && !decoys.includes(bucket)) decoys.push(bucket);
  }
  return decoys;
}

/**
 * The Merkle proof of the leaf at `leafIndex` (the citizen's `commitment`) in the tree `top`
 * describes, from the downloaded `buckets` (only the own one is needed), checked against
 * `chainRoot` (the proposal's snapshotRoot, read from the chain). Throws if the leaf, its bucket or
 * the top does not hash to the chain's root, so a lying server cannot make the citizen prove
 * against a tree of its making. The proof may list fewer siblings than the tree's depth (see the
 * header): prove it at the snapshot's depth.
 */
export function merkleProofFromBuckets(
  top: TreeTop,
  buckets: Map<number, bigint[]>,
  leafIndex: number,
  commitment: bigint,
  chainRoot: bigint,
): MerkleProof {
  return joinPath(top, new Group([...top.bucketRoots]), buckets, leafIndex, commitment, chainRoot);
}

/** merkleProofFromBuckets with the top's tree already built (privateMerkleProof checked its root). */
function joinPath(
  top: TreeTop,
  topTree: Group,
  buckets: Map<number, bigint[]>,
  leafIndex: number,
  commitment: bigint,
  chainRoot: bigint,
): MerkleProof {
  checkTop(top, top.size);
  if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= top.size) {
    throw new Error(`leaf ${leafIndex} is outside the tree of ${top.size} leaves`);
  }
  const bucketIndex = leafIndex >> top.bucketBits;
  const leaves = buckets.get(bucketIndex);
  if (leaves === undefined) throw new Error(`bucket ${bucketIndex} was not downloaded`);
  const expected = bucketLength(bucketIndex, top.size, top.bucketBits);
  if (leaves.length !== expected) {
    throw new Error(`bucket ${bucketIndex} should hold ${expected} leaves, the server sent ${leaves.length}`);
  }
  const offset = leafIndex - bucketIndex * 2 ** top.bucketBits;
  if (leaves[offset] !== commitment) {
    throw new Error(`the leaf at ${leafIndex} is not the citizen's commitment`);
  }

  const inBucket = new Group([...leaves]).generateMerkleProof(offset);
  if (inBucket.root !== top.bucketRoots[bucketIndex]) {
    throw new Error(`bucket ${bucketIndex} does not hash to its published root`);
  }
  const upper = topTree.generateMerkleProof(bucketIndex);
  if (upper.root !== chainRoot) {
    throw new Error(`the published tree of ${top.size} leaves does not have the chain's root ${chainRoot}`);
  }
  return {
    root: upper.root,
    leaf: commitment,
    index: inBucket.index + upper.index * 2 ** inBucket.siblings.length,
    siblings: [...inBucket.siblings, ...upper.siblings],
  };
}

/**
 * The citizen's Merkle proof in the zone's tree of `size` leaves (a proposal's eligibleCount),
 * from `source`: the top first (checked against `snapshotRoot` before any bucket is asked for),
 * then the own bucket and the decoys, requested together in ascending order so that neither the
 * order nor the timing marks the own one. `onProgress` counts the downloads (top included).
 * Throws if the server lies or if the tree of the first `size` leaves no longer has `snapshotRoot`
 * (a member was removed or replaced since, or removed before and `size` counts members, not
 * leaves): the caller then rebuilds the snapshot group from the chain's events.
 */
export async function privateMerkleProof(
  source: PathSource,
  args: { zone: string; identity: Identity; leafIndex: number; size: number; snapshotRoot: bigint },
  onProgress?: (done: number, total: number) => void,
): Promise<MerkleProof> {
  const { zone, identity, leafIndex, size, snapshotRoot } = args;
  if (!Number.isSafeInteger(size) || size < 1) throw new Error(`a tree of ${size} leaves has no path`);
  if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= size) {
    throw new Error(`leaf ${leafIndex} is not among the first ${size} leaves (the snapshot's)`);
  }
  const buckets = bucketCount(size);
  const own = leafIndex >> BUCKET_BITS;
  const wanted = [own, ...decoyBuckets(identity.secretScalar, zone, buckets, DECOY_BUCKETS, own)].sort(
    (a, b) => a - b,
  );
  const total = 1 + wanted.length;
  let done = 0;
  onProgress?.(done, total);

  const top = await source.treeTop(zone, size);
  checkTop(top, size);
  // Checked before any bucket is asked for: a stale or lying top costs no bucket downloads.
  const topTree = new Group([...top.bucketRoots]);
  if (topTree.root !== snapshotRoot) {
    throw new Error(
      `the tree of the zone's first ${size} leaves does not have the snapshot root ${snapshotRoot}`,
    );
  }
  onProgress?.(++done, total);

  const fetched = await Promise.all(
    wanted.map(async (index) => {
      const leaves = await source.bucket(zone, index, size);
      onProgress?.(++done, total);
      return [index, leaves] as const;
    }),
  );
  return joinPath(top, topTree, new Map(fetched), leafIndex, identity.commitment, snapshotRoot);
}

/** Buckets a leaf search reads at once: a browser's connections to one origin (HTTP/1.1: 6), less two. */
const SEARCH_READERS = 4;

/**
 * The citizen's leaf index: the position of `commitment` among the zone's first `size` leaves (from
 * leaf `from` on: a search that already read the first ones), read bucket by bucket, every bucket
 * to the last even once found (every citizen asks for the same buckets, so nothing about the
 * citizen leaves the device, not even which bucket holds it). Buckets, not the member list's JSON
 * pages: 32 bytes a leaf instead of ~160, so a million-member zone is ~32 MB read once. Found once;
 * callers keep it with the identity. Undefined if the commitment is not (or no longer) among them;
 * the first leaf if twice. `onProgress` hears how many of the `size` leaves are read.
 */
export async function findLeafIndex(
  source: Pick<PathSource, "bucket">,
  zone: string,
  commitment: bigint,
  size: number,
  options: { from?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<number | undefined> {
  const from = Math.max(0, options.from ?? 0);
  if (from >= size) return undefined;
  const bucketSize = 2 ** BUCKET_BITS;
  const first = Math.floor(from / bucketSize);
  const count = bucketCount(size);
  let next = first;
  let found: number | undefined;
  let read = from;
  const reader = async () => {
    for (let index = next++; index < count; index = next++) {
      const leaves = await source.bucket(zone, index, size);
      leaves.forEach((leaf, position) => {
        const leafIndex = index * bucketSize + position;
        if (leaf === commitment && leafIndex >= from && (found === undefined || leafIndex < found))
          found = leafIndex;
      });
      read += leaves.length - Math.max(0, from - index * bucketSize);
      options.onProgress?.(Math.min(read, size), size);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEARCH_READERS, count - first) }, reader));
  return found;
}

/** How many leaves a relayer has indexed (a one-member page's total): a size whose buckets it serves. */
export async function memberCount(pages: MemberPages, zone: string): Promise<number> {
  return (await pages.membersPage(zone, 0, 1)).total;
}

/** findLeafIndex over every leaf the relayer has indexed (memberCount). */
export async function findIndexedLeafIndex(
  relayer: MemberPages & Pick<PathSource, "bucket">,
  zone: string,
  commitment: bigint,
): Promise<number | undefined> {
  return findLeafIndex(relayer, zone, commitment, await memberCount(relayer, zone));
}

/**
 * A PathSource over a list of leaves held in memory (a zone's group as any indexer keeps it), each
 * answer computed on request: for tests, benchmarks and small indexers. The relayer caches instead.
 */
export function pathSourceOf(leaves: (zone: string) => readonly bigint[]): PathSource {
  const first = (zone: string, size: number) => {
    const all = leaves(zone);
    if (size < 1 || size > all.length) throw new Error(`the zone has ${all.length} leaves, not ${size}`);
    return all.slice(0, size);
  };
  return {
    treeTop(zone, size) {
      const tree = first(zone, size);
      const bucketSize = 2 ** BUCKET_BITS;
      const bucketRoots: bigint[] = [];
      for (let start = 0; start < size; start += bucketSize) {
        bucketRoots.push(bucketRoot(tree.slice(start, start + bucketSize)));
      }
      return Promise.resolve({ size, bucketBits: BUCKET_BITS, bucketRoots });
    },
    bucket(zone, index, size) {
      if (!Number.isSafeInteger(index) || index < 0 || index >= bucketCount(size)) {
        throw new Error(`a tree of ${size} leaves has no bucket ${index}`);
      }
      const start = index * 2 ** BUCKET_BITS;
      return Promise.resolve(first(zone, size).slice(start, start + 2 ** BUCKET_BITS));
    },
  };
}

/** The most members one page of GET /v1/zones/:zone/members holds. */
export const MEMBER_PAGE_LIMIT = 10_000;

/**
 * Refuses a top that does not describe `size` leaves in buckets of 2^BUCKET_BITS: a server that
 * chose smaller buckets would learn the citizen's leaf from the bucket it asks for.
 */
function checkTop(top: TreeTop, size: number): void {
  if (top.bucketBits !== BUCKET_BITS) {
    throw new Error(`the server's buckets are of 2^${top.bucketBits} leaves, not 2^${BUCKET_BITS}`);
  }
  if (top.size !== size) throw new Error(`the server sent the tree of ${top.size} leaves, not ${size}`);
  if (top.bucketRoots.length !== bucketCount(size)) {
    throw new Error(
      `a tree of ${size} leaves has ${bucketCount(size)} buckets, the server sent ${top.bucketRoots.length}`,
    );
  }
}
