/**
 * Dead ends: what the app cannot get past on a zone's or a proposal's page, each said in words with
 * what the person can do. A page that meets one stops asking (no request repeats after it) until the
 * person presses "Try again", which asks once more.
 */
import { isAddress } from "ethers";
import { RelayerRefusal } from "../../sdk/relayer-client.js";
import { RelayersUnreachable } from "./api.js";
import { formatDate } from "./format.js";

export type DeadEnd =
  /** No relayer serves the zone (404 unknown_zone, or an address that is not one: 400). */
  | { kind: "unknown-zone"; zone: string }
  /** The relayer serves the zone but has no such proposal (404 unknown_proposal), after a grace re-read. */
  | { kind: "unknown-proposal"; zone: string; proposalId: string }
  /** Every relayer was unreachable or failing (5xx, not a relayer's answer). */
  | { kind: "relayers-down"; failures: { relayer: string; reason: string }[] }
  /** The chain's RPC did not answer: the relayer's account is all the page has. */
  | { kind: "rpc-down"; rpcUrl: string; reason: string }
  /** The unlocked identity is not in the zone's member list at all. */
  | { kind: "not-a-citizen" }
  /** A citizen now, but not in this proposal's snapshot (joined after it was made). */
  | { kind: "not-yet-eligible" }
  /** The zone has no such dividend round (its DividendRoundOpened is not on chain). */
  | { kind: "unknown-dividend-round"; zone: string; roundId: string }
  /** A citizen, but not of the vote that opened this dividend round: the round pays that vote's citizens. */
  | { kind: "not-in-dividend-electorate"; zone: string }
  /** Not a citizen yet, but asked for and waiting out the admission delay (sdk/admissions.ts). */
  | { kind: "pending-admission"; readyAt: number };

/**
 * The dead end a failed relayer read means, or undefined for a failure worth asking again about (a
 * refusal that may pass, a slow answer). `place` says what the page asked about.
 */
export function deadEndOf(error: unknown, place: { zone: string; proposalId?: string }): DeadEnd | undefined {
  if (error instanceof RelayersUnreachable) return { kind: "relayers-down", failures: error.failures };
  if (!(error instanceof RelayerRefusal)) return undefined;
  const unknownZone = { kind: "unknown-zone", zone: place.zone } as const;
  if (error.code === "unknown_zone") return unknownZone;
  if (error.code === "unknown_proposal" && place.proposalId !== undefined)
    return { kind: "unknown-proposal", zone: place.zone, proposalId: place.proposalId };
  if (error.code === "malformed_request") {
    // The relayer's routes refuse a zone that is not an address and an id that is not a number.
    if (!isAddress(place.zone)) return unknownZone;
    if (place.proposalId !== undefined)
      return { kind: "unknown-proposal", zone: place.zone, proposalId: place.proposalId };
  }
  return undefined;
}

/** The page for a dead end: what is wrong, what the person can do, and (where it may pass) Try again. */
export function DeadEndPage(props: {
  deadEnd: DeadEnd;
  zoneName: string;
  /** Asks once more; absent where asking again cannot help. */
  onRetry?: () => void;
}) {
  const { deadEnd, zoneName, onRetry } = props;
  const retry = onRetry && (
    <button type="button" className="secondary" onClick={onRetry}>
      Try again
    </button>
  );
  switch (deadEnd.kind) {
    case "unknown-zone":
      return (
        <section aria-labelledby="dead-end-heading" data-testid="dead-end-unknown-zone">
          <h1 id="dead-end-heading">No such zone</h1>
          <p>
            No zone <span className="commitment">{deadEnd.zone}</span> is known to this app's relayers. The
            link may be mistyped, or the zone may be served elsewhere.
          </p>
          <p>
            <a href="#/">Choose a zone from the list</a>
          </p>
        </section>
      );
    case "unknown-proposal":
      return (
        <section aria-labelledby="dead-end-heading" data-testid="dead-end-unknown-proposal">
          <h1 id="dead-end-heading">
            {zoneName} has no proposal #{deadEnd.proposalId}
          </h1>
          <p>The link may be mistyped, or the proposal may not be recorded yet.</p>
          <p>
            <a href={`#/zone/${deadEnd.zone}`}>See {zoneName}'s proposals</a> {retry}
          </p>
        </section>
      );
    case "relayers-down":
      return (
        <section aria-labelledby="dead-end-heading" data-testid="dead-end-relayers-down">
          <h1 id="dead-end-heading">The relayers cannot be reached</h1>
          <p>
            The app reads proposals and sends votes through relayers, and none answered. Your identity is safe
            in this browser; nothing was sent.
          </p>
          <ul>
            {deadEnd.failures.map(({ relayer, reason }) => (
              <li key={relayer}>
                {relayer}: <span className="muted">{reason}</span>
              </li>
            ))}
          </ul>
          <p>Check your connection, then try again in a moment. {retry}</p>
        </section>
      );
    case "rpc-down":
      return (
        <section aria-labelledby="dead-end-heading" data-testid="dead-end-rpc-down">
          <h2 id="dead-end-heading">The chain cannot be reached</h2>
          <p>
            The app could not read the chain at {deadEnd.rpcUrl} ({deadEnd.reason}). What still works: reading
            proposals and tallies as the relayer tells them, not checked against the chain. Voting, proposing
            and the audit wait until the chain answers.
          </p>
          <p>{retry}</p>
        </section>
      );
    case "not-a-citizen":
      return (
        <section aria-labelledby="dead-end-heading" data-testid="dead-end-not-a-citizen">
          <h2 id="dead-end-heading">You are not a citizen of {zoneName} yet</h2>
          <p>
            This identity is not in the zone's list of citizens, so it cannot vote. To become one, give your
            identity commitment (shown below, as text or a QR code) to the zone's registrar. Once they add it,
            you can vote on proposals made from then on.
          </p>
          <p>{retry}</p>
        </section>
      );
    case "unknown-dividend-round":
      return (
        <section aria-labelledby="dead-end-heading" data-testid="dead-end-unknown-dividend-round">
          <h1 id="dead-end-heading">
            {zoneName} has no dividend round #{deadEnd.roundId}
          </h1>
          <p>The link may be mistyped, or the vote that opens it may not have been carried out yet.</p>
          <p>
            <a href={`#/zone/${deadEnd.zone}/treasury`}>See {zoneName}'s treasury and its rounds</a> {retry}
          </p>
        </section>
      );
    case "not-in-dividend-electorate":
      return (
        <section aria-labelledby="dead-end-heading" data-testid="dead-end-not-in-dividend-electorate">
          <h2 id="dead-end-heading">This round is not yours to claim</h2>
          <p>
            A dividend round pays the citizens who could vote on the proposal that opened it, and you joined{" "}
            {zoneName} after that proposal was made. Rounds opened from now on include you.
          </p>
          <p>
            <a href={`#/zone/${deadEnd.zone}/treasury`}>See {zoneName}'s treasury</a>
          </p>
        </section>
      );
    case "pending-admission":
      return (
        <section aria-labelledby="dead-end-heading" data-testid="dead-end-pending-admission">
          <h2 id="dead-end-heading">You are waiting to join {zoneName}</h2>
          <p>{pendingAdmissionText(deadEnd.readyAt)}</p>
        </section>
      );
    case "not-yet-eligible":
      return (
        <section aria-labelledby="dead-end-heading" data-testid="dead-end-not-yet-eligible">
          <h2 id="dead-end-heading">You joined after this proposal was made</h2>
          <p>
            You are a citizen of {zoneName}, but only the citizens listed when a proposal is made can vote on
            it. You can vote on proposals made from now on.
          </p>
        </section>
      );
  }
}

/** What a newcomer whose admission is pending reads instead of "not a citizen". */
export function pendingAdmissionText(readyAt: number): string {
  return `Pending: you can vote from ${formatDate(readyAt)} on proposals made after that, unless the citizens reject pending admissions before then.`;
}
