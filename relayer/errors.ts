/**
 * How a request that fails is answered: on purpose (RelayerError), because its body broke the
 * schema, or because something else went wrong; the body is always the API's ErrorBody.
 */
import { isError } from "ethers";
import type { FastifyError } from "fastify";
import type { ErrorBody } from "../sdk/index.js";

/** An answer the relayer gives on purpose: an HTTP status, a stable code and a sentence. */
export class RelayerError extends Error {
  constructor(
    readonly statusCode: 400 | 404 | 409 | 413 | 415 | 422 | 429 | 503,
    readonly code: string,
    message: string,
    /** More fields for the response body (e.g. the current status of a duplicate). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "RelayerError";
  }

  /** Seconds after which to retry, sent as Retry-After (e.g. 503 tree_not_ready). */
  retryAfterSeconds: number | undefined;
}

/**
 * Codes of a node that did not answer (as opposed to a call that reverted): ethers' own, and the
 * socket errors Node's HTTP client passes through.
 */
const CHAIN_ERRORS = new Set([
  "NETWORK_ERROR",
  "SERVER_ERROR",
  "TIMEOUT",
  "UNKNOWN_ERROR",
  "BAD_DATA",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EPIPE",
]);

/** The status and body for any error a request ends with; 5xx details stay in the log. */
export function errorAnswer(error: FastifyError | RelayerError): { statusCode: number; body: ErrorBody } {
  if (error instanceof RelayerError) {
    return {
      statusCode: error.statusCode,
      body: { error: error.code, message: error.message, ...error.details },
    };
  }
  if (error.validation !== undefined) {
    const [first] = error.validation;
    const where = `${error.validationContext ?? "request"}${first?.instancePath ?? ""}`;
    const extra = (first?.params as { additionalProperty?: string } | undefined)?.additionalProperty;
    const message =
      extra !== undefined
        ? `${where} has an unknown field "${extra}"`
        : `${where} ${first?.message ?? "is invalid"}`;
    return { statusCode: 400, body: { error: "malformed_request", message } };
  }
  if (
    typeof (error as { code?: unknown }).code === "string" &&
    CHAIN_ERRORS.has((error as { code: string }).code)
  ) {
    return {
      statusCode: 503,
      body: {
        error: "chain_unavailable",
        message: "the relayer cannot reach its chain right now; retry shortly",
      },
    };
  }
  const statusCode = error.statusCode ?? 500;
  if (statusCode === 429) return { statusCode, body: { error: "rate_limited", message: error.message } };
  if (statusCode === 413) {
    return {
      statusCode,
      body: { error: "payload_too_large", message: `the request body is larger than the relayer accepts` },
    };
  }
  if (statusCode === 415) {
    return {
      statusCode,
      body: { error: "unsupported_media_type", message: "send the request body as application/json" },
    };
  }
  if (statusCode >= 400 && statusCode < 500) {
    return { statusCode, body: { error: "malformed_request", message: error.message } };
  }
  return {
    statusCode: 500,
    body: { error: "internal_error", message: "the relayer failed to handle this request" },
  };
}

/**
 * Whether a node refused a transaction because its sender cannot pay for it. ethers names geth's
 * and Anvil's refusal INSUFFICIENT_FUNDS; Hardhat's node says "Sender doesn't have enough funds",
 * which ethers leaves unnamed, in the JSON-RPC error it keeps.
 */
export function isUnpayable(error: unknown): boolean {
  const said = (error as { error?: { message?: unknown } }).error?.message;
  return isError(error, "INSUFFICIENT_FUNDS") || (typeof said === "string" && /enough funds/i.test(said));
}

/**
 * 503 relayer_unfunded: the relayer's account cannot pay for its next transaction. New submissions
 * are refused meanwhile, so that a client sends them to another relayer; those accepted before wait
 * in the queue and none is lost.
 */
export function relayerUnfunded(relayer: string, balanceWei: bigint): RelayerError {
  return new RelayerError(
    503,
    "relayer_unfunded",
    `the relayer's account ${relayer} cannot pay for its next transaction (balance ${balanceWei} wei): ` +
      "its operator must fund it; it takes submissions again once funded, and those it accepted wait, none lost",
    { status: "unfunded", relayer, balanceWei: balanceWei.toString() },
  );
}
