/**
 * Runs a relayer as a process: configuration from the environment (see RELAYER_ENVIRONMENT),
 * graceful shutdown on SIGINT/SIGTERM (the transaction in flight is finished; queued votes stay in
 * the database for the next start).
 */
import { loadRelayerConfig, RelayerConfigError } from "./config.js";
import { relayerLogger, RelayerStartupError, startRelayer } from "./relayer.js";

try {
  const config = loadRelayerConfig(process.env);
  const logger = relayerLogger(config.logLevel);
  const relayer = await startRelayer(config, { logger });
  const url = await relayer.listen();
  logger.info({ url }, `relayer listening on ${url}`);
  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) process.exit(1);
    logger.info({ signal }, "shutting down: finishing the transaction in flight");
    relayer.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
} catch (error) {
  if (error instanceof RelayerConfigError || error instanceof RelayerStartupError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
