/** The citizens' app: zones, identity, proposals, voting and proposing, routed by the URL's hash. */
import type { Identity } from "@semaphore-protocol/identity";
import { useCallback, useEffect, useMemo, useState } from "react";
import { proposalTitle } from "../../sdk/ballot.js";
import { Relayers, explain, loadConfig, zoneReader, type ProposalInfo, type WebConfig } from "./api.js";
import { AdmissionsSection } from "./admissions-panel.js";
import { waitingRequestOf } from "./admissions.js";
import { AuditPage } from "./audit-page.js";
import { ECONOMY_TITLES, EconomyPage, isEconomyPage } from "./economy-pages.js";
import { NamesContext } from "./address.js";
import { formatDate } from "./format.js";
import { HelpPage } from "./help-page.js";
import { IdentityPage, IdentityPanel } from "./identity-panel.js";
import { TreasuryPage } from "./treasury-page.js";
import { ZonesPage } from "./zones-page.js";
import { knownNames, nameOf } from "./names.js";
import { OptionList, ProposalList, ProvenanceNote, Results, VotePanel } from "./proposals.js";
import { ProposeForm } from "./propose.js";
import {
  describeContext,
  useAdmissionsAddress,
  optionLines,
  useEconomyNames,
  useTokens,
} from "./readable.js";
import { checkProposals, votable, type CheckedProposal } from "./verify-proposals.js";
import { WalletContext, useWallet, useWalletState } from "./wallet-context.js";
import { isAddress } from "ethers";
import { countedVotes } from "../../sdk/proposals.js";
import { RelayerRefusal } from "../../sdk/relayer-client.js";
import { zoneCreatedBlock } from "./config-types.js";
import { DeadEndPage, deadEndOf, type DeadEnd } from "./dead-ends.js";
import { DividendPage } from "./dividend-page.js";
import type { NotEligible } from "./prover-protocol.js";
import { DeadEndReached, usePolling } from "./use-polling.js";
import { readPendingAdmission, useZoneAdmissions } from "./use-admissions.js";
import { useCitizenship, type Citizenship } from "./citizen-place.js";

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
        // A key per page: another proposal or zone starts with none of this one's state.
        <ProposalPage key={`${zone}/${route[3]}`} {...common} proposalId={route[3]} />
      ) : route[2] === "treasury" ? (
        <TreasuryPage config={config} zone={zone} zoneName={zoneName(config, zone)} />
      ) : route[2] === "dividend" && route[3] ? (
        <DividendPage key={`${zone}/dividend/${route[3]}`} {...common} roundId={route[3]} />
      ) : route[2] === "audit" ? (
        <AuditPage config={config} zone={zone} zoneName={zoneName(config, zone)} />
      ) : isEconomyPage(route[2]) ? (
        <EconomyPage
          key={`${zone}/${route[2]}`}
          config={config}
          zone={zone}
          zoneName={zoneName(config, zone)}
          kind={route[2]}
        />
      ) : route[2] === "propose" ? (
        <ZonePage
          key={`${zone}/propose/${route[3] ?? ""}/${route[4] ?? ""}`}
          {...common}
          proposing
          decision={route[3]}
          prefill={route[4]}
        />
      ) : (
        <ZonePage key={zone} {...common} />
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

/** The one search of this identity's place in the member list, while it runs, or why it failed. */
function CitizenshipNote({ citizenship }: { citizenship: Citizenship }) {
  if (citizenship.searching)
    return (
      <p className="muted" aria-live="polite" data-testid="place-search">
        {citizenship.searching[0]!.toUpperCase()}
        {citizenship.searching.slice(1)}…
      </p>
    );
  if (citizenship.error)
    return (
      <p className="error" role="alert">
        Could not tell whether you are a citizen here: {citizenship.error}
      </p>
    );
  return null;
}

function zoneName(config: WebConfig, zone: string, otherwise = zone): string {
  return nameOf(config, zone) ?? otherwise;
}

interface ZoneProps {
  config: WebConfig;
  relayers: Relayers;
  zone: string;
  identity: Identity | undefined;
  onUnlocked: (identity: Identity | undefined) => void;
}

/** How often a zone's page asks its relayer for proposals and tallies (and a newcomer's place). */
const ZONE_POLL_MS = 3000;
const PROPOSAL_POLL_MS = 2000;
/** A proposal the relayer does not know yet may be one just recorded: looked for again this often. */
const UNKNOWN_PROPOSAL_GRACE_MS = [1500, 1500];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The zone's quorum rule, read once per attempt over RPC (the fallback for proposals without one). */
function useQuorumRule(config: WebConfig, zone: string, attempt: number) {
  const [quorumBps, setQuorumBps] = useState<number>();
  useEffect(() => {
    if (!isAddress(zone)) return;
    zoneReader(config, zone)
      ?.rules()
      .then(
        (rules) => setQuorumBps(Number(rules.quorumBps)),
        () => undefined,
      );
  }, [config, zone, attempt]);
  return quorumBps;
}

/** The relayer's proposals, checked against the chain when the app has an RPC (verify-proposals.ts). */
async function readCheckedProposals(config: WebConfig, relayers: Relayers, zone: string) {
  const { value, relayer } = await relayers.proposals(zone);
  const proposals = await checkProposals(config, zone, relayer, value.proposals);
  return { chainTime: value.chainTime, proposals };
}

/** The chain down: a proposal the RPC could not check (verify-proposals.ts's "unchecked"). */
function rpcDown(config: WebConfig, proposals: readonly CheckedProposal[]): DeadEnd | undefined {
  const unchecked = proposals.find((proposal) => proposal.provenance.kind === "unchecked");
  return config.rpcUrl && unchecked?.provenance.kind === "unchecked"
    ? { kind: "rpc-down", rpcUrl: config.rpcUrl, reason: unchecked.provenance.reason }
    : undefined;
}

/**
 * A zone's proposals, read every few seconds, until a dead end (an unknown zone, every relayer down,
 * the chain down) stops it. The member list is not read: whether this browser's identity is a
 * citizen comes from its place (citizen-place.ts).
 */
function useZoneListing(props: ZoneProps, attempt: number) {
  const { config, relayers, zone } = props;
  const read = useCallback(async () => {
    const listing = await readCheckedProposals(config, relayers, zone);
    const down = rpcDown(config, listing.proposals);
    if (down) throw new DeadEndReached(down, listing);
    return listing;
  }, [config, relayers, zone]);
  const deadEndOfZone = useCallback((error: unknown) => deadEndOf(error, { zone }), [zone]);
  return usePolling(read, { intervalMs: ZONE_POLL_MS, deadEndOf: deadEndOfZone, attempt });
}

/**
 * The options the unlocked identity voted for on the listed proposals, by id: every VoteCast of the
 * zone read once per listing (a new proposal, another identity) and matched here (sdk countedVotes),
 * so the nullifiers never leave the browser.
 */
function useVotedOptions(
  config: WebConfig,
  zone: string,
  identity: Identity | undefined,
  proposals: readonly ProposalInfo[] | undefined,
): ReadonlyMap<string, number> | undefined {
  const [voted, setVoted] = useState<ReadonlyMap<string, number>>();
  const ids = proposals?.map((proposal) => proposal.id).join(",");
  useEffect(() => {
    setVoted(undefined);
    const reader = zoneReader(config, zone);
    if (!identity || !reader || !ids) return;
    let stale = false;
    const place = { chainId: BigInt(config.chainId), zone };
    countedVotes(reader, identity, place, ids.split(",").map(BigInt), zoneCreatedBlock(config, zone)).then(
      (found) => {
        if (!stale)
          setVoted(new Map([...found].map(([id, option]) => [id.toString(), Number(option)] as const)));
      },
      () => undefined, // the marks are a convenience: the proposal page checks again
    );
    return () => {
      stale = true;
    };
  }, [config, zone, identity, ids]);
  return voted;
}

/**
 * When the identity of `zone` in this browser may enter, if its admission is pending (unix
 * seconds): the zone's admissions as the page reads them, matched by commitment (public, so this
 * works locked too).
 */
function usePendingFrom(
  requests: Parameters<typeof waitingRequestOf>[0] | undefined,
  zone: string,
  identity: Identity | undefined,
): number | undefined {
  const wallet = useWallet();
  const commitment = identity?.commitment.toString() ?? wallet.commitment(zone);
  const request = requests && waitingRequestOf(requests, commitment);
  return request && Number(request.readyAt);
}

function ZonePage(props: ZoneProps & { proposing?: boolean; decision?: string; prefill?: string }) {
  const { config, zone } = props;
  const name = zoneName(config, zone);
  const [attempt, setAttempt] = useState(0);
  const listing = useZoneListing(props, attempt);
  const quorumBps = useQuorumRule(config, zone, attempt);
  const known = Boolean(listing.value); // the relayer knows the zone
  const deadEnd = listing.deadEnd;
  const citizenship = useCitizenship(config, props.relayers, zone, props.identity, {
    enabled: known && !deadEnd,
    intervalMs: ZONE_POLL_MS,
    attempt,
  });
  const isMember = citizenship.isMember;
  const voted = useVotedOptions(config, zone, props.identity, listing.value?.proposals);
  // Read while the page shows the zone: a dead end stops it, as it stops the listing.
  const admissions = useZoneAdmissions(config, zone, props.identity, known && !deadEnd);
  const pendingFrom = usePendingFrom(admissions.view?.requests, zone, props.identity);
  const retry = () => setAttempt((count) => count + 1);

  // Nothing about the zone can be shown: the dead end is the page.
  if (deadEnd && deadEnd.kind !== "rpc-down") {
    return <DeadEndPage deadEnd={deadEnd} zoneName={name} onRetry={retry} />;
  }
  return (
    <>
      <h1>{name}</h1>
      <ZoneLinks zone={zone} />
      {deadEnd && <DeadEndPage deadEnd={deadEnd} zoneName={name} onRetry={retry} />}
      {/* Offered only once the relayer knows the zone: no identity for a zone that is not one. */}
      {known && (
        <IdentityPanel
          zone={zone}
          identity={props.identity}
          onUnlocked={props.onUnlocked}
          isMember={isMember}
          pendingFrom={isMember === false ? pendingFrom : undefined}
        />
      )}
      <CitizenshipNote citizenship={citizenship} />
      {props.proposing ? (
        <ProposeForm
          {...props}
          isMember={isMember}
          leafIndex={citizenship.leafIndex}
          decision={props.decision}
          prefill={props.prefill}
        />
      ) : (
        <section aria-labelledby="proposals-heading">
          <h2 id="proposals-heading">Proposals</h2>
          {listing.error && (
            <p className="error" role="alert">
              {listing.error}
            </p>
          )}
          {listing.value ? (
            <ProposalList
              zone={zone}
              proposals={listing.value.proposals}
              chainTime={listing.value.chainTime}
              quorumBps={quorumBps}
              voted={voted}
            />
          ) : (
            <p>Loading proposals…</p>
          )}
          {isMember && !deadEnd && (
            <p>
              <a href={`#/zone/${zone}/propose`}>Make a proposal</a>
            </p>
          )}
          <p>
            <a href={`#/zone/${zone}/audit`}>Audit the zone's tallies</a>
          </p>
        </section>
      )}
      {!props.proposing && known && (
        <AdmissionsSection
          config={config}
          relayers={props.relayers}
          zone={zone}
          zoneName={name}
          identity={props.identity}
          isMember={isMember}
          leafIndex={citizenship.leafIndex}
          view={admissions.view}
          error={admissions.error}
          onInvited={admissions.refresh}
        />
      )}
    </>
  );
}

/** The zone's economy, one line of links under its name. */
function ZoneLinks({ zone }: { zone: string }) {
  const links = [["treasury", "Treasury"], ...Object.entries(ECONOMY_TITLES)];
  return (
    <nav aria-label="The zone's economy" className="zone-links">
      {links.map(([path, label], index) => (
        <span key={path}>
          {index > 0 && " · "}
          <a href={`#/zone/${zone}/${path}`}>{label}</a>
        </span>
      ))}
    </nav>
  );
}

type PolledProposal = CheckedProposal<ProposalInfo & { chainTime: number }>;

/**
 * One proposal, every two seconds (tallies move while the page is open),
 * until a dead end stops it. A proposal the relayer does not know is looked for twice more before
 * it is called unknown: one just recorded may not be indexed yet.
 */
function useProposalPage(props: ZoneProps & { proposalId: string }, attempt: number, stopped: boolean) {
  const { config, relayers, zone, proposalId } = props;
  const read = useCallback(async () => {
    const readProposal = async () => {
      for (const wait of [...UNKNOWN_PROPOSAL_GRACE_MS, undefined]) {
        try {
          return await relayers.proposal(zone, proposalId);
        } catch (error) {
          const unknown = error instanceof RelayerRefusal && error.code === "unknown_proposal";
          if (!unknown || wait === undefined) throw error;
          await sleep(wait);
        }
      }
      throw new Error("unreachable");
    };
    const { value, relayer } = await readProposal();
    const [proposal] = (await checkProposals(config, zone, relayer, [value])) as [PolledProposal];
    const down = rpcDown(config, [proposal]);
    if (down) throw new DeadEndReached(down, { proposal });
    return { proposal };
  }, [config, relayers, zone, proposalId]);
  const deadEndOfProposal = useCallback(
    (error: unknown) => deadEndOf(error, { zone, proposalId }),
    [zone, proposalId],
  );
  return usePolling(read, {
    intervalMs: PROPOSAL_POLL_MS,
    deadEndOf: deadEndOfProposal,
    attempt,
    stopped,
  });
}

function ProposalPage(props: ZoneProps & { proposalId: string }) {
  const { config, relayers, zone } = props;
  const name = zoneName(config, zone);
  const [attempt, setAttempt] = useState(0);
  // The vote panel's dead ends (not a citizen, joined after the proposal, admission pending): they
  // stop the page too.
  const [notEligible, setNotEligible] = useState<DeadEnd>();
  useEffect(() => setNotEligible(undefined), [props.identity]); // another identity may vote here
  const polled = useProposalPage(props, attempt, notEligible !== undefined);
  const commitment = props.identity?.commitment.toString();
  const onNotEligible = useCallback(
    (kind: NotEligible) => {
      if (kind !== "not-a-citizen" || !commitment) return setNotEligible({ kind });
      // A newcomer whose admission is pending reads when it may vote, not "not a citizen": one
      // read, before the dead end shows, so the page asks nothing after it.
      readPendingAdmission(config, zone, commitment).then(
        (readyAt) =>
          setNotEligible(readyAt === undefined ? { kind } : { kind: "pending-admission", readyAt }),
        () => setNotEligible({ kind }),
      );
    },
    [config, zone, commitment],
  );
  const pendingFrom = notEligible?.kind === "pending-admission" ? notEligible.readyAt : undefined;
  const quorumBps = useQuorumRule(config, zone, attempt);
  const { proposal } = polled.value ?? {};
  // Looked for once per visit (and per Try again): the vote needs the place, and stops at "not a citizen".
  const citizenship = useCitizenship(config, relayers, zone, props.identity, {
    enabled: Boolean(proposal) && !polled.deadEnd,
    attempt,
    checkAtSize: proposal && (proposal.snapshotSize ?? proposal.eligibleCount),
  });
  const isMember = citizenship.isMember;
  // Only the config's tokens read as amounts with a symbol: any proposer can deploy a token that
  // calls itself "USDz", so other tokens read as base units of their address.
  const tokens = useTokens(config, []);
  const admissions = useAdmissionsAddress(config, zone);
  const economy = useEconomyNames(config, zone);
  const lines =
    proposal &&
    optionLines(
      proposal.options,
      proposal.multipleChoice,
      describeContext(config, zone, tokens, economy, admissions),
      proposal.description,
    );
  const retry = () => {
    setNotEligible(undefined);
    setAttempt((count) => count + 1);
  };
  const deadEnd: DeadEnd | undefined = notEligible ?? polled.deadEnd;
  const back = (
    <p>
      <a href={`#/zone/${zone}`}>← {name}</a>
    </p>
  );
  const identityPanel = (
    <IdentityPanel
      zone={zone}
      identity={props.identity}
      onUnlocked={props.onUnlocked}
      isMember={isMember}
      pendingFrom={isMember === false ? pendingFrom : undefined}
    />
  );

  if (deadEnd && !proposal) {
    return (
      <>
        {deadEnd.kind !== "unknown-zone" && back}
        <DeadEndPage deadEnd={deadEnd} zoneName={name} onRetry={retry} />
      </>
    );
  }
  return (
    <>
      {back}
      {polled.error && (
        <p className="error" role="alert">
          {polled.error}
        </p>
      )}
      {!proposal && <p>Loading proposal…</p>}
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
          {deadEnd ? (
            <DeadEndPage deadEnd={deadEnd} zoneName={name} onRetry={retry} />
          ) : (
            votable(proposal) && (
              <VotePanel
                key={attempt}
                config={config}
                relayers={relayers}
                zone={zone}
                proposal={proposal}
                lines={lines}
                identity={props.identity}
                citizenship={citizenship}
                onVoted={polled.refresh}
                onNotEligible={onNotEligible}
              />
            )
          )}
          {/* Locked or without an identity, the unlock form is what voting needs next; unlocked,
              the one-line identity state waits below the results, so the vote and count come first. */}
          {!props.identity && identityPanel}
          <Results proposal={proposal} quorumBps={quorumBps} />
          {props.identity && identityPanel}
        </>
      )}
    </>
  );
}
