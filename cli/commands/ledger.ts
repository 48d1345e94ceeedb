/** `zonedao ledger`: a zone's treasury from its ledger: balances, every movement, dividends owed, refunds. */
import { ZeroAddress } from "ethers";
import { readLedger } from "../../sdk/ledger.js";
import {
  SOURCE_LABELS,
  formatTreasuryAmount,
  readBlockTimes,
  treasurySummary,
  type KnownToken,
} from "../../sdk/treasury.js";
import { formatTime } from "../context.js";
import { common, zoneFlag, type Command } from "../flags.js";

export const ledger: Command = {
  name: "ledger",
  summary: "show a zone's treasury: balances, every payment in and out and who decided it, dividends owed",
  usage: `zonedao ledger --zone ZONE [--token ADDRESS] [--json] [--rpc URL]

ZONE is an address, or a zone's name in the --deployment file. Reads the zone's ledger events from
its creation block: balances per token (and what is set aside for dividend rounds), then every
movement in chain order (date, in or out, amount, counterparty, and the proposal that decided it or
its source), then the open dividend rounds and what they still owe, and the relayer refunds paid.
--token keeps one token (the zero address for ether). --json prints the sdk's treasurySummary
(amounts as decimal strings in base units).`,
  options: { ...common, ...zoneFlag, token: { type: "string" } },
  async run(context) {
    const { address, zone, createdBlock } = await context.zone();
    const token = context.text("token") === undefined ? undefined : context.address("token");
    const provider = await context.provider();
    const entries = await readLedger(zone, { fromBlock: createdBlock });
    const times = await readBlockTimes(
      provider,
      entries.map((entry) => entry.blockNumber),
    );
    const summary = treasurySummary(entries, { times, token });

    // Only the deployment's own stablecoin reads with a symbol: any token may call itself USDz.
    const deployment = context.deployment();
    const known: Record<string, KnownToken> = {};
    if (deployment?.contracts.stablecoin)
      known[deployment.contracts.stablecoin] = { symbol: "USDz", decimals: 18 };
    const names = new Map<string, string>();
    for (const other of deployment?.zones ?? []) names.set(other.address.toLowerCase(), other.name);
    if (deployment) names.set(deployment.contracts.trade.toLowerCase(), "the trade desk");
    if (deployment?.relayer) names.set(deployment.relayer.address.toLowerCase(), "the relayer");
    const amount = (value: bigint, of: string) => formatTreasuryAmount(value, of, known);
    const who = (counterparty: string) => names.get(counterparty.toLowerCase()) ?? counterparty;
    const title = names.get(address.toLowerCase());

    const moves = summary.entries.filter((entry) => entry.kind === "in" || entry.kind === "out");
    const text = [
      `treasury of ${title ? `${title} (${address})` : address}`,
      "  balances",
      ...summary.tokens.map(
        (held) =>
          `    ${amount(held.balance, held.token)}${held.reserved > 0n ? ` (${amount(held.reserved, held.token)} set aside for dividends)` : ""}`,
      ),
      `  ledger (${moves.length} ${moves.length === 1 ? "entry" : "entries"})`,
      ...moves.map((entry) => {
        const when = entry.time === undefined ? `block ${entry.blockNumber}` : formatTime(entry.time);
        const direction = entry.kind === "in" ? "in " : "out";
        const towards = entry.kind === "in" ? "from" : "to";
        const why =
          entry.source === "TreasuryPaid" && entry.proposalId !== undefined
            ? `proposal #${entry.proposalId}`
            : SOURCE_LABELS[entry.source];
        return `    ${when}  ${direction}  ${amount(entry.amount, entry.token)}  ${towards} ${who(entry.counterparty)}  ${why}`;
      }),
      summary.rounds.length === 0 ? "  open dividend rounds: none" : "  open dividend rounds",
      ...summary.rounds.map(
        (round) =>
          `    round #${round.roundId}${round.proposalId === undefined ? "" : ` (proposal #${round.proposalId})`}: still owes ${amount(round.outstanding, round.token)} of ${amount(round.reserved, round.token)} (${round.claims} ${round.claims === 1 ? "claim" : "claims"} paid)`,
      ),
      `  relayer refunds paid: ${amount(summary.refunds.total, ZeroAddress)} in ${summary.refunds.count} ${summary.refunds.count === 1 ? "refund" : "refunds"}`,
      ...summary.refunds.byRelayer.map(
        (paid) => `    ${who(paid.relayer)}  ${amount(paid.amount, ZeroAddress)} (${paid.count})`,
      ),
    ].join("\n");
    context.print({ zone: address, ...summary }, text);
  },
};
