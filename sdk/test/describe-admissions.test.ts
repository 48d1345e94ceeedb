/**
 * Calls to a zone's admissions contract read as the decisions they are: the citizens' veto on pending
 * admissions, the zone's admission rules, and a parent zone's request to admit citizens to one of
 * its internal DAOs.
 */
import { expect } from "chai";
import { ZeroAddress } from "ethers";
import {
  rejectAdmission,
  rejectPendingAdmissions,
  requestAdmissionsToInternalDao,
  setAdmissionRules,
  type AdmissionRules,
} from "../admissions.js";
import { ADMISSIONS as ADMISSIONS_ABI } from "../abis.js";
import { describeAction, describeProposal } from "../describe.js";
import type { ZoneAction } from "../types.js";

const ZONE = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const ADMISSIONS = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const DAO = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0";
const GATEKEEPER = "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9";
const context = { zone: ZONE, admissions: ADMISSIONS.toLowerCase() };
const describe_ = (action: ZoneAction) => describeAction(action, context);
const raw = (action: ZoneAction) =>
  `call ${action.data.slice(0, 10)} (${(action.data.length - 2) / 2} bytes of calldata) on ${action.target}`;

const DEFAULTS: AdmissionRules = {
  delay: 0,
  registrarShareBps: 1_000,
  registrarFloor: 10,
  invitationsPerEpoch: 0,
  parentMayAdmit: true,
  gatekeeper: ZeroAddress,
};

describe("describe: admissions", function () {
  it("rejectPending reads as the citizens' veto on every pending admission", function () {
    expect(describe_(rejectPendingAdmissions(ADMISSIONS))).to.equal("reject every admission still pending");
  });

  it("reject names the request", function () {
    expect(describe_(rejectAdmission(ADMISSIONS, 7n))).to.equal("reject admission request #7");
  });

  it("setAdmissionRules says the delay, the registrar's cap, invitations, the parent zone and the gatekeeper", function () {
    expect(describe_(setAdmissionRules(ADMISSIONS, DEFAULTS))).to.equal(
      "change the zone's admission rules: admissions wait one vote's length plus 1 day, " +
        "the registrar may request 10% of the members (at least 10) per epoch, no invitations, " +
        "the parent zone's vote may admit, no gatekeeper",
    );
    const own: AdmissionRules = {
      delay: 14 * 86_400 + 3_600,
      registrarShareBps: 250,
      registrarFloor: 1,
      invitationsPerEpoch: 2,
      parentMayAdmit: false,
      gatekeeper: GATEKEEPER.toLowerCase(),
    };
    expect(describe_(setAdmissionRules(ADMISSIONS, own))).to.equal(
      "change the zone's admission rules: admissions wait 14 days 1 hour (at least one vote's length plus 1 day), " +
        "the registrar may request 2.5% of the members (at least 1) per epoch, " +
        "2 invitations per citizen per epoch, the parent zone may not admit, " +
        `gatekeeper ${GATEKEEPER}`,
    );
    expect(describe_(setAdmissionRules(ADMISSIONS, { ...own, invitationsPerEpoch: 1 }))).to.include(
      ", 1 invitation per citizen per epoch, ",
    );
  });

  it("requestByParent asks to admit citizens to an internal DAO, pending there", function () {
    expect(describe_(requestAdmissionsToInternalDao(ADMISSIONS, DAO.toLowerCase(), [11n, 22n]))).to.equal(
      `ask to admit 2 citizens to internal DAO ${DAO}, pending there: 11, 22`,
    );
    expect(describe_(requestAdmissionsToInternalDao(ADMISSIONS, DAO, [11n]))).to.equal(
      `ask to admit 1 citizen to internal DAO ${DAO}, pending there: 11`,
    );
  });

  it("any other admissions function is named with its arguments", function () {
    const action = {
      target: ADMISSIONS,
      value: 0n,
      data: ADMISSIONS_ABI.encodeFunctionData("admit", [ZONE, 3n, [5n]]),
    };
    expect(describe_(action)).to.equal(
      `call admit(${ZONE}, 3, [5]) on the admissions contract ${ADMISSIONS}`,
    );
  });

  it("without the admissions contract's address, or with calldata that does not re-encode, the call is shown raw", function () {
    const veto = rejectPendingAdmissions(ADMISSIONS);
    expect(describeAction(veto, { zone: ZONE })).to.equal(raw(veto));
    const padded = { ...rejectAdmission(ADMISSIONS, 7n) };
    padded.data = `${padded.data}00`;
    expect(describe_(padded)).to.equal(raw(padded));
  });

  it("a veto proposal reads as a For/Against/Abstain ballot", function () {
    expect(
      describeProposal([[rejectPendingAdmissions(ADMISSIONS)]], { ...context, multipleChoice: false }),
    ).to.deep.equal([
      "For: reject every admission still pending",
      "Against: nothing happens",
      "Abstain: counts toward quorum only; nothing happens",
    ]);
  });
});
