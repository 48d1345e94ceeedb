/**
 * A zone's registrar can be a k-of-n multisig (issue 16): the real Safe 1.4.1 from npm, 2-of-3.
 * Two owners' signatures admit a member; one owner alone, an outsider or a Safe that is not the
 * registrar admits no one.
 */
import { expect } from "chai";
import { ZeroAddress, type Signer } from "ethers";
import { Identity, createZone, deployZoneDao, zoneAt, zoneFactoryAt, type Zone } from "../sdk/index.js";
import {
  createSafe,
  deploySafeContracts,
  execSafeTransaction,
  safeNonce,
  safeTransactionHash,
  type SafeCall,
} from "./safe.js";
import { TEST_RULES, ethers, loadFixture } from "./zone-fixture.js";

const newcomer = new Identity("zonedao-safe-registrar-newcomer");

/**
 * What the registrar calls to admit `commitments`. Today the registrar's `addMembers` admits at
 * once; when admissions go through another contract (issue 16's pending admissions), this is the
 * one place to change.
 */
function registrarCall(zone: Zone, zoneAddress: string, commitments: bigint[]): SafeCall {
  return { to: zoneAddress, data: zone.interface.encodeFunctionData("addMembers", [commitments]) };
}

/**
 * One ZoneDAO deployment, the Safe contracts, a 2-of-3 Safe that is the registrar of zone
 * "Riverside", a second 2-of-3 Safe of the same owners that is no zone's registrar, and zone
 * "Hillside" whose registrar is an ordinary account (the first owner), to compare gas with.
 */
async function zoneWithSafeRegistrar() {
  const [deployer, first, second, third, outsider] = await ethers.getSigners();
  if (!deployer || !first || !second || !third || !outsider)
    throw new Error("Hardhat gives at least 5 accounts");
  const owners: [Signer, Signer, Signer] = [first, second, third];
  const safeContracts = await deploySafeContracts(deployer);
  const safe = await createSafe(safeContracts, owners, 2);
  const otherSafe = await createSafe(safeContracts, owners, 2, 1n);
  const deployment = await deployZoneDao(deployer);
  const factory = zoneFactoryAt(deployment.zoneFactory, deployer);
  const zoneAddress = await createZone(factory, {
    name: "Riverside",
    registrar: safe.address,
    rules: TEST_RULES,
  });
  const accountZoneAddress = await createZone(factory, {
    name: "Hillside",
    registrar: await first.getAddress(),
    rules: TEST_RULES,
  });
  return {
    owners,
    outsider,
    safe,
    otherSafe,
    zone: zoneAt(zoneAddress, deployer),
    zoneAddress,
    accountZone: zoneAt(accountZoneAddress, first),
  };
}

describe("A 2-of-3 Safe as a zone's registrar", function () {
  it("is the zone's registrar, with three owners and a threshold of 2", async function () {
    const { owners, safe, zone } = await loadFixture(zoneWithSafeRegistrar);
    expect(await zone.registrar()).to.equal(safe.address);
    expect(await safe.contract.getFunction("getOwners")()).to.deep.equal(
      await Promise.all(owners.map((owner) => owner.getAddress())),
    );
    expect(await safe.contract.getFunction("getThreshold")()).to.equal(2n);
  });

  it("has its owners sign the transaction hash the Safe computes", async function () {
    const { safe, zone, zoneAddress } = await loadFixture(zoneWithSafeRegistrar);
    const call = registrarCall(zone, zoneAddress, [newcomer.commitment]);
    const nonce = await safeNonce(safe);
    const onChain = (await safe.contract.getFunction("getTransactionHash")(
      call.to,
      0n,
      call.data,
      0, // a call
      0n,
      0n,
      0n,
      ZeroAddress,
      ZeroAddress,
      nonce,
    )) as string;
    expect(await safeTransactionHash(safe, call, nonce)).to.equal(onChain);
  });

  it("admits a member when two of its three owners sign", async function () {
    const { owners, safe, zone, zoneAddress, accountZone } = await loadFixture(zoneWithSafeRegistrar);
    const [first, , third] = owners;
    const { to, data } = registrarCall(zone, zoneAddress, [newcomer.commitment]);
    // Given out of address order: the helper sorts the signatures as Safe requires.
    const receipt = await execSafeTransaction(safe, [third, first], to, data);
    expect(await zone.isMember(newcomer.commitment)).to.equal(true);
    expect(await zone.memberCount()).to.equal(1n);
    expect(await safeNonce(safe)).to.equal(1n);

    const direct = await (await accountZone.addMembers([newcomer.commitment])).wait();
    console.log(
      `      gas: Safe execTransaction admitting 1 member ${receipt.gasUsed}; ` +
        `the same addMembers from an ordinary account ${direct!.gasUsed} (+${receipt.gasUsed - direct!.gasUsed})`,
    );
  });

  it("admits no one on one owner's signature (GS020)", async function () {
    const { owners, safe, zone, zoneAddress } = await loadFixture(zoneWithSafeRegistrar);
    const { to, data } = registrarCall(zone, zoneAddress, [newcomer.commitment]);
    for (const owner of owners) {
      await expect(execSafeTransaction(safe, [owner], to, data)).to.be.revertedWith("GS020");
    }
    expect(await zone.isMember(newcomer.commitment)).to.equal(false);
    expect(await zone.memberCount()).to.equal(0n);
    expect(await safeNonce(safe)).to.equal(0n);
  });

  it("counts neither an outsider's signature nor an owner's twice as a second owner's (GS026)", async function () {
    const { owners, outsider, safe, zone, zoneAddress } = await loadFixture(zoneWithSafeRegistrar);
    const [first] = owners;
    const { to, data } = registrarCall(zone, zoneAddress, [newcomer.commitment]);
    await expect(execSafeTransaction(safe, [first, outsider], to, data)).to.be.revertedWith("GS026");
    await expect(execSafeTransaction(safe, [first, first], to, data)).to.be.revertedWith("GS026");
    expect(await zone.isMember(newcomer.commitment)).to.equal(false);
  });

  it("leaves no way around the Safe: an owner's own account and another Safe of the same owners are refused", async function () {
    const { owners, otherSafe, zone, zoneAddress } = await loadFixture(zoneWithSafeRegistrar);
    const [first, second] = owners;
    await expect(zone.connect(first).addMembers([newcomer.commitment]))
      .to.be.revertedWithCustomError(zone, "ZoneCallerIsNotTheRegistrar")
      .withArgs(await first.getAddress());
    // The zone's refusal fails the Safe's inner call, and with no safeTxGas the Safe reverts (GS013).
    const { to, data } = registrarCall(zone, zoneAddress, [newcomer.commitment]);
    await expect(execSafeTransaction(otherSafe, [first, second], to, data)).to.be.revertedWith("GS013");
    expect(await zone.isMember(newcomer.commitment)).to.equal(false);
  });
});
