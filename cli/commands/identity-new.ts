/** `zonedao identity new`: a fresh Semaphore identity, its secret export and its public commitment. */
import { existsSync, writeFileSync } from "node:fs";
import { createIdentity, exportIdentity } from "../../sdk/index.js";
import { UsageError } from "../context.js";
import { common, type Command } from "../flags.js";

export const identityNew: Command = {
  name: "identity new",
  summary: "create a Semaphore identity (its private key is printed: keep it secret)",
  usage: `zonedao identity new [--out FILE] [--json]

Prints the exported identity (the citizen's only secret: whoever holds it can vote as them) and its
commitment (public: give it to the zone's registrar). With --out, the identity goes into FILE
(created readable by you alone, never overwritten; use it with --identity-file) and only the
commitment is printed, so the secret is not left in a terminal's scrollback or a shell's history.`,
  options: { json: common.json, help: common.help, out: { type: "string" } },
  run(context) {
    const identity = createIdentity();
    const exported = exportIdentity(identity);
    const commitment = identity.commitment.toString();
    const out = context.text("out");
    if (out !== undefined) {
      if (existsSync(out))
        throw new UsageError(`--out: ${out} exists; an identity file is never overwritten`);
      writeFileSync(out, `${exported}\n`, { mode: 0o600, flag: "wx" });
      context.print(
        { identityFile: out, commitment },
        `identity    written to ${out}   (secret: readable by you alone; --identity-file ${out})\ncommitment  ${commitment}   (give this to your zone's registrar)`,
      );
      return;
    }
    context.print(
      { identity: exported, commitment },
      `identity    ${exported}   (secret: store it safely)\ncommitment  ${commitment}   (give this to your zone's registrar)`,
    );
  },
};
