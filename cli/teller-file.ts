/**
 * What `zonedao teller` keeps between its runs: the teller's registration secret (every share it is
 * dealt, its own included, is encrypted to it on chain) and, until its term's key is final, its own
 * deal (to answer complaints). Both are secrets: the file holds them encrypted with a passphrase
 * (scrypt, then AES-256-GCM), and says in the clear only which term and teller it is for.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { Deal, Point } from "../sdk/sealed.js";
import { CommandError } from "./context.js";

export const TELLER_FILE_FORMAT = "zonedao-teller/1";
/** scrypt's cost, as ethers' JSON keystores use: about a third of a second and 128 MB here. */
const SCRYPT = { N: 1 << 17, r: 8, p: 1 } as const;

export interface TellerSecrets {
  /** The registration secret: the key its shares are encrypted to is secret·G. */
  secret: bigint;
  /** Its deal, from dealing until the term's key is final. */
  deal?: Deal;
}

/** Where a teller file is for. */
export interface TellerPlace {
  chainId: bigint;
  zone: string;
  term: bigint;
}

interface TellerFile {
  format: string;
  chainId: string;
  zone: string;
  term: string;
  kdf: { name: "scrypt"; N: number; r: number; p: number; salt: string };
  cipher: { name: "aes-256-gcm"; iv: string; tag: string };
  ciphertext: string;
}

export function tellerFileExists(path: string): boolean {
  return existsSync(path);
}

/** Writes `secrets` for `place` to `path`, encrypted with `passphrase` (atomically: a crash leaves the old file). */
export function saveTellerFile(
  path: string,
  place: TellerPlace,
  secrets: TellerSecrets,
  passphrase: string,
): void {
  const salt = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", deriveKey(passphrase, salt, SCRYPT), iv);
  cipher.setAAD(Buffer.from(associatedData(place)));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(toJson(secrets))), cipher.final()]);
  const file: TellerFile = {
    format: TELLER_FILE_FORMAT,
    chainId: place.chainId.toString(),
    zone: place.zone,
    term: place.term.toString(),
    kdf: { name: "scrypt", ...SCRYPT, salt: salt.toString("hex") },
    cipher: { name: "aes-256-gcm", iv: iv.toString("hex"), tag: cipher.getAuthTag().toString("hex") },
    ciphertext: ciphertext.toString("hex"),
  };
  writeFileSync(`${path}.tmp`, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

/** The secrets in the teller file at `path`, which must be for `place`. */
export function loadTellerFile(path: string, place: TellerPlace, passphrase: string): TellerSecrets {
  let file: TellerFile;
  try {
    file = JSON.parse(readFileSync(path, "utf8")) as TellerFile;
  } catch (error) {
    throw new CommandError(`cannot read the teller file ${path}: ${(error as Error).message}`);
  }
  if (file.format !== TELLER_FILE_FORMAT)
    throw new CommandError(`${path} is not a ${TELLER_FILE_FORMAT} file`);
  const wanted = { chainId: place.chainId.toString(), zone: place.zone, term: place.term.toString() };
  if (
    file.chainId !== wanted.chainId ||
    file.zone.toLowerCase() !== wanted.zone.toLowerCase() ||
    file.term !== wanted.term
  ) {
    throw new CommandError(
      `${path} is for term ${file.term} of zone ${file.zone} on chain ${file.chainId}, not term ${wanted.term} of ${wanted.zone} on chain ${wanted.chainId}`,
    );
  }
  const key = deriveKey(passphrase, Buffer.from(file.kdf.salt, "hex"), file.kdf);
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(file.cipher.iv, "hex"));
  decipher.setAAD(Buffer.from(associatedData(place)));
  decipher.setAuthTag(Buffer.from(file.cipher.tag, "hex"));
  let plaintext: string;
  try {
    plaintext = Buffer.concat([
      decipher.update(Buffer.from(file.ciphertext, "hex")),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    throw new CommandError(
      `wrong passphrase for ${path} (ZONEDAO_TELLER_PASSPHRASE), or the file was altered`,
    );
  }
  return fromJson(JSON.parse(plaintext) as SecretsJson);
}

function deriveKey(
  passphrase: string,
  salt: Buffer,
  { N, r, p }: { N: number; r: number; p: number },
): Buffer {
  return scryptSync(passphrase.normalize("NFKC"), salt, 32, { N, r, p, maxmem: 256 * N * r });
}

/** Bound to the ciphertext, so a file's secrets cannot be moved under another term's header. */
function associatedData(place: TellerPlace): string {
  return `${TELLER_FILE_FORMAT}:${place.chainId}:${place.zone.toLowerCase()}:${place.term}`;
}

interface SecretsJson {
  secret: string;
  deal?: { dealer: number; commitments: [string, string][]; shares: string[] };
}

function toJson({ secret, deal }: TellerSecrets): SecretsJson {
  return {
    secret: secret.toString(),
    ...(deal && {
      deal: {
        dealer: deal.dealer,
        commitments: deal.commitments.map(([x, y]) => [x.toString(), y.toString()]),
        shares: deal.shares.map(String),
      },
    }),
  };
}

function fromJson({ secret, deal }: SecretsJson): TellerSecrets {
  return {
    secret: BigInt(secret),
    ...(deal && {
      deal: {
        dealer: deal.dealer,
        commitments: deal.commitments.map(([x, y]): Point => [BigInt(x), BigInt(y)]),
        shares: deal.shares.map(BigInt),
      },
    }),
  };
}
