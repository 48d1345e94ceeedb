/** What an operator watches: health (for load balancers), Prometheus metrics and the OpenAPI document. */
import type { FromSchema } from "../../sdk/index.js";
import { RelayerError } from "../errors.js";
import { readRefusals, readSchema, type RouteDependencies, type RoutePlugin } from "./common.js";

/** The OpenAPI 3 document, as far as its readers rely on it (the rest passes through). */
const openApiDocumentSchema = {
  type: "object",
  description: "This API as OpenAPI 3.0, generated from the schemas that validate and serialize it",
  required: ["openapi", "info", "paths"],
  additionalProperties: true,
  properties: {
    openapi: { type: "string" },
    info: { type: "object", additionalProperties: true },
    paths: { type: "object", additionalProperties: true },
  },
} as const;

export const operationRoutes: RoutePlugin = (app, deps, done) => {
  const { config, store, indexer, metrics } = deps;
  app.get(
    "/v1/health",
    {
      schema: readSchema(
        "Whether the relayer can reach its chain and pay for its next transaction (503 if not)",
        "RelayerHealth",
      ),
    },
    async () => {
      let chain: Awaited<ReturnType<RouteDependencies["health"]>>;
      try {
        chain = await deps.health();
      } catch {
        throw new RelayerError(503, "rpc_unreachable", "the relayer cannot reach its chain's RPC", {
          status: "unavailable",
        });
      }
      // An account that cannot pay: a load balancer should send citizens elsewhere, and the operator be told.
      await deps.assertCanPay(BigInt(chain.balanceWei));
      return {
        status: "ok",
        ...chain,
        zones: config.zones,
        queue: store.countByStatus(),
        indexedBlock: indexer.indexedBlock,
        treeBucketsLeft: config.zones.reduce((left, zone) => left + indexer.trees.bucketsLeft(zone), 0),
      } as const;
    },
  );

  app.get(
    "/metrics",
    {
      schema: {
        summary: "Prometheus metrics",
        response: {
          200: {
            description: "Prometheus text exposition format 0.0.4",
            content: { "text/plain": { schema: { type: "string" } } },
          },
          ...readRefusals,
        },
      },
    },
    (_request, reply) => {
      reply.type("text/plain; version=0.0.4");
      return metrics.render(store.countByStatus());
    },
  );

  app.get(
    "/v1/openapi.json",
    {
      schema: {
        summary: "This API, as OpenAPI 3",
        response: { 200: openApiDocumentSchema, ...readRefusals },
      },
    },
    // @fastify/swagger types its document as OpenAPI 2 or 3; this app makes 3.
    () => app.swagger() as FromSchema<typeof openApiDocumentSchema>,
  );
  done();
};
