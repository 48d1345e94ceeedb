/**
 * What the relayer's index holds about each zone it serves: the group (to build proofs) and the
 * proposals with their state and tally. The web app checks what it votes on against the chain.
 */
import type { FastifyReply } from "fastify";
import { MEMBER_PAGE_LIMIT, optionCount, type JsonAction, type ProposalInfo } from "../../sdk/index.js";
import { RelayerError } from "../errors.js";
import type { ProposalView, SealedBox } from "../indexer.js";
import type { IndexedProposal } from "../store.js";
import { readRefusals, readSchema, zoneParams, type RoutePlugin } from "./common.js";

/** A non-negative integer in a query string (the app does not coerce types). */
const queryInteger = { type: "string", pattern: "^(0|[1-9][0-9]{0,9})$" } as const;

const memberPageQuery = {
  type: "object",
  properties: {
    offset: { ...queryInteger, description: "The first leaf index of the page (default 0)" },
    limit: { ...queryInteger, description: `Members in the page, 1 to ${MEMBER_PAGE_LIMIT} (the default)` },
  },
  additionalProperties: false,
} as const;

const sizeQuery = {
  type: "object",
  required: ["size"],
  properties: { size: { ...queryInteger, description: "Leaves in the tree: a proposal's eligibleCount" } },
  additionalProperties: false,
} as const;

const bucketParams = {
  type: "object",
  required: ["zone", "index"],
  properties: { ...zoneParams.properties, index: queryInteger },
} as const;

const notModified = {
  description: "Not modified: the ETag given in If-None-Match is current",
  type: "null",
} as const;
/** The tree routes' refusals: a read's, and 422 for a tree of 0 leaves. */
const treeRefusals = { ...readRefusals, 422: readRefusals[404] } as const;

/** The top of the current size, and partial buckets, change as members join. */
const SHORT_CACHE_SECONDS = 10;
/** Past sizes' tops and full buckets change only if a member in them is removed or replaced. */
const LONG_CACHE_SECONDS = 600;

function cacheFor(reply: FastifyReply, etag: string, seconds: number): void {
  reply.header("etag", etag).header("cache-control", `public, max-age=${seconds}`);
}

const proposalParams = {
  type: "object",
  required: ["zone", "proposalId"],
  properties: {
    ...zoneParams.properties,
    proposalId: { type: "string", pattern: "^[1-9][0-9]{0,77}$" },
  },
} as const;

export const zoneRoutes: RoutePlugin = (app, { config, store, indexer, intake }, done) => {
  app.get("/v1/zones", { schema: readSchema("The zones this relayer serves", "ZoneList") }, () => ({
    zones: config.zones,
    indexedBlock: indexer.indexedBlock,
  }));

  app.get(
    "/v1/zones/:zone/members",
    {
      schema: {
        ...readSchema(
          `A page of the zone's group: identity commitments in leaf order (a removed member's leaf is 0), ${MEMBER_PAGE_LIMIT} a page at most and by default. For auditors and for a citizen's one scan for its leaf index; proofs use the tree routes`,
          "MemberList",
          zoneParams,
        ),
        querystring: memberPageQuery,
      },
    },
    (request) => {
      const zone = intake.servedZone(request.params.zone);
      const offset = Number(request.query.offset ?? "0");
      const limit = Number(request.query.limit ?? MEMBER_PAGE_LIMIT);
      if (limit < 1 || limit > MEMBER_PAGE_LIMIT) {
        throw new RelayerError(
          422,
          "page_limit_out_of_range",
          `limit is 1 to ${MEMBER_PAGE_LIMIT}, not ${limit}`,
        );
      }
      const total = store.memberCount(zone);
      const members = store.memberRange(zone, offset, Math.min(total, offset + limit));
      return { zone, members, offset, total, indexedBlock: indexer.indexedBlock };
    },
  );

  app.get(
    "/v1/zones/:zone/tree",
    {
      schema: {
        ...readSchema(
          "The top of the tree of the zone's first `size` leaves (a proposal's eligibleCount): each bucket's root. Strong ETag; 304 on If-None-Match",
          "TreeTop",
          zoneParams,
        ),
        querystring: sizeQuery,
        response: { 200: { $ref: "TreeTop#" }, 304: notModified, ...treeRefusals },
      },
    },
    (request, reply) => {
      const zone = intake.servedZone(request.params.zone);
      const size = Number(request.query.size);
      const { top, etag } = indexer.trees.top(zone, size);
      // The top of a past size changes only if a member in it is removed; the current size's grows.
      cacheFor(reply, etag, size === indexer.trees.size(zone) ? SHORT_CACHE_SECONDS : LONG_CACHE_SECONDS);
      if (request.headers["if-none-match"] === etag) {
        void reply.code(304).send(undefined as unknown as null);
        return;
      }
      return top;
    },
  );

  app.get(
    "/v1/zones/:zone/tree/buckets/:index",
    {
      schema: {
        summary:
          "Bucket `index` of the tree of the zone's first `size` leaves: 32 bytes big-endian per leaf (a removed member's is 0). Strong ETag; 304 on If-None-Match",
        params: bucketParams,
        querystring: sizeQuery,
        response: {
          200: { content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } } },
          304: notModified,
          ...treeRefusals,
        },
      },
    },
    (request, reply) => {
      const zone = intake.servedZone(request.params.zone);
      const size = Number(request.query.size);
      const { bytes, etag, full } = indexer.trees.bucket(zone, Number(request.params.index), size);
      // A full bucket changes only if a member in it is removed; a partial one as members join.
      cacheFor(reply, etag, full ? LONG_CACHE_SECONDS : SHORT_CACHE_SECONDS);
      if (request.headers["if-none-match"] === etag) {
        void reply.code(304).send(undefined as unknown as null);
        return;
      }
      // Bytes go out as they are (Fastify serializes no Buffer); the schema's type is a string.
      void reply.type("application/octet-stream").send(Buffer.from(bytes) as unknown as string);
    },
  );

  app.get(
    "/v1/zones/:zone/proposals",
    { schema: readSchema("The zone's proposals with state and tally", "ProposalList", zoneParams) },
    (request) => {
      const zone = intake.servedZone(request.params.zone);
      const proposals = store.proposals(zone).map(proposalInfo);
      return { zone, chainTime: indexer.chainTime, indexedBlock: indexer.indexedBlock, proposals };
    },
  );

  app.get(
    "/v1/zones/:zone/proposals/:proposalId",
    { schema: readSchema("One proposal with state and tally", "ProposalDetail", proposalParams) },
    (request) => {
      const { zone: asked, proposalId } = request.params;
      const zone = intake.servedZone(asked);
      const proposal = store.proposal(zone, proposalId);
      if (proposal === undefined) {
        throw new RelayerError(404, "unknown_proposal", `zone ${zone} has no proposal ${proposalId}`);
      }
      return { ...proposalInfo(proposal), chainTime: indexer.chainTime };
    },
  );
  done();
};

/** A proposal as the API describes it (ProposalInfo), from the index. */
function proposalInfo(proposal: IndexedProposal): ProposalInfo {
  const options = JSON.parse(proposal.options) as JsonAction[][];
  const view = proposal.view === null ? undefined : (JSON.parse(proposal.view) as ProposalView);
  return {
    id: proposal.id,
    description: proposal.description,
    options,
    multipleChoice: proposal.multipleChoice,
    optionCount: optionCount(options),
    snapshotRoot: proposal.snapshotRoot,
    snapshotDepth: proposal.snapshotDepth,
    eligibleCount: proposal.eligibleCount,
    snapshotSize: proposal.snapshotSize,
    quorumBps: proposal.quorumBps,
    approvalBps: proposal.approvalBps,
    voteStart: proposal.voteStart,
    voteEnd: proposal.voteEnd,
    createdBlock: proposal.createdBlock,
    state: view?.state ?? "Pending",
    tally: view?.tally ?? [],
    eta: view?.eta ?? 0,
    sealed: proposal.sealed === null ? null : (JSON.parse(proposal.sealed) as SealedBox),
  };
}
