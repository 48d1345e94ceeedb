/** Which failures are dead ends (the page stops asking), without a browser. */
import { expect } from "chai";
import { RelayerRefusal } from "../../sdk/relayer-client.js";
import { RelayersUnreachable } from "../src/api.js";
import { deadEndOf } from "../src/dead-ends.js";

const zone = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const refusal = (status: number, code: string) => new RelayerRefusal(status, code, code, { error: code });

describe("deadEndOf (the zone's and proposal's pages)", function () {
  it("an unknown zone: the relayer's 404, or a zone that is not an address (400)", function () {
    expect(deadEndOf(refusal(404, "unknown_zone"), { zone })).to.deep.equal({ kind: "unknown-zone", zone });
    expect(deadEndOf(refusal(400, "malformed_request"), { zone: "riverside" })).to.deep.equal({
      kind: "unknown-zone",
      zone: "riverside",
    });
  });

  it("an unknown proposal: the relayer's 404, or an id that is not a number (400)", function () {
    const expected = { kind: "unknown-proposal", zone, proposalId: "99" };
    expect(deadEndOf(refusal(404, "unknown_proposal"), { zone, proposalId: "99" })).to.deep.equal(expected);
    expect(deadEndOf(refusal(400, "malformed_request"), { zone, proposalId: "99" })).to.deep.equal(expected);
  });

  it("every relayer unreachable: each named with its reason", function () {
    const failures = [
      { relayer: "http://a", reason: "Failed to fetch" },
      { relayer: "http://b", reason: "HTTP 502 without a JSON body" },
    ];
    const error = new RelayersUnreachable(failures);
    expect(error.message).to.equal(
      "no relayer answered (http://a: Failed to fetch; http://b: HTTP 502 without a JSON body)",
    );
    expect(deadEndOf(error, { zone })).to.deep.equal({ kind: "relayers-down", failures });
  });

  it("not a dead end: a refusal that may pass, a timeout, any other failure (the page asks again)", function () {
    expect(deadEndOf(refusal(429, "rate_limited"), { zone })).to.equal(undefined);
    expect(deadEndOf(refusal(409, "proposal_not_final"), { zone, proposalId: "3" })).to.equal(undefined);
    expect(deadEndOf(new Error("The operation was aborted due to timeout"), { zone })).to.equal(undefined);
    // A malformed request about a real zone with no proposal in question is the app's bug, not a dead end.
    expect(deadEndOf(refusal(400, "malformed_request"), { zone })).to.equal(undefined);
  });
});
