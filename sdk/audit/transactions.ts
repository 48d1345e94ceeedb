/**
 * The transactions behind the zone's events, as the provider returns them, and whether each is the
 * one its hash names: a provider that alters a transaction's input (to hide or forge a proof) is
 * caught here, since the signed content no longer hashes to the hash the event's log names.
 */
import { Transaction, type TransactionResponse } from "ethers";
import type { AuditContext } from "./context.js";
import type { ZoneLog } from "./events.js";
import type { AuditDiscrepancy } from "./report.js";

/** The transactions that emitted `events`, each checked against its hash (a mismatch is reported). */
export async function fetchTransactions(
  context: AuditContext,
  events: readonly ZoneLog[],
  what: string,
  discrepancies: AuditDiscrepancy[],
): Promise<Map<string, TransactionResponse | null>> {
  const hashes = [...new Set(events.map((log) => log.txHash))];
  context.progress(`fetching ${hashes.length} ${what} transactions for ${events.length} events`);
  const fetched = new Map(
    await context.mapLimit(hashes, async (hash) => [hash, await context.transaction(hash)] as const),
  );
  for (const hash of hashes) {
    const integrity = transactionIntegrity(fetched.get(hash) ?? null);
    if (integrity !== undefined)
      discrepancies.push({ what: `${what} transaction: ${integrity}`, evidence: hash });
  }
  return fetched;
}

/**
 * Why a transaction as the provider returned it cannot be the one its hash names (its signed
 * content hashes to something else), or undefined if it matches or cannot be recomputed (a
 * transaction type ethers does not know).
 */
export function transactionIntegrity(tx: TransactionResponse | null): string | undefined {
  if (tx === null) return "the provider does not know the transaction";
  let recomputed: string | null;
  try {
    recomputed = Transaction.from({
      type: tx.type,
      to: tx.to,
      nonce: tx.nonce,
      gasLimit: tx.gasLimit,
      gasPrice: tx.type === 0 || tx.type === 1 ? tx.gasPrice : null,
      maxFeePerGas: tx.maxFeePerGas,
      maxPriorityFeePerGas: tx.maxPriorityFeePerGas,
      maxFeePerBlobGas: tx.maxFeePerBlobGas,
      data: tx.data,
      value: tx.value,
      chainId: tx.chainId,
      signature: tx.signature,
      accessList: tx.accessList,
      blobVersionedHashes: tx.blobVersionedHashes,
      authorizationList: tx.authorizationList,
    }).hash;
  } catch {
    return undefined;
  }
  return recomputed === null || recomputed === tx.hash
    ? undefined
    : `its content hashes to ${recomputed}, not to its hash (the provider altered it)`;
}
