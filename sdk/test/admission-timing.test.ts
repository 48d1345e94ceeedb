/**
 * What a citizen is told before inviting or vetoing: which invitation slots are left this epoch (as
 * proposal slots are found, by the invitation scope), and by when a rejection must run.
 */
import { expect } from "chai";
import { Identity } from "@semaphore-protocol/identity";
import { invitationSlots, rejectionDeadline, type AdmissionRequest } from "../admissions.js";
import { nullifierOf } from "../nullifier.js";
import { proposalSlots } from "../proposals.js";
import { invitationScope } from "../scope.js";

const ZONE = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const place = { chainId: 31337n, zone: ZONE };
const DAY = 86_400n;

function request(requestId: bigint, status: AdmissionRequest["status"], readyAt: bigint): AdmissionRequest {
  return {
    requestId,
    path: "registrar",
    identityCommitments: [requestId + 1n],
    readyAt,
    status,
    blockNumber: 1,
    txHash: "0x",
  };
}

describe("admission timing", function () {
  describe("invitationSlots", function () {
    const citizen = new Identity("zonedao-test-inviter");
    const epoch = 20_000n;
    const chainTime = epoch * DAY + 3_600n;
    const rules = { proposalEpoch: DAY, invitationsPerEpoch: 2 };

    it("takes the first slot whose invitation nullifier the zone has not seen, and says when they renew", function () {
      const slot0 = nullifierOf(citizen, invitationScope(place.chainId, ZONE, epoch, 0n));
      const fresh = invitationSlots(citizen, place, chainTime, rules, new Set());
      expect(fresh).to.deep.include({ epoch, total: 2, used: 0, left: 2, freeSlot: 0n });
      const one = invitationSlots(citizen, place, chainTime, rules, new Set([slot0]));
      expect(one).to.deep.include({ used: 1, left: 1, freeSlot: 1n, renewsAt: (epoch + 1n) * DAY });
      expect(one.renewsIn).to.equal(DAY - 3_600n);
    });

    it("has no slot when the zone allows no invitations or all are used", function () {
      expect(
        invitationSlots(citizen, place, chainTime, { ...rules, invitationsPerEpoch: 0 }, new Set()).freeSlot,
      ).to.be.undefined;
      const used = new Set(
        [0n, 1n].map((slot) => nullifierOf(citizen, invitationScope(place.chainId, ZONE, epoch, slot))),
      );
      expect(invitationSlots(citizen, place, chainTime, rules, used)).to.deep.include({
        left: 0,
        freeSlot: undefined,
      });
    });

    it("is not fooled by the citizen's proposal nullifiers (another scope)", function () {
      const proposalRules = { proposalEpoch: DAY, proposalsPerEpoch: 2 };
      const proposals = proposalSlots(citizen, place, chainTime, proposalRules, new Set());
      expect(proposals.freeSlot).to.equal(0n);
      const proposalNullifier = nullifierOf(citizen, invitationScope(place.chainId, ZONE, epoch, 0n));
      // Used as an invitation, the same slot number stays free for a proposal.
      expect(
        proposalSlots(citizen, place, chainTime, proposalRules, new Set([proposalNullifier])).freeSlot,
      ).to.equal(0n);
    });
  });

  describe("rejectionDeadline", function () {
    const rules = { votingDelay: 0, votingPeriod: 3_600, executionDelay: 60 };

    it("is the earliest readyAt of the requests neither admitted nor rejected", function () {
      const requests = [
        request(0n, "admitted", 100n),
        request(1n, "rejected", 200n),
        request(2n, "pending", 90_000n),
        request(3n, "pending", 50_000n),
      ];
      expect(rejectionDeadline(requests, rules, 1_000n)).to.deep.equal({
        deadline: 50_000n,
        requestIds: [2n, 3n],
        executableAt: 4_660n,
        inTime: true,
      });
      expect(rejectionDeadline(requests, rules, 1_000n, 2n)).to.deep.include({
        deadline: 90_000n,
        requestIds: [2n],
      });
    });

    it("is not in time when a vote started now runs after it, and undefined with nothing to reject", function () {
      const requests = [request(0n, "pending", 5_000n)];
      expect(rejectionDeadline(requests, rules, 1_341n)).to.deep.include({
        executableAt: 5_001n,
        inTime: false,
      });
      expect(rejectionDeadline(requests, rules, 1_340n)).to.deep.include({ inTime: true });
      expect(rejectionDeadline([request(0n, "admitted", 1n)], rules, 0n)).to.equal(undefined);
      expect(rejectionDeadline(requests, rules, 0n, 7n)).to.equal(undefined);
    });
  });
});
