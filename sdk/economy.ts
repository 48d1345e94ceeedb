/**
 * A zone's economy as its citizens follow it: its public services (budgets, periods, what each
 * provider claimed), its internal DAOs (their charter's income share), the goods it holds (with the
 * domestic reserve its votes set, and the surplus above it that trade may sell), and trade offers
 * (its own, open and settled, and other zones' it could accept). Current state comes from the
 * contracts' views; history (who decided what, claims, settlements) from their events, read through
 * queryEvents in log ranges from the zone's creation block, so a zone with years of history reads
 * whole. Browser-safe: the web app and the CLI both use it.
 */
import { ZeroAddress, getAddress, type ContractRunner } from "ethers";
import type { Zone, ZoneGoods, ZoneServices, ZoneTrade } from "../types/ethers-contracts/index.js";
import { Zone__factory } from "../types/ethers-contracts/factories/contracts/Zone__factory.js";
import { queryEvents } from "./logs.js";

/** One budget a provider claimed (ServiceBudgetClaimed). */
export interface ServiceClaim {
  period: bigint;
  provider: string;
  amount: bigint;
  blockNumber: number;
  transactionHash: string;
}

/** A zone's public service, as it is now and as its votes made it. */
export interface ServiceView {
  /** Its index in the zone's registry: `claimBudget(zone, id)`. */
  id: bigint;
  kind: string;
  /** The proposers' description ("Riverside clinic: primary care for every citizen"). */
  name: string;
  provider: string;
  /** The token budgets are paid in (address(0) for ether). */
  token: string;
  budgetPerPeriod: bigint;
  /** Seconds per budget period, counted from `start`. */
  periodLength: bigint;
  /** When the service was created (seconds since 1970): period 0 starts here. */
  start: bigint;
  /** The period the chain is in now. */
  currentPeriod: bigint;
  /** When the current period ends and the next budget can be claimed (seconds since 1970). */
  nextPeriodAt: bigint;
  active: boolean;
  /** Whether this period's budget was already claimed. */
  claimedThisPeriod: boolean;
  /** The proposal that created the service. */
  createdBy: bigint;
  /** The proposals that changed its provider or budget, in order. */
  updatedBy: bigint[];
  /** The proposal that ended it, if one did. */
  endedBy?: bigint;
  /** The proposal that authorises its payments now (the last to create or change it). */
  authorizingProposal: bigint;
  claims: ServiceClaim[];
}

/**
 * Every service `zone` created on the registry, ended ones included, in id order, with its decisions
 * and claims read from `fromBlock` (the zone's creation block).
 */
export async function readServices(
  services: ZoneServices,
  zone: string,
  fromBlock = 0,
): Promise<ServiceView[]> {
  const [count, created, updated, ended, claimed] = await Promise.all([
    services.serviceCount(zone),
    queryEvents(services, services.filters.ServiceCreated(zone), fromBlock),
    queryEvents(services, services.filters.ServiceUpdated(zone), fromBlock),
    queryEvents(services, services.filters.ServiceEnded(zone), fromBlock),
    queryEvents(services, services.filters.ServiceBudgetClaimed(zone), fromBlock),
  ]);
  const ids = Array.from({ length: Number(count) }, (_, index) => BigInt(index));
  return Promise.all(
    ids.map(async (id): Promise<ServiceView> => {
      const [service, currentPeriod] = await Promise.all([
        services.getService(zone, id),
        services.currentPeriod(zone, id),
      ]);
      const mine = <T extends { args: { serviceId: bigint } }>(events: T[]) =>
        events.filter((event) => event.args.serviceId === id);
      const creation = mine(created)[0];
      return {
        id,
        kind: service.kind,
        name: service.description,
        provider: service.provider,
        token: service.token,
        budgetPerPeriod: service.budgetPerPeriod,
        periodLength: service.periodLength,
        start: service.start,
        currentPeriod,
        nextPeriodAt: service.start + (currentPeriod + 1n) * service.periodLength,
        active: service.active,
        claimedThisPeriod: await services.claimed(zone, id, currentPeriod),
        // Before any update, the authorising proposal is the one that created the service.
        createdBy: creation?.args.service.authorizingProposal ?? service.authorizingProposal,
        updatedBy: mine(updated).map((event) => event.args.proposalId),
        endedBy: mine(ended)[0]?.args.proposalId,
        authorizingProposal: service.authorizingProposal,
        claims: mine(claimed).map((event) => ({
          period: event.args.period,
          provider: event.args.provider,
          amount: event.args.amount,
          blockNumber: event.blockNumber,
          transactionHash: event.transactionHash,
        })),
      };
    }),
  );
}

/** A claimed budget, from the claim's receipt. */
export interface BudgetClaimed {
  serviceId: bigint;
  period: bigint;
  amount: bigint;
  token: string;
  transactionHash: string;
}

/**
 * The provider claims this period's budget of `zone`'s service `serviceId` (ZoneServices.claimBudget),
 * with `services` connected to the provider's signer; resolves once it is mined, with what was paid.
 * The contract refuses a caller that is not the provider, an ended service, and a second claim in
 * one period.
 */
export async function claimServiceBudget(
  services: ZoneServices,
  zone: string,
  serviceId: bigint,
): Promise<BudgetClaimed> {
  const { token } = await services.getService(zone, serviceId);
  const receipt = await (await services.claimBudget(zone, serviceId)).wait();
  if (!receipt) throw new Error("claimBudget: the transaction has no receipt");
  for (const log of receipt.logs) {
    const parsed = services.interface.parseLog(log);
    if (parsed?.name === "ServiceBudgetClaimed") {
      return {
        serviceId,
        period: parsed.args.getValue("period") as bigint,
        amount: parsed.args.getValue("amount") as bigint,
        token,
        transactionHash: receipt.hash,
      };
    }
  }
  throw new Error("claimBudget: no ServiceBudgetClaimed event in the receipt");
}

/** One of a zone's internal DAOs (a zone whose parent it is). */
export interface InternalDaoView {
  address: string;
  /** Its name on chain (as the proposal that created it named it). */
  name: string;
  /** Its charter: the share of its outside income it returns to the parent, in basis points. */
  incomeShareBps: bigint;
  /** Its citizens now. */
  citizens: bigint;
  /** The block it was created in. */
  blockNumber: number;
}

/**
 * The internal DAOs `zone` created (its InternalDaoCreated events from `fromBlock`), each with its
 * charter's income share and citizens count as they are now (a later setCharter vote changes it).
 */
export async function readInternalDaos(zone: Zone, fromBlock = 0): Promise<InternalDaoView[]> {
  const runner: ContractRunner | null = zone.runner;
  const created = await queryEvents(zone, zone.filters.InternalDaoCreated(), fromBlock);
  return Promise.all(
    created.map(async (event): Promise<InternalDaoView> => {
      const dao = Zone__factory.connect(event.args.dao, runner);
      const [name, incomeShareBps, citizens] = await Promise.all([
        dao.name(),
        dao.incomeShareBps(),
        dao.memberCount(),
      ]);
      return {
        address: getAddress(event.args.dao),
        name,
        incomeShareBps,
        citizens,
        blockNumber: event.blockNumber,
      };
    }),
  );
}

/** A good a zone holds or has held, with its reserve. */
export interface GoodsView {
  id: bigint;
  /** The product's name, as its producer recorded it ("grain"). */
  product: string;
  /** The internal DAO that produces it. */
  producer: string;
  /** Units the zone holds now. */
  balance: bigint;
  /** Units the zone's votes keep at home (setReserve): goods leave only above it. */
  reserve: bigint;
  /** What is above the reserve: what the zone may trade away. */
  surplus: bigint;
  /** Units produced for this zone by its internal DAOs (GoodsProduced). */
  produced: bigint;
  /**
   * The share of recyclable content its producers declared, in basis points, over every unit of it
   * ever produced (ZoneGoods.recyclableBpsOf; a good from another zone carries its producer's).
   */
  recyclableBps: bigint;
}

/**
 * Every good `zone` was given (produced for it, or received from a trade) or set a reserve for,
 * from `fromBlock`, with its balance, reserve and surplus now.
 */
export async function readGoods(goods: ZoneGoods, zone: Zone, fromBlock = 0): Promise<GoodsView[]> {
  const address = await zone.getAddress();
  const [produced, received, batches, reserves] = await Promise.all([
    queryEvents(goods, goods.filters.GoodsProduced(undefined, address), fromBlock),
    queryEvents(goods, goods.filters.TransferSingle(undefined, undefined, address), fromBlock),
    queryEvents(goods, goods.filters.TransferBatch(undefined, undefined, address), fromBlock),
    queryEvents(zone, zone.filters.ReserveSet(), fromBlock),
  ]);
  const ids = new Map<string, bigint>();
  const add = (id: bigint) => ids.set(id.toString(), id);
  for (const { args } of received) add(args.id);
  for (const { args } of batches) args.ids.forEach(add);
  for (const { args } of reserves) add(args.goodsId);
  const producedOf = new Map<string, bigint>();
  for (const { args } of produced) {
    add(args.goodsId);
    const key = args.goodsId.toString();
    producedOf.set(key, (producedOf.get(key) ?? 0n) + args.amount);
  }
  return Promise.all(
    [...ids.values()].map(async (id): Promise<GoodsView> => {
      const [product, producer, balance, reserve, recyclableBps] = await Promise.all([
        goods.productOf(id),
        goods.producerOf(id),
        goods.balanceOf(address, id),
        zone.reserveOf(id),
        goods.recyclableBpsOf(id),
      ]);
      return {
        id,
        product,
        producer,
        balance,
        reserve,
        surplus: balance > reserve ? balance - reserve : 0n,
        produced: producedOf.get(id.toString()) ?? 0n,
        recyclableBps,
      };
    }),
  );
}

export type OfferStatus = "open" | "accepted" | "cancelled" | "expired";

/** A trade offer, as posted and as it ended. */
export interface TradeOfferView {
  id: bigint;
  seller: string;
  /** The zone it is offered to; undefined: any zone may accept. */
  buyer?: string;
  /** Goods of the goods registry (`goodsId`), or an ERC-20 (`asset`). */
  isGoods: boolean;
  asset: string;
  goodsId: bigint;
  quantity: bigint;
  paymentToken: string;
  pricePerUnit: bigint;
  /** quantity × pricePerUnit: what the buyer pays. */
  total: bigint;
  /** After this (seconds since 1970) no zone can accept it. */
  expiry: bigint;
  /** "expired" also for an open offer past its expiry whose escrow nobody returned yet. */
  status: OfferStatus;
  /** The seller's proposal that posted it. */
  sellerProposal: bigint;
  /** The zone that accepted it, and the proposal by which it did. */
  acceptedBy?: string;
  buyerProposal?: bigint;
  /** The seller's proposal that cancelled it. */
  cancelledBy?: bigint;
  blockNumber: number;
}

const STATUSES: Record<string, OfferStatus> = {
  "1": "open",
  "2": "accepted",
  "3": "cancelled",
  "4": "expired",
};

/**
 * Every offer posted on the trade desk from `fromBlock`, oldest first, with its status now (an open
 * offer past its expiry counts as expired: no zone can accept it any more).
 */
export async function readTradeOffers(trade: ZoneTrade, fromBlock = 0): Promise<TradeOfferView[]> {
  const provider = trade.runner?.provider;
  if (!provider) throw new Error("the trade contract has no provider to read from");
  const [posted, accepted, cancelled, latest] = await Promise.all([
    queryEvents(trade, trade.filters.OfferPosted(), fromBlock),
    queryEvents(trade, trade.filters.OfferAccepted(), fromBlock),
    queryEvents(trade, trade.filters.OfferCancelled(), fromBlock),
    provider.getBlock("latest"),
  ]);
  const now = BigInt(latest?.timestamp ?? 0);
  return Promise.all(
    posted.map(async (event): Promise<TradeOfferView> => {
      const id = event.args.offerId;
      const offer = await trade.getOffer(id);
      let status = STATUSES[offer.status.toString()] ?? "open";
      if (status === "open" && now >= offer.expiry) status = "expired";
      const acceptance = accepted.find((accept) => accept.args.offerId === id);
      const cancellation = cancelled.find((cancel) => cancel.args.offerId === id);
      return {
        id,
        seller: getAddress(offer.seller),
        buyer: offer.buyer === ZeroAddress ? undefined : getAddress(offer.buyer),
        isGoods: offer.isGoods,
        asset: offer.asset,
        goodsId: offer.goodsId,
        quantity: offer.quantity,
        paymentToken: offer.paymentToken,
        pricePerUnit: offer.pricePerUnit,
        total: offer.quantity * offer.pricePerUnit,
        expiry: offer.expiry,
        status,
        sellerProposal: offer.sellerProposal,
        acceptedBy: acceptance && getAddress(acceptance.args.buyer),
        buyerProposal: acceptance?.args.buyerProposal,
        cancelledBy: cancellation?.args.proposalId,
        blockNumber: event.blockNumber,
      };
    }),
  );
}

const same = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

/** The offers `zone` posted or accepted, whatever their status. */
export function offersOfZone(offers: readonly TradeOfferView[], zone: string): TradeOfferView[] {
  return offers.filter((offer) => same(offer.seller, zone) || same(offer.acceptedBy, zone));
}

/** Other zones' open offers that `zone` may accept: open to any zone, or to it by name. */
export function offersOpenTo(offers: readonly TradeOfferView[], zone: string): TradeOfferView[] {
  return offers.filter(
    (offer) =>
      offer.status === "open" &&
      !same(offer.seller, zone) &&
      (offer.buyer === undefined || same(offer.buyer, zone)),
  );
}
