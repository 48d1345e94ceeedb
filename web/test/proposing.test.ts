/**
 * Proposing from the form, without a browser: the slot, the proof, the relayer and the zone are
 * stand-ins, so each path (a free slot, none left, refused, recorded, still waiting) is quick.
 */
import { expect } from "chai";
import { Identity } from "@semaphore-protocol/identity";
import { payEther } from "../../sdk/actions.js";
import { nullifierOf } from "../../sdk/nullifier.js";
import { StillPending, type ProposalRequest, type SubmissionStatus } from "../../sdk/relayer-client.js";
import { proposalScope } from "../../sdk/scope.js";
import {
  IdenticalProposal,
  proposeThrough,
  slotsLine,
  submitOnce,
  viewPeriod,
  type ProposalDraft,
  type ProposalPeriod,
  type ProposeStatus,
  type ProposeSteps,
} from "../src/proposing.js";
import { ZONE, address } from "./web-fixture.js";

const citizen = new Identity("zonedao-web-test-proposer");
const place = { chainId: 31337n, zone: ZONE };
const epoch = 7n;
const draft: ProposalDraft = {
  options: [[payEther(address(0xbeef), 1n)]],
  description: "Pay the gardener",
};
const slotNullifier = (slot: bigint) =>
  nullifierOf(citizen, proposalScope(place.chainId, place.zone, epoch, slot));
const DAY = 86_400n;

/** The zone's period 7 at noon, with a proposal of `nullifier` per entry (none asking `draft`). */
function periodWith(
  used: bigint[],
  extra: ProposalPeriod["proposals"] = [],
  canceled: bigint[] = [],
): ProposalPeriod {
  return {
    epoch,
    chainTime: epoch * DAY + DAY / 2n,
    proposalEpoch: DAY,
    proposalsPerEpoch: 2n,
    proposals: [
      ...used.map((nullifier, i) => ({
        proposalId: BigInt(i + 1),
        options: [],
        description: "something else",
        voteEnd: 0,
        nullifier,
      })),
      ...extra,
    ],
    canceled: new Set(canceled),
  };
}
/** A proposal asking exactly `draft`, open until the end of the period after next. */
const sameAsDraft = { proposalId: 9n, ...draft, voteEnd: Number((epoch + 2n) * DAY), nullifier: 1n };

/** Steps that record what they were asked, with the relayer's final answer (none: still pending). */
function standIns(
  options: { used?: bigint[]; answer?: Partial<SubmissionStatus>; period?: ProposalPeriod } = {},
) {
  const asked = { slot: undefined as bigint | undefined, submitted: 0, waits: 0 };
  const request = { nullifier: "123" } as ProposalRequest;
  const steps: ProposeSteps = {
    period: () => Promise.resolve(options.period ?? periodWith(options.used ?? [])),
    prove: (proving, onDetail) => {
      expect(proving).to.include({ description: draft.description, epoch });
      asked.slot = proving.slot;
      onDetail("proving the proposal");
      return Promise.resolve(request);
    },
    submit: (submitted) => {
      expect(submitted).to.equal(request);
      asked.submitted++;
      return Promise.resolve(() => {
        asked.waits++;
        const status = {
          proposalId: null,
          reason: null,
          status: "queued",
          ...options.answer,
        } as SubmissionStatus;
        if (options.answer === undefined) throw new StillPending(status, "proposal 123 still queued");
        return Promise.resolve(status);
      });
    },
  };
  return { steps, asked };
}

async function propose(steps: ProposeSteps): Promise<ProposeStatus[]> {
  const said: ProposeStatus[] = [];
  const last = await proposeThrough(steps, citizen, place, draft, (status) => said.push(status));
  expect(last, "the outcome is the last status said").to.deep.equal(said.at(-1));
  return said;
}

describe("proposeThrough (the proposal form's submission)", function () {
  it("proves in the citizen's first free slot, sends, and links the proposal once the zone records it", async function () {
    const { steps, asked } = standIns({
      answer: { status: "confirmed", proposalId: "5" },
    });
    expect(await propose(steps)).to.deep.equal([
      { text: "Finding a free proposal slot…" },
      { text: "Preparing your proposal: proving the proposal…" },
      { text: "Sending your proposal…" },
      { text: "Accepted by the relayer; waiting for the zone to record it…" },
      { text: "Your proposal is #5.", link: `#/zone/${place.zone}/proposal/5` },
    ]);
    expect(asked).to.deep.equal({ slot: 0n, submitted: 1, waits: 1 });
  });

  it("skips a slot whose nullifier is among the zone's proposals", async function () {
    const { steps, asked } = standIns({
      used: [slotNullifier(0n), 99n],
      answer: { status: "confirmed", proposalId: "6" },
    });
    await propose(steps);
    expect(asked.slot).to.equal(1n);
  });

  it("says so when every slot of the period is used, before proving", async function () {
    const { steps, asked } = standIns({ used: [slotNullifier(0n), slotNullifier(1n)] });
    let error: unknown;
    await propose(steps).catch((caught: unknown) => (error = caught));
    expect(error)
      .to.be.an("error")
      .with.property("message", "You have used all 2 of your proposals for this period.");
    expect(asked.slot).to.equal(undefined);
  });

  it("refuses, before proving, a draft an open proposal already asks, linking to it", async function () {
    const { steps, asked } = standIns({ period: periodWith([], [sameAsDraft]) });
    let error: unknown;
    await propose(steps).catch((caught: unknown) => (error = caught));
    expect(error).to.be.instanceOf(IdenticalProposal);
    expect(error).to.include({
      message: "Proposal #9 already asks exactly this and is still open: vote on it instead.",
      link: `#/zone/${place.zone}/proposal/9`,
    });
    expect(asked.slot).to.equal(undefined);
  });

  it("proposes again what a canceled or closed proposal asked", async function () {
    const closed = { ...sameAsDraft, proposalId: 3n, voteEnd: Number(epoch * DAY) };
    const { steps, asked } = standIns({
      period: periodWith([], [sameAsDraft, closed], [sameAsDraft.proposalId]),
      answer: { status: "confirmed", proposalId: "10" },
    });
    await propose(steps);
    expect(asked.submitted).to.equal(1);
  });

  it("gives the zone's reason when it refuses the proposal", async function () {
    const { steps } = standIns({ answer: { status: "rejected", reason: "ProposalEpochSlotUsed" } });
    let error: unknown;
    await propose(steps).catch((caught: unknown) => (error = caught));
    expect(error).to.be.an("error").with.property("message", "The zone refused it: ProposalEpochSlotUsed");
  });

  it("stops waiting when the relayer still has it pending, and sends the citizen to the list", async function () {
    const { steps, asked } = standIns();
    const said = await propose(steps);
    expect(said.at(-1)).to.deep.equal({
      text: "Still waiting for the zone: check the proposals list later.",
    });
    expect(asked.waits).to.equal(1);
  });
});

describe("viewPeriod and slotsLine (the form's first line)", function () {
  it("counts the citizen's slots left and says when they renew, from the chain's time", function () {
    const { slots } = viewPeriod(periodWith([slotNullifier(0n)]), citizen, place);
    expect([slots.left, slots.renewsAt, slots.renewsIn]).to.deep.equal([1, (epoch + 1n) * DAY, DAY / 2n]);
    const when = new Date(Number((epoch + 1n) * DAY) * 1000).toLocaleString("en-GB", {
      dateStyle: "medium",
      timeStyle: "short",
    });
    expect(slotsLine(slots, "en-GB")).to.equal(
      `You can make 1 more proposal this period; it renews ${when} (in 12 hours).`,
    );
    const none = viewPeriod(periodWith([slotNullifier(0n), slotNullifier(1n)]), citizen, place).slots;
    expect(slotsLine(none, "en-GB")).to.equal(
      `You have used all 2 of your proposals for this period; they renew ${when} (in 12 hours).`,
    );
    expect(slotsLine(viewPeriod(periodWith([]), citizen, place).slots, "en-GB")).to.match(
      /^You can make 2 more proposals this period/,
    );
  });

  it("finds the open proposal a draft repeats, with its link", function () {
    const view = viewPeriod(periodWith([], [sameAsDraft]), citizen, place);
    expect(view.identicalTo(draft)).to.deep.equal({
      proposalId: 9n,
      link: `#/zone/${place.zone}/proposal/9`,
    });
    expect(view.identicalTo({ ...draft, description: "Pay the gardener twice" })).to.equal(undefined);
  });
});

describe("submitOnce (one click, one proposal)", function () {
  it("sends once for two clicks in a row, and again only after a failure", async function () {
    const claim = { current: false };
    let sends = 0;
    let fail = true;
    const send = () => {
      sends++;
      return fail ? Promise.reject(new Error("relayer down")) : Promise.resolve("sent");
    };
    const first = submitOnce(claim, send);
    expect(submitOnce(claim, send), "the double click's second").to.equal(undefined);
    expect(sends).to.equal(1);
    await first!.catch(() => undefined);
    fail = false;
    expect(await submitOnce(claim, send)).to.equal("sent");
    expect(submitOnce(claim, send), "after a sent proposal").to.equal(undefined);
    expect(sends).to.equal(2);
  });
});
