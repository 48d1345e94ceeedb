/**
 * A citizen's Merkle path in a large zone without rehashing every member and without telling the
 * server which member it is.
 *
 * The server (any indexer of the zone's membership events) publishes the group's leaves in fixed
 * buckets of 2^k consecutive leaves, and the top of the tree: the root of every bucket. The top is
 * the same file for everyone; a citizen downloads it and the one bucket holding its leaf (its
 * index is known from its registration event), optionally with decoy buckets, and computes its
 * path locally: the path inside the bucket, then the bucket's path in the top tree. It checks the
 * result against the root read from the chain, so a lying server is caught, not trusted.
 *
 * Why the two halves join: the group is a LeanIMT, where a node with no right sibling moves up
 * unchanged. Bucket b covers leaves [b 2^k, (b + 1) 2^k), so its nodes pair only with each other
 * below level k, and its LeanIMT on its own has the root the whole tree has at level k, index b
 * (also for the last, partly filled bucket). Above level k the tree is the LeanIMT of the bucket
 * roots. A LeanIMT proof lists only the levels that have a sibling and sets bit i of its index for
 * the i-th listed sibling, so the joined proof is the bucket's siblings followed by the top's, with
 * the top's index bits shifted by the number of bucket siblings.
 *
 * What the server learns: the bucket, i.e. that the citizen is one of 2^k members (one of
 * 2^k (D + 1) with D decoys, if the decoys stay the same on every download; fresh random decoys
 * each time would intersect to the real bucket).
 */
import { Group, type MerkleProof } from "@semaphore-protocol/group";
import { poseidon2 } from "poseidon-lite";

/** What the server publishes. Every node is a 32-byte field element on the wire. */
export interface PublishedTree {
  bucketBits: number;
  /** The top of the tree: the root of every bucket, in order. */
  bucketRoots: bigint[];
  /** Bucket `index`'s leaves (removed members are 0, as in the group). */
  bucket(index: number): bigint[];
}

/** What one citizen downloads. */
export interface PathDownload {
  bucketBits: number;
  bucketRoots: bigint[];
  /** The requested buckets, by index: the citizen's own and any decoys. */
  buckets: Map<number, bigint[]>;
}

export const NODE_BYTES = 32;

/**
 * The server side, from the group it already maintains: a full bucket's root is its first leaf
 * hashed up through the first k siblings of that leaf's path (the leaf is a left child at every
 * level inside the bucket); the last bucket, if partly filled, is rehashed on its own.
 */
export function publishTree(group: Group, bucketBits: number): PublishedTree {
  const bucketSize = 2 ** bucketBits;
  const members = group.members;
  const bucket = (index: number) => members.slice(index * bucketSize, (index + 1) * bucketSize);
  const bucketRoots: bigint[] = [];
  for (let index = 0; index * bucketSize < group.size; index++) {
    if ((index + 1) * bucketSize <= group.size) {
      const { leaf, siblings } = group.generateMerkleProof(index * bucketSize);
      bucketRoots.push(
        siblings.slice(0, bucketBits).reduce((node, sibling) => poseidon2([node, sibling]), leaf),
      );
    } else {
      bucketRoots.push(new Group(bucket(index)).root);
    }
  }
  return { bucketBits, bucketRoots, bucket };
}

/** The download of the citizen at `leafIndex`, with `decoys` other buckets (fixed per citizen). */
export function downloadFor(
  published: PublishedTree,
  leafIndex: number,
  decoys: readonly number[] = [],
): PathDownload {
  const own = leafIndex >> published.bucketBits;
  const buckets = new Map<number, bigint[]>();
  for (const index of [own, ...decoys]) buckets.set(index, published.bucket(index));
  return { bucketBits: published.bucketBits, bucketRoots: published.bucketRoots, buckets };
}

/** Bytes a download takes on the wire: 32 per node. */
export function downloadBytes(download: PathDownload): number {
  let nodes = download.bucketRoots.length;
  for (const leaves of download.buckets.values()) nodes += leaves.length;
  return nodes * NODE_BYTES;
}

/**
 * The client side: the Merkle proof of the leaf at `leafIndex` (the citizen's commitment) from the
 * downloaded buckets, checked against `chainRoot` (the zone's current or snapshot root). Throws if
 * the download does not match the chain.
 */
export function merkleProofFromBuckets(
  download: PathDownload,
  leafIndex: number,
  commitment: bigint,
  chainRoot: bigint,
): MerkleProof {
  const bucketIndex = leafIndex >> download.bucketBits;
  const leaves = download.buckets.get(bucketIndex);
  if (leaves === undefined) throw new Error(`bucket ${bucketIndex} was not downloaded`);
  const offset = leafIndex - bucketIndex * 2 ** download.bucketBits;
  if (leaves[offset] !== commitment)
    throw new Error(`the leaf at ${leafIndex} is not the citizen's commitment`);

  const inBucket = new Group(leaves).generateMerkleProof(offset);
  if (inBucket.root !== download.bucketRoots[bucketIndex]) {
    throw new Error(`bucket ${bucketIndex} does not hash to its published root`);
  }
  const top = new Group(download.bucketRoots).generateMerkleProof(bucketIndex);
  if (top.root !== chainRoot) throw new Error("the published tree does not have the chain's root");

  return {
    root: top.root,
    leaf: commitment,
    index: inBucket.index + top.index * 2 ** inBucket.siblings.length,
    siblings: [...inBucket.siblings, ...top.siblings],
  };
}
