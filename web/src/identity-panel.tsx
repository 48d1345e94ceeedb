/** The citizen's identity for one zone: create, unlock, back up, restore, and the commitment to hand over. */
import type { Identity } from "@semaphore-protocol/identity";
import QRCode from "qrcode";
import { useEffect, useId, useState, type FormEvent } from "react";
import {
  backupText,
  createStoredIdentity,
  forgetIdentity,
  importBackup,
  storedIdentity,
  unsealIdentity,
} from "./vault.js";

export function IdentityPanel(props: {
  zone: string;
  identity: Identity | undefined;
  onUnlocked: (identity: Identity | undefined) => void;
  isMember: boolean | undefined;
}) {
  const { zone, identity, onUnlocked } = props;
  const [version, setVersion] = useState(0); // bumps when the stored record changes
  const sealed = storedIdentity(zone);
  void version;

  if (identity) return <UnlockedIdentity {...props} identity={identity} />;
  if (sealed) {
    return (
      <section aria-labelledby="identity-heading">
        <h2 id="identity-heading">Your identity</h2>
        <p>
          An identity for this zone is stored in this browser, encrypted. Commitment:{" "}
          <span className="commitment">{sealed.commitment}</span>
        </p>
        <PassphraseForm
          label="Passphrase"
          action="Unlock"
          onSubmit={async (passphrase) => onUnlocked(await unsealIdentity(sealed, passphrase))}
        />
        <details>
          <summary>Remove it from this browser</summary>
          <p>Without a backup, a removed identity cannot vote again.</p>
          <button
            className="secondary"
            onClick={() => {
              forgetIdentity(zone);
              setVersion((v) => v + 1);
            }}
          >
            Remove identity
          </button>
        </details>
      </section>
    );
  }
  return (
    <section aria-labelledby="identity-heading">
      <h2 id="identity-heading">Your identity</h2>
      <p>
        To vote in this zone you need an anonymous identity. It is made and kept in this browser, encrypted
        with a passphrase you choose; nothing about it leaves the browser except its public commitment, which
        you hand to the zone's registrar.
      </p>
      <PassphraseForm
        label="Choose a passphrase (at least 8 characters)"
        confirm
        action="Create identity"
        onSubmit={async (passphrase) => onUnlocked(await createStoredIdentity(zone, passphrase))}
      />
      <ImportForm zone={zone} onImported={onUnlocked} />
    </section>
  );
}

function UnlockedIdentity(props: {
  zone: string;
  identity: Identity;
  onUnlocked: (identity: Identity | undefined) => void;
  isMember: boolean | undefined;
}) {
  const commitment = props.identity.commitment.toString();
  const [qr, setQr] = useState<string>();
  useEffect(() => {
    void QRCode.toDataURL(commitment, { margin: 1, width: 384 }).then(setQr);
  }, [commitment]);
  const download = () => {
    const blob = new Blob([backupText(props.zone)], { type: "application/json" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `zonedao-identity-${props.zone.slice(0, 10)}.json`;
    link.click();
    URL.revokeObjectURL(link.href);
  };
  return (
    <section aria-labelledby="identity-heading">
      <h2 id="identity-heading">Your identity</h2>
      {props.isMember === true && <p className="ok">You are a citizen of this zone.</p>}
      {props.isMember === false && (
        <p>
          <strong>Not registered yet.</strong> Show this commitment (text or QR code) to the zone's registrar.
          Once they add it, you can vote on proposals made after that.
        </p>
      )}
      <p>Identity commitment (public):</p>
      <p className="commitment" data-testid="commitment">
        {commitment}
      </p>
      {qr && <img className="qr" src={qr} alt={`QR code of the identity commitment ${commitment}`} />}
      <div>
        <button className="secondary" onClick={download}>
          Download encrypted backup
        </button>
        <button className="secondary" onClick={() => props.onUnlocked(undefined)}>
          Lock
        </button>
      </div>
    </section>
  );
}

function PassphraseForm(props: {
  label: string;
  action: string;
  confirm?: boolean;
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
    <form onSubmit={(event) => void submit(event)}>
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
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function ImportForm(props: { zone: string; onImported(identity: Identity): void }) {
  const id = useId();
  const [text, setText] = useState("");
  return (
    <details>
      <summary>Restore from a backup</summary>
      <label htmlFor={`${id}-file`}>Backup file</label>
      <input
        id={`${id}-file`}
        type="file"
        accept="application/json,.json,.txt"
        onChange={(event) => void event.target.files?.[0]?.text().then(setText)}
      />
      <label htmlFor={`${id}-text`}>…or paste the backup (or an exported Semaphore key)</label>
      <textarea id={`${id}-text`} value={text} onChange={(event) => setText(event.target.value)} />
      <PassphraseForm
        label="Passphrase (the backup's, or a new one for a pasted key)"
        action="Restore identity"
        onSubmit={async (passphrase) => props.onImported(await importBackup(props.zone, text, passphrase))}
      />
    </details>
  );
}
