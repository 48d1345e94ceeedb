/**
 * A zone's admissions as the zone page shows them, read from the chain over the app's RPC (the
 * admissions contract's events, as the audit and the proposal check read theirs; relayers do not
 * serve them): the rules, every request with its status, the chain's time, and the unlocked
 * citizen's invitation slots this epoch. Read again every few seconds while the page is open.
 */
import type { Identity } from "@semaphore-protocol/identity";
import { useCallback, useEffect, useState } from "react";
import {
  admissionsOf,
  invitationSlots,
  readAdmissionRequests,
  readAdmissionRules,
  usedInvitationNullifiers,
  type AdmissionRequest,
  type AdmissionRules,
} from "../../sdk/admissions.js";
import type { ProposalSlots } from "../../sdk/proposals.js";
import { explain, zoneReader, type WebConfig } from "./api.js";
import { waitingRequestOf } from "./admissions.js";
import { zoneCreatedBlock } from "./config-types.js";

/** How often the page reads the zone's admissions again. */
const ADMISSIONS_POLL_MS = 4000;

export interface ZoneAdmissionsView {
  /** The zone's admissions contract (a "reject pending admissions" proposal calls it). */
  admissions: string;
  /** Seconds a request waits before it may enter (the rule, or the vote's length plus a day). */
  delay: number;
  rules: AdmissionRules;
  requests: AdmissionRequest[];
  /** The latest block's time (unix seconds): what "ready" is measured against. */
  chainTime: number;
  /** The zone's proposal epoch now: the one an invitation is proved for. */
  epoch: bigint;
  /** The zone's rules: how long a vote takes (a rejection's timing). */
  zoneRules: { votingDelay: bigint; votingPeriod: bigint; executionDelay: bigint };
  /** The unlocked identity's invitation slots this epoch; undefined when locked. */
  slots?: ProposalSlots;
}

/**
 * The zone's admissions, read every few seconds while `enabled` (a page at a dead end stops asking:
 * it passes false).
 */
export function useZoneAdmissions(
  config: WebConfig,
  zone: string,
  identity: Identity | undefined,
  enabled = true,
): { view?: ZoneAdmissionsView; error?: string; refresh: () => void } {
  const [view, setView] = useState<ZoneAdmissionsView>();
  const [error, setError] = useState<string>();
  const [round, setRound] = useState(0);
  const refresh = useCallback(() => setRound((count) => count + 1), []);

  useEffect(() => {
    const reader = zoneReader(config, zone);
    if (!reader || !enabled) return;
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async (): Promise<ZoneAdmissionsView> => {
      const fromBlock = zoneCreatedBlock(config, zone);
      const contract = await admissionsOf(reader);
      const [admissions, delay, rules, requests, epoch, latest, zoneRules] = await Promise.all([
        contract.getAddress(),
        contract.admissionDelay(zone),
        readAdmissionRules(reader),
        readAdmissionRequests(reader, { fromBlock }),
        reader.currentProposalEpoch(),
        reader.runner?.provider?.getBlock("latest"),
        reader.rules(),
      ]);
      const chainTime = latest?.timestamp ?? 0;
      // The citizen's used slots are found from the zone's invitations, never by asking the RPC
      // about its own nullifiers (which would tell the RPC who invited).
      const slots = identity
        ? invitationSlots(
            identity,
            { chainId: BigInt(config.chainId), zone },
            chainTime,
            { proposalEpoch: zoneRules.proposalEpoch, invitationsPerEpoch: rules.invitationsPerEpoch },
            await usedInvitationNullifiers(reader, requests),
            epoch,
          )
        : undefined;
      return {
        admissions,
        delay: Number(delay),
        rules,
        requests,
        chainTime,
        epoch,
        zoneRules,
        slots,
      };
    };
    const poll = () => {
      read()
        .then(
          (value) => {
            if (!current) return;
            setView(value);
            setError(undefined);
          },
          (caught: unknown) => current && setError(explain(caught)),
        )
        // The next read only after this one answered: a slow RPC is not asked twice at once.
        .finally(() => {
          if (current) timer = setTimeout(poll, ADMISSIONS_POLL_MS);
        });
    };
    poll();
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [config, zone, identity, round, enabled]);
  return { view, error, refresh };
}

/**
 * When `commitment`'s admission to `zone` may enter, if one is waiting (unix seconds); undefined
 * if none is, or without an RPC. One read: a proposal page asks it once, when the prover finds the
 * identity is not a citizen, before it shows why.
 */
export async function readPendingAdmission(
  config: WebConfig,
  zone: string,
  commitment: string,
): Promise<number | undefined> {
  const reader = zoneReader(config, zone);
  if (!reader) return undefined;
  const requests = await readAdmissionRequests(reader, { fromBlock: zoneCreatedBlock(config, zone) });
  const request = waitingRequestOf(requests, commitment);
  return request && Number(request.readyAt);
}
