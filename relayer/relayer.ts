/**
 * Puts the relayer together: chain connection, SQLite store, index, verifier threads, submitter,
 * the optional keeper and HTTP app. `startRelayer` checks at boot what configuration alone cannot
 * (the RPC answers, every zone is a zone), and `close` shuts down in order: stop taking requests,
 * finish the transactions in flight, then release threads and the database.
 */
import { Wallet, ZeroHash, formatEther, type JsonRpcApiProvider } from "ethers";
import { pino, type DestinationStream, type Logger } from "pino";
import {
  SealedBallotVerifier__factory,
  jsonRpcProvider,
  sealedBallotsOf,
  setLogRange,
  zoneAt,
  zoneCreatedBlock,
  type SealedBallotVerifier,
  type Zone,
  type ZoneSealedBallots,
} from "../sdk/index.js";
import { buildRelayerApp, type RelayerApp } from "./app.js";
import { relayerUnfunded } from "./errors.js";
import type { IndexedRelayerConfig, RelayerConfig } from "./config.js";
import { ZoneIndexer } from "./indexer.js";
import { Intake } from "./intake.js";
import { Keeper, type KeeperDependencies } from "./keeper.js";
import { KeeperMetrics, RelayerMetrics } from "./metrics.js";
import { RelayerStore } from "./store.js";
import { Submitter } from "./submitter.js";
import { VerifierPool } from "./verifier-pool.js";

/** A zone's sealed ballots module (its factory's) and the module's proof verifier. */
export interface SealedModule {
  module: ZoneSealedBallots;
  address: string;
  verifier: SealedBallotVerifier;
}
/** Each served zone's sealed module; absent for a deployment made without a sealed ballot key. */
export type SealedModules = ReadonlyMap<string, SealedModule>;

export interface Relayer {
  app: RelayerApp;
  store: RelayerStore;
  indexer: ZoneIndexer;
  submitter: Submitter;
  address: string;
  /** The keeper, when ZONEDAO_KEEPER_KEY gives it an account. */
  keeper: Keeper | undefined;
  /** Starts listening on the configured host and port; resolves to the URL it listens on. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export class RelayerStartupError extends Error {
  override name = "RelayerStartupError";
}

/**
 * A pino logger that can never print the relayer's or the keeper's key, even if a config object is
 * logged; to stdout unless given a `destination`.
 */
export function relayerLogger(level: RelayerConfig["logLevel"], destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          "privateKey",
          "*.privateKey",
          "config.privateKey",
          "ZONEDAO_RELAYER_KEY",
          "*.ZONEDAO_RELAYER_KEY",
          "keeperKey",
          "*.keeperKey",
          "config.keeperKey",
          "ZONEDAO_KEEPER_KEY",
          "*.ZONEDAO_KEEPER_KEY",
        ],
        censor: "[redacted]",
      },
    },
    destination,
  );
}

export async function startRelayer(
  given: RelayerConfig,
  options: { logger?: Logger; provider?: JsonRpcApiProvider } = {},
): Promise<Relayer> {
  const logger = options.logger ?? relayerLogger(given.logLevel);
  setLogRange(given.logRange);
  const provider =
    options.provider ??
    jsonRpcProvider(given.rpcUrl, undefined, {
      staticNetwork: true,
      // ethers reuses a result for 250 ms by default: a relayer must see each new block's time.
      cacheTimeout: -1,
    });
  let chainId: bigint;
  try {
    chainId = (await provider.getNetwork()).chainId;
  } catch (error) {
    // The origin only: a provider URL's path often carries an API key.
    throw new RelayerStartupError(
      `cannot reach the chain at ${new URL(given.rpcUrl).origin}: ${(error as Error).message}`,
    );
  }
  for (const zone of given.zones) {
    const code = await provider.getCode(zone);
    if (code === "0x") throw new RelayerStartupError(`zone ${zone} has no contract on chain ${chainId}`);
    try {
      await zoneAt(zone, provider).merkleTree();
    } catch {
      throw new RelayerStartupError(`${zone} on chain ${chainId} is not a ZoneDAO zone`);
    }
  }
  // Unless told where, the index starts at the oldest served zone's creation (its ZoneCreated
  // event): never at block 0, which behind a public RPC is thousands of eth_getLogs requests.
  const config: IndexedRelayerConfig = {
    ...given,
    fromBlock:
      given.fromBlock ??
      Math.min(...(await Promise.all(given.zones.map((zone) => zoneCreatedBlock(provider, zone))))),
  };
  const wallet = new Wallet(config.privateKey, provider);
  // The first signature builds secp256k1's precomputed multiples of the generator (~130 ms of the
  // event loop): here, not in the middle of the first batch, with votes waiting for their 202.
  wallet.signingKey.sign(ZeroHash);
  const balance = await provider.getBalance(wallet.address);
  if (balance === 0n)
    logger.warn({ relayer: wallet.address }, "the relayer account has no funds to pay for gas");

  const zones = new Map<string, Zone>(config.zones.map((zone) => [zone, zoneAt(zone, provider)]));
  const sealedModules = new Map<string, SealedModule>();
  for (const zone of config.zones) {
    const module = await sealedBallotsOf(zone, provider);
    if (module === undefined) continue;
    const verifier = SealedBallotVerifier__factory.connect(await module.VERIFIER(), provider);
    sealedModules.set(zone, { module, address: await module.getAddress(), verifier });
  }
  const store = new RelayerStore(config.databasePath);
  const metrics = new RelayerMetrics();
  // Until funded, submissions are refused (503 relayer_unfunded) so that clients try another relayer.
  metrics.zeroBalance = balance === 0n;
  const indexer = new ZoneIndexer(
    store,
    provider,
    config.zones,
    config,
    logger,
    new Map([...sealedModules].map(([zone, { address }]) => [zone, address])),
  );
  // Members and proposals only: the tree's full buckets hash afterwards on the tree thread, while the
  // relayer serves (tops answer 503 tree_not_ready until then; /v1/health counts what is left).
  await indexer.sync();
  const openDepths = new Set(
    config.zones.flatMap((zone) => store.proposals(zone, { onlyOpen: true }).map((p) => p.snapshotDepth)),
  );
  const verifier = await VerifierPool.start(config.verifierThreads, [...openDepths]);
  const submitter = new Submitter(
    store,
    provider,
    wallet,
    zones,
    sealedModules,
    indexer,
    config,
    metrics,
    logger,
  );
  const intake = new Intake(
    store,
    provider,
    zones,
    sealedModules,
    indexer,
    verifier,
    metrics,
    chainId,
    wallet.address,
    () => submitter.wake(),
  );
  const app = await buildRelayerApp({
    config,
    logger,
    store,
    indexer,
    intake,
    metrics,
    async assertCanPay(balance?: bigint) {
      // Nothing to read while nothing says otherwise: a broadcast refused for want of funds (the
      // submitter) or a balance of 0 (at start, at the last health check) raises the flags.
      if (!metrics.unfunded && balance === undefined) return;
      const balanceWei = balance ?? (await provider.getBalance(wallet.address));
      metrics.zeroBalance = balanceWei === 0n;
      // Funded since the node refused: broadcast again now, and take submissions again.
      if (metrics.fundsRefused && balanceWei !== submitter.balanceAtRefusal) submitter.retryUnpaidNow();
      if (metrics.unfunded) throw relayerUnfunded(wallet.address, balanceWei);
    },
    async health() {
      const [block, balanceWei] = await Promise.all([
        provider.getBlockNumber(),
        provider.getBalance(wallet.address),
      ]);
      return {
        chainId: chainId.toString(),
        relayer: wallet.address,
        balanceWei: balanceWei.toString(),
        block,
        keeper: keeper === undefined ? null : { address: keeper.address, lastRunAt: keeper.lastRunAt },
      };
    },
  });

  const indexTimer = setInterval(() => {
    indexer.sync().catch((error: unknown) => logger.warn({ err: error }, "index sync failed; will retry"));
  }, config.pollIntervalMs);
  submitter.start();
  const keeper = await startKeeper(config, { provider, zones, store, indexer, metrics, logger });
  logger.info(
    {
      chainId: chainId.toString(),
      relayer: wallet.address,
      balance: formatEther(balance),
      keeper: keeper?.address ?? null,
      zones: config.zones,
    },
    "relayer started",
  );

  let closing: Promise<void> | undefined;
  return {
    app,
    store,
    indexer,
    submitter,
    address: wallet.address,
    keeper,
    async listen() {
      return app.listen({ host: config.host, port: config.port });
    },
    close() {
      closing ??= (async () => {
        await app.close();
        await keeper?.stop();
        clearInterval(indexTimer);
        await submitter.stop();
        await verifier.close();
        await indexer.trees.close();
        store.close();
        if (options.provider === undefined) provider.destroy?.();
        logger.info("relayer stopped");
      })();
      return closing;
    },
  };
}

/** The keeper, with its own account, when the configuration gives it a key; else undefined. */
async function startKeeper(
  config: IndexedRelayerConfig,
  deps: Pick<KeeperDependencies, "provider" | "zones" | "store" | "indexer" | "logger"> & {
    metrics: RelayerMetrics;
  },
): Promise<Keeper | undefined> {
  if (config.keeperKey === undefined) return undefined;
  const wallet = new Wallet(config.keeperKey, deps.provider);
  const balance = await deps.provider.getBalance(wallet.address);
  if (balance === 0n) {
    deps.logger.warn(
      { keeper: wallet.address },
      "the keeper account has no funds to pay for gas: its steps fail until it is funded",
    );
  }
  deps.metrics.keeper = new KeeperMetrics();
  const keeper = new Keeper({
    ...deps,
    wallet,
    intervalMs: config.keeperIntervalMs,
    metrics: deps.metrics.keeper,
  });
  keeper.start();
  return keeper;
}
