/**
 * A refusal by the zone or a relayer, told in a line a person can act on: the custom error or the
 * relayer's code, not the whole request; and what the CLI refuses itself before sending anything
 * (a proposal that an open one already asks). Each becomes a CommandError (exit code 1).
 */
import { isHexString, type Interface } from "ethers";
import { decodeZoneDaoError, formatChainTime } from "../sdk/index.js";
import { CommandError } from "./context.js";

/**
 * The useful part of an ethers error: the custom error or reason, not the whole request. A custom
 * error ethers could not name (one from a contract the zone called) is decoded by every ZoneDAO ABI.
 */
export function shortError(error: unknown): string {
  const { shortMessage, message } = error as { shortMessage?: string; message?: string };
  const revert = revertOf(error);
  if (revert) return `${revert.name}(${revert.args.map(String).join(", ")})`;
  return shortMessage ?? message ?? String(error);
}

/**
 * The custom error a call reverted with: ethers' own decoding when it made one, else the revert
 * data wherever the node put it (some nodes' errors are not ethers'), decoded by `contract`'s ABI
 * if given, then by every ZoneDAO contract's.
 */
export function revertOf(
  error: unknown,
  contract?: Interface,
): { name: string; args: unknown[] } | undefined {
  const { revert } = error as { revert?: { name: string; args: unknown[] } | null };
  if (revert) return revert;
  const nested = error as {
    data?: unknown;
    error?: { data?: unknown };
    info?: { error?: { data?: unknown } };
  };
  for (const data of [nested.data, nested.error?.data, nested.info?.error?.data]) {
    if (typeof data !== "string" || !isHexString(data)) continue;
    try {
      const parsed = contract?.parseError(data);
      if (parsed) return { name: parsed.name, args: [...parsed.args] };
    } catch {
      // not one of this contract's errors
    }
    const known = decodeZoneDaoError(data);
    if (known) return known;
  }
  return undefined;
}

/** Runs `submit` against a relayer; a refusal (HTTP status and code) or no answer is a CommandError. */
export async function submitToRelayer<T>(submit: () => Promise<T>): Promise<T> {
  try {
    return await submit();
  } catch (error) {
    const refusal = error as { status?: number; code?: string; message: string };
    if (refusal.status !== undefined)
      throw new CommandError(`the relayer refused (${refusal.status} ${refusal.code}): ${refusal.message}`);
    throw new CommandError(`cannot reach the relayer: ${refusal.message}`);
  }
}

/**
 * `zonedao propose` of options and a description that proposal `proposalId`, still open until
 * `voteEnd` (unix seconds), already asks: the citizen should vote on it, not publish a copy.
 */
export function identicalProposalRefusal(proposalId: bigint, voteEnd: number): CommandError {
  return new CommandError(
    `proposal ${proposalId} already asks exactly this and is still open ` +
      `(voting ends ${formatChainTime(voteEnd)}): vote on it instead ` +
      `(zonedao vote --proposal ${proposalId} ...)`,
  );
}
