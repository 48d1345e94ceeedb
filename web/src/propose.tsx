/**
 * Anonymous proposals of every decision kind (decisions.ts), proved in the browser. The page shows
 * what the zone will do, in the sdk's words (describeProposal), before anything is sent.
 */
import type { Identity } from "@semaphore-protocol/identity";
import { useEffect, useId, useMemo, useState, type FormEvent, type ReactNode } from "react";
import { describeProposal } from "../../sdk/actions.js";
import { nullifierOf } from "../../sdk/nullifier.js";
import { queryEvents } from "../../sdk/logs.js";
import { proposalScope } from "../../sdk/scope.js";
import type { ZoneAction } from "../../sdk/types.js";
import { explain, tradeReader, zoneReader, type Relayers, type WebConfig } from "./api.js";
import {
  DECISION_KINDS,
  RULE_FIELDS,
  buildActions,
  rulesToFields,
  type DecisionContext,
  type DecisionKind,
  type Fields,
} from "./decisions.js";
import { proveProposal } from "./prover.js";
import { describeContext, useTokens } from "./readable.js";

interface ProposeProps {
  config: WebConfig;
  relayers: Relayers;
  zone: string;
  identity: Identity | undefined;
  isMember: boolean | undefined;
}

export function ProposeForm(props: ProposeProps) {
  const { config, relayers, zone, identity } = props;
  const id = useId();
  const [kind, setKind] = useState<DecisionKind>("payment");
  const [fields, setFields] = useState<Fields>({
    currency: "ether",
    serviceToken: config.contracts.stablecoin ? "stablecoin" : "other",
    paymentToken: config.contracts.stablecoin ? "stablecoin" : "other",
    offerToken: "other",
    offerAsset: "tokens",
    membership: "add",
    periodDays: "30",
    expiryDays: "7",
    incomeShare: "10",
  });
  const [members, setMembers] = useState<string[]>();
  const [offer, setOffer] = useState<DecisionContext["offer"]>();
  const [offerNote, setOfferNote] = useState<string>();
  const [status, setStatus] = useState<{ text: string; error?: boolean; link?: string }>();
  const [busy, setBusy] = useState(false);
  const reader = useMemo(() => zoneReader(config, zone), [config, zone]);
  const set = (name: string, value: string) => setFields((current) => ({ ...current, [name]: value }));

  // The current rules prefill the rules change and the internal DAO's rules.
  useEffect(() => {
    reader?.rules().then(
      (rules) =>
        setFields((current) => ({
          ...rulesToFields(rules, "rules."),
          ...rulesToFields(rules, "dao."),
          ...current,
        })),
      () => undefined,
    );
    relayers.members(zone).then(
      ({ members: list }) => setMembers(list),
      () => undefined,
    );
  }, [reader, relayers, zone]);

  // Accepting an offer: its payment token and total price come from the trade contract.
  const offerId = fields.offerId?.trim() ?? "";
  useEffect(() => {
    setOffer(undefined);
    setOfferNote(undefined);
    const trade = tradeReader(config);
    if (kind !== "accept-offer" || !/^\d+$/.test(offerId) || !trade) return;
    let current = true;
    trade.getOffer(BigInt(offerId)).then(
      (found) => {
        if (!current) return;
        if (found.seller === "0x0000000000000000000000000000000000000000")
          return setOfferNote("No such offer.");
        setOffer({ paymentToken: found.paymentToken, total: found.quantity * found.pricePerUnit });
        setOfferNote(
          `Offer from zone ${found.seller}: ${found.quantity} units at ${found.pricePerUnit} each.`,
        );
      },
      (error: unknown) => current && setOfferNote(explain(error)),
    );
    return () => {
      current = false;
    };
  }, [config, kind, offerId]);

  const tokens = useTokens(config, [
    fields.serviceTokenAddress,
    fields.offerTokenAddress,
    fields.paymentTokenAddress,
    offer?.paymentToken,
  ]);
  const context: DecisionContext = { config, zone, members, offer, tokens };
  let actions: ZoneAction[] | undefined;
  let problem: string | undefined;
  try {
    actions = buildActions(kind, fields, context);
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  const summary =
    actions &&
    describeProposal([actions], { ...describeContext(config, zone, tokens), multipleChoice: false });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!identity || !reader) return;
    if (!actions) return setStatus({ text: problem ?? "The form is not complete.", error: true });
    if ((fields.description ?? "").trim() === "") {
      return setStatus({ text: "Description: say in a sentence why citizens should vote For.", error: true });
    }
    setBusy(true);
    try {
      const options = [actions];
      setStatus({ text: "Finding a free proposal slot…" });
      const fromBlock =
        config.zones.find((known) => known.address.toLowerCase() === zone.toLowerCase())?.createdBlock ?? 0;
      const [epoch, rules, created] = await Promise.all([
        reader.currentProposalEpoch(),
        reader.rules(),
        queryEvents(reader, reader.filters.ProposalCreated(), fromBlock),
      ]);
      // The used slots are found among every proposal's nullifier, here: asking the chain about
      // ours would tell the RPC which slots (and so which proposals) are this citizen's.
      const used = new Set(created.map((log) => log.args.nullifier.toString()));
      let slot: bigint | undefined;
      for (let candidate = 0n; candidate < rules.proposalsPerEpoch; candidate++) {
        const nullifier = nullifierOf(
          identity,
          proposalScope(BigInt(config.chainId), zone, epoch, candidate),
        );
        if (!used.has(nullifier.toString())) {
          slot = candidate;
          break;
        }
      }
      if (slot === undefined) {
        throw new Error(`You have used all ${rules.proposalsPerEpoch} of your proposals for this period.`);
      }
      const { members: current } = await relayers.members(zone);
      const { request } = await proveProposal(
        {
          identity: identity.export(),
          base: document.baseURI,
          chainId: config.chainId,
          zone,
          rpcUrl: config.rpcUrl,
          fromBlock: 0,
          members: current,
          epoch: epoch.toString(),
          slot: slot.toString(),
          options: options.map((list) => list.map((a) => ({ ...a, value: a.value.toString() }))),
          description: fields.description!.trim(),
        },
        (_stage, detail) => setStatus({ text: `Preparing your proposal: ${detail}…` }),
      );
      setStatus({ text: "Sending your proposal…" });
      const { client } = await relayers.submitProposal(request);
      setStatus({ text: "Accepted by the relayer; waiting for the zone to record it…" });
      for (let tries = 0; tries < 240; tries++) {
        const submission = await client.proposalStatus(request.nullifier);
        if (submission.status === "rejected")
          throw new Error(`The zone refused it: ${submission.reason ?? "no reason"}`);
        if (submission.status === "confirmed") {
          return setStatus({
            text: `Your proposal is #${submission.proposalId ?? "?"}.`,
            link: submission.proposalId ? `#/zone/${zone}/proposal/${submission.proposalId}` : undefined,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      setStatus({ text: "Still waiting for the zone: check the proposals list later." });
    } catch (error) {
      setStatus({ text: explain(error), error: true });
    } finally {
      setBusy(false);
    }
  };

  /** A labelled text input bound to `fields[name]`. */
  const input = (name: string, label: string, extra: { hint?: string; decimal?: boolean } = {}) => (
    <div key={name}>
      <label htmlFor={`${id}-${name}`}>{label}</label>
      <input
        id={`${id}-${name}`}
        value={fields[name] ?? ""}
        inputMode={extra.decimal ? "decimal" : undefined}
        aria-describedby={extra.hint ? `${id}-${name}-hint` : undefined}
        onChange={(event) => set(name, event.target.value)}
      />
      {extra.hint && (
        <small id={`${id}-${name}-hint`} className="muted">
          {extra.hint}
        </small>
      )}
    </div>
  );
  const choice = (name: string, label: string, options: [string, string][]) => (
    <div key={name}>
      <label htmlFor={`${id}-${name}`}>{label}</label>
      <select id={`${id}-${name}`} value={fields[name]} onChange={(event) => set(name, event.target.value)}>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
  const tokenChoice = (name: string, label: string) => (
    <>
      {choice(
        name,
        label,
        config.contracts.stablecoin
          ? [
              ["stablecoin", "USDz (the zone's stablecoin)"],
              ["other", "Another token"],
            ]
          : [["other", "A token (its address)"]],
      )}
      {fields[name] === "other" && input(`${name}Address`, `${label} (token address)`)}
    </>
  );
  const rulesFields = (prefix: string) => (
    <fieldset>
      <legend>
        {prefix === "dao." ? "The internal DAO's rules" : "New rules (prefilled with the current ones)"}
      </legend>
      {RULE_FIELDS.map(({ key, label }) => input(prefix + key, label, { decimal: true }))}
    </fieldset>
  );

  const kindFields: Record<DecisionKind, ReactNode> = {
    payment: (
      <>
        {input("payee", "Pay to (address)")}
        {input("amount", "Amount", { decimal: true })}
        {choice("currency", "Currency", [
          ["ether", "ETH"],
          ...(config.contracts.stablecoin
            ? [["stablecoin", "USDz (the zone's stablecoin)"] as [string, string]]
            : []),
        ])}
      </>
    ),
    service: (
      <>
        {input("serviceKind", "Kind of service", { hint: "One word: healthcare, education, transport…" })}
        {input("serviceName", "Service name")}
        {input("provider", "Provider (address)")}
        {tokenChoice("serviceToken", "Paid in")}
        {input("budget", "Budget per period", { decimal: true })}
        {input("periodDays", "Paid every (days)")}
      </>
    ),
    "internal-dao": (
      <>
        {input("daoName", "Name")}
        {input("daoRegistrar", "Registrar (address)", {
          hint: "Empty: only the internal DAO's proposals admit members.",
        })}
        {input("incomeShare", "Income returned to the zone (%)", { decimal: true })}
        {rulesFields("dao.")}
      </>
    ),
    offer: (
      <>
        {choice("offerAsset", "Sell", [
          ["tokens", "Tokens from the treasury"],
          ["goods", "Zone goods"],
        ])}
        {fields.offerAsset === "goods" ? (
          <>
            {input("goodsId", "Goods id", {
              hint: "The good's id (decimal or 0x hex), as the goods contract lists it.",
            })}
            {input("quantity", "Quantity (units)")}
            {tokenChoice("paymentToken", "Paid in")}
            {input("price", "Price per unit", { decimal: true })}
          </>
        ) : (
          <>
            {tokenChoice("offerToken", "Token sold")}
            {input("quantity", "Quantity (tokens)", { decimal: true })}
            {tokenChoice("paymentToken", "Paid in")}
            {input("price", "Price per token (in the payment token)", { decimal: true })}
          </>
        )}
        {input("buyer", "Only this zone may buy (address)", { hint: "Empty: any zone." })}
        {input("expiryDays", "Open for (days)")}
      </>
    ),
    "accept-offer": (
      <>
        {input("offerId", "Offer number")}
        {offerNote && <p className="muted">{offerNote}</p>}
      </>
    ),
    rules: rulesFields("rules."),
    membership: (
      <>
        {choice("membership", "Action", [
          ["add", "Admit a citizen"],
          ["remove", "Remove a citizen"],
        ])}
        {input("commitment", "Citizen's identity commitment")}
        {fields.membership === "remove" && (
          <p className="muted">
            The Merkle proof is computed from today's group: if citizens join or leave before it runs, the
            removal fails and must be proposed again.
          </p>
        )}
      </>
    ),
  };

  return (
    <section aria-labelledby="propose-heading">
      <h2 id="propose-heading">Make a proposal</h2>
      <p className="muted">
        Anonymous: the proof shows you are a citizen, not which one. It passes if citizens vote For and quorum
        is reached; after the timelock anyone can execute it.
      </p>
      {!reader && <p className="error">Proposing needs the chain's RPC URL in the app's config.</p>}
      {!identity && <p>Unlock your identity above first.</p>}
      {identity && props.isMember === false && (
        <p className="error">This identity is not a citizen of the zone yet.</p>
      )}
      <form onSubmit={(event) => void submit(event)} noValidate>
        <label htmlFor={`${id}-kind`}>What do you propose?</label>
        <select
          id={`${id}-kind`}
          value={kind}
          onChange={(event) => {
            setKind(event.target.value as DecisionKind);
            setStatus(undefined);
          }}
        >
          {Object.entries(DECISION_KINDS).map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea
          id={`${id}-description`}
          value={fields.description ?? ""}
          onChange={(event) => set("description", event.target.value)}
          required
        />
        {kindFields[kind]}
        <div className="preview" aria-live="polite" data-testid="proposal-preview">
          <h3>What citizens will vote on</h3>
          {summary ? (
            <ul>
              {summary.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          ) : (
            <p className="muted">Not ready yet: {problem}</p>
          )}
        </div>
        <button type="submit" disabled={busy || !identity || !reader || props.isMember !== true}>
          {busy ? "Working…" : "Propose"}
        </button>
      </form>
      {status && (
        <p className={status.error ? "error" : undefined} role={status.error ? "alert" : "status"}>
          {status.text} {status.link && <a href={status.link}>Open it</a>}
        </p>
      )}
      <p>
        <a href={`#/zone/${zone}`}>Back to the proposals</a>
      </p>
    </section>
  );
}
