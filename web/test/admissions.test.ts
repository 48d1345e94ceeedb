/**
 * The zone page's admissions in words, without a browser: who is waiting, by when a rejection must
 * run, a newcomer's own request, a citizen's invitation slots (nullifiers computed, never sent) and
 * the commitment a citizen pastes.
 */
import { expect } from "chai";
import { Identity } from "@semaphore-protocol/identity";
import {
  invitationSlots,
  rejectPendingAdmissions,
  rejectionDeadline,
  waitingRequests,
  type AdmissionRequest,
} from "../../sdk/admissions.js";
import { SNARK_SCALAR_FIELD } from "../../sdk/constants.js";
import { nullifierOf } from "../../sdk/nullifier.js";
import { invitationScope } from "../../sdk/scope.js";
import { invitationSlotsLine, parseCommitment, waitingRequestOf } from "../src/admissions.js";
import { buildActions } from "../src/decisions.js";
import { ZONE, address, webConfig } from "./web-fixture.js";

function request(id: bigint, status: AdmissionRequest["status"], readyAt: bigint, commitments = [id + 100n]) {
  return {
    requestId: id,
    path: "invitation",
    identityCommitments: commitments,
    readyAt,
    status,
    blockNumber: 1,
    txHash: "0x",
  } satisfies AdmissionRequest;
}

describe("web admissions", function () {
  const requests = [
    request(0n, "admitted", 100n),
    request(1n, "rejected", 150n),
    request(2n, "pending", 500n),
    request(3n, "ready", 300n, [7n, 8n]),
  ];

  it("lists the requests still waiting (pending or ready), and the earliest time one may enter", function () {
    expect(waitingRequests(requests).map((each) => each.requestId)).to.deep.equal([2n, 3n]);
    const rules = { votingDelay: 0, votingPeriod: 100, executionDelay: 10 };
    expect(rejectionDeadline(requests, rules, 150)).to.deep.include({ deadline: 300n, inTime: true });
    expect(rejectionDeadline(requests, rules, 250)).to.deep.include({ deadline: 300n, inTime: false });
    expect(rejectionDeadline(requests.slice(0, 2), rules, 150)).to.equal(undefined);
  });

  it("finds a newcomer's own waiting request by commitment, not an admitted or rejected one", function () {
    expect(waitingRequestOf(requests, "8")?.requestId).to.equal(3n);
    expect(waitingRequestOf(requests, 102n)?.requestId).to.equal(2n);
    expect(waitingRequestOf(requests, 100n)).to.equal(undefined);
    expect(waitingRequestOf(requests, undefined)).to.equal(undefined);
  });

  it("counts a citizen's invitation slots this epoch from the zone's invitations, and words them", function () {
    const citizen = new Identity("zonedao-web-test-inviter");
    const place = { chainId: 31337n, zone: ZONE };
    const epochLength = 86_400n;
    const chainTime = 9n * epochLength + 100n;
    const used = new Set([nullifierOf(citizen, invitationScope(place.chainId, place.zone, 9n, 0n))]);
    const slots = (invitationsPerEpoch: number) =>
      invitationSlots(citizen, place, chainTime, { proposalEpoch: epochLength, invitationsPerEpoch }, used);

    expect(slots(2)).to.deep.include({ total: 2, left: 1, freeSlot: 1n });
    expect(invitationSlotsLine(slots(2))).to.equal("You can invite 1 more newcomer this period (of 2).");
    expect(slots(1)).to.deep.include({ total: 1, left: 0, freeSlot: undefined });
    expect(invitationSlotsLine(slots(1))).to.match(
      /^You have used your 1 invitation of this period; they renew in /,
    );
    expect(invitationSlotsLine(slots(0))).to.match(/^Invitations are off in this zone/);
  });

  it("takes a pasted commitment with spaces and line breaks, and says what is wrong with anything else", function () {
    expect(parseCommitment(" 1234\n5678 ")).to.deep.equal({ commitment: 12345678n });
    expect(parseCommitment("").problem).to.match(/Paste/);
    expect(parseCommitment("0x12").problem).to.match(/digits only/);
    expect(parseCommitment("0").problem).to.match(/no one's/);
    expect(parseCommitment(SNARK_SCALAR_FIELD.toString()).problem).to.match(/too large/);
    expect(parseCommitment((SNARK_SCALAR_FIELD - 1n).toString()).commitment).to.equal(
      SNARK_SCALAR_FIELD - 1n,
    );
  });

  it("builds the 'Reject pending admissions' decision as the sdk's rejectPending on the zone's admissions contract", function () {
    const admissions = address(0xad);
    const context = { config: webConfig({}), zone: ZONE, admissions };
    expect(buildActions("reject-admissions", {}, context)).to.deep.equal([
      rejectPendingAdmissions(admissions),
    ]);
    expect(() => buildActions("reject-admissions", {}, { ...context, admissions: undefined })).to.throw(
      /not read yet/,
    );
  });
});
