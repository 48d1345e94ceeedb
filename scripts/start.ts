/**
 * `npm start`: a living ZoneDAO on this machine. Starts Hardhat's node, deploys ZoneDAO and the
 * demo zones with the sdk (scripts/demo.ts), starts a relayer for them, writes the deployment
 * file, prints what it started and how to vote, and runs until Ctrl-C or SIGTERM, which stop the
 * relayer and the chain and exit 0.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { JsonRpcProvider, formatEther } from "ethers";
import {
  deployedZone,
  deploymentFileFor,
  formatDeployment,
  stopProverThreads,
  type DeploymentFile,
} from "../sdk/index.js";
import { sealedBallotFiles } from "../circuits/ceremony.js";
import { saveTellerFile } from "../cli/teller-file.js";
import { loadRelayerConfig, RelayerConfigError } from "../relayer/config.js";
import { relayerLogger, startRelayer, type Relayer } from "../relayer/relayer.js";
import { webConfigFromDeployment } from "../web/config.js";
import { buildWebApp, serveWebApp, type WebServer } from "../web/serve.js";
import { DEMO_ACCOUNTS, hardhatAccount, seedDemo, type DemoWorld } from "./demo.js";
import { PortInUseError, requireFreePort, startLocalChain, type LocalChain } from "./local-chain.js";

const HOST = "127.0.0.1";
/** Origins of the web app (this one's, and Vite's dev server on 5173), as a browser may name them. */
function webOrigins(webPort: number): string[] {
  const ports = [...new Set([webPort, 5173])];
  return ports.flatMap((port) => [`http://localhost:${port}`, `http://127.0.0.1:${port}`]);
}
export const READY_LINE = "ZoneDAO is running";
/** What the demo's teller files are encrypted with: a local demo's, never a real teller's. */
export const DEMO_TELLER_PASSPHRASE = "zonedao-demo-teller";

const USAGE = `Usage: npm start [-- options]

Starts a local chain (hardhat node), deploys ZoneDAO with two demo zones, starts a relayer for
them, builds and serves the citizens' web app and writes the deployment file. Ctrl-C stops
everything.

Options (or environment variables):
  --chain-port <port>        local chain's JSON-RPC port (ZONEDAO_CHAIN_PORT, default 8545)
    --relayer-port <port>      relayer's HTTP port (ZONEDAO_RELAYER_PORT, default 8787)
  --web-port <port>          web app's HTTP port (ZONEDAO_WEB_PORT, default 8080)
  --deployment-file <path>   where to write the deployment file (ZONEDAO_DEPLOYMENT_FILE,
                             default deployments/localhost.json); the relayer's database and the
                             chain's log go beside it
  -h, --help                 this text

The relayer also reads its tuning variables (ZONEDAO_LOG_LEVEL, default warn; ZONEDAO_VERIFIER_THREADS...).`;

class UsageError extends Error {
  override name = "UsageError";
}

interface StartOptions {
  chainPort: number;
  relayerPort: number;
  webPort: number;
  deploymentFile: string;
}

function readOptions(argv: string[], env: NodeJS.ProcessEnv): StartOptions | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        "chain-port": { type: "string" },
        "relayer-port": { type: "string" },
        "web-port": { type: "string" },
        "deployment-file": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return "help";
  const port = (flag: string, value: string | undefined, fallback: number) => {
    if (value === undefined || value.trim() === "") return fallback;
    const number = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isInteger(number) || number < 1 || number > 65_535) {
      throw new UsageError(`${flag} must be a port from 1 to 65535, got "${value}"`);
    }
    return number;
  };
  const options = {
    chainPort: port("--chain-port", values["chain-port"] ?? env.ZONEDAO_CHAIN_PORT, 8545),
    relayerPort: port("--relayer-port", values["relayer-port"] ?? env.ZONEDAO_RELAYER_PORT, 8787),
    webPort: port("--web-port", values["web-port"] ?? env.ZONEDAO_WEB_PORT, 8080),
    deploymentFile: resolve(
      values["deployment-file"] ?? env.ZONEDAO_DEPLOYMENT_FILE ?? "deployments/localhost.json",
    ),
  };
  if (new Set([options.chainPort, options.relayerPort, options.webPort]).size !== 3) {
    throw new UsageError("the chain, the relayer and the web app need three different ports");
  }
  return options;
}

/** deployments/localhost.json -> deployments/localhost<suffix>. */
function besideDeployment(deploymentFile: string, suffix: string): string {
  return deploymentFile.replace(/\.json$/, "") + suffix;
}

const say = (line = "") => process.stdout.write(`${line}\n`);
const step = (line: string) => say(`  · ${line}`);
/** A path as the reader can use it: relative when inside the working directory. */
const shown = (path: string) => {
  const inside = relative(process.cwd(), path);
  return inside === "" || inside.startsWith("..") ? path : inside;
};

let chain: LocalChain | undefined;
let relayer: Relayer | undefined;
let web: WebServer | undefined;
let stopping: Promise<void> | undefined;

/** Stops the relayer, then the chain, then the prover's threads, and exits with `code`. */
function stopAndExit(code: number): void {
  stopping ??= (async () => {
    try {
      await web?.close();
      await relayer?.close();
    } finally {
      await chain?.stop();
      await stopProverThreads();
    }
  })();
  stopping.then(
    () => process.exit(code),
    (error: unknown) => {
      console.error(`stopping failed: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}

let firstSignalAt = 0;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) {
      // A Ctrl-C reaches this process from the terminal and may come again, at once, through npm:
      // only a second one a moment later means "do not wait for anything".
      if (Date.now() - firstSignalAt < 1_000) return;
      chain?.kill();
      process.exit(1);
    }
    firstSignalAt = Date.now();
    say(`\n${signal}: stopping the relayer and the chain`);
    stopAndExit(0);
  });
}

async function main(options: StartOptions): Promise<void> {
  const chainHint = `npm start -- --chain-port ${options.chainPort + 1} (or ZONEDAO_CHAIN_PORT=${options.chainPort + 1})`;
  const relayerHint = `npm start -- --relayer-port ${options.relayerPort + 1} (or ZONEDAO_RELAYER_PORT=${options.relayerPort + 1})`;
  await requireFreePort(HOST, options.chainPort, "local chain", chainHint);
  await requireFreePort(HOST, options.relayerPort, "relayer", relayerHint);
  const webHint = `npm start -- --web-port ${options.webPort + 1} (or ZONEDAO_WEB_PORT=${options.webPort + 1})`;
  await requireFreePort(HOST, options.webPort, "web app", webHint);

  const chainLog = besideDeployment(options.deploymentFile, "-chain.log");
  const relayerDatabase = besideDeployment(options.deploymentFile, "-relayer.sqlite");
  mkdirSync(dirname(options.deploymentFile), { recursive: true });
  // The chain is new, so is everything that described the last one.
  for (const stale of [
    options.deploymentFile,
    relayerDatabase,
    `${relayerDatabase}-wal`,
    `${relayerDatabase}-shm`,
  ]) {
    rmSync(stale, { force: true });
  }

  say("ZoneDAO: starting a local zone");
  step(`starting hardhat node on ${HOST}:${options.chainPort} (log: ${shown(chainLog)})`);
  chain = await startLocalChain({ host: HOST, port: options.chainPort, logFile: chainLog });
  if (stopping) return;
  const provider = new JsonRpcProvider(chain.url, undefined, {
    staticNetwork: true,
    cacheTimeout: -1,
    pollingInterval: 100,
  });
  const accounts = (await provider.send("eth_accounts", [])) as string[];
  const deployer = hardhatAccount(DEMO_ACCOUNTS.deployer, provider);
  if (accounts[0]?.toLowerCase() !== deployer.address.toLowerCase()) {
    throw new Error(`the node's first account is ${accounts[0]}, not Hardhat's default ${deployer.address}`);
  }

  say("Deploying ZoneDAO and the demo zones (real proofs; about half a minute)");
  const world = await seedDemo(provider, step);
  if (stopping) return;

  say("Starting the relayer");
  const relayerWallet = hardhatAccount(DEMO_ACCOUNTS.relayer, provider);
  const config = loadRelayerConfig({
    ZONEDAO_LOG_LEVEL: "warn",
    ZONEDAO_CORS_ORIGINS: webOrigins(options.webPort).join(","),
    ZONEDAO_BATCH_MAX_AGE_MS: "1000",
    ZONEDAO_POLL_INTERVAL_MS: "500",
    ...process.env,
    // What start decides, whatever the environment says.
    ZONEDAO_RPC_URL: chain.url,
    ZONEDAO_RELAYER_KEY: relayerWallet.privateKey,
    ZONEDAO_ZONES: world.zones.map((zone) => zone.address).join(","),
    ZONEDAO_FROM_BLOCK: String(world.deployment.blockNumber),
    ZONEDAO_RELAYER_HOST: HOST,
    ZONEDAO_RELAYER_PORT: String(options.relayerPort),
    ZONEDAO_RELAYER_DB: relayerDatabase,
  });
  relayer = await startRelayer(config, { logger: relayerLogger(config.logLevel) });
  if (stopping) return;
  const relayerUrl = await relayer.listen();
  step(`relayer listening on ${relayerUrl} (database: ${shown(relayerDatabase)})`);

  const deployment = await deploymentFileFor(world.deployment, provider, {
    network: "localhost",
    rpcUrl: chain.url,
  });
  deployment.contracts.stablecoin = world.stablecoin;
  deployment.sealedBallot = await sealedBallotFiles(world.sealedBallot.wasm, world.sealedBallot.zkey, true);
  deployment.zones = await Promise.all(
    world.zones.map((zone) => deployedZone(deployment, zone.address, provider)),
  );
  deployment.relayer = { url: relayerUrl, address: relayer.address };

  say("Building and serving the web app (Vite; copies the official proving artifacts)");
  await buildWebApp();
  if (stopping) return;
  const webConfig = webConfigFromDeployment(deployment, { rpcUrl: "/rpc" });
  web = await serveWebApp({
    config: () => webConfig,
    rpcUrl: chain.url,
    host: HOST,
    port: options.webPort,
    sealedBallot: world.sealedBallot,
  });
  step(`web app on ${web.url}`);
  deployment.web = { url: web.url };
  deployment.demo = { citizens: world.citizens };
  writeFileSync(options.deploymentFile, formatDeployment(deployment));
  const tellerFiles = writeTellerFiles(options.deploymentFile, world, deployment.chainId);
  const firstTellerKey = hardhatAccount(world.tellers.members[0]!.account, provider).privateKey;
  provider.destroy();

  printSummary(options, deployment, world, chain, relayerUrl, chainLog, {
    files: tellerFiles,
    firstTellerKey,
  });
}

/**
 * The demo tellers' files for `zonedao teller` (deployments/localhost-teller-N.json), encrypted with
 * DEMO_TELLER_PASSPHRASE: with them a tester opens the sealed tally once its vote has closed.
 */
function writeTellerFiles(deploymentFile: string, world: DemoWorld, chainId: string): string[] {
  const { zone, term, members } = world.tellers;
  return members.map(({ number, secret }) => {
    const file = besideDeployment(deploymentFile, `-teller-${number}.json`);
    saveTellerFile(file, { chainId: BigInt(chainId), zone, term }, { secret }, DEMO_TELLER_PASSPHRASE);
    return file;
  });
}

function printSummary(
  options: StartOptions,
  deployment: DeploymentFile,
  world: DemoWorld,
  localChain: LocalChain,
  relayerUrl: string,
  chainLog: string,
  tellers: { files: string[]; firstTellerKey: string },
): void {
  const file = shown(options.deploymentFile);
  const zoneNames = new Map(deployment.zones.map((zone) => [zone.address, zone.name]));
  say();
  say("Local chain");
  say(
    `  JSON-RPC   ${localChain.url}  (chain id ${deployment.chainId}; hardhat node, pid ${localChain.pid})`,
  );
  say(`  log        ${shown(chainLog)}`);
  say(
    `  accounts   Hardhat's defaults ("test test ... junk"): deployer #${DEMO_ACCOUNTS.deployer}, registrar #${DEMO_ACCOUNTS.registrar}, relayer #${DEMO_ACCOUNTS.relayer}`,
  );
  say("Relayer");
  say(`  URL        ${relayerUrl}  (GET /v1/health, /v1/zones, /v1/openapi.json)`);
  say(`  account    ${deployment.relayer?.address ?? ""}`);
  say(`  CORS       ${webOrigins(options.webPort).join(", ")}`);
  say("Web app");
  say(
    `  URL        ${deployment.web?.url ?? ""}  (create an identity, then vote as a demo citizen: restore their identity from the deployment file)`,
  );
  say("Contracts");
  for (const [name, address] of Object.entries(deployment.contracts)) {
    say(`  ${name.padEnd(21)}${address}`);
  }
  say("Zones");
  for (const zone of deployment.zones) {
    const citizens = world.zones.find((demoZone) => demoZone.address === zone.address)?.citizens ?? [];
    const parent =
      zone.parent === null ? "" : `internal DAO of ${zoneNames.get(zone.parent) ?? zone.parent}; `;
    say(`  ${zone.name}  ${zone.address}  (${parent}citizens: ${citizens.join(", ")})`);
    for (const proposal of zone.proposals) {
      say(`    #${proposal.id} ${proposal.state.padEnd(10)} ${proposal.description}`);
    }
  }
  say(`Demo citizens (identities in ${file}; local demo only)`);
  for (const citizen of world.citizens) {
    const zones = citizen.zones.map((zone) => zoneNames.get(zone) ?? zone).join(", ");
    say(`  ${citizen.name.padEnd(6)} ${zones}`);
  }

  const { zone, zoneName, proposalId, voter } = world.openProposal;
  const identity = world.citizens.find((citizen) => citizen.name === voter)?.identity ?? "";
  say();
  say(
    `Vote in the browser at ${deployment.web?.url ?? ""}, or as ${voter} on ${zoneName} #${proposalId} (open for a week) from the command line:`,
  );
  say(
    `  npm run zonedao -- vote --deployment ${file} --zone ${zone} --proposal ${proposalId} --option for --identity ${identity}`,
  );
  say("or, naming the zone and the demo citizen:");
  say(
    `  npm run zonedao -- vote --deployment ${file} --zone ${zoneName} --proposal ${proposalId} --option for --citizen ${voter}`,
  );
  const sealed = world.sealedProposal;
  say(
    `${sealed.zoneName} #${sealed.proposalId} is sealed: ballots are encrypted to its tellers' key and no count shows until the vote closes. ${sealed.voter} votes on it in the browser, or:`,
  );
  say(
    `  npm run zonedao -- vote --deployment ${file} --zone ${sealed.zoneName} --proposal ${sealed.proposalId} --option for --citizen ${sealed.voter}`,
  );
  say(
    `After it closes (a week of chain time), two of its tellers open the tally (teller files ${tellers.files.map(shown).join(", ")}; Hardhat accounts #${world.tellers.members.map(({ account }) => account).join(", #")}), each with:`,
  );
  say(
    `  ZONEDAO_TELLER_PASSPHRASE=${DEMO_TELLER_PASSPHRASE} ZONEDAO_PRIVATE_KEY=${tellers.firstTellerKey} npm run zonedao -- teller --deployment ${file} --zone ${sealed.zoneName} --term ${world.tellers.term} --teller-file ${shown(tellers.files[0] ?? "")} --proposal ${sealed.proposalId}`,
  );
  const { recycling } = world;
  say(
    `${zoneNames.get(recycling.zone) ?? recycling.zone} rewards recyclable content: ${zoneNames.get(recycling.producer) ?? recycling.producer}'s harvest (production ${recycling.productionId}, 85% recyclable) was attested by the materials lab (service ${recycling.inspectorService}, Hardhat account #${DEMO_ACCOUNTS.materialsLab}) and rewarded ${formatEther(recycling.reward)} USDz. See ${deployment.web?.url ?? ""}#/zone/${recycling.zone}/production, or:`,
  );
  say(
    `  npm run zonedao -- production list --deployment ${file} --zone ${zoneNames.get(recycling.zone) ?? recycling.zone}`,
  );
  say("Vote as " + voter + " with the sdk, through the relayer:");
  say(`  const zone = zoneAt("${zone}", new JsonRpcProvider("${localChain.url}"));`);
  say(`  const group = await rebuildGroup(zone, { untilProposal: ${proposalId}n });`);
  say(
    `  const vote = await proveVote(importIdentity("${identity}"), group, { chainId: ${deployment.chainId}n, zone: "${zone}", proposalId: ${proposalId}n, option: VoteOption.For });`,
  );
  say(`  const relayer = new RelayerClient("${relayerUrl}");`);
  say(`  await relayer.submitVote(voteRequest("${zone}", vote)); await relayer.waitForVote(vote.nullifier);`);
  say();
  say(
    `${READY_LINE}: web app ${deployment.web?.url ?? ""}, chain ${localChain.url}, relayer ${relayerUrl}, deployment ${file}. ` +
      `Ctrl-C (or kill -TERM ${process.pid}) stops it.`,
  );
}

let options: StartOptions | "help";
try {
  options = readOptions(process.argv.slice(2), process.env);
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (options === "help") {
  say(USAGE);
  process.exit(0);
}
try {
  await main(options);
} catch (error) {
  if (error instanceof PortInUseError || error instanceof RelayerConfigError) {
    console.error(`npm start: ${error.message}`);
  } else {
    console.error("npm start failed:", error);
  }
  if (!stopping) stopAndExit(1);
}
