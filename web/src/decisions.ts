/**
 * The decisions a citizen can propose from the app, each turned into zone actions by the sdk's
 * builders (sdk/actions.ts) from the text of a form. Every input is checked here, with a message
 * that names the field, so the form never sends an action the citizen did not mean.
 */
import { ZeroAddress, getAddress, isAddress, parseUnits } from "ethers";
import {
  MAX_CLAIM_PERIOD_SECONDS,
  acceptOffer,
  addMember,
  appointInspector,
  createInternalDao,
  createService,
  endService,
  goodsId,
  offerGoods,
  offerTokens,
  openDividendRound,
  payEther,
  payToken,
  produceGoods,
  productionBudget,
  removeMember,
  revokeAttestation,
  setReserve,
  setRewardRule,
  setRules,
  updateService,
} from "../../sdk/actions.js";
import { rejectPendingAdmissions } from "../../sdk/admissions.js";
import type { TokenInfo } from "../../sdk/describe.js";
import { MAX_OPTIONS } from "../../sdk/constants.js";
import {
  MAX_OPTION_NAME_LENGTH,
  MAX_TITLE_LENGTH,
  encodeProposalText,
  textProblem,
} from "../../sdk/proposal-text.js";
import type { ZoneAction, ZoneRules } from "../../sdk/types.js";
import type { WebConfig } from "./config-types.js";

export const DECISION_KINDS = {
  payment: "Treasury payment",
  service: "New public service",
  "service-update": "Change a service",
  "service-end": "End a service",
  dividend: "Dividend to every citizen",
  reserve: "Domestic reserve",
  "internal-dao": "Internal DAO",
  "production-budget": "Production budget for an internal DAO",
  production: "Record a production (internal DAO)",
  inspector: "Appoint the inspector of recyclable content",
  "revoke-attestation": "Revoke an attestation",
  "reward-rule": "Reward recyclable content",
  offer: "Trade offer (sell)",
  "accept-offer": "Accept a trade offer (buy)",
  rules: "Change the rules",
  membership: "Admit or remove a citizen",
  "reject-admissions": "Reject pending admissions",
} as const;
export type DecisionKind = keyof typeof DECISION_KINDS;

/** What one option of a multiple-choice proposal does: a decision, or nothing (an empty action list). */
export type OptionKind = DecisionKind | "nothing";

/** One option of a multiple-choice proposal as the form holds it. */
export interface OptionDraft {
  kind: OptionKind;
  fields: Fields;
  /** Its short name, as voters will read it ("Option 1: Clearwater"); required with several options. */
  name?: string;
}

/** The form's fields, as typed: every value is text until it is checked. */
export type Fields = Record<string, string>;

/** What building actions needs beyond the fields, read from the chain and the relayer. */
export interface DecisionContext {
  config: WebConfig;
  zone: string;
  /**
   * Whether the commitment the draft names is a citizen now (one paginated search of the relayer's
   * member list per commitment typed); undefined while it runs.
   */
  isMember?: boolean;
  /** The offer being accepted, read from the trade contract. */
  offer?: { paymentToken: string; total: bigint };
  /** The service being changed, read from the services registry: its budget is paid in `token`. */
  service?: { token: string };
  /** The zone's admissions contract (zone.ADMISSIONS()), read over the app's RPC. */
  admissions?: string;
  /** Tokens read from the chain, by checksummed address: amounts use their decimals (else 18). */
  tokens?: Record<string, TokenInfo>;
}

const DEFAULT_DECIMALS = 18;

function decimalsOf(context: DecisionContext, token: string): number {
  return context.tokens?.[getAddress(token)]?.decimals ?? DEFAULT_DECIMALS;
}

/** A field's value that is wrong, with a message naming it. */
export class FieldError extends Error {}

/** The zone rules' fields: seconds, percentages and counts, as the rules form shows them. */
export const RULE_FIELDS: {
  key: keyof ZoneRules;
  label: string;
  unit: "seconds" | "percent" | "count" | "wei";
}[] = [
  { key: "votingDelay", label: "Voting delay (seconds)", unit: "seconds" },
  { key: "votingPeriod", label: "Voting period (seconds)", unit: "seconds" },
  { key: "executionDelay", label: "Timelock before execution (seconds)", unit: "seconds" },
  { key: "executionWindow", label: "Execution window (seconds)", unit: "seconds" },
  { key: "quorumBps", label: "Quorum (% of citizens)", unit: "percent" },
  { key: "approvalBps", label: "Approval above (% of For + Against)", unit: "percent" },
  { key: "proposalEpoch", label: "Proposal period (seconds)", unit: "seconds" },
  { key: "proposalsPerEpoch", label: "Proposals per citizen per period", unit: "count" },
  { key: "maxRelayerRefundPerVote", label: "Relayer refund per vote, at most (wei)", unit: "wei" },
];

/** The rules as form fields (`prefix` + key), e.g. to prefill the form with the zone's current rules. */
export function rulesToFields(rules: Record<keyof ZoneRules, bigint | number>, prefix: string): Fields {
  const fields: Fields = {};
  for (const { key, unit } of RULE_FIELDS) {
    const value = BigInt(rules[key]);
    fields[prefix + key] = unit === "percent" ? (Number(value) / 100).toString() : value.toString();
  }
  return fields;
}

function rulesFromFields(fields: Fields, prefix: string): ZoneRules {
  const rules: Partial<Record<keyof ZoneRules, number | bigint>> = {};
  for (const { key, label, unit } of RULE_FIELDS) {
    const text = (fields[prefix + key] ?? "").trim();
    if (unit === "percent") {
      rules[key] = percentBps(fields, prefix + key, label);
    } else {
      if (!/^\d+$/.test(text)) throw new FieldError(`${label}: a whole number.`);
      rules[key] = unit === "wei" ? BigInt(text) : Number(text);
      if (unit !== "wei" && !Number.isSafeInteger(rules[key])) throw new FieldError(`${label}: too large.`);
    }
  }
  if (rules.votingPeriod === 0) throw new FieldError("Voting period: must be longer than 0 seconds.");
  if (rules.proposalsPerEpoch === 0) throw new FieldError("Proposals per citizen per period: at least 1.");
  return rules as unknown as ZoneRules;
}

/**
 * A percentage with at most 2 decimals ("12.5") as basis points, from 0 to 100 % (below 100 % with
 * `below100`: a reward's floor of 100 % would reward nothing).
 */
function percentBps(fields: Fields, name: string, label: string, { below100 = false } = {}): number {
  const text = (fields[name] ?? "").trim();
  const highest = below100 ? 99.99 : 100;
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(text) || Number(text) > highest) {
    throw new FieldError(`${label}: a percentage from 0 to ${highest}, with at most 2 decimals.`);
  }
  return Math.round(Number(text) * 100);
}

/** A number of days (at least 1) as seconds, at most what a uint64 of seconds holds. */
function days(fields: Fields, name: string, label: string): bigint {
  return wholeNumber(fields, name, label, { min: 1n, max: MAX_UINT64 / DAY }) * DAY;
}

const DAY = 86_400n;
/** The contracts keep periods and windows in seconds as uint64. */
const MAX_UINT64 = 2n ** 64n - 1n;

function address(fields: Fields, name: string, label: string, { optional = false } = {}): string {
  const text = (fields[name] ?? "").trim();
  if (optional && text === "") return ZeroAddress;
  if (!isAddress(text)) throw new FieldError(`${label}: an address, 0x followed by 40 hex digits.`);
  return getAddress(text);
}

/** An amount in whole units ("1.5") of a token with `decimals`, positive. */
function amount(fields: Fields, name: string, label: string, decimals: number): bigint {
  const text = (fields[name] ?? "").trim();
  if (!/^\d+(\.\d+)?$/.test(text)) throw new FieldError(`${label}: a number such as 100 or 0.5.`);
  let value: bigint;
  try {
    value = parseUnits(text, decimals);
  } catch {
    throw new FieldError(`${label}: at most ${decimals} decimals.`);
  }
  if (value <= 0n) throw new FieldError(`${label}: must be more than 0.`);
  return value;
}

function wholeNumber(
  fields: Fields,
  name: string,
  label: string,
  // Most numbers a form sends are uint256 arguments: a larger one could not be encoded.
  { min = 0n, max = 2n ** 256n - 1n } = {},
): bigint {
  const text = (fields[name] ?? "").trim();
  if (!/^(\d+|0x[0-9a-fA-F]+)$/.test(text)) throw new FieldError(`${label}: a whole number.`);
  const value = BigInt(text);
  if (value < min) throw new FieldError(`${label}: at least ${min}.`);
  if (value > max)
    throw new FieldError(max < 2n ** 64n ? `${label}: at most ${max}.` : `${label}: too large.`);
  return value;
}

function text(fields: Fields, name: string, label: string): string {
  const value = (fields[name] ?? "").trim();
  if (value === "") throw new FieldError(`${label}: required.`);
  return value;
}

/** The token a field names: the zone's stablecoin ("stablecoin") or an address typed in "…Address". */
function token(fields: Fields, name: string, label: string, config: WebConfig): string {
  if (fields[name] === "stablecoin") {
    if (!config.contracts.stablecoin) throw new FieldError(`${label}: the app does not know the stablecoin.`);
    return getAddress(config.contracts.stablecoin);
  }
  return address(fields, `${name}Address`, `${label} (address)`);
}

function moduleAddress(config: WebConfig, module: "services" | "goods" | "trade"): string {
  const known = config.contracts[module];
  if (!known) throw new FieldError(`The app's config does not name the zone's ${module} contract.`);
  return getAddress(known);
}

/** The actions of one decision of this kind (a For/Against proposal, or one option), from the form's fields. */
export function buildActions(kind: DecisionKind, fields: Fields, context: DecisionContext): ZoneAction[] {
  const { config, zone } = context;
  switch (kind) {
    case "payment": {
      const payee = address(fields, "payee", "Pay to");
      if (fields.currency === "stablecoin") {
        const coin = token(fields, "currency", "Currency", config);
        return [payToken(zone, coin, payee, amount(fields, "amount", "Amount", decimalsOf(context, coin)))];
      }
      return [payEther(payee, amount(fields, "amount", "Amount", DEFAULT_DECIMALS))];
    }
    case "service": {
      const periodLength = days(fields, "periodDays", "Paid every (days)");
      const paidIn = token(fields, "serviceToken", "Paid in", config);
      return [
        createService(moduleAddress(config, "services"), {
          kind: text(fields, "serviceKind", "Kind of service"),
          description: text(fields, "serviceName", "Service name"),
          provider: address(fields, "provider", "Provider"),
          token: paidIn,
          budgetPerPeriod: amount(fields, "budget", "Budget per period", decimalsOf(context, paidIn)),
          periodLength,
        }),
      ];
    }
    case "service-update": {
      const serviceId = wholeNumber(fields, "serviceId", "Service number");
      if (!context.service) {
        throw new FieldError("Service number: no active service read yet from the services registry.");
      }
      return [
        updateService(
          moduleAddress(config, "services"),
          serviceId,
          address(fields, "provider", "New provider"),
          amount(fields, "budget", "New budget per period", decimalsOf(context, context.service.token)),
        ),
      ];
    }
    case "service-end":
      return [
        endService(moduleAddress(config, "services"), wholeNumber(fields, "serviceId", "Service number")),
      ];
    case "dividend": {
      // Ether is address(0) to the zone's treasury, as for payments.
      const paidIn =
        fields.dividendToken === "ether" ? ZeroAddress : token(fields, "dividendToken", "Paid in", config);
      const decimals = paidIn === ZeroAddress ? DEFAULT_DECIMALS : decimalsOf(context, paidIn);
      const perCitizen = amount(fields, "perCitizen", "Amount per citizen", decimals);
      const claimDays = wholeNumber(fields, "claimDays", "Claims open for (days)", {
        min: 1n,
        max: BigInt(MAX_CLAIM_PERIOD_SECONDS) / DAY,
      });
      return [openDividendRound(zone, paidIn, perCitizen, claimDays * DAY)];
    }
    case "reserve": {
      const id =
        fields.reserveGoods === "product"
          ? goodsId(address(fields, "producer", "Producer"), text(fields, "product", "Product"))
          : wholeNumber(fields, "goodsId", "Goods id");
      // 0 is allowed: it removes the reserve, so every unit may leave the zone.
      return [setReserve(zone, id, wholeNumber(fields, "reserveAmount", "Kept for citizens (units)"))];
    }
    case "internal-dao": {
      const incomeShareBps = percentBps(fields, "incomeShare", "Income returned to the zone");
      return [
        createInternalDao(zone, {
          name: text(fields, "daoName", "Name"),
          registrar: address(fields, "daoRegistrar", "Registrar", { optional: true }),
          rules: rulesFromFields(fields, "dao."),
          incomeShareBps,
        }),
      ];
    }
    case "production-budget": {
      const internalDao = address(fields, "internalDao", "Internal DAO");
      const paidIn = token(fields, "serviceToken", "Paid in", config);
      return [
        productionBudget(moduleAddress(config, "services"), {
          internalDao,
          description: text(fields, "budgetPurpose", "What it is for"),
          token: paidIn,
          budgetPerPeriod: amount(fields, "budget", "Budget per period", decimalsOf(context, paidIn)),
          periodLength: days(fields, "periodDays", "Paid every (days)"),
        }),
      ];
    }
    case "production": {
      const product = text(fields, "product", "Product");
      const units = wholeNumber(fields, "units", "Units made", { min: 1n });
      return [
        produceGoods(
          moduleAddress(config, "goods"),
          product,
          units,
          percentBps(fields, "recyclable", "Recyclable content (%)"),
        ),
      ];
    }
    case "inspector": {
      const serviceId = wholeNumber(fields, "serviceId", "Service number");
      const window = days(fields, "challengeDays", "Challenge window (days)");
      return [appointInspector(moduleAddress(config, "services"), serviceId, window)];
    }
    case "revoke-attestation":
      return [
        revokeAttestation(
          moduleAddress(config, "services"),
          wholeNumber(fields, "productionId", "Production number"),
        ),
      ];
    case "reward-rule": {
      const paidIn = token(fields, "rewardToken", "Paid in", config);
      const decimals = decimalsOf(context, paidIn);
      return [
        setRewardRule(moduleAddress(config, "services"), {
          token: paidIn,
          floorBps: percentBps(fields, "floor", "Nothing at or below (% recyclable)", { below100: true }),
          rewardPerUnit: amount(fields, "rewardPerUnit", "Reward a unit at 100% recyclable", decimals),
          budgetPerPeriod: amount(fields, "budget", "At most, per period", decimals),
          periodLength: days(fields, "periodDays", "Period (days)"),
        }),
      ];
    }
    case "offer": {
      const openFor = days(fields, "expiryDays", "Open for (days)");
      const base = {
        zone,
        trade: moduleAddress(config, "trade"),
        paymentToken: token(fields, "paymentToken", "Paid in", config),
        buyer: address(fields, "buyer", "Only this zone may buy", { optional: true }),
        expiry: BigInt(Math.floor(Date.now() / 1000)) + openFor,
      };
      if (base.buyer === ZeroAddress) delete (base as { buyer?: string }).buyer;
      if (fields.offerAsset === "goods") {
        return offerGoods({
          ...base,
          goods: moduleAddress(config, "goods"),
          goodsId: wholeNumber(fields, "goodsId", "Goods id"),
          quantity: wholeNumber(fields, "quantity", "Quantity", { min: 1n }),
          pricePerUnit: amount(fields, "price", "Price per unit", decimalsOf(context, base.paymentToken)),
        });
      }
      const sold = token(fields, "offerToken", "Token sold", config);
      const soldDecimals = decimalsOf(context, sold);
      // The contract prices each smallest unit sold in smallest units of the payment token.
      const perToken = amount(fields, "price", "Price per token", decimalsOf(context, base.paymentToken));
      const scale = 10n ** BigInt(soldDecimals);
      if (perToken % scale !== 0n) {
        throw new FieldError(
          `Price per token: too fine for the tokens' decimals; it must be a multiple of ${scale} smallest units of the payment token.`,
        );
      }
      return offerTokens({
        ...base,
        token: sold,
        quantity: amount(fields, "quantity", "Quantity", soldDecimals),
        pricePerUnit: perToken / scale,
      });
    }
    case "accept-offer": {
      const offerId = wholeNumber(fields, "offerId", "Offer number");
      if (!context.offer)
        throw new FieldError("Offer number: no open offer read yet from the trade contract.");
      return acceptOffer({ trade: moduleAddress(config, "trade"), offerId, ...context.offer });
    }
    case "rules":
      return [setRules(zone, rulesFromFields(fields, "rules."))];
    case "membership": {
      const commitment = wholeNumber(fields, "commitment", "Citizen's identity commitment", { min: 1n });
      if (fields.membership === "remove") {
        // The vote approves the removal by commitment; anyone applies it after execution with the
        // Merkle siblings of that moment (zonedao execute does), so none are needed here.
        if (context.isMember === undefined)
          throw new FieldError("Citizen: looking for this commitment in the zone's group…");
        if (!context.isMember) {
          throw new FieldError("Citizen: this commitment is not in the zone's group.");
        }
        return [removeMember(zone, commitment)];
      }
      if (context.isMember) {
        throw new FieldError("Citizen's identity commitment: already a citizen of the zone.");
      }
      return [addMember(zone, commitment)];
    }
    case "reject-admissions":
      // Every admission requested before it runs and not admitted by then is rejected.
      if (!context.admissions)
        throw new FieldError("Reject pending admissions: the zone's admissions contract is not read yet.");
      return [rejectPendingAdmissions(context.admissions)];
  }
}

/**
 * The options of a multiple-choice proposal, one action list per draft in order ("nothing" is an
 * empty list: that option changes nothing if it wins). `contextOf` gives each draft its context
 * (an accepted offer is read per option). A wrong field's message names its option.
 */
export function buildOptions(
  drafts: readonly OptionDraft[],
  contextOf: (draft: OptionDraft) => DecisionContext,
): ZoneAction[][] {
  if (drafts.length < 2) {
    throw new FieldError("Several options: at least 2 (or choose For / Against / Abstain).");
  }
  if (drafts.length > MAX_OPTIONS) throw new FieldError(`Several options: at most ${MAX_OPTIONS}.`);
  return drafts.map((draft, index) => {
    if (draft.kind === "nothing") return [];
    try {
      return buildActions(draft.kind, draft.fields, contextOf(draft));
    } catch (error) {
      throw new FieldError(`Option ${index + 1}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}

/**
 * The proposal's description as the zone records it (the sdk's encodeProposalText): the title and,
 * with several options (`drafts`), each option's name in order. The proof binds it, so no relayer can
 * rename an option. A missing or wrong title or name is refused by name ("Option 2: Name: must not be
 * empty.").
 */
export function proposalDescription(title: string, drafts?: readonly OptionDraft[]): string {
  const trimmed = title.trim();
  if (trimmed === "") throw new FieldError("Title: say in a few words what citizens decide.");
  const titleProblem = textProblem(trimmed, MAX_TITLE_LENGTH);
  if (titleProblem) throw new FieldError(`Title: ${titleProblem}`);
  const optionNames = drafts?.map((draft, index) => {
    const name = (draft.name ?? "").trim();
    const problem = textProblem(name, MAX_OPTION_NAME_LENGTH);
    if (problem) throw new FieldError(`Option ${index + 1}: Name: ${problem}`);
    return name;
  });
  return encodeProposalText({ title: trimmed, optionNames });
}
