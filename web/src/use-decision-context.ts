/**
 * What the proposal form's decisions need beyond their fields (decisions.ts's DecisionContext), read
 * as the citizen types: the zone's rules (to prefill the rules fields) over the app's RPC, whether
 * a commitment typed is a citizen (a paginated search of a relayer's member list), the offer being accepted and the service being changed, and the symbol and
 * decimals of every token named.
 */
import { ZeroAddress } from "ethers";
import { useEffect, useRef, useState } from "react";
import type { TokenInfo } from "../../sdk/describe.js";
import { ZoneServices__factory } from "../../types/ethers-contracts/factories/contracts/economy/ZoneServices__factory.js";
import { chainProvider, explain, tradeReader, zoneReader, type Relayers, type WebConfig } from "./api.js";
import {
  rulesToFields,
  type DecisionContext,
  type DecisionKind,
  type Fields,
  type OptionDraft,
} from "./decisions.js";
import { useTokens } from "./readable.js";
import { findIndexedLeafIndex } from "../../sdk/private-path.js";

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

/** Admitting or removing a citizen: whether the commitment is one, from the member list's pages. */
function memberReader(relayers: Relayers, zone: string) {
  return async (commitment: bigint) => {
    const isMember = (await findIndexedLeafIndex(relayers, zone, commitment)) !== undefined;
    return { isMember, note: isMember ? "A citizen of the zone." : "Not a citizen of the zone." };
  };
}

/** Accepting an offer: its payment token and total price come from the trade contract. */
function offerReader(config: WebConfig): ((offerId: bigint) => Promise<OfferRead>) | undefined {
  const trade = tradeReader(config);
  if (!trade) return undefined;
  return async (offerId) => {
    const offer = await trade.getOffer(offerId);
    if (offer.seller === ZeroAddress) return { note: "No such offer." };
    return {
      offer: { paymentToken: offer.paymentToken, total: offer.quantity * offer.pricePerUnit },
      note: `Offer from zone ${offer.seller}: ${offer.quantity} units at ${offer.pricePerUnit} each.`,
    };
  };
}

/** Changing a service: its budget is in the service's token, read from the services registry. */
function serviceReader(
  config: WebConfig,
  zone: string,
): ((serviceId: bigint) => Promise<ServiceRead>) | undefined {
  const provider = chainProvider(config);
  if (!provider || !config.contracts.services) return undefined;
  const registry = ZoneServices__factory.connect(config.contracts.services, provider);
  return async (serviceId) => {
    const service = await registry.getService(zone, serviceId);
    if (!service.active) return { note: `Service #${serviceId} has ended.` };
    return {
      service: { token: service.token },
      note: `Service #${serviceId}: ${service.kind}, "${service.description}", paid in token ${service.token} to ${service.provider}.`,
    };
  };
}

export interface DecisionReads {
  /** The zone's current rules as the rules fields ("rules." and "dao."); empty until read. */
  rulesFields: Fields;
  /** A draft's context, for buildActions and buildOptions. */
  contextOf: (draft: OptionDraft) => DecisionContext;
  /** What the chain says of the offer or the service a draft names, to show by its field. */
  notesOf: (draft: OptionDraft) => { offer?: string; service?: string };
  /** The tokens the drafts name, read (the stablecoin as USDz until then). */
  tokens: Record<string, TokenInfo>;
}

/** The reads behind `drafts` (the decisions on the form now), in `zone`. */
export function useDecisionContext(
  config: WebConfig,
  relayers: Relayers,
  zone: string,
  drafts: readonly OptionDraft[],
): DecisionReads {
  const [rulesFields, setRulesFields] = useState<Fields>({});
  const [admissions, setAdmissions] = useState<string>();
  useEffect(() => {
    zoneReader(config, zone)
      ?.ADMISSIONS()
      .then(setAdmissions, () => undefined); // the decision says it is not read yet
    zoneReader(config, zone)
      ?.rules()
      .then(
        (rules) => setRulesFields({ ...rulesToFields(rules, "rules."), ...rulesToFields(rules, "dao.") }),
        () => undefined, // no prefill: the citizen types every rule
      );
  }, [config, relayers, zone]);

  const memberOf = useDraftReads(drafts, "membership", "commitment", memberReader(relayers, zone), [
    relayers,
    zone,
  ]);
  const offerOf = useDraftReads(drafts, "accept-offer", "offerId", offerReader(config), [config]);
  const serviceOf = useDraftReads(drafts, "service-update", "serviceId", serviceReader(config, zone), [
    config,
    zone,
  ]);

  const tokens = useTokens(config, [
    ...drafts.flatMap(({ fields }) => [
      fields.serviceTokenAddress,
      fields.offerTokenAddress,
      fields.paymentTokenAddress,
      fields.dividendTokenAddress,
      fields.rewardTokenAddress,
    ]),
    ...drafts.map((draft) => offerOf(draft)?.offer?.paymentToken),
    ...drafts.map((draft) => serviceOf(draft)?.service?.token),
  ]);
  const contextOf = (draft: OptionDraft): DecisionContext => ({
    config,
    zone,
    isMember: memberOf(draft)?.isMember,
    admissions,
    offer: offerOf(draft)?.offer,
    service: serviceOf(draft)?.service,
    tokens,
  });
  const notesOf = (draft: OptionDraft) => ({ offer: offerOf(draft)?.note, service: serviceOf(draft)?.note });
  return { rulesFields, contextOf, notesOf, tokens };
}
