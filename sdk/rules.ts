/**
 * A zone's rules: the defaults a new zone gets unless its founders say otherwise, and every other
 * set of rules (tests, benchmarks, the demo) written as the changes it makes to them.
 */
import type { ZoneRules } from "./types.js";

const DAY = 86_400;

/**
 * A new zone's rules unless told otherwise: votes open at once for three days, a fifth of the
 * citizens must vote and more than half of those voting For or Against approve; a passed decision
 * waits a day, then has a week to be executed; each citizen may propose twice a day; relayers are
 * not refunded.
 */
export const DEFAULT_RULES: Readonly<ZoneRules> = Object.freeze({
  votingDelay: 0,
  votingPeriod: 3 * DAY,
  executionDelay: DAY,
  executionWindow: 7 * DAY,
  quorumBps: 2000,
  approvalBps: 5000,
  proposalEpoch: DAY,
  proposalsPerEpoch: 2,
  maxRelayerRefundPerVote: 0n,
});

/** The default rules with `changes` applied. */
export function rulesWith(changes: Partial<ZoneRules>): ZoneRules {
  return { ...DEFAULT_RULES, ...changes };
}
