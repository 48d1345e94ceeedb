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

/**
 * An object schema whose every property is required: an answer always carries all its fields, and
 * a request all of its own. Listing them once keeps `required` from drifting from `properties`.
 */
function allOf<const P extends Record<string, object>>(description: string, properties: P) {
  const required = Object.keys(properties) as (keyof P & string)[];
  return { type: "object", description, required, properties } as const;
}

/** A request body: all its fields, and no others (an unknown field is refused, not dropped). */
const body = <const P extends Record<string, object>>(description: string, properties: P) =>
  ({ ...allOf(description, properties), additionalProperties: false }) as const;

const decimal = decimalSchema;
const address = addressSchema;
const count = { type: "integer", minimum: 0 } as const;
const depth = { ...decimal, description: "Depth of the Merkle tree the proof was made for (1-32)" } as const;
/** What every proof a request carries comes with: its nullifier and its tree's depth. */
const proofFields = {
  nullifier: decimal,
  merkleTreeDepth: depth,
  proof: {
    type: "array",
    items: decimal,
    minItems: 8,
    maxItems: 8,
    description: "The 8 values of the packed Groth16 proof, as @semaphore-protocol/proof makes them",
  },
} as const;
/** Answers from the relayer's index say how far it had read, and what time the chain said it was. */
const indexedBlock = {
  type: "integer",
  description: "The last block whose events the answer reflects (-1 before the first sync)",
} as const;
const chainTime = {
  type: "integer",
  description: "The latest block's timestamp at the last sync: the zone's clock as the relayer knows it",
} as const;

const actionSchema = body("One call the zone makes if the option wins (IZone.Action)", {
  target: address,
  value: { ...decimal, description: "Wei of the native currency the call sends" },
  data: { type: "string", pattern: "^0x([0-9a-fA-F]{2})*$", maxLength: 16_386 },
});
/** One action of a proposal option as JSON carries it (value in wei, as a decimal string). */
export type JsonAction = FromSchema<typeof actionSchema>;

const optionsSchema = {
  type: "array",
  minItems: 1,
  maxItems: MAX_OPTIONS,
  description: `One action list (For/Against/Abstain) or 2-${MAX_OPTIONS} (choose one)`,
  items: { type: "array", maxItems: 32, items: actionSchema },
} as const;

export const voteRequestSchema = body(
  "An anonymous vote: a Semaphore v4 proof that a citizen of the proposal's snapshot chose `option`",
  {
    zone: address,
    proposalId: decimal,
    option: { ...decimal, description: "0 Against, 1 For, 2 Abstain; or the chosen option's index" },
    ...proofFields,
  },
);
/** POST /v1/votes. */
export type VoteRequest = FromSchema<typeof voteRequestSchema>;

export const sealedVoteRequestSchema = body(
  "A sealed vote: a sealed ballot proof that a citizen of the proposal's snapshot cast this encrypted one-hot ballot (ZoneSealedBallots.castSealedVotes)",
  {
    zone: address,
    proposalId: decimal,
    nullifier: decimal,
    ciphertexts: {
      type: "array",
      items: decimal,
      minItems: 12,
      maxItems: 12,
      description:
        "The ballot's ElGamal ciphertexts on BabyJubJub, one per entry: c1 (x, y) of entries 0-2, then c2 (x, y) of entries 0-2",
    },
    proof: proofFields.proof,
  },
);
/** POST /v1/sealed-votes. */
export type SealedVoteRequest = FromSchema<typeof sealedVoteRequestSchema>;

const proposalBody = body(
  "An anonymous proposal: its options and a membership proof binding them (IZone.propose); with `tellersTerm`, a sealed one (IZone.proposeSealed)",
  {
    zone: address,
    options: optionsSchema,
    description: { type: "string", maxLength: 10_000 },
    merkleTreeRoot: decimal,
    epoch: decimal,
    slot: decimal,
    ...proofFields,
  },
);
export const proposalRequestSchema = {
  ...proposalBody,
  properties: {
    ...proposalBody.properties,
    tellersTerm: {
      ...decimal,
      description:
        "Optional: seal the proposal's ballots to this term of the zone's tellers (its key must be final and serve past the vote); the proof binds it with the content",
    },
  },
} as const;
/** POST /v1/proposals. */
export type ProposalRequest = FromSchema<typeof proposalRequestSchema>;

export const invitationRequestSchema = body(
  "A citizen's anonymous invitation: a membership proof whose message is the newcomer's commitment (IZone.invite)",
  {
    zone: address,
    identityCommitment: { ...decimal, description: "The newcomer's identity commitment" },
    merkleTreeRoot: decimal,
    epoch: decimal,
    slot: { ...decimal, description: "The invitation slot: below the zone's invitationsPerEpoch" },
    ...proofFields,
  },
);
/** POST /v1/invitations. */
export type InvitationRequest = FromSchema<typeof invitationRequestSchema>;

export const dividendClaimRequestSchema = body(
  "A citizen's anonymous dividend claim: a proof of membership of the round's snapshot whose message is the recipient (IZone.claimDividend)",
  {
    zone: address,
    roundId: { ...decimal, description: "The dividend round (DividendRoundOpened's roundId)" },
    recipient: {
      ...address,
      description: "Who is paid: any address (a fresh one keeps the payment unlinkable)",
    },
    nullifier: decimal,
    proof: proofFields.proof,
  },
);
/** POST /v1/dividends. */
export type DividendClaimRequest = FromSchema<typeof dividendClaimRequestSchema>;

export const errorSchema = {
  ...allOf("A refusal or failure; some carry more fields (a duplicate's current `status`)", {
    error: { type: "string", description: "Stable code, e.g. invalid_proof" },
    message: { type: "string", description: "What was wrong, in words" },
  }),
  additionalProperties: true,
} as const;
/** Any refusal (4xx) or failure (5xx). */
export type ErrorBody = FromSchema<typeof errorSchema>;

export const acceptedSchema = allOf("Accepted: stored durably before this answer, then sent on chain", {
  nullifier: decimal,
  status: { type: "string", enum: ["queued"] },
});
/** 202 to POST /v1/votes, /v1/sealed-votes, /v1/proposals, /v1/invitations and /v1/dividends. */
export type Accepted = FromSchema<typeof acceptedSchema>;

export const submissionStatusSchema = allOf(
  "What became of an accepted vote, sealed vote, proposal, invitation or dividend claim",
  {
    nullifier: decimal,
    kind: { type: "string", enum: ["vote", "sealed", "proposal", "invitation", "dividend"] },
    zone: address,
    proposalId: {
      type: ["string", "null"],
      description:
        "Voted-on proposal, the id a proposal got, the admission request id an invitation got (ZoneAdmissions), or a dividend claim's round id",
    },
    status: { type: "string", enum: ["queued", "submitted", "confirmed", "rejected"] },
    reason: { type: ["string", "null"] },
    txHash: { type: ["string", "null"] },
    blockNumber: { type: ["integer", "null"] },
    acceptedAt: { type: "string", format: "date-time" },
  },
);
/**
 * GET /v1/votes/:nullifier, GET /v1/proposals/submissions/:nullifier, GET /v1/invitations/:nullifier,
 * GET /v1/dividends/:nullifier.
 */
export type SubmissionStatus = FromSchema<typeof submissionStatusSchema>;

export const zoneListSchema = allOf("The zones this relayer serves", {
  zones: { type: "array", items: address },
  indexedBlock,
});
/** GET /v1/zones. */
export type ZoneList = FromSchema<typeof zoneListSchema>;

export const memberListSchema = allOf(
  "A page of the zone's group: identity commitments in leaf order (a removed member's leaf is 0)",
  {
    zone: address,
    members: { type: "array", items: decimal, description: "Leaves `offset` to `offset + limit - 1`" },
    offset: { ...count, description: "The leaf index of the page's first member" },
    total: { ...count, description: "Leaves indexed: the page after the last ends here" },
    indexedBlock,
  },
);
/** GET /v1/zones/:zone/members (one page; RelayerClient.members joins them all). */
export type MemberList = FromSchema<typeof memberListSchema>;

/** A field element as the tree routes write it: 0x and 64 hex digits. */
const node = { type: "string", pattern: "^0x[0-9a-f]{64}$" } as const;

export const treeTopSchema = allOf(
  "The tree of the zone's first `size` leaves, down to its buckets: the root of each bucket of 2^bucketBits leaves (the last possibly partial). Check it against the chain's root: see sdk/private-path.ts",
  {
    zone: address,
    size: { ...count, description: "Leaves in the tree: a proposal's eligibleCount" },
    bucketBits: count,
    bucketRoots: { type: "array", items: node, description: "One LeanIMT root per bucket, in order" },
  },
);
/** GET /v1/zones/:zone/tree?size=N, as JSON (RelayerClient.treeTop reads it as the sdk's TreeTop). */
export type TreeTopJson = FromSchema<typeof treeTopSchema>;

const proposalFields = {
  id: decimal,
  description: { type: "string" },
  options: optionsSchema,
  multipleChoice: { type: "boolean" },
  optionCount: { ...count, description: "Against, For and Abstain (3), or one per option list" },
  snapshotRoot: decimal,
  snapshotDepth: count,
  eligibleCount: count,
  snapshotSize: {
    type: ["integer", "null"],
    description:
      "Leaves in the group's tree at creation (eligibleCount plus removed members' zero leaves): the size of the snapshot's tree for the tree routes; null if indexed before it was kept",
  },
  quorumBps: { ...count, description: "The quorum it is decided by (the rules at its creation)" },
  approvalBps: { ...count, description: "The approval it is decided by (the rules at its creation)" },
  voteStart: count,
  voteEnd: count,
  createdBlock: count,
  state: { type: "string", enum: PROPOSAL_STATES },
  tally: { type: "array", items: decimal, description: "Votes per option, in option order" },
  eta: { ...count, description: "When a queued proposal may run (0 if not queued)" },
  sealed: {
    type: ["object", "null"],
    description:
      "A sealed proposal's ballot box (its BallotBoxOpened event): its tellers' term and their joint key (BabyJubJub x, y) the ballots are encrypted to; null for an open proposal. Its votes go to POST /v1/sealed-votes, and its tally stays empty until its tellers open it (state Tallying after the vote)",
    required: ["term", "publicKey"],
    additionalProperties: false,
    properties: {
      term: decimal,
      publicKey: { type: "array", items: decimal, minItems: 2, maxItems: 2 },
    },
  },
} as const;

export const proposalSchema = allOf(
  "A proposal as its ProposalCreated event records it, with the zone's latest state, tally and eta",
  proposalFields,
);
/** A proposal as GET /v1/zones/:zone/proposals lists it. */
export type ProposalInfo = FromSchema<typeof proposalSchema>;

export const proposalListSchema = allOf("The zone's proposals, in creation order", {
  zone: address,
  chainTime,
  indexedBlock,
  proposals: { type: "array", items: proposalSchema },
});
/** GET /v1/zones/:zone/proposals. */
export type ProposalList = FromSchema<typeof proposalListSchema>;

export const proposalDetailSchema = allOf("One proposal, and the zone's clock", {
  ...proposalFields,
  chainTime,
});
/** GET /v1/zones/:zone/proposals/:proposalId. */
export type ProposalDetail = FromSchema<typeof proposalDetailSchema>;

export const healthSchema = allOf("The relayer reaches its chain; what it pays with and what waits", {
  status: { type: "string", enum: ["ok"] },
  chainId: decimal,
  relayer: { ...address, description: "The account that signs and pays for transactions" },
  balanceWei: decimal,
  block: count,
  zones: { type: "array", items: address },
  queue: allOf("Submissions by status", {
    queued: count,
    submitted: count,
    confirmed: count,
    rejected: count,
  }),
  indexedBlock,
  treeBucketsLeft: {
    ...count,
    description: "Full buckets of the zones' trees not hashed yet (tops answer 503 tree_not_ready until 0)",
  },
  keeper: {
    type: ["object", "null"],
    description: "The keeper that executes passed proposals (ZONEDAO_KEEPER_KEY); null when it is off",
    required: ["address", "lastRunAt"],
    properties: {
      address: { ...address, description: "The keeper's own account, which pays for its steps" },
      lastRunAt: { type: ["integer", "null"], description: "When its last pass ended (unix seconds)" },
    },
  },
});
/** GET /v1/health (200; 503 with an ErrorBody when the RPC is unreachable). */
export type RelayerHealth = FromSchema<typeof healthSchema>;

/**
 * Every named schema of the API. The relayer registers each under its name, so routes and the
 * OpenAPI document refer to them as `{ $ref: "Name#" }`, the same names as the types below.
 */
export const relayerSchemas = {
  VoteRequest: voteRequestSchema,
  SealedVoteRequest: sealedVoteRequestSchema,
  ProposalRequest: proposalRequestSchema,
  InvitationRequest: invitationRequestSchema,
  DividendClaimRequest: dividendClaimRequestSchema,
  ErrorBody: errorSchema,
  Accepted: acceptedSchema,
  SubmissionStatus: submissionStatusSchema,
  ZoneList: zoneListSchema,
  MemberList: memberListSchema,
  TreeTop: treeTopSchema,
  ProposalList: proposalListSchema,
  ProposalDetail: proposalDetailSchema,
  RelayerHealth: healthSchema,
} as const;

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
