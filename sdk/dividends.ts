/**
 * Where one citizen stands with a dividend round: may claim, has claimed, or cannot. Browser-safe
 * (no proving, no Node), so the web app asks the chain itself and tells no one who is asking. The
 * round itself (amount, electorate, claimed count, open / exhausted / over / closed) is
 * dividend-rounds.ts's `readDividendRound`; this module adds the citizen's side.
 */
import type { Group } from "@semaphore-protocol/group";
import type { Identity } from "@semaphore-protocol/identity";
import type { DividendRound } from "./dividend-rounds.js";
import { nullifierOf } from "./nullifier.js";
import { dividendScope } from "./scope.js";

/**
 * Where one identity stands with a round, in the order that matters to it: a claim it made is
 * "claimed" even once the round closed; then whether it is in the electorate at all; then whether
 * the round still pays.
 */
export type DividendClaimStatus =
  | { kind: "claimable" }
  | { kind: "claimed" }
  /** Not in the opening proposal's snapshot: joined later, or not a citizen. */
  | { kind: "not-eligible" }
  /** Every citizen of the electorate has claimed. */
  | { kind: "exhausted" }
  /** The claim period is over (the round may still be open for closing). */
  | { kind: "over" }
  /** Closed: what was not claimed went back to the treasury. */
  | { kind: "closed" };

/**
 * Whether `identity` may claim `round`, has claimed it, or cannot. Its nullifier for the round is
 * computed here and looked for among the round's claims (`claimedNullifiers`,
 * dividend-rounds.ts's readDividendClaims): it never leaves this function, so asking tells no relayer or RPC which
 * citizen is asking (as the vote page does with VoteCast). `electorate` is the group whose root is
 * the round's snapshot root (rebuildGroup's `untilDividendRound`).
 */
export function dividendClaimStatus(
  round: DividendRound,
  claimedNullifiers: readonly bigint[],
  identity: Identity,
  electorate: Group,
  context: { chainId: bigint; zone: string },
): DividendClaimStatus {
  if (electorate.root !== round.snapshotRoot) {
    throw new Error(`the group given is not round ${round.roundId}'s electorate (its root differs)`);
  }
  const inElectorate = electorate.indexOf(identity.commitment) >= 0;
  return dividendClaimStatusOf(round, claimedNullifiers, identity, inElectorate, context);
}

/**
 * dividendClaimStatus for a caller that knows whether the identity is in the round's electorate
 * without holding its group (the web app: its leaf index below the snapshot's size, checked by the
 * private Merkle path when it claims).
 */
export function dividendClaimStatusOf(
  round: DividendRound,
  claimedNullifiers: readonly bigint[],
  identity: Identity,
  inElectorate: boolean,
  context: { chainId: bigint; zone: string },
): DividendClaimStatus {
  const nullifier = nullifierOf(identity, dividendScope(context.chainId, context.zone, round.roundId));
  if (claimedNullifiers.includes(nullifier)) return { kind: "claimed" };
  if (!inElectorate) return { kind: "not-eligible" };
  return round.status === "open" ? { kind: "claimable" } : { kind: round.status };
}
