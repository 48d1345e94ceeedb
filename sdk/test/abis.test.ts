import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { ADMISSIONS, ZONE, decodeZoneDaoError } from "../abis.js";
import { shortError } from "../../cli/refusals.js";

describe("ZoneDAO custom errors", () => {
  it("names an error that bubbled up from a contract the zone called, which the zone's ABI cannot", () => {
    const data = ADMISSIONS.encodeErrorResult("AdmissionsParentMayNotAdmit", [ZeroAddress]);
    expect(ZONE.parseError(data)).to.equal(null);
    expect(decodeZoneDaoError(data)).to.deep.equal({
      name: "AdmissionsParentMayNotAdmit",
      args: [ZeroAddress],
    });
    // As the CLI reports it, from the revert data ethers left undecoded.
    const error = { shortMessage: "execution reverted (unknown custom error)", data };
    expect(shortError(error)).to.equal(`AdmissionsParentMayNotAdmit(${ZeroAddress})`);
  });

  it("says nothing of data that is no ZoneDAO error", () => {
    expect(decodeZoneDaoError("0xdeadbeef")).to.equal(undefined);
    expect(decodeZoneDaoError("0x")).to.equal(undefined);
    expect(decodeZoneDaoError(undefined)).to.equal(undefined);
    expect(
      shortError({ shortMessage: "execution reverted (unknown custom error)", data: "0xdeadbeef" }),
    ).to.equal("execution reverted (unknown custom error)");
  });
});
