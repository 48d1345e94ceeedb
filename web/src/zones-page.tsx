/**
 * The front page (#/): what ZoneDAO is in a few plain sentences, then each zone the relayers serve
 * as a card: its name, how many citizens it has, its treasury at a glance and how many proposals are
 * open for a vote, and whether this browser's identity is a citizen of it.
 */
import { findPlace, leafIndexOf } from "./citizen-place.js";
import { ZeroAddress } from "ethers";
import { useEffect, useState } from "react";
import { formatTreasuryAmount } from "../../sdk/treasury.js";
import { chainProvider, explain, knownTokens, tokenBalance, type Relayers, type WebConfig } from "./api.js";
import { nameOf, shortAddress } from "./names.js";
import { useWallet } from "./wallet-context.js";

interface ZoneGlance {
  citizens?: number;
  openProposals?: number;
  /** Ether, then the config's stablecoin, as the reader reads them ("10 ETH"). */
  treasury?: string[];
  error?: string;
}

export function ZonesPage({ config, relayers }: { config: WebConfig; relayers: Relayers }) {
  const wallet = useWallet();
  const [zones, setZones] = useState<string[]>();
  const [error, setError] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    setError(undefined);
    relayers.zones().then(
      ({ zones: served }) => setZones(served),
      (caught: unknown) => setError(explain(caught)),
    );
  }, [relayers, attempt]);
  const citizenOf = useCitizenships(relayers, zones, wallet.commitment);
  const glances = useZoneGlances(config, relayers, zones);
  return (
    <>
      <h1>Zones</h1>
      <p>
        A zone is a community that owns its economy together: a neighbourhood, a cooperative, a town. Its
        citizens propose and vote on how its money is spent, which services it runs and what its rules are,
        and only a decision they passed can move its treasury.
      </p>
      <p>
        ZoneDAO makes those votes anonymous: each vote is a zero-knowledge proof that a citizen voted, once,
        without saying who. The votes are counted in public on the chain, and anyone can check the count.{" "}
        <a href="#/help">How it works</a>.
      </p>
      <p>Choose your zone. One identity per zone, all kept in one wallet in this browser.</p>
      {error && (
        <p className="error" role="alert">
          {error}{" "}
          <button type="button" className="secondary" onClick={() => setAttempt((count) => count + 1)}>
            Try again
          </button>
        </p>
      )}
      <section aria-label="Zones" className="zc-list">
        {!zones && !error && <p>Loading zones…</p>}
        {zones?.length === 0 && <p>No zone is served by this app's relayers yet.</p>}
        <ul className="plain zc-cards">
          {zones?.map((zone) => (
            <ZoneCard
              key={zone}
              zone={zone}
              name={nameOf(config, zone)}
              glance={glances[zone.toLowerCase()]}
              citizen={citizenOf[zone.toLowerCase()] === true}
            />
          ))}
        </ul>
      </section>
    </>
  );
}

function ZoneCard(props: { zone: string; name?: string; glance?: ZoneGlance; citizen: boolean }) {
  const { zone, name, glance, citizen } = props;
  const count = (value: number | undefined, one: string, many: string) =>
    value === undefined ? "…" : `${value} ${value === 1 ? one : many}`;
  return (
    <li className="zc-card" data-testid={`zone-card-${zone}`}>
      <h2 className="zc-title">
        <a href={`#/zone/${zone}`}>{name ?? `Zone ${shortAddress(zone)}`}</a>{" "}
        {citizen && <span className="badge">You are a citizen</span>}
      </h2>
      <dl className="zc-facts">
        <div>
          <dt>Citizens</dt>
          <dd data-testid="zone-citizens">{count(glance?.citizens, "citizen", "citizens")}</dd>
        </div>
        <div>
          <dt>Open for a vote</dt>
          <dd>{count(glance?.openProposals, "proposal", "proposals")}</dd>
        </div>
        <div>
          <dt>Treasury</dt>
          <dd data-testid="zone-treasury">
            {glance?.treasury ? glance.treasury.join(" · ") : glance?.error ? "unknown" : "…"}{" "}
            <a href={`#/zone/${zone}/treasury`}>See the treasury</a>
          </dd>
        </div>
      </dl>
      {glance?.error && <p className="muted">{glance.error}</p>}
    </li>
  );
}

/**
 * Each zone's citizens (the relayers' member list), open proposals (the relayers' listing) and
 * treasury (ether and the config's stablecoin, read over the RPC), read once per list of zones.
 */
function useZoneGlances(
  config: WebConfig,
  relayers: Relayers,
  zones: string[] | undefined,
): Record<string, ZoneGlance> {
  const [glances, setGlances] = useState<Record<string, ZoneGlance>>({});
  const key = zones?.join(",") ?? "";
  useEffect(() => {
    let current = true;
    const provider = chainProvider(config);
    const { stablecoin } = config.contracts;
    const known = knownTokens(config);
    const update = (zone: string, found: ZoneGlance) => {
      if (current)
        setGlances((all) => ({ ...all, [zone.toLowerCase()]: { ...all[zone.toLowerCase()], ...found } }));
    };
    for (const zone of key ? key.split(",") : []) {
      // The list's length from one one-member page: the whole list is never read here.
      relayers.membersPage(zone, 0, 1).then(
        ({ total }) => update(zone, { citizens: total }),
        (caught: unknown) => update(zone, { error: explain(caught) }),
      );
      relayers.proposals(zone).then(
        ({ value }) =>
          update(zone, {
            openProposals: value.proposals.filter((proposal) => proposal.state === "Active").length,
          }),
        (caught: unknown) => update(zone, { error: explain(caught) }),
      );
      if (!provider) continue;
      Promise.all([
        tokenBalance(provider, ZeroAddress, zone),
        stablecoin ? tokenBalance(provider, stablecoin, zone) : undefined,
      ]).then(
        ([ether, usdz]) =>
          update(zone, {
            treasury: [
              formatTreasuryAmount(ether, ZeroAddress, {}, { maxFractionDigits: 4 }),
              ...(stablecoin && typeof usdz === "bigint"
                ? [formatTreasuryAmount(usdz, stablecoin, known, { maxFractionDigits: 4 })]
                : []),
            ],
          }),
        (caught: unknown) => update(zone, { error: `The treasury could not be read: ${explain(caught)}` }),
      );
    }
    return () => {
      current = false;
    };
  }, [config, relayers, key]);
  return glances;
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
      // The place this device found once (citizen-place.ts), else the one search for it.
      findPlace(relayers, zone!, known!).then(
        (place) => {
          if (current)
            setCitizenOf((found) => ({ ...found, [zone!.toLowerCase()]: leafIndexOf(place) !== undefined }));
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
