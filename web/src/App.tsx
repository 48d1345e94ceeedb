/** The citizens' app: zones, identity, proposals, voting and proposing, routed by the URL's hash. */
import type { Identity } from "@semaphore-protocol/identity";
import { useCallback, useEffect, useMemo, useState } from "react";
import { proposalTitle } from "../../sdk/ballot.js";
import { Relayers, explain, loadConfig, zoneReader, type ProposalInfo, type WebConfig } from "./api.js";
import { AuditPage } from "./audit-page.js";
import { IdentityPanel } from "./identity-panel.js";
import { OptionList, ProposalList, ProvenanceNote, Results, VotePanel } from "./proposals.js";
import { ProposeForm } from "./propose.js";
import { describeContext, optionLines, useTokens } from "./readable.js";
import { checkProposals, votable, type CheckedProposal } from "./verify-proposals.js";

function useHashRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, "").split("/").filter(Boolean);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

export function App() {
  const [config, setConfig] = useState<WebConfig>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    loadConfig().then(setConfig, (caught: unknown) => setError(explain(caught)));
  }, []);
  const relayers = useMemo(() => (config ? new Relayers(config.relayers) : undefined), [config]);
  // Unlocked identities, by zone: in memory only, gone on reload.
  const [identities, setIdentities] = useState<Record<string, Identity | undefined>>({});
  const route = useHashRoute();

  let page;
  if (error)
    page = (
      <p className="error" role="alert">
        The app could not start: {error}
      </p>
    );
  else if (!config || !relayers) page = <p>Loading…</p>;
  else if (route[0] === "zone" && route[1]) {
    const zone = route[1];
    const common = {
      config,
      relayers,
      zone,
      identity: identities[zone.toLowerCase()],
      onUnlocked: (identity: Identity | undefined) =>
        setIdentities((current) => ({ ...current, [zone.toLowerCase()]: identity })),
    };
    page =
      route[2] === "proposal" && route[3] ? (
        <ProposalPage {...common} proposalId={route[3]} />
      ) : route[2] === "audit" ? (
        <AuditPage config={config} zone={zone} zoneName={zoneName(config, zone)} />
      ) : route[2] === "propose" ? (
        <ZonePage {...common} proposing />
      ) : (
        <ZonePage {...common} />
      );
  } else page = <ZonesPage config={config} relayers={relayers} />;

  return (
    <>
      <header>
        <a href="#/">ZoneDAO</a>
      </header>
      <main>{page}</main>
    </>
  );
}

function zoneName(config: WebConfig, zone: string): string {
  return config.zones.find((known) => known.address.toLowerCase() === zone.toLowerCase())?.name ?? zone;
}

function ZonesPage({ config, relayers }: { config: WebConfig; relayers: Relayers }) {
  const [zones, setZones] = useState<string[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    relayers.zones().then(
      ({ zones: served }) => setZones(served),
      (caught: unknown) => setError(explain(caught)),
    );
  }, [relayers]);
  return (
    <>
      <h1>Zones</h1>
      <p>Choose your zone. Each zone has its own anonymous identity, kept in this browser.</p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <section aria-label="Zones">
        {!zones && !error && <p>Loading zones…</p>}
        <ul className="plain">
          {zones?.map((zone) => (
            <li key={zone}>
              <a href={`#/zone/${zone}`}>{zoneName(config, zone)}</a> <span className="muted">{zone}</span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

interface ZoneProps {
  config: WebConfig;
  relayers: Relayers;
  zone: string;
  identity: Identity | undefined;
  onUnlocked: (identity: Identity | undefined) => void;
}

/** Members and the zone's quorum rule, refreshed every few seconds while the page is open. */
function useZoneState(props: ZoneProps) {
  const { config, relayers, zone, identity } = props;
  const [members, setMembers] = useState<string[]>();
  const [quorumBps, setQuorumBps] = useState<number>();
  const [error, setError] = useState<string>();
  const refresh = useCallback(() => {
    relayers.members(zone).then(
      ({ members: list }) => setMembers(list),
      (caught: unknown) => setError(explain(caught)),
    );
  }, [relayers, zone]);
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, 3000);
    zoneReader(config, zone)
      ?.rules()
      .then(
        (rules) => setQuorumBps(Number(rules.quorumBps)),
        () => undefined,
      );
    return () => clearInterval(timer);
  }, [refresh, config, zone]);
  const isMember = identity && members ? members.includes(identity.commitment.toString()) : undefined;
  return { members, isMember, quorumBps, error };
}

/** The relayer's proposals, checked against the chain when the app has an RPC (verify-proposals.ts). */
function useProposals(config: WebConfig, relayers: Relayers, zone: string) {
  const [state, setState] = useState<{ chainTime: number; proposals: CheckedProposal[] }>();
  const [error, setError] = useState<string>();
  const refresh = useCallback(() => {
    relayers
      .proposals(zone)
      .then(async ({ value, relayer }) => ({
        chainTime: value.chainTime,
        proposals: await checkProposals(config, zone, relayer, value.proposals),
      }))
      .then(setState, (caught: unknown) => setError(explain(caught)));
  }, [config, relayers, zone]);
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, 3000);
    return () => clearInterval(timer);
  }, [refresh]);
  return { ...state, error, refresh };
}

function ZonePage(props: ZoneProps & { proposing?: boolean }) {
  const { config, zone } = props;
  const { isMember, quorumBps, error } = useZoneState(props);
  const proposals = useProposals(config, props.relayers, zone);
  return (
    <>
      <h1>{zoneName(config, zone)}</h1>
      <IdentityPanel
        zone={zone}
        identity={props.identity}
        onUnlocked={props.onUnlocked}
        isMember={isMember}
      />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {props.proposing ? (
        <ProposeForm {...props} isMember={isMember} />
      ) : (
        <section aria-labelledby="proposals-heading">
          <h2 id="proposals-heading">Proposals</h2>
          {proposals.error && (
            <p className="error" role="alert">
              {proposals.error}
            </p>
          )}
          {proposals.proposals ? (
            <ProposalList
              zone={zone}
              proposals={proposals.proposals}
              chainTime={proposals.chainTime ?? 0}
              quorumBps={quorumBps}
            />
          ) : (
            <p>Loading proposals…</p>
          )}
          {isMember && (
            <p>
              <a href={`#/zone/${zone}/propose`}>Make a proposal</a>
            </p>
          )}
          <p>
            <a href={`#/zone/${zone}/audit`}>Audit the zone's tallies</a>
          </p>
        </section>
      )}
    </>
  );
}

function ProposalPage(props: ZoneProps & { proposalId: string }) {
  const { config, relayers, zone, proposalId } = props;
  const { isMember, quorumBps } = useZoneState(props);
  const [proposal, setProposal] = useState<CheckedProposal<ProposalInfo & { chainTime: number }>>();
  const [error, setError] = useState<string>();
  const refresh = useCallback(() => {
    relayers
      .proposal(zone, proposalId)
      .then(({ value, relayer }) => checkProposals(config, zone, relayer, [value]))
      .then(
        ([checked]) => setProposal(checked),
        (caught: unknown) => setError(explain(caught)),
      );
  }, [config, relayers, zone, proposalId]);
  // Only the config's tokens read as amounts with a symbol: any proposer can deploy a token that
  // calls itself "USDz", so other tokens read as base units of their address.
  const tokens = useTokens(config, []);
  const lines =
    proposal &&
    optionLines(
      proposal.options,
      proposal.multipleChoice,
      describeContext(config, zone, tokens),
      proposal.description,
    );
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, 2000);
    return () => clearInterval(timer);
  }, [refresh]);

  return (
    <>
      <p>
        <a href={`#/zone/${zone}`}>← {zoneName(config, zone)}</a>
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!proposal && !error && <p>Loading proposal…</p>}
      {proposal && (
        <>
          <h1>
            Proposal #{proposal.id}: {proposalTitle(proposal) || "(no description)"}
          </h1>
          <section aria-labelledby="actions-heading">
            <h2 id="actions-heading">What each choice does</h2>
            <ProvenanceNote proposal={proposal} />
            <OptionList proposal={proposal} lines={lines} />
            <p className="muted">
              {proposal.eligibleCount} citizens could vote when it was made. Voting{" "}
              {proposal.state === "Active" ? "closes" : "closed"}{" "}
              {new Date(proposal.voteEnd * 1000).toLocaleString()}.
            </p>
          </section>
          <IdentityPanel
            zone={zone}
            identity={props.identity}
            onUnlocked={props.onUnlocked}
            isMember={isMember}
          />
          {votable(proposal) && (
            <VotePanel
              config={config}
              relayers={relayers}
              zone={zone}
              proposal={proposal}
              lines={lines}
              identity={props.identity}
              onVoted={refresh}
            />
          )}
          <Results proposal={proposal} quorumBps={quorumBps} />
        </>
      )}
    </>
  );
}
