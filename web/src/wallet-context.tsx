/**
 * The wallet for the whole app: `App` holds it (useWalletState) and every page reads it through
 * WalletContext (useWallet), so unlocking once serves every zone and proposal until the page is
 * reloaded or the citizen locks it.
 */
import type { Identity } from "@semaphore-protocol/identity";
import { createContext, useCallback, useContext, useMemo, useState } from "react";
import type { SealedIdentity } from "./vault.js";
import {
  addNewIdentity,
  createWallet,
  identityFor,
  moveOlderEntry,
  olderEntries,
  removeIdentity,
  restoreBackup,
  storedWallet,
  unlockWallet,
  walletBackupText,
  type OpenWallet,
  type StoredWallet,
} from "./wallet.js";

export interface WalletState {
  /** The wallet as stored (commitments readable while locked), if this browser has one. */
  stored: StoredWallet | undefined;
  /** Older per-zone entries not moved into the wallet yet. */
  older: SealedIdentity[];
  /** The unlocked wallet, in memory only. */
  open: OpenWallet | undefined;
  identity: (zone: string) => Identity | undefined;
  /** The public commitment for `zone`, locked or not (from the wallet, else an older entry). */
  commitment: (zone: string) => string | undefined;
  unlock: (passphrase: string) => Promise<void>;
  /** Creates the wallet under `passphrase` if there is none, then a new identity for `zone`. */
  create: (zone: string, passphrase?: string) => Promise<void>;
  remove: (zone: string) => Promise<void>;
  moveOlder: (entry: SealedIdentity, passphrase: string) => Promise<void>;
  restore: (text: string, passphrase: string, zone?: string) => Promise<void>;
  backupText: () => string;
  lock: () => void;
}

export const WalletContext = createContext<WalletState | undefined>(undefined);

export function useWallet(): WalletState {
  const wallet = useContext(WalletContext);
  if (!wallet) throw new Error("useWallet outside WalletContext");
  return wallet;
}

export function useWalletState(storage: Storage = localStorage): WalletState {
  const [open, setOpen] = useState<OpenWallet>();
  const [version, setVersion] = useState(0); // bumps when storage changes
  const changed = useCallback((wallet: OpenWallet | undefined) => {
    setOpen(wallet);
    setVersion((v) => v + 1);
  }, []);
  return useMemo(() => {
    void version;
    const stored = storedWallet(storage);
    const older = olderEntries(storage);
    const zoneKey = (zone: string) => zone.toLowerCase();
    return {
      stored,
      older,
      open,
      identity: (zone) => identityFor(open, zone),
      commitment: (zone) =>
        identityFor(open, zone)?.commitment.toString() ??
        stored?.commitments[zoneKey(zone)] ??
        older.find((entry) => zoneKey(entry.zone) === zoneKey(zone))?.commitment,
      unlock: async (passphrase) => changed(await unlockWallet(passphrase, storage)),
      create: async (zone, passphrase) => {
        let wallet = open;
        if (!wallet) {
          if (passphrase === undefined) throw new Error("Unlock the wallet first.");
          wallet = stored ? await unlockWallet(passphrase, storage) : await createWallet(passphrase, storage);
        }
        changed(identityFor(wallet, zone) ? wallet : await addNewIdentity(wallet, zone, storage));
      },
      remove: async (zone) => changed(open && (await removeIdentity(open, zone, storage))),
      moveOlder: async (entry, passphrase) => {
        if (!open) throw new Error("Unlock the wallet first.");
        changed(await moveOlderEntry(open, entry, passphrase, storage));
      },
      restore: async (text, passphrase, zone) =>
        changed(await restoreBackup(text, passphrase, open, storage, zone)),
      backupText: () => walletBackupText(storage),
      lock: () => changed(undefined),
    } satisfies WalletState;
  }, [open, version, storage, changed]);
}
