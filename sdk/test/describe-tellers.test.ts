/**
 * A zone's election of tellers (sdk electTellers) reads as one on the proposal page: who, how many
 * of them open a sealed tally, and the key generation's phases and term, in words; a call the
 * sentence would not account for stays raw.
 */
import { expect } from "chai";
import { electTellers } from "../actions.js";
import { describeAction } from "../describe.js";

const ZONE = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const TELLERS = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const ACCOUNTS = [
  "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
  "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9",
  "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9",
];

describe("describe: tellers", function () {
  const election = electTellers(TELLERS, {
    accounts: ACCOUNTS.map((account) => account.toLowerCase()),
    threshold: 2,
    phaseLength: 3_600,
    termLength: 365 * 86_400,
  });

  it("reads an election of tellers as who, the threshold, the phases and the term", function () {
    expect(describeAction(election, { zone: ZONE, tellers: TELLERS })).to.equal(
      `elect ${ACCOUNTS.join(", ")} as the zone's tellers for sealed votes: any 2 of them open a sealed tally; ` +
        "key generation in phases of 1 hour, a term of 365 days",
    );
  });

  it("leaves the call raw where the reader does not know the tellers' contract, or its bytes do not re-encode", function () {
    const raw = (data: string) =>
      `call ${data.slice(0, 10)} (${(data.length - 2) / 2} bytes of calldata) on ${TELLERS}`;
    expect(describeAction(election, { zone: ZONE })).to.equal(raw(election.data));
    const padded = { ...election, data: `${election.data}00` };
    expect(describeAction(padded, { zone: ZONE, tellers: TELLERS })).to.equal(raw(padded.data));
  });
});
