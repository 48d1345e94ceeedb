/**
 * Proposal actions: typed builders, so no one writes calldata by hand. Each checks its arguments
 * and encodes the call with the ABIs from the build (abis.ts); describe.ts reads actions back as
 * sentences.
 */
import { AbiCoder, ZeroAddress, getAddress, keccak256 } from "ethers";
import { BPS, ERC20, GOODS, SERVICES, TELLERS, TRADE, ZONE } from "./abis.js";
import { SNARK_SCALAR_FIELD } from "./constants.js";
import type { ZoneAction, ZoneRules } from "./types.js";

/** A call from the zone to itself. Callers encode `data` with ZONE, whose typings check the arguments. */
function zoneCall(zone: string, data: string): ZoneAction {
  return { target: getAddress(zone), value: 0n, data };
}

function requirePositive(amount: bigint, what: string): void {
  if (amount <= 0n) throw new RangeError(`${what} must be positive, got ${amount}`);
}

function requireBps(bps: number, what: string): void {
  if (!Number.isInteger(bps) || bps < 0 || bps > BPS) {
    throw new RangeError(`${what} must be an integer from 0 to ${BPS} basis points, got ${bps}`);
  }
}

/** A duration the contracts keep as a uint64 of seconds. */
function seconds(value: bigint | number, what: string): bigint {
  const duration = BigInt(value);
  if (duration < 0n || duration >= 2n ** 64n) {
    throw new RangeError(`${what} must be from 0 to 2^64 - 1 seconds, got ${duration}`);
  }
  return duration;
}

/** A group leaf: neither 0 (an empty leaf) nor beyond the field (never a leaf). */
function requireCommitment(commitment: bigint, what: string): void {
  if (commitment <= 0n || commitment >= SNARK_SCALAR_FIELD) {
    throw new RangeError(`${what} must be an identity commitment, from 1 to r - 1, got ${commitment}`);
  }
}

function requireAddress(address: string, what: string): string {
  const checksummed = getAddress(address);
  if (checksummed === ZeroAddress) throw new RangeError(`${what} must not be the zero address`);
  return checksummed;
}

/** Pays `amountWei` of the treasury's ether to `to`. */
export function payEther(to: string, amountWei: bigint): ZoneAction {
  requirePositive(amountWei, "amountWei");
  return { target: getAddress(to), value: amountWei, data: "0x" };
}

/**
 * Pays `amount` (in the token's smallest unit) of the ERC-20 `token` held by the treasury to `to`,
 * through the zone's own `pay`, so the payment is on the ledger (TreasuryPaid names the proposal).
 */
export function payToken(zone: string, token: string, to: string, amount: bigint): ZoneAction {
  requirePositive(amount, "amount");
  const tokenAddress = requireAddress(token, "token (use payEther for ether)");
  return zoneCall(zone, ZONE.encodeFunctionData("pay", [tokenAddress, getAddress(to), amount]));
}

/** The most seconds a dividend round's claim period may last (the zone takes a uint32). */
export const MAX_CLAIM_PERIOD_SECONDS = 2 ** 32 - 1;

/**
 * Opens a dividend round: each citizen who could vote on the proposal (its snapshot) may claim
 * `amountPerCitizen` of `token` (the zero address for ether) for `claimPeriod` seconds. The zone sets
 * the whole amount aside when the proposal runs, so the execution fails if the treasury cannot
 * spare it; once the period is over, anyone may close the round and the rest is free again.
 */
export function openDividendRound(
  zone: string,
  token: string,
  amountPerCitizen: bigint,
  claimPeriod: bigint | number,
): ZoneAction {
  requirePositive(amountPerCitizen, "amountPerCitizen");
  const period = BigInt(claimPeriod);
  requirePositive(period, "claimPeriod");
  if (period > BigInt(MAX_CLAIM_PERIOD_SECONDS)) {
    throw new RangeError(`claimPeriod must be at most ${MAX_CLAIM_PERIOD_SECONDS} seconds, got ${period}`);
  }
  return zoneCall(
    zone,
    ZONE.encodeFunctionData("openDividendRound", [getAddress(token), amountPerCitizen, period]),
  );
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
 * Removes a citizen. The vote approves the removal by commitment; once the proposal has run, anyone
 * applies it, within its execution window, with Merkle siblings of the tree as it is then
 * (`applyApprovedChange` in membership.ts), so admissions before execution cannot make it fail.
 */
export function removeMember(zone: string, commitment: bigint): ZoneAction {
  requireCommitment(commitment, "commitment");
  return zoneCall(zone, ZONE.encodeFunctionData("approveRemoval", [commitment]));
}

/**
 * Replaces a citizen's commitment (a lost or compromised identity): approved by the vote, applied by
 * anyone afterwards, as for removeMember.
 */
export function updateMember(zone: string, oldCommitment: bigint, newCommitment: bigint): ZoneAction {
  requireCommitment(oldCommitment, "oldCommitment");
  requireCommitment(newCommitment, "newCommitment");
  if (newCommitment === oldCommitment) throw new RangeError("newCommitment must differ from oldCommitment");
  return zoneCall(zone, ZONE.encodeFunctionData("approveUpdate", [oldCommitment, newCommitment]));
}

/** Hands admission to `registrar`; the zero address leaves admission to proposals alone. */
export function setRegistrar(zone: string, registrar: string): ZoneAction {
  return zoneCall(zone, ZONE.encodeFunctionData("setRegistrar", [getAddress(registrar)]));
}

/** Changes the rules of proposals created after this one runs. */
export function setRules(zone: string, rules: ZoneRules): ZoneAction {
  return zoneCall(zone, ZONE.encodeFunctionData("setRules", [rules]));
}

/** What a zone's tellers are elected for (ZoneTellers.electTellers). */
export interface TellersElection {
  /** The tellers' accounts, in the order that numbers them from 1. */
  accounts: string[];
  /** How many of them open a sealed tally together (at least 1, at most the tellers). */
  threshold: number;
  /** Each key-generation phase (register, deal, complain, answer), in seconds. */
  phaseLength: number;
  /** How long the term's key seals proposals, in seconds, from the election. */
  termLength: number;
}

/**
 * Elects the zone's tellers for a new term (the factory's TELLERS()): they make a joint key that
 * sealed proposals' ballots are encrypted to, and any `threshold` of them open a sealed tally.
 */
export function electTellers(tellers: string, election: TellersElection): ZoneAction {
  const { accounts, threshold, phaseLength, termLength } = election;
  return {
    target: requireAddress(tellers, "tellers"),
    value: 0n,
    data: TELLERS.encodeFunctionData("electTellers", [
      accounts.map((account) => getAddress(account)),
      threshold,
      phaseLength,
      termLength,
    ]),
  };
}

/** Cancels a proposal that has not run yet. */
export function cancelProposal(zone: string, proposalId: bigint): ZoneAction {
  return zoneCall(zone, ZONE.encodeFunctionData("cancel", [proposalId]));
}

/** A public service: its provider may claim `budgetPerPeriod` of `token` once per period. */
export interface ServiceTerms {
  /** What kind of service: "healthcare", "education", ... */
  kind: string;
  description: string;
  provider: string;
  token: string;
  budgetPerPeriod: bigint;
  /** Seconds. */
  periodLength: bigint | number;
}

/** Creates a service in the registry at `services` (the factory's SERVICES()). */
export function createService(services: string, terms: ServiceTerms): ZoneAction {
  const periodLength = BigInt(terms.periodLength);
  requirePositive(periodLength, "periodLength");
  return {
    target: getAddress(services),
    value: 0n,
    data: SERVICES.encodeFunctionData("createService", [
      terms.kind,
      terms.description,
      requireAddress(terms.provider, "provider"),
      getAddress(terms.token),
      terms.budgetPerPeriod,
      periodLength,
    ]),
  };
}

/** Gives service `serviceId` a new provider and budget per period. */
export function updateService(
  services: string,
  serviceId: bigint,
  provider: string,
  budgetPerPeriod: bigint,
): ZoneAction {
  return {
    target: getAddress(services),
    value: 0n,
    data: SERVICES.encodeFunctionData("updateService", [
      serviceId,
      requireAddress(provider, "provider"),
      budgetPerPeriod,
    ]),
  };
}

/** Ends service `serviceId`: its provider can claim no more. */
export function endService(services: string, serviceId: bigint): ZoneAction {
  return {
    target: getAddress(services),
    value: 0n,
    data: SERVICES.encodeFunctionData("endService", [serviceId]),
  };
}

/** The service kind of a production budget: a service whose provider is an internal DAO. */
export const PRODUCTION_BUDGET_KIND = "production";

/** What a production budget gives an internal DAO: `budgetPerPeriod` of `token` once per period. */
export interface ProductionBudgetTerms {
  /** The internal DAO that produces (a zone whose parent is the deciding zone). */
  internalDao: string;
  /** What the budget is for, e.g. "seed and packaging". */
  description: string;
  token: string;
  budgetPerPeriod: bigint;
  /** Seconds. */
  periodLength: bigint | number;
}

/**
 * Gives an internal DAO a production budget per period: a service of kind "production" whose
 * provider is the DAO, so it is claimed, paid and audited as every service budget (anyone may claim
 * it; it is paid only to the DAO).
 */
export function productionBudget(services: string, terms: ProductionBudgetTerms): ZoneAction {
  return createService(services, {
    kind: PRODUCTION_BUDGET_KIND,
    description: terms.description,
    provider: terms.internalDao,
    token: terms.token,
    budgetPerPeriod: terms.budgetPerPeriod,
    periodLength: terms.periodLength,
  });
}

/**
 * Makes service `serviceId` the zone's inspector of productions: its provider attests what internal
 * DAOs declare they made; a vote may revoke an attestation for `challengeWindow` seconds after it.
 */
export function appointInspector(
  services: string,
  serviceId: bigint,
  challengeWindow: bigint | number,
): ZoneAction {
  return {
    target: getAddress(services),
    value: 0n,
    data: SERVICES.encodeFunctionData("appointInspector", [
      serviceId,
      seconds(challengeWindow, "challengeWindow"),
    ]),
  };
}

/** Revokes the inspector's attestation of production `productionId` (within its challenge window). */
export function revokeAttestation(services: string, productionId: bigint): ZoneAction {
  return {
    target: getAddress(services),
    value: 0n,
    data: SERVICES.encodeFunctionData("revokeAttestation", [productionId]),
  };
}

/**
 * How the zone rewards recyclable content: `rewardPerUnit` of `token` (smallest units) for a unit
 * made wholly of recyclable content, nothing at or below `floorBps`, linear between; at most
 * `budgetPerPeriod` paid each period of `periodLength` seconds.
 */
export interface RewardRuleTerms {
  token: string;
  floorBps: number;
  rewardPerUnit: bigint;
  budgetPerPeriod: bigint;
  /** Seconds. */
  periodLength: bigint | number;
}

/** Sets the zone's reward rule for recyclable content, replacing the one before. */
export function setRewardRule(services: string, terms: RewardRuleTerms): ZoneAction {
  requireBps(terms.floorBps, "floorBps");
  if (terms.floorBps === BPS) throw new RangeError(`floorBps must be below ${BPS} basis points`);
  const periodLength = BigInt(terms.periodLength);
  requirePositive(periodLength, "periodLength");
  requirePositive(terms.rewardPerUnit, "rewardPerUnit");
  return {
    target: getAddress(services),
    value: 0n,
    data: SERVICES.encodeFunctionData("setRewardRule", [
      getAddress(terms.token),
      terms.floorBps,
      terms.rewardPerUnit,
      terms.budgetPerPeriod,
      periodLength,
    ]),
  };
}

/**
 * What `amount` units with `recyclableBps` of recyclable content earn under a rule, as
 * ZoneServices.rewardFor computes it: linear above the floor, at most one period's budget.
 */
export function rewardFor(
  rule: Pick<RewardRuleTerms, "floorBps" | "rewardPerUnit" | "budgetPerPeriod">,
  amount: bigint,
  recyclableBps: number,
): bigint {
  if (recyclableBps <= rule.floorBps) return 0n;
  const reward =
    (amount * rule.rewardPerUnit * BigInt(recyclableBps - rule.floorBps)) / BigInt(BPS - rule.floorBps);
  return reward < rule.budgetPerPeriod ? reward : rule.budgetPerPeriod;
}

/** An internal DAO: a zone of its own whose parent this zone is. */
export interface InternalDaoTerms {
  name: string;
  /** Admits the internal DAO's members (the zero address: only proposals do). */
  registrar: string;
  rules: ZoneRules;
  /** Share of each of its incomes, in basis points, the internal DAO returns to this zone. */
  incomeShareBps: number;
}

/** Creates an internal DAO of the zone. */
export function createInternalDao(zone: string, terms: InternalDaoTerms): ZoneAction {
  requireBps(terms.incomeShareBps, "incomeShareBps");
  return zoneCall(
    zone,
    ZONE.encodeFunctionData("createInternalDao", [
      terms.name,
      getAddress(terms.registrar),
      terms.rules,
      terms.incomeShareBps,
    ]),
  );
}

/** Changes the share of its income an internal DAO returns to its parent. The internal DAO's own vote. */
export function setCharter(zone: string, incomeShareBps: number): ZoneAction {
  requireBps(incomeShareBps, "incomeShareBps");
  return zoneCall(zone, ZONE.encodeFunctionData("setCharter", [incomeShareBps]));
}

/**
 * Produces `amount` of `product`, minted to the parent zone, declaring `recyclableBps` basis points
 * of recyclable content (which the zone's inspector attests and its reward rule pays for). An
 * internal DAO's action, sent to the goods contract (the factory's GOODS()); the good's id is
 * goodsId(internal DAO, product).
 */
export function produceGoods(
  goods: string,
  product: string,
  amount: bigint,
  recyclableBps: number,
): ZoneAction {
  if (product.length === 0) throw new RangeError("product must not be empty");
  requirePositive(amount, "amount");
  requireBps(recyclableBps, "recyclableBps");
  return {
    target: getAddress(goods),
    value: 0n,
    data: GOODS.encodeFunctionData("produce", [product, amount, recyclableBps]),
  };
}

/** Keeps `amount` of good `id` at home: nothing that leaves the zone may cut into it (0 removes the reserve). */
export function setReserve(zone: string, id: bigint, amount: bigint): ZoneAction {
  return zoneCall(zone, ZONE.encodeFunctionData("setReserve", [id, amount]));
}

/** The id of `producer`'s `product`, as ZoneGoods.goodsId computes it. */
export function goodsId(producer: string, product: string): bigint {
  return BigInt(keccak256(AbiCoder.defaultAbiCoder().encode(["address", "string"], [producer, product])));
}

/** What every trade offer states. Prices are in the payment token's smallest unit. */
interface OfferBase {
  /** The offering zone. */
  zone: string;
  /** The trade contract (the factory's TRADE()). */
  trade: string;
  quantity: bigint;
  /** The ERC-20 the buyer pays in. */
  paymentToken: string;
  pricePerUnit: bigint;
  /** The one zone that may accept; anyone if omitted. */
  buyer?: string;
  /** Unix time, in seconds, from which the offer can no longer be accepted. */
  expiry: bigint | number;
}

/** Zone goods for sale: `quantity` units of good `goodsId`, each at `pricePerUnit`. */
export interface GoodsOffer extends OfferBase {
  /** The goods contract (the factory's GOODS()). */
  goods: string;
  goodsId: bigint;
}

/** Tokens for sale: `quantity` of `token`'s smallest unit, each at `pricePerUnit`. */
export interface TokenOffer extends OfferBase {
  token: string;
}

/**
 * Offers goods above the zone's reserve: lets the trade contract take them, posts the offer, and
 * takes the permission back, so no approval outlives the vote that gave it (ERC-1155 approves every
 * good at once, for good).
 */
export function offerGoods(offer: GoodsOffer): ZoneAction[] {
  const trade = getAddress(offer.trade);
  const goods = getAddress(offer.goods);
  const approval = (approved: boolean): ZoneAction => ({
    target: goods,
    value: 0n,
    data: GOODS.encodeFunctionData("setApprovalForAll", [trade, approved]),
  });
  return [
    approval(true),
    postOffer(offer, { isGoods: true, asset: goods, goodsId: offer.goodsId }),
    approval(false),
  ];
}

/** Offers treasury tokens: approves the trade contract for exactly `quantity`, then posts the offer. */
export function offerTokens(offer: TokenOffer): ZoneAction[] {
  const token = requireAddress(offer.token, "token");
  return [
    {
      target: token,
      value: 0n,
      data: ERC20.encodeFunctionData("approve", [getAddress(offer.trade), offer.quantity]),
    },
    postOffer(offer, { isGoods: false, asset: token, goodsId: 0n }),
  ];
}

function postOffer(
  offer: OfferBase,
  asset: { isGoods: boolean; asset: string; goodsId: bigint },
): ZoneAction {
  requirePositive(offer.quantity, "quantity");
  const expiry = BigInt(offer.expiry);
  requirePositive(expiry, "expiry");
  const buyer = getAddress(offer.buyer ?? ZeroAddress);
  if (buyer === getAddress(offer.zone)) throw new RangeError("a zone cannot buy its own offer");
  const terms = {
    ...asset,
    quantity: offer.quantity,
    paymentToken: requireAddress(offer.paymentToken, "paymentToken"),
    pricePerUnit: offer.pricePerUnit,
    buyer,
    expiry,
  };
  return { target: getAddress(offer.trade), value: 0n, data: TRADE.encodeFunctionData("postOffer", [terms]) };
}

/** Accepts offer `offerId`: approves the trade contract for exactly the price, `total`, then accepts. */
export function acceptOffer(params: {
  trade: string;
  paymentToken: string;
  /** The offer's quantity times its price per unit. */
  total: bigint;
  offerId: bigint;
}): ZoneAction[] {
  const trade = getAddress(params.trade);
  return [
    {
      target: requireAddress(params.paymentToken, "paymentToken"),
      value: 0n,
      data: ERC20.encodeFunctionData("approve", [trade, params.total]),
    },
    { target: trade, value: 0n, data: TRADE.encodeFunctionData("acceptOffer", [params.offerId]) },
  ];
}

/** Cancels the zone's open offer `offerId`; what it offered comes back. */
export function cancelOffer(trade: string, offerId: bigint): ZoneAction {
  return { target: getAddress(trade), value: 0n, data: TRADE.encodeFunctionData("cancelOffer", [offerId]) };
}
