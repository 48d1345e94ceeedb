/**
 * What a client computes about its own proofs without proving: the nullifier it would publish and
 * the depth it would prove at. Kept apart from proof.ts (which resolves the ceremony files from
 * node_modules) so that a browser can import it.
 */
import type { Group } from "@semaphore-protocol/group";
import type { Identity } from "@semaphore-protocol/identity";
import { poseidon2 } from "poseidon-lite/poseidon2";
import { MIN_TREE_DEPTH } from "./constants.js";
import { semaphoreHash } from "./scope.js";

/**
 * The nullifier `identity` would have in `scope`, computed without a proof (as the circuit does:
 * Poseidon(hash(scope), secret)), so a client can tell if it already voted before proving.
 */
export function nullifierOf(identity: Identity, scope: bigint): bigint {
  return poseidon2([semaphoreHash(scope), identity.secretScalar]);
}

/** The depth a proof for `group` uses: the group's own, but at least the circuit's minimum of 1. */
export function proofDepth(group: Group): number {
  return Math.max(MIN_TREE_DEPTH, group.depth);
}
