/**
 * What a citizen's proof is made from: by default its private Merkle path (sdk/private-path.ts),
 * read from the relayer's tree as buckets, never the whole member list; else, with no relayer or
 * when the relayer's tree does not hash to the chain's root (a member removed or replaced since the
 * snapshot, or an index behind the chain), the group rebuilt from the zone's events as before.
 */
import type { Group, Identity, Membership } from "../sdk/index.js";
import { RelayerClient, findIndexedLeafIndex, privateMerkleProof } from "../sdk/index.js";
import { CommandError, UsageError, type CommandContext } from "./context.js";
import type { Options } from "./flags.js";

/** --leaf-index: the citizen's leaf, to skip the scan of the member list (commands that prove). */
export const leafIndexFlag = { "leaf-index": { type: "string" } } as const satisfies Options;

/** The tree a proof is checked against: a proposal's snapshot, or the zone's current tree. */
export interface ProvingTree {
  root: bigint;
  depth: number;
  /** Leaves in it: a snapshot's eligibleCount, or the current tree's size. */
  size: number;
  /**
   * The proposal whose snapshot it is: the relayer's `snapshotSize` of it (leaves, removed members'
   * included) is then tried before `size`, which counts members only.
   */
  proposalId?: bigint;
}

/** A Membership for createProver, and the depth to prove at (for a Merkle proof). */
export interface ProvingMembership {
  membership: Membership;
  merkleTreeDepth?: number;
}

/**
 * The citizen's membership of `tree`: the private path through the relayer when there is one, else
 * (or when the path cannot be had) `rebuild()`, refused with `notCitizen` if the identity is not in
 * the rebuilt group.
 */
export async function provingMembership(
  context: CommandContext,
  args: {
    address: string;
    identity: Identity;
    tree: ProvingTree;
    rebuild: () => Promise<Group>;
    notCitizen: string;
  },
): Promise<ProvingMembership> {
  const { address, identity, tree } = args;
  const relayerUrl = context.relayerUrl();
  // Read before anything else: a malformed flag is the user's mistake, not a reason to fall back.
  const given = givenLeafIndex(context);
  if (relayerUrl !== undefined) {
    const client = new RelayerClient(relayerUrl);
    try {
      let leafIndex = given;
      if (leafIndex === undefined) {
        context.progress(`finding your leaf in ${relayerUrl}'s tree (every bucket is read)...`);
        leafIndex = await findIndexedLeafIndex(client, address, identity.commitment);
        if (leafIndex === undefined) throw new Error("this identity is not in the relayer's member list");
        context.progress(
          `your leaf index is ${leafIndex} (pass --leaf-index ${leafIndex} to skip this next time)`,
        );
      }
      // Unchecked here: a wrong size only makes the tree miss the chain's root below.
      const size =
        tree.proposalId === undefined
          ? tree.size
          : ((await client.proposal(address, tree.proposalId)).snapshotSize ?? tree.size);
      const path = await privateMerkleProof(client, {
        zone: address,
        identity,
        leafIndex,
        size,
        snapshotRoot: tree.root,
      });
      context.progress(`Merkle path from ${relayerUrl}'s buckets, checked against the chain's root`);
      return { membership: path, merkleTreeDepth: tree.depth };
    } catch (error) {
      context.progress(
        `no private path (${(error as Error).message}); rebuilding the group from the chain's events...`,
      );
    }
  }
  const group = await args.rebuild();
  if (group.indexOf(identity.commitment) === -1) throw new CommandError(args.notCitizen);
  return { membership: group };
}

function givenLeafIndex(context: CommandContext): number | undefined {
  const text = context.text("leaf-index");
  if (text === undefined) return undefined;
  if (!/^(0|[1-9][0-9]{0,9})$/.test(text)) throw new UsageError(`--leaf-index: not a leaf index: ${text}`);
  return Number(text);
}
