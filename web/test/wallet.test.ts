/**
 * The wallet of identities (web/src/wallet.ts) without a browser: Node 22 has the same WebCrypto,
 * and a Map stands in for localStorage.
 */
import { expect } from "chai";
import { identityFromSeed } from "../../sdk/identity.js";
import { STORAGE_PREFIX, sealIdentity } from "../src/vault.js";
import {
  WALLET_KEY,
  WrongPassphraseError,
  addNewIdentity,
  createWallet,
  identityFor,
  moveOlderEntry,
  olderEntries,
  restoreBackup,
  storedWallet,
  unlockWallet,
  walletBackupText,
  type WalletStorage,
} from "../src/wallet.js";
import { address } from "./web-fixture.js";

class MemoryStorage implements WalletStorage {
  readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

const PASSPHRASE = "correct horse battery staple";
const RIVERSIDE = address(0x2a0e);
const HILLSIDE = address(0x4111);

/** An entry of the older per-zone format, as vault.ts stored it. */
async function storeOlderEntry(storage: MemoryStorage, zone: string, seed: string, passphrase: string) {
  const identity = identityFromSeed(seed);
  storage.setItem(
    STORAGE_PREFIX + zone.toLowerCase(),
    JSON.stringify(await sealIdentity(zone, identity, passphrase)),
  );
  return identity;
}

describe("wallet (one passphrase for every zone's identity)", function () {
  this.timeout(20_000);

  it("creates a wallet, adds an identity per zone, and unlocks both with one passphrase", async function () {
    const storage = new MemoryStorage();
    let wallet = await createWallet(PASSPHRASE, storage);
    wallet = await addNewIdentity(wallet, RIVERSIDE, storage);
    wallet = await addNewIdentity(wallet, HILLSIDE, storage);
    const riverside = identityFor(wallet, RIVERSIDE)!;
    // The commitments are readable while locked; the private keys are not stored in clear.
    expect(storedWallet(storage)!.commitments).to.deep.equal({
      [RIVERSIDE.toLowerCase()]: riverside.commitment.toString(),
      [HILLSIDE.toLowerCase()]: identityFor(wallet, HILLSIDE)!.commitment.toString(),
    });
    expect(storage.getItem(WALLET_KEY)).not.to.include(riverside.export());

    const unlocked = await unlockWallet(PASSPHRASE, storage);
    expect(identityFor(unlocked, RIVERSIDE.toUpperCase().replace("0X", "0x"))!.commitment).to.equal(
      riverside.commitment,
    );
    expect(Object.keys(unlocked.identities)).to.have.length(2);
  });

  it("refuses a wrong passphrase, and a second identity for a zone", async function () {
    const storage = new MemoryStorage();
    const wallet = await addNewIdentity(await createWallet(PASSPHRASE, storage), RIVERSIDE, storage);
    let refused: unknown;
    await unlockWallet("not the passphrase", storage).catch((caught: unknown) => (refused = caught));
    expect(refused).to.be.instanceOf(WrongPassphraseError);
    await addNewIdentity(wallet, RIVERSIDE, storage).then(
      () => expect.fail("a second identity for the zone was added"),
      (caught: Error) => expect(caught.message).to.match(/already holds an identity/),
    );
    await createWallet(PASSPHRASE, storage).then(
      () => expect.fail("a second wallet was created"),
      (caught: Error) => expect(caught.message).to.match(/already has a wallet/),
    );
  });

  it("moves an older per-zone entry into the wallet when its passphrase unlocks (no wallet yet)", async function () {
    const storage = new MemoryStorage();
    const older = await storeOlderEntry(storage, RIVERSIDE, "riverside", PASSPHRASE);
    await unlockWallet("not the passphrase", storage).then(
      () => expect.fail("a wrong passphrase opened the older entry"),
      (caught: unknown) => expect(caught).to.be.instanceOf(WrongPassphraseError),
    );
    expect(olderEntries(storage)).to.have.length(1); // nothing lost on a wrong passphrase

    const wallet = await unlockWallet(PASSPHRASE, storage);
    expect(identityFor(wallet, RIVERSIDE)!.commitment).to.equal(older.commitment);
    expect(olderEntries(storage)).to.deep.equal([]);
    expect(identityFor(await unlockWallet(PASSPHRASE, storage), RIVERSIDE)!.commitment).to.equal(
      older.commitment,
    );
  });

  it("keeps an older entry under another passphrase until it is moved with that passphrase", async function () {
    const storage = new MemoryStorage();
    const hillside = await storeOlderEntry(storage, HILLSIDE, "hillside", "another passphrase");
    let wallet = await createWallet(PASSPHRASE, storage);
    const [entry] = olderEntries(storage);
    expect(entry!.commitment).to.equal(hillside.commitment.toString());
    wallet = await moveOlderEntry(wallet, entry!, "another passphrase", storage);
    expect(olderEntries(storage)).to.deep.equal([]);
    wallet = await unlockWallet(PASSPHRASE, storage); // now under the wallet's passphrase
    expect(identityFor(wallet, HILLSIDE)!.commitment).to.equal(hillside.commitment);
  });

  it("restores a wallet backup into another browser, and an older per-zone backup into a wallet", async function () {
    const first = new MemoryStorage();
    const wallet = await addNewIdentity(await createWallet(PASSPHRASE, first), RIVERSIDE, first);
    const backup = walletBackupText(first);

    const second = new MemoryStorage();
    let restored = await restoreBackup(backup, PASSPHRASE, undefined, second);
    expect(identityFor(restored, RIVERSIDE)!.commitment).to.equal(identityFor(wallet, RIVERSIDE)!.commitment);

    const hillside = identityFromSeed("hillside");
    const olderBackup = JSON.stringify(await sealIdentity(HILLSIDE, hillside, "older passphrase"));
    restored = await restoreBackup(olderBackup, "older passphrase", restored, second);
    expect(identityFor(await unlockWallet(PASSPHRASE, second), HILLSIDE)!.commitment).to.equal(
      hillside.commitment,
    );
    // The same backup again is harmless; another identity for a zone the wallet holds is refused.
    await restoreBackup(backup, PASSPHRASE, restored, second);
    await restoreBackup(identityFromSeed("other").export(), PASSPHRASE, restored, second, RIVERSIDE).then(
      () => expect.fail("another identity replaced the zone's"),
      (caught: Error) => expect(caught.message).to.match(/already holds another identity/),
    );
  });
});
