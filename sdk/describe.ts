/**
 * Proposal actions read back as sentences, so citizens see what they vote on rather than hex: any
 * call to the zone, to the economy modules (services, goods, trade) or to an ERC-20 is decoded with
 * the ABIs from the build (abis.ts), and calldata that does not re-encode exactly is shown raw.
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
  toBeHex,
} from "ethers";
import { ADMISSIONS, ERC20, ETHER_DECIMALS, GOODS, SERVICES, TELLERS, TRADE, ZONE } from "./abis.js";
import { PRODUCTION_BUDGET_KIND } from "./actions.js";
import { ballotOptions, type BallotOption } from "./ballot.js";
import { VoteOption } from "./constants.js";
import { isMultipleChoice } from "./proposals.js";
import type { ZoneAction, ZoneRules } from "./types.js";

/** An ERC-20 as the reader knows it. */
export interface TokenInfo {
  symbol: string;
  decimals: number;
}

/** What describeAction needs to know beyond the action itself. */
export interface DescribeContext {
  /** The zone whose proposal this is: calls to it are the zone's own governance. */
  zone: string;
  /** ERC-20 tokens the reader knows, by address, so transfers read as amounts. */
  tokens?: Record<string, TokenInfo>;
  /** The services registry (the factory's SERVICES()): calls to it read as services. */
  services?: string;
  /** The trade contract (the factory's TRADE()): calls to it read as trade offers. */
  trade?: string;
  /** The goods contract (the factory's GOODS()): calls to it read as goods. */
  goods?: string;
  /** Product names by goods id (decimal or 0x hex), so goods read as "wheat". */
  products?: Record<string, string>;
  /** The token of each of the zone's services, by service id, so budget changes read as amounts. */
  serviceTokens?: Record<string, string>;
  /** Each of the zone's services' kind and name, by service id, so services read by name. */
  serviceNames?: Record<string, { kind: string; name: string }>;
  /** The zone's admissions contract (the zone's ADMISSIONS()): calls to it read as admission decisions. */
  admissions?: string;
  /** The tellers' contract (the factory's TELLERS()): an election of tellers reads as one. */
  tellers?: string;
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

  const described =
    (sameAddress(target, context.zone) ? describeZoneCall(data, context) : undefined) ??
    (sameAddress(target, context.services) ? describeServicesCall(target, data, context) : undefined) ??
    (sameAddress(target, context.goods) ? describeGoodsCall(target, data, context) : undefined) ??
    (sameAddress(target, context.trade) ? describeTradeCall(target, data, context) : undefined) ??
    (sameAddress(target, context.admissions) ? describeAdmissionsCall(target, data) : undefined) ??
    (sameAddress(target, context.tellers) ? describeTellersCall(target, data) : undefined) ??
    describeTokenCall(target, data, context);
  if (described) return described + withValue;

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

/** A ballot option with what it does, in words. */
export interface DescribedOption extends BallotOption {
  /** What happens if it wins: "pay 1 ETH to 0x…", "nothing happens". */
  actions: string;
  /** The line a citizen reads: "For: pay …", "Option 1: Clearwater — pay …", "Option 2: pay …". */
  line: string;
}

/**
 * Every option of a proposal in ballot order (ballotOptions: For, Against, Abstain; or options in
 * chain order counted from 1 and named by the proposal's text) with what it does. An unnamed
 * multiple-choice option is labelled by its actions ("Option 2: pay 1 ETH to 0x…").
 */
export function describeBallot(
  proposal: { description: string; options: readonly (readonly ZoneAction[])[] },
  context: DescribeContext,
): DescribedOption[] {
  const { options } = proposal;
  const multipleChoice = isMultipleChoice(options);
  return ballotOptions(proposal).map((option) => {
    const actions = multipleChoice
      ? describeActions(options[option.index] ?? [], context)
      : option.index === VoteOption.For
        ? describeActions(options[0] ?? [], context)
        : option.index === VoteOption.Abstain
          ? "counts toward quorum only; nothing happens"
          : "nothing happens";
    if (multipleChoice && option.name === undefined) {
      const label = `${option.label}: ${actions}`;
      return { ...option, label, actions, line: label };
    }
    const separator = option.name === undefined ? ": " : " — ";
    return { ...option, actions, line: `${option.label}${separator}${actions}` };
  });
}

/**
 * One line per option a voter can choose, in ballot order (see describeBallot): "For: …",
 * "Against: nothing happens", "Abstain: …"; or "Option 1: Clearwater — …" (named by the proposal's
 * `description`, when given) and "Option 2: …", counted from 1 in the chain's option order.
 */
export function describeProposal(
  options: readonly (readonly ZoneAction[])[],
  context: DescribeContext & { multipleChoice: boolean; description?: string },
): string[] {
  if (context.multipleChoice !== isMultipleChoice(options)) {
    throw new Error(
      `a ${context.multipleChoice ? "multiple-choice" : "For/Against/Abstain"} proposal cannot have ${options.length} option(s)`,
    );
  }
  return describeBallot({ description: context.description ?? "", options }, context).map(
    (option) => option.line,
  );
}

function describeZoneCall(data: string, context: DescribeContext): string | undefined {
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
    // The vote approves; the group changes when someone applies it after execution (applyRemoval).
    case "approveRemoval":
      return `remove citizen ${String(args[0])} from the zone (applied by anyone after execution)`;
    case "approveUpdate":
      return `replace citizen ${String(args[0])} with ${String(args[1])} (applied by anyone after execution)`;
    case "setRegistrar": {
      const registrar = getAddress(args[0] as string);
      if (registrar === ZeroAddress) return "remove the zone's registrar: only proposals admit citizens";
      return `make ${registrar} the zone's registrar`;
    }
    case "setRules":
      return `change the zone's rules: ${describeRules(rulesOf(args[0]))}`;
    case "cancel":
      return `cancel proposal ${String(args[0])}`;
    case "pay":
      return `pay ${formatTokenAmount(args[2] as bigint, args[0] as string, context)} to ${getAddress(args[1] as string)}`;
    case "openDividendRound":
      return (
        `open a dividend round: ${formatTokenAmount(args[1] as bigint, args[0] as string, context)} ` +
        `per citizen who could vote on this proposal, claimable for ${formatDuration(args[2] as bigint)}`
      );
    case "createInternalDao": {
      const registrar = getAddress(args[1] as string);
      return (
        `create internal DAO ${quote(args[0] as string)} returning ${formatBps(args[3] as bigint)} of its income, ` +
        `${registrar === ZeroAddress ? "with no registrar" : `with registrar ${registrar}`} ` +
        `and rules: ${describeRules(rulesOf(args[2]))}`
      );
    }
    case "setCharter":
      return `return ${formatBps(args[0] as bigint)} of this internal DAO's income to its parent zone`;
    case "setReserve": {
      const [id, amount] = [args[0] as bigint, args[1] as bigint];
      if (amount === 0n) return `keep no domestic reserve of ${formatGoods(id, context)}`;
      return `keep a domestic reserve of ${plural(amount, "unit")} of ${formatGoods(id, context)}`;
    }
    default:
      // Any other zone function (queue, execute, ...): name and arguments, as decoded.
      return `call ${call.name}(${args.map(formatArg).join(", ")}) on the zone`;
  }
}

function describeServicesCall(target: string, data: string, context: DescribeContext): string | undefined {
  const call = decodeExactly(SERVICES, data);
  if (!call) return undefined;
  const args = call.args;
  switch (call.name) {
    case "createService": {
      const budget = formatTokenAmount(args[4] as bigint, args[3] as string, context);
      if (args[0] === PRODUCTION_BUDGET_KIND) {
        return (
          `give ${getAddress(args[2] as string)} a production budget of ${budget} every ` +
          `${formatDuration(args[5] as bigint)} (new service: ${quote(args[1] as string)})`
        );
      }
      return (
        `pay ${budget} every ${formatDuration(args[5] as bigint)} to provider ${getAddress(args[2] as string)} ` +
        `for ${word(args[0] as string)} (new service: ${quote(args[1] as string)})`
      );
    }
    case "updateService": {
      const serviceId = args[0] as bigint;
      const token = lookup(context.serviceTokens, (key) => BigInt(key) === serviceId);
      const budget =
        token === undefined
          ? `${String(args[2])} base units of its token`
          : formatTokenAmount(args[2] as bigint, token, context);
      return `change ${formatService(serviceId, context)}: pay ${budget} per period to provider ${getAddress(args[1] as string)}`;
    }
    case "endService":
      return `end ${formatService(args[0] as bigint, context)}`;
    case "appointInspector":
      return (
        `make ${formatService(args[0] as bigint, context)} the inspector of recyclable content, ` +
        `whose attestations a vote may revoke for ${formatDuration(args[1] as bigint)}`
      );
    case "revokeAttestation":
      return `revoke the inspector's attestation of production #${String(args[0])}: it earns no reward`;
    case "setRewardRule": {
      const token = args[0] as string;
      const floor = args[1] as bigint;
      return (
        `reward recyclable content: ${formatTokenAmount(args[2] as bigint, token, context)} a unit ` +
        `made wholly of recyclable content, nothing at or below ${formatBps(floor)}, in proportion between; ` +
        `at most ${formatTokenAmount(args[3] as bigint, token, context)} every ${formatDuration(args[4] as bigint)}`
      );
    }
    default:
      return `call ${call.name}(${args.map(formatArg).join(", ")}) on the services registry ${target}`;
  }
}

function describeGoodsCall(target: string, data: string, context: DescribeContext): string | undefined {
  const call = decodeExactly(GOODS, data);
  if (!call) return undefined;
  const args = call.args;
  switch (call.name) {
    case "produce":
      return (
        `produce ${plural(args[1] as bigint, "unit")} of ${word(args[0] as string)}, ` +
        `declared ${formatBps(args[2] as bigint)} recyclable content`
      );
    case "setApprovalForAll": {
      const operator = formatModule(getAddress(args[0] as string), context);
      return args[1]
        ? `let ${operator} move the zone's goods`
        : `stop ${operator} from moving the zone's goods`;
    }
    default:
      return `call ${call.name}(${args.map(formatArg).join(", ")}) on the goods contract ${target}`;
  }
}

function describeTradeCall(target: string, data: string, context: DescribeContext): string | undefined {
  const call = decodeExactly(TRADE, data);
  if (!call) return undefined;
  const args = call.args;
  switch (call.name) {
    case "postOffer":
      return describeOffer((args[0] as Result).toObject() as OfferTermsOutput, context);
    case "acceptOffer":
      return `accept trade offer #${String(args[0])}`;
    case "cancelOffer":
      return `cancel trade offer #${String(args[0])}`;
    default:
      return `call ${call.name}(${args.map(formatArg).join(", ")}) on the trade contract ${target}`;
  }
}

/**
 * A call to the zone's admissions contract, made by the zone's vote: the citizens' veto on pending
 * admissions, the zone's admission rules, or (from a parent zone) a request to admit citizens to
 * one of its internal DAOs.
 */
function describeAdmissionsCall(target: string, data: string): string | undefined {
  const call = decodeExactly(ADMISSIONS, data);
  if (!call) return undefined;
  const args = call.args;
  switch (call.name) {
    case "rejectPending":
      return "reject every admission still pending";
    case "reject":
      return `reject admission request #${String(args[0])}`;
    case "setAdmissionRules":
      return `change the zone's admission rules: ${describeAdmissionRules(admissionRulesOf(args[0]))}`;
    case "requestByParent": {
      const commitments = (args[1] as Result).toArray() as bigint[];
      return (
        `ask to admit ${plural(commitments.length, "citizen")} to internal DAO ${getAddress(args[0] as string)}, ` +
        `pending there: ${commitments.join(", ")}`
      );
    }
    default:
      return `call ${call.name}(${args.map(formatArg).join(", ")}) on the admissions contract ${target}`;
  }
}

/** A call to the tellers' contract: the zone electing its tellers for sealed votes. */
function describeTellersCall(target: string, data: string): string | undefined {
  const call = decodeExactly(TELLERS, data);
  if (!call) return undefined;
  const args = call.args;
  if (call.name !== "electTellers")
    return `call ${call.name}(${args.map(formatArg).join(", ")}) on the tellers contract ${target}`;
  const accounts = (args[0] as string[]).map((account) => getAddress(account));
  return (
    `elect ${accounts.join(", ")} as the zone's tellers for sealed votes: any ${String(args[1])} of them ` +
    `open a sealed tally; key generation in phases of ${formatDuration(args[2] as bigint)}, ` +
    `a term of ${formatDuration(args[3] as bigint)}`
  );
}

interface AdmissionRulesOutput {
  delay: bigint;
  registrarShareBps: bigint;
  registrarFloor: bigint;
  invitationsPerEpoch: bigint;
  parentMayAdmit: boolean;
  gatekeeper: string;
}

function admissionRulesOf(value: unknown): AdmissionRulesOutput {
  return (value as Result).toObject() as AdmissionRulesOutput;
}

/** Admission rules in words; ZoneAdmissions.admissionDelay never waits less than a vote plus a day. */
function describeAdmissionRules(rules: AdmissionRulesOutput): string {
  const gatekeeper = getAddress(rules.gatekeeper);
  return [
    rules.delay === 0n
      ? "admissions wait one vote's length plus 1 day"
      : `admissions wait ${formatDuration(rules.delay)} (at least one vote's length plus 1 day)`,
    `the registrar may request ${formatBps(rules.registrarShareBps)} of the members ` +
      `(at least ${String(rules.registrarFloor)}) per epoch`,
    rules.invitationsPerEpoch === 0n
      ? "no invitations"
      : `${plural(rules.invitationsPerEpoch, "invitation")} per citizen per epoch`,
    rules.parentMayAdmit ? "the parent zone's vote may admit" : "the parent zone may not admit",
    gatekeeper === ZeroAddress ? "no gatekeeper" : `gatekeeper ${gatekeeper}`,
  ].join(", ");
}

interface OfferTermsOutput {
  isGoods: boolean;
  asset: string;
  goodsId: bigint;
  quantity: bigint;
  paymentToken: string;
  pricePerUnit: bigint;
  buyer: string;
  expiry: bigint;
}

function describeOffer(terms: OfferTermsOutput, context: DescribeContext): string | undefined {
  const asset = getAddress(terms.asset);
  const buyer = getAddress(terms.buyer);
  const to = buyer === ZeroAddress ? "any zone" : `zone ${buyer}`;
  const until = `until ${formatTime(terms.expiry)}`;
  if (terms.isGoods) {
    const contract = sameAddress(asset, context.goods) ? "" : ` of contract ${asset}`;
    const each = formatTokenAmount(terms.pricePerUnit, terms.paymentToken, context);
    return (
      `offer ${plural(terms.quantity, "unit")} of ${formatGoods(terms.goodsId, context)}${contract} ` +
      `to ${to} at ${each} each, ${until}`
    );
  }
  // A token offer has no goods id: one would be bytes this sentence does not account for.
  if (terms.goodsId !== 0n) return undefined;
  const total = formatTokenAmount(terms.quantity * terms.pricePerUnit, terms.paymentToken, context);
  return `offer ${formatTokenAmount(terms.quantity, asset, context)} to ${to} for ${total} in total, ${until}`;
}

/** ERC-20 transfer and approve, on any target. */
function describeTokenCall(target: string, data: string, context: DescribeContext): string | undefined {
  const call = decodeExactly(ERC20, data);
  if (!call) return undefined;
  const [account, amount] = [getAddress(call.args[0] as string), call.args[1] as bigint];
  const token = knownToken(context.tokens, target);
  if (!token) return `call ${call.name}(${account}, ${amount}) on token ${target}`;
  const formatted = `${formatAmount(amount, token.decimals)} ${token.symbol}`;
  if (call.name === "transfer") return `pay ${formatted} to ${account}`;
  return `allow ${formatModule(account, context)} to take up to ${formatted} from the treasury`;
}

function rulesOf(value: unknown): Record<keyof ZoneRules, bigint> {
  return (value as Result).toObject() as Record<keyof ZoneRules, bigint>;
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
    rules.maxRelayerRefundPerVote === 0n
      ? "no relayer refunds"
      : `relayer refund up to ${formatEther(rules.maxRelayerRefundPerVote)} per vote`,
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

function knownToken(tokens: DescribeContext["tokens"], address: string): TokenInfo | undefined {
  return lookup(tokens, (key) => getAddress(key) === getAddress(address));
}

/** The value whose key matches, in a record whose keys may be written several ways. */
function lookup<T>(record: Record<string, T> | undefined, matches: (key: string) => boolean): T | undefined {
  for (const [key, value] of Object.entries(record ?? {})) {
    try {
      if (matches(key)) return value;
    } catch {
      // A key that is not an address or a number matches nothing.
    }
  }
  return undefined;
}

function sameAddress(address: string, known: string | undefined): boolean {
  return known !== undefined && getAddress(known) === address;
}

/** `amount` of `token`: "5,000 USDz" if the reader knows the token, "1.5 ETH" for address(0). */
function formatTokenAmount(amount: bigint, token: string, context: DescribeContext): string {
  const address = getAddress(token);
  if (address === ZeroAddress) return formatEther(amount);
  const known = knownToken(context.tokens, address);
  if (known) return `${formatAmount(amount, known.decimals)} ${known.symbol}`;
  return `${amount} base units of token ${address}`;
}

/** A good by its id: "wheat (goods 0x…)" if the reader knows its product, else "goods 0x…". */
function formatGoods(id: bigint, context: DescribeContext): string {
  const label = `goods ${toBeHex(id, 32)}`;
  const product = lookup(context.products, (key) => BigInt(key) === id);
  return product === undefined ? label : `${word(product)} (${label})`;
}

/** A service by its number: "service #3 (healthcare: "Night clinic")" if the reader knows its name. */
function formatService(id: bigint, context: DescribeContext): string {
  const known = lookup(context.serviceNames, (key) => BigInt(key) === id);
  return known === undefined
    ? `service #${id}`
    : `service #${id} (${word(known.kind)}: ${quote(known.name)})`;
}

/** An address, named if it is one of the economy modules of the context. */
function formatModule(address: string, context: DescribeContext): string {
  if (sameAddress(address, context.trade)) return `the trade contract ${address}`;
  if (sameAddress(address, context.services)) return `the services registry ${address}`;
  return address;
}

/** Unix seconds as an ISO date, "2030-01-01T00:00:00Z" (raw if beyond what a Date holds). */
function formatTime(seconds: bigint): string {
  if (seconds > 8_640_000_000_000n) return `unix time ${seconds}`;
  return new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");
}

/** Text a proposer chose, quoted and escaped, so it cannot pass for part of the sentence. */
function quote(text: string): string {
  return JSON.stringify(text).replace(
    /[\p{C}\p{Zl}\p{Zp}]/gu,
    (char) => `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}`,
  );
}

/** A name that is one plain word ("wheat") as it is, anything else quoted. */
function word(text: string): string {
  return /^[\p{L}\p{N}_-]+$/u.test(text) ? text : quote(text);
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

/**
 * Seconds in words: "3 days", "1 hour 30 minutes", "none". With `units`, only that many of the
 * largest units, the last rounded up ("2 days 4 hours" for a time left of 2 days 3 hours 10 minutes),
 * so a deadline is never shown earlier than it is.
 */
export function formatDuration(
  seconds: bigint | number,
  { units = Infinity }: { units?: number } = {},
): string {
  let rest = BigInt(seconds);
  const largest = DURATION_UNITS.findIndex(([, length]) => rest >= length);
  if (largest === -1) return "none";
  // Rounded up to the smallest unit shown, then written exactly.
  const [, step] = DURATION_UNITS[Math.min(largest + units - 1, DURATION_UNITS.length - 1)]!;
  rest = ((rest + step - 1n) / step) * step;
  const parts: string[] = [];
  for (const [unit, length] of DURATION_UNITS) {
    if (rest >= length && parts.length < units) {
      parts.push(plural(rest / length, unit));
      rest %= length;
    }
  }
  return parts.join(" ");
}

function plural(count: number | bigint, noun: string): string {
  const grouped = count.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${grouped} ${noun}${count.toString() === "1" ? "" : "s"}`;
}

function formatArg(value: unknown): string {
  if (value instanceof Array) return `[${value.map(formatArg).join(", ")}]`;
  return String(value);
}
