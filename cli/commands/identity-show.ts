/** `zonedao identity show`: the public commitment of an identity the citizen already has. */
import { common, identityFlags, type Command } from "../flags.js";

export const identityShow: Command = {
  name: "identity show",
  summary: "show an identity's public commitment",
  usage: `zonedao identity show (--identity EXPORTED | --identity-file FILE | --citizen NAME --deployment FILE)`,
  options: { ...common, ...identityFlags },
  run(context) {
    const identity = context.identity();
    context.print({ commitment: identity.commitment.toString() }, `commitment  ${identity.commitment}`);
  },
};
