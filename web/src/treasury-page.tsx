/**
 * A zone's treasury (#/zone/<zone>/treasury), read from the chain over the app's RPC (no relayer
 * involved): each token's balance over time as a chart, the money in and out by the decision that
 * moved it (each proposal linked), the dividend rounds still owing (each linked to its claim page),
 * the relayer refunds paid, and the ledger itself. The sdk sums it (treasury.ts treasurySummary over
 * ledger.ts readLedger, from the zone's creation block in paginated log ranges), as `zonedao ledger`
 * does. Read again every few seconds, until a dead end (no zone there, the chain unreachable).
 */
import { JsonRpcProvider, ZeroAddress, formatUnits, getAddress } from "ethers";
import { useCallback, useMemo, useRef, useState } from "react";
import { readDividendRounds, type DividendRound } from "../../sdk/dividend-rounds.js";
import { readLedger } from "../../sdk/ledger.js";
import {
  SOURCE_LABELS,
  flowLabel,
  formatTreasuryAmount,
  readBlockTimes,
  treasurySummary,
  type DecisionFlow,
  type KnownToken,
  type TreasurySummary,
} from "../../sdk/treasury.js";
import { Zone__factory } from "../../types/ethers-contracts/factories/contracts/Zone__factory.js";
import { chainProvider, explain, knownTokens, type WebConfig } from "./api.js";
import { Address } from "./address.js";
import { zoneCreatedBlock } from "./config-types.js";
import type { DeadEnd } from "./dead-ends.js";
import { formatDate } from "./format.js";
import { shortAddress } from "./names.js";
import { BalanceChart, type ChartPoint } from "./treasury-chart.js";
import { usePolling } from "./use-polling.js";

/** How often the page reads the treasury again while it is open. */
const TREASURY_POLL_MS = 10_000;

/** Decimals an amount is rounded to on the page. */
const GLANCE_DIGITS = 4;

/** Ledger lines shown before "Show all". */
const LEDGER_LINES = 20;

interface TreasuryView {
  summary: TreasurySummary;
  /** Each dividend round's deadline and status, by round id: a claim is offered only while open. */
  rounds: Map<bigint, DividendRound>;
  /** The latest block's time: where each balance line ends. */
  now: number;
}

/** No contract at the zone's address: nothing to read, ever. */
class NoZoneThere extends Error {}

async function readTreasury(
  provider: JsonRpcProvider,
  zone: string,
  fromBlock: number,
  times: Map<number, number>,
): Promise<TreasuryView> {
  if ((await provider.getCode(zone)) === "0x") throw new NoZoneThere(zone);
  const reader = Zone__factory.connect(zone, provider);
  const [entries, rounds, latest] = await Promise.all([
    readLedger(reader, { fromBlock }),
    readDividendRounds(reader, { fromBlock }),
    provider.getBlock("latest"),
  ]);
  // Block times never change: only blocks not read on an earlier poll are asked for.
  const unread = entries.map((entry) => entry.blockNumber).filter((block) => !times.has(block));
  for (const [block, time] of await readBlockTimes(provider, unread)) times.set(block, time);
  return {
    summary: treasurySummary(entries, { times }),
    rounds: new Map(rounds.map((round) => [round.roundId, round])),
    now: latest?.timestamp ?? Math.floor(Date.now() / 1000),
  };
}

function useTreasury(config: WebConfig, zone: string, attempt: number) {
  const provider = useMemo(() => chainProvider(config), [config]);
  const times = useRef(new Map<number, number>());
  const read = useCallback(async () => {
    if (!provider) throw new Error("no chain connection");
    return readTreasury(provider, zone, zoneCreatedBlock(config, zone), times.current);
  }, [config, provider, zone]);
  const deadEndOf = useCallback(
    (error: unknown): DeadEnd =>
      error instanceof NoZoneThere
        ? { kind: "unknown-zone", zone }
        : { kind: "rpc-down", rpcUrl: config.rpcUrl ?? "", reason: explain(error) },
    [config, zone],
  );
  return usePolling(read, {
    intervalMs: TREASURY_POLL_MS,
    deadEndOf,
    attempt,
    stopped: !provider,
  });
}

function unitOf(token: string, known: Record<string, KnownToken>): { symbol: string; decimals: number } {
  if (getAddress(token) === ZeroAddress) return { symbol: "ETH", decimals: 18 };
  return known[getAddress(token)] ?? { symbol: `units of ${shortAddress(token)}`, decimals: 0 };
}

export function TreasuryPage({
  config,
  zone,
  zoneName,
}: {
  config: WebConfig;
  zone: string;
  zoneName: string;
}) {
  const [attempt, setAttempt] = useState(0);
  const polled = useTreasury(config, zone, attempt);
  const retry = () => setAttempt((count) => count + 1);
  const known = knownTokens(config);
  // At a glance: four decimals at most (the ledger's lines give the exact amount in their title).
  const amount = (value: bigint, token: string) =>
    formatTreasuryAmount(value, token, known, { maxFractionDigits: GLANCE_DIGITS });
  const view = polled.value;
  const back = (
    <p>
      <a href={`#/zone/${zone}`}>← {zoneName}</a>
    </p>
  );

  if (!config.rpcUrl) {
    return (
      <>
        {back}
        <h1>Treasury of {zoneName}</h1>
        <p className="error">
          The treasury is read from the chain, and this app is given no connection to it.
        </p>
      </>
    );
  }
  return (
    <>
      {back}
      <h1>Treasury of {zoneName}</h1>
      <p className="muted">
        Read from the chain: every payment in and out of {zoneName}'s treasury since it was created, and the
        decision that made each one. Only a proposal the citizens passed can pay money out.
      </p>
      {polled.deadEnd && (
        <section aria-labelledby="treasury-error-heading" data-testid="treasury-dead-end">
          <h2 id="treasury-error-heading" className="error">
            {polled.deadEnd.kind === "unknown-zone"
              ? "There is no zone at this address"
              : "The chain cannot be reached"}
          </h2>
          <p>
            {polled.deadEnd.kind === "rpc-down"
              ? `The treasury could not be read from ${polled.deadEnd.rpcUrl} (${polled.deadEnd.reason}).`
              : "The link may be mistyped."}
          </p>
          <p>
            <button type="button" className="secondary" onClick={retry}>
              Try again
            </button>
          </p>
        </section>
      )}
      {polled.error && (
        <p className="error" role="alert">
          {polled.error}
        </p>
      )}
      {!view && !polled.deadEnd && <p>Loading the treasury…</p>}
      {view && <TreasuryDetails zone={zone} view={view} known={known} amount={amount} />}
    </>
  );
}

function TreasuryDetails(props: {
  zone: string;
  view: TreasuryView;
  known: Record<string, KnownToken>;
  amount: (value: bigint, token: string) => string;
}) {
  const { zone, view, known, amount } = props;
  const { summary } = view;
  return (
    <>
      <section aria-labelledby="balances-heading">
        <h2 id="balances-heading">Balance over time</h2>
        {summary.tokens.map((held) => {
          const unit = unitOf(held.token, known);
          const toNumber = (value: bigint) => Number(formatUnits(value, unit.decimals));
          const points: ChartPoint[] = held.series.map((point) => ({
            time: point.time ?? view.now,
            value: toNumber(point.balance),
          }));
          if (points.length > 0) points.push({ time: view.now, value: toNumber(held.balance) });
          return (
            <div key={held.token} className="tc-token" data-testid={`treasury-token-${held.token}`}>
              <h3>
                {amount(held.balance, held.token)}
                {held.reserved > 0n && (
                  <span className="muted tc-reserved">
                    {" "}
                    (of which {amount(held.reserved, held.token)} is set aside for dividends)
                  </span>
                )}
              </h3>
              <BalanceChart
                unit={unit.symbol}
                points={points}
                format={(value) =>
                  `${new Intl.NumberFormat(undefined, { maximumFractionDigits: 4 }).format(value)} ${unit.symbol}`
                }
                testId={`treasury-chart-${held.token}`}
              />
            </div>
          );
        })}
      </section>
      <FlowsSection zone={zone} flows={summary.flows} amount={amount} />
      <section aria-labelledby="rounds-heading">
        <h2 id="rounds-heading">Dividend rounds still owing</h2>
        {summary.rounds.length === 0 ? (
          <p className="muted">No dividend round is open.</p>
        ) : (
          <ul className="plain">
            {summary.rounds.map((round) => (
              <li key={round.roundId.toString()} data-testid={`treasury-round-${round.roundId}`}>
                <strong>Round #{round.roundId.toString()}</strong>
                {round.proposalId !== undefined && (
                  <>
                    {" "}
                    (decided by{" "}
                    <a href={`#/zone/${zone}/proposal/${round.proposalId}`}>
                      proposal #{round.proposalId.toString()}
                    </a>
                    )
                  </>
                )}
                : still owes <strong>{amount(round.outstanding, round.token)}</strong> of{" "}
                {amount(round.reserved, round.token)}, {round.claims}{" "}
                {round.claims === 1 ? "claim" : "claims"} paid.{" "}
                <RoundClaim zone={zone} round={view.rounds.get(round.roundId)} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="refunds-heading">
        <h2 id="refunds-heading">Relayer refunds</h2>
        <p data-testid="treasury-refunds">
          {summary.refunds.count === 0
            ? "No relayer has been refunded for the gas of sending votes."
            : `${amount(summary.refunds.total, ZeroAddress)} paid back to relayers for the gas of sending votes, in ${summary.refunds.count} ${summary.refunds.count === 1 ? "refund" : "refunds"}.`}
        </p>
        {summary.refunds.byRelayer.length > 0 && (
          <ul className="plain">
            {summary.refunds.byRelayer.map((paid) => (
              <li key={paid.relayer}>
                <Address value={paid.relayer} />: {amount(paid.amount, ZeroAddress)}
              </li>
            ))}
          </ul>
        )}
      </section>
      <LedgerSection zone={zone} summary={summary} known={known} amount={amount} />
    </>
  );
}

/** Money in and out by decision: one bar per decision, scaled to the largest of its token. */
function FlowsSection(props: {
  zone: string;
  flows: readonly DecisionFlow[];
  amount: (value: bigint, token: string) => string;
}) {
  const { zone, flows, amount } = props;
  const largest = new Map<string, bigint>();
  for (const flow of flows) {
    const size = flow.inflow > flow.outflow ? flow.inflow : flow.outflow;
    if (size > (largest.get(flow.token) ?? 0n)) largest.set(flow.token, size);
  }
  return (
    <section aria-labelledby="flows-heading">
      <h2 id="flows-heading">In and out, by decision</h2>
      {flows.length === 0 && <p className="muted">No money has moved yet.</p>}
      <ul className="plain">
        {flows.map((flow) => {
          const out = flow.outflow > flow.inflow;
          const size = out ? flow.outflow - flow.inflow : flow.inflow - flow.outflow;
          const max = largest.get(flow.token) ?? 1n;
          const percent = max === 0n ? 0 : Number((size * 1000n) / max) / 10;
          const key = `${flow.proposalId ?? flow.source}-${flow.token}`;
          return (
            <li key={key} data-testid={`treasury-flow-${flow.proposalId ?? flow.source}`}>
              <div className="tc-flow-line">
                <span>
                  {flow.proposalId !== undefined ? (
                    <a href={`#/zone/${zone}/proposal/${flow.proposalId}`}>{flowLabel(flow)}</a>
                  ) : (
                    flowLabel(flow)
                  )}
                </span>
                <strong className={out ? "tc-out" : "tc-in"}>
                  {out ? "−" : "+"}
                  {amount(size, flow.token)}
                </strong>
              </div>
              <div className={`bar ${out ? "tc-bar-out" : "tc-bar-in"}`} aria-hidden="true">
                <span style={{ width: `${Math.max(percent, 1)}%` }} />
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** The ledger's money movements, newest first, a page at a time. */
function LedgerSection(props: {
  zone: string;
  summary: TreasurySummary;
  known: Record<string, KnownToken>;
  amount: (value: bigint, token: string) => string;
}) {
  const { zone, summary, known, amount } = props;
  const [all, setAll] = useState(false);
  const moves = summary.entries.filter((entry) => entry.kind === "in" || entry.kind === "out").reverse();
  const shown = all ? moves : moves.slice(0, LEDGER_LINES);
  return (
    <section aria-labelledby="ledger-heading">
      <h2 id="ledger-heading">Ledger</h2>
      <p className="muted">Every payment in and out, newest first.</p>
      {moves.length === 0 && <p className="muted">Nothing yet.</p>}
      <ul className="plain tc-ledger">
        {shown.map((entry) => (
          <li key={`${entry.txHash}-${entry.logIndex}`} data-testid="treasury-ledger-line">
            <span className="muted">
              {entry.time === undefined ? `block ${entry.blockNumber}` : formatDate(entry.time)}
            </span>{" "}
            <strong
              className={entry.kind === "in" ? "tc-in" : "tc-out"}
              title={formatTreasuryAmount(entry.amount, entry.token, known)}
            >
              {entry.kind === "in" ? "In" : "Out"} {amount(entry.amount, entry.token)}
            </strong>{" "}
            {entry.kind === "in" ? "from" : "to"} <Address value={entry.counterparty} /> ·{" "}
            {entry.source === "TreasuryPaid" && entry.proposalId !== undefined ? (
              <a href={`#/zone/${zone}/proposal/${entry.proposalId}`}>
                proposal #{entry.proposalId.toString()}
              </a>
            ) : (
              SOURCE_LABELS[entry.source]
            )}
          </li>
        ))}
      </ul>
      {moves.length > shown.length && (
        <button type="button" className="secondary" onClick={() => setAll(true)}>
          Show all {moves.length}
        </button>
      )}
    </section>
  );
}

/** Whether a round's citizens may still claim, and until when; the link to claim only while they may. */
function RoundClaim({ zone, round }: { zone: string; round: DividendRound | undefined }) {
  if (!round) return null;
  if (round.status === "open") {
    return (
      <>
        Claims until {formatDate(Number(round.claimDeadline))}.{" "}
        <a href={`#/zone/${zone}/dividend/${round.roundId}`}>Claim your share</a>
      </>
    );
  }
  if (round.status === "over") {
    return (
      <>
        The claim period ended {formatDate(Number(round.claimDeadline))}: anyone may close the round, which
        returns what is left to the treasury.
      </>
    );
  }
  return null;
}
