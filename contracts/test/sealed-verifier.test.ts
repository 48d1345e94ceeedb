/**
 * SealedBallotVerifier with real sealed ballots (the development key's proofs, made by the sdk):
 * a valid batch passes whole, an invalid proof is found without costing the valid ones, starved
 * gas reverts instead of refusing valid ballots, and what a batch of 64 costs.
 */
import { Group } from "@semaphore-protocol/group";
import { Identity } from "@semaphore-protocol/identity";
import { expect } from "chai";
import { developmentCircuit, stopCeremonyThreads } from "../../circuits/ceremony.js";
import { SNARK_SCALAR_FIELD } from "../../sdk/constants.js";
import {
  GENERATOR,
  mulPoint,
  packSealedVotes,
  proveSealedVote,
  randomScalar,
  verifierKeyWords,
  type SealedVote,
  type VerificationKey,
} from "../../sdk/sealed.js";
import {
  SealedBallotVerifier__factory,
  type SealedBallotVerifier,
} from "../../types/ethers-contracts/index.js";
import { ethers } from "../../test/zone-fixture.js";

const CHAIN = 31337n;
const ZONE = "0x00000000000000000000000000000000000000a1";

describe("SealedBallotVerifier", function () {
  this.timeout(10 * 60_000);

  let verifier: SealedBallotVerifier;
  const publicKey = mulPoint(GENERATOR, randomScalar());
  const citizens = [1, 2, 3].map((n) => new Identity(`zonedao-sealed-verifier-${n}`));
  const group = new Group(citizens.map((citizen) => citizen.commitment));
  const votes: SealedVote[] = [];
  const pack = (batch: readonly SealedVote[]) => packSealedVotes(batch, CHAIN, ZONE, publicKey);

  before(async function () {
    const { key, circuit } = await developmentCircuit();
    for (const [index, citizen] of citizens.entries()) {
      const context = { chainId: CHAIN, zone: ZONE, proposalId: 1n, publicKey, option: index };
      votes.push(await proveSealedVote(circuit, citizen, group, context));
    }
    const [signer] = await ethers.getSigners();
    const words = verifierKeyWords(key.verificationKey as VerificationKey);
    verifier = await (await new SealedBallotVerifier__factory(signer).deploy(words)).waitForDeployment();
  });

  after(async function () {
    await stopCeremonyThreads();
  });

  it("takes the key's shape from the key: 17 public signals, 25 words a proof", async function () {
    expect(await verifier.PUBLIC_SIGNALS()).to.equal(17n);
    expect(await verifier.PROOF_WORDS()).to.equal(25n);
    const [signer] = await ethers.getSigners();
    await expect(new SealedBallotVerifier__factory(signer).deploy([1n, 2n, 3n]))
      .to.be.revertedWithCustomError(verifier, "SealedVerifierMalformedKey")
      .withArgs(3n);
  });

  it("passes a batch of valid ballots whole, and one alone", async function () {
    expect(await verifier.verifyBatch(pack(votes))).to.deep.equal([true, true, true]);
    expect(await verifier.verifyBatch(pack([votes[1]!]))).to.deep.equal([true]);
    expect(await verifier.verifyBatch([])).to.deep.equal([]);
  });

  it("finds the invalid ballots of a batch and still passes the valid ones", async function () {
    const [first, second, third] = votes as [SealedVote, SealedVote, SealedVote];
    // Another ballot's ciphertext for option 0; another proposal; a root one higher.
    const swapped = { ...second, ciphertexts: [first.ciphertexts[0]!, ...second.ciphertexts.slice(1)] };
    const moved = { ...third, proposalId: 2n };
    const rerooted = { ...first, merkleTreeRoot: first.merkleTreeRoot + 1n };
    expect(await verifier.verifyBatch(pack([first, swapped, third]))).to.deep.equal([true, false, true]);
    expect(await verifier.verifyBatch(pack([moved, second, rerooted]))).to.deep.equal([false, true, false]);
    // A public signal outside the field (the root plus r: the same value modulo r) is refused.
    const words = pack([first]);
    words[8] = words[8]! + SNARK_SCALAR_FIELD;
    expect(await verifier.verifyBatch(words)).to.deep.equal([false]);
    await expect(verifier.verifyBatch(pack(votes).slice(1)))
      .to.be.revertedWithCustomError(verifier, "SealedVerifierMalformedInput")
      .withArgs(74n);
  });

  it("reverts when given too little gas, rather than refuse valid ballots", async function () {
    const data = verifier.interface.encodeFunctionData("verifyBatch", [pack(votes)]);
    const target = await verifier.getAddress();
    const full = await ethers.provider.estimateGas({ to: target, data });
    for (const gasLimit of [full / 2n, full - 30_000n]) {
      await expect(ethers.provider.call({ to: target, data, gasLimit })).to.be.revertedWithCustomError(
        verifier,
        "SealedVerifierOutOfGas",
      );
    }
  });

  it("prices a batch of 64", async function () {
    const batch = Array.from({ length: 64 }, (_, i) => votes[i % votes.length]!);
    const data = verifier.interface.encodeFunctionData("verifyBatch", [pack(batch)]);
    const gas = await ethers.provider.estimateGas({ to: await verifier.getAddress(), data });
    console.log(`      gas: verifyBatch of 64 ${gas} (${gas / 64n} a ballot, calldata included)`);
    expect(await verifier.verifyBatch(pack(batch))).to.deep.equal(batch.map(() => true));
  });
});
