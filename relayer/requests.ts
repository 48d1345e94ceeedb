/**
 * What the relayer's API takes and answers, as JSON Schemas: Fastify validates every request
 * against them (unknown fields rejected, no type coercion) and the OpenAPI document is built from
 * them, so the two cannot disagree. The sdk builds these bodies (voteRequest, proposalRequest). Numbers travel as decimal strings: a JSON number cannot carry a
 * 254-bit field element exactly.
 */
import type { ProposalRequest, VoteRequest, ZoneAction } from "../sdk/index.js";

export type { ProposalRequest, VoteRequest };

/** A uint256 as a decimal string without leading zeros (its range is checked after parsing). */
const decimal = { type: "string", pattern: "^(0|[1-9][0-9]{0,77})$" } as const;
const address = { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" } as const;
const proof = {
  type: "array",
  items: decimal,
  minItems: 8,
  maxItems: 8,
  description: "The 8 values of the packed Groth16 proof, as @semaphore-protocol/proof makes them",
} as const;
const depth = { ...decimal, description: "Depth of the Merkle tree the proof was made for (1-32)" } as const;

export const voteRequestSchema = {
  $id: "VoteRequest",
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
  $id: "ProposalRequest",
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
    options: {
      type: "array",
      minItems: 1,
      maxItems: 16,
      description: "One action list (For/Against/Abstain) or 2-16 (choose one)",
      items: {
        type: "array",
        maxItems: 32,
        items: {
          type: "object",
          additionalProperties: false,
          required: ["target", "value", "data"],
          properties: {
            target: address,
            value: { ...decimal, description: "Wei of the native currency the call sends" },
            data: { type: "string", pattern: "^0x([0-9a-fA-F]{2})*$", maxLength: 16_386 },
          },
        },
      },
    },
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
  $id: "Error",
  type: "object",
  required: ["error", "message"],
  properties: {
    error: { type: "string", description: "Stable code, e.g. invalid_proof" },
    message: { type: "string", description: "What was wrong, in words" },
  },
  additionalProperties: true,
} as const;

export const acceptedSchema = {
  $id: "Accepted",
  type: "object",
  required: ["nullifier", "status"],
  properties: { nullifier: decimal, status: { type: "string", enum: ["queued"] } },
} as const;

export const submissionStatusSchema = {
  $id: "SubmissionStatus",
  type: "object",
  required: ["nullifier", "kind", "zone", "status"],
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

/** castVotes' IZone.Vote for an accepted request. */
export function voteArguments(request: VoteRequest) {
  return {
    proposalId: BigInt(request.proposalId),
    option: BigInt(request.option),
    nullifier: BigInt(request.nullifier),
    points: request.proof.map(BigInt),
  };
}

/** The actions of a proposal request, as the sdk and the zone take them. */
export function proposalOptions(request: ProposalRequest): ZoneAction[][] {
  return request.options.map((actions) =>
    actions.map(({ target, value, data }) => ({ target, value: BigInt(value), data })),
  );
}

/** propose's arguments for an accepted request. */
export function proposeArguments(request: ProposalRequest) {
  return [
    proposalOptions(request),
    request.description,
    {
      merkleTreeRoot: BigInt(request.merkleTreeRoot),
      merkleTreeDepth: BigInt(request.merkleTreeDepth),
      epoch: BigInt(request.epoch),
      slot: BigInt(request.slot),
      nullifier: BigInt(request.nullifier),
      points: request.proof.map(BigInt),
    },
  ] as const;
}
