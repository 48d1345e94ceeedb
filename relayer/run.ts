/**
 * Runs a relayer until SIGINT or SIGTERM: configuration from `environment` (see
 * RELAYER_ENVIRONMENT), then a graceful shutdown that finishes the transaction in flight (queued
 * votes stay in the database for the next start). `npm run relayer` and `zonedao relayer` use it.
 */
import { loadRelayerConfig, RelayerConfigError } from "./config.js";
import { DatabaseInUseError } from "./store.js";
import { relayerLogger, RelayerStartupError, startRelayer } from "./relayer.js";

/** Starts the relayer; resolves once it listens. A bad configuration exits with code 2. */
export async function runRelayer(environment: Readonly<Record<string, string | undefined>>): Promise<void> {
  try {
    const config = loadRelayerConfig(environment);
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
    if (
      error instanceof RelayerConfigError ||
      error instanceof RelayerStartupError ||
      error instanceof DatabaseInUseError
    ) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}
