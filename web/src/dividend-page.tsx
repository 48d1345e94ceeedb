/**
 * A dividend round's page (#/zone/<zone>/dividend/<roundId>): what the round pays and still owes,
 * whether this identity may claim it (found here, its nullifier never sent), and the claim itself,
 * proved in the worker and sent through a relayer, paid to the address the citizen chooses. A fresh
 * address keeps the payment unlinkable to any account the citizen already has.
 */
import type { Identity } from "@semaphore-protocol/identity";
import { Wallet, ZeroAddress, formatUnits, getAddress, isAddress } from "ethers";
import { useCallback, useEffect, useState } from "react";
import { ConfirmDialog, Stages } from "./confirm-dialog.js";
import type { TokenInfo } from "../../sdk/describe.js";
import { readDividendClaims, readDividendRound, type DividendRound } from "../../sdk/dividend-rounds.js";
import { dividendClaimStatusOf, type DividendClaimStatus } from "../../sdk/dividends.js";
import { RelayerRefusal } from "../../sdk/relayer-client.js";
import { chainProvider, explain, tokenBalance, zoneReader, type Relayers, type WebConfig } from "./api.js";
import { zoneCreatedBlock } from "./config-types.js";
import { DeadEndPage, deadEndOf, type DeadEnd } from "./dead-ends.js";
import { formatDate } from "./format.js";
import { IdentityPanel } from "./identity-panel.js";
import { nameOf } from "./names.js";
import { ProverError, proveDividendClaim, zoneTarget } from "./prover.js";
import { useTokens } from "./readable.js";
import { useCitizenship } from "./citizen-place.js";

interface DividendPageProps {
  config: WebConfig;
  relayers: Relayers;
  zone: string;
  roundId: string;
  identity: Identity | undefined;
  onUnlocked: (identity: Identity | undefined) => void;
}

/** What the page reads, all public: the round and its claims' nullifiers. */
interface RoundView {
  round: DividendRound;
  claimedNullifiers: bigint[];
}

type Load = { kind: "loading" } | { kind: "ready"; view: RoundView } | { kind: "error"; message: string };

/** Found while reading: the page cannot go on, said by dead-ends.tsx. */
class RoundDeadEnd extends Error {
  constructor(readonly deadEnd: DeadEnd) {
    super(deadEnd.kind);
  }
}

function useRoundView(props: DividendPageProps, attempt: number) {
  const { config, zone, roundId } = props;
  const [load, setLoad] = useState<Load>({ kind: "loading" });
  const [deadEnd, setDeadEnd] = useState<DeadEnd>();
  const read = useCallback(async (): Promise<RoundView> => {
    if (!/^[1-9][0-9]{0,76}$/.test(roundId))
      throw new RoundDeadEnd({ kind: "unknown-dividend-round", zone, roundId });
    const reader = zoneReader(config, zone);
    if (!reader)
      throw new Error(
        "This app has no connection to the chain (no RPC URL in its config): it cannot read the round.",
      );
    const fromBlock = zoneCreatedBlock(config, zone);
    const round = await readDividendRound(reader, BigInt(roundId), { fromBlock });
    if (!round) throw new RoundDeadEnd({ kind: "unknown-dividend-round", zone, roundId });
    const claimedNullifiers = (await readDividendClaims(reader, round.roundId, { fromBlock })).map(
      (claim) => claim.nullifier,
    );
    return { round, claimedNullifiers };
  }, [config, zone, roundId]);
  useEffect(() => {
    let current = true;
    setLoad({ kind: "loading" });
    setDeadEnd(undefined);
    read().then(
      (view) => current && setLoad({ kind: "ready", view }),
      (error: unknown) => {
        if (!current) return;
        const found = error instanceof RoundDeadEnd ? error.deadEnd : deadEndOf(error, { zone });
        if (found) setDeadEnd(found);
        else setLoad({ kind: "error", message: explain(error) });
      },
    );
    return () => {
      current = false;
    };
  }, [read, zone, attempt]);
  return { load, deadEnd };
}

/** `amount` of a token as people read it: "10 USDz", "0.5 ETH". */
export function formatAmount(amount: bigint, token: TokenInfo): string {
  return `${formatUnits(amount, token.decimals).replace(/\.0$/, "")} ${token.symbol}`;
}

function tokenOf(tokens: Record<string, TokenInfo>, address: string): TokenInfo {
  if (address === ZeroAddress) return { symbol: "ETH", decimals: 18 };
  return tokens[getAddress(address)] ?? { symbol: "tokens", decimals: 18 };
}

export function DividendPage(props: DividendPageProps) {
  const { config, zone, roundId, identity } = props;
  const name = nameOf(config, zone) ?? zone;
  const [attempt, setAttempt] = useState(0);
  const { load, deadEnd } = useRoundView(props, attempt);
  // Whether the identity is a citizen, and its leaf (citizen-place.ts): in the round's electorate
  // when the leaf is among the snapshot's; the claim's path checks it against the chain's root.
  const citizenship = useCitizenship(config, props.relayers, zone, identity, {
    enabled: load.kind === "ready",
    attempt,
    checkAtSize: load.kind === "ready" ? Number(load.view.round.eligibleCount) : undefined,
  });
  const retry = () => setAttempt((count) => count + 1);
  const tokens = useTokens(config, load.kind === "ready" ? [load.view.round.token] : []);

  if (deadEnd) return <DeadEndPage deadEnd={deadEnd} zoneName={name} onRetry={retry} />;
  const back = (
    <p>
      <a href={`#/zone/${zone}/treasury`}>Back to {name}'s treasury</a>
    </p>
  );
  if (load.kind !== "ready") {
    return (
      <>
        <h1>
          {name}: dividend round #{roundId}
        </h1>
        {load.kind === "loading" ? (
          <p aria-live="polite">Reading the round from the chain…</p>
        ) : (
          <p className="error" role="alert">
            The round could not be read: {load.message}{" "}
            <button type="button" className="secondary" onClick={retry}>
              Try again
            </button>
          </p>
        )}
        {back}
      </>
    );
  }
  const { view } = load;
  const { round } = view;
  const token = tokenOf(tokens, round.token);
  const share = formatAmount(round.amountPerCitizen, token);
  const { isMember, leafIndex } = citizenship;
  const status =
    identity && isMember !== undefined
      ? dividendClaimStatusOf(
          round,
          view.claimedNullifiers,
          identity,
          leafIndex !== undefined && leafIndex < Number(round.eligibleCount),
          { chainId: BigInt(config.chainId), zone },
        )
      : undefined;
  return (
    <>
      <h1>
        {name}: dividend round #{roundId}
      </h1>
      <section aria-labelledby="round-heading" className="dividend-round">
        <h2 id="round-heading">What it pays</h2>
        <dl className="dividend-facts">
          <dt>Each citizen's share</dt>
          <dd data-testid="dividend-share">{share}</dd>
          <dt>Who may claim</dt>
          <dd>
            The {round.eligibleCount.toString()} citizens who could vote on{" "}
            <a href={`#/zone/${zone}/proposal/${round.proposalId}`}>
              proposal #{round.proposalId.toString()}
            </a>
            , which opened it
          </dd>
          <dt>Claimed</dt>
          <dd data-testid="dividend-claimed">
            {round.claimedCount.toString()} of {round.eligibleCount.toString()}
          </dd>
          <dt>Still owed</dt>
          <dd>{formatAmount(round.owed, token)}</dd>
          <dt>{round.status === "over" || round.status === "closed" ? "Claims ended" : "Claim before"}</dt>
          <dd>{formatDate(Number(round.claimDeadline))}</dd>
        </dl>
      </section>
      {identity && status && status.kind === "not-eligible" ? (
        <DeadEndPage
          deadEnd={isMember ? { kind: "not-in-dividend-electorate", zone } : { kind: "not-a-citizen" }}
          zoneName={name}
          onRetry={retry}
        />
      ) : (
        <ClaimSection
          {...props}
          view={view}
          status={status}
          leafIndex={leafIndex}
          searching={citizenship.searching ?? citizenship.error}
          token={token}
          share={share}
        />
      )}
      {back}
      <IdentityPanel zone={zone} identity={identity} onUnlocked={props.onUnlocked} isMember={isMember} />
    </>
  );
}

/** The status in words, for each case but "claimable" (whose words are the form). */
const STATUS_WORDS: Record<Exclude<DividendClaimStatus["kind"], "claimable" | "not-eligible">, string> = {
  claimed: "You have already claimed your share of this round with this identity.",
  exhausted: "Every citizen of this round has claimed: nothing is left to claim.",
  over: "The claim period of this round is over.",
  closed: "This round is closed: what was not claimed went back to the treasury.",
};

/** The relayer's refusals of a claim (the zone's own, mapped by the relayer), in the citizen's words. */
const REFUSAL_WORDS: Record<string, string> = {
  duplicate_nullifier: STATUS_WORDS.claimed,
  round_exhausted: STATUS_WORDS.exhausted,
  claim_period_over: STATUS_WORDS.over,
  unknown_round: "The relayer does not know this round.",
  invalid_proof:
    "The zone rejected the proof of your claim: nothing was paid. Reload the page and try again.",
};

type Phase =
  | { kind: "choosing" }
  | { kind: "confirming"; recipient: string }
  | { kind: "proving"; recipient: string; detail: string }
  | { kind: "sending"; recipient: string }
  | { kind: "queued"; recipient: string }
  | { kind: "confirmed"; recipient: string; balance: bigint | undefined; txHash: string | null }
  | { kind: "error"; message: string };

/** The steps of a claim, in the citizen's words. */
export const CLAIM_STEPS = ["Making your anonymous proof", "Sending", "Confirmed"];

function ClaimSection(
  props: DividendPageProps & {
    view: RoundView;
    status: DividendClaimStatus | undefined;
    leafIndex: number | undefined;
    /** The search of the identity's place while it runs (or why it failed). */
    searching: string | undefined;
    token: TokenInfo;
    share: string;
  },
) {
  const { config, relayers, zone, identity, status, token, share, view } = props;
  const [phase, setPhase] = useState<Phase>({ kind: "choosing" });

  const claim = async (recipient: string) => {
    if (!identity || props.leafIndex === undefined) return;
    setPhase({ kind: "proving", recipient, detail: "fetching your Merkle path" });
    try {
      const { request } = await proveDividendClaim(
        {
          ...zoneTarget(config, zone, identity, props.leafIndex),
          roundId: view.round.roundId.toString(),
          electorate: {
            id: view.round.proposalId.toString(),
            snapshotRoot: view.round.snapshotRoot.toString(),
            snapshotDepth: view.round.snapshotDepth,
            eligibleCount: Number(view.round.eligibleCount),
          },
          recipient,
        },
        (_stage, detail) => setPhase({ kind: "proving", recipient, detail }),
      );
      setPhase({ kind: "sending", recipient });
      const { client } = await relayers.firstAccepting((candidate) => candidate.claimDividend(request));
      setPhase({ kind: "queued", recipient });
      const settled = await client.waitForDividend(request.nullifier, {
        timeoutMs: 120_000,
        intervalMs: 500,
      });
      if (settled.status === "rejected")
        throw new Error(`The zone refused the claim: ${settled.reason ?? "no reason given"}`);
      const balance = await balanceOf(config, view.round.token, recipient).catch(() => undefined);
      setPhase({ kind: "confirmed", recipient, balance, txHash: settled.txHash });
    } catch (error) {
      const message =
        error instanceof RelayerRefusal && error.code in REFUSAL_WORDS
          ? REFUSAL_WORDS[error.code]!
          : error instanceof ProverError
            ? error.message
            : explain(error);
      setPhase({ kind: "error", message });
    }
  };

  if (!identity) {
    return (
      <section aria-labelledby="claim-heading">
        <h2 id="claim-heading">Claim your share</h2>
        <p>Unlock (or create) your identity below to see whether you can claim, and to claim.</p>
      </section>
    );
  }
  const sending = phase.kind === "proving" || phase.kind === "sending" || phase.kind === "queued";
  return (
    <section aria-labelledby="claim-heading">
      <h2 id="claim-heading">Claim your share</h2>
      {!status && props.searching && (
        <p className="muted" aria-live="polite" data-testid="place-search">
          {props.searching[0]!.toUpperCase()}
          {props.searching.slice(1)}…
        </p>
      )}
      {/* The form stays while the claim is on its way (locked), so a failure keeps the address and its key. */}
      {phase.kind !== "confirmed" && status?.kind === "claimable" ? (
        <>
          <p data-testid="dividend-status">You can claim {share}, anonymously: a relayer pays the fees.</p>
          <fieldset className="lock" disabled={sending}>
            <RecipientForm
              share={share}
              onClaim={(recipient) => setPhase({ kind: "confirming", recipient })}
            />
          </fieldset>
        </>
      ) : (
        phase.kind !== "confirmed" &&
        status &&
        status.kind !== "not-eligible" &&
        status.kind !== "claimable" && (
          <p className="voted" role="status" data-testid="dividend-status">
            {STATUS_WORDS[status.kind]}
          </p>
        )
      )}
      <ClaimProgress phase={phase} share={share} token={token} />
      {phase.kind === "confirming" && (
        <ConfirmClaim
          share={share}
          recipient={phase.recipient}
          onBack={() => setPhase({ kind: "choosing" })}
          onSend={() => void claim(phase.recipient)}
        />
      )}
    </section>
  );
}

async function balanceOf(config: WebConfig, token: string, owner: string): Promise<bigint> {
  const provider = chainProvider(config);
  if (!provider) throw new Error("no RPC");
  return tokenBalance(provider, token, owner);
}

/**
 * Where the share goes: any address pasted (checked, checksummed) or a fresh one made here, whose
 * private key the citizen must keep: a payment to a key nobody kept is lost.
 */
function RecipientForm({ share, onClaim }: { share: string; onClaim: (recipient: string) => void }) {
  const [typed, setTyped] = useState("");
  const [fresh, setFresh] = useState<{ address: string; privateKey: string }>();
  const [saved, setSaved] = useState(false);
  const [keyFile, setKeyFile] = useState<string>();
  useEffect(() => {
    if (!fresh) return;
    const text =
      `ZoneDAO dividend payee\naddress: ${fresh.address}\nprivate key: ${fresh.privateKey}\n` +
      "Whoever holds this key holds the money paid to this address. Keep it safe and secret.\n";
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    setKeyFile(url);
    return () => URL.revokeObjectURL(url);
  }, [fresh]);

  const trimmed = typed.trim();
  const valid = trimmed !== "" && isAddress(trimmed);
  const recipient = valid ? getAddress(trimmed) : undefined;
  const isFresh = fresh !== undefined && recipient === fresh.address;
  const invalid = trimmed !== "" && !valid;
  const canClaim = recipient !== undefined && recipient !== ZeroAddress && (!isFresh || saved);
  return (
    <form
      className="dividend-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (canClaim) onClaim(recipient);
      }}
    >
      <label htmlFor="dividend-recipient">Pay to</label>
      <input
        id="dividend-recipient"
        value={typed}
        spellCheck={false}
        autoComplete="off"
        placeholder="0x…"
        aria-invalid={invalid}
        aria-describedby="dividend-recipient-help"
        onChange={(event) => setTyped(event.target.value)}
      />
      <p id="dividend-recipient-help" className={invalid ? "error" : "muted"}>
        {invalid
          ? "This is not an Ethereum address (0x and 40 hex digits, with a valid checksum if mixed case)."
          : "Any address. A fresh one keeps the payment from being linked to an account you already use."}
      </p>
      <p>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            const wallet = Wallet.createRandom();
            setFresh({ address: wallet.address, privateKey: wallet.privateKey });
            setSaved(false);
            setTyped(wallet.address);
          }}
        >
          Use a fresh address
        </button>
      </p>
      {fresh && isFresh && (
        <div className="dividend-fresh" data-testid="fresh-key">
          <p>
            <strong>This address's private key</strong> (made in this browser, sent nowhere). Whoever holds it
            holds the money: save it now, it is not kept here.
          </p>
          <p className="commitment">{fresh.privateKey}</p>
          <p>
            <a href={keyFile} download={`zonedao-dividend-${fresh.address}.txt`}>
              Download the key as a file
            </a>
          </p>
          <label className="inline">
            <input type="checkbox" checked={saved} onChange={(event) => setSaved(event.target.checked)} /> I
            saved this key
          </label>
        </div>
      )}
      {recipient && <p className="muted">Paid to {recipient}</p>}
      <button type="submit" disabled={!canClaim}>
        Claim {share}
      </button>
    </form>
  );
}

/** The step before an irreversible claim, as a vote's: Send or Back; Escape is Back. */
function ConfirmClaim(props: { share: string; recipient: string; onSend: () => void; onBack: () => void }) {
  const short = `${props.recipient.slice(0, 6)}…${props.recipient.slice(-4)}`;
  return (
    <ConfirmDialog
      name="claim"
      heading={`Send your claim of ${props.share} to ${short}?`}
      onSend={props.onSend}
      onBack={props.onBack}
    >
      <p id="confirm-claim-note">
        This cannot be undone: the share is paid to <span className="commitment">{props.recipient}</span>.
      </p>
    </ConfirmDialog>
  );
}

function ClaimProgress(props: { phase: Phase; share: string; token: TokenInfo }) {
  const { phase, share, token } = props;
  const current =
    phase.kind === "proving"
      ? 0
      : phase.kind === "sending" || phase.kind === "queued"
        ? 1
        : phase.kind === "confirmed"
          ? 3
          : -1;
  return (
    <div aria-live="polite" data-testid="claim-progress">
      <Stages steps={CLAIM_STEPS} current={current} />
      {phase.kind === "proving" && <p>Making your anonymous proof ({phase.detail})…</p>}
      {phase.kind === "sending" && <p>Sending your claim to a relayer…</p>}
      {phase.kind === "queued" && <p>Accepted by the relayer; waiting for the chain to confirm it…</p>}
      {phase.kind === "confirmed" && (
        <>
          <p className="ok" role="status">
            Your claim of {share} is confirmed
            {phase.txHash ? ` (transaction ${phase.txHash.slice(0, 12)}…)` : ""}.
          </p>
          <p data-testid="recipient-balance">
            {phase.balance === undefined
              ? `The balance of ${phase.recipient} could not be read.`
              : `${phase.recipient} now holds ${formatAmount(phase.balance, token)}.`}
          </p>
        </>
      )}
      {phase.kind === "error" && (
        <p className="error" role="alert">
          {phase.message}
        </p>
      )}
    </div>
  );
}
