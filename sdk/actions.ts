/**
 * Proposal actions: typed builders, so no one writes calldata by hand, and the reverse, a readable
 * description of any action, so citizens see what they vote on rather than hex. Zone calls are
 * encoded and decoded with the Zone ABI from the build (see contracts.ts).
 */
import {
  Interface,
  type Result,
  ZeroAddress,
  dataLength,
  dataSlice,
  formatUnits,
  getAddress,
  hexlify,
} from "ethers";
import { Zone__factory } from "./contracts.js";
import type { ZoneAction, ZoneRules } from "./types.js";

const ERC20 = new Interface(["function transfer(address to, uint256 amount) returns (bool)"]);
const ETHER_DECIMALS = 18;

const ZONE = Zone__factory.createInterface();

/** A call from the zone to itself. Callers encode `data` with ZONE, whose typings check the arguments. */
function zoneCall(zone: string, data: string): ZoneAction {
  return { target: getAddress(zone), value: 0n, data };
}

function requirePositive(amount: bigint, what: string): void {
  if (amount <= 0n) throw new RangeError(`${what} must be positive, got ${amount}`);
}

/** Pays `amountWei` of the treasury's ether to `to`. */
export function payEther(to: string, amountWei: bigint): ZoneAction {
  requirePositive(amountWei, "amountWei");
  return { target: getAddress(to), value: amountWei, data: "0x" };
}

/** Pays `amount` (in the token's smallest unit) of the ERC-20 `token` held by the treasury to `to`. */
export function payToken(token: string, to: string, amount: bigint): ZoneAction {
  requirePositive(amount, "amount");
  return { target: getAddress(token), value: 0n, data: ERC20.encodeFunctionData("transfer", [to, amount]) };
}

/** Admits a citizen. */
export function addMember(zone: string, commitment: bigint): ZoneAction {
  return zoneCall(zone, ZONE.encodeFunctionData("addMember", [commitment]));
}

/** Admits several citizens at once. */
export function addMembers(zone: string, commitments: readonly bigint[]): ZoneAction {
  return zoneCall(zone, ZONE.encodeFunctionData("addMembers", [[...commitments]]));
}

/**
 * Removes a citizen. `siblings` is the citizen's Merkle proof in the tree as it will be when the
 * action runs (group.generateMerkleProof(index).siblings), so it goes stale if the tree changes.
 */
export function removeMember(zone: string, commitment: bigint, siblings: readonly bigint[]): ZoneAction {
  return zoneCall(zone, ZONE.encodeFunctionData("removeMember", [commitment, [...siblings]]));
}

/** Replaces a citizen's commitment (a lost or compromised identity); `siblings` as for removeMember. */
export function updateMember(
  zone: string,
  oldCommitment: bigint,
  newCommitment: bigint,
  siblings: readonly bigint[],
): ZoneAction {
  return zoneCall(
    zone,
    ZONE.encodeFunctionData("updateMember", [oldCommitment, newCommitment, [...siblings]]),
  );
}

/** Hands admission to `registrar`; the zero address leaves admission to proposals alone. */
export function setRegistrar(zone: string, registrar: string): ZoneAction {
  return zoneCall(zone, ZONE.encodeFunctionData("setRegistrar", [getAddress(registrar)]));
}

/** Changes the rules of proposals created after this one runs. */
export function setRules(zone: string, rules: ZoneRules): ZoneAction {
  return zoneCall(zone, ZONE.encodeFunctionData("setRules", [rules]));
}

/** Cancels a proposal that has not run yet. */
export function cancelProposal(zone: string, proposalId: bigint): ZoneAction {
  return zoneCall(zone, ZONE.encodeFunctionData("cancel", [proposalId]));
}

/** What describeAction needs to know beyond the action itself. */
export interface DescribeContext {
  /** The zone whose proposal this is: calls to it are the zone's own governance. */
  zone: string;
  /** ERC-20 tokens the reader knows, by address, so transfers read as amounts. */
  tokens?: Record<string, { symbol: string; decimals: number }>;
}

/**
 * One action as a sentence, e.g. "pay 1.5 ETH to 0x…". Every byte of the action is accounted for:
 * calldata that does not re-encode exactly from its decoding is shown raw, never half-explained.
 */
export function describeAction(action: ZoneAction, context: DescribeContext): string {
  const target = getAddress(action.target);
  const data = hexlify(action.data);
  if (dataLength(data) === 0) return `pay ${formatEther(action.value)} to ${target}`;
  const withValue = action.value > 0n ? ` with ${formatEther(action.value)}` : "";

  if (target === getAddress(context.zone)) {
    const described = describeZoneCall(data);
    if (described) return described + withValue;
  }

  const transfer = decodeExactly(ERC20, data);
  if (transfer) {
    const [to, amount] = [getAddress(transfer.args[0] as string), transfer.args[1] as bigint];
    const token = knownToken(context.tokens, target);
    if (token) return `pay ${formatAmount(amount, token.decimals)} ${token.symbol} to ${to}${withValue}`;
    return `call transfer(${to}, ${amount}) on token ${target}${withValue}`;
  }

  if (dataLength(data) < 4) {
    return `call ${target} with ${dataLength(data)} bytes of data ${data}${withValue}`;
  }
  return `call ${dataSlice(data, 0, 4)} (${dataLength(data)} bytes of calldata) on ${target}${withValue}`;
}

/** Several actions, run in order, as one sentence. */
export function describeActions(actions: readonly ZoneAction[], context: DescribeContext): string {
  if (actions.length === 0) return "nothing happens";
  return actions.map((action) => describeAction(action, context)).join("; then ");
}

/**
 * One line per option a voter can choose. A For/Against/Abstain proposal has one action list (run if
 * For wins), listed in option order Against, For, Abstain; a multiple-choice proposal has one per
 * option, numbered as castVote numbers them.
 */
export function describeProposal(
  options: readonly (readonly ZoneAction[])[],
  context: DescribeContext & { multipleChoice: boolean },
): string[] {
  if (context.multipleChoice !== options.length > 1) {
    throw new Error(
      `a ${context.multipleChoice ? "multiple-choice" : "For/Against/Abstain"} proposal cannot have ${options.length} option(s)`,
    );
  }
  if (!context.multipleChoice) {
    return [
      "Against: nothing happens",
      `For: ${describeActions(options[0] ?? [], context)}`,
      "Abstain: counts toward quorum only; nothing happens",
    ];
  }
  return options.map((actions, option) => `option ${option}: ${describeActions(actions, context)}`);
}

function describeZoneCall(data: string): string | undefined {
  const call = decodeExactly(ZONE, data);
  if (!call) return undefined;
  const args = call.args;
  switch (call.name) {
    case "addMember":
      return `add citizen ${String(args[0])} to the zone`;
    case "addMembers": {
      const commitments = (args[0] as Result).toArray() as bigint[];
      return `add ${plural(commitments.length, "citizen")} to the zone: ${commitments.join(", ")}`;
    }
    case "removeMember":
      return `remove citizen ${String(args[0])} from the zone`;
    case "updateMember":
      return `replace citizen ${String(args[0])} with ${String(args[1])}`;
    case "setRegistrar": {
      const registrar = getAddress(args[0] as string);
      if (registrar === ZeroAddress) return "remove the zone's registrar: only proposals admit citizens";
      return `make ${registrar} the zone's registrar`;
    }
    case "setRules":
      return `change the zone's rules: ${describeRules((args[0] as Result).toObject() as Record<keyof ZoneRules, bigint>)}`;
    case "cancel":
      return `cancel proposal ${String(args[0])}`;
    default:
      // Any other zone function (queue, execute, ...): name and arguments, as decoded.
      return `call ${call.name}(${args.map(formatArg).join(", ")}) on the zone`;
  }
}

function describeRules(rules: Record<keyof ZoneRules, bigint>): string {
  return [
    `voting delay ${formatDuration(rules.votingDelay)}`,
    `voting period ${formatDuration(rules.votingPeriod)}`,
    `timelock ${formatDuration(rules.executionDelay)}`,
    `execution window ${formatDuration(rules.executionWindow)}`,
    `quorum ${formatBps(rules.quorumBps)}`,
    `approval above ${formatBps(rules.approvalBps)}`,
    `${plural(Number(rules.proposalsPerEpoch), "proposal")} per citizen every ${formatDuration(rules.proposalEpoch)}`,
  ].join(", ");
}

/** The call, if `data` is one of `abi`'s functions and re-encodes to exactly the same bytes. */
function decodeExactly(abi: Interface, data: string) {
  try {
    const call = abi.parseTransaction({ data });
    if (call && abi.encodeFunctionData(call.fragment, call.args) === data.toLowerCase()) return call;
  } catch {
    // Calldata that matches a selector but does not decode: shown raw.
  }
  return undefined;
}

function knownToken(tokens: DescribeContext["tokens"], address: string) {
  for (const [tokenAddress, token] of Object.entries(tokens ?? {})) {
    if (getAddress(tokenAddress) === address) return token;
  }
  return undefined;
}

function formatEther(wei: bigint): string {
  return `${formatAmount(wei, ETHER_DECIMALS)} ETH`;
}

/** `amount` units of a token with `decimals`, grouped by thousands: 5000000000n, 6 -> "5,000". */
function formatAmount(amount: bigint, decimals: number): string {
  const [whole = "0", fraction = "0"] = formatUnits(amount, decimals).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction === "0" ? grouped : `${grouped}.${fraction}`;
}

function formatBps(bps: bigint): string {
  return `${formatUnits(bps, 2).replace(/\.0$/, "")}%`;
}

const DURATION_UNITS = [
  ["day", 86_400n],
  ["hour", 3_600n],
  ["minute", 60n],
  ["second", 1n],
] as const;

/** Seconds as "3 days", "1 hour 30 minutes" or "none". */
function formatDuration(seconds: bigint): string {
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, length] of DURATION_UNITS) {
    if (rest >= length) {
      parts.push(plural(Number(rest / length), unit));
      rest %= length;
    }
  }
  return parts.length === 0 ? "none" : parts.join(" ");
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function formatArg(value: unknown): string {
  if (value instanceof Array) return `[${value.map(formatArg).join(", ")}]`;
  return String(value);
}
