/**
 * What keeps a citizen from proposing by mistake: the slots left in the period and when they renew
 * (from the chain's time), and an identical proposal still open. Pure arithmetic, no chain.
 */
import { expect } from "chai";
import { Identity } from "@semaphore-protocol/identity";
import { payEther } from "../actions.js";
import { nullifierOf } from "../nullifier.js";
import {
  identicalPendingProposal,
  proposalEpochAt,
  proposalSlots,
  type OpenProposalCandidate,
} from "../proposals.js";
import { proposalScope } from "../scope.js";

const citizen = new Identity("zonedao-sdk-test-slots");
const place = { chainId: 31337n, zone: "0x00000000000000000000000000000000000000AA" };
const DAY = 86_400;
const rules = { proposalEpoch: DAY, proposalsPerEpoch: 2 };
const usedSlot = (epoch: bigint, slot: bigint) =>
  nullifierOf(citizen, proposalScope(place.chainId, place.zone, epoch, slot));

describe("proposalSlots", function () {
  it("counts periods from the chain's time as the zone does (block.timestamp / proposalEpoch)", function () {
    expect(proposalEpochAt(0, DAY)).to.equal(0n);
    expect(proposalEpochAt(7 * DAY - 1, DAY)).to.equal(6n);
    expect(proposalEpochAt(7 * DAY, DAY)).to.equal(7n);
  });

  it("gives every slot and the next period's start to a citizen who has not proposed", function () {
    const slots = proposalSlots(citizen, place, 7 * DAY + 3600, rules, new Set());
    expect(slots).to.deep.equal({
      epoch: 7n,
      total: 2,
      used: 0,
      left: 2,
      freeSlot: 0n,
      renewsAt: BigInt(8 * DAY),
      renewsIn: BigInt(DAY - 3600),
    });
  });

  it("renews at the next boundary exactly: the period's last second and its first", function () {
    const last = proposalSlots(citizen, place, 8 * DAY - 1, rules, new Set());
    expect([last.epoch, last.renewsAt, last.renewsIn]).to.deep.equal([7n, BigInt(8 * DAY), 1n]);
    const first = proposalSlots(citizen, place, 8 * DAY, rules, new Set());
    expect([first.epoch, first.renewsAt, first.renewsIn]).to.deep.equal([8n, BigInt(9 * DAY), BigInt(DAY)]);
  });

  it("counts only this period's slots of this citizen as used, and offers the first free one", function () {
    const other = nullifierOf(new Identity("someone else"), proposalScope(place.chainId, place.zone, 7n, 0n));
    const used = new Set([usedSlot(7n, 0n), usedSlot(6n, 1n), other]);
    const slots = proposalSlots(citizen, place, 7 * DAY, rules, used);
    expect([slots.used, slots.left, slots.freeSlot]).to.deep.equal([1, 1, 1n]);
  });

  it("has none left when every slot of the period is used, and says when they renew", function () {
    const used = new Set([usedSlot(7n, 0n), usedSlot(7n, 1n)]);
    const slots = proposalSlots(citizen, place, 7 * DAY + 10, rules, used);
    expect([slots.used, slots.left, slots.freeSlot]).to.deep.equal([2, 0, undefined]);
    expect(slots.renewsAt).to.equal(BigInt(8 * DAY));
    // In the next period the same citizen has both again.
    expect(proposalSlots(citizen, place, 8 * DAY, rules, used).left).to.equal(2);
  });

  it("follows the chain's own epoch when its latest block is older (no block mined for a while)", function () {
    // The latest block is from period 7, but the zone already answers period 8.
    const slots = proposalSlots(citizen, place, 7 * DAY + 10, rules, new Set([usedSlot(7n, 0n)]), 8n);
    expect([slots.epoch, slots.left, slots.renewsAt, slots.renewsIn]).to.deep.equal([
      8n,
      2,
      BigInt(9 * DAY),
      BigInt(DAY),
    ]);
  });
});

describe("identicalPendingProposal", function () {
  const payee = "0x000000000000000000000000000000000000bEEF";
  const options = [[payEther(payee, 10n ** 18n)]];
  const proposal = (changes: Partial<OpenProposalCandidate>): OpenProposalCandidate => ({
    proposalId: 4n,
    options,
    description: "Pay the gardener",
    voteEnd: 1000,
    ...changes,
  });

  it("finds an open proposal with the same actions and description (address case and spaces aside)", function () {
    const lowerCase = [[{ ...payEther(payee.toLowerCase(), 10n ** 18n) }]];
    const found = identicalPendingProposal([proposal({})], lowerCase, " Pay the gardener ", 999);
    expect(found?.proposalId).to.equal(4n);
  });

  it("gives the newest of several identical open proposals", function () {
    const found = identicalPendingProposal(
      [proposal({ proposalId: 2n }), proposal({ proposalId: 5n })],
      options,
      "Pay the gardener",
      0,
    );
    expect(found?.proposalId).to.equal(5n);
  });

  it("ignores a proposal whose vote has ended or that was canceled", function () {
    expect(identicalPendingProposal([proposal({})], options, "Pay the gardener", 1000)).to.equal(undefined);
    expect(identicalPendingProposal([proposal({})], options, "Pay the gardener", 0, new Set([4n]))).to.equal(
      undefined,
    );
  });

  it("tells apart any difference in value, target, calldata, option count, order or description", function () {
    const other = "0x000000000000000000000000000000000000cafe";
    const differing: [string, OpenProposalCandidate[`options`], string][] = [
      ["value", [[payEther(payee, 2n * 10n ** 18n)]], "Pay the gardener"],
      ["target", [[payEther(other, 10n ** 18n)]], "Pay the gardener"],
      ["data", [[{ ...payEther(payee, 10n ** 18n), data: "0x01" }]], "Pay the gardener"],
      ["options", [[payEther(payee, 10n ** 18n)], []], "Pay the gardener"],
      ["actions", [[payEther(payee, 10n ** 18n), payEther(payee, 10n ** 18n)]], "Pay the gardener"],
      ["description", options, "Pay the gardener twice"],
    ];
    for (const [what, draft, description] of differing) {
      expect(identicalPendingProposal([proposal({})], draft, description, 0), what).to.equal(undefined);
    }
    const twoOptions = [[payEther(payee, 1n)], [payEther(other, 1n)]];
    const swapped = [[payEther(other, 1n)], [payEther(payee, 1n)]];
    expect(
      identicalPendingProposal([proposal({ options: twoOptions })], swapped, "Pay the gardener", 0),
      "order",
    ).to.equal(undefined);
  });
});
