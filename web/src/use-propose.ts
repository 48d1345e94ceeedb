/**
 * The proposal form's protocol side: proposing.ts's sequence with the app's own steps (the chain
 * over the app's RPC, the prover worker, the relayers with failover), and what the form shows of it:
 * the citizen's slots as soon as it opens, each step while proving and sending, and the proposal
 * once a relayer accepted it.
 */
import type { Identity } from "@semaphore-protocol/identity";
import { useEffect, useRef, useState } from "react";
import { readCanceledProposals, readProposals } from "../../sdk/proposals.js";
import type { Zone } from "../../types/ethers-contracts/index.js";
import { chainProvider, explain, zoneReader, type Relayers, type WebConfig } from "./api.js";
import { ZoneTellers__factory } from "../../types/ethers-contracts/factories/contracts/sealed/ZoneTellers__factory.js";
import { zoneCreatedBlock } from "./config-types.js";
import {
  IdenticalProposal,
  proposeThrough,
  submitOnce,
  viewPeriod,
  type PeriodView,
  type ProposalDraft,
  type ProposalPeriod,
  type ProposeStatus,
  type ProposeSteps,
} from "./proposing.js";
import { proveProposal, zoneTarget } from "./prover.js";

/** How long the page waits for the zone to record a proposal, and how often it asks. */
const PROPOSAL_WAIT = { timeoutMs: 120_000, intervalMs: 500 };

/** The zone's proposal period, its proposals and the chain's time, read over the app's RPC. */
async function readPeriod(config: WebConfig, zone: string, reader: Zone): Promise<ProposalPeriod> {
  const fromBlock = zoneCreatedBlock(config, zone);
  const [epoch, rules, latest, proposals, canceled] = await Promise.all([
    reader.currentProposalEpoch(),
    reader.rules(),
    reader.runner?.provider?.getBlock("latest"),
    readProposals(reader, fromBlock),
    readCanceledProposals(reader, fromBlock),
  ]);
  if (!latest) throw new Error("The chain's RPC gave no latest block.");
  return {
    epoch,
    chainTime: BigInt(latest.timestamp),
    proposalEpoch: rules.proposalEpoch,
    proposalsPerEpoch: rules.proposalsPerEpoch,
    proposals,
    canceled,
  };
}

/** The steps of proposing in `zone`, as this app takes them. */
function appSteps(
  config: WebConfig,
  relayers: Relayers,
  zone: string,
  reader: Zone,
  identity: Identity,
  leafIndex: number,
): ProposeSteps {
  return {
    period: () => readPeriod(config, zone, reader),
    async prove({ options, description, epoch, slot, tellersTerm }, onDetail) {
      const { request } = await proveProposal(
        {
          ...zoneTarget(config, zone, identity, leafIndex),
          epoch: epoch.toString(),
          slot: slot.toString(),
          options: options.map((list) =>
            list.map((action) => ({ ...action, value: action.value.toString() })),
          ),
          description,
          ...(tellersTerm === undefined ? {} : { tellersTerm: tellersTerm.toString() }),
        },
        (_stage, detail) => onDetail(detail),
      );
      return request;
    },
    async submit(request) {
      const { client } = await relayers.submitProposal(request);
      return () => client.waitForProposal(request.nullifier, PROPOSAL_WAIT);
    },
  };
}

/** The tellers' term a proposal made now can be sealed to: the zone's newest, its key final. */
export interface SealableTerm {
  term: bigint;
  threshold: number;
  tellers: number;
}

/**
 * The zone's newest tellers' term, if its key is final and it lasts past a vote started now
 * (`votingPeriod` from `chainTime`); undefined otherwise, or without tellers in the config.
 */
async function readSealableTerm(
  config: WebConfig,
  zone: string,
  reader: Zone,
): Promise<SealableTerm | undefined> {
  const provider = chainProvider(config);
  if (!provider || !config.contracts.tellers || !config.contracts.sealedBallots) return undefined;
  const tellers = ZoneTellers__factory.connect(config.contracts.tellers, provider);
  const count = await tellers.termCount(zone);
  if (count === 0n) return undefined;
  const term = count - 1n;
  const [view, rules, latest] = await Promise.all([
    tellers.getTerm(zone, term),
    reader.rules(),
    provider.getBlock("latest"),
  ]);
  if (!view.finalized || !latest || Number(view.end) < latest.timestamp + Number(rules.votingPeriod)) {
    return undefined;
  }
  return { term, threshold: Number(view.threshold), tellers: view.tellers.length };
}

export interface Proposing {
  /** What the form says under its button: the step under way, the outcome, or why not. */
  status: ProposeStatus | undefined;
  /** Whether a proposal is being proved or sent: the form is locked meanwhile. */
  busy: boolean;
  /**
   * The proposal a relayer accepted (recorded, or still on its way): it cannot be taken back, so the
   * form gives way to it. Undefined until then.
   */
  sent: ProposeStatus | undefined;
  /** The citizen's slots this period and the zone's open proposals, read when the form opens. */
  period: PeriodView | undefined;
  /** Why the period could not be read (the form still proposes: the sequence reads it again). */
  periodError: string | undefined;
  /** The tellers' term a proposal can be sealed to now; undefined when none can. */
  sealable: SealableTerm | undefined;
  /** Proves and sends `draft`, once: a second call while one is under way or sent does nothing. */
  propose: (draft: ProposalDraft) => void;
  /** Shows `text` as the form's status (an error when `error`), or nothing. */
  say: (text: string | undefined, error?: boolean) => void;
}

/** Proposing in `zone` as `identity` (undefined: locked, nothing is read or sent). */
export function usePropose(
  config: WebConfig,
  relayers: Relayers,
  zone: string,
  identity: Identity | undefined,
  /** The identity's leaf index (citizen-place.ts); undefined until found. */
  leafIndex: number | undefined,
): Proposing {
  const [status, setStatus] = useState<ProposeStatus>();
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<ProposeStatus>();
  const [period, setPeriod] = useState<PeriodView>();
  const [periodError, setPeriodError] = useState<string>();
  const [sealable, setSealable] = useState<SealableTerm>();
  // Taken before the first await (submitOnce): one click, one proposal.
  const claimed = useRef(false);

  useEffect(() => {
    const reader = zoneReader(config, zone);
    setPeriod(undefined);
    setPeriodError(undefined);
    if (!identity || !reader) return;
    let current = true;
    const place = { chainId: BigInt(config.chainId), zone };
    readPeriod(config, zone, reader).then(
      (read) => current && setPeriod(viewPeriod(read, identity, place)),
      (error: unknown) => current && setPeriodError(explain(error)),
    );
    setSealable(undefined);
    readSealableTerm(config, zone, reader).then(
      (term) => current && setSealable(term),
      () => undefined, // no sealing offered; the form proposes open votes
    );
    return () => {
      current = false;
    };
  }, [config, zone, identity]);

  const propose = (draft: ProposalDraft) => {
    const reader = zoneReader(config, zone);
    if (!identity) return setStatus({ text: "Unlock your identity first.", error: true });
    if (!reader) return setStatus({ text: "Proposing needs the chain's RPC URL.", error: true });
    if (leafIndex === undefined)
      return setStatus({ text: "Your place in the list of citizens is not found yet.", error: true });
    const place = { chainId: BigInt(config.chainId), zone };
    const steps = appSteps(config, relayers, zone, reader, identity, leafIndex);
    const sending = submitOnce(claimed, () => proposeThrough(steps, identity, place, draft, setStatus));
    if (!sending) return;
    setBusy(true);
    sending
      .then(setSent, (error: unknown) => {
        // Nothing was accepted: the form unlocks with the reason, the draft as it was.
        const link = error instanceof IdenticalProposal ? error.link : undefined;
        setStatus({ text: explain(error), error: true, link });
      })
      .finally(() => setBusy(false));
  };
  const say = (text: string | undefined, error = false) =>
    setStatus(text === undefined ? undefined : { text, error });
  return { status, busy, sent, period, periodError, sealable, propose, say };
}
