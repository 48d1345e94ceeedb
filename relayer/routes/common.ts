/**
 * What every route plugin shares: the type provider that types a route's request and answer from
 * its schemas (the sdk's, sdk/relayer-api.ts), references to those schemas by name, the refusals a
 * route may answer with, and the dependencies routes are given.
 */
import type { FastifyPluginCallback, FastifyTypeProvider, RawServerDefault } from "fastify";
import {
  addressSchema,
  decimalSchema,
  type FromSchema,
  type RelayerHealth,
  type SubmissionStatus,
  type relayerSchemas,
} from "../../sdk/index.js";
import type { RelayerConfig } from "../config.js";
import { RelayerError } from "../errors.js";
import type { ZoneIndexer } from "../indexer.js";
import type { Intake } from "../intake.js";
import type { RelayerMetrics } from "../metrics.js";
import type { RelayerStore, Submission } from "../store.js";

/**
 * Fastify's type provider hook: a route's params, body and every answer it declares get the types
 * of their schemas, so a handler whose answer drifts from its response schema does not compile.
 */
export interface SchemaTypes extends FastifyTypeProvider {
  validator: FromSchema<this["schema"], typeof relayerSchemas>;
  serializer: FromSchema<this["schema"], typeof relayerSchemas>;
}

export interface RouteDependencies {
  config: RelayerConfig;
  store: RelayerStore;
  indexer: ZoneIndexer;
  intake: Intake;
  metrics: RelayerMetrics;
  /** Chain, account and balance for /v1/health; throws if the RPC is unreachable. */
  health(): Promise<Pick<RelayerHealth, "chainId" | "relayer" | "balanceWei" | "block" | "keeper">>;
  /**
   * Throws 503 relayer_unfunded while the relayer's account cannot pay for its next transaction
   * (`balance`: one just read, else read here if the relayer is flagged as unfunded).
   */
  assertCanPay: (balance?: bigint) => Promise<void>;
}

/** A group of routes, registered by buildRelayerApp. */
export type RoutePlugin = FastifyPluginCallback<RouteDependencies, RawServerDefault, SchemaTypes>;

type SchemaName = keyof typeof relayerSchemas;

/** A schema of the API by its name (buildRelayerApp registers each under it). */
const ref = <Name extends SchemaName>(name: Name) => ({ $ref: `${name}#` }) as const;

const refused = ref("ErrorBody");
/** What a read may answer besides its result: bad parameters, unknown zone, limits, failures. */
export const readRefusals = { 400: refused, 404: refused, 429: refused, 500: refused, 503: refused } as const;
/** What a submission may answer besides 202 (see relayer/README.md for each code). */
const submitRefusals = { ...readRefusals, 409: refused, 413: refused, 415: refused, 422: refused } as const;

/** A read's schema: its path parameters if any, what it answers (by name), or a refusal. */
export const readSchema = <Answer extends SchemaName, Params = undefined>(
  summary: string,
  answer: Answer,
  params: Params = undefined as Params,
) => {
  const schema = { summary, params, response: { 200: ref(answer), ...readRefusals } } as const;
  // No params, no `params` key: Fastify warns about one whose value is undefined.
  if (params === undefined) delete (schema as { params?: unknown }).params;
  return schema;
};

/** A submission's schema: its body (by name), 202 Accepted, or a refusal. */
export const submitSchema = <Body extends SchemaName>(summary: string, body: Body) =>
  ({ summary, body: ref(body), response: { 202: ref("Accepted"), ...submitRefusals } }) as const;

export const nullifierParams = {
  type: "object",
  required: ["nullifier"],
  properties: { nullifier: decimalSchema },
} as const;

export const zoneParams = {
  type: "object",
  required: ["zone"],
  properties: { zone: addressSchema },
} as const;

/** GET /v1/votes/:nullifier and its proposal twin: the submission, if one of `kind` was accepted here. */
export function submissionStatus(
  submission: Submission | undefined,
  kind: Submission["kind"],
  nullifier: string,
): SubmissionStatus {
  if (submission === undefined || submission.kind !== kind) {
    throw new RelayerError(
      404,
      "unknown_nullifier",
      `no ${kind} with nullifier ${nullifier} was accepted here`,
    );
  }
  return {
    nullifier: submission.nullifier,
    kind: submission.kind,
    zone: submission.zone,
    proposalId: submission.proposalId,
    status: submission.status,
    reason: submission.reason,
    txHash: submission.txHash,
    blockNumber: submission.blockNumber,
    acceptedAt: new Date(submission.acceptedAt).toISOString(),
  };
}
