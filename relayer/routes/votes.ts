/** POST /v1/votes and GET /v1/votes/:nullifier: anonymous votes in, and what became of them. */
import {
  nullifierParams,
  readRefusals,
  ref,
  submissionStatus,
  submitRefusals,
  type RoutePlugin,
} from "./common.js";

export const voteRoutes: RoutePlugin = (app, { intake, store }, done) => {
  app.post(
    "/v1/votes",
    {
      schema: {
        summary: "Submit an anonymous vote",
        body: ref("VoteRequest"),
        response: { 202: ref("Accepted"), ...submitRefusals },
      },
    },
    async (request, reply) => reply.status(202).send(await intake.acceptVote(request.body)),
  );

  app.get(
    "/v1/votes/:nullifier",
    {
      schema: {
        summary: "What became of an accepted vote",
        params: nullifierParams,
        response: { 200: ref("SubmissionStatus"), ...readRefusals },
      },
    },
    (request) =>
      submissionStatus(store.submission(request.params.nullifier), "vote", request.params.nullifier),
  );
  done();
};
