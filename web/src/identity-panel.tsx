/**
 * The citizen's identities on screen: a one-line badge for zone and proposal pages (IdentityPanel:
 * who you are in this zone, locked or not, the commitment and QR code one click away), and the
 * wallet's own page (IdentityPage, #/identity: every zone's commitment, backup, restore, lock). The
 * wallet itself (wallet.ts) is held by App and read here through WalletContext.
 */
import type { Identity } from "@semaphore-protocol/identity";
import QRCode from "qrcode";
import { useEffect, useId, useState, type FormEvent } from "react";
import { CopyButton, useName } from "./address.js";
import { pendingAdmissionText } from "./dead-ends.js";
import { shortAddress, shortCommitment } from "./names.js";
import type { SealedIdentity } from "./vault.js";
import { useWallet } from "./wallet-context.js";

const RELOAD_NOTE = "Unlocking opens your identities for every zone until you reload the page or lock.";

/**
 * The identity badge of `zone`: one line ("Citizen of Riverside · identity 1234…5678 · Unlocked"),
 * an unlock field when the wallet is locked, a create button when it has no identity for the zone,
 * and the commitment, QR code and a link to the wallet's page in an expandable (open while the
 * citizen is not registered yet, since that is what the registrar needs).
 */
export function IdentityPanel(props: {
  zone: string;
  identity: Identity | undefined;
  onUnlocked: (identity: Identity | undefined) => void;
  isMember: boolean | undefined;
  /** The zone's name; the config's name (NamesContext) by default. */
  zoneName?: string;
  /** When this identity's pending admission may enter (unix seconds): not a citizen yet, but asked for. */
  pendingFrom?: number;
}) {
  const { zone } = props;
  const wallet = useWallet();
  const known = useName(zone);
  const name = props.zoneName ?? known ?? shortAddress(zone);
  const identity = props.identity ?? wallet.identity(zone);
  const commitment = identity?.commitment.toString() ?? wallet.commitment(zone);
  const hasWallet = wallet.stored !== undefined || wallet.older.length > 0;

  if (!hasWallet) {
    return (
      <section aria-labelledby="identity-heading">
        <h2 id="identity-heading">Your identity</h2>
        <p>
          To vote in {name} you need an anonymous identity. It is made and kept in this browser, encrypted
          with a passphrase you choose (one passphrase for all your zones); nothing about it leaves the
          browser except its public commitment, which you hand to the zone's registrar.
        </p>
        <PassphraseForm
          label="Choose a passphrase (at least 8 characters)"
          confirm
          action="Create identity"
          onSubmit={(passphrase) => wallet.create(zone, passphrase)}
        />
        <p>
          Already have a backup? <a href="#/identity">Restore it on Your identity</a>.
        </p>
      </section>
    );
  }

  const status = identity
    ? props.isMember === true
      ? `Citizen of ${name}`
      : props.isMember === false
        ? props.pendingFrom !== undefined
          ? `${name}: admission pending`
          : `${name}: not a citizen yet`
        : name
    : name;
  return (
    <section className="identity-badge" aria-label="Your identity" data-testid="identity-badge">
      <p className="badge-line">
        <strong>{status}</strong>
        {" · "}
        {commitment ? `identity ${shortCommitment(commitment)}` : "no identity for this zone yet"}
        {" · "}
        <span className={wallet.open ? "ok" : undefined}>{wallet.open ? "Unlocked" : "Locked"}</span>
        {wallet.open && (
          <button type="button" className="secondary small" onClick={() => props.onUnlocked(undefined)}>
            Lock
          </button>
        )}
      </p>
      {!wallet.open && (
        <PassphraseForm
          label="Passphrase"
          action="Unlock"
          inline
          note={RELOAD_NOTE}
          onSubmit={(passphrase) => wallet.unlock(passphrase)}
        />
      )}
      {wallet.open && !identity && (
        <ActionButton action="Create identity" onClick={() => wallet.create(zone)} />
      )}
      {identity && props.isMember === false && props.pendingFrom !== undefined && (
        <p data-testid="pending-admission-note">
          <strong>{pendingAdmissionText(props.pendingFrom)}</strong>
        </p>
      )}
      {identity && props.isMember === false && props.pendingFrom === undefined && (
        <p>
          <strong>Not registered yet.</strong> Show this commitment (text or QR code) to the zone's registrar,
          or to a citizen who can invite you. Once admitted, you can vote on proposals made after that.
        </p>
      )}
      {identity && (
        <details open={props.isMember === false || undefined}>
          <summary>Commitment, QR code and backup</summary>
          <Commitment commitment={identity.commitment.toString()} />
          <p>
            Backup, restore and your other zones: <a href="#/identity">Your identity</a>.
          </p>
        </details>
      )}
    </section>
  );
}

/** The full commitment with a copy button and its QR code: what a registrar needs. */
function Commitment({ commitment }: { commitment: string }) {
  const [qr, setQr] = useState<string>();
  useEffect(() => {
    void QRCode.toDataURL(commitment, { margin: 1, width: 384 }).then(setQr);
  }, [commitment]);
  return (
    <>
      <p>
        Identity commitment (public): <CopyButton value={commitment} label="Copy the commitment" />
      </p>
      <p className="commitment" data-testid="commitment">
        {commitment}
      </p>
      {qr && <img className="qr" src={qr} alt={`QR code of the identity commitment ${commitment}`} />}
    </>
  );
}

/** #/identity: the wallet of every zone's identity in this browser. */
export function IdentityPage({ zones }: { zones: { address: string; name: string }[] }) {
  const wallet = useWallet();
  const nameOf = (zone: string) =>
    zones.find((known) => known.address.toLowerCase() === zone.toLowerCase())?.name ?? shortAddress(zone);
  const download = () => {
    const blob = new Blob([wallet.backupText()], { type: "application/json" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "zonedao-wallet.json";
    link.click();
    URL.revokeObjectURL(link.href);
  };
  const storedZones = Object.keys(wallet.stored?.commitments ?? {});
  return (
    <>
      <h1>Your identity</h1>
      <p>
        Your anonymous identities, one per zone, are kept in this browser in one wallet, encrypted with your
        passphrase. {RELOAD_NOTE} Only an identity's public commitment ever leaves the browser: you hand it to
        the zone's registrar.
      </p>
      {!wallet.stored && wallet.older.length === 0 && (
        <section aria-labelledby="wallet-heading">
          <h2 id="wallet-heading">No identity in this browser yet</h2>
          <p>Create one on your zone's page:</p>
          <ul>
            {zones.map((zone) => (
              <li key={zone.address}>
                <a href={`#/zone/${zone.address}`}>{zone.name}</a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {(wallet.stored || wallet.older.length > 0) && !wallet.open && (
        <section aria-labelledby="wallet-heading">
          <h2 id="wallet-heading">Locked</h2>
          {storedZones.length > 0 && (
            <ul>
              {storedZones.map((zone) => (
                <li key={zone}>
                  {nameOf(zone)}: identity {shortCommitment(wallet.stored!.commitments[zone]!)}
                </li>
              ))}
            </ul>
          )}
          <PassphraseForm
            label="Passphrase"
            action="Unlock"
            onSubmit={(passphrase) => wallet.unlock(passphrase)}
          />
        </section>
      )}
      {wallet.open && (
        <section aria-labelledby="wallet-heading">
          <h2 id="wallet-heading">Unlocked</h2>
          {Object.keys(wallet.open.identities).length === 0 && <p>No identity in the wallet yet.</p>}
          <ul className="plain">
            {Object.entries(wallet.open.identities).map(([zone, identity]) => (
              <li key={zone}>
                <h3>
                  <a href={`#/zone/${zone}`}>{nameOf(zone)}</a>
                </h3>
                <Commitment commitment={identity.commitment.toString()} />
                <details>
                  <summary>Remove it from this browser</summary>
                  <p>Without a backup, a removed identity cannot vote again.</p>
                  <ActionButton
                    action={`Remove the identity for ${nameOf(zone)}`}
                    secondary
                    onClick={() => wallet.remove(zone)}
                  />
                </details>
              </li>
            ))}
          </ul>
          <div>
            <button className="secondary" onClick={download}>
              Download encrypted backup
            </button>
            <button className="secondary" onClick={() => wallet.lock()}>
              Lock
            </button>
          </div>
        </section>
      )}
      {wallet.open &&
        wallet.older.map((entry) => <OlderEntry key={entry.zone} entry={entry} name={nameOf(entry.zone)} />)}
      {(wallet.open || !wallet.stored) && (
        <section aria-labelledby="restore-heading">
          <h2 id="restore-heading">Restore from a backup</h2>
          <RestoreForm />
        </section>
      )}
    </>
  );
}

/** An identity of the older per-zone format, under a passphrase other than the wallet's. */
function OlderEntry({ entry, name }: { entry: SealedIdentity; name: string }) {
  const wallet = useWallet();
  return (
    <section aria-label={`Older identity for ${name}`}>
      <h2>Older identity for {name}</h2>
      <p>
        Identity {shortCommitment(entry.commitment)} is stored in this browser under another passphrase. Enter
        that passphrase to move it into your wallet.
      </p>
      <PassphraseForm
        label={`Passphrase of the older identity for ${name}`}
        action="Move into the wallet"
        onSubmit={(passphrase) => wallet.moveOlder(entry, passphrase)}
      />
    </section>
  );
}

function RestoreForm() {
  const id = useId();
  const wallet = useWallet();
  const [text, setText] = useState("");
  const [zone, setZone] = useState("");
  const pastedKey = text.trim() !== "" && !text.trim().startsWith("{");
  return (
    <>
      <p>
        A wallet backup adds all its identities to this browser's wallet; an older backup of one zone's
        identity works too.
      </p>
      <label htmlFor={`${id}-file`}>Backup file</label>
      <input
        id={`${id}-file`}
        type="file"
        accept="application/json,.json,.txt"
        onChange={(event) => void event.target.files?.[0]?.text().then(setText)}
      />
      <label htmlFor={`${id}-text`}>…or paste the backup (or an exported Semaphore key)</label>
      <textarea id={`${id}-text`} value={text} onChange={(event) => setText(event.target.value)} />
      {pastedKey && (
        <>
          <label htmlFor={`${id}-zone`}>Zone of this key (address)</label>
          <input id={`${id}-zone`} value={zone} onChange={(event) => setZone(event.target.value.trim())} />
        </>
      )}
      <PassphraseForm
        label="Passphrase (the backup's; for a pasted key, the wallet's or a new one)"
        action="Restore"
        onSubmit={(passphrase) => wallet.restore(text, passphrase, pastedKey ? zone : undefined)}
      />
    </>
  );
}

/** A button for an action that may fail: busy while it runs, its error shown under it. */
function ActionButton(props: { action: string; secondary?: boolean; onClick: () => Promise<void> }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <div>
      <button
        type="button"
        className={props.secondary ? "secondary" : undefined}
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setError(undefined);
          props.onClick().then(
            () => setBusy(false),
            (caught: unknown) => {
              setBusy(false);
              setError(caught instanceof Error ? caught.message : String(caught));
            },
          );
        }}
      >
        {busy ? "Working…" : props.action}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function PassphraseForm(props: {
  label: string;
  action: string;
  confirm?: boolean;
  inline?: boolean;
  note?: string;
  onSubmit: (passphrase: string) => Promise<void>;
}) {
  const id = useId();
  const [passphrase, setPassphrase] = useState("");
  const [repeat, setRepeat] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    if (props.confirm && passphrase !== repeat) return setError("The two passphrases differ.");
    setBusy(true);
    try {
      await props.onSubmit(passphrase);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className={props.inline ? "inline-form" : undefined} onSubmit={(event) => void submit(event)}>
      <label htmlFor={`${id}-passphrase`}>{props.label}</label>
      <input
        id={`${id}-passphrase`}
        type="password"
        autoComplete={props.confirm ? "new-password" : "current-password"}
        value={passphrase}
        onChange={(event) => setPassphrase(event.target.value)}
        required
      />
      {props.confirm && (
        <>
          <label htmlFor={`${id}-repeat`}>Repeat the passphrase</label>
          <input
            id={`${id}-repeat`}
            type="password"
            autoComplete="new-password"
            value={repeat}
            onChange={(event) => setRepeat(event.target.value)}
            required
          />
        </>
      )}
      <button type="submit" disabled={busy}>
        {busy ? "Working…" : props.action}
      </button>
      {props.note && <p className="muted">{props.note}</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
