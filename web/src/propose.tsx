/**
 * Anonymous proposals of every decision kind (decisions.ts), proved in the browser: For / Against /
 * Abstain on one decision, or several options (each a decision, or nothing) of which the winner
 * runs. The page shows what the zone will do, in the sdk's words (readableLines), before
 * anything is sent.
 */
import type { Identity } from "@semaphore-protocol/identity";
import { ZeroAddress } from "ethers";
import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type ReactNode } from "react";
import { MAX_OPTIONS } from "../../sdk/constants.js";
import { nullifierOf } from "../../sdk/nullifier.js";
import { queryEvents } from "../../sdk/logs.js";
import { proposalScope } from "../../sdk/scope.js";
import type { ZoneAction } from "../../sdk/types.js";
import { ZoneServices__factory } from "../../types/ethers-contracts/factories/contracts/economy/ZoneServices__factory.js";
import { chainProvider, explain, tradeReader, zoneReader, type Relayers, type WebConfig } from "./api.js";
import {
  DECISION_KINDS,
  RULE_FIELDS,
  buildActions,
  buildOptions,
  rulesToFields,
  type DecisionContext,
  type DecisionKind,
  type Fields,
  type OptionDraft,
  type OptionKind,
} from "./decisions.js";
import { proveProposal } from "./prover.js";
import { describeContext, readableLines, useTokens } from "./readable.js";

interface ProposeProps {
  config: WebConfig;
  relayers: Relayers;
  zone: string;
  identity: Identity | undefined;
  isMember: boolean | undefined;
}

/** How citizens choose: For / Against / Abstain on one decision, or one of several options. */
type Ballot = "for-against" | "options";

/** A new decision's fields before the citizen types anything. */
function blankFields(config: WebConfig): Fields {
  return {
    currency: "ether",
    serviceToken: config.contracts.stablecoin ? "stablecoin" : "other",
    paymentToken: config.contracts.stablecoin ? "stablecoin" : "other",
    offerToken: "other",
    offerAsset: "tokens",
    dividendToken: config.contracts.stablecoin ? "stablecoin" : "ether",
    reserveGoods: "id",
    membership: "add",
    periodDays: "30",
    expiryDays: "7",
    incomeShare: "10",
  };
}

/** A service read for a "change a service" decision, or why it cannot be changed. */
interface ServiceRead {
  service?: DecisionContext["service"];
  note: string;
}

/** A trade offer read for an "accept an offer" decision, or why it cannot be. */
interface OfferRead {
  offer?: DecisionContext["offer"];
  note: string;
}

/**
 * What the chain says of each id that the drafts of `kind` name in `field` (an offer, a service):
 * read again whenever the set of ids or `deps` change; a failed read is its error as the note.
 * Without `read` (no RPC, or no such contract) nothing is read.
 */
function useDraftReads<T extends { note: string }>(
  drafts: readonly OptionDraft[],
  kind: DecisionKind,
  field: string,
  read: ((id: bigint) => Promise<T>) | undefined,
  deps: readonly unknown[],
): (draft: OptionDraft) => T | undefined {
  const [reads, setReads] = useState<Record<string, T>>({});
  const idOf = (draft: OptionDraft) => draft.fields[field]?.trim() ?? "";
  const ids = [
    ...new Set(
      drafts
        .filter((draft) => draft.kind === kind)
        .map(idOf)
        .filter((value) => /^\d+$/.test(value)),
    ),
  ].join(",");
  // The latest `read`: a new function each render, while the reads depend on `ids` and `deps`.
  const readRef = useRef(read);
  readRef.current = read;
  useEffect(() => {
    setReads({});
    const readOne = readRef.current;
    if (ids === "" || !readOne) return;
    let current = true;
    for (const id of ids.split(",")) {
      const found = (value: T) => current && setReads((known) => ({ ...known, [id]: value }));
      readOne(BigInt(id)).then(found, (error: unknown) => found({ note: explain(error) } as T));
    }
    return () => {
      current = false;
    };
  }, [ids, ...deps]);
  return (draft) => (draft.kind === kind ? reads[idOf(draft)] : undefined);
}

export function ProposeForm(props: ProposeProps) {
  const { config, relayers, zone, identity } = props;
  const id = useId();
  const [ballot, setBallot] = useState<Ballot>("for-against");
  const [description, setDescription] = useState("");
  // For / Against / Abstain uses the first draft only; the others are kept if the citizen switches back.
  const [drafts, setDrafts] = useState<OptionDraft[]>(() => [
    { kind: "payment", fields: blankFields(config) },
  ]);
  const [prefill, setPrefill] = useState<Fields>({});
  const [members, setMembers] = useState<string[]>();
  const [status, setStatus] = useState<{ text: string; error?: boolean; link?: string }>();
  const [busy, setBusy] = useState(false);
  const reader = useMemo(() => zoneReader(config, zone), [config, zone]);
  const active = ballot === "options" ? drafts : drafts.slice(0, 1);

  const updateDraft = (index: number, change: (draft: OptionDraft) => OptionDraft) =>
    setDrafts((current) => current.map((draft, i) => (i === index ? change(draft) : draft)));
  const setField = (index: number) => (name: string, value: string) =>
    updateDraft(index, (draft) => ({ ...draft, fields: { ...draft.fields, [name]: value } }));
  const setKind = (index: number, kind: OptionKind) => {
    updateDraft(index, (draft) => ({ ...draft, kind }));
    setStatus(undefined);
  };
  const newDraft = (): OptionDraft => ({ kind: "payment", fields: { ...blankFields(config), ...prefill } });
  const chooseBallot = (chosen: Ballot) => {
    setBallot(chosen);
    setStatus(undefined);
    setDrafts((current) => {
      if (chosen === "options") return current.length < 2 ? [...current, newDraft()] : current;
      // "Nothing happens" is no proposal of its own: For would change nothing.
      return current.map((draft, i) =>
        i === 0 && draft.kind === "nothing" ? { ...draft, kind: "payment" } : draft,
      );
    });
  };

  // The current rules prefill the rules change and the internal DAO's rules, in every option.
  useEffect(() => {
    reader?.rules().then(
      (rules) => {
        const fields = { ...rulesToFields(rules, "rules."), ...rulesToFields(rules, "dao.") };
        setPrefill(fields);
        setDrafts((current) =>
          current.map((draft) => ({ ...draft, fields: { ...fields, ...draft.fields } })),
        );
      },
      () => undefined,
    );
    relayers.members(zone).then(
      ({ members: list }) => setMembers(list),
      () => undefined,
    );
  }, [reader, relayers, zone]);

  // Accepting an offer: its payment token and total price come from the trade contract.
  const trade = tradeReader(config);
  const offerOf = useDraftReads(
    active,
    "accept-offer",
    "offerId",
    trade &&
      (async (offerId): Promise<OfferRead> => {
        const offer = await trade.getOffer(offerId);
        return offer.seller === ZeroAddress
          ? { note: "No such offer." }
          : {
              offer: { paymentToken: offer.paymentToken, total: offer.quantity * offer.pricePerUnit },
              note: `Offer from zone ${offer.seller}: ${offer.quantity} units at ${offer.pricePerUnit} each.`,
            };
      }),
    [config],
  );

  // Changing a service: its budget is in the service's token, read from the services registry.
  const provider = chainProvider(config);
  const registry =
    provider && config.contracts.services
      ? ZoneServices__factory.connect(config.contracts.services, provider)
      : undefined;
  const serviceOf = useDraftReads(
    active,
    "service-update",
    "serviceId",
    registry &&
      (async (serviceId): Promise<ServiceRead> => {
        const service = await registry.getService(zone, serviceId);
        return service.active
          ? {
              service: { token: service.token },
              note: `Service #${serviceId}: ${service.kind}, "${service.description}", paid in token ${service.token} to ${service.provider}.`,
            }
          : { note: `Service #${serviceId} has ended.` };
      }),
    [config, zone],
  );

  const tokens = useTokens(config, [
    ...active.flatMap(({ fields }) => [
      fields.serviceTokenAddress,
      fields.offerTokenAddress,
      fields.paymentTokenAddress,
      fields.dividendTokenAddress,
    ]),
    ...active.map((draft) => offerOf(draft)?.offer?.paymentToken),
    ...active.map((draft) => serviceOf(draft)?.service?.token),
  ]);
  const contextOf = (draft: OptionDraft): DecisionContext => ({
    config,
    zone,
    members,
    offer: offerOf(draft)?.offer,
    service: serviceOf(draft)?.service,
    tokens,
  });
  let options: ZoneAction[][] | undefined;
  let problem: string | undefined;
  try {
    if (ballot === "options") {
      options = buildOptions(drafts, contextOf);
    } else {
      const [decision] = drafts;
      if (!decision || decision.kind === "nothing")
        throw new Error("What do you propose?: choose a decision.");
      options = [buildActions(decision.kind, decision.fields, contextOf(decision))];
    }
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  const summary =
    options && readableLines(options, ballot === "options", describeContext(config, zone, tokens));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!identity || !reader) return;
    if (!options) return setStatus({ text: problem ?? "The form is not complete.", error: true });
    if (description.trim() === "") {
      const why = ballot === "options" ? "what citizens choose between" : "why citizens should vote For";
      return setStatus({ text: `Description: say in a sentence ${why}.`, error: true });
    }
    setBusy(true);
    try {
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
          description: description.trim(),
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

  const kindChoice = (index: number, label: string, kinds: Record<string, string>) => (
    <>
      <label htmlFor={`${id}-${index}-kind`}>{label}</label>
      <select
        id={`${id}-${index}-kind`}
        value={drafts[index]?.kind}
        onChange={(event) => setKind(index, event.target.value as OptionKind)}
      >
        {Object.entries(kinds).map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </>
  );
  const decisionFields = (index: number) => {
    const draft = drafts[index];
    if (!draft || draft.kind === "nothing") return null;
    return (
      <DecisionFields
        idPrefix={`${id}-${index}`}
        kind={draft.kind}
        fields={draft.fields}
        set={setField(index)}
        config={config}
        offerNote={offerOf(draft)?.note}
        serviceNote={serviceOf(draft)?.note}
      />
    );
  };

  return (
    <section aria-labelledby="propose-heading">
      <h2 id="propose-heading">Make a proposal</h2>
      <p className="muted">
        Anonymous: the proof shows you are a citizen, not which one.{" "}
        {ballot === "options"
          ? "Citizens vote for one option; the option with the most votes runs if quorum is reached and it has more than the approval threshold of all votes (no tie)."
          : "It passes if citizens vote For and quorum is reached."}{" "}
        After the timelock anyone can execute it.
      </p>
      {!reader && <p className="error">Proposing needs the chain's RPC URL in the app's config.</p>}
      {!identity && <p>Unlock your identity above first.</p>}
      {identity && props.isMember === false && (
        <p className="error">This identity is not a citizen of the zone yet.</p>
      )}
      <form onSubmit={(event) => void submit(event)} noValidate>
        <fieldset className="ballot">
          <legend>How citizens choose</legend>
          <label>
            <input
              type="radio"
              name={`${id}-ballot`}
              checked={ballot === "for-against"}
              onChange={() => chooseBallot("for-against")}
            />
            For / Against / Abstain
          </label>
          <label>
            <input
              type="radio"
              name={`${id}-ballot`}
              checked={ballot === "options"}
              onChange={() => chooseBallot("options")}
            />
            Several options
          </label>
        </fieldset>
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea
          id={`${id}-description`}
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          required
        />
        {ballot === "for-against" ? (
          <>
            {kindChoice(0, "What do you propose?", DECISION_KINDS)}
            {decisionFields(0)}
          </>
        ) : (
          <>
            {drafts.map((_draft, index) => (
              <fieldset key={index} className="option">
                <legend>Option {index + 1}</legend>
                {kindChoice(index, `Option ${index + 1}: if it wins`, {
                  nothing: "Nothing happens",
                  ...DECISION_KINDS,
                })}
                {decisionFields(index)}
                <button
                  type="button"
                  className="secondary"
                  disabled={drafts.length <= 1}
                  onClick={() => {
                    setDrafts((current) => current.filter((_, i) => i !== index));
                    setStatus(undefined);
                  }}
                >
                  Remove option {index + 1}
                </button>
              </fieldset>
            ))}
            <button
              type="button"
              className="secondary"
              disabled={drafts.length >= MAX_OPTIONS}
              onClick={() => setDrafts((current) => [...current, newDraft()])}
            >
              Add an option
            </button>
            <small className="muted"> 2 to {MAX_OPTIONS} options.</small>
          </>
        )}
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

interface DecisionFieldsProps {
  /** Prefix of the inputs' ids, unique per decision on the page. */
  idPrefix: string;
  kind: DecisionKind;
  fields: Fields;
  set: (name: string, value: string) => void;
  config: WebConfig;
  /** What the trade contract says about the offer being accepted. */
  offerNote: string | undefined;
  /** What the services registry says about the service being changed. */
  serviceNote: string | undefined;
}

/** The fields of one decision of `kind`: the whole For/Against proposal, or one of its options. */
function DecisionFields(props: DecisionFieldsProps) {
  const { idPrefix: id, kind, fields, set, config, offerNote, serviceNote } = props;
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
  const tokenChoice = (name: string, label: string, { ether = false } = {}) => (
    <>
      {choice(name, label, [
        ...(ether ? [["ether", "ETH"] as [string, string]] : []),
        ...(config.contracts.stablecoin
          ? [
              ["stablecoin", "USDz (the zone's stablecoin)"] as [string, string],
              ["other", "Another token"] as [string, string],
            ]
          : [["other", ether ? "Another token" : "A token (its address)"] as [string, string]]),
      ])}
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
    "service-update": (
      <>
        {input("serviceId", "Service number", {
          hint: "As the services registry numbers the zone's services, from 0.",
        })}
        {serviceNote && <p className="muted">{serviceNote}</p>}
        {input("provider", "New provider (address)")}
        {input("budget", "New budget per period", { decimal: true, hint: "In the service's token." })}
      </>
    ),
    "service-end": (
      <>
        {input("serviceId", "Service number", {
          hint: "As the services registry numbers the zone's services, from 0.",
        })}
        <p className="muted">Its provider can claim no more; the service cannot be restarted.</p>
      </>
    ),
    dividend: (
      <>
        {tokenChoice("dividendToken", "Paid in", { ether: true })}
        {input("perCitizen", "Amount per citizen", {
          decimal: true,
          hint: "Each citizen of the zone when it opens may claim it once, anonymously, while the treasury holds enough.",
        })}
      </>
    ),
    reserve: (
      <>
        {choice("reserveGoods", "Goods", [
          ["id", "By goods id"],
          ["product", "By producer and product"],
        ])}
        {fields.reserveGoods === "product" ? (
          <>
            {input("producer", "Producer (address of the internal DAO)")}
            {input("product", "Product", { hint: "Its name exactly as produced: wheat, bread…" })}
          </>
        ) : (
          input("goodsId", "Goods id", {
            hint: "The good's id (decimal or 0x hex), as the goods contract lists it.",
          })
        )}
        {input("reserveAmount", "Kept for citizens (units)", {
          hint: "Trade offers may sell only what the zone holds above this; 0 removes the reserve.",
        })}
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

  return kindFields[kind];
}
