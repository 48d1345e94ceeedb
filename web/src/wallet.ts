/**
 * The citizen's wallet: every zone's identity in this browser under one passphrase, so a citizen of
 * two zones unlocks once. Same crypto as the older per-zone entries (vault.ts): PBKDF2-SHA256 (a
 * random salt, 300,000 iterations) derives an AES-GCM key; the identities' exported private keys are
 * encrypted together under a fresh random IV at every save. The public commitments are stored in
 * clear, so a locked wallet can still say which identity a zone has. Unlocked, the wallet is the
 * derived key (not extractable) and the identities, in memory only: a reload locks it again.
 *
 * Per-zone entries of the older format are never lost: each one the wallet's passphrase opens moves
 * into the wallet when it is unlocked (or created), and `moveOlderEntry` moves one locked under
 * another passphrase. An entry stays where it is when its zone already has a different identity in
 * the wallet.
 */
import type { Identity } from "@semaphore-protocol/identity";
import { createIdentity, exportIdentity, importIdentity } from "../../sdk/identity.js";
import {
  PBKDF2_ITERATIONS,
  STORAGE_PREFIX,
  WrongPassphraseError,
  checkPassphrase,
  deriveKey,
  openSealed,
  parseSealed,
  toBase64,
  unsealIdentity,
  type SealedIdentity,
} from "./vault.js";

export { WrongPassphraseError } from "./vault.js";

export const WALLET_KEY = "zonedao.wallet.v1";
const WALLET_FORMAT = "zonedao-wallet/1";
const IDENTITY_BACKUP_FORMAT = "zonedao-identity-backup/1";

/** Where the wallet lives: localStorage in the browser, a stand-in in tests. */
export type WalletStorage = Pick<Storage, "getItem" | "setItem" | "removeItem" | "key" | "length">;

type Kdf = { name: "PBKDF2"; hash: "SHA-256"; iterations: number; salt: string };

/** The wallet as stored (and as its encrypted backup file holds it). */
export interface StoredWallet {
  format: typeof WALLET_FORMAT;
  /** Public commitments by zone (lowercase address): readable while locked. */
  commitments: Record<string, string>;
  kdf: Kdf;
  /** AES-GCM of JSON `{ [zone]: exported private key }`. */
  cipher: { name: "AES-GCM"; iv: string; ciphertext: string };
}

/** An unlocked wallet: its key and identities, by zone (lowercase address). */
export interface OpenWallet {
  readonly key: CryptoKey;
  readonly kdf: Kdf;
  readonly identities: Readonly<Record<string, Identity>>;
}

const zoneKey = (zone: string) => zone.toLowerCase();

export function identityFor(wallet: OpenWallet | undefined, zone: string): Identity | undefined {
  return wallet?.identities[zoneKey(zone)];
}

/** The stored wallet, if this browser has one. */
export function storedWallet(storage: WalletStorage): StoredWallet | undefined {
  const text = storage.getItem(WALLET_KEY);
  return text === null ? undefined : parseWallet(text);
}

/** Older per-zone entries (vault.ts's format) still in this browser. */
export function olderEntries(storage: WalletStorage): SealedIdentity[] {
  const entries: SealedIdentity[] = [];
  for (let index = 0; index < storage.length; index++) {
    const name = storage.key(index);
    if (!name?.startsWith(STORAGE_PREFIX)) continue;
    try {
      entries.push(parseSealed(storage.getItem(name) ?? ""));
    } catch {
      // not readable as an entry: left alone, never deleted
    }
  }
  return entries;
}

function parseWallet(text: string): StoredWallet {
  const value = JSON.parse(text) as Partial<StoredWallet>;
  if (
    value.format !== WALLET_FORMAT ||
    !value.kdf ||
    !value.cipher ||
    typeof value.commitments !== "object"
  ) {
    throw new Error("Not a ZoneDAO wallet backup.");
  }
  if (value.kdf.iterations < 100_000) throw new Error("This wallet's key derivation is too weak to trust.");
  return value as StoredWallet;
}

async function openStored(stored: StoredWallet, passphrase: string): Promise<OpenWallet> {
  const { text, key } = await openSealed(stored, passphrase, "your wallet");
  const exported = JSON.parse(text) as Record<string, string>;
  const identities: Record<string, Identity> = {};
  for (const [zone, text] of Object.entries(exported)) {
    const identity = importIdentity(text);
    if (stored.commitments[zone] !== identity.commitment.toString()) {
      throw new Error("This wallet is damaged: an identity inside does not match its commitment.");
    }
    identities[zone] = identity;
  }
  return { key, kdf: stored.kdf, identities };
}

async function seal(wallet: OpenWallet): Promise<StoredWallet> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const exported = Object.fromEntries(
    Object.entries(wallet.identities).map(([zone, identity]) => [zone, exportIdentity(identity)]),
  );
  const plaintext = new TextEncoder().encode(JSON.stringify(exported));
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv }, wallet.key, plaintext),
  );
  return {
    format: WALLET_FORMAT,
    commitments: Object.fromEntries(
      Object.entries(wallet.identities).map(([zone, identity]) => [zone, identity.commitment.toString()]),
    ),
    kdf: wallet.kdf,
    cipher: { name: "AES-GCM", iv: toBase64(iv), ciphertext: toBase64(ciphertext) },
  };
}

async function save(wallet: OpenWallet, storage: WalletStorage): Promise<OpenWallet> {
  storage.setItem(WALLET_KEY, JSON.stringify(await seal(wallet)));
  return wallet;
}

async function emptyWallet(passphrase: string): Promise<OpenWallet> {
  checkPassphrase(passphrase);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const kdf: Kdf = { name: "PBKDF2", hash: "SHA-256", iterations: PBKDF2_ITERATIONS, salt: toBase64(salt) };
  return { key: await deriveKey(passphrase, salt, PBKDF2_ITERATIONS), kdf, identities: {} };
}

/** `wallet` with `identity` for `zone`, unless the zone already has a different one (then an error). */
function withIdentity(wallet: OpenWallet, zone: string, identity: Identity): OpenWallet {
  const known = wallet.identities[zoneKey(zone)];
  if (known && known.commitment !== identity.commitment) {
    throw new Error(
      `The wallet already holds another identity for zone ${zone}. Remove it first (after a backup) to replace it.`,
    );
  }
  return { ...wallet, identities: { ...wallet.identities, [zoneKey(zone)]: identity } };
}

/**
 * Moves every older entry `passphrase` opens into `wallet` (removing the entry once saved); an
 * entry whose zone holds a different identity, or that `passphrase` does not open, stays.
 */
async function absorbOlderEntries(
  wallet: OpenWallet,
  passphrase: string,
  storage: WalletStorage,
): Promise<OpenWallet> {
  const moved: string[] = [];
  for (const entry of olderEntries(storage)) {
    try {
      wallet = withIdentity(wallet, entry.zone, await unsealIdentity(entry, passphrase));
      moved.push(entry.zone);
    } catch {
      // another passphrase, or another identity for that zone: left for moveOlderEntry
    }
  }
  if (moved.length === 0) return wallet;
  await save(wallet, storage);
  for (const zone of moved) storage.removeItem(STORAGE_PREFIX + zoneKey(zone));
  return wallet;
}

/**
 * Unlocks the stored wallet (WrongPassphraseError if `passphrase` does not open it) and moves the
 * older entries it opens into it. With no wallet yet, the older entries `passphrase` opens become
 * the wallet, under that passphrase.
 */
export async function unlockWallet(passphrase: string, storage: WalletStorage): Promise<OpenWallet> {
  const stored = storedWallet(storage);
  if (stored) return absorbOlderEntries(await openStored(stored, passphrase), passphrase, storage);
  const older = olderEntries(storage);
  if (older.length === 0) throw new Error("There is no wallet in this browser yet: create an identity.");
  const opened = await Promise.all(
    older.map((entry) =>
      unsealIdentity(entry, passphrase).then(
        () => true,
        () => false,
      ),
    ),
  );
  if (!opened.includes(true)) throw new WrongPassphraseError("the identities stored in this browser");
  return absorbOlderEntries(await save(await emptyWallet(passphrase), storage), passphrase, storage);
}

/** A new wallet under `passphrase` (refused if one exists), with the older entries it opens. */
export async function createWallet(passphrase: string, storage: WalletStorage): Promise<OpenWallet> {
  if (storedWallet(storage)) throw new Error("This browser already has a wallet: unlock it.");
  return absorbOlderEntries(await save(await emptyWallet(passphrase), storage), passphrase, storage);
}

/** A new random identity for `zone`, added to the unlocked wallet and saved. */
export async function addNewIdentity(
  wallet: OpenWallet,
  zone: string,
  storage: WalletStorage,
): Promise<OpenWallet> {
  if (identityFor(wallet, zone)) throw new Error("The wallet already holds an identity for this zone.");
  return save(withIdentity(wallet, zone, createIdentity()), storage);
}

/** `wallet` without `zone`'s identity, saved. Without a backup it cannot vote again. */
export async function removeIdentity(
  wallet: OpenWallet,
  zone: string,
  storage: WalletStorage,
): Promise<OpenWallet> {
  const identities = { ...wallet.identities };
  delete identities[zoneKey(zone)];
  return save({ ...wallet, identities }, storage);
}

/** Moves an older entry locked under another passphrase into the unlocked wallet. */
export async function moveOlderEntry(
  wallet: OpenWallet,
  entry: SealedIdentity,
  passphrase: string,
  storage: WalletStorage,
): Promise<OpenWallet> {
  const moved = await save(
    withIdentity(wallet, entry.zone, await unsealIdentity(entry, passphrase)),
    storage,
  );
  storage.removeItem(STORAGE_PREFIX + zoneKey(entry.zone));
  return moved;
}

/**
 * Restores from a backup into the unlocked `wallet` (or, with none, a new wallet under
 * `passphrase`): a wallet backup file (opened with `passphrase`, all its identities added), an
 * older per-zone backup file (opened with `passphrase`), or a plain exported Semaphore key for
 * `zone`. A zone that already holds a different identity is refused before anything changes.
 */
export async function restoreBackup(
  text: string,
  passphrase: string,
  wallet: OpenWallet | undefined,
  storage: WalletStorage,
  zone?: string,
): Promise<OpenWallet> {
  const trimmed = text.trim();
  let found: Record<string, Identity>;
  if (trimmed.startsWith("{")) {
    const format = (JSON.parse(trimmed) as { format?: unknown }).format;
    if (format === WALLET_FORMAT) found = (await openStored(parseWallet(trimmed), passphrase)).identities;
    else if (format === IDENTITY_BACKUP_FORMAT) {
      const sealed = parseSealed(trimmed);
      found = { [zoneKey(sealed.zone)]: await unsealIdentity(sealed, passphrase) };
    } else throw new Error("Not a ZoneDAO backup.");
  } else {
    if (!zone) throw new Error("A pasted key needs a zone: restore it from that zone's page.");
    found = { [zoneKey(zone)]: importIdentity(trimmed) };
  }
  let restored = wallet ?? (storedWallet(storage) ? undefined : await emptyWallet(passphrase));
  if (!restored) throw new Error("Unlock this browser's wallet first, then restore into it.");
  for (const [foundZone, identity] of Object.entries(found)) {
    restored = withIdentity(restored, foundZone, identity);
  }
  return save(restored, storage);
}

/** The stored wallet as a backup file's text (encrypted, like the wallet itself). */
export function walletBackupText(storage: WalletStorage): string {
  const stored = storage.getItem(WALLET_KEY);
  if (stored === null) throw new Error("There is no wallet in this browser.");
  return `${JSON.stringify(JSON.parse(stored), null, 2)}\n`;
}
