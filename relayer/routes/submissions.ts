/**
 * Anonymous votes, sealed votes, proposals, invitations and dividend claims in (POST /v1/votes, POST /v1/sealed-votes,
 * POST /v1/proposals, POST /v1/invitations, POST /v1/dividends), and what became of each
 * (GET /v1/votes/:nullifier, GET /v1/proposals/submissions/:nullifier: a proposal's id once
 * confirmed, GET /v1/invitations/:nullifier: the admission request id, GET /v1/dividends/:nullifier). Intake decides what is accepted;
 * reading proposals is under zones.ts.
 */
import { nullifierParams, readSchema, submissionStatus, submitSchema, type RoutePlugin } from "./common.js";

export const submissionRoutes: RoutePlugin = (app, { intake, store, assertCanPay }, done) => {
  // After the body's schema (a malformed one is a 400 whatever the balance), before any proof check.
  const preHandler = async () => assertCanPay();
  app.post(
    "/v1/votes",
    { schema: submitSchema("Submit an anonymous vote", "VoteRequest"), preHandler },
    async (request, reply) => reply.status(202).send(await intake.acceptVote(request.body)),
  );
  app.post(
    "/v1/sealed-votes",
    { schema: submitSchema("Submit a sealed vote on a sealed proposal", "SealedVoteRequest"), preHandler },
    async (request, reply) => reply.status(202).send(await intake.acceptSealedVote(request.body)),
  );
  app.post(
    "/v1/proposals",
    { schema: submitSchema("Submit an anonymous proposal", "ProposalRequest"), preHandler },
    async (request, reply) => reply.status(202).send(await intake.acceptProposal(request.body)),
  );
  app.post(
    "/v1/invitations",
    {
      schema: submitSchema("Submit a citizen's anonymous invitation of a newcomer", "InvitationRequest"),
      preHandler,
    },
    async (request, reply) => reply.status(202).send(await intake.acceptInvitation(request.body)),
  );
  app.post(
    "/v1/dividends",
    {
      schema: submitSchema("Submit a citizen's anonymous dividend claim", "DividendClaimRequest"),
      preHandler,
    },
    async (request, reply) => reply.status(202).send(await intake.acceptDividend(request.body)),
  );

  const statuses = [
    ["vote", "/v1/votes/:nullifier", "What became of an accepted vote"],
    [
      "sealed",
      "/v1/sealed-votes/:nullifier",
      "What became of an accepted sealed vote (confirmed: in the sums)",
    ],
    [
      "proposal",
      "/v1/proposals/submissions/:nullifier",
      "What became of an accepted anonymous proposal (its id once confirmed)",
    ],
    [
      "invitation",
      "/v1/invitations/:nullifier",
      "What became of an accepted invitation (its admission request id once confirmed)",
    ],
    ["dividend", "/v1/dividends/:nullifier", "What became of an accepted dividend claim (confirmed: paid)"],
  ] as const;
  for (const [kind, path, summary] of statuses) {
    app.get(path, { schema: readSchema(summary, "SubmissionStatus", nullifierParams) }, (request) =>
      submissionStatus(store.submission(request.params.nullifier), kind, request.params.nullifier),
    );
  }
  done();
};
