/** `zonedao relayer`: runs relayer/run.ts with settings from flags, the environment or the deployment. */
import { common, signing, type Command } from "../flags.js";

export const relayer: Command = {
  name: "relayer",
  summary: "run a relayer for some zones (see relayer/README.md)",
  usage: `zonedao relayer --rpc URL --key KEY [--zones A,B] [--port N] [--db FILE] [--from-block N]

Flags map to the relayer's environment variables (ZONEDAO_RPC_URL, ZONEDAO_RELAYER_KEY,
ZONEDAO_ZONES, ZONEDAO_RELAYER_PORT, ZONEDAO_RELAYER_DB, ZONEDAO_FROM_BLOCK); every other setting is
read from the environment as relayer/README.md lists. --zones defaults to the deployment file's
zones. Stops gracefully on Ctrl-C.`,
  options: {
    ...common,
    ...signing,
    zones: { type: "string" },
    port: { type: "string" },
    host: { type: "string" },
    db: { type: "string" },
    "from-block": { type: "string" },
  },
  async run(context) {
    const deployment = context.deployment();
    const environment: Record<string, string | undefined> = {
      ...context.env,
      ZONEDAO_RPC_URL: context.rpcUrl(),
      ZONEDAO_RELAYER_KEY:
        context.text("keystore", "ZONEDAO_KEYSTORE") === undefined
          ? (context.text("key", "ZONEDAO_RELAYER_KEY") ?? context.env.ZONEDAO_PRIVATE_KEY)
          : (await context.signer()).privateKey,
      ZONEDAO_ZONES:
        context.text("zones", "ZONEDAO_ZONES") ?? deployment?.zones.map((zone) => zone.address).join(","),
      ZONEDAO_RELAYER_PORT: context.text("port", "ZONEDAO_RELAYER_PORT"),
      ZONEDAO_RELAYER_HOST: context.text("host", "ZONEDAO_RELAYER_HOST"),
      ZONEDAO_RELAYER_DB: context.text("db", "ZONEDAO_RELAYER_DB"),
      ZONEDAO_FROM_BLOCK:
        context.text("from-block", "ZONEDAO_FROM_BLOCK") ??
        (deployment === undefined ? undefined : String(deployment.blockNumber)),
    };
    const { runRelayer } = await import("../../relayer/run.js");
    await runRelayer(environment);
    // Keeps running until a signal stops it.
    await new Promise(() => undefined);
  },
};
