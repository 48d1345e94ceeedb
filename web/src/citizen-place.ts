/**
 * Where this browser's identity sits in its zone's group (its leaf index), found once per device and
 * zone (the relayers, `Relayers` in api.ts, are the path's source: sdk/private-path.ts).
 *
 * The leaf index is found by reading the zone's whole member list page by page, once (nothing about
 * the citizen leaves the browser: every page is asked for in order), and kept in localStorage under
 * `zonedao.leaf.v1.<zone>.<commitment>` beside the wallet. After that a proof downloads only the tree
 * top and a few buckets (the own one and decoys fixed per identity), never the list again. An
 * identity not found is remembered with how many leaves were read, so the next look reads only the
 * members added since.
 *
 * A stored index is a hint, like everything a relayer said: the prover checks that the leaf there is
 * the identity's commitment and that the path hashes to the chain's root.
 */
import type { Identity } from "@semaphore-protocol/identity";
import { useEffect, useState } from "react";
import {
  BUCKET_BITS,
  DECOY_BUCKETS,
  bucketCount,
  decoyBuckets,
  findLeafIndex,
  memberCount,
  type MemberPages,
  type PathSource,
} from "../../sdk/private-path.js";
import { explain, zoneReader, type WebConfig } from "./api.js";

export const PLACE_STORAGE_PREFIX = "zonedao.leaf.v1.";

/** What this device knows of an identity's place: its leaf, or that it is not among the first leaves. */
export type Place = { leafIndex: number } | { notAmongFirst: number };

const storageKey = (zone: string, commitment: string) =>
  `${PLACE_STORAGE_PREFIX}${zone.toLowerCase()}.${commitment}`;

/** This device's record of the identity's place in `zone`, if any. */
export function storedPlace(zone: string, commitment: string): Place | undefined {
  try {
    const stored = JSON.parse(localStorage.getItem(storageKey(zone, commitment)) ?? "null") as unknown;
    if (stored && typeof stored === "object") {
      const { leafIndex, notAmongFirst } = stored as Record<string, unknown>;
      if (Number.isSafeInteger(leafIndex) && (leafIndex as number) >= 0)
        return { leafIndex: leafIndex as number };
      if (Number.isSafeInteger(notAmongFirst) && (notAmongFirst as number) >= 0)
        return { notAmongFirst: notAmongFirst as number };
    }
  } catch {
    // an unreadable record is no record: the list is read again
  }
  return undefined;
}

/** Keeps the identity's place on this device (found by the search, or by a group rebuilt from the chain). */
export function rememberPlace(zone: string, commitment: string, place: Place): void {
  localStorage.setItem(storageKey(zone, commitment), JSON.stringify(place));
}

/** Drops the record (its leaf no longer holds the commitment): the next look reads the list again. */
export function forgetPlace(zone: string, commitment: string): void {
  localStorage.removeItem(storageKey(zone, commitment));
}

/** "finding your place in the list of citizens, once", with how far it got when the list is long. */
export function placeProgressText(done: number, total: number): string {
  const read =
    total > 0 ? `: ${Math.min(done, total).toLocaleString("en")} of ${total.toLocaleString("en")}` : "";
  return `finding your place in the list of citizens, once${read}`;
}

/**
 * The identity's place in `zone`: the stored one, else found by reading the relayers' buckets of
 * every leaf (from where the last look stopped) and stored. `onProgress` hears of each bucket read.
 */
export async function findPlace(
  relayers: MemberPages & Pick<PathSource, "bucket">,
  zone: string,
  commitment: string,
  onProgress?: (done: number, total: number) => void,
): Promise<Place> {
  const known = storedPlace(zone, commitment);
  if (known && "leafIndex" in known) return known;
  const from = known?.notAmongFirst ?? 0;
  const total = await memberCount(relayers, zone);
  const found = await findLeafIndex(relayers, zone, BigInt(commitment), total, { from, onProgress });
  const place: Place = found === undefined ? { notAmongFirst: Math.max(from, total) } : { leafIndex: found };
  rememberPlace(zone, commitment, place);
  return place;
}

/** Whether a place is a citizen's leaf (the relayers' word until a proof checks it against the chain). */
export const leafIndexOf = (place: Place | undefined) =>
  place && "leafIndex" in place ? place.leafIndex : undefined;

/**
 * How many leaves the zone's tree has now: the chain's word when the app has an RPC, else the
 * relayers' (the total of a one-member page).
 */
export async function currentTreeSize(
  config: WebConfig,
  relayers: MemberPages,
  zone: string,
): Promise<number> {
  const reader = zoneReader(config, zone);
  if (reader) return Number((await reader.merkleTree()).size);
  return memberCount(relayers, zone);
}

/**
 * Whether the leaf at `leafIndex` of the zone's tree of `total` leaves still holds the identity's
 * commitment: its bucket fetched with the identity's decoys (all in ascending order, as a proof
 * fetches them, so this look tells the relayer no more than a vote does; the browser revalidates
 * each by ETag).
 */
export async function leafHolds(
  relayers: PathSource,
  zone: string,
  identity: Identity,
  leafIndex: number,
  total: number,
): Promise<boolean> {
  if (leafIndex >= total) return false;
  const own = leafIndex >> BUCKET_BITS;
  const wanted = [own, ...decoyBuckets(identity.secretScalar, zone, bucketCount(total), DECOY_BUCKETS, own)];
  const buckets = await Promise.all(
    wanted
      .sort((a, b) => a - b)
      .map(async (index) => [index, await relayers.bucket(zone, index, total)] as const),
  );
  const leaves = new Map(buckets).get(own);
  return leaves?.[leafIndex - own * 2 ** BUCKET_BITS] === identity.commitment;
}

/** How soon a failed look (relayers down) is tried again. */
const RETRY_MS = 5000;

export interface Citizenship {
  /** Undefined while unknown (locked, or still looking). */
  isMember: boolean | undefined;
  /** The identity's leaf index, once found. */
  leafIndex: number | undefined;
  /** The search's progress while it reads the member list ("finding your place…: 20,000 of 1,000,000"). */
  searching: string | undefined;
  error: string | undefined;
}

/**
 * Whether the unlocked `identity` is a citizen of `zone`, without reading the member list again once
 * its place is known: a stored leaf is checked once (leafHolds), an unknown one searched for once
 * (findPlace). An identity not found is looked for again every `intervalMs` (if given) among the
 * members added since, so a newcomer's page turns to "Citizen of" once admitted. Nothing is asked
 * while `enabled` is false (a dead end); `attempt` (the page's Try again) starts over.
 */
export function useCitizenship(
  config: WebConfig,
  relayers: PathSource & MemberPages,
  zone: string,
  identity: Identity | undefined,
  options: {
    enabled: boolean;
    intervalMs?: number;
    attempt?: number;
    /**
     * Check a stored leaf in the tree of this many leaves when it is among them (a proposal's
     * eligibleCount: the very downloads its vote's path makes next, so the browser has them).
     */
    checkAtSize?: number;
  },
): Citizenship {
  const { enabled, intervalMs, attempt, checkAtSize } = options;
  const [state, setState] = useState<Omit<Citizenship, "isMember">>({
    leafIndex: undefined,
    searching: undefined,
    error: undefined,
  });
  const [found, setFound] = useState<{ commitment: string; isMember: boolean }>();
  useEffect(() => {
    if (!identity || !enabled) return;
    const commitment = identity.commitment.toString();
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let checked = false;
    const once = async () => {
      let failed = false;
      try {
        let place = storedPlace(zone, commitment);
        let leafIndex = leafIndexOf(place);
        if (leafIndex !== undefined && !checked) {
          checked = true;
          const total =
            checkAtSize !== undefined && leafIndex < checkAtSize
              ? checkAtSize
              : await currentTreeSize(config, relayers, zone);
          // A check that could not be made keeps the place: a proof's path checks it again.
          const holds = await leafHolds(relayers, zone, identity, leafIndex, total).catch(() => true);
          if (!holds) {
            forgetPlace(zone, commitment); // removed, or a relayer misled the search: look again
            place = undefined;
          }
        }
        if (cancelled) return;
        leafIndex = leafIndexOf(place);
        if (leafIndex === undefined) {
          place = await findPlace(relayers, zone, commitment, (done, total) => {
            if (!cancelled)
              setState((current) => ({ ...current, searching: placeProgressText(done, total) }));
          });
          leafIndex = leafIndexOf(place);
        }
        if (cancelled) return;
        setState({ leafIndex, searching: undefined, error: undefined });
        setFound({ commitment, isMember: leafIndex !== undefined });
        if (leafIndex !== undefined) return; // a citizen: nothing more to look for
      } catch (error) {
        if (cancelled) return;
        failed = true;
        setState((current) => ({ ...current, searching: undefined, error: explain(error) }));
      }
      // Not found: looked for again among the members added since, if the page polls. Failed: again soon.
      const next = failed ? (intervalMs ?? RETRY_MS) : intervalMs;
      if (next !== undefined) timer = setTimeout(() => void once(), next);
    };
    void once();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [config, relayers, zone, identity, enabled, intervalMs, attempt, checkAtSize]);
  const isMember =
    identity && found?.commitment === identity.commitment.toString() ? found.isMember : undefined;
  return { ...state, isMember, leafIndex: isMember ? state.leafIndex : undefined };
}
