/**
 * The tally audit: everything a zone decided, re-derived from chain data alone, independent of any
 * relayer and of the zone contract's own checks.
 *
 * From the zone's event logs, the transactions that emitted them and a few view calls, all pinned
 * to one block, it rebuilds the group and checks every snapshot, finds every proof in its
 * transaction's calldata and verifies it off chain (official keys, documented scopes), recounts
 * every proposal and decides it as ZoneGovernance does, checks every execution against the winning
 * option's actions, and accounts for the treasury against the real balances. Each check lists what
 * it found wrong, with evidence (transaction hashes, blocks, both values).
 *
 * What it trusts: the RPC provider's answers are taken as the chain's, but they are cross-checked
 * (event roots against the rebuilt group, events against the zone's views, each transaction's
 * content against its hash), so a provider that drops or rewrites some of them is caught where the
 * story no longer adds up. It does not check block headers, so a provider that rewrites everything
 * consistently is not caught.
 */
import { Group } from "@semaphore-protocol/group";
import {
  Contract,
  Interface,
  Transaction,
  ZeroAddress,
  getAddress,
  toBeHex,
  type Log,
  type Provider,
  type Result,
  type TransactionResponse,
} from "ethers";
import { MIN_TREE_DEPTH, PROPOSAL_STATES, ROOT_VALIDITY_SECONDS, SNARK_SCALAR_FIELD } from "./constants.js";
import { ZoneFactory__factory, ZoneServices__factory, Zone__factory } from "./contracts.js";
import { ledgerBalance, readLedger, type LedgerEntry } from "./ledger.js";
import { inLogRanges } from "./logs.js";
import { actionsHash, proposalContentHash } from "./scope.js";
import type { PackedProof, ZoneAction } from "./types.js";
import type { DividendClaimToVerify, ProposalToVerify, VoteToVerify, VoteVerifier } from "./verify.js";

/** One thing the audit found wrong, and what shows it. */
export interface AuditDiscrepancy {
  what: string;
  evidence: string;
}

/** One check: what it looked at (`items` of them) and what it found wrong. */
export interface AuditCheck {
  name: string;
  /** What the check covers, in one line. */
  description: string;
  items: number;
  ok: boolean;
  discrepancies: AuditDiscrepancy[];
}

/** The audit of one zone as of one block. Plain JSON: numbers, strings and booleans only. */
export interface AuditReport {
  zone: string;
  chainId: number;
  /** The block everything was read at (events up to it, views and balances at it). */
  block: number;
  /** That block's timestamp: the time proposal states are evaluated at. */
  timestamp: number;
  fromBlock: number;
  checks: AuditCheck[];
  ok: boolean;
}

export interface AuditOptions {
  /**
   * The first block to read events from: the zone's creation block (or earlier). Later blocks miss
   * its first members, rules and ledger entries, and the audit then reports them as discrepancies.
   */
  fromBlock?: number;
  /** The block to audit the zone as of; the latest by default. */
  toBlock?: number;
  /** Hears one line per step (fetching events, verifying N proofs, ...). */
  onProgress?: (line: string) => void;
  /** A vote verifier to use (and not terminate); by default one is created and terminated. */
  verifier?: VoteVerifier;
  /** The most RPC requests in flight at once (transactions, blocks); 16 by default. */
  concurrency?: number;
}

const BPS = 10_000n;
const AGAINST = 0;
const FOR = 1;
const ABSTAIN_OPTIONS = 3;

const zoneInterface = Zone__factory.createInterface();
const servicesInterface = ZoneServices__factory.createInterface();
const erc20 = new Interface(["function balanceOf(address) view returns (uint256)"]);

/** Where a log is in the chain. */
interface Position {
  blockNumber: number;
  logIndex: number;
  txHash: string;
}

interface ZoneLog extends Position {
  name: string;
  args: Result;
  /** Its index among the zone's logs in chain order. */
  order: number;
}

interface RulesAt {
  votingDelay: bigint;
  votingPeriod: bigint;
  executionDelay: bigint;
  executionWindow: bigint;
  quorumBps: bigint;
  approvalBps: bigint;
  proposalEpoch: bigint;
  proposalsPerEpoch: bigint;
}

interface ProposalRecord extends Position {
  id: bigint;
  order: number;
  options: ZoneAction[][];
  description: string;
  snapshotRoot: bigint;
  snapshotDepth: bigint;
  eligibleCount: bigint;
  voteStart: bigint;
  voteEnd: bigint;
  nullifier: bigint;
  multipleChoice: boolean;
  optionCount: number;
  /** The rules in force at its creation; undefined if no RulesChanged came before it. */
  rules?: RulesAt;
}

interface VoteRecord extends Position {
  order: number;
  proposalId: bigint;
  option: bigint;
  nullifier: bigint;
  /** Whether its proof, found in calldata, holds for this event's proposal, option and nullifier. */
  verified: boolean;
}

/** The group after one membership change. */
interface GroupState {
  order: number;
  blockNumber: number;
  root: bigint;
  depth: number;
  size: number;
  memberCount: bigint;
}

/** Everything the checks share. */
interface AuditContext {
  provider: Provider;
  zone: string;
  chainId: bigint;
  block: number;
  timestamp: bigint;
  fromBlock: number;
  logs: ZoneLog[];
  proposals: Map<bigint, ProposalRecord>;
  /** Group states in chain order, after each membership change. */
  groupStates: GroupState[];
  votes: VoteRecord[];
  progress: (line: string) => void;
  transaction(hash: string): Promise<TransactionResponse | null>;
  timestampOf(blockNumber: number): Promise<bigint>;
  mapLimit<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]>;
}

/**
 * Audits the zone at `zoneAddress` from chain data alone (see the top of this file). The report's
 * `ok` is true when no check found a discrepancy.
 */
export async function auditZone(
  provider: Provider,
  zoneAddress: string,
  options: AuditOptions = {},
): Promise<AuditReport> {
  const progress = options.onProgress ?? (() => undefined);
  const zone = getAddress(zoneAddress);
  const [network, tip] = await Promise.all([
    provider.getNetwork(),
    provider.getBlock(options.toBlock ?? "latest"),
  ]);
  if (tip === null) throw new Error(`auditZone: block ${options.toBlock ?? "latest"} not found`);
  const fromBlock = options.fromBlock ?? 0;
  const limit = options.concurrency ?? 16;

  const transactions = new Map<string, Promise<TransactionResponse | null>>();
  const timestamps = new Map<number, Promise<bigint>>([[tip.number, Promise.resolve(BigInt(tip.timestamp))]]);
  const context: AuditContext = {
    provider,
    zone,
    chainId: network.chainId,
    block: tip.number,
    timestamp: BigInt(tip.timestamp),
    fromBlock,
    logs: [],
    proposals: new Map(),
    groupStates: [],
    votes: [],
    progress,
    transaction(hash) {
      let response = transactions.get(hash);
      if (response === undefined) {
        response = provider.getTransaction(hash);
        transactions.set(hash, response);
      }
      return response;
    },
    timestampOf(blockNumber) {
      let timestamp = timestamps.get(blockNumber);
      if (timestamp === undefined) {
        timestamp = provider.getBlock(blockNumber).then((block) => {
          if (block === null) throw new Error(`block ${blockNumber} not found`);
          return BigInt(block.timestamp);
        });
        timestamps.set(blockNumber, timestamp);
      }
      return timestamp;
    },
    mapLimit: (items, fn) => mapLimit(items, limit, fn),
  };

  progress(`fetching the zone's events, blocks ${fromBlock} to ${tip.number}`);
  const rawLogs = await inLogRanges(fromBlock, tip.number, (from, to) =>
    provider.getLogs({ address: zone, fromBlock: from, toBlock: to }),
  );
  const unreadable: AuditDiscrepancy[] = [];
  context.logs = parseLogs(rawLogs, unreadable);
  progress(`${context.logs.length} events`);
  readProposals(context);

  const verifier = options.verifier ?? (await (await import("./verify.js")).createVoteVerifier());
  try {
    const group = checkGroup(context);
    group.discrepancies.unshift(...unreadable);
    const proposalProofs = await checkProposalProofs(context, verifier);
    const voteProofs = await checkVoteProofs(context, verifier);
    const claimProofs = await checkDividendClaimProofs(context, verifier);
    const nullifiers = checkNullifiers(context);
    const tallies = await checkTallies(context);
    const executions = await checkExecutions(context);
    const treasury = await checkTreasury(context);
    const checks = [
      group,
      proposalProofs,
      voteProofs,
      claimProofs,
      nullifiers,
      tallies,
      executions,
      treasury,
    ].map((check) => ({ ...check, ok: check.discrepancies.length === 0 }));
    progress("done");
    return {
      zone,
      chainId: Number(network.chainId),
      block: tip.number,
      timestamp: tip.timestamp,
      fromBlock,
      checks,
      ok: checks.every((check) => check.ok),
    };
  } finally {
    if (options.verifier === undefined) await verifier.terminate();
  }
}

/** The report as text for people: each check, its items, its discrepancies, then the verdict. */
export function formatAuditReport(report: AuditReport): string {
  const lines = [
    `Audit of zone ${report.zone} on chain ${report.chainId}, as of block ${report.block} ` +
      `(${new Date(report.timestamp * 1000).toISOString()}), events from block ${report.fromBlock}`,
    "",
  ];
  for (const check of report.checks) {
    const verdict = check.ok
      ? "ok"
      : `${check.discrepancies.length} discrepanc${plural(check.discrepancies.length, "y", "ies")}`;
    lines.push(`[${check.ok ? "ok" : "FAIL"}] ${check.name}: ${check.items} checked, ${verdict}`);
    lines.push(`       ${check.description}`);
    for (const { what, evidence } of check.discrepancies) {
      lines.push(`   - ${what}`);
      lines.push(`     evidence: ${evidence}`);
    }
  }
  const failed = report.checks.filter((check) => !check.ok).length;
  lines.push("");
  lines.push(
    report.ok
      ? `Verdict: OK. Every check passed (${report.checks.length} checks).`
      : `Verdict: DISCREPANCIES FOUND in ${failed} of ${report.checks.length} checks.`,
  );
  return lines.join("\n");
}

function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}

function parseLogs(rawLogs: readonly Log[], unreadable: AuditDiscrepancy[]): ZoneLog[] {
  const sorted = [...rawLogs].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
  const logs: ZoneLog[] = [];
  for (const log of sorted) {
    let parsed: ReturnType<Interface["parseLog"]> = null;
    try {
      parsed = zoneInterface.parseLog({ topics: [...log.topics], data: log.data });
    } catch {
      parsed = null;
    }
    if (parsed === null) {
      unreadable.push({
        what: "an event of the zone that is not in its interface, or malformed",
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

function readProposals(context: AuditContext): void {
  let rules: RulesAt | undefined;
  for (const log of context.logs) {
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
    const args = log.args;
    const options = (args.getValue("options") as Result).map((actions: Result) =>
      actions.map((action: Result) => ({
        target: action[0] as string,
        value: action[1] as bigint,
        data: action[2] as string,
      })),
    );
    const id = arg(args, "proposalId");
    context.proposals.set(id, {
      ...position(log),
      id,
      order: log.order,
      options,
      description: args.getValue("description") as string,
      snapshotRoot: arg(args, "snapshotRoot"),
      snapshotDepth: arg(args, "snapshotDepth"),
      eligibleCount: arg(args, "eligibleCount"),
      voteStart: arg(args, "voteStart"),
      voteEnd: arg(args, "voteEnd"),
      nullifier: arg(args, "nullifier"),
      multipleChoice: options.length > 1,
      optionCount: options.length > 1 ? options.length : ABSTAIN_OPTIONS,
      rules,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// 1. The group

function checkGroup(context: AuditContext): Omit<AuditCheck, "ok"> {
  const discrepancies: AuditDiscrepancy[] = [];
  const group = new Group();
  let memberCount = 0n;
  let changes = 0;
  let snapshots = 0;
  const states = context.groupStates;
  const rootOf = () => (group.size === 0 ? 0n : group.root);
  const at = (log: ZoneLog) => `block ${log.blockNumber}, tx ${log.txHash}`;

  for (const log of context.logs) {
    const { args } = log;
    try {
      if (log.name === "MemberAdded") {
        const index = arg(args, "index");
        if (index !== BigInt(group.size)) {
          discrepancies.push({
            what: `MemberAdded at index ${index}, but the rebuilt group had ${group.size} leaves`,
            evidence: at(log),
          });
        }
        group.addMember(arg(args, "identityCommitment"));
        memberCount++;
      } else if (log.name === "MembersAdded") {
        const startIndex = arg(args, "startIndex");
        const commitments = [...(args.getValue("identityCommitments") as Result)] as bigint[];
        if (startIndex !== BigInt(group.size)) {
          discrepancies.push({
            what: `MembersAdded from index ${startIndex}, but the rebuilt group had ${group.size} leaves`,
            evidence: at(log),
          });
        }
        group.addMembers(commitments);
        memberCount += BigInt(commitments.length);
      } else if (log.name === "MemberUpdated" || log.name === "MemberRemoved") {
        const index = Number(arg(args, "index"));
        const leaf = group.members[index];
        if (leaf !== arg(args, "identityCommitment")) {
          discrepancies.push({
            what: `${log.name} names commitment ${arg(args, "identityCommitment")} at index ${index}, where the rebuilt group has ${leaf ?? "no leaf"}`,
            evidence: at(log),
          });
        }
        if (log.name === "MemberUpdated") {
          group.updateMember(index, arg(args, "newIdentityCommitment"));
        } else {
          group.removeMember(index);
          memberCount--;
        }
      } else {
        continue;
      }
    } catch (error) {
      discrepancies.push({
        what: `${log.name} cannot be applied to the rebuilt group: ${(error as Error).message}`,
        evidence: at(log),
      });
      continue;
    }
    changes++;
    const root = rootOf();
    const emitted = arg(args, "merkleTreeRoot");
    if (emitted !== root) {
      discrepancies.push({
        what: `${log.name} says the group's root became ${emitted}; rebuilt from the events before it, it is ${root}`,
        evidence: at(log),
      });
    }
    states.push({
      order: log.order,
      blockNumber: log.blockNumber,
      root,
      depth: group.depth,
      size: group.size,
      memberCount,
    });
  }

  const stateBefore = (order: number): GroupState | undefined => {
    let found: GroupState | undefined;
    for (const state of states) {
      if (state.order >= order) break;
      found = state;
    }
    return found;
  };
  const checkSnapshot = (
    label: string,
    log: Position & { order: number },
    recorded: { root: bigint; depth: bigint; eligible: bigint },
  ) => {
    snapshots++;
    const state = stateBefore(log.order);
    const expected = {
      root: state?.root ?? 0n,
      depth: BigInt(Math.max(MIN_TREE_DEPTH, state?.depth ?? 0)),
      eligible: state?.memberCount ?? 0n,
    };
    const fields: [string, bigint, bigint][] = [
      ["snapshotRoot", recorded.root, expected.root],
      ["snapshotDepth", recorded.depth, expected.depth],
      ["eligibleCount", recorded.eligible, expected.eligible],
    ];
    for (const [field, actual, wanted] of fields) {
      if (actual !== wanted) {
        discrepancies.push({
          what: `${label}: ${field} is ${actual}, but the group rebuilt from events had ${wanted} then`,
          evidence: `block ${log.blockNumber}, tx ${log.txHash}`,
        });
      }
    }
  };
  for (const proposal of context.proposals.values()) {
    checkSnapshot(`proposal ${proposal.id}`, proposal, {
      root: proposal.snapshotRoot,
      depth: proposal.snapshotDepth,
      eligible: proposal.eligibleCount,
    });
  }
  for (const log of context.logs) {
    if (log.name !== "DividendRoundOpened") continue;
    checkSnapshot(`dividend round ${arg(log.args, "roundId")}`, log, {
      root: arg(log.args, "snapshotRoot"),
      depth: arg(log.args, "snapshotDepth"),
      eligible: arg(log.args, "eligibleCount"),
    });
  }
  return {
    name: "group",
    description:
      "the group rebuilt from MemberAdded/MembersAdded/MemberUpdated/MemberRemoved in chain order; " +
      "each event's root, and every proposal's and dividend round's snapshot (root, depth, eligibleCount)",
    items: changes + snapshots,
    discrepancies,
    // The end state is compared with the zone's merkleTree() and memberCount() in checkTallies.
  };
}

// ---------------------------------------------------------------------------------------------
// 2. Proofs

/** The group's state current when the log at `order` happened, and the index of that state. */
function groupStateIndexBefore(states: readonly GroupState[], order: number): number {
  let index = -1;
  for (let k = 0; k < states.length && states[k]!.order < order; k++) index = k;
  return index;
}

async function checkProposalProofs(
  context: AuditContext,
  verifier: VoteVerifier,
): Promise<Omit<AuditCheck, "ok">> {
  const discrepancies: AuditDiscrepancy[] = [];
  const proposals = [...context.proposals.values()];
  context.progress(`fetching ${proposals.length} proposal transactions`);
  const found = await context.mapLimit(proposals, async (proposal) => {
    const tx = await context.transaction(proposal.txHash);
    const [blockTime, integrity] = [
      await context.timestampOf(proposal.blockNumber),
      transactionIntegrity(tx),
    ];
    return { proposal, tx, blockTime, integrity };
  });

  const toVerify: { proposal: ProposalRecord; item: ProposalToVerify }[] = [];
  for (const { proposal, tx, blockTime, integrity } of found) {
    const label = `proposal ${proposal.id}`;
    if (integrity !== undefined)
      discrepancies.push({ what: `${label}: ${integrity}`, evidence: proposal.txHash });
    const call = tx === null ? undefined : findProposeCall(tx.data, proposal.nullifier);
    if (call === undefined) {
      discrepancies.push({ what: `${label}: proof not found in calldata`, evidence: proposal.txHash });
      continue;
    }
    const eventContent = proposalContentHash(proposal.options, proposal.description);
    if (proposalContentHash(call.options, call.description) !== eventContent) {
      discrepancies.push({
        what: `${label}: the options or description in ProposalCreated differ from those in the propose calldata`,
        evidence: proposal.txHash,
      });
    }
    const rules = proposal.rules;
    if (rules === undefined) {
      discrepancies.push({
        what: `${label}: no RulesChanged before it, so its rules are unknown (is fromBlock after the zone's creation?)`,
        evidence: `block ${proposal.blockNumber}, tx ${proposal.txHash}`,
      });
    } else {
      const epoch = blockTime / rules.proposalEpoch;
      if (call.proof.epoch !== epoch) {
        discrepancies.push({
          what: `${label}: proof for epoch ${call.proof.epoch}, but the block's time ${blockTime} is in epoch ${epoch}`,
          evidence: proposal.txHash,
        });
      }
      if (call.proof.slot >= rules.proposalsPerEpoch) {
        discrepancies.push({
          what: `${label}: slot ${call.proof.slot} is not below proposalsPerEpoch ${rules.proposalsPerEpoch}`,
          evidence: proposal.txHash,
        });
      }
      const expectedStart = blockTime + rules.votingDelay;
      const expectedEnd = expectedStart + rules.votingPeriod;
      if (proposal.voteStart !== expectedStart || proposal.voteEnd !== expectedEnd) {
        discrepancies.push({
          what: `${label}: vote window [${proposal.voteStart}, ${proposal.voteEnd}) is not the rules' [${expectedStart}, ${expectedEnd})`,
          evidence: `block ${proposal.blockNumber} at ${blockTime}, tx ${proposal.txHash}`,
        });
      }
    }
    const rootProblem = await recentRootProblem(context, call.proof.merkleTreeRoot, proposal, blockTime);
    if (rootProblem !== undefined)
      discrepancies.push({ what: `${label}: ${rootProblem}`, evidence: proposal.txHash });
    toVerify.push({
      proposal,
      item: {
        proof: { ...call.proof, merkleTreeDepth: Number(call.proof.merkleTreeDepth) },
        options: call.options,
        description: call.description,
        context: { chainId: context.chainId, zone: context.zone },
      },
    });
  }
  context.progress(`verifying ${toVerify.length} proposal proofs`);
  const verdicts = await verifier.verifyProposals(toVerify.map(({ item }) => item));
  toVerify.forEach(({ proposal, item }, index) => {
    if (!verdicts[index]) {
      discrepancies.push({
        what: `proposal ${proposal.id}: invalid proof (root ${item.proof.merkleTreeRoot}, depth ${item.proof.merkleTreeDepth}, epoch ${item.proof.epoch}, slot ${item.proof.slot})`,
        evidence: proposal.txHash,
      });
    }
  });
  return {
    name: "proposal proofs",
    description:
      "each ProposalCreated's proof, from its propose calldata, verified off chain (content as message, " +
      "epoch and slot as scope); the epoch, the slot limit, the vote window and the root's recency at the time",
    items: proposals.length,
    discrepancies,
  };
}

/** Why `root` could not prove membership at `proposal`'s time (see ZoneMembership._requireRecentRoot). */
async function recentRootProblem(
  context: AuditContext,
  root: bigint,
  proposal: ProposalRecord,
  blockTime: bigint,
): Promise<string | undefined> {
  const states = context.groupStates;
  const current = groupStateIndexBefore(states, proposal.order);
  if (current >= 0 && states[current]!.root === root && states[current]!.size !== 0) return undefined;
  for (let k = current - 1; k >= 0; k--) {
    if (states[k]!.root !== root) continue;
    const replacedAt = await context.timestampOf(states[k + 1]!.blockNumber);
    if (blockTime <= replacedAt + BigInt(ROOT_VALIDITY_SECONDS)) return undefined;
    return (
      `its proof's root ${root} was replaced at ${replacedAt}, more than ${ROOT_VALIDITY_SECONDS} s ` +
      `before the proposal (${blockTime})`
    );
  }
  return `its proof's root ${root} was never a root of the group before it`;
}

interface FoundVote {
  proposalId: bigint;
  option: bigint;
  points: PackedProof;
}

async function checkVoteProofs(
  context: AuditContext,
  verifier: VoteVerifier,
): Promise<Omit<AuditCheck, "ok">> {
  const discrepancies: AuditDiscrepancy[] = [];
  const events = context.logs.filter((log) => log.name === "VoteCast");
  const fetched = await fetchTransactions(context, events, "vote", discrepancies);

  const toVerify: { index: number; item: VoteToVerify }[] = [];
  for (const log of events) {
    const vote: VoteRecord = {
      ...position(log),
      order: log.order,
      proposalId: arg(log.args, "proposalId"),
      option: arg(log.args, "option"),
      nullifier: arg(log.args, "nullifier"),
      verified: false,
    };
    const index = context.votes.push(vote) - 1;
    const label = `vote ${vote.nullifier} on proposal ${vote.proposalId}`;
    const proposal = context.proposals.get(vote.proposalId);
    if (proposal === undefined) {
      discrepancies.push({ what: `${label}: no ProposalCreated for its proposal`, evidence: log.txHash });
      continue;
    }
    const tx = fetched.get(log.txHash) ?? null;
    const found = tx === null ? undefined : findVoteInCalldata(tx.data, vote);
    if (found === undefined) {
      discrepancies.push({ what: `${label}: proof not found in calldata`, evidence: log.txHash });
      continue;
    }
    if (found.proposalId !== vote.proposalId || found.option !== vote.option) {
      discrepancies.push({
        what: `${label}: VoteCast says option ${vote.option}, the calldata proposal ${found.proposalId} option ${found.option}`,
        evidence: log.txHash,
      });
    }
    toVerify.push({
      index,
      item: {
        // The event's claims, with the calldata's proof: the proof must hold for what was counted.
        vote: {
          proposalId: vote.proposalId,
          option: vote.option < 1n << 53n ? Number(vote.option) : -1,
          nullifier: vote.nullifier,
          merkleTreeRoot: proposal.snapshotRoot,
          merkleTreeDepth: Number(proposal.snapshotDepth),
          points: found.points,
        },
        snapshot: {
          chainId: context.chainId,
          zone: context.zone,
          snapshotRoot: proposal.snapshotRoot,
          snapshotDepth: Number(proposal.snapshotDepth),
        },
      },
    });
  }
  context.progress(`verifying ${toVerify.length} vote proofs`);
  const verdicts = await verifier.verifyVotes(toVerify.map(({ item }) => item));
  toVerify.forEach(({ index }, k) => {
    const vote = context.votes[index]!;
    vote.verified = verdicts[k] === true;
    if (!vote.verified) {
      discrepancies.push({
        what: `vote ${vote.nullifier} on proposal ${vote.proposalId}: invalid proof for option ${vote.option} against the proposal's snapshot`,
        evidence: vote.txHash,
      });
    }
  });
  return {
    name: "vote proofs",
    description:
      "each VoteCast's proof, found in its transaction's calldata, verified off chain for the event's " +
      "proposal, option and nullifier against the proposal's snapshot (official keys, vote scope)",
    items: events.length,
    discrepancies,
  };
}

async function checkDividendClaimProofs(
  context: AuditContext,
  verifier: VoteVerifier,
): Promise<Omit<AuditCheck, "ok">> {
  const discrepancies: AuditDiscrepancy[] = [];
  const rounds = new Map(
    context.logs
      .filter((log) => log.name === "DividendRoundOpened")
      .map((log) => [arg(log.args, "roundId"), log] as const),
  );
  const events = context.logs.filter((log) => log.name === "DividendClaimed");
  const fetched = await fetchTransactions(context, events, "dividend claim", discrepancies);
  const toVerify: { log: ZoneLog; item: DividendClaimToVerify }[] = [];
  for (const log of events) {
    const roundId = arg(log.args, "roundId");
    const nullifier = arg(log.args, "nullifier");
    const recipient = log.args.getValue("recipient") as string;
    const label = `dividend claim ${nullifier} in round ${roundId}`;
    const round = rounds.get(roundId);
    if (round === undefined) continue; // the treasury check reports a claim on a round never opened
    const tx = fetched.get(log.txHash) ?? null;
    const found = tx === null ? undefined : findClaimCall(tx.data, roundId, nullifier);
    if (found === undefined) {
      discrepancies.push({ what: `${label}: proof not found in calldata`, evidence: log.txHash });
      continue;
    }
    if (getAddress(found.recipient) !== getAddress(recipient)) {
      discrepancies.push({
        what: `${label}: DividendClaimed pays ${recipient}, the calldata ${found.recipient}`,
        evidence: log.txHash,
      });
    }
    toVerify.push({
      log,
      item: {
        // The event's recipient with the calldata's proof: the proof must hold for who was paid.
        claim: { roundId, recipient, nullifier, points: found.points },
        snapshot: {
          chainId: context.chainId,
          zone: context.zone,
          snapshotRoot: arg(round.args, "snapshotRoot"),
          snapshotDepth: Number(arg(round.args, "snapshotDepth")),
        },
      },
    });
  }
  context.progress(`verifying ${toVerify.length} dividend claim proofs`);
  const verdicts = await verifier.verifyDividendClaims(toVerify.map(({ item }) => item));
  toVerify.forEach(({ log, item }, k) => {
    if (verdicts[k] === true) return;
    discrepancies.push({
      what: `dividend claim ${item.claim.nullifier} in round ${item.claim.roundId}: invalid proof for recipient ${item.claim.recipient} against the round's snapshot`,
      evidence: log.txHash,
    });
  });
  return {
    name: "dividend claim proofs",
    description:
      "each DividendClaimed's proof, found in its transaction's calldata, verified off chain for the " +
      "event's round, nullifier and recipient against the round's snapshot (official keys, dividend scope)",
    items: events.length,
    discrepancies,
  };
}

/** The transactions that emitted `events`, each checked against its hash (a mismatch is reported). */
async function fetchTransactions(
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

function checkNullifiers(context: AuditContext): Omit<AuditCheck, "ok"> {
  const discrepancies: AuditDiscrepancy[] = [];
  const seen = new Map<bigint, string>();
  let items = 0;
  for (const log of context.logs) {
    let kind: string;
    if (log.name === "VoteCast") kind = `vote on proposal ${arg(log.args, "proposalId")}`;
    else if (log.name === "ProposalCreated") kind = `proposal ${arg(log.args, "proposalId")}`;
    else if (log.name === "DividendClaimed") kind = `dividend claim in round ${arg(log.args, "roundId")}`;
    else continue;
    items++;
    const nullifier = arg(log.args, "nullifier");
    const where = `${kind} (tx ${log.txHash})`;
    if (nullifier >= SNARK_SCALAR_FIELD) {
      discrepancies.push({ what: `nullifier ${nullifier} is not a field element`, evidence: where });
    }
    const earlier = seen.get(nullifier);
    if (earlier !== undefined) {
      discrepancies.push({ what: `nullifier ${nullifier} used twice`, evidence: `${earlier}; ${where}` });
    } else {
      seen.set(nullifier, where);
    }
  }
  return {
    name: "nullifiers",
    description: "every nullifier of a vote, proposal or dividend claim is used once, and is a field element",
    items,
    discrepancies,
  };
}

// ---------------------------------------------------------------------------------------------
// 3. Tallies, outcomes, executions

interface Outcome {
  tally: bigint[];
  option: bigint;
  succeeded: boolean;
}

/** ZoneGovernance's counting hooks, on a recounted tally. */
function decide(proposal: ProposalRecord, tally: readonly bigint[]): Outcome {
  const rules = proposal.rules;
  const total = tally.reduce((sum, votes) => sum + votes, 0n);
  const quorumBps = rules?.quorumBps ?? 0n;
  const approvalBps = rules?.approvalBps ?? 0n;
  const quorum = total * BPS >= quorumBps * proposal.eligibleCount;
  if (!quorum) return { tally: [...tally], option: BigInt(FOR), succeeded: false };
  if (!proposal.multipleChoice) {
    const votes = tally[FOR] ?? 0n;
    const decisive = votes + (tally[AGAINST] ?? 0n);
    return { tally: [...tally], option: BigInt(FOR), succeeded: votes * BPS > approvalBps * decisive };
  }
  let option = 0;
  let best = 0n;
  let tie = false;
  tally.forEach((votes, candidate) => {
    if (votes > best) [option, best, tie] = [candidate, votes, false];
    else if (votes === best) tie = true;
  });
  return { tally: [...tally], option: BigInt(option), succeeded: !tie && best * BPS > approvalBps * total };
}

/** The recount of every proposal: only verified votes, cast while it was active, in range, once. */
async function recount(
  context: AuditContext,
  discrepancies: AuditDiscrepancy[],
): Promise<Map<bigint, Outcome>> {
  const tallies = new Map<bigint, bigint[]>();
  for (const proposal of context.proposals.values()) {
    tallies.set(proposal.id, new Array<bigint>(proposal.optionCount).fill(0n));
  }
  const counted = new Set<bigint>();
  const canceledAt = new Map<bigint, number>();
  for (const log of context.logs) {
    if (log.name === "ProposalCanceled") canceledAt.set(arg(log.args, "proposalId"), log.order);
  }
  const voteBlocks = [...new Set(context.votes.map((vote) => vote.blockNumber))];
  context.progress(`reading the time of ${voteBlocks.length} vote blocks`);
  await context.mapLimit(voteBlocks, (blockNumber) => context.timestampOf(blockNumber));
  for (const vote of context.votes) {
    const proposal = context.proposals.get(vote.proposalId);
    if (proposal === undefined || !vote.verified || counted.has(vote.nullifier)) continue;
    const label = `vote ${vote.nullifier} on proposal ${vote.proposalId}`;
    const time = await context.timestampOf(vote.blockNumber);
    if (time < proposal.voteStart || time >= proposal.voteEnd) {
      discrepancies.push({
        what: `${label}: counted at ${time}, outside the vote window [${proposal.voteStart}, ${proposal.voteEnd})`,
        evidence: vote.txHash,
      });
      continue;
    }
    if (vote.option >= BigInt(proposal.optionCount)) {
      discrepancies.push({
        what: `${label}: option ${vote.option} is not below the option count ${proposal.optionCount}`,
        evidence: vote.txHash,
      });
      continue;
    }
    if ((canceledAt.get(proposal.id) ?? Infinity) < vote.order) {
      discrepancies.push({
        what: `${label}: counted after the proposal was canceled`,
        evidence: vote.txHash,
      });
      continue;
    }
    counted.add(vote.nullifier);
    tallies.get(proposal.id)![Number(vote.option)]! += 1n;
  }
  const outcomes = new Map<bigint, Outcome>();
  for (const proposal of context.proposals.values()) {
    outcomes.set(proposal.id, decide(proposal, tallies.get(proposal.id)!));
  }
  return outcomes;
}

function firstLog(context: AuditContext, name: string, proposalId: bigint): ZoneLog | undefined {
  return context.logs.find((log) => log.name === name && arg(log.args, "proposalId") === proposalId);
}

function expectedState(context: AuditContext, proposal: ProposalRecord, outcome: Outcome): string {
  const now = context.timestamp;
  if (firstLog(context, "ProposalExecuted", proposal.id) !== undefined) return "Executed";
  if (firstLog(context, "ProposalCanceled", proposal.id) !== undefined) return "Canceled";
  if (now < proposal.voteStart) return "Pending";
  if (now < proposal.voteEnd) return "Active";
  if (!outcome.succeeded) return "Defeated";
  const queued = firstLog(context, "ProposalQueued", proposal.id);
  if (queued === undefined) return "Succeeded";
  if (now > arg(queued.args, "eta") + (proposal.rules?.executionWindow ?? 0n)) return "Expired";
  return "Queued";
}

/** Per-context store of recounts, so executions reuse the tallies' recount. */
const recounts = new WeakMap<AuditContext, Map<bigint, Outcome>>();

async function checkTallies(context: AuditContext): Promise<Omit<AuditCheck, "ok">> {
  const discrepancies: AuditDiscrepancy[] = [];
  const outcomes = await recount(context, discrepancies);
  recounts.set(context, outcomes);
  const contract = Zone__factory.connect(context.zone, context.provider);
  const blockTag = context.block;
  const proposals = [...context.proposals.values()];
  context.progress(`reading ${proposals.length} proposals' tallies, outcomes and states from the zone`);

  const [proposalCount, tree, memberCount] = await Promise.all([
    contract.proposalCount({ blockTag }),
    contract.merkleTree({ blockTag }),
    contract.memberCount({ blockTag }),
  ]);
  if (proposalCount !== BigInt(proposals.length)) {
    discrepancies.push({
      what: `the zone has ${proposalCount} proposals, the events ${proposals.length}`,
      evidence: `proposalCount() at block ${blockTag}; ProposalCreated events from block ${context.fromBlock}`,
    });
  }
  const last = context.groupStates.at(-1);
  const rebuilt = { root: last?.root ?? 0n, depth: BigInt(last?.depth ?? 0), size: BigInt(last?.size ?? 0) };
  if (tree.root !== rebuilt.root || tree.depth !== rebuilt.depth || tree.size !== rebuilt.size) {
    discrepancies.push({
      what: "the zone's group differs from the one rebuilt from its events",
      evidence:
        `merkleTree() at block ${blockTag} = (root ${tree.root}, depth ${tree.depth}, size ${tree.size}); ` +
        `rebuilt = (root ${rebuilt.root}, depth ${rebuilt.depth}, size ${rebuilt.size})`,
    });
  }
  const rebuiltCount = last?.memberCount ?? 0n;
  if (memberCount !== rebuiltCount) {
    discrepancies.push({
      what: `the zone counts ${memberCount} citizens, its events ${rebuiltCount}`,
      evidence: `memberCount() at block ${blockTag}`,
    });
  }

  await context.mapLimit(proposals, async (proposal) => {
    const label = `proposal ${proposal.id}`;
    const outcome = outcomes.get(proposal.id)!;
    if (proposal.rules === undefined) return; // reported with the proposal's proof
    let view, winner, state;
    try {
      [view, winner, state] = await Promise.all([
        contract.getProposal(proposal.id, { blockTag }),
        contract.winningOption(proposal.id, { blockTag }),
        contract.state(proposal.id, { blockTag }),
      ]);
    } catch (error) {
      discrepancies.push({
        what: `${label}: the zone does not answer for it: ${(error as Error).message}`,
        evidence: `getProposal/winningOption/state(${proposal.id}) at block ${blockTag}`,
      });
      return;
    }
    const recorded: [string, bigint, bigint][] = [
      ["snapshotRoot", view.snapshotRoot, proposal.snapshotRoot],
      ["snapshotDepth", view.snapshotDepth, proposal.snapshotDepth],
      ["eligibleCount", view.eligibleCount, proposal.eligibleCount],
      ["voteStart", view.voteStart, proposal.voteStart],
      ["voteEnd", view.voteEnd, proposal.voteEnd],
      ["optionCount", view.optionCount, BigInt(proposal.optionCount)],
    ];
    for (const [field, stored, emitted] of recorded) {
      if (stored !== emitted) {
        discrepancies.push({
          what: `${label}: the zone stores ${field} ${stored}, its ProposalCreated event says ${emitted}`,
          evidence: `getProposal(${proposal.id}) at block ${blockTag}; tx ${proposal.txHash}`,
        });
      }
    }
    const tally = [...view.tally];
    if (tally.join() !== outcome.tally.join()) {
      discrepancies.push({
        what: `${label}: the zone's tally differs from the recount of its verified votes`,
        evidence: `getProposal(${proposal.id}).tally = [${tally.join(", ")}]; recount = [${outcome.tally.join(", ")}]`,
      });
    }
    if (winner.option !== outcome.option || winner.succeeded !== outcome.succeeded) {
      discrepancies.push({
        what: `${label}: the zone's outcome differs from the recount's`,
        evidence:
          `winningOption(${proposal.id}) = (option ${winner.option}, succeeded ${winner.succeeded}); ` +
          `recount [${outcome.tally.join(", ")}] with quorum ${proposal.rules.quorumBps} bps of ${proposal.eligibleCount}, ` +
          `approval ${proposal.rules.approvalBps} bps = (option ${outcome.option}, succeeded ${outcome.succeeded})`,
      });
    }
    const stateName = PROPOSAL_STATES[Number(state)] ?? `state ${state}`;
    const expected = expectedState(context, proposal, outcome);
    if (stateName !== expected) {
      discrepancies.push({
        what: `${label}: the zone says ${stateName}, the recount and its events say ${expected}`,
        evidence: `state(${proposal.id}) at block ${blockTag}, time ${context.timestamp}`,
      });
    }
  });
  return {
    name: "tallies",
    description:
      "each proposal recounted from its verified votes (cast while active, option in range, once) and " +
      "decided by the rules in force at its creation; compared with the zone's tally, winningOption and " +
      "state at the audited block, and the zone's group and proposal count with the events'",
    items: proposals.length,
    discrepancies,
  };
}

async function checkExecutions(context: AuditContext): Promise<Omit<AuditCheck, "ok">> {
  const discrepancies: AuditDiscrepancy[] = [];
  const outcomes = recounts.get(context)!;
  const events = context.logs.filter(
    (log) => log.name === "ProposalQueued" || log.name === "ProposalExecuted",
  );
  const executed = new Map<bigint, ZoneLog>();
  const queued = new Map<bigint, ZoneLog>();
  await context.mapLimit(events, (log) => context.timestampOf(log.blockNumber));

  for (const log of events) {
    const proposalId = arg(log.args, "proposalId");
    const label = `proposal ${proposalId}`;
    const proposal = context.proposals.get(proposalId);
    const outcome = outcomes.get(proposalId);
    if (proposal === undefined || outcome === undefined) {
      discrepancies.push({
        what: `${log.name} for ${label}, which has no ProposalCreated`,
        evidence: log.txHash,
      });
      continue;
    }
    const time = await context.timestampOf(log.blockNumber);
    if (log.name === "ProposalQueued") {
      if (queued.has(proposalId)) {
        discrepancies.push({
          what: `${label} queued twice`,
          evidence: `${queued.get(proposalId)!.txHash}; ${log.txHash}`,
        });
      }
      queued.set(proposalId, log);
      if (!outcome.succeeded || time < proposal.voteEnd) {
        discrepancies.push({
          what: `${label} queued at ${time}, but the recount says it ${outcome.succeeded ? "was still open (vote end " + proposal.voteEnd + ")" : "did not pass"}`,
          evidence: log.txHash,
        });
      }
      const eta = arg(log.args, "eta");
      const expectedEta = time + (proposal.rules?.executionDelay ?? 0n);
      if (eta !== expectedEta) {
        discrepancies.push({
          what: `${label} queued with eta ${eta}, the rules at its creation give ${expectedEta}`,
          evidence: log.txHash,
        });
      }
      continue;
    }
    const option = arg(log.args, "option");
    if (executed.has(proposalId)) {
      discrepancies.push({
        what: `${label} executed twice`,
        evidence: `${executed.get(proposalId)!.txHash}; ${log.txHash}`,
      });
    }
    executed.set(proposalId, log);
    if (!outcome.succeeded) {
      discrepancies.push({
        what: `${label} executed, but the recount says it did not pass`,
        evidence: `tx ${log.txHash}; recount [${outcome.tally.join(", ")}]`,
      });
    }
    if (option !== outcome.option) {
      discrepancies.push({
        what: `${label} executed option ${option}, the recount's winning option is ${outcome.option}`,
        evidence: `tx ${log.txHash}; recount [${outcome.tally.join(", ")}]`,
      });
    }
    const queuedLog = queued.get(proposalId);
    const eta = queuedLog === undefined ? undefined : arg(queuedLog.args, "eta");
    const window = proposal.rules?.executionWindow ?? 0n;
    if (eta === undefined) {
      discrepancies.push({ what: `${label} executed without being queued`, evidence: log.txHash });
    } else if (time < eta || time > eta + window) {
      discrepancies.push({
        what: `${label} executed at ${time}, outside [eta ${eta}, eta + window ${eta + window}]`,
        evidence: log.txHash,
      });
    }
    const tx = await context.transaction(log.txHash);
    const integrity = transactionIntegrity(tx);
    if (integrity !== undefined)
      discrepancies.push({ what: `${label} execution: ${integrity}`, evidence: log.txHash });
    const actions = tx === null ? undefined : findExecuteCall(tx.data, proposalId);
    const winning = proposal.multipleChoice ? proposal.options[Number(outcome.option)] : proposal.options[0];
    if (actions === undefined) {
      discrepancies.push({ what: `${label}: execute call not found in calldata`, evidence: log.txHash });
    } else if (winning === undefined || actionsHash(actions) !== actionsHash(winning)) {
      discrepancies.push({
        what: `${label}: the executed actions are not the winning option's (option ${outcome.option}) as proposed`,
        evidence: `tx ${log.txHash}: executed actions hash ${actionsHash(actions)}, winning option's ${winning === undefined ? "none" : actionsHash(winning)}`,
      });
    }
  }
  return {
    name: "executions",
    description:
      "each ProposalQueued after a passed vote with the rules' eta; each ProposalExecuted once, within its " +
      "window, for the recounted winning option, with the execute calldata's actions equal to that option's",
    items: events.length,
    discrepancies,
  };
}

// ---------------------------------------------------------------------------------------------
// 4. Treasury

async function checkTreasury(context: AuditContext): Promise<Omit<AuditCheck, "ok">> {
  const discrepancies: AuditDiscrepancy[] = [];
  const contract = Zone__factory.connect(context.zone, context.provider);
  const blockTag = context.block;
  context.progress("reading the ledger");
  const ledger = (await readLedger(contract, { fromBlock: context.fromBlock })).filter(
    (entry) => entry.blockNumber <= context.block,
  );
  let items = 0;
  const orders = new Map(context.logs.map((log) => [`${log.blockNumber}:${log.logIndex}`, log.order]));

  const executedIn = new Map<string, Set<bigint>>();
  const executedAt = new Map<bigint, ZoneLog>();
  const dividendRounds = new Map<bigint, ZoneLog>();
  const claimsIn = new Map<string, ZoneLog[]>();
  const claimsPerRound = new Map<bigint, number>();
  for (const log of context.logs) {
    if (log.name === "ProposalExecuted") {
      const proposalId = arg(log.args, "proposalId");
      if (!executedAt.has(proposalId)) executedAt.set(proposalId, log);
      const set = executedIn.get(log.txHash) ?? new Set<bigint>();
      set.add(proposalId);
      executedIn.set(log.txHash, set);
    } else if (log.name === "DividendRoundOpened") {
      dividendRounds.set(arg(log.args, "roundId"), log);
    } else if (log.name === "DividendClaimed") {
      const list = claimsIn.get(log.txHash) ?? [];
      list.push(log);
      claimsIn.set(log.txHash, list);
    }
  }

  let services: string | undefined;
  const servicesAddress = async () => {
    if (services === undefined) {
      const factory = ZoneFactory__factory.connect(await contract.factory({ blockTag }), context.provider);
      services = getAddress(await factory.SERVICES({ blockTag }));
    }
    return services;
  };

  // Outflows: every TreasuryPaid names a proposal that was executed, and is its execution, a
  // dividend claim of a round it opened, or a service budget it set (payFromModule).
  const paid = ledger.filter((entry) => entry.source === "TreasuryPaid");
  const needsReceipt = paid.filter(
    (entry) => entry.proposalId !== undefined && !executedIn.get(entry.txHash)?.has(entry.proposalId),
  );
  context.progress(`checking ${paid.length} payments`);
  const receipts = new Map(
    await context.mapLimit(
      [...new Set(needsReceipt.map((entry) => entry.txHash))],
      async (hash) => [hash, await context.provider.getTransactionReceipt(hash)] as const,
    ),
  );
  for (const entry of paid) {
    items++;
    const proposalId = entry.proposalId ?? 0n;
    const label = `payment of ${entry.amount} ${tokenName(entry.token)} to ${entry.counterparty} naming proposal ${proposalId}`;
    const execution = executedAt.get(proposalId);
    if (execution === undefined || execution.order > orderOf(orders, entry)) {
      discrepancies.push({
        what: `${label}: that proposal was not executed before it`,
        evidence: entry.txHash,
      });
      continue;
    }
    if (executedIn.get(entry.txHash)?.has(proposalId)) continue;
    const claim = (claimsIn.get(entry.txHash) ?? []).find((log) => {
      const round = dividendRounds.get(arg(log.args, "roundId"));
      return (
        round !== undefined &&
        arg(round.args, "proposalId") === proposalId &&
        getAddress(log.args.getValue("recipient") as string) === getAddress(entry.counterparty) &&
        arg(log.args, "amount") === entry.amount &&
        getAddress(round.args.getValue("token") as string) === getAddress(entry.token)
      );
    });
    if (claim !== undefined) continue;
    const receipt = receipts.get(entry.txHash);
    const serviceClaim = receipt?.logs.some((log) => {
      try {
        const parsed = servicesInterface.parseLog({ topics: [...log.topics], data: log.data });
        return (
          parsed?.name === "ServiceBudgetClaimed" &&
          getAddress(parsed.args.getValue("zone") as string) === context.zone &&
          getAddress(parsed.args.getValue("provider") as string) === getAddress(entry.counterparty) &&
          (parsed.args.getValue("amount") as bigint) === entry.amount
        );
      } catch {
        return false;
      }
    });
    if (serviceClaim === true && receipt !== null && receipt !== undefined) {
      const module = await servicesAddress();
      const fromModule = receipt.logs.some(
        (log) =>
          getAddress(log.address) === module &&
          log.topics[0] === servicesInterface.getEvent("ServiceBudgetClaimed").topicHash,
      );
      if (fromModule) continue;
    }
    discrepancies.push({
      what: `${label}: not in its execution, nor a dividend claim of a round it opened, nor a service budget claim`,
      evidence: entry.txHash,
    });
  }

  // Dividend claims: each the round's amount, and no more claims than the round's citizens.
  for (const log of context.logs) {
    if (log.name !== "DividendClaimed") continue;
    items++;
    const roundId = arg(log.args, "roundId");
    const round = dividendRounds.get(roundId);
    const claims = (claimsPerRound.get(roundId) ?? 0) + 1;
    claimsPerRound.set(roundId, claims);
    if (round === undefined) {
      discrepancies.push({
        what: `dividend claimed in round ${roundId}, which was never opened`,
        evidence: log.txHash,
      });
      continue;
    }
    if (arg(log.args, "amount") !== arg(round.args, "amountPerCitizen")) {
      discrepancies.push({
        what: `dividend claim in round ${roundId} paid ${arg(log.args, "amount")}, the round ${arg(round.args, "amountPerCitizen")}`,
        evidence: log.txHash,
      });
    }
    if (BigInt(claims) > arg(round.args, "eligibleCount")) {
      discrepancies.push({
        what: `round ${roundId} has more claims (${claims}) than citizens (${arg(round.args, "eligibleCount")})`,
        evidence: log.txHash,
      });
    }
  }

  // Relayer refunds: each pays exactly the credits earned since the relayer's last refund.
  const owed = new Map<string, bigint>();
  for (const log of context.logs) {
    if (log.name !== "RelayerCredited" && log.name !== "RelayerRefunded") continue;
    items++;
    const relayer = getAddress(log.args.getValue("relayer") as string);
    const amount = arg(log.args, "amount");
    if (log.name === "RelayerCredited") {
      owed.set(relayer, (owed.get(relayer) ?? 0n) + amount);
      continue;
    }
    const credit = owed.get(relayer) ?? 0n;
    if (amount !== credit) {
      discrepancies.push({
        what: `relayer ${relayer} refunded ${amount} wei, but its RelayerCredited credits since its last refund sum to ${credit}`,
        evidence: log.txHash,
      });
    }
    owed.set(relayer, 0n);
  }
  const relayers = [...owed.keys()];
  const credits = await context.mapLimit(relayers, (relayer) =>
    contract.relayerCredit(relayer, { blockTag }),
  );
  relayers.forEach((relayer, k) => {
    if (credits[k] !== owed.get(relayer)) {
      discrepancies.push({
        what: `the zone owes relayer ${relayer} ${credits[k]} wei, its events ${owed.get(relayer)}`,
        evidence: `relayerCredit(${relayer}) at block ${blockTag}`,
      });
    }
  });

  // Income shares: each in the transaction of an income.
  for (const entry of ledger) {
    if (entry.source !== "IncomeShared") continue;
    items++;
    const income = ledger.some(
      (other) =>
        other.source === "TreasuryReceived" && other.txHash === entry.txHash && other.token === entry.token,
    );
    if (!income) {
      discrepancies.push({
        what: `income share of ${entry.amount} ${tokenName(entry.token)} to ${entry.counterparty} without an income in its transaction`,
        evidence: entry.txHash,
      });
    }
  }

  // Balances: what the ledger says against what the zone holds.
  const tokens = [...new Set([ZeroAddress, ...ledger.map((entry) => getAddress(entry.token))])];
  context.progress(`comparing ${tokens.length} balances with the ledger`);
  await context.mapLimit(tokens, async (token) => {
    items++;
    const expected = ledgerBalance(ledger, token);
    let actual: bigint;
    try {
      actual =
        token === ZeroAddress
          ? await context.provider.getBalance(context.zone, blockTag)
          : ((await new Contract(token, erc20, context.provider).getFunction("balanceOf")(context.zone, {
              blockTag,
            })) as bigint);
    } catch (error) {
      discrepancies.push({
        what: `the balance of ${tokenName(token)} cannot be read`,
        evidence: (error as Error).message,
      });
      return;
    }
    if (actual !== expected) {
      discrepancies.push({
        what: `the ${tokenName(token)} balance differs from the ledger`,
        evidence: `balance at block ${blockTag} = ${actual}; ledger = ${expected}; difference ${actual - expected}`,
      });
    }
  });
  return {
    name: "treasury",
    description:
      "every TreasuryPaid names an executed proposal and is its execution, a dividend claim of a round it " +
      "opened or a service budget claim; dividend claims; relayer refunds equal their credits; income shares; " +
      "for ether and each ledger token, the ledger balance equals the zone's balance",
    items,
    discrepancies,
  };
}

function tokenName(token: string): string {
  return getAddress(token) === ZeroAddress ? "wei" : `of token ${token}`;
}

/** The place of a ledger entry among the zone's logs. */
function orderOf(orders: ReadonlyMap<string, number>, entry: LedgerEntry): number {
  return orders.get(`${entry.blockNumber}:${entry.logIndex}`) ?? Number.MAX_SAFE_INTEGER;
}

// ---------------------------------------------------------------------------------------------
// Calldata

/**
 * The vote with `vote`'s nullifier in a transaction's input: wherever it is ABI encoded (castVote,
 * castVotes, or inside another contract's call), a vote is 11 consecutive words: proposal id,
 * option, nullifier, the 8 proof points. Among several occurrences, the one for the event's
 * proposal and option.
 */
function findVoteInCalldata(data: string, vote: VoteRecord): FoundVote | undefined {
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

/** Each place a function's selector occurs in `data`, decoded as its call from there; undefined if none decodes. */
function* decodedCalls(data: string, name: "propose" | "execute" | "claimDividend"): Generator<Result> {
  const hex = data.startsWith("0x") ? data.slice(2).toLowerCase() : data.toLowerCase();
  const selector = zoneInterface.getFunction(name).selector.slice(2);
  for (let at = hex.indexOf(selector); at !== -1; at = hex.indexOf(selector, at + 2)) {
    if (at % 2 !== 0) continue;
    try {
      yield zoneInterface.decodeFunctionData(name, `0x${hex.slice(at)}`);
    } catch {
      // not a call here
    }
  }
}

interface ProposeCall {
  options: ZoneAction[][];
  description: string;
  proof: {
    merkleTreeRoot: bigint;
    merkleTreeDepth: bigint;
    epoch: bigint;
    slot: bigint;
    nullifier: bigint;
    points: PackedProof;
  };
}

function findProposeCall(data: string, nullifier: bigint): ProposeCall | undefined {
  for (const call of decodedCalls(data, "propose")) {
    const proof = call[2] as Result;
    if ((proof[4] as bigint) !== nullifier) continue;
    return {
      options: (call[0] as Result).map((actions: Result) => actions.map(toAction)),
      description: call[1] as string,
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

function findExecuteCall(data: string, proposalId: bigint): ZoneAction[] | undefined {
  for (const call of decodedCalls(data, "execute")) {
    if ((call[0] as bigint) === proposalId) return (call[1] as Result).map(toAction);
  }
  return undefined;
}

function findClaimCall(
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

function toAction(action: Result): ZoneAction {
  return { target: action[0] as string, value: action[1] as bigint, data: action[2] as string };
}

/**
 * Why a transaction as the provider returned it cannot be the one its hash names (its signed
 * content hashes to something else), or undefined if it matches or cannot be recomputed (a
 * transaction type ethers does not know).
 */
function transactionIntegrity(tx: TransactionResponse | null): string | undefined {
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

// ---------------------------------------------------------------------------------------------
// Helpers

function arg(args: Result, name: string): bigint {
  return args.getValue(name) as bigint;
}

function big(values: Result, index: number): bigint {
  return BigInt(values[index] as bigint | number);
}

function position(log: ZoneLog): Position {
  return { blockNumber: log.blockNumber, logIndex: log.logIndex, txHash: log.txHash };
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
