/**
 * What the app calls the addresses it knows (its config's zones and the economy modules), and the
 * short forms of those it does not: a reader should meet "Riverside" or "the trade desk", not 42
 * hex digits.
 */
import type { WebConfig } from "./config-types.js";

/** The economy modules by their config key, as a citizen reads them. */
export const MODULE_NAMES: Record<keyof WebConfig["contracts"], string> = {
  services: "the services registry",
  goods: "the goods registry",
  trade: "the trade desk",
  stablecoin: "USDz",
  tellers: "the tellers' contract",
  sealedBallots: "the sealed ballot box",
};

/** Every name the config gives, by lowercase address. */
export function knownNames(config: WebConfig): Record<string, string> {
  const names: Record<string, string> = {};
  for (const [key, address] of Object.entries(config.contracts)) {
    if (address) names[address.toLowerCase()] = MODULE_NAMES[key as keyof WebConfig["contracts"]];
  }
  for (const zone of config.zones) names[zone.address.toLowerCase()] = zone.name;
  return names;
}

/** The config's name for `address`, if it has one. */
export function nameOf(config: WebConfig, address: string): string | undefined {
  return knownNames(config)[address.toLowerCase()];
}

/** 0x1234…abcd: enough to tell addresses apart at a glance; the full value goes in a title. */
export function shortAddress(value: string): string {
  return /^0x[0-9a-fA-F]{40}$/.test(value) ? `${value.slice(0, 6)}…${value.slice(-4)}` : value;
}

/** 1234…5678: an identity commitment (up to 77 digits) on one line. */
export function shortCommitment(commitment: string): string {
  return commitment.length > 12 ? `${commitment.slice(0, 4)}…${commitment.slice(-4)}` : commitment;
}

/**
 * `text` with every address `names` knows replaced by its name ("pay 1 ETH to Riverside"), for
 * sentences written with full addresses (the sdk's describeProposal); other addresses stay whole,
 * since a sentence a citizen votes on must not hide the one it does not know.
 */
export function withNames(text: string, names: Record<string, string>): string {
  return text.replace(/0x[0-9a-fA-F]{40}\b/g, (address) => names[address.toLowerCase()] ?? address);
}
