import { expect } from "chai";
import { ZeroAddress, concat, parseEther } from "ethers";
import {
  addMember,
  addMembers,
  cancelProposal,
  describeAction,
  describeProposal,
  payEther,
  payToken,
  removeMember,
  setRegistrar,
  setRules,
  updateMember,
} from "../actions.js";
import { createIdentity, exportIdentity, importIdentity } from "../identity.js";
import { Zone__factory } from "../contracts.js";
import type { ZoneAction, ZoneRules } from "../types.js";

const ZONE = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const OTHER_ZONE = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const PAYEE = "0x000000000000000000000000000000000000bEEF";
const USDZ = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0";
const COMMITMENT = 8_765_432_109_876_543_210_987_654_321n;
const OTHER_COMMITMENT = 1_234_567_890n;
const SIBLINGS = [11n, 22n];

const context = { zone: ZONE, tokens: { [USDZ.toLowerCase()]: { symbol: "USDz", decimals: 6 } } };
const describe_ = (action: ZoneAction) => describeAction(action, context);

const RULES: ZoneRules = {
  votingDelay: 0,
  votingPeriod: 3600,
  executionDelay: 60,
  executionWindow: 86_400,
  quorumBps: 2000,
  approvalBps: 5000,
  proposalEpoch: 86_400,
  proposalsPerEpoch: 2,
};

describe("actions", function () {
  describe("payEther", function () {
    it("sends ether with no calldata, described in ETH", function () {
      const action = payEther(PAYEE, parseEther("1.5"));
      expect(action).to.deep.equal({ target: PAYEE, value: parseEther("1.5"), data: "0x" });
      expect(describe_(action)).to.equal(`pay 1.5 ETH to ${PAYEE}`);
      expect(describe_(payEther(PAYEE, parseEther("1234567")))).to.equal(`pay 1,234,567 ETH to ${PAYEE}`);
      expect(describe_(payEther(PAYEE, 1n))).to.equal(`pay 0.000000000000000001 ETH to ${PAYEE}`);
    });

    it("rejects a zero amount and a malformed address", function () {
      expect(() => payEther(PAYEE, 0n)).to.throw(RangeError, "amountWei must be positive");
      expect(() => payEther("0xbeef", 1n)).to.throw("invalid address");
    });
  });

  describe("payToken", function () {
    it("calls transfer on the token, described as an amount of a known token", function () {
      const action = payToken(USDZ, PAYEE, 5_000_000_000n);
      expect(action.target).to.equal(USDZ);
      expect(action.value).to.equal(0n);
      expect(action.data.slice(0, 10)).to.equal("0xa9059cbb"); // transfer(address,uint256)
      expect(describe_(action)).to.equal(`pay 5,000 USDz to ${PAYEE}`);
      expect(describe_(payToken(USDZ, PAYEE, 1_500_000n))).to.equal(`pay 1.5 USDz to ${PAYEE}`);
    });

    it("is described as a raw transfer on an unknown token", function () {
      const action = payToken(USDZ, PAYEE, 5_000_000n);
      expect(describeAction(action, { zone: ZONE })).to.equal(
        `call transfer(${PAYEE}, 5000000) on token ${USDZ}`,
      );
    });
  });

  describe("zone governance", function () {
    it("addMember admits one citizen", function () {
      const action = addMember(ZONE, COMMITMENT);
      expect(action).to.include({ target: ZONE, value: 0n });
      expect(describe_(action)).to.equal(`add citizen ${COMMITMENT} to the zone`);
    });

    it("addMembers admits several citizens", function () {
      expect(describe_(addMembers(ZONE, [COMMITMENT, OTHER_COMMITMENT]))).to.equal(
        `add 2 citizens to the zone: ${COMMITMENT}, ${OTHER_COMMITMENT}`,
      );
    });

    it("removeMember removes a citizen", function () {
      expect(describe_(removeMember(ZONE, COMMITMENT, SIBLINGS))).to.equal(
        `remove citizen ${COMMITMENT} from the zone`,
      );
    });

    it("updateMember replaces a citizen's commitment", function () {
      expect(describe_(updateMember(ZONE, COMMITMENT, OTHER_COMMITMENT, SIBLINGS))).to.equal(
        `replace citizen ${COMMITMENT} with ${OTHER_COMMITMENT}`,
      );
    });

    it("setRegistrar hands admission to an address, or to proposals alone", function () {
      expect(describe_(setRegistrar(ZONE, PAYEE))).to.equal(`make ${PAYEE} the zone's registrar`);
      expect(describe_(setRegistrar(ZONE, ZeroAddress))).to.equal(
        "remove the zone's registrar: only proposals admit citizens",
      );
    });

    it("setRules changes every rule, each in words", function () {
      expect(describe_(setRules(ZONE, RULES))).to.equal(
        "change the zone's rules: voting delay none, voting period 1 hour, timelock 1 minute, " +
          "execution window 1 day, quorum 20%, approval above 50%, 2 proposals per citizen every 1 day",
      );
      const unusual = {
        ...RULES,
        votingDelay: 1,
        votingPeriod: 3 * 86_400 + 5400,
        quorumBps: 2550,
        proposalsPerEpoch: 1,
      };
      expect(describe_(setRules(ZONE, unusual))).to.equal(
        "change the zone's rules: voting delay 1 second, voting period 3 days 1 hour 30 minutes, timelock 1 minute, " +
          "execution window 1 day, quorum 25.5%, approval above 50%, 1 proposal per citizen every 1 day",
      );
    });

    it("cancelProposal cancels a proposal", function () {
      const action = cancelProposal(ZONE, 7n);
      expect(action.data).to.equal(Zone__factory.createInterface().encodeFunctionData("cancel", [7n]));
      expect(describe_(action)).to.equal("cancel proposal 7");
    });

    it("describes other zone functions by name and arguments", function () {
      const queue = Zone__factory.createInterface().encodeFunctionData("queue", [3n]);
      expect(describe_({ target: ZONE, value: 0n, data: queue })).to.equal("call queue(3) on the zone");
    });

    it("describes a zone call sent to another address as an unknown call", function () {
      const action = { ...addMember(ZONE, COMMITMENT), target: OTHER_ZONE };
      expect(describe_(action)).to.equal(
        `call ${action.data.slice(0, 10)} (36 bytes of calldata) on ${OTHER_ZONE}`,
      );
    });
  });

  describe("describeAction of unknown calls", function () {
    it("gives the raw selector, the calldata length and the ether sent", function () {
      const action = { target: PAYEE, value: parseEther("1"), data: "0x12345678" + "00".repeat(64) };
      expect(describe_(action)).to.equal(`call 0x12345678 (68 bytes of calldata) on ${PAYEE} with 1 ETH`);
    });

    it("shows calldata too short for a selector in full", function () {
      expect(describe_({ target: PAYEE, value: 0n, data: "0xabcd" })).to.equal(
        `call ${PAYEE} with 2 bytes of data 0xabcd`,
      );
    });

    it("never half-explains calldata with bytes beyond what it decodes to", function () {
      const padded = {
        ...payToken(USDZ, PAYEE, 5_000_000n),
        data: concat([payToken(USDZ, PAYEE, 5_000_000n).data, "0x01"]),
      };
      expect(describe_(padded)).to.equal(`call 0xa9059cbb (69 bytes of calldata) on ${USDZ}`);
      const zoneCall = addMember(ZONE, COMMITMENT);
      expect(describe_({ ...zoneCall, data: concat([zoneCall.data, "0x00"]) })).to.match(
        /^call 0x[0-9a-f]{8} \(37 bytes/,
      );
    });
  });

  describe("describeProposal", function () {
    it("gives one line per option of a For/Against/Abstain proposal, in option order", function () {
      const lines = describeProposal([[payEther(PAYEE, parseEther("2")), addMember(ZONE, COMMITMENT)]], {
        ...context,
        multipleChoice: false,
      });
      expect(lines).to.deep.equal([
        "Against: nothing happens",
        `For: pay 2 ETH to ${PAYEE}; then add citizen ${COMMITMENT} to the zone`,
        "Abstain: counts toward quorum only; nothing happens",
      ]);
    });

    it("gives one line per option of a multiple-choice proposal, numbered as castVote numbers them", function () {
      const lines = describeProposal([[payToken(USDZ, PAYEE, 1_000_000n)], [], [cancelProposal(ZONE, 2n)]], {
        ...context,
        multipleChoice: true,
      });
      expect(lines).to.deep.equal([
        `option 0: pay 1 USDz to ${PAYEE}`,
        "option 1: nothing happens",
        "option 2: cancel proposal 2",
      ]);
    });

    it("rejects options that do not fit the kind of proposal", function () {
      expect(() => describeProposal([[], []], { ...context, multipleChoice: false })).to.throw(
        "a For/Against/Abstain proposal cannot have 2 option(s)",
      );
      expect(() => describeProposal([[]], { ...context, multipleChoice: true })).to.throw(
        "a multiple-choice proposal cannot have 1 option(s)",
      );
    });
  });
});

describe("identity", function () {
  it("exports and imports an identity unchanged", function () {
    const identity = createIdentity();
    const exported = exportIdentity(identity);
    const imported = importIdentity(exported);
    expect(imported.commitment).to.equal(identity.commitment);
    expect(exportIdentity(imported)).to.equal(exported);
    expect(importIdentity(`  ${exported}\n`).commitment).to.equal(identity.commitment);
  });

  it("creates a different identity each time", function () {
    expect(createIdentity().commitment).not.to.equal(createIdentity().commitment);
  });

  it("rejects text that is not an exported identity", function () {
    const exported = exportIdentity(createIdentity());
    expect(() => importIdentity("")).to.throw("not an exported Semaphore identity: expected base64 text");
    expect(() => importIdentity("my secret passphrase")).to.throw("expected base64 text");
    expect(() => importIdentity(exported.slice(0, 40))).to.throw(
      "expected a 32-byte private key, got 30 bytes",
    );
    expect(() => importIdentity(exported.slice(0, 43))).to.throw("the base64 is not canonical");
  });
});
