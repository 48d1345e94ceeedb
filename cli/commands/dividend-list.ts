/**
 * `zonedao dividend list`: a zone's dividend rounds, read from its events (sdk readDividendRounds):
 * what each pays per citizen, until when, how many of its citizens have claimed and what it still
 * holds for the others.
 */
import { ZeroAddress, formatEther, getAddress } from "ethers";
import { readDividendRounds } from "../../sdk/index.js";
import { formatTime } from "../context.js";
import { common, zoneFlag, type Command } from "../flags.js";

/** An amount of a round's token: ether as ETH, another token in its base units. */
export function formatRoundAmount(amount: bigint, token: string): string {
  return getAddress(token) === ZeroAddress ? `${formatEther(amount)} ETH` : `${amount} of token ${token}`;
}

export const dividendList: Command = {
  name: "dividend list",
  summary: "list a zone's dividend rounds: per citizen, deadline, claims, what each still owes",
  usage: `zonedao dividend list --zone ZONE [--json]

Every dividend round the zone's votes opened, oldest first: its number (what \`dividend claim
--round\` takes), token, amount per citizen, claim deadline, how many of the citizens who could vote
on the proposal that opened it have claimed, what it still holds for the others, and its status:
open, exhausted (everyone claimed), over (deadline passed, not closed yet) or closed.`,
  options: { ...common, ...zoneFlag },
  async run(context) {
    const { address, zone, createdBlock } = await context.zone();
    const rounds = await readDividendRounds(zone, { fromBlock: createdBlock });
    const lines = rounds.map(
      (round) =>
        `#${round.roundId}  ${formatRoundAmount(round.amountPerCitizen, round.token)} per citizen  ` +
        `until ${formatTime(round.claimDeadline)}  claimed ${round.claimedCount}/${round.eligibleCount}  ` +
        `still owes ${formatRoundAmount(round.owed, round.token)}  ${round.status}  ` +
        `(proposal #${round.proposalId})`,
    );
    context.print(
      { zone: address, rounds },
      rounds.length === 0 ? `${address} has opened no dividend round` : lines.join("\n"),
    );
  },
};
