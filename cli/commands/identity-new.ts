/** `zonedao identity new`: a fresh Semaphore identity, its secret export and its public commitment. */
import { createIdentity, exportIdentity } from "../../sdk/index.js";
import { common, type Command } from "../flags.js";

export const identityNew: Command = {
  name: "identity new",
  summary: "create a Semaphore identity (its private key is printed: keep it secret)",
  usage: `zonedao identity new [--json]

Prints the exported identity (the citizen's only secret: whoever holds it can vote as them) and its
commitment (public: give it to the zone's registrar).`,
  options: { json: common.json, help: common.help },
  run(context) {
    const identity = createIdentity();
    const exported = exportIdentity(identity);
    context.print(
      { identity: exported, commitment: identity.commitment.toString() },
      `identity    ${exported}   (secret: store it safely)\ncommitment  ${identity.commitment}   (give this to your zone's registrar)`,
    );
  },
};
