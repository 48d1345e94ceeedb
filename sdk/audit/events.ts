/**
 * The zone's events as the audit reads them: every log the zone emitted, decoded with its ABI and in
 * chain order, and from them each proposal with the rules in force at its creation.
 */
import type { Interface, Log, Result } from "ethers";
import { ZONE } from "../abis.js";
import { optionLabel } from "../ballot.js";
import { decodeProposalCreated, optionCount, type ProposalRecord } from "../proposals.js";
import type { AuditDiscrepancy } from "./report.js";

/** Where a log is in the chain. */
export interface Position {
  blockNumber: number;
  logIndex: number;
  txHash: string;
}

export interface ZoneLog extends Position {
  name: string;
  args: Result;
  /** Its index among the zone's logs in chain order. */
  order: number;
}

export interface RulesAt {
  votingDelay: bigint;
  votingPeriod: bigint;
  executionDelay: bigint;
  executionWindow: bigint;
  quorumBps: bigint;
  approvalBps: bigint;
  proposalEpoch: bigint;
  proposalsPerEpoch: bigint;
}

/**
 * A proposal as its ProposalCreated event records it (decodeProposalCreated), where it is in the
 * chain, and the rules it is decided by. The snapshot's depth and count and the vote window are kept
 * as the event's exact integers: the audit compares them with the zone's views and with the block
 * times, and must not round what a provider or a faulty zone made too large for a number.
 */
export interface AuditedProposal
  extends Omit<ProposalRecord, "snapshotDepth" | "eligibleCount" | "voteStart" | "voteEnd">, Position {
  order: number;
  snapshotDepth: bigint;
  eligibleCount: bigint;
  voteStart: bigint;
  voteEnd: bigint;
  optionCount: number;
  /** The rules in force at its creation; undefined if no RulesChanged came before it. */
  rules?: RulesAt;
}

/**
 * An option as every app labels it (the sdk's ballot: "For", "Option 2: Springco"), with the chain's
 * index the evidence uses: "Option 2: Springco (option index 1)".
 */
export function choiceOf(proposal: AuditedProposal, option: bigint): string {
  return `${optionLabel(proposal, option)} (option index ${option})`;
}

/**
 * The zone's logs decoded, in chain order; each one its ABI cannot read goes to `unreadable`. Another
 * contract's logs about the zone (its ZoneAdmissions') are decoded the same way with its `abi`.
 */
export function parseLogs(
  rawLogs: readonly Log[],
  unreadable: AuditDiscrepancy[],
  abi: Interface = ZONE,
  whose = "the zone",
): ZoneLog[] {
  const sorted = [...rawLogs].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
  const logs: ZoneLog[] = [];
  for (const log of sorted) {
    let parsed: ReturnType<typeof abi.parseLog> = null;
    try {
      parsed = abi.parseLog({ topics: [...log.topics], data: log.data });
    } catch {
      parsed = null;
    }
    if (parsed === null) {
      unreadable.push({
        what: `an event of ${whose} that is not in its interface, or malformed`,
        evidence: `block ${log.blockNumber}, log ${log.index}, tx ${log.transactionHash}, topic ${log.topics[0] ?? "none"}`,
      });
      continue;
    }
    logs.push({
      name: parsed.name,
      args: parsed.args,
      blockNumber: log.blockNumber,
      logIndex: log.index,
      txHash: log.transactionHash,
      order: logs.length,
    });
  }
  return logs;
}

/** Every ProposalCreated in `logs`, by proposal id, with the last RulesChanged before it. */
export function readAuditedProposals(logs: readonly ZoneLog[]): Map<bigint, AuditedProposal> {
  const proposals = new Map<bigint, AuditedProposal>();
  let rules: RulesAt | undefined;
  for (const log of logs) {
    if (log.name === "RulesChanged") {
      const value = log.args.getValue("rules") as Result;
      rules = {
        votingDelay: big(value, 0),
        votingPeriod: big(value, 1),
        executionDelay: big(value, 2),
        executionWindow: big(value, 3),
        quorumBps: big(value, 4),
        approvalBps: big(value, 5),
        proposalEpoch: big(value, 6),
        proposalsPerEpoch: big(value, 7),
      };
    }
    if (log.name !== "ProposalCreated") continue;
    // A Result reads its fields by name as well as by position, as decodeProposalCreated reads them.
    const record = decodeProposalCreated({
      args: log.args as unknown as Parameters<typeof decodeProposalCreated>[0]["args"],
      blockNumber: log.blockNumber,
    });
    proposals.set(record.proposalId, {
      ...record,
      ...position(log),
      order: log.order,
      snapshotDepth: arg(log.args, "snapshotDepth"),
      eligibleCount: arg(log.args, "eligibleCount"),
      voteStart: arg(log.args, "voteStart"),
      voteEnd: arg(log.args, "voteEnd"),
      optionCount: optionCount(record.options),
      rules,
    });
  }
  return proposals;
}

/** An integer argument of an event, by name. */
export function arg(args: Result, name: string): bigint {
  return args.getValue(name) as bigint;
}

export function position(log: ZoneLog): Position {
  return { blockNumber: log.blockNumber, logIndex: log.logIndex, txHash: log.txHash };
}

function big(values: Result, index: number): bigint {
  return BigInt(values[index] as bigint | number);
}
