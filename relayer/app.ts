/**
 * The relayer's HTTP app (Fastify): the hardening every route shares (body limit, rate limit, CORS
 * allowlist, errors that say what was wrong and hide internals), the API's schemas, and the route
 * plugins in routes/. server.ts runs it as a process; tests call it through app.inject without
 * opening a port.
 */
import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyError } from "fastify";
import type { Logger } from "pino";
import { relayerSchemas } from "../sdk/index.js";
import { RelayerError, errorAnswer } from "./errors.js";
import type { RouteDependencies } from "./routes/common.js";
import { operationRoutes } from "./routes/operations.js";
import { submissionRoutes } from "./routes/submissions.js";
import { zoneRoutes } from "./routes/zones.js";

export type RelayerApp = Awaited<ReturnType<typeof buildRelayerApp>>;

export interface RelayerAppDependencies extends RouteDependencies {
  logger: Logger;
}

export async function buildRelayerApp(deps: RelayerAppDependencies) {
  const { config, metrics } = deps;
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
    // Components named as the sdk names the schemas and their types (ProposalList, not def-7).
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === "string" ? json.$id : `def-${i}`,
    },
  });
  for (const [name, schema] of Object.entries(relayerSchemas)) app.addSchema({ $id: name, ...schema });
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
    if (error instanceof RelayerError && error.retryAfterSeconds !== undefined) {
      reply.header("retry-after", String(error.retryAfterSeconds));
    }
    return reply.status(answer.statusCode).send(answer.body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: "not_found", message: `no route ${request.method} ${request.url}` }),
  );

  for (const routes of [submissionRoutes, zoneRoutes, operationRoutes]) {
    await app.register(routes, deps);
  }
  return app;
}

/** The rate-limit key of a client address: itself for IPv4, its /64 prefix for IPv6. */
export function clientKey(ip: string): string {
  if (!ip.includes(":") || ip.startsWith("::ffff:")) return ip;
  const [head = ""] = ip.split("::");
  const groups = head.split(":").filter((group) => group !== "");
  const full = ip.includes("::") ? [...groups, "0", "0", "0", "0"].slice(0, 4) : ip.split(":").slice(0, 4);
  return `${full.join(":")}::/64`;
}
