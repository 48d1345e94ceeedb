/**
 * The relayer's HTTP API (Fastify): routes, their schemas, and the hardening every route shares
 * (body limit, rate limit, CORS allowlist, errors that say what was wrong and hide internals).
 * server.ts runs it as a process; tests call it through app.inject without opening a port.
 */
import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyError } from "fastify";
import { getAddress, isAddress } from "ethers";
import type { Logger } from "pino";
import { describeProposal, type ZoneAction } from "../sdk/index.js";
import type { RelayerConfig } from "./config.js";
import { RelayerError } from "./errors.js";
import type { ProposalView, ZoneIndexer } from "./indexer.js";
import type { Intake } from "./intake.js";
import type { RelayerMetrics } from "./metrics.js";
import {
  acceptedSchema,
  errorSchema,
  proposalRequestSchema,
  submissionStatusSchema,
  voteRequestSchema,
  type ProposalRequest,
  type VoteRequest,
} from "./requests.js";
import type { IndexedProposal, RelayerStore, Submission } from "./store.js";

export type RelayerApp = Awaited<ReturnType<typeof buildRelayerApp>>;

export interface RelayerAppDependencies {
  config: RelayerConfig;
  logger: Logger;
  store: RelayerStore;
  indexer: ZoneIndexer;
  intake: Intake;
  metrics: RelayerMetrics;
  /** Chain, account and balance for /v1/health; throws if the RPC is unreachable. */
  health(): Promise<{ chainId: string; relayer: string; balanceWei: string; block: number }>;
}

const errorResponses = {
  400: { $ref: "Error#" },
  404: { $ref: "Error#" },
  409: { $ref: "Error#" },
  413: { $ref: "Error#" },
  422: { $ref: "Error#" },
  429: { $ref: "Error#" },
} as const;
const nullifierParams = {
  type: "object",
  required: ["nullifier"],
  properties: { nullifier: { type: "string", pattern: "^(0|[1-9][0-9]{0,77})$" } },
} as const;
const zoneParams = {
  type: "object",
  required: ["zone"],
  properties: { zone: { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" } },
} as const;

export async function buildRelayerApp(deps: RelayerAppDependencies) {
  const { config, store, indexer, intake, metrics } = deps;
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: config.bodyLimitBytes,
    // Reject what the schemas do not name instead of silently dropping it, and never coerce types.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    // Behind a reverse proxy, the client address (for rate limits) is in X-Forwarded-For.
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    // Without a timeout, slow clients could hold connections (and their memory) indefinitely.
    requestTimeout: 30_000,
  });

  // JSON only: a text/plain body would otherwise be parsed as a string and fail validation.
  app.removeContentTypeParser("text/plain");
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "ZoneDAO relayer",
        version: "1",
        description:
          "Gasless anonymous votes and proposals for ZoneDAO zones. The relayer checks each submission (including its zero-knowledge proof) before accepting it, and sends accepted ones on chain in batches. It can delay or refuse a vote, never change or fake one.",
      },
    },
  });
  for (const schema of [
    voteRequestSchema,
    proposalRequestSchema,
    errorSchema,
    acceptedSchema,
    submissionStatusSchema,
  ]) {
    app.addSchema(schema);
  }
  await app.register(cors, { origin: config.corsOrigins.length === 0 ? false : config.corsOrigins });
  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    // One bucket per IPv6 /64: rotating addresses within a subnet must not escape the limit.
    keyGenerator: (request) => clientKey(request.ip),
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: "rate_limited",
      message: `too many requests: at most ${context.max} per minute per client; retry in ${Math.ceil(context.ttl / 1000)} s`,
    }),
  });

  app.setErrorHandler((error: FastifyError | RelayerError, request, reply) => {
    const answer = errorAnswer(error);
    metrics.rejected(answer.body.error);
    if (answer.statusCode >= 500) request.log.error({ err: error }, "request failed");
    return reply.status(answer.statusCode).send(answer.body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: "not_found", message: `no route ${request.method} ${request.url}` }),
  );

  app.post<{ Body: VoteRequest }>(
    "/v1/votes",
    {
      schema: {
        summary: "Submit an anonymous vote",
        body: { $ref: "VoteRequest#" },
        response: { 202: { $ref: "Accepted#" }, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(202).send(await intake.acceptVote(request.body)),
  );

  app.get<{ Params: { nullifier: string } }>(
    "/v1/votes/:nullifier",
    {
      schema: {
        summary: "What became of an accepted vote",
        params: nullifierParams,
        response: { 200: { $ref: "SubmissionStatus#" }, 404: { $ref: "Error#" } },
      },
    },
    (request) =>
      submissionStatus(store.submission(request.params.nullifier), "vote", request.params.nullifier),
  );

  app.post<{ Body: ProposalRequest }>(
    "/v1/proposals",
    {
      schema: {
        summary: "Submit an anonymous proposal",
        body: { $ref: "ProposalRequest#" },
        response: { 202: { $ref: "Accepted#" }, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(202).send(await intake.acceptProposal(request.body)),
  );

  app.get<{ Params: { nullifier: string } }>(
    "/v1/proposals/submissions/:nullifier",
    {
      schema: {
        summary: "What became of an accepted anonymous proposal (its id once confirmed)",
        params: nullifierParams,
        response: { 200: { $ref: "SubmissionStatus#" }, 404: { $ref: "Error#" } },
      },
    },
    (request) =>
      submissionStatus(store.submission(request.params.nullifier), "proposal", request.params.nullifier),
  );

  app.get("/v1/zones", { schema: { summary: "The zones this relayer serves" } }, () => ({
    zones: config.zones,
    indexedBlock: indexer.indexedBlock,
  }));

  app.get<{ Params: { zone: string } }>(
    "/v1/zones/:zone/members",
    {
      schema: {
        summary: "The zone's group: identity commitments in leaf order (a removed member's leaf is 0)",
        params: zoneParams,
      },
    },
    (request) => {
      const zone = servedZone(config, request.params.zone);
      return { zone, members: store.members(zone), indexedBlock: indexer.indexedBlock };
    },
  );

  app.get<{ Params: { zone: string } }>(
    "/v1/zones/:zone/proposals",
    { schema: { summary: "The zone's proposals with state and tally", params: zoneParams } },
    (request) => {
      const zone = servedZone(config, request.params.zone);
      return {
        zone,
        chainTime: indexer.chainTime,
        indexedBlock: indexer.indexedBlock,
        proposals: store.proposals(zone).map(proposalJson),
      };
    },
  );

  app.get<{ Params: { zone: string; proposalId: string } }>(
    "/v1/zones/:zone/proposals/:proposalId",
    {
      schema: {
        summary: "One proposal with state and tally",
        params: {
          type: "object",
          required: ["zone", "proposalId"],
          properties: {
            ...zoneParams.properties,
            proposalId: { type: "string", pattern: "^[1-9][0-9]{0,77}$" },
          },
        },
      },
    },
    (request) => {
      const zone = servedZone(config, request.params.zone);
      const proposal = store.proposal(zone, request.params.proposalId);
      if (proposal === undefined) {
        throw new RelayerError(
          404,
          "unknown_proposal",
          `zone ${zone} has no proposal ${request.params.proposalId}`,
        );
      }
      return { ...proposalJson(proposal), chainTime: indexer.chainTime };
    },
  );

  app.get(
    "/v1/health",
    { schema: { summary: "Whether the relayer can reach its chain" } },
    async (_request, reply) => {
      try {
        const chain = await deps.health();
        return {
          status: "ok",
          ...chain,
          zones: config.zones,
          queue: store.countByStatus(),
          indexedBlock: indexer.indexedBlock,
        };
      } catch {
        return reply.status(503).send({
          status: "unavailable",
          error: "rpc_unreachable",
          message: "the relayer cannot reach its chain's RPC",
        });
      }
    },
  );

  app.get("/metrics", { schema: { summary: "Prometheus metrics", hide: false } }, async (_request, reply) =>
    reply.type("text/plain; version=0.0.4").send(metrics.render(store.countByStatus())),
  );

  app.get("/v1/openapi.json", { schema: { summary: "This API, as OpenAPI 3" } }, () => app.swagger());

  return app;
}

function servedZone(config: RelayerConfig, zone: string): string {
  const address = isAddress(zone.toLowerCase()) ? getAddress(zone.toLowerCase()) : zone;
  if (!config.zones.includes(address)) {
    throw new RelayerError(404, "unknown_zone", `zone ${address} is not served by this relayer`);
  }
  return address;
}

function submissionStatus(submission: Submission | undefined, kind: Submission["kind"], nullifier: string) {
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

function proposalJson(proposal: IndexedProposal) {
  const options = JSON.parse(proposal.options) as { target: string; value: string; data: string }[][];
  const view = proposal.view === null ? undefined : (JSON.parse(proposal.view) as ProposalView);
  let summary: string[] = [];
  try {
    const actions: ZoneAction[][] = options.map((list) =>
      list.map((action) => ({ ...action, value: BigInt(action.value) })),
    );
    summary = describeProposal(actions, { zone: proposal.zone, multipleChoice: proposal.multipleChoice });
  } catch {
    // A proposal the decoder cannot read still lists its raw actions.
  }
  return {
    id: proposal.id,
    description: proposal.description,
    options,
    summary,
    multipleChoice: proposal.multipleChoice,
    optionCount: proposal.multipleChoice ? options.length : 3,
    snapshotRoot: proposal.snapshotRoot,
    snapshotDepth: proposal.snapshotDepth,
    eligibleCount: proposal.eligibleCount,
    quorumBps: proposal.quorumBps,
    approvalBps: proposal.approvalBps,
    voteStart: proposal.voteStart,
    voteEnd: proposal.voteEnd,
    createdBlock: proposal.createdBlock,
    state: view?.state ?? "Pending",
    tally: view?.tally ?? [],
    eta: view?.eta ?? 0,
  };
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
function errorAnswer(error: FastifyError | RelayerError): {
  statusCode: number;
  body: { error: string; message: string } & Record<string, unknown>;
} {
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

/** The rate-limit key of a client address: itself for IPv4, its /64 prefix for IPv6. */
export function clientKey(ip: string): string {
  if (!ip.includes(":") || ip.startsWith("::ffff:")) return ip;
  const [head = ""] = ip.split("::");
  const groups = head.split(":").filter((group) => group !== "");
  const full = ip.includes("::") ? [...groups, "0", "0", "0", "0"].slice(0, 4) : ip.split(":").slice(0, 4);
  return `${full.join(":")}::/64`;
}
