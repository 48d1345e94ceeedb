/**
 * The audit's production rewards check on crafted event lists: the contracts cannot pay a wrongful
 * reward, so what the check must catch is written here as events (encoded and decoded with the real
 * ABIs), beside the honest path. contracts/test/economy.test.ts runs it on a real chain.
 */
import { expect } from "chai";
import { getAddress } from "ethers";
import { GOODS, SERVICES, ZONE } from "../abis.js";
import type { ZoneLog } from "../audit/events.js";
import { ChainRecords, type Event } from "./chain-records.js";
import { checkProductionRecords } from "../audit/production.js";

const ZONE_ADDRESS = getAddress("0x00000000000000000000000000000000000020ae");
const FARM = getAddress("0x000000000000000000000000000000000000fa43");
const LAB = getAddress("0x000000000000000000000000000000000000ab01");
const INTRUDER = getAddress("0x000000000000000000000000000000000000bad0");
const USDZ = getAddress("0x0000000000000000000000000000000000005d2a");
const DAY = 86_400n;
const START = 1_000n * DAY;
const WINDOW = DAY;
const PERIOD = 30n * DAY;
/** Floor 50%, 2 units a unit at 100%, 150 a period. */
const RULE = { floorBps: 5_000, rewardPerUnit: 2n, budgetPerPeriod: 150n };
/** 100 units at 80%: 100 x 2 x 30 / 50. */
const REWARD = 120n;
const RULE_PROPOSAL = 3n;

const zone = (name: string, ...values: unknown[]): Event => [ZONE, name, values];
const services = (name: string, ...values: unknown[]): Event => [SERVICES, name, [ZONE_ADDRESS, ...values]];
const produced = (productionId: number, amount: bigint, bps: number): Event => [
  GOODS,
  "GoodsProduced",
  [FARM, ZONE_ADDRESS, 7n, "grain", amount, bps, productionId, 1n],
];
const executed = (proposalId: bigint) => zone("ProposalExecuted", proposalId, 1);
const serviceCreated = (serviceId: number, provider: string) =>
  services("ServiceCreated", serviceId, [provider, USDZ, 10n, PERIOD, START, true, 2n, "inspection", "Lab"]);
const attested = (productionId: number, at: bigint, by = LAB, service = 0) =>
  services("ProductionAttested", productionId, service, by, at + WINDOW);
const rewarded = (productionId: number, amount = REWARD, period = 0n, to = FARM) => [
  services("ProductionRewarded", productionId, to, USDZ, amount, period, RULE_PROPOSAL),
  zone("TreasuryPaid", RULE_PROPOSAL, USDZ, to, amount),
];

/** The zone's, the services registry's and the goods contract's events, transaction by transaction. */
class Records extends ChainRecords {
  zoneLogs: ZoneLog[] = [];
  servicesLogs: ZoneLog[] = [];
  productionLogs: ZoneLog[] = [];

  constructor() {
    super((abi) => (abi === ZONE ? this.zoneLogs : abi === GOODS ? this.productionLogs : this.servicesLogs));
  }

  whats(): string[] {
    return checkProductionRecords(this).discrepancies.map((found) => found.what);
  }
}

/** The lab is the zone's inspector (window 1 day), the rule is set, and production 0 (100 at 80%) is attested. */
function attestedHarvest(): Records {
  const records = new Records();
  records.tx(
    START,
    executed(2n),
    serviceCreated(0, LAB),
    services("InspectorAppointed", 0, WINDOW, 2n),
    executed(RULE_PROPOSAL),
    services("RewardRuleSet", [
      USDZ,
      RULE.floorBps,
      RULE.rewardPerUnit,
      RULE.budgetPerPeriod,
      PERIOD,
      START,
      RULE_PROPOSAL,
    ]),
  );
  records.tx(START + 1n, zone("ProposalExecuted", 1n, 1), produced(0, 100n, 8_000));
  records.tx(START + 2n, attested(0, START + 2n));
  return records;
}

describe("audit: checkProductionRecords", function () {
  it("accepts an inspector and rule set by votes, an attestation, and the reward after its window", function () {
    const records = attestedHarvest();
    records.tx(START + 2n + WINDOW, ...rewarded(0));
    const result = checkProductionRecords(records);
    expect(result.discrepancies).to.deep.equal([]);
    expect(result.items).to.equal(4);
  });

  it("reports a reward inside the challenge window, a second reward, and one for a revoked attestation", function () {
    const records = attestedHarvest();
    records.tx(START + 3n, ...rewarded(0));
    records.tx(START + 4n, ...rewarded(0));
    records.tx(START + 5n, produced(1, 10n, 9_000));
    records.tx(START + 6n, attested(1, START + 6n));
    records.tx(START + 7n, executed(4n), services("AttestationRevoked", 1, 4n));
    records.tx(START + 7n + WINDOW, ...rewarded(1, 16n));
    expect(records.whats()).to.deep.equal([
      `reward of ${REWARD} of ${USDZ} for production 0 paid at ${START + 3n}, inside its challenge window (until ${START + 2n + WINDOW})`,
      `reward of ${REWARD} of ${USDZ} for production 0: it was already rewarded`,
      `reward of ${REWARD} of ${USDZ} for production 0 paid at ${START + 4n}, inside its challenge window (until ${START + 2n + WINDOW})`,
      // What was paid counts against the budget, rightly or not.
      `reward of ${REWARD} of ${USDZ} for production 0: rewards of period 0 under rule ${RULE_PROPOSAL} reach 240, above its budget of 150`,
      `reward of 16 of ${USDZ} for production 1: its attestation was revoked by a vote`,
      `reward of 16 of ${USDZ} for production 1: rewards of period 0 under rule ${RULE_PROPOSAL} reach 256, above its budget of 150`,
    ]);
  });

  it("reports rewards beyond the period's budget, of the wrong amount, or to someone else", function () {
    const records = attestedHarvest();
    records.tx(START + 3n, produced(1, 100n, 8_000), attested(1, START + 3n));
    records.tx(START + 3n + WINDOW, ...rewarded(0));
    records.tx(START + 4n + WINDOW, ...rewarded(1));
    records.tx(START + 5n, produced(2, 10n, 10_000), attested(2, START + 5n));
    records.tx(START + 5n + WINDOW, ...rewarded(2, 25n, 0n, INTRUDER));
    expect(records.whats()).to.deep.equal([
      `reward of ${REWARD} of ${USDZ} for production 1: rewards of period 0 under rule ${RULE_PROPOSAL} reach 240, above its budget of 150`,
      `reward of 25 of ${USDZ} for production 2 went to ${INTRUDER}, not its producer ${FARM}`,
      `reward of 25 of ${USDZ} for production 2: the rule pays 20 for 10 units at 10000 bps`,
      `reward of 25 of ${USDZ} for production 2: rewards of period 0 under rule ${RULE_PROPOSAL} reach 265, above its budget of 150`,
    ]);
  });

  it("reports an attestation by someone other than the inspector's provider, and a reward without a payment", function () {
    const records = attestedHarvest();
    records.tx(START + 3n, produced(1, 10n, 9_000), attested(1, START + 3n, INTRUDER));
    records.tx(START + 4n, attested(5, START + 4n));
    records.tx(START + 3n + WINDOW, services("ProductionRewarded", 0, FARM, USDZ, REWARD, 0n, RULE_PROPOSAL));
    expect(records.whats()).to.deep.equal([
      `the attestation of production 1 was made by ${INTRUDER}, not the inspector service's provider ${LAB}`,
      "the attestation of production 5: no such production of the zone",
      `reward of ${REWARD} of ${USDZ} for production 0: the zone's treasury paid no such amount in its transaction`,
    ]);
  });

  it("reports a rule, an inspector or a revocation no executed proposal set, and a late revocation", function () {
    const records = attestedHarvest();
    records.tx(START + 3n, services("InspectorAppointed", 0, WINDOW, 9n));
    records.tx(START + 2n + WINDOW, executed(6n), services("AttestationRevoked", 0, 6n));
    expect(records.whats()).to.deep.equal([
      "an inspector's appointment names proposal 9, but its transaction executed no proposal of the zone",
      `production 0's attestation was revoked at ${START + 2n + WINDOW}, after its window closed (${START + 2n + WINDOW})`,
    ]);
  });
});
