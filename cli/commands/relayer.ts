/** `zonedao relayer`: runs relayer/run.ts with settings from flags, the environment or the deployment. */
import { Wallet } from "ethers";
import { UsageError, type CommandContext } from "../context.js";
import { common, signing, type Command } from "../flags.js";

export const relayer: Command = {
  name: "relayer",
  summary: "run a relayer for some zones (see relayer/README.md)",
  usage: `zonedao relayer --rpc URL --keystore FILE [--zones A,B] [--port N] [--db FILE] [--from-block N]
                [--keeper-keystore FILE] [--publish URL]

Flags map to the relayer's environment variables (ZONEDAO_RPC_URL, ZONEDAO_RELAYER_KEY,
ZONEDAO_ZONES, ZONEDAO_RELAYER_PORT, ZONEDAO_RELAYER_DB, ZONEDAO_FROM_BLOCK); every other setting is
read from the environment as relayer/README.md lists. --zones defaults to the deployment file's
zones. The relayer's account comes from --keystore (or ZONEDAO_KEYSTORE), ZONEDAO_RELAYER_KEY,
ZONEDAO_PRIVATE_KEY or --key. Stops gracefully on Ctrl-C.
  --keeper-keystore FILE  run the keeper, which queues and executes the zones' passed proposals
                          before their window closes, paying from this keystore's account (or
                          ZONEDAO_KEEPER_KEYSTORE; or ZONEDAO_KEEPER_KEY), opened with
                          ZONEDAO_KEYSTORE_PASSWORD. An account of its own: never the relayer's.
  --publish URL           once listening, write URL (http or https: where citizens reach this
                          relayer) into the --deployment file, so that vote and propose use it
                          without --relayer`,
  options: {
    ...common,
    ...signing,
    zones: { type: "string" },
    port: { type: "string" },
    host: { type: "string" },
    db: { type: "string" },
    "from-block": { type: "string" },
    "keeper-keystore": { type: "string" },
    publish: { type: "string" },
  },
  async run(context) {
    const publishedUrl = urlToPublish(context);
    const deployment = context.deployment();
    // The node must be the deployment file's chain, above all before its file names this relayer.
    if (deployment !== undefined) await context.provider();
    const relayerKey =
      (await context.keystoreKey("keystore", "ZONEDAO_KEYSTORE")) ??
      context.text("key", "ZONEDAO_RELAYER_KEY") ??
      context.env.ZONEDAO_PRIVATE_KEY;
    const environment: Record<string, string | undefined> = {
      ...context.env,
      ZONEDAO_RPC_URL: context.rpcUrl(),
      ZONEDAO_RELAYER_KEY: relayerKey,
      ZONEDAO_KEEPER_KEY:
        (await context.keystoreKey("keeper-keystore", "ZONEDAO_KEEPER_KEYSTORE")) ??
        context.env.ZONEDAO_KEEPER_KEY,
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
    // Resolves once it listens; a configuration it refuses (a missing or bad key) exits first.
    await runRelayer(environment);
    if (publishedUrl !== undefined) {
      const published = { url: publishedUrl, address: new Wallet(relayerKey!).address };
      const path = context.saveDeployment({ ...context.requireDeployment(), relayer: published });
      context.print(
        { deployment: path, relayer: published },
        `published this relayer (${published.address}) at ${published.url} in ${path}: ` +
          "vote, propose and the other citizens' commands given that file now use it without --relayer",
      );
    }
    // Keeps running until a signal stops it.
    await new Promise(() => undefined);
  },
};

/** --publish's URL, checked before anything starts, without a trailing slash; undefined if not given. */
function urlToPublish(context: CommandContext): string | undefined {
  const given = context.text("publish");
  if (given === undefined) return undefined;
  if (context.text("deployment", "ZONEDAO_DEPLOYMENT") === undefined) {
    throw new UsageError("--publish writes the relayer's URL into a deployment file: give --deployment FILE");
  }
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new UsageError(`--publish: "${given}" is not a URL (e.g. https://relayer.example.org)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`--publish: "${given}" is not an http or https URL`);
  }
  // Clients append /v1/... to it: one spelling in the file, whether or not a slash was typed.
  return url.href.replace(/\/+$/, "");
}
