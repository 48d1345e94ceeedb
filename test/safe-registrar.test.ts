/**
 * A zone's registrar can be a k-of-n multisig (issue 16): the real Safe 1.4.1 from npm, 2-of-3.
 * Two owners' signatures admit a member (at once while the zone is founding, after the admission
 * delay once it has a proposal); one owner alone, an outsider or a Safe that is not the registrar
 * admits no one.
 */
import { expect } from "chai";
import { ZeroAddress, type Signer } from "ethers";
import {
  Identity,
  admissionsOf,
  createZone,
  deployZoneDao,
  proveProposal,
  rebuildGroup,
  setRules,
  zoneAt,
  zoneFactoryAt,
  type ZoneAdmissions,
} from "../sdk/index.js";
import {
  createSafe,
  deploySafeContracts,
  execSafeTransaction,
  safeNonce,
  safeTransactionHash,
  type SafeCall,
} from "./safe.js";
import { TEST_RULES, citizens, ethers, loadFixture, time } from "./zone-fixture.js";

const newcomer = new Identity("zonedao-safe-registrar-newcomer");

/**
 * What the registrar calls to admit `commitments`: a request to the zone's admissions contract,
 * admitted at once while the zone is founding, else pending for the admission delay.
 */
function registrarCall(admissions: ZoneAdmissions, zoneAddress: string, commitments: bigint[]): SafeCall {
  return {
    to: admissions.target as string,
    data: admissions.interface.encodeFunctionData("requestByRegistrar", [zoneAddress, commitments]),
  };
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
  const zone = zoneAt(zoneAddress, deployer);
  const accountZone = zoneAt(accountZoneAddress, first);
  return {
    owners,
    outsider,
    safe,
    otherSafe,
    zone,
    zoneAddress,
    admissions: await admissionsOf(zone),
    accountZone,
    accountZoneAddress,
  };
}

/**
 * The Safe's zone after its founding: the Safe (two owners) admitted the four test citizens, then
 * one of them proposed, so the registrar's requests now wait the admission delay.
 */
async function foundedZoneWithSafeRegistrar() {
  const world = await zoneWithSafeRegistrar();
  const { owners, safe, zone, zoneAddress, admissions } = world;
  const founding = registrarCall(
    admissions,
    zoneAddress,
    citizens.map((citizen) => citizen.commitment),
  );
  await execSafeTransaction(safe, [owners[0], owners[1]], founding.to, founding.data);
  const { chainId } = await ethers.provider.getNetwork();
  const options = [[setRules(zoneAddress, TEST_RULES)]];
  const description = "Our rules stay as they are";
  const proof = await proveProposal(citizens[0]!, await rebuildGroup(zone), {
    chainId,
    zone: zoneAddress,
    epoch: await zone.currentProposalEpoch(),
    slot: 0n,
    options,
    description,
  });
  await (await zone.propose(options, description, proof)).wait();
  return world;
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
    const { safe, admissions, zoneAddress } = await loadFixture(zoneWithSafeRegistrar);
    const call = registrarCall(admissions, zoneAddress, [newcomer.commitment]);
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

  it("admits a member at once while founding, when two of its three owners sign", async function () {
    const { owners, safe, zone, zoneAddress, admissions, accountZoneAddress } =
      await loadFixture(zoneWithSafeRegistrar);
    const [first, , third] = owners;
    const { to, data } = registrarCall(admissions, zoneAddress, [newcomer.commitment]);
    // Given out of address order: the helper sorts the signatures as Safe requires.
    const receipt = await execSafeTransaction(safe, [third, first], to, data);
    expect(await zone.isMember(newcomer.commitment)).to.equal(true);
    expect(await zone.memberCount()).to.equal(1n);
    expect(await safeNonce(safe)).to.equal(1n);

    const direct = await (
      await admissions.connect(first).requestByRegistrar(accountZoneAddress, [newcomer.commitment])
    ).wait();
    console.log(
      `      gas: Safe execTransaction admitting 1 member (founding) ${receipt.gasUsed}; ` +
        `the same request from an ordinary account ${direct!.gasUsed} (+${receipt.gasUsed - direct!.gasUsed})`,
    );
  });

  it("admits no one on one owner's signature (GS020)", async function () {
    const { owners, safe, zone, zoneAddress, admissions } = await loadFixture(zoneWithSafeRegistrar);
    const { to, data } = registrarCall(admissions, zoneAddress, [newcomer.commitment]);
    for (const owner of owners) {
      await expect(execSafeTransaction(safe, [owner], to, data)).to.be.revertedWith("GS020");
    }
    expect(await zone.isMember(newcomer.commitment)).to.equal(false);
    expect(await zone.memberCount()).to.equal(0n);
    expect(await safeNonce(safe)).to.equal(0n);
  });

  it("counts neither an outsider's signature nor an owner's twice as a second owner's (GS026)", async function () {
    const { owners, outsider, safe, zone, zoneAddress, admissions } =
      await loadFixture(zoneWithSafeRegistrar);
    const [first] = owners;
    const { to, data } = registrarCall(admissions, zoneAddress, [newcomer.commitment]);
    await expect(execSafeTransaction(safe, [first, outsider], to, data)).to.be.revertedWith("GS026");
    await expect(execSafeTransaction(safe, [first, first], to, data)).to.be.revertedWith("GS026");
    expect(await zone.isMember(newcomer.commitment)).to.equal(false);
  });

  it("leaves no way around the Safe: an owner's own account and another Safe of the same owners are refused", async function () {
    const { owners, otherSafe, zone, zoneAddress, admissions } = await loadFixture(zoneWithSafeRegistrar);
    const [first, second] = owners;
    await expect(zone.connect(first).addMembers([newcomer.commitment]))
      .to.be.revertedWithCustomError(zone, "ZoneCallerIsNotTheRegistrar")
      .withArgs(await first.getAddress());
    await expect(admissions.connect(first).requestByRegistrar(zoneAddress, [newcomer.commitment]))
      .to.be.revertedWithCustomError(admissions, "AdmissionsCallerIsNotTheRegistrar")
      .withArgs(zoneAddress, await first.getAddress());
    // The admissions contract's refusal fails the Safe's inner call, and with no safeTxGas the Safe reverts (GS013).
    const { to, data } = registrarCall(admissions, zoneAddress, [newcomer.commitment]);
    await expect(execSafeTransaction(otherSafe, [first, second], to, data)).to.be.revertedWith("GS013");
    expect(await zone.isMember(newcomer.commitment)).to.equal(false);
  });

  describe("after the zone's founding", function () {
    it("requests an admission on two owners' signatures, pending until the delay is over, then anyone admits it", async function () {
      const { owners, safe, zone, zoneAddress, admissions } = await loadFixture(foundedZoneWithSafeRegistrar);
      const [first, second] = owners;
      expect(await zone.proposalCount()).to.equal(1n);
      const nonce = await safeNonce(safe);
      const { to, data } = registrarCall(admissions, zoneAddress, [newcomer.commitment]);
      const receipt = await execSafeTransaction(safe, [first, second], to, data);
      const [requested] = await admissions.queryFilter(
        admissions.filters.AdmissionRequested(zoneAddress),
        receipt.blockNumber,
      );
      expect(requested!.args.by).to.equal(safe.address);
      expect(requested!.args.identityCommitments).to.deep.equal([newcomer.commitment]);
      const { requestId, readyAt } = requested!.args;
      expect(readyAt).to.equal(
        BigInt((await receipt.getBlock()).timestamp) + (await admissions.admissionDelay(zoneAddress)),
      );
      expect(await zone.isMember(newcomer.commitment)).to.equal(false);
      expect(await safeNonce(safe)).to.equal(nonce + 1n);

      await expect(admissions.admit(zoneAddress, requestId, [newcomer.commitment]))
        .to.be.revertedWithCustomError(admissions, "AdmissionsNotReady")
        .withArgs(zoneAddress, requestId, readyAt);
      await time.increaseTo(readyAt);
      await expect(admissions.admit(zoneAddress, requestId, [newcomer.commitment]))
        .to.emit(admissions, "AdmissionAdmitted")
        .withArgs(zoneAddress, requestId);
      expect(await zone.isMember(newcomer.commitment)).to.equal(true);
      expect(await zone.memberCount()).to.equal(BigInt(citizens.length + 1));
      console.log(`      gas: Safe execTransaction requesting 1 member after founding ${receipt.gasUsed}`);
    });

    it("requests nothing on one owner's signature (GS020), and the Safe cannot add members directly", async function () {
      const { owners, safe, zone, zoneAddress, admissions } = await loadFixture(foundedZoneWithSafeRegistrar);
      const nonce = await safeNonce(safe);
      const requests = await admissions.requestCount(zoneAddress);
      const { to, data } = registrarCall(admissions, zoneAddress, [newcomer.commitment]);
      for (const owner of owners) {
        await expect(execSafeTransaction(safe, [owner], to, data)).to.be.revertedWith("GS020");
      }
      expect(await admissions.requestCount(zoneAddress)).to.equal(requests);
      expect(await safeNonce(safe)).to.equal(nonce);
      // Founding is over: the zone refuses the registrar's own addMembers (and the Safe reverts, GS013).
      const direct = zone.interface.encodeFunctionData("addMembers", [[newcomer.commitment]]);
      await expect(execSafeTransaction(safe, [owners[0], owners[1]], zoneAddress, direct)).to.be.revertedWith(
        "GS013",
      );
      await expect(zone.connect(owners[0]).addMembers([newcomer.commitment])).to.be.revertedWithCustomError(
        zone,
        "ZoneCallerIsNotTheRegistrar",
      );
      expect(await zone.isMember(newcomer.commitment)).to.equal(false);
    });
  });
});
