/**
 * The proposal form's protocol side: proposing.ts's sequence with the app's own steps (the chain
 * over the app's RPC, the prover worker, the relayers with failover), and what the form shows of it.
 */
import type { Identity } from "@semaphore-protocol/identity";
import { useState } from "react";
import { usedProposalNullifiers } from "../../sdk/proposals.js";
import type { Zone } from "../../types/ethers-contracts/index.js";
import { explain, zoneReader, type Relayers, type WebConfig } from "./api.js";
import { zoneCreatedBlock } from "./config-types.js";
import { proposeThrough, type ProposalDraft, type ProposeStatus, type ProposeSteps } from "./proposing.js";
import { proveProposal, zoneTarget } from "./prover.js";

/** How long the page waits for the zone to record a proposal, and how often it asks. */
const PROPOSAL_WAIT = { timeoutMs: 120_000, intervalMs: 500 };

/** The steps of proposing in `zone`, as this app takes them. */
function appSteps(
  config: WebConfig,
  relayers: Relayers,
  zone: string,
  reader: Zone,
  identity: Identity,
): ProposeSteps {
  return {
    async period() {
      const [epoch, rules, used] = await Promise.all([
        reader.currentProposalEpoch(),
        reader.rules(),
        usedProposalNullifiers(reader, zoneCreatedBlock(config, zone)),
      ]);
      return { epoch, proposalsPerEpoch: rules.proposalsPerEpoch, used };
    },
    async prove({ options, description, epoch, slot }, onDetail) {
      const { members } = await relayers.members(zone);
      const { request } = await proveProposal(
        {
          ...zoneTarget(config, zone, identity),
          members,
          epoch: epoch.toString(),
          slot: slot.toString(),
          options: options.map((list) =>
            list.map((action) => ({ ...action, value: action.value.toString() })),
          ),
          description,
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

export interface Proposing {
  /** What the form says under its button: the step under way, the outcome, or why not. */
  status: ProposeStatus | undefined;
  /** Whether a proposal is being proved or sent (the form's button waits). */
  busy: boolean;
  /** Proves and sends `draft`; every outcome, failures included, ends in `status`. */
  propose: (draft: ProposalDraft) => Promise<void>;
  /** Shows `text` as the form's status (an error when `error`), or nothing. */
  say: (text: string | undefined, error?: boolean) => void;
}

/** Proposing in `zone` as `identity` (undefined: locked, nothing is sent). */
export function usePropose(
  config: WebConfig,
  relayers: Relayers,
  zone: string,
  identity: Identity | undefined,
): Proposing {
  const [status, setStatus] = useState<ProposeStatus>();
  const [busy, setBusy] = useState(false);

  const propose = async (draft: ProposalDraft) => {
    const reader = zoneReader(config, zone);
    if (!identity) return setStatus({ text: "Unlock your identity first.", error: true });
    if (!reader) return setStatus({ text: "Proposing needs the chain's RPC URL.", error: true });
    setBusy(true);
    try {
      const place = { chainId: BigInt(config.chainId), zone };
      const steps = appSteps(config, relayers, zone, reader, identity);
      await proposeThrough(steps, identity, place, draft, setStatus);
    } catch (error) {
      setStatus({ text: explain(error), error: true });
    } finally {
      setBusy(false);
    }
  };
  const say = (text: string | undefined, error = false) =>
    setStatus(text === undefined ? undefined : { text, error });
  return { status, busy, propose, say };
}
