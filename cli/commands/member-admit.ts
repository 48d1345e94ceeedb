/** `zonedao member admit`: anyone admits every admission request whose delay is over and not rejected. */
import { admitReadyRequests, readAdmissionRequests } from "../../sdk/index.js";
import { CommandError, formatTime } from "../context.js";
import { common, signing, zoneFlag, type Command } from "../flags.js";
import { shortError } from "../refusals.js";

export const memberAdmit: Command = {
  name: "member admit",
  summary: "admit every admission request whose delay is over (anyone)",
  usage: `zonedao member admit --zone ZONE --key KEY

Admits each request that \`zonedao member pending\` lists as ready: its delay is over and the
citizens did not reject it. Anyone may do it; no relayer does it for you.`,
  options: { ...common, ...signing, ...zoneFlag },
  async run(context) {
    const { address, zone, createdBlock } = await context.zone();
    const signer = await context.signer();
    let admitted: bigint[];
    try {
      admitted = await admitReadyRequests(zone, signer, { fromBlock: createdBlock });
    } catch (error) {
      throw new CommandError(`the zone refused: ${shortError(error)}`);
    }
    if (admitted.length > 0) {
      context.print(
        { zone: address, admitted },
        `admitted request(s) ${admitted.map((id) => `#${id}`).join(", ")} to ${address}`,
      );
      return;
    }
    const next = (await readAdmissionRequests(zone, { fromBlock: createdBlock }))
      .filter((request) => request.status === "pending")
      .sort((a, b) => (a.readyAt < b.readyAt ? -1 : 1))[0];
    context.print(
      { zone: address, admitted },
      `no request of ${address} is ready to admit` +
        (next ? ` (the next, #${next.requestId}, can be admitted from ${formatTime(next.readyAt)})` : ""),
    );
  },
};
