/** The citizens' app: zones, identity, proposals, voting and proposing, routed by the URL's hash. */
import type { Identity } from "@semaphore-protocol/identity";
import { useCallback, useEffect, useMemo, useState } from "react";
import { proposalTitle } from "../../sdk/ballot.js";
import { Relayers, explain, loadConfig, zoneReader, type ProposalInfo, type WebConfig } from "./api.js";
import { AuditPage } from "./audit-page.js";
import { Address, NamesContext } from "./address.js";
import { formatDate } from "./format.js";
import { HelpPage } from "./help-page.js";
import { IdentityPage, IdentityPanel } from "./identity-panel.js";
import { knownNames, shortAddress } from "./names.js";
import { OptionList, ProposalList, ProvenanceNote, Results, VotePanel } from "./proposals.js";
import { ProposeForm } from "./propose.js";
import { describeContext, optionLines, useTokens } from "./readable.js";
import { checkProposals, votable, type CheckedProposal } from "./verify-proposals.js";
import { WalletContext, useWallet, useWalletState } from "./wallet-context.js";

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
  const names = useMemo(() => (config ? knownNames(config) : {}), [config]);
  // The wallet of every zone's identity: unlocked once, in memory only, locked again on reload.
  const wallet = useWalletState();
  const route = useHashRoute();

  let page;
  if (error)
    page = (
      <p className="error" role="alert">
        The app could not start: {error}
      </p>
    );
  else if (route[0] === "help") page = <HelpPage />;
  else if (!config || !relayers) page = <p>Loading…</p>;
  else if (route[0] === "identity") page = <IdentityPage zones={config.zones} />;
  else if (route[0] === "zone" && route[1]) {
    const zone = route[1];
    const common = {
      config,
      relayers,
      zone,
      identity: wallet.identity(zone),
      // The panels unlock through the wallet (WalletContext); an undefined identity is a Lock.
      onUnlocked: (identity: Identity | undefined) => {
        if (!identity) wallet.lock();
      },
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

  const current = route[0] === "identity" || route[0] === "help" ? route[0] : route[0] ? "" : "zones";
  return (
    <WalletContext.Provider value={wallet}>
      <NamesContext.Provider value={names}>
        <header>
          <a className="brand" href="#/">
            ZoneDAO
          </a>
          <nav aria-label="Main">
            <ul>
              <li>
                <a href="#/" aria-current={current === "zones" ? "page" : undefined}>
                  Zones
                </a>
              </li>
              <li>
                <a href="#/identity" aria-current={current === "identity" ? "page" : undefined}>
                  Your identity
                </a>
              </li>
              <li>
                <a href="#/help" aria-current={current === "help" ? "page" : undefined}>
                  How it works
                </a>
              </li>
            </ul>
          </nav>
        </header>
        <main>{page}</main>
      </NamesContext.Provider>
    </WalletContext.Provider>
  );
}

function zoneName(config: WebConfig, zone: string, otherwise = zone): string {
  return config.zones.find((known) => known.address.toLowerCase() === zone.toLowerCase())?.name ?? otherwise;
}

function ZonesPage({ config, relayers }: { config: WebConfig; relayers: Relayers }) {
  const wallet = useWallet();
  const [zones, setZones] = useState<string[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    relayers.zones().then(
      ({ zones: served }) => setZones(served),
      (caught: unknown) => setError(explain(caught)),
    );
  }, [relayers]);
  const citizenOf = useCitizenships(relayers, zones, wallet.commitment);
  return (
    <>
      <h1>Zones</h1>
      <p>
        ZoneDAO lets a community, a zone, decide together: its citizens propose and vote on how its money is
        spent, which services it runs and what its rules are. Votes are anonymous and counted in public, and
        anyone can check the count. <a href="#/help">How it works</a>.
      </p>
      <p>Choose your zone. One identity per zone, all kept in one wallet in this browser.</p>
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
              <a href={`#/zone/${zone}`}>{zoneName(config, zone, shortAddress(zone))}</a>{" "}
              {citizenOf[zone.toLowerCase()] && <span className="badge">You are a citizen</span>}{" "}
              <span className="muted">
                {/* the link names the zone: here its address, shortened */}
                <Address value={zone} name="" />
              </span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

/**
 * Zones among `zones` whose member list (from the relayers) holds this browser's identity for it,
 * by lowercase address. The commitments are public and stored in clear, so this works locked too;
 * the member lists are the relayers' word, a hint like everywhere else.
 */
function useCitizenships(
  relayers: Relayers,
  zones: string[] | undefined,
  commitment: (zone: string) => string | undefined,
): Record<string, boolean> {
  const [citizenOf, setCitizenOf] = useState<Record<string, boolean>>({});
  const wanted = (zones ?? [])
    .map((zone) => [zone, commitment(zone)] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== undefined);
  const key = wanted.map(([zone, known]) => `${zone}:${known}`).join(",");
  useEffect(() => {
    let current = true;
    for (const [zone, known] of key ? key.split(",").map((entry) => entry.split(":")) : []) {
      relayers.members(zone!).then(
        ({ members }) => {
          if (current)
            setCitizenOf((found) => ({ ...found, [zone!.toLowerCase()]: members.includes(known!) }));
        },
        () => undefined, // no relayer answered: no mark
      );
    }
    return () => {
      current = false;
    };
  }, [relayers, key]);
  return citizenOf;
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
              {proposal.state === "Active" ? "closes" : "closed"} {formatDate(proposal.voteEnd)}.
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
