/**
 * A citizen's Semaphore identity: its private key is the one secret a citizen keeps, and the export
 * format is Semaphore's own (base64 of the private key), so any Semaphore v4 app can read it.
 */
import { Identity } from "@semaphore-protocol/identity";
import { decodeBase64, encodeBase64, getBytes, id } from "ethers";

/** Bytes in the private key of an identity made by {@link createIdentity}. */
const PRIVATE_KEY_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A new identity with a random private key. */
export function createIdentity(): Identity {
  return new Identity();
}

/**
 * The identity whose 32-byte private key is keccak256 of `seed`: the same seed gives the same
 * identity everywhere, and it exports and imports like any other. Only as secret as the seed: for
 * demos, tests and fixtures, never a citizen's real identity. (`new Identity("text")` would use the
 * text itself as the key, which {@link importIdentity} then rejects as not 32 bytes.)
 */
export function identityFromSeed(seed: string): Identity {
  return new Identity(getBytes(id(seed)));
}

/** The identity's private key in Semaphore's export format. Whoever holds it can vote as the citizen. */
export function exportIdentity(identity: Identity): string {
  return identity.export();
}

/**
 * Reads an identity written by {@link exportIdentity}. Semaphore's own import accepts any text and
 * silently derives a different identity from a mistyped or truncated key, so this checks that the
 * text is canonical base64 of a 32-byte key first.
 */
export function importIdentity(text: string): Identity {
  const exported = text.trim();
  const malformed = (reason: string) => new Error(`not an exported Semaphore identity: ${reason}`);
  if (!BASE64.test(exported)) throw malformed("expected base64 text");
  const privateKey = decodeBase64(exported);
  if (encodeBase64(privateKey) !== exported) throw malformed("the base64 is not canonical");
  if (privateKey.length !== PRIVATE_KEY_BYTES) {
    throw malformed(`expected a ${PRIVATE_KEY_BYTES}-byte private key, got ${privateKey.length} bytes`);
  }
  return Identity.import(exported);
}
