/**
 * What the relayer's index holds about each zone it serves: the group (to build proofs) and the
 * proposals with their state and tally. The web app checks what it votes on against the chain.
 */
import { optionCount, type JsonAction, type ProposalInfo } from "../../sdk/index.js";
import { RelayerError } from "../errors.js";
import type { ProposalView } from "../indexer.js";
import type { IndexedProposal } from "../store.js";
import { readSchema, zoneParams, type RoutePlugin } from "./common.js";

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
      schema: readSchema(
        "The zone's group: identity commitments in leaf order (a removed member's leaf is 0)",
        "MemberList",
        zoneParams,
      ),
    },
    (request) => {
      const zone = intake.servedZone(request.params.zone);
      return { zone, members: store.members(zone), indexedBlock: indexer.indexedBlock };
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
