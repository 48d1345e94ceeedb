/**
 * The audit's admissions check on crafted event lists: the contracts cannot produce a wrongful
 * admission, so what the check must catch is written here as events (encoded and decoded with the
 * real ABIs), with the honest paths beside them. test/audit.test.ts runs it on a real chain.
 */
import { expect } from "chai";
import { ZONE } from "../abis.js";
import { checkAdmissionRecords } from "../audit/admissions.js";
import type { ZoneLog } from "../audit/events.js";
import { ChainRecords, type Event } from "./chain-records.js";
import { ZoneAdmissions__factory } from "../../types/ethers-contracts/index.js";

const ADMISSIONS = ZoneAdmissions__factory.createInterface();
const ZONE_ADDRESS = "0x00000000000000000000000000000000000020ae";
const REGISTRAR = "0x000000000000000000000000000000000000AE61";
const INTRUDER = "0x000000000000000000000000000000000000BAd0";
const HOUR = 3600n;
const DAY = 86_400n;
/** votingDelay 0, votingPeriod 1 h, executionDelay 10 min, window 1 day; proposal epoch 1 day. */
const RULES = [0, 3600, 600, 86_400, 5000, 5000, 86_400, 2, 0];
/** One vote's length plus ZoneAdmissions.MIN_NOTICE. */
const DELAY = 3600n + 600n + DAY;
const START = 1_000n * DAY;
const FOUNDERS = [11n, 12n, 13n, 14n];
const NEWCOMER = 21n;

const zone = (name: string, ...values: unknown[]): Event => [ZONE, name, values];
const admissions = (name: string, ...values: unknown[]): Event => [
  ADMISSIONS,
  name,
  [ZONE_ADDRESS, ...values],
];
const requested = (requestId: number, commitments: bigint[], readyAt: bigint, by = REGISTRAR, path = 0) =>
  admissions("AdmissionRequested", requestId, path, by, commitments, readyAt);
const admitted = (requestId: number) => admissions("AdmissionAdmitted", requestId);
const membersAdded = (startIndex: number, commitments: bigint[]) =>
  zone("MembersAdded", startIndex, commitments, 1n);
const proposalCreated = (proposalId: number) =>
  zone("ProposalCreated", proposalId, [[]], "", 1n, 1n, 4n, 0n, 1n, 7n);

/** The zone's and its admissions contract's events, transaction by transaction. */
class Records extends ChainRecords {
  zoneLogs: ZoneLog[] = [];
  admissionLogs: ZoneLog[] = [];

  constructor() {
    super((abi) => (abi === ZONE ? this.zoneLogs : this.admissionLogs));
  }

  check() {
    return checkAdmissionRecords(this);
  }
}

/** A zone founded by its registrar (directly, then by a request), with one proposal made. */
function founded(): Records {
  const records = new Records();
  records.tx(
    START,
    zone("RegistrarChanged", "0x0000000000000000000000000000000000000000", REGISTRAR),
    zone("RulesChanged", RULES),
  );
  records.tx(START + 1n, membersAdded(0, FOUNDERS.slice(0, 2)));
  records.tx(
    START + 2n,
    requested(0, FOUNDERS.slice(2), START + 2n),
    admitted(0),
    membersAdded(2, FOUNDERS.slice(2)),
  );
  records.tx(START + HOUR, proposalCreated(1));
  return records;
}

function whats(records: Records): string[] {
  return records.check().discrepancies.map((found) => found.what);
}

describe("audit: checkAdmissionRecords", function () {
  it("accepts the founding, a request admitted after its delay, and a vote's admission", function () {
    const records = founded();
    records.tx(START + 2n * HOUR, requested(1, [NEWCOMER], START + 2n * HOUR + DELAY));
    records.tx(START + 2n * HOUR + DELAY, admitted(1), membersAdded(4, [NEWCOMER]));
    records.tx(START + 4n * DAY, zone("ProposalExecuted", 1, 1), zone("MemberAdded", 5, 22n, 1n));
    const result = records.check();
    expect(result.discrepancies).to.deep.equal([]);
    // 4 membership events and 2 requests.
    expect(result.items).to.equal(6);
  });

  it("reports a member added after the founding by no request and no vote", function () {
    const records = founded();
    const txHash = records.tx(START + DAY, membersAdded(4, [NEWCOMER]));
    const [found, ...rest] = records.check().discrepancies;
    expect(rest).to.deep.equal([]);
    expect(found!.what).to.equal(
      `MembersAdded of [${NEWCOMER}] after the founding, neither by an admitted request nor by an executed proposal of the zone`,
    );
    expect(found!.evidence).to.equal(`block 5, tx ${txHash}`);
  });

  it("reports a request admitted before it was ready, or ready before the admission delay", function () {
    const records = founded();
    records.tx(START + 2n * HOUR, requested(1, [NEWCOMER], START + 2n * HOUR + DELAY));
    records.tx(START + 3n * HOUR, admitted(1), membersAdded(4, [NEWCOMER]));
    records.tx(START + 4n * HOUR, requested(2, [22n], START + 5n * HOUR));
    expect(whats(records)).to.deep.equal([
      `request 1 admitted at ${START + 3n * HOUR}, before it was ready (${START + 2n * HOUR + DELAY})`,
      `request 2 (registrar, 1 commitment) made at ${START + 4n * HOUR} is ready at ${START + 5n * HOUR}, ` +
        `before the admission delay of ${DELAY} s in force (${START + 4n * HOUR + DELAY})`,
    ]);
  });

  it("follows a longer delay the zone's vote set", function () {
    const records = founded();
    const rules = [3n * DAY, 1000, 10, 0, true, "0x0000000000000000000000000000000000000000"];
    records.tx(START + DAY, zone("ProposalExecuted", 1, 1), admissions("AdmissionRulesChanged", rules, 1));
    records.tx(START + 2n * DAY, requested(1, [NEWCOMER], START + 2n * DAY + DELAY));
    expect(whats(records)).to.deep.equal([
      `request 1 (registrar, 1 commitment) made at ${START + 2n * DAY} is ready at ${START + 2n * DAY + DELAY}, ` +
        `before the admission delay of ${3n * DAY} s in force (${START + 5n * DAY})`,
    ]);
  });

  it("reports a request admitted after the citizens rejected it, all pending or that one", function () {
    const records = founded();
    records.tx(START + 2n * HOUR, requested(1, [NEWCOMER], START + 2n * HOUR + DELAY));
    records.tx(START + 2n * HOUR + 1n, requested(2, [22n], START + 2n * HOUR + 1n + DELAY));
    records.tx(START + DAY, zone("ProposalExecuted", 1, 1), admissions("PendingAdmissionsRejected", 2, 1));
    records.tx(START + 25n * HOUR, requested(3, [23n], START + 25n * HOUR + DELAY));
    records.tx(START + 26n * HOUR, zone("ProposalExecuted", 2, 1), admissions("AdmissionRejected", 3, 2));
    records.tx(START + 3n * DAY, admitted(1), membersAdded(4, [NEWCOMER]));
    records.tx(START + 3n * DAY + 1n, admitted(2), membersAdded(5, [22n]));
    records.tx(START + 3n * DAY + 2n, admitted(3), membersAdded(6, [23n]));
    expect(whats(records)).to.deep.equal([
      "request 1 (registrar) admitted after the zone's vote rejected it",
      "request 3 (registrar) admitted after the zone's vote rejected it",
    ]);
  });

  it("reports a rejection or a rule change no executed proposal of the zone made", function () {
    const records = founded();
    records.tx(START + DAY, admissions("PendingAdmissionsRejected", 1, 1));
    records.tx(START + DAY + 1n, zone("ProposalExecuted", 1, 1), admissions("AdmissionRejected", 0, 2));
    expect(whats(records)).to.deep.equal([
      "PendingAdmissionsRejected names proposal 1, but its transaction executed no proposal of the zone",
      "AdmissionRejected names proposal 2, but its transaction executed 1",
      "AdmissionRejected of request 0, which was already admitted",
    ]);
  });

  it("reports members added that are not the admitted request's, and an admission that added no one", function () {
    const records = founded();
    records.tx(START + 2n * HOUR, requested(1, [NEWCOMER], START + 2n * HOUR + DELAY));
    records.tx(START + 2n * HOUR + 1n, requested(2, [22n], START + 2n * HOUR + 1n + DELAY));
    records.tx(START + 2n * DAY, admitted(1), membersAdded(4, [99n]));
    const hidden = records.tx(START + 2n * DAY + 1n, admitted(2));
    const result = records.check();
    expect(result.discrepancies.map((found) => found.what)).to.deep.equal([
      `MembersAdded of [99] after the admission of request 1, which requested [${NEWCOMER}]`,
      "AdmissionAdmitted of request 2, but no member entered the zone in that transaction after it",
    ]);
    expect(result.discrepancies[1]!.evidence).to.equal(`block 8, tx ${hidden}`);
  });

  it("recomputes the registrar's cap per epoch from the members then and the rules in force", function () {
    const records = founded();
    // 4 members: the cap is the floor, 10 a day (the proposal epoch), whatever was rejected.
    const batch = (from: bigint, count: number) => Array.from({ length: count }, (_, k) => from + BigInt(k));
    const t1 = START + 2n * HOUR;
    records.tx(t1, requested(1, batch(100n, 6), t1 + DELAY));
    records.tx(t1 + 1n, requested(2, batch(200n, 4), t1 + 1n + DELAY));
    records.tx(t1 + 2n, requested(3, batch(300n, 1), t1 + 2n + DELAY));
    const t2 = START + DAY;
    records.tx(t2, requested(4, batch(400n, 10), t2 + DELAY));
    expect(whats(records)).to.deep.equal([
      "request 3 (registrar, 1 commitment) brings the registrar's requests in epoch 1000 to 11, above its cap of 10 (4 members, 1000 bps, floor 10)",
    ]);
  });

  it("reports a registrar request by someone who was not the registrar, and paths the rules close", function () {
    const records = founded();
    const t = START + 2n * HOUR;
    records.tx(t, requested(1, [NEWCOMER], t + DELAY, INTRUDER));
    const none = "0x0000000000000000000000000000000000000000";
    records.tx(t + 1n, requested(2, [22n], t + 1n + DELAY, none, 2));
    records.tx(t + 2n, requested(3, [23n], t + 2n + DELAY, none, 3));
    records.tx(
      t + 3n,
      zone("RegistrarChanged", REGISTRAR, INTRUDER),
      requested(4, [24n], t + 3n + DELAY, INTRUDER),
    );
    expect(whats(records)).to.deep.equal([
      `request 1 (registrar, 1 commitment) made by ${INTRUDER.toLowerCase()}, but the zone's registrar then was ${REGISTRAR.toLowerCase()}`,
      "request 2 (invitation, 1 commitment), but the zone's rules allow no invitations",
      "request 3 (gatekeeper, 1 commitment), but the zone's rules name no gatekeeper",
    ]);
  });

  it("reports a founding request not admitted at once, and request ids out of order", function () {
    const records = new Records();
    records.tx(START, zone("RulesChanged", RULES));
    records.tx(START + 1n, requested(0, FOUNDERS, START + 1n));
    records.tx(START + 2n, admitted(0), membersAdded(0, FOUNDERS));
    records.tx(START + 3n, requested(5, [NEWCOMER], START + 3n), admitted(5), membersAdded(4, [NEWCOMER]));
    expect(whats(records)).to.deep.equal([
      "request 0, made while founding, admitted in another transaction than its request's",
      "request 5 (registrar, 1 commitment): request ids run in order from 0, the next one was 1",
    ]);
  });
});
