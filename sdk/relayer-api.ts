/**
 * The relayer's HTTP API as one contract: a JSON Schema for every body it takes and every answer it
 * gives, and the TypeScript type of each, derived from its schema (json-schema.ts), so the two
 * cannot disagree. The relayer validates requests and serializes answers with these schemas and
 * publishes them as its OpenAPI document; RelayerClient (and through it the web app) reads the
 * answers as these types. Numbers that can exceed 2^53 travel as decimal strings: a JSON number
 * cannot carry a 254-bit field element exactly. Browser-safe: no imports but constants and types.
 */
import { MAX_OPTIONS, PROPOSAL_STATES } from "./constants.js";
import type { FromSchema } from "./json-schema.js";
import type { ZoneAction } from "./types.js";

/** A uint256 as a decimal string without leading zeros (its range is checked after parsing). */
export const decimalSchema = { type: "string", pattern: "^(0|[1-9][0-9]{0,77})$" } as const;
/** An address, checksummed or not. */
export const addressSchema = { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" } as const;
const decimal = decimalSchema;
const address = addressSchema;
const count = { type: "integer", minimum: 0 } as const;
const proof = {
  type: "array",
  items: decimal,
  minItems: 8,
  maxItems: 8,
  description: "The 8 values of the packed Groth16 proof, as @semaphore-protocol/proof makes them",
} as const;
const depth = { ...decimal, description: "Depth of the Merkle tree the proof was made for (1-32)" } as const;

const actionSchema = {
  type: "object",
  additionalProperties: false,
  required: ["target", "value", "data"],
  properties: {
    target: address,
    value: { ...decimal, description: "Wei of the native currency the call sends" },
    data: { type: "string", pattern: "^0x([0-9a-fA-F]{2})*$", maxLength: 16_386 },
  },
} as const;

const optionsSchema = {
  type: "array",
  minItems: 1,
  maxItems: MAX_OPTIONS,
  description: `One action list (For/Against/Abstain) or 2-${MAX_OPTIONS} (choose one)`,
  items: { type: "array", maxItems: 32, items: actionSchema },
} as const;

export const voteRequestSchema = {
  type: "object",
  description:
    "An anonymous vote: a Semaphore v4 proof that a citizen of the proposal's snapshot chose `option`",
  additionalProperties: false,
  required: ["zone", "proposalId", "option", "nullifier", "merkleTreeDepth", "proof"],
  properties: {
    zone: address,
    proposalId: decimal,
    option: { ...decimal, description: "0 Against, 1 For, 2 Abstain; or the chosen option's index" },
    nullifier: decimal,
    merkleTreeDepth: depth,
    proof,
  },
} as const;

export const proposalRequestSchema = {
  type: "object",
  description: "An anonymous proposal: its options and a membership proof binding them (IZone.propose)",
  additionalProperties: false,
  required: [
    "zone",
    "options",
    "description",
    "merkleTreeRoot",
    "merkleTreeDepth",
    "epoch",
    "slot",
    "nullifier",
    "proof",
  ],
  properties: {
    zone: address,
    options: optionsSchema,
    description: { type: "string", maxLength: 10_000 },
    merkleTreeRoot: decimal,
    merkleTreeDepth: depth,
    epoch: decimal,
    slot: decimal,
    nullifier: decimal,
    proof,
  },
} as const;

export const errorSchema = {
  type: "object",
  description: "A refusal or failure; some carry more fields (a duplicate's current `status`)",
  required: ["error", "message"],
  properties: {
    error: { type: "string", description: "Stable code, e.g. invalid_proof" },
    message: { type: "string", description: "What was wrong, in words" },
  },
  additionalProperties: true,
} as const;

export const acceptedSchema = {
  type: "object",
  description: "Accepted: stored durably before this answer, and sent on chain from there",
  required: ["nullifier", "status"],
  properties: { nullifier: decimal, status: { type: "string", enum: ["queued"] } },
} as const;

export const submissionStatusSchema = {
  type: "object",
  description: "What became of an accepted vote or proposal",
  required: [
    "nullifier",
    "kind",
    "zone",
    "proposalId",
    "status",
    "reason",
    "txHash",
    "blockNumber",
    "acceptedAt",
  ],
  properties: {
    nullifier: decimal,
    kind: { type: "string", enum: ["vote", "proposal"] },
    zone: address,
    proposalId: { type: ["string", "null"], description: "Voted-on proposal, or the id a proposal got" },
    status: { type: "string", enum: ["queued", "submitted", "confirmed", "rejected"] },
    reason: { type: ["string", "null"] },
    txHash: { type: ["string", "null"] },
    blockNumber: { type: ["integer", "null"] },
    acceptedAt: { type: "string", format: "date-time" },
  },
} as const;

const indexedBlock = {
  type: "integer",
  description: "The last block whose events the answer reflects (-1 before the first sync)",
} as const;

export const zoneListSchema = {
  type: "object",
  description: "The zones this relayer serves",
  required: ["zones", "indexedBlock"],
  properties: { zones: { type: "array", items: address }, indexedBlock },
} as const;

export const memberListSchema = {
  type: "object",
  description: "The zone's group: identity commitments in leaf order (a removed member's leaf is 0)",
  required: ["zone", "members", "indexedBlock"],
  properties: { zone: address, members: { type: "array", items: decimal }, indexedBlock },
} as const;

const chainTime = {
  type: "integer",
  description: "The latest block's timestamp at the last sync: the zone's clock as the relayer knows it",
} as const;

export const proposalSchema = {
  type: "object",
  description:
    "A proposal as its ProposalCreated event records it, with the zone's latest state, tally and eta",
  required: [
    "id",
    "description",
    "options",
    "multipleChoice",
    "optionCount",
    "snapshotRoot",
    "snapshotDepth",
    "eligibleCount",
    "quorumBps",
    "approvalBps",
    "voteStart",
    "voteEnd",
    "createdBlock",
    "state",
    "tally",
    "eta",
  ],
  properties: {
    id: decimal,
    description: { type: "string" },
    options: optionsSchema,
    multipleChoice: { type: "boolean" },
    optionCount: { ...count, description: "Against, For and Abstain (3), or one per option list" },
    snapshotRoot: decimal,
    snapshotDepth: count,
    eligibleCount: count,
    quorumBps: { ...count, description: "The quorum it is decided by (the rules at its creation)" },
    approvalBps: { ...count, description: "The approval it is decided by (the rules at its creation)" },
    voteStart: count,
    voteEnd: count,
    createdBlock: count,
    state: { type: "string", enum: PROPOSAL_STATES },
    tally: { type: "array", items: decimal, description: "Votes per option, in option order" },
    eta: { ...count, description: "When a queued proposal may run (0 if not queued)" },
  },
} as const;

export const proposalListSchema = {
  type: "object",
  description: "The zone's proposals, in creation order",
  required: ["zone", "chainTime", "indexedBlock", "proposals"],
  properties: {
    zone: address,
    chainTime,
    indexedBlock,
    proposals: { type: "array", items: proposalSchema },
  },
} as const;

export const proposalDetailSchema = {
  ...proposalSchema,
  description: "One proposal, and the zone's clock",
  required: [...proposalSchema.required, "chainTime"],
  properties: { ...proposalSchema.properties, chainTime },
} as const;

export const healthSchema = {
  type: "object",
  description: "The relayer reaches its chain; what it pays with and what waits",
  required: ["status", "chainId", "relayer", "balanceWei", "block", "zones", "queue", "indexedBlock"],
  properties: {
    status: { type: "string", enum: ["ok"] },
    chainId: decimal,
    relayer: { ...address, description: "The account that signs and pays for transactions" },
    balanceWei: decimal,
    block: count,
    zones: { type: "array", items: address },
    queue: {
      type: "object",
      description: "Submissions by status",
      required: ["queued", "submitted", "confirmed", "rejected"],
      properties: { queued: count, submitted: count, confirmed: count, rejected: count },
    },
    indexedBlock,
  },
} as const;

/**
 * Every named schema of the API. The relayer registers each under its name, so routes and the
 * OpenAPI document refer to them as `{ $ref: "Name#" }`, the same names as the types below.
 */
export const relayerSchemas = {
  VoteRequest: voteRequestSchema,
  ProposalRequest: proposalRequestSchema,
  ErrorBody: errorSchema,
  Accepted: acceptedSchema,
  SubmissionStatus: submissionStatusSchema,
  ZoneList: zoneListSchema,
  MemberList: memberListSchema,
  ProposalList: proposalListSchema,
  ProposalDetail: proposalDetailSchema,
  RelayerHealth: healthSchema,
} as const;

/** POST /v1/votes. */
export type VoteRequest = FromSchema<typeof voteRequestSchema>;
/** POST /v1/proposals. */
export type ProposalRequest = FromSchema<typeof proposalRequestSchema>;
/** Any refusal (4xx) or failure (5xx). */
export type ErrorBody = FromSchema<typeof errorSchema>;
/** 202 to POST /v1/votes and POST /v1/proposals. */
export type Accepted = FromSchema<typeof acceptedSchema>;
/** GET /v1/votes/:nullifier and GET /v1/proposals/submissions/:nullifier. */
export type SubmissionStatus = FromSchema<typeof submissionStatusSchema>;
/** GET /v1/zones. */
export type ZoneList = FromSchema<typeof zoneListSchema>;
/** GET /v1/zones/:zone/members. */
export type MemberList = FromSchema<typeof memberListSchema>;
/** One action of a proposal option as JSON carries it (value in wei, as a decimal string). */
export type JsonAction = FromSchema<typeof actionSchema>;
/** A proposal as GET /v1/zones/:zone/proposals lists it. */
export type ProposalInfo = FromSchema<typeof proposalSchema>;
/** GET /v1/zones/:zone/proposals. */
export type ProposalList = FromSchema<typeof proposalListSchema>;
/** GET /v1/zones/:zone/proposals/:proposalId. */
export type ProposalDetail = FromSchema<typeof proposalDetailSchema>;
/** GET /v1/health (200; 503 with an ErrorBody when the RPC is unreachable). */
export type RelayerHealth = FromSchema<typeof healthSchema>;

/** A proposal's options as JSON carries them. */
export function optionsToJson(options: readonly (readonly ZoneAction[])[]): JsonAction[][] {
  return options.map((actions) =>
    actions.map(({ target, value, data }) => ({ target, value: value.toString(), data })),
  );
}

/** A proposal's options from JSON, as the sdk and the zone take them; throws on a malformed value. */
export function optionsFromJson(options: readonly (readonly JsonAction[])[]): ZoneAction[][] {
  return options.map((actions) =>
    actions.map(({ target, value, data }) => ({ target, value: BigInt(value), data })),
  );
}
