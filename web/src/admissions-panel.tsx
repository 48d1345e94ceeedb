/**
 * The zone page's "Joining" section: who is waiting to enter the zone, who asked and when each may
 * enter; by when a "reject pending admissions" proposal must have run to stop them; and, for a
 * citizen, the anonymous invitation of a newcomer by the commitment the newcomer's app shows (text
 * text), proved in the worker and sent through the relayers.
 */
import type { Identity } from "@semaphore-protocol/identity";
import { useId, useRef, useState, type FormEvent } from "react";
import { ConfirmDialog } from "./confirm-dialog.js";
import { RelayerRefusal } from "../../sdk/relayer-client.js";
import { rejectionDeadline, waitingRequests } from "../../sdk/admissions.js";
import { formatDuration } from "../../sdk/describe.js";
import { WHO_ASKED, invitationSlotsLine, parseCommitment } from "./admissions.js";
import { explain, type Relayers, type WebConfig } from "./api.js";
import { findIndexedLeafIndex } from "../../sdk/private-path.js";
import { formatDate } from "./format.js";
import { shortCommitment } from "./names.js";
import { proveInvitation, zoneTarget } from "./prover.js";
import type { ZoneAdmissionsView } from "./use-admissions.js";

/** How long the page waits for the zone to record an invitation, and how often it asks. */
const INVITATION_WAIT = { timeoutMs: 120_000, intervalMs: 500 };

export function AdmissionsSection(props: {
  config: WebConfig;
  relayers: Relayers;
  zone: string;
  zoneName: string;
  identity: Identity | undefined;
  isMember: boolean | undefined;
  /** The identity's leaf index (citizen-place.ts), once found: the invitation's proof starts there. */
  leafIndex: number | undefined;
  view: ZoneAdmissionsView | undefined;
  error: string | undefined;
  onInvited: () => void;
}) {
  const { view, zone } = props;
  if (!props.config.rpcUrl) {
    return (
      <section aria-labelledby="admissions-heading">
        <h2 id="admissions-heading">Joining {props.zoneName}</h2>
        <p className="muted">Pending admissions are read from the chain: this app has no RPC URL.</p>
      </section>
    );
  }
  const waiting = view ? waitingRequests(view.requests) : [];
  const timing = view && rejectionDeadline(view.requests, view.zoneRules, view.chainTime);
  const deadline = timing?.deadline;
  return (
    <section aria-labelledby="admissions-heading" data-testid="admissions">
      <h2 id="admissions-heading">Joining {props.zoneName}</h2>
      {props.error && (
        <p className="error" role="alert">
          The zone's admissions could not be read: {props.error}
        </p>
      )}
      {!view && !props.error && <p>Loading admissions…</p>}
      {view && (
        <>
          <p className="muted">
            Only a vote admits a citizen at once. The registrar, the parent zone, a citizen's invitation or
            the gatekeeper only ask: a newcomer waits {formatDuration(view.delay)} before entering, and the
            citizens can reject every pending admission by a vote meanwhile.
          </p>
          {waiting.length === 0 ? (
            <p data-testid="no-pending-admissions">No one is waiting to join.</p>
          ) : (
            <ul className="plain" data-testid="pending-admissions">
              {waiting.map((request) => (
                <li key={request.requestId.toString()} data-testid="pending-admission">
                  Request #{request.requestId.toString()}, by {WHO_ASKED[request.path]}:{" "}
                  {request.identityCommitments.length === 1
                    ? `newcomer ${shortCommitment(request.identityCommitments[0]!.toString())}`
                    : `${request.identityCommitments.length} newcomers`}
                  .{" "}
                  {request.status === "ready" ? (
                    <strong>Ready to enter (since {formatDate(Number(request.readyAt))})</strong>
                  ) : (
                    <>
                      <strong>Pending</strong>: can enter from {formatDate(Number(request.readyAt))}
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
          {deadline !== undefined && (
            <p data-testid="reject-deadline">
              To stop them, a proposal to reject pending admissions must have run before{" "}
              <strong>{formatDate(Number(deadline))}</strong>
              {Number(deadline) <= view.chainTime
                ? " (too late for those ready now: anyone may admit them)"
                : timing && !timing.inTime
                  ? " (a vote started now would end too late for the first of them)"
                  : ""}
              .{" "}
              {props.isMember && (
                <a href={`#/zone/${zone}/propose/reject-admissions`}>Propose to reject pending admissions</a>
              )}
            </p>
          )}
          {props.isMember && props.identity && props.leafIndex !== undefined && view.slots && (
            <InviteForm {...props} identity={props.identity} leafIndex={props.leafIndex} view={view} />
          )}
        </>
      )}
    </section>
  );
}

type InviteStatus = { text: string; error?: boolean };

function InviteForm(props: {
  config: WebConfig;
  relayers: Relayers;
  zone: string;
  identity: Identity;
  leafIndex: number;
  view: ZoneAdmissionsView;
  onInvited: () => void;
}) {
  const { config, relayers, zone, identity, view } = props;
  const id = useId();
  const [text, setText] = useState("");
  const [confirming, setConfirming] = useState<bigint>();
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<InviteStatus>();
  // Taken before the first await: one click, one invitation.
  const claimed = useRef(false);
  const slots = view.slots!;
  const { commitment, problem } = parseCommitment(text);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (commitment === undefined) return setStatus({ text: problem ?? "", error: true });
    if (slots.freeSlot === undefined) return setStatus({ text: invitationSlotsLine(slots), error: true });
    setConfirming(commitment);
  };

  const invite = async (newcomer: bigint, slot: bigint) => {
    if (claimed.current) return;
    claimed.current = true;
    setBusy(true);
    try {
      // One search of every bucket of the tree, on this click only (sdk findIndexedLeafIndex).
      setStatus({ text: "Checking that the newcomer is not a citizen already…" });
      if ((await findIndexedLeafIndex(relayers, zone, newcomer)) !== undefined) {
        setStatus({
          text: "This commitment is already a citizen of the zone: nothing to invite.",
          error: true,
        });
        return;
      }
      const { request } = await proveInvitation(
        {
          ...zoneTarget(config, zone, identity, props.leafIndex),
          epoch: view.epoch.toString(),
          slot: slot.toString(),
          newcomer: newcomer.toString(),
        },
        (_stage, detail) => setStatus({ text: `${detail[0]!.toUpperCase()}${detail.slice(1)}…` }),
      );
      setStatus({ text: "Sending your invitation…" });
      const { client } = await relayers.submitInvitation(request);
      setStatus({ text: "Sent: waiting for the zone to record it…" });
      const landed = await client.waitForInvitation(request.nullifier, INVITATION_WAIT);
      if (landed.status === "rejected") {
        setStatus({
          text: `The zone refused the invitation: ${landed.reason ?? "no reason given"}`,
          error: true,
        });
      } else {
        // The chain's clock, not this computer's: the delay runs from the block that recorded it.
        const from = formatDate(view.chainTime + view.delay);
        setStatus({
          text: `Invited ${shortCommitment(newcomer.toString())}: pending, it can enter about ${from} unless the citizens reject it.`,
        });
        setText("");
      }
      props.onInvited();
    } catch (error) {
      const used = error instanceof RelayerRefusal && error.code === "duplicate_nullifier";
      setStatus({
        text: used ? "This invitation slot of yours is already used this period." : explain(error),
        error: true,
      });
    } finally {
      claimed.current = false;
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-labelledby={`${id}-heading`} data-testid="invite-form">
      <h3 id={`${id}-heading`}>Invite a newcomer</h3>
      <p data-testid="invitation-slots">{invitationSlotsLine(slots)}</p>
      {slots.total > 0 && (
        <>
          <p className="muted">
            Anonymous: the proof shows a citizen invites, not which one. The newcomer creates an identity on
            this zone's page and shows you its commitment (text or QR code).
          </p>
          <label htmlFor={`${id}-commitment`}>Newcomer's identity commitment</label>
          <textarea
            id={`${id}-commitment`}
            rows={2}
            value={text}
            disabled={busy}
            onChange={(event) => {
              setText(event.target.value);
              setStatus(undefined);
            }}
          />
          <button type="submit" disabled={busy || slots.freeSlot === undefined}>
            Invite
          </button>
        </>
      )}
      {status && (
        <p
          className={status.error ? "error" : undefined}
          role={status.error ? "alert" : "status"}
          data-testid="invite-status"
        >
          {status.text}
        </p>
      )}
      {confirming !== undefined && slots.freeSlot !== undefined && (
        <ConfirmInvitation
          commitment={confirming}
          onSend={() => {
            const slot = slots.freeSlot!;
            setConfirming(undefined);
            void invite(confirming, slot);
          }}
          onBack={() => setConfirming(undefined)}
        />
      )}
    </form>
  );
}

/**
 * The last step before an invitation, which cannot be taken back (only the citizens' vote can
 * reject it): names the whole commitment. A modal dialog, focus on Back, Escape is Back.
 */
function ConfirmInvitation(props: { commitment: bigint; onSend: () => void; onBack: () => void }) {
  return (
    <ConfirmDialog
      name="invite"
      heading="Invite this newcomer?"
      sendLabel="Invite"
      onSend={props.onSend}
      onBack={props.onBack}
    >
      <p className="commitment">{props.commitment.toString()}</p>
      <p id="confirm-invite-note">
        It uses one of your invitations of this period and cannot be taken back: the newcomer enters after the
        delay unless the citizens reject pending admissions by a vote.
      </p>
    </ConfirmDialog>
  );
}
