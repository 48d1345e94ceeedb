/**
 * What the relayer's index holds about each zone it serves: the group (to build proofs) and the
 * proposals with their state and tally. The web app checks what it votes on against the chain.
 */
import { optionCount, type JsonAction, type ProposalInfo } from "../../sdk/index.js";
import { RelayerError } from "../errors.js";
import type { ProposalView } from "../indexer.js";
import type { IndexedProposal } from "../store.js";
import { readRefusals, ref, zoneParams, type RoutePlugin } from "./common.js";

const proposalParams = {
  type: "object",
  required: ["zone", "proposalId"],
  properties: {
    ...zoneParams.properties,
    proposalId: { type: "string", pattern: "^[1-9][0-9]{0,77}$" },
  },
} as const;

export const zoneRoutes: RoutePlugin = (app, { config, store, indexer, intake }, done) => {
  app.get(
    "/v1/zones",
    {
      schema: {
        summary: "The zones this relayer serves",
        response: { 200: ref("ZoneList"), ...readRefusals },
      },
    },
    () => ({ zones: config.zones, indexedBlock: indexer.indexedBlock }),
  );

  app.get(
    "/v1/zones/:zone/members",
    {
      schema: {
        summary: "The zone's group: identity commitments in leaf order (a removed member's leaf is 0)",
        params: zoneParams,
        response: { 200: ref("MemberList"), ...readRefusals },
      },
    },
    (request) => {
      const zone = intake.servedZone(request.params.zone);
      return { zone, members: store.members(zone), indexedBlock: indexer.indexedBlock };
    },
  );

  app.get(
    "/v1/zones/:zone/proposals",
    {
      schema: {
        summary: "The zone's proposals with state and tally",
        params: zoneParams,
        response: { 200: ref("ProposalList"), ...readRefusals },
      },
    },
    (request) => {
      const zone = intake.servedZone(request.params.zone);
      return {
        zone,
        chainTime: indexer.chainTime,
        indexedBlock: indexer.indexedBlock,
        proposals: store.proposals(zone).map(proposalInfo),
      };
    },
  );

  app.get(
    "/v1/zones/:zone/proposals/:proposalId",
    {
      schema: {
        summary: "One proposal with state and tally",
        params: proposalParams,
        response: { 200: ref("ProposalDetail"), ...readRefusals },
      },
    },
    (request) => {
      const zone = intake.servedZone(request.params.zone);
      const proposal = store.proposal(zone, request.params.proposalId);
      if (proposal === undefined) {
        throw new RelayerError(
          404,
          "unknown_proposal",
          `zone ${zone} has no proposal ${request.params.proposalId}`,
        );
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
