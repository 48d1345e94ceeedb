/**
 * The older format of the citizen's identities, one per zone, each under its own passphrase (the app
 * now keeps them in one wallet, wallet.ts, which moves these entries into it when it can open them):
 * PBKDF2-SHA256 (a fresh random salt, 300,000 iterations) derives an AES-GCM key that encrypts the
 * identity's exported private key under a fresh random IV. Only the public commitment is stored in
 * clear, so the app can say who to register before the citizen unlocks. Nothing here is sent
 * anywhere; an unlocked identity lives only in memory.
 */
import { exportIdentity, importIdentity } from "../../sdk/identity.js";
import type { Identity } from "@semaphore-protocol/identity";

export const PBKDF2_ITERATIONS = 300_000;
export const MIN_PASSPHRASE_LENGTH = 8;
export const STORAGE_PREFIX = "zonedao.identity.v1.";
const BACKUP_FORMAT = "zonedao-identity-backup/1";

/**
 * What was stored for a zone, at `STORAGE_PREFIX` + the zone's lowercase address (and what an older
 * encrypted backup file holds). wallet.ts reads, moves and restores these; nothing writes them now.
 */
export interface SealedIdentity {
  format: typeof BACKUP_FORMAT;
  zone: string;
  commitment: string;
  kdf: { name: "PBKDF2"; hash: "SHA-256"; iterations: number; salt: string };
  cipher: { name: "AES-GCM"; iv: string; ciphertext: string };
}

export class WrongPassphraseError extends Error {
  constructor(what = "this identity") {
    super(`Wrong passphrase: it does not unlock ${what}. Check it and try again.`);
    this.name = "WrongPassphraseError";
  }
}

export const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
export const fromBase64 = (text: string) => Uint8Array.from(atob(text), (char) => char.charCodeAt(0));

export async function deriveKey(
  passphrase: string,
  salt: Uint8Array,
  iterations: number,
): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(passphrase),
    "PBKDF2",
    false,
    ["deriveKey"],
  );
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

export function checkPassphrase(passphrase: string): void {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new Error(`Choose a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters.`);
  }
}

/** Encrypts `identity` for `zone` under `passphrase`. */
export async function sealIdentity(
  zone: string,
  identity: Identity,
  passphrase: string,
): Promise<SealedIdentity> {
  checkPassphrase(passphrase);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await deriveKey(passphrase, salt, PBKDF2_ITERATIONS);
  const plaintext = new TextEncoder().encode(exportIdentity(identity));
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, plaintext));
  return {
    format: BACKUP_FORMAT,
    zone,
    commitment: identity.commitment.toString(),
    kdf: { name: "PBKDF2", hash: "SHA-256", iterations: PBKDF2_ITERATIONS, salt: toBase64(salt) },
    cipher: { name: "AES-GCM", iv: toBase64(iv), ciphertext: toBase64(ciphertext) },
  };
}

/**
 * The text `sealed` holds under `passphrase`, and the key that opened it: a wrong passphrase fails
 * AES-GCM's authentication, WrongPassphraseError naming `what`. A sealed identity and the wallet
 * (wallet.ts) are opened the same way.
 */
export async function openSealed(
  sealed: Pick<SealedIdentity, "kdf" | "cipher">,
  passphrase: string,
  what?: string,
): Promise<{ text: string; key: CryptoKey }> {
  const key = await deriveKey(passphrase, fromBase64(sealed.kdf.salt), sealed.kdf.iterations);
  try {
    const plaintext = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromBase64(sealed.cipher.iv) as BufferSource },
      key,
      fromBase64(sealed.cipher.ciphertext),
    );
    return { text: new TextDecoder().decode(plaintext), key };
  } catch {
    throw new WrongPassphraseError(what);
  }
}

/** Decrypts a sealed identity; a wrong passphrase fails AES-GCM's authentication: WrongPassphraseError. */
export async function unsealIdentity(sealed: SealedIdentity, passphrase: string): Promise<Identity> {
  const { text } = await openSealed(sealed, passphrase);
  const identity = importIdentity(text);
  if (identity.commitment.toString() !== sealed.commitment) {
    throw new Error("This backup is damaged: the identity inside does not match its commitment.");
  }
  return identity;
}

export function parseSealed(text: string): SealedIdentity {
  const value = JSON.parse(text) as Partial<SealedIdentity>;
  if (value.format !== BACKUP_FORMAT || !value.kdf || !value.cipher || typeof value.commitment !== "string") {
    throw new Error("Not a ZoneDAO identity backup.");
  }
  if (value.kdf.iterations < 100_000) throw new Error("This backup's key derivation is too weak to trust.");
  return value as SealedIdentity;
}
