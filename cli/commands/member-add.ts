/** `zonedao member add`: the registrar admits citizens by their identity commitments. */
import { CommandError, UsageError } from "../context.js";
import { common, signing, zoneFlag, type Command } from "../flags.js";
import { shortError } from "../refusals.js";

export const memberAdd: Command = {
  name: "member add",
  summary: "admit citizens to a zone (the registrar only)",
  usage: `zonedao member add --zone ZONE --key REGISTRAR_KEY --commitment C [--commitment C ...]

Each C is an identity commitment (decimal), as \`zonedao identity show\` prints it.`,
  options: {
    ...common,
    ...signing,
    ...zoneFlag,
    commitment: { type: "string", multiple: true },
  },
  async run(context) {
    const commitments = context.commitments("commitment");
    if (commitments.length === 0) throw new UsageError("--commitment is required");
    const { address, zone } = await context.zone();
    const signer = await context.signer();
    const registrar = await zone.registrar();
    if (registrar !== signer.address) {
      throw new CommandError(
        `only the zone's registrar ${registrar} can add members; --key is ${signer.address}`,
      );
    }
    try {
      const receipt = await (await zone.connect(signer).addMembers(commitments)).wait();
      context.print(
        { zone: address, added: commitments, txHash: receipt?.hash },
        `added ${commitments.length} citizen(s) to ${address} (tx ${receipt?.hash})`,
      );
    } catch (error) {
      throw new CommandError(`the zone refused: ${shortError(error)}`);
    }
  },
};
