/**
 * POST /v1/proposals and GET /v1/proposals/submissions/:nullifier: anonymous proposals in, and what
 * became of them (the id the zone gave one once confirmed). Reading proposals is under zones.ts.
 */
import {
  nullifierParams,
  readRefusals,
  ref,
  submissionStatus,
  submitRefusals,
  type RoutePlugin,
} from "./common.js";

export const proposalRoutes: RoutePlugin = (app, { intake, store }, done) => {
  app.post(
    "/v1/proposals",
    {
      schema: {
        summary: "Submit an anonymous proposal",
        body: ref("ProposalRequest"),
        response: { 202: ref("Accepted"), ...submitRefusals },
      },
    },
    async (request, reply) => reply.status(202).send(await intake.acceptProposal(request.body)),
  );

  app.get(
    "/v1/proposals/submissions/:nullifier",
    {
      schema: {
        summary: "What became of an accepted anonymous proposal (its id once confirmed)",
        params: nullifierParams,
        response: { 200: ref("SubmissionStatus"), ...readRefusals },
      },
    },
    (request) =>
      submissionStatus(store.submission(request.params.nullifier), "proposal", request.params.nullifier),
  );
  done();
};
