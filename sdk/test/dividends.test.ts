import { expect } from "chai";
import { ZeroAddress, parseEther } from "ethers";
import { openDividendRound } from "../actions.js";
import { readDividendRound } from "../dividend-rounds.js";
import { readDividendClaims } from "../dividend-rounds.js";
import { dividendClaimStatus } from "../dividends.js";

const claimedNullifiers = async (...args: Parameters<typeof readDividendClaims>) =>
  (await readDividendClaims(...args)).map((claim) => claim.nullifier);
import { rebuildGroup } from "../group.js";
import { proveDividendClaim } from "../proof.js";
import {
  admitAfterDelay,
  alice,
  bob,
  deployZoneWithCitizens,
  loadFixture,
  outsider,
  passProposal,
  time,
} from "../../test/zone-fixture.js";

const PAYEE = "0x000000000000000000000000000000000000bEEF";
const PERIOD = 365 * 86_400; // longer than the admission delay the outsider waits out

/** A zone whose four citizens voted a 0.1 ETH round each; then an outsider joins (after the snapshot). */
async function zoneWithRound() {
  const world = await deployZoneWithCitizens();
  await (await world.deployer.sendTransaction({ to: world.zoneAddress, value: parseEther("1") })).wait();
  await passProposal(
    world,
    [[openDividendRound(world.zoneAddress, ZeroAddress, parseEther("0.1"), PERIOD)]],
    "share 0.1 ETH",
  );
  const roundId = await world.zone.dividendRoundCount();
  await admitAfterDelay(world, [outsider]);
  const electorate = await rebuildGroup(world.zone, { untilDividendRound: roundId });
  return { world, roundId, electorate };
}

describe("dividendClaimStatus", function () {
  this.timeout(120_000);

  async function statusOf(fixture: Awaited<ReturnType<typeof zoneWithRound>>, identity: typeof alice) {
    const { world, roundId, electorate } = fixture;
    const round = await readDividendRound(world.zone, roundId);
    const claimed = await claimedNullifiers(world.zone, roundId);
    return dividendClaimStatus(round!, claimed, identity, electorate, {
      chainId: world.chainId,
      zone: world.zoneAddress,
    }).kind;
  }

  it("is claimable for the round's electorate, and not for a citizen who joined after it", async function () {
    const fixture = await loadFixture(zoneWithRound);
    expect(await statusOf(fixture, alice)).to.equal("claimable");
    expect(await statusOf(fixture, outsider)).to.equal("not-eligible");
  });

  it("is claimed once the identity's claim is on chain, found without asking for its nullifier", async function () {
    const fixture = await loadFixture(zoneWithRound);
    const { world, roundId, electorate } = fixture;
    const claim = await proveDividendClaim(alice, electorate, {
      chainId: world.chainId,
      zone: world.zoneAddress,
      roundId,
      recipient: PAYEE,
    });
    await (await world.zone.claimDividend(roundId, PAYEE, claim.nullifier, claim.points)).wait();
    expect(await claimedNullifiers(world.zone, roundId)).to.deep.equal([claim.nullifier]);
    expect(await statusOf(fixture, alice)).to.equal("claimed");
    expect(await statusOf(fixture, bob)).to.equal("claimable");

    // After the deadline: over for who did not claim, still claimed for who did; then closed.
    const round = await readDividendRound(world.zone, roundId);
    await time.increaseTo(round!.claimDeadline);
    expect(await statusOf(fixture, bob)).to.equal("over");
    expect(await statusOf(fixture, alice)).to.equal("claimed");
    await (await world.zone.closeDividendRound(roundId)).wait();
    expect(await statusOf(fixture, bob)).to.equal("closed");
    expect(await statusOf(fixture, alice)).to.equal("claimed");
  });

  it("refuses a group that is not the round's electorate", async function () {
    const { world, roundId } = await loadFixture(zoneWithRound);
    const round = await readDividendRound(world.zone, roundId);
    const now = await rebuildGroup(world.zone);
    expect(() =>
      dividendClaimStatus(round!, [], bob, now, { chainId: world.chainId, zone: world.zoneAddress }),
    ).to.throw("is not round 1's electorate");
  });
});
