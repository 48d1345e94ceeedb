/**
 * The relayer's configuration, read from the environment (the CLI maps its flags onto the same
 * names) and checked before anything starts: every problem is reported at once, in words.
 */
import { availableParallelism } from "node:os";
import { getAddress, isAddress, Wallet } from "ethers";
import { LOG_RANGE } from "../sdk/logs.js";

export interface RelayerConfig {
  /** JSON-RPC endpoint of the chain the zones live on. */
  rpcUrl: string;
  /** The key that signs and pays for the relayer's transactions. Never logged. */
  privateKey: string;
  /** Zones this relayer accepts votes for, checksummed. */
  zones: string[];
  /** Block to index the zones' events from; undefined: the oldest zone's creation (startRelayer). */
  fromBlock: number | undefined;
  host: string;
  port: number;
  /** SQLite file holding the queue and the index. */
  databasePath: string;
  /** A batch is sent when it holds this many votes... */
  batchMaxVotes: number;
  /** ...or when its oldest vote has waited this long. */
  batchMaxAgeMs: number;
  /** Most transactions signed and broadcast but not yet mined, with consecutive nonces. */
  maxInFlight: number;
  /** How often the index and the pending transactions are checked. */
  pollIntervalMs: number;
  /** Blocks per eth_getLogs request to start with (sdk/logs.ts halves a range the RPC refuses). */
  logRange: number;
  /** How often each zone's admission requests are read, to admit those whose delay is over. */
  admitIntervalMs: number;
  /** A transaction not mined after this long is re-sent with higher fees. */
  resendAfterMs: number;
  /**
   * Blocks deep (1: the latest block) before the relayer trusts a block: it settles a transaction
   * and indexes events only that deep, so a reorg above it makes the relayer send again, not lose.
   */
  confirmations: number;
  /** Upper bound on maxFeePerGas, in wei (undefined: whatever the network asks). */
  maxFeePerGas: bigint | undefined;
  /** Largest request body, in bytes. */
  bodyLimitBytes: number;
  /** Requests per minute per client address. */
  rateLimitPerMinute: number;
  /** Browser origins allowed to call the API (CORS); empty: none. */
  corsOrigins: string[];
  verifierThreads: number;
  /** Claim the zone's relayer refund once the credit reaches this many wei (0: never claim). */
  claimRefundAboveWei: bigint;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Whether a reverse proxy in front sets X-Forwarded-For (rate limits then key on it). */
  trustProxy: boolean;
  /**
   * The keeper's key (keeper.ts), which signs and pays for queueing and executing passed
   * proposals; undefined: no keeper. Never the relayer's key, never logged.
   */
  keeperKey: string | undefined;
  /** How often the keeper looks for proposals to queue or execute. */
  keeperIntervalMs: number;
}

/** A relayer's settings once it started: it knows where its index starts. */
export type IndexedRelayerConfig = RelayerConfig & { fromBlock: number };

/** Every variable the relayer reads, with its meaning, for --help and the README. */
export const RELAYER_ENVIRONMENT = {
  ZONEDAO_RPC_URL: "JSON-RPC URL of the chain, http(s) (required), e.g. http://127.0.0.1:8545",
  ZONEDAO_RELAYER_KEY: "private key (0x + 64 hex) that signs and pays for transactions (required)",
  ZONEDAO_ZONES: "comma-separated zone addresses to serve (required)",
  ZONEDAO_FROM_BLOCK:
    "block to index the zones' events from (default: the oldest zone's creation block, from its ZoneCreated event)",
  ZONEDAO_RELAYER_HOST: "address to listen on (default 127.0.0.1)",
  ZONEDAO_RELAYER_PORT: "port to listen on (default 8787; 0 picks a free one)",
  ZONEDAO_RELAYER_DB: "SQLite file for the queue and index (default relayer.sqlite)",
  ZONEDAO_BATCH_MAX_VOTES: "votes per castVotes transaction (default 64, at most 128)",
  ZONEDAO_BATCH_MAX_AGE_MS: "longest a vote waits for its batch to fill (default 2000)",
  ZONEDAO_MAX_IN_FLIGHT: "most unmined transactions at once, consecutive nonces (default 8)",
  ZONEDAO_POLL_INTERVAL_MS: "how often to read new events and receipts (default 1000)",
  ZONEDAO_LOG_RANGE:
    "blocks per eth_getLogs request, for an RPC with a documented cap (default 5000, halved whenever the RPC refuses a range)",
  ZONEDAO_ADMIT_INTERVAL_MS:
    "how often each zone's admission requests are read to admit the ready ones (default 60000; 0: never)",
  ZONEDAO_RESEND_AFTER_MS: "re-send an unmined transaction with higher fees after (default 30000)",
  ZONEDAO_CONFIRMATIONS:
    "blocks deep before a transaction is settled and events are indexed (default 1: the latest block)",
  ZONEDAO_MAX_FEE_GWEI: "cap on maxFeePerGas in gwei (default: no cap)",
  ZONEDAO_BODY_LIMIT_BYTES: "largest request body (default 65536)",
  ZONEDAO_RATE_LIMIT_PER_MINUTE: "requests per minute per client (default 600)",
  ZONEDAO_CORS_ORIGINS: "comma-separated browser origins allowed to call the API (default none)",
  ZONEDAO_VERIFIER_THREADS: "proof verification threads (default: CPU cores, at most 4)",
  ZONEDAO_CLAIM_REFUND_ABOVE_WEI:
    "claim the zones' relayer refunds once credit reaches this (default 0: never)",
  ZONEDAO_LOG_LEVEL: "fatal|error|warn|info|debug|trace|silent (default info)",
  ZONEDAO_TRUST_PROXY: "true behind a reverse proxy, so rate limits see X-Forwarded-For (default false)",
  ZONEDAO_KEEPER_KEY:
    "private key of the keeper, which queues and executes the zones' passed proposals and pays for it; an account of its own, not the relayer's (default: no keeper)",
  ZONEDAO_KEEPER_INTERVAL_MS: "how often the keeper looks for proposals to queue or execute (default 60000)",
} as const;

export class RelayerConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid relayer configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "RelayerConfigError";
  }
}

type Environment = Readonly<Record<string, string | undefined>>;

/** Reads and checks the configuration; throws a RelayerConfigError listing every problem. */
export function loadRelayerConfig(env: Environment): RelayerConfig {
  const problems: string[] = [];
  const text = (name: keyof typeof RELAYER_ENVIRONMENT): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  const required = (name: keyof typeof RELAYER_ENVIRONMENT): string => {
    const value = text(name);
    if (value === undefined) problems.push(`${name} is required: ${RELAYER_ENVIRONMENT[name]}`);
    return value ?? "";
  };
  const integer = (name: keyof typeof RELAYER_ENVIRONMENT, fallback: number, min: number, max: number) => {
    const value = text(name);
    if (value === undefined) return fallback;
    const parsed = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
      return fallback;
    }
    return parsed;
  };
  const list = (name: keyof typeof RELAYER_ENVIRONMENT) =>
    (text(name) ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item !== "");

  const rpcUrl = required("ZONEDAO_RPC_URL");
  if (rpcUrl !== "" && !/^https?:\/\/[^\s]+$/.test(rpcUrl)) {
    // Not echoed: provider URLs often carry an API key.
    problems.push("ZONEDAO_RPC_URL must be an http:// or https:// URL");
  }

  // Never echo a key: it may be a real one with a typo.
  const accountOf = (name: "ZONEDAO_RELAYER_KEY" | "ZONEDAO_KEEPER_KEY", key: string): string | undefined => {
    try {
      return new Wallet(key).address;
    } catch {
      problems.push(`${name} is not a valid private key (expected 0x followed by 64 hex digits)`);
      return undefined;
    }
  };
  const privateKey = required("ZONEDAO_RELAYER_KEY");
  const relayerAccount = privateKey === "" ? undefined : accountOf("ZONEDAO_RELAYER_KEY", privateKey);
  const keeperKey = text("ZONEDAO_KEEPER_KEY");
  const keeperAccount = keeperKey === undefined ? undefined : accountOf("ZONEDAO_KEEPER_KEY", keeperKey);
  if (keeperAccount !== undefined && keeperAccount === relayerAccount) {
    problems.push(
      "ZONEDAO_KEEPER_KEY is the relayer's own key (ZONEDAO_RELAYER_KEY): the relayer signs its batches with " +
        "consecutive nonces it counts itself, and a keeper transaction from the same account would take one " +
        "of them and strand the batches after it. Give the keeper an account of its own",
    );
  }

  const zones: string[] = [];
  const zoneList = list("ZONEDAO_ZONES");
  if (zoneList.length === 0) problems.push(`ZONEDAO_ZONES is required: ${RELAYER_ENVIRONMENT.ZONEDAO_ZONES}`);
  for (const zone of zoneList) {
    if (isAddress(zone)) zones.push(getAddress(zone));
    else problems.push(`ZONEDAO_ZONES: "${String(zone)}" is not an address`);
  }

  const corsOrigins = list("ZONEDAO_CORS_ORIGINS");
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      problems.push(`ZONEDAO_CORS_ORIGINS: "${origin}" is not an origin like http://localhost:5173`);
    }
  }

  let maxFeePerGas: bigint | undefined;
  const maxFeeGwei = text("ZONEDAO_MAX_FEE_GWEI");
  if (maxFeeGwei !== undefined) {
    if (/^\d+(\.\d{1,9})?$/.test(maxFeeGwei)) {
      const [whole = "0", fraction = ""] = maxFeeGwei.split(".");
      maxFeePerGas = BigInt(whole) * 1_000_000_000n + BigInt(fraction.padEnd(9, "0"));
    } else {
      problems.push(`ZONEDAO_MAX_FEE_GWEI must be a number of gwei, got "${maxFeeGwei}"`);
    }
  }

  let claimRefundAboveWei = 0n;
  const claimAbove = text("ZONEDAO_CLAIM_REFUND_ABOVE_WEI");
  if (claimAbove !== undefined) {
    if (/^\d+$/.test(claimAbove)) claimRefundAboveWei = BigInt(claimAbove);
    else problems.push(`ZONEDAO_CLAIM_REFUND_ABOVE_WEI must be a whole number of wei, got "${claimAbove}"`);
  }

  const logLevel = text("ZONEDAO_LOG_LEVEL") ?? "info";
  const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
  if (!logLevels.includes(logLevel)) {
    problems.push(`ZONEDAO_LOG_LEVEL must be one of ${logLevels.join(", ")}, got "${logLevel}"`);
  }

  const trustProxy = text("ZONEDAO_TRUST_PROXY") ?? "false";
  if (trustProxy !== "true" && trustProxy !== "false") {
    problems.push(`ZONEDAO_TRUST_PROXY must be true or false, got "${trustProxy}"`);
  }

  const config: RelayerConfig = {
    rpcUrl,
    privateKey,
    zones,
    fromBlock:
      text("ZONEDAO_FROM_BLOCK") === undefined
        ? undefined
        : integer("ZONEDAO_FROM_BLOCK", 0, 0, Number.MAX_SAFE_INTEGER),
    host: text("ZONEDAO_RELAYER_HOST") ?? "127.0.0.1",
    port: integer("ZONEDAO_RELAYER_PORT", 8787, 0, 65_535),
    databasePath: text("ZONEDAO_RELAYER_DB") ?? "relayer.sqlite",
    // At ~85k gas a vote, 128 votes (~11M gas) stay below the 2^24 per-transaction gas cap that
    // Ethereum and Hardhat enforce (EIP-7825).
    batchMaxVotes: integer("ZONEDAO_BATCH_MAX_VOTES", 64, 1, 128),
    batchMaxAgeMs: integer("ZONEDAO_BATCH_MAX_AGE_MS", 2000, 0, 3_600_000),
    // Nodes keep a few dozen future-nonce transactions per sender (geth: 64 queued, 16 pending
    // slots): 8 batches of 64 votes is ~45M gas, about a block's worth on Ethereum.
    maxInFlight: integer("ZONEDAO_MAX_IN_FLIGHT", 8, 1, 64),
    pollIntervalMs: integer("ZONEDAO_POLL_INTERVAL_MS", 1000, 10, 600_000),
    logRange: integer("ZONEDAO_LOG_RANGE", LOG_RANGE, 1, 100_000_000),
    admitIntervalMs: integer("ZONEDAO_ADMIT_INTERVAL_MS", 60_000, 0, 86_400_000),
    resendAfterMs: integer("ZONEDAO_RESEND_AFTER_MS", 30_000, 100, 3_600_000),
    confirmations: integer("ZONEDAO_CONFIRMATIONS", 1, 1, 1000),
    maxFeePerGas,
    bodyLimitBytes: integer("ZONEDAO_BODY_LIMIT_BYTES", 65_536, 1024, 10_485_760),
    rateLimitPerMinute: integer("ZONEDAO_RATE_LIMIT_PER_MINUTE", 600, 1, 1_000_000),
    corsOrigins,
    verifierThreads: integer("ZONEDAO_VERIFIER_THREADS", Math.min(4, availableParallelism()), 1, 64),
    claimRefundAboveWei,
    logLevel: logLevel as RelayerConfig["logLevel"],
    trustProxy: trustProxy === "true",
    keeperKey,
    keeperIntervalMs: integer("ZONEDAO_KEEPER_INTERVAL_MS", 60_000, 10, 86_400_000),
  };
  if (problems.length > 0) throw new RelayerConfigError(problems);
  return config;
}
