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
  proposeThrough,
  type ProposalDraft,
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

/** Steps that record what they were asked, with the relayer's final answer (none: still pending). */
function standIns(options: { used?: bigint[]; answer?: Partial<SubmissionStatus> } = {}) {
  const asked = { slot: undefined as bigint | undefined, submitted: 0, waits: 0 };
  const request = { nullifier: "123" } as ProposalRequest;
  const steps: ProposeSteps = {
    period: () => Promise.resolve({ epoch, proposalsPerEpoch: 2n, used: new Set(options.used ?? []) }),
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
  await proposeThrough(steps, citizen, place, draft, (status) => said.push(status));
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
