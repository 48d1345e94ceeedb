/**
 * Proofs and actions found in a transaction's input, wherever they are ABI encoded: a direct call to
 * the zone, or the same call inside another contract's (a multisig, a relayer's forwarder). The
 * provider's word for what a transaction carried is checked apart (transactions.ts).
 */
import { toBeHex, type Result } from "ethers";
import { ZONE } from "../abis.js";
import type { PackedProof, ZoneAction } from "../types.js";

/** A vote as its calldata carries it. */
export interface FoundVote {
  proposalId: bigint;
  option: bigint;
  points: PackedProof;
}

/** A propose call as its calldata carries it. */
export interface ProposeCall {
  options: ZoneAction[][];
  description: string;
  /** A sealed proposal's tellers term (proposeSealed); undefined for propose. */
  tellersTerm?: bigint;
  proof: {
    merkleTreeRoot: bigint;
    merkleTreeDepth: bigint;
    epoch: bigint;
    slot: bigint;
    nullifier: bigint;
    points: PackedProof;
  };
}

/**
 * The vote with `vote`'s nullifier in a transaction's input: wherever it is ABI encoded (castVote,
 * castVotes, or inside another contract's call), a vote is 11 consecutive words: proposal id,
 * option, nullifier, the 8 proof points. Among several occurrences, the one for the event's
 * proposal and option.
 */
export function findVoteInCalldata(
  data: string,
  vote: { proposalId: bigint; option: bigint; nullifier: bigint },
): FoundVote | undefined {
  const hex = data.startsWith("0x") ? data.slice(2).toLowerCase() : data.toLowerCase();
  const needle = toBeHex(vote.nullifier, 32).slice(2);
  const candidates: FoundVote[] = [];
  for (let at = hex.indexOf(needle); at !== -1; at = hex.indexOf(needle, at + 2)) {
    if (at % 2 !== 0 || at < 128 || at + 64 * 9 > hex.length) continue;
    const word = (offset: number) => BigInt(`0x${hex.slice(at + offset * 64, at + (offset + 1) * 64)}`);
    const points = Array.from({ length: 8 }, (_, k) => word(k + 1)) as PackedProof;
    candidates.push({ proposalId: word(-2), option: word(-1), points });
  }
  return (
    candidates.find((found) => found.proposalId === vote.proposalId && found.option === vote.option) ??
    candidates.find((found) => found.proposalId === vote.proposalId) ??
    candidates[0]
  );
}

/** The `propose` or `proposeSealed` call in `data` whose proof has `nullifier`. */
export function findProposeCall(data: string, nullifier: bigint): ProposeCall | undefined {
  const calls = [...decodedCalls(data, "propose"), ...decodedCalls(data, "proposeSealed")];
  for (const call of calls) {
    const proof = call[2] as Result;
    if ((proof[4] as bigint) !== nullifier) continue;
    return {
      options: (call[0] as Result).map((actions: Result) => actions.map(toAction)),
      description: call[1] as string,
      tellersTerm: call.length > 3 ? (call[3] as bigint) : undefined,
      proof: {
        merkleTreeRoot: proof[0] as bigint,
        merkleTreeDepth: proof[1] as bigint,
        epoch: proof[2] as bigint,
        slot: proof[3] as bigint,
        nullifier: proof[4] as bigint,
        points: [...(proof[5] as Result)] as PackedProof,
      },
    };
  }
  return undefined;
}

/** The actions of the `execute` call in `data` for `proposalId`. */
export function findExecuteCall(data: string, proposalId: bigint): ZoneAction[] | undefined {
  for (const call of decodedCalls(data, "execute")) {
    if ((call[0] as bigint) === proposalId) return (call[1] as Result).map(toAction);
  }
  return undefined;
}

/** The recipient and proof of the `claimDividend` call in `data` for `roundId` and `nullifier`. */
export function findClaimCall(
  data: string,
  roundId: bigint,
  nullifier: bigint,
): { recipient: string; points: PackedProof } | undefined {
  for (const call of decodedCalls(data, "claimDividend")) {
    if ((call[0] as bigint) !== roundId || (call[2] as bigint) !== nullifier) continue;
    return { recipient: call[1] as string, points: [...(call[3] as Result)] as PackedProof };
  }
  return undefined;
}

/** Each place a function's selector occurs in `data`, decoded as its call from there (none where nothing decodes). */
function* decodedCalls(
  data: string,
  name: "propose" | "proposeSealed" | "execute" | "claimDividend",
): Generator<Result> {
  const hex = data.startsWith("0x") ? data.slice(2).toLowerCase() : data.toLowerCase();
  const selector = ZONE.getFunction(name).selector.slice(2);
  for (let at = hex.indexOf(selector); at !== -1; at = hex.indexOf(selector, at + 2)) {
    if (at % 2 !== 0) continue;
    try {
      yield ZONE.decodeFunctionData(name, `0x${hex.slice(at)}`);
    } catch {
      // not a call here
    }
  }
}

function toAction(action: Result): ZoneAction {
  return { target: action[0] as string, value: action[1] as bigint, data: action[2] as string };
}
