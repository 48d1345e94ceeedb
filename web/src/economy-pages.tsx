/**
 * The zone's economy, as its citizens follow it: services (budgets, periods, claims, and a
 * provider's claim from a connected EIP-1193 wallet), internal DAOs, goods and reserves (with their
 * recyclable content), production (what internal DAOs declared, what the inspector attested, what
 * was revoked or rewarded, under the zone's reward rule), and trade (the zone's offers, and other
 * zones' open offers with "Propose to accept"). Everything is read from the chain with the sdk's
 * readers (sdk/economy.ts, sdk/production.ts); these components only render.
 */
import { BrowserProvider, ZeroAddress, formatUnits, getAddress, type Eip1193Provider } from "ethers";
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import type { TokenInfo } from "../../sdk/describe.js";
import {
  claimServiceBudget,
  offersOfZone,
  offersOpenTo,
  readGoods,
  readInternalDaos,
  readServices,
  readTradeOffers,
  type BudgetClaimed,
  type ServiceView,
  type TradeOfferView,
} from "../../sdk/economy.js";
import { formatDuration } from "../../sdk/describe.js";
import { readProduction, type ProductionView, type RewardRuleView } from "../../sdk/production.js";
import { ZoneGoods__factory } from "../../types/ethers-contracts/factories/contracts/economy/ZoneGoods__factory.js";
import { ZoneServices__factory } from "../../types/ethers-contracts/factories/contracts/economy/ZoneServices__factory.js";
import { ZoneTrade__factory } from "../../types/ethers-contracts/factories/contracts/economy/ZoneTrade__factory.js";
import { Address } from "./address.js";
import { chainProvider, explain, zoneReader, type WebConfig } from "./api.js";
import { zoneCreatedBlock } from "./config-types.js";
import { formatDate } from "./format.js";
import { nameOf } from "./names.js";
import { useEconomyNames, useTokens } from "./readable.js";

export type EconomyPageKind = "services" | "daos" | "goods" | "production" | "trade";

/** The economy pages, in the order the navigation lists them. */
export const ECONOMY_TITLES: Record<EconomyPageKind, string> = {
  services: "Services",
  daos: "Internal DAOs",
  goods: "Goods",
  production: "Production",
  trade: "Trade",
};

/** Whether `segment` (the route's third part) is one of the economy pages. */
export function isEconomyPage(segment: string | undefined): segment is EconomyPageKind {
  return segment !== undefined && segment in ECONOMY_TITLES;
}

interface PageProps {
  config: WebConfig;
  zone: string;
  zoneName: string;
}

/** One economy page of `zone`, with the way back to the zone and to its other economy pages. */
export function EconomyPage({ kind, ...props }: PageProps & { kind: EconomyPageKind }) {
  const { zone, zoneName } = props;
  return (
    <>
      <p>
        <a href={`#/zone/${zone}`}>← {zoneName}</a>
      </p>
      <h1>
        {zoneName}: {ECONOMY_TITLES[kind]}
      </h1>
      <nav aria-label="Economy" className="econ-nav">
        <ul>
          {(Object.keys(ECONOMY_TITLES) as EconomyPageKind[]).map((page) => (
            <li key={page}>
              <a href={`#/zone/${zone}/${page}`} aria-current={page === kind ? "page" : undefined}>
                {ECONOMY_TITLES[page]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {kind === "services" && <ServicesPage {...props} />}
      {kind === "daos" && <DaosPage {...props} />}
      {kind === "goods" && <GoodsPage {...props} />}
      {kind === "production" && <ProductionPage {...props} />}
      {kind === "trade" && <TradePage {...props} />}
    </>
  );
}

type Read<T> = { value?: T; error?: string; retry: () => void };

/**
 * `read` run once per page and again on "Try again" or `retry`: loading, then the value or the
 * error. Without an RPC in the config the page says so instead of waiting.
 */
function useChainRead<T>(config: WebConfig, read: (fromBlock: number) => Promise<T>, zone: string): Read<T> {
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<{ value?: T; error?: string }>({});
  // `read` is made afresh each render; what it reads is fixed by the config and the zone.
  const latest = useRef(read);
  latest.current = read;
  useEffect(() => {
    if (!config.rpcUrl) {
      setState({ error: "This app is not given a connection to the chain, so it cannot read the economy." });
      return;
    }
    let current = true;
    // A refresh (after a claim) keeps what is shown until the new read arrives; "Try again" clears the error.
    setState((previous) => ({ value: previous.value }));
    latest.current(zoneCreatedBlock(config, zone)).then(
      (value) => current && setState({ value }),
      (caught: unknown) => current && setState({ error: explain(caught) }),
    );
    return () => {
      current = false;
    };
  }, [config, zone, attempt, latest]);
  const retry = useCallback(() => setAttempt((count) => count + 1), []);
  return { ...state, retry };
}

/** Loading, the error with "Try again", or the value rendered. */
function Loaded<T>({
  read,
  what,
  children,
}: {
  read: Read<T>;
  what: string;
  children: (value: T) => ReactNode;
}) {
  if (read.error !== undefined)
    return (
      <div role="alert">
        <p className="error">
          Could not read {what}: {read.error}
        </p>
        <button type="button" onClick={read.retry}>
          Try again
        </button>
      </div>
    );
  if (read.value === undefined) return <p aria-live="polite">Loading {what}…</p>;
  return <>{children(read.value)}</>;
}

/** `amount` of `token` in whole units with its symbol ("1,000 USDz", "0.5 ETH"). */
function amountOf(amount: bigint, token: string, tokens: Record<string, TokenInfo>): string {
  const address = getAddress(token);
  const known = address === ZeroAddress ? { symbol: "ETH", decimals: 18 } : tokens[address];
  const [whole = "0", fraction = "0"] = formatUnits(amount, known?.decimals ?? 18).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${fraction === "0" ? grouped : `${grouped}.${fraction}`} ${known?.symbol ?? "units of token " + address}`;
}

function ProposalLink({ zone, id }: { zone: string; id: bigint }) {
  return <a href={`#/zone/${zone}/proposal/${id}`}>proposal #{id.toString()}</a>;
}

// --- Services ---------------------------------------------------------------------------------

declare global {
  interface Window {
    /** An EIP-1193 wallet the browser injects (a browser extension's), if any. */
    ethereum?: Eip1193Provider;
  }
}

function ServicesPage({ config, zone, zoneName }: PageProps) {
  const { services } = config.contracts;
  const read = useChainRead(
    config,
    async (fromBlock) => {
      const provider = chainProvider(config);
      if (!provider || !services) throw new Error("the app's config names no services registry");
      return readServices(ZoneServices__factory.connect(services, provider), zone, fromBlock);
    },
    zone,
  );
  const tokens = useTokens(config, read.value?.map((service) => service.token) ?? []);
  const wallet = useConnectedWallet();
  return (
    <section aria-labelledby="services-heading">
      <h2 id="services-heading">Public services</h2>
      <p className="muted">
        Each service is decided by a vote: its provider may claim its budget once every period from the
        treasury, paid under the proposal that set it.
      </p>
      <ProviderWallet wallet={wallet} />
      <Loaded read={read} what="the services">
        {(list) =>
          list.length === 0 ? (
            <p>{zoneName} has no public services yet.</p>
          ) : (
            <ul className="plain econ-list">
              {list.map((service) => (
                <ServiceItem
                  key={service.id.toString()}
                  config={config}
                  zone={zone}
                  zoneName={zoneName}
                  service={service}
                  tokens={tokens}
                  wallet={wallet}
                  onClaimed={read.retry}
                />
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

function ServiceItem(props: {
  config: WebConfig;
  zone: string;
  zoneName: string;
  service: ServiceView;
  tokens: Record<string, TokenInfo>;
  wallet: ConnectedWallet;
  onClaimed: () => void;
}) {
  const { zone, service, tokens } = props;
  const amount = amountOf(service.budgetPerPeriod, service.token, tokens);
  const periodStart = (period: bigint) => Number(service.start + period * service.periodLength);
  return (
    <li data-testid={`service-${service.id}`}>
      <h3>
        #{service.id.toString()} {service.kind}: {service.name}
      </h3>
      <dl className="econ-facts">
        <dt>Provider</dt>
        <dd>
          <Address value={service.provider} />
        </dd>
        <dt>Budget</dt>
        <dd>
          {amount} every {formatDuration(Number(service.periodLength))}
        </dd>
        <dt>Status</dt>
        <dd>
          {service.active ? (
            <>
              Active, in period {service.currentPeriod.toString()} (since{" "}
              {formatDate(periodStart(service.currentPeriod))}); this period's budget is{" "}
              {service.claimedThisPeriod ? "claimed" : "not claimed yet"}. The next period starts{" "}
              {formatDate(Number(service.nextPeriodAt))}.
            </>
          ) : (
            <>
              Ended
              {service.endedBy !== undefined && (
                <>
                  {" "}
                  by <ProposalLink zone={zone} id={service.endedBy} />
                </>
              )}
            </>
          )}
        </dd>
        <dt>Decided by</dt>
        <dd>
          created by <ProposalLink zone={zone} id={service.createdBy} />
          {service.updatedBy.map((id) => (
            <span key={id.toString()}>
              , changed by <ProposalLink zone={zone} id={id} />
            </span>
          ))}
        </dd>
      </dl>
      <h4>Budgets claimed</h4>
      {service.claims.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <ul className="econ-claims">
          {service.claims.map((claim) => (
            <li key={claim.transactionHash}>
              Period {claim.period.toString()} (from {formatDate(periodStart(claim.period))}):{" "}
              {amountOf(claim.amount, service.token, tokens)} to <Address value={claim.provider} />
            </li>
          ))}
        </ul>
      )}
      <ClaimBudget {...props} amount={amount} />
    </li>
  );
}

interface ConnectedWallet {
  available: boolean;
  account?: string;
  error?: string;
  connecting: boolean;
  connect: () => void;
}

/** The browser's EIP-1193 wallet (window.ethereum), connected when the reader asks. */
function useConnectedWallet(): ConnectedWallet {
  const [account, setAccount] = useState<string>();
  const [error, setError] = useState<string>();
  const [connecting, setConnecting] = useState(false);
  const connect = useCallback(() => {
    const injected = window.ethereum;
    if (!injected) return;
    setConnecting(true);
    setError(undefined);
    new BrowserProvider(injected)
      .send("eth_requestAccounts", [])
      .then(
        (accounts: unknown) => {
          const [first] = Array.isArray(accounts) ? (accounts as string[]) : [];
          if (first) setAccount(getAddress(first));
          else setError("the wallet gave no account");
        },
        (caught: unknown) => setError(explain(caught)),
      )
      .finally(() => setConnecting(false));
  }, []);
  return { available: Boolean(window.ethereum), account, error, connecting, connect };
}

function ProviderWallet({ wallet }: { wallet: ConnectedWallet }) {
  if (!wallet.available)
    return (
      <p className="muted econ-note">
        Are you a service's provider? Claim your budget from a browser with a wallet (an EIP-1193 extension)
        holding the provider's account, or with the command line:{" "}
        <code>zonedao service claim --zone ZONE --service ID --key PROVIDER_KEY</code>.
      </p>
    );
  if (wallet.account)
    return (
      <p className="econ-note">
        Wallet connected: <Address value={wallet.account} />
      </p>
    );
  return (
    <div className="econ-note">
      <p className="muted">A provider connects its wallet to claim its service's budget.</p>
      <button type="button" onClick={wallet.connect} disabled={wallet.connecting}>
        {wallet.connecting ? "Connecting…" : "Connect a wallet"}
      </button>
      {wallet.error && (
        <p className="error" role="alert">
          The wallet did not connect: {wallet.error}
        </p>
      )}
    </div>
  );
}

/** The provider's claim of this period's budget: a confirm step, then the transaction and its result. */
function ClaimBudget(props: {
  config: WebConfig;
  zone: string;
  zoneName: string;
  service: ServiceView;
  tokens: Record<string, TokenInfo>;
  wallet: ConnectedWallet;
  amount: string;
  onClaimed: () => void;
}) {
  const { config, zone, zoneName, service, wallet, amount } = props;
  const [step, setStep] = useState<"idle" | "confirm" | "sending">("idle");
  const [result, setResult] = useState<BudgetClaimed>();
  const [error, setError] = useState<string>();
  const isProvider = wallet.account !== undefined && getAddress(service.provider) === wallet.account;
  if (result)
    return (
      <p className="ok" role="status">
        Paid {amountOf(result.amount, result.token, props.tokens)} for period {result.period.toString()} to{" "}
        <Address value={service.provider} /> (transaction{" "}
        <span className="mono">{result.transactionHash.slice(0, 10)}…</span>).
      </p>
    );
  if (!isProvider || !service.active) return null;
  if (service.claimedThisPeriod)
    return (
      <p className="muted">
        You are this service's provider: this period's budget is claimed; claim the next from{" "}
        {formatDate(Number(service.nextPeriodAt))}.
      </p>
    );
  const claim = async () => {
    const injected = window.ethereum;
    const services = config.contracts.services;
    if (!injected || !services) return;
    setStep("sending");
    setError(undefined);
    try {
      const signer = await new BrowserProvider(injected).getSigner(wallet.account);
      setResult(await claimServiceBudget(ZoneServices__factory.connect(services, signer), zone, service.id));
      props.onClaimed();
    } catch (caught) {
      setError(explain(caught));
      setStep("idle");
    }
  };
  return (
    <div className="econ-claim">
      {step === "idle" && (
        <button type="button" onClick={() => setStep("confirm")}>
          Claim this period's budget
        </button>
      )}
      {step !== "idle" && (
        <div role="group" aria-label="Confirm the claim">
          <p>
            Claim {amount} for period {service.currentPeriod.toString()} from {zoneName}'s treasury, paid to{" "}
            <Address value={service.provider} />? Your wallet sends the transaction and pays its gas.
          </p>
          <div className="actions">
            <button type="button" onClick={() => void claim()} disabled={step === "sending"}>
              {step === "sending" ? "Claiming…" : "Confirm the claim"}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => setStep("idle")}
              disabled={step === "sending"}
            >
              Back
            </button>
          </div>
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          The claim failed: {error}
        </p>
      )}
    </div>
  );
}

// --- Internal DAOs ----------------------------------------------------------------------------

function DaosPage({ config, zone, zoneName }: PageProps) {
  const read = useChainRead(
    config,
    async (fromBlock) => {
      const reader = zoneReader(config, zone);
      if (!reader) throw new Error("no chain connection");
      return readInternalDaos(reader, fromBlock);
    },
    zone,
  );
  return (
    <section aria-labelledby="daos-heading">
      <h2 id="daos-heading">Internal DAOs</h2>
      <p className="muted">
        Cooperatives {zoneName}'s citizens founded by a vote: each is a zone of its own, whose goods belong to{" "}
        {zoneName}, and which returns a share of its income to {zoneName}'s treasury.
      </p>
      <Loaded read={read} what="the internal DAOs">
        {(daos) =>
          daos.length === 0 ? (
            <p>{zoneName} has no internal DAOs.</p>
          ) : (
            <table className="econ-table">
              <thead>
                <tr>
                  <th scope="col">DAO</th>
                  <th scope="col">Income share to {zoneName}</th>
                  <th scope="col">Citizens</th>
                </tr>
              </thead>
              <tbody>
                {daos.map((dao) => {
                  const known = nameOf(config, dao.address);
                  return (
                    <tr key={dao.address} data-testid="internal-dao">
                      <td>
                        {known ? (
                          <a href={`#/zone/${dao.address}`}>{known}</a>
                        ) : (
                          <>
                            {dao.name} <Address value={dao.address} />
                          </>
                        )}
                      </td>
                      <td>{(Number(dao.incomeShareBps) / 100).toLocaleString()}%</td>
                      <td>{dao.citizens.toString()}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </section>
  );
}

// --- Goods ------------------------------------------------------------------------------------

function GoodsPage({ config, zone, zoneName }: PageProps) {
  const read = useChainRead(
    config,
    async (fromBlock) => {
      const provider = chainProvider(config);
      const reader = zoneReader(config, zone);
      const { goods } = config.contracts;
      if (!provider || !reader || !goods) throw new Error("the app's config names no goods registry");
      return readGoods(ZoneGoods__factory.connect(goods, provider), reader, fromBlock);
    },
    zone,
  );
  return (
    <section aria-labelledby="goods-heading">
      <h2 id="goods-heading">Goods and reserves</h2>
      <p className="muted">
        What {zoneName}'s internal DAOs produced for it, or it bought. The reserve, set by a vote, stays at
        home: only the surplus above it can be offered to other zones.
      </p>
      <Loaded read={read} what="the goods">
        {(goods) =>
          goods.length === 0 ? (
            <p>{zoneName} holds no goods.</p>
          ) : (
            <table className="econ-table">
              <thead>
                <tr>
                  <th scope="col">Product</th>
                  <th scope="col">Held</th>
                  <th scope="col">Reserve</th>
                  <th scope="col">Surplus</th>
                </tr>
              </thead>
              <tbody>
                {goods.map((good) => (
                  <tr key={good.id.toString()} data-testid="goods">
                    <td>
                      <strong>{good.product}</strong>
                      <div className="muted">
                        by <Address value={good.producer} />
                      </div>
                      {/* In the product's cell: a fifth column would not fit a phone's width. */}
                      <div data-testid="goods-recyclable">
                        {percent(good.recyclableBps)} recyclable content
                      </div>
                    </td>
                    <td>{good.balance.toLocaleString()}</td>
                    <td>{good.reserve.toLocaleString()}</td>
                    <td>{good.surplus.toLocaleString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </section>
  );
}

/** Basis points as a percentage ("85%", "12.5%"). */
function percent(bps: bigint | number): string {
  return `${(Number(bps) / 100).toLocaleString()}%`;
}

// --- Production -------------------------------------------------------------------------------

function ProductionPage({ config, zone, zoneName }: PageProps) {
  const read = useChainRead(
    config,
    async (fromBlock) => {
      const provider = chainProvider(config);
      const { goods, services } = config.contracts;
      if (!provider || !goods || !services)
        throw new Error("the app's config names no goods registry or services registry");
      const registry = ZoneServices__factory.connect(services, provider);
      // The chain's clock, not the reader's: a challenge window closes at a block's time.
      const latest = await provider.getBlock("latest");
      if (!latest) throw new Error("the chain has no latest block");
      const state = await readProduction(
        ZoneGoods__factory.connect(goods, provider),
        registry,
        zone,
        BigInt(latest.timestamp),
        fromBlock,
      );
      const inspector = state.inspection && (await registry.getService(zone, state.inspection.serviceId));
      return { ...state, inspector };
    },
    zone,
  );
  const tokens = useTokens(config, [
    read.value?.rule?.token,
    ...(read.value?.productions.map((production) => production.reward?.token) ?? []),
  ]);
  return (
    <section aria-labelledby="production-heading">
      <h2 id="production-heading">Production and recyclable content</h2>
      <p className="muted">
        What {zoneName}'s internal DAOs declared they made, with the share of recyclable content. The zone's
        inspector attests it; for a while after, a vote may revoke the attestation; then the zone's reward
        rule pays the internal DAO that made it.
      </p>
      <Loaded read={read} what="the production">
        {({ rule, inspection, inspector, productions }) => (
          <>
            <dl className="econ-facts" data-testid="production-terms">
              <dt>Reward rule</dt>
              <dd data-testid="reward-rule">
                {rule ? (
                  <RewardRuleWords zone={zone} rule={rule} tokens={tokens} />
                ) : (
                  <>No reward rule: a vote sets one (“Reward recyclable content”).</>
                )}
              </dd>
              <dt>Inspector</dt>
              <dd data-testid="inspector">
                {inspection && inspector ? (
                  <>
                    Service #{inspection.serviceId.toString()}, {inspector.kind}: {inspector.description},
                    provided by <Address value={inspector.provider} />. A vote may revoke each attestation for{" "}
                    {formatDuration(Number(inspection.challengeWindow))} after it.
                  </>
                ) : (
                  <>No inspector: a vote appoints one of the zone's services.</>
                )}
              </dd>
            </dl>
            <h3>Productions</h3>
            {productions.length === 0 ? (
              <p>{zoneName}'s internal DAOs have produced nothing yet.</p>
            ) : (
              <ul className="plain econ-list">
                {[...productions].reverse().map((production) => (
                  <li key={production.id.toString()} data-testid={`production-${production.id}`}>
                    <h4>
                      #{production.id.toString()}: {production.amount.toLocaleString()} {production.product}
                    </h4>
                    <dl className="econ-facts">
                      <dt>Producer</dt>
                      <dd>
                        <Address value={production.producer} />, by its{" "}
                        <ProposalLink zone={production.producer} id={production.proposalId} />
                      </dd>
                      <dt>Recyclable content</dt>
                      <dd data-testid="production-recyclable">
                        {percent(production.recyclableBps)} declared
                      </dd>
                      <dt>Status</dt>
                      <dd data-testid="production-status">
                        <ProductionStatusWords
                          zone={zone}
                          production={production}
                          rule={rule}
                          tokens={tokens}
                        />
                      </dd>
                    </dl>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}

function RewardRuleWords(props: { zone: string; rule: RewardRuleView; tokens: Record<string, TokenInfo> }) {
  const { zone, rule, tokens } = props;
  return (
    <>
      {amountOf(rule.rewardPerUnit, rule.token, tokens)} a unit made wholly of recyclable content, nothing at
      or below {percent(rule.floorBps)}, in proportion between; at most{" "}
      {amountOf(rule.budgetPerPeriod, rule.token, tokens)} every {formatDuration(Number(rule.periodLength))} (
      {amountOf(rule.paidThisPeriod, rule.token, tokens)} paid this period). Set by{" "}
      <ProposalLink zone={zone} id={rule.authorizingProposal} />.
    </>
  );
}

function ProductionStatusWords(props: {
  zone: string;
  production: ProductionView;
  rule: RewardRuleView | undefined;
  tokens: Record<string, TokenInfo>;
}) {
  const { zone, production, rule, tokens } = props;
  const claimableAt = production.claimableAt === undefined ? "" : formatDate(Number(production.claimableAt));
  const rewardNow = rule && amountOf(production.rewardNow, rule.token, tokens);
  switch (production.status) {
    case "declared":
      return <>Declared; not attested yet</>;
    case "challengeable":
      return (
        <>
          Attested; a vote may revoke it until {claimableAt}
          {production.rewardNow > 0n && <>, then it earns {rewardNow}</>}
        </>
      );
    case "claimable":
      return production.rewardNow > 0n ? (
        <>Attested; its reward of {rewardNow} can be claimed by anyone, paid to the producer</>
      ) : (
        <>Attested; the reward rule pays nothing for it</>
      );
    case "revoked":
      return (
        <>
          Attestation revoked
          {production.revokedBy !== undefined && (
            <>
              {" "}
              by <ProposalLink zone={zone} id={production.revokedBy} />
            </>
          )}
          ; no reward
        </>
      );
    case "rewarded":
      return (
        <>
          Rewarded {production.reward && amountOf(production.reward.amount, production.reward.token, tokens)},
          paid to the producer
        </>
      );
  }
}

// --- Trade ------------------------------------------------------------------------------------

function TradePage({ config, zone, zoneName }: PageProps) {
  const read = useChainRead(
    config,
    async () => {
      const provider = chainProvider(config);
      const { trade } = config.contracts;
      if (!provider || !trade) throw new Error("the app's config names no trade desk");
      // Other zones' offers may be older than this zone: read from the oldest zone the app knows.
      const fromBlock = Math.min(
        ...config.zones.map((known) => known.createdBlock),
        zoneCreatedBlock(config, zone),
      );
      return readTradeOffers(ZoneTrade__factory.connect(trade, provider), fromBlock);
    },
    zone,
  );
  const offers = read.value ?? [];
  const tokens = useTokens(
    config,
    offers.flatMap((offer) => [offer.paymentToken, offer.isGoods ? undefined : offer.asset]),
  );
  const economy = useEconomyNames(config, zone);
  const products = economy?.products ?? {};
  const own = offersOfZone(offers, zone);
  const open = offersOpenTo(offers, zone);
  const line = (offer: TradeOfferView) => {
    const what = offer.isGoods
      ? `${offer.quantity.toLocaleString()} ${products[offer.goodsId.toString()] ?? `goods ${offer.goodsId.toString(16).slice(0, 8)}…`}`
      : amountOf(offer.quantity, offer.asset, tokens);
    const unit = offer.isGoods ? " each" : " per base unit";
    return `${what} for ${amountOf(offer.total, offer.paymentToken, tokens)}${
      offer.isGoods ? ` (${amountOf(offer.pricePerUnit, offer.paymentToken, tokens)}${unit})` : ""
    }`;
  };
  return (
    <>
      <section aria-labelledby="own-offers-heading">
        <h2 id="own-offers-heading">{zoneName}'s trades</h2>
        <Loaded read={read} what="the trade offers">
          {() =>
            own.length === 0 ? (
              <p>{zoneName} has not offered or bought anything yet.</p>
            ) : (
              <ul className="plain econ-list">
                {own.map((offer) => (
                  <li key={offer.id.toString()} data-testid={`offer-${offer.id}`}>
                    <h3>
                      Offer #{offer.id.toString()}: {line(offer)}
                    </h3>
                    <OfferFacts offer={offer} zone={zone} />
                  </li>
                ))}
              </ul>
            )
          }
        </Loaded>
      </section>
      <section aria-labelledby="open-offers-heading">
        <h2 id="open-offers-heading">Other zones' open offers</h2>
        <p className="muted">
          A zone buys by a vote: the proposal approves the payment and accepts the offer, and the goods and
          the payment change hands at once when it runs.
        </p>
        <Loaded read={read} what="the trade offers">
          {() =>
            open.length === 0 ? (
              <p>No other zone has an open offer for {zoneName}.</p>
            ) : (
              <ul className="plain econ-list">
                {open.map((offer) => (
                  <li key={offer.id.toString()} data-testid={`open-offer-${offer.id}`}>
                    <h3>
                      Offer #{offer.id.toString()}: {line(offer)}
                    </h3>
                    <OfferFacts offer={offer} zone={zone} />
                    <p>
                      <a className="econ-action" href={`#/zone/${zone}/propose/accept-offer/${offer.id}`}>
                        Propose to accept
                      </a>
                    </p>
                  </li>
                ))}
              </ul>
            )
          }
        </Loaded>
      </section>
    </>
  );
}

const STATUS_WORDS: Record<TradeOfferView["status"], string> = {
  open: "Open",
  accepted: "Accepted",
  cancelled: "Cancelled",
  expired: "Expired",
};

function OfferFacts({ offer, zone }: { offer: TradeOfferView; zone: string }) {
  const sold = offer.seller.toLowerCase() === zone.toLowerCase();
  return (
    <dl className="econ-facts">
      <dt>Seller</dt>
      <dd>
        <Address value={offer.seller} />
        {sold && (
          <>
            {" "}
            (by <ProposalLink zone={offer.seller} id={offer.sellerProposal} />)
          </>
        )}
      </dd>
      <dt>Offered to</dt>
      <dd>{offer.buyer ? <Address value={offer.buyer} /> : "any zone"}</dd>
      <dt>Status</dt>
      <dd data-testid="offer-status">
        {STATUS_WORDS[offer.status]}
        {offer.acceptedBy && (
          <>
            {" "}
            by <Address value={offer.acceptedBy} />
            {offer.buyerProposal !== undefined && (
              <>
                {" "}
                (<ProposalLink zone={offer.acceptedBy} id={offer.buyerProposal} />)
              </>
            )}
          </>
        )}
        {offer.status === "open" && <> until {formatDate(Number(offer.expiry))}</>}
        {offer.status === "expired" && <> on {formatDate(Number(offer.expiry))}</>}
      </dd>
    </dl>
  );
}
