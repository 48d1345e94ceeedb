/**
 * Anonymous proposals of every decision kind (decisions.ts), proved in the browser: For / Against /
 * Abstain on one decision, or several options (each a decision, or nothing) of which the winner
 * runs. The page shows what the zone will do, in the sdk's words (readableLines), before
 * anything is sent. What the decisions read from the chain is useDecisionContext's; proving and
 * sending are usePropose's.
 */
import type { Identity } from "@semaphore-protocol/identity";
import { useEffect, useId, useState, type FormEvent, type ReactNode } from "react";
import { ballotOptions } from "../../sdk/ballot.js";
import { MAX_OPTIONS, SEALED_OPTIONS } from "../../sdk/constants.js";
import { MAX_OPTION_NAME_LENGTH, MAX_TITLE_LENGTH } from "../../sdk/proposal-text.js";
import type { ZoneAction } from "../../sdk/types.js";
import type { Relayers, WebConfig } from "./api.js";
import {
  DECISION_KINDS,
  RULE_FIELDS,
  buildActions,
  buildOptions,
  proposalDescription,
  type DecisionKind,
  type Fields,
  type OptionDraft,
  type OptionKind,
} from "./decisions.js";
import { identicalProposalText, slotsLine, type ProposeStatus } from "./proposing.js";
import { describeContext, useAdmissionsAddress, readableLines, useEconomyNames } from "./readable.js";
import { useDecisionContext } from "./use-decision-context.js";
import { usePropose } from "./use-propose.js";
import { useZoneAdmissions, type ZoneAdmissionsView } from "./use-admissions.js";
import { rejectionDeadline, waitingRequests } from "../../sdk/admissions.js";
import { formatDate } from "./format.js";

interface ProposeProps {
  config: WebConfig;
  relayers: Relayers;
  zone: string;
  identity: Identity | undefined;
  isMember: boolean | undefined;
  /** The identity's leaf index (citizen-place.ts), once found. */
  leafIndex: number | undefined;
  /** A decision kind to start with (the route's: #/zone/<zone>/propose/reject-admissions). */
  decision?: string;
  /** The route's next segment, for the decision it names: accept-offer/<offerId> fills the offer number. */
  prefill?: string;
}

/** How citizens choose: For / Against / Abstain on one decision, or one of several options. */
type Ballot = "for-against" | "options";

/** A new decision's fields before the citizen types anything. */
function blankFields(config: WebConfig): Fields {
  return {
    currency: "ether",
    serviceToken: config.contracts.stablecoin ? "stablecoin" : "other",
    paymentToken: config.contracts.stablecoin ? "stablecoin" : "other",
    rewardToken: config.contracts.stablecoin ? "stablecoin" : "other",
    offerToken: "other",
    offerAsset: "tokens",
    dividendToken: config.contracts.stablecoin ? "stablecoin" : "ether",
    reserveGoods: "id",
    membership: "add",
    periodDays: "30",
    expiryDays: "7",
    claimDays: "30",
    incomeShare: "10",
  };
}

/** The fields a route fills in: #/zone/<zone>/propose/accept-offer/<offerId> (the trade page's link). */
function prefilledFields(decision: string | undefined, prefill: string | undefined): Fields {
  return decision === "accept-offer" && prefill !== undefined && /^\d+$/.test(prefill)
    ? { offerId: prefill }
    : {};
}

/**
 * The proposal form, started afresh by "Make another proposal": a new form is a new component, so
 * nothing of the proposal just sent (fields, status, the slot it used) carries over.
 */
export function ProposeForm(props: ProposeProps) {
  const [round, setRound] = useState(0);
  return <ProposalForm key={round} {...props} onAnother={() => setRound((count) => count + 1)} />;
}

function ProposalForm(props: ProposeProps & { onAnother: () => void }) {
  const { config, relayers, zone, identity } = props;
  const id = useId();
  const [ballot, setBallot] = useState<Ballot>("for-against");
  const preset = props.decision !== undefined && props.decision in DECISION_KINDS;
  const [title, setTitle] = useState(() => (preset ? DECISION_KINDS[props.decision as DecisionKind] : ""));
  // For / Against / Abstain uses the first draft only; the others are kept if the citizen switches back.
  const [drafts, setDrafts] = useState<OptionDraft[]>(() => [
    {
      kind: preset ? (props.decision as DecisionKind) : "payment",
      fields: { ...blankFields(config), ...prefilledFields(props.decision, props.prefill) },
    },
  ]);
  const active = ballot === "options" ? drafts : drafts.slice(0, 1);
  const { rulesFields, contextOf, notesOf, tokens } = useDecisionContext(config, relayers, zone, active);
  const admissionsAddress = useAdmissionsAddress(config, zone);
  const economy = useEconomyNames(config, zone);
  const admissions = useZoneAdmissions(config, zone, undefined);
  const [sealedChosen, setSealedChosen] = useState(false);
  const { status, busy, sent, period, periodError, sealable, propose, say } = usePropose(
    config,
    relayers,
    zone,
    identity,
    props.leafIndex,
  );
  const canReadChain = Boolean(config.rpcUrl);

  const updateDraft = (index: number, change: (draft: OptionDraft) => OptionDraft) =>
    setDrafts((current) => current.map((draft, i) => (i === index ? change(draft) : draft)));
  const setField = (index: number) => (name: string, value: string) =>
    updateDraft(index, (draft) => ({ ...draft, fields: { ...draft.fields, [name]: value } }));
  const setKind = (index: number, kind: OptionKind) => {
    updateDraft(index, (draft) => ({ ...draft, kind }));
    say(undefined);
  };
  const newDraft = (): OptionDraft => ({
    kind: "payment",
    fields: { ...blankFields(config), ...rulesFields },
  });
  const chooseBallot = (chosen: Ballot) => {
    setBallot(chosen);
    say(undefined);
    setDrafts((current) => {
      if (chosen === "options") return current.length < 2 ? [...current, newDraft()] : current;
      // "Nothing happens" is no proposal of its own: For would change nothing.
      return current.map((draft, i) =>
        i === 0 && draft.kind === "nothing" ? { ...draft, kind: "payment" } : draft,
      );
    });
  };

  // The zone's current rules, once read, prefill the rules change and the internal DAO's rules.
  useEffect(() => {
    setDrafts((current) =>
      current.map((draft) => ({ ...draft, fields: { ...rulesFields, ...draft.fields } })),
    );
  }, [rulesFields]);

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
  // The title and the options' names, as the proposal's description carries them.
  let description: string | undefined;
  let textProblem: string | undefined;
  try {
    description = proposalDescription(title, ballot === "options" ? drafts : undefined);
  } catch (error) {
    textProblem = error instanceof Error ? error.message : String(error);
  }
  // The preview shows what voters will read, each choice in ballot order (named once names are valid).
  const summary = options && previewLines(options, ballot === "options", description ?? "");
  // A sealed ballot has 3 entries: For/Against/Abstain, or at most 3 options.
  const sealableHere = sealable !== undefined && (ballot !== "options" || drafts.length <= SEALED_OPTIONS);
  const sealing = sealedChosen && sealableHere;
  function previewLines(actions: ZoneAction[][], multipleChoice: boolean, text: string): string[] {
    const lines = readableLines(
      actions,
      multipleChoice,
      describeContext(config, zone, tokens, economy, admissionsAddress),
      text,
    );
    return ballotOptions({ description: text, options: actions }).map(({ index }) => lines[index]!);
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!options) return say(problem ?? "The form is not complete.", true);
    if (description === undefined) return say(textProblem ?? "The title is missing.", true);
    propose({ options, description, ...(sealing ? { tellersTerm: sealable.term } : {}) });
  };
  // An open proposal asking exactly this: the citizen is sent to vote on it, not offered a copy.
  const identical = options && description !== undefined && period?.identicalTo({ options, description });
  const slotsLeft = period?.slots.left;

  if (sent) return <ProposalSent zone={zone} sent={sent} onAnother={props.onAnother} />;

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
        offerNote={notesOf(draft).offer}
        serviceNote={notesOf(draft).service}
        admissionsNote={rejectAdmissionsNote(admissions.view)}
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
      {!canReadChain && <p className="error">Proposing needs the chain's RPC URL in the app's config.</p>}
      {!identity && <p>Unlock your identity above first.</p>}
      {identity && props.isMember === false && (
        <p className="error">This identity is not a citizen of the zone yet.</p>
      )}
      {identity && props.isMember !== false && (period || periodError) && (
        <p className={periodError ? "error" : undefined} data-testid="proposal-slots">
          {period ? slotsLine(period.slots) : `Your proposals this period could not be read: ${periodError}`}
        </p>
      )}
      <LockingForm locked={busy} onSubmit={submit}>
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
        <label htmlFor={`${id}-title`}>Title</label>
        <input
          id={`${id}-title`}
          value={title}
          maxLength={MAX_TITLE_LENGTH}
          aria-describedby={`${id}-title-hint`}
          onChange={(event) => setTitle(event.target.value)}
          required
        />
        <small id={`${id}-title-hint`} className="muted">
          {ballot === "options"
            ? "What citizens choose, in a few words: “Choose the water service”."
            : "What citizens decide, in a few words: “Pay the gardener 0.5 ETH”."}
        </small>
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
                <label htmlFor={`${id}-${index}-name`}>Option {index + 1}: name</label>
                <input
                  id={`${id}-${index}-name`}
                  value={drafts[index]?.name ?? ""}
                  maxLength={MAX_OPTION_NAME_LENGTH}
                  aria-describedby={`${id}-${index}-name-hint`}
                  onChange={(event) =>
                    updateDraft(index, (draft) => ({ ...draft, name: event.target.value }))
                  }
                  required
                />
                <small id={`${id}-${index}-name-hint`} className="muted">
                  Voters read “Option {index + 1}: {drafts[index]?.name?.trim() || "its name"}”, e.g. a
                  provider and its price.
                </small>
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
                    say(undefined);
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
        {sealable && (
          <div className="sealed-choice">
            <label className="inline">
              <input
                type="checkbox"
                checked={sealing}
                disabled={!sealableHere}
                aria-describedby={`${id}-sealed-hint`}
                onChange={(event) => setSealedChosen(event.target.checked)}
              />{" "}
              Seal the ballots
            </label>
            <small id={`${id}-sealed-hint`} className="muted">
              {sealableHere
                ? ` Each choice is encrypted to the zone's ${sealable.tellers} tellers (term ${sealable.term}): no count shows while the vote is open, and any ${sealable.threshold} of them open the total after it closes.`
                : ` A sealed vote has at most ${SEALED_OPTIONS} options.`}
            </small>
          </div>
        )}
        <div className="preview" aria-live="polite" data-testid="proposal-preview">
          <h3>What citizens will vote on</h3>
          {sealing && (
            <p data-testid="preview-sealed">
              Sealed: no count shows until the vote closes and {sealable.threshold} of the zone's tellers open
              it.
            </p>
          )}
          {summary ? (
            <>
              {description !== undefined ? (
                <p data-testid="preview-title">
                  <strong>{title.trim()}</strong>
                </p>
              ) : (
                <p className="muted">Not ready yet: {textProblem}</p>
              )}
              <ul>
                {summary.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </>
          ) : (
            <p className="muted">Not ready yet: {problem}</p>
          )}
        </div>
        {identical ? (
          <p className="error" role="alert" data-testid="identical-proposal">
            {identicalProposalText(identical.proposalId)}{" "}
            <a href={identical.link}>Open proposal #{identical.proposalId.toString()}</a>
          </p>
        ) : slotsLeft === 0 ? (
          <p className="muted">No proposal can be sent before your proposals renew.</p>
        ) : (
          <button type="submit" disabled={busy || !identity || !canReadChain || props.isMember !== true}>
            {busy ? "Working…" : "Propose"}
          </button>
        )}
      </LockingForm>
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

/**
 * The form, locked while its proposal is proved and sent: one disabled fieldset holds every field
 * and the button, so nothing can be changed or sent twice until the outcome is known.
 */
function LockingForm(props: { locked: boolean; onSubmit: (event: FormEvent) => void; children: ReactNode }) {
  return (
    <form onSubmit={props.onSubmit} noValidate aria-busy={props.locked}>
      <fieldset className="lock" disabled={props.locked}>
        {props.children}
      </fieldset>
    </form>
  );
}

/** The proposal a relayer accepted, in place of the form: a link to it and a new, blank form. */
function ProposalSent(props: { zone: string; sent: ProposeStatus; onAnother: () => void }) {
  const { zone, sent } = props;
  return (
    <section aria-labelledby="propose-heading">
      <h2 id="propose-heading">Make a proposal</h2>
      <p role="status" data-testid="proposal-sent">
        {sent.text} {sent.link && <a href={sent.link}>Open it</a>}
      </p>
      <p>
        <button type="button" onClick={props.onAnother}>
          Make another proposal
        </button>
      </p>
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
  /** The pending admissions a rejection would stop, and by when it must have run. */
  admissionsNote: string | undefined;
}

/** The fields of one decision of `kind`: the whole For/Against proposal, or one of its options. */
function DecisionFields(props: DecisionFieldsProps) {
  const { idPrefix: id, kind, fields, set, config, offerNote, serviceNote, admissionsNote } = props;
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
          hint: "Each citizen who can vote on this proposal may claim it once, anonymously; the whole amount is set aside when it passes.",
        })}
        {input("claimDays", "Claims open for (days)", {
          hint: "Then anyone may close the round, and what was not claimed returns to the treasury.",
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
    "production-budget": (
      <>
        {input("internalDao", "Internal DAO (address)", {
          hint: "One of the zone's internal DAOs: anyone may claim each period's budget, paid only to the DAO.",
        })}
        {input("budgetPurpose", "What it is for", { hint: "Seed and packaging, tools…" })}
        {tokenChoice("serviceToken", "Paid in")}
        {input("budget", "Budget per period", { decimal: true })}
        {input("periodDays", "Paid every (days)")}
      </>
    ),
    production: (
      <>
        <p className="muted">
          An internal DAO's own vote: the goods go to its parent zone, whose inspector may attest the
          recyclable content declared here.
        </p>
        {input("product", "Product", {
          hint: "Its name: grain, bread… The same name adds to the same good.",
        })}
        {input("units", "Units made")}
        {input("recyclable", "Recyclable content (%)", {
          decimal: true,
          hint: "The share of recyclable content of these units, from 0 to 100, with at most 2 decimals.",
        })}
      </>
    ),
    inspector: (
      <>
        {input("serviceId", "Service number", {
          hint: "The zone's service whose provider attests what internal DAOs declare, numbered from 0.",
        })}
        {input("challengeDays", "Challenge window (days)", {
          hint: "How long after each attestation a vote may revoke it; its reward waits until then.",
        })}
      </>
    ),
    "revoke-attestation": (
      <>
        {input("productionId", "Production number", {
          hint: "As the Production page numbers them, from 0. Only within its challenge window.",
        })}
        <p className="muted">The production then earns no reward.</p>
      </>
    ),
    "reward-rule": (
      <>
        <p className="muted">
          Replaces the zone's rule. Each attested production earns in proportion to its recyclable content
          above the floor, paid to the internal DAO that made it.
        </p>
        {tokenChoice("rewardToken", "Paid in")}
        {input("floor", "Nothing at or below (% recyclable)", {
          decimal: true,
          hint: "From 0 to 99.99, with at most 2 decimals.",
        })}
        {input("rewardPerUnit", "Reward a unit at 100% recyclable", { decimal: true })}
        {input("budget", "At most, per period", { decimal: true })}
        {input("periodDays", "Period (days)")}
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
        {fields.membership === "add" && (
          <p className="muted">A vote admits at once: the proposal's own decision needs no waiting.</p>
        )}
        {fields.membership === "remove" && (
          <p className="muted">
            The vote approves the removal; once the proposal has run, anyone applies it within its execution
            window (<code>zonedao execute</code> does it right away), so citizens joining meanwhile cannot
            make it fail.
          </p>
        )}
      </>
    ),
    "reject-admissions": (
      <p data-testid="reject-admissions-note">
        Every admission requested before this proposal runs and not admitted by then is rejected: those
        newcomers never enter (they may ask again). {admissionsNote ?? "Reading the pending admissions…"}
      </p>
    ),
  };

  return kindFields[kind];
}

/** How many admissions wait and by when a rejection must have run (passed and executed) to stop them. */
function rejectAdmissionsNote(view: ZoneAdmissionsView | undefined): string | undefined {
  if (!view) return undefined;
  const waiting = waitingRequests(view.requests);
  const timing = rejectionDeadline(view.requests, view.zoneRules, view.chainTime);
  if (timing === undefined) return "No admission is pending now.";
  const late = timing.inTime
    ? ""
    : " A vote started now would end after that: it cannot stop the first of them.";
  return `${waiting.length} admission request${waiting.length === 1 ? " is" : "s are"} pending; the first may enter ${formatDate(Number(timing.deadline))}: this proposal must have passed and been executed before then.${late}`;
}
