import { expect } from "chai";
import { AbiCoder, JsonRpcProvider, ZeroAddress, id, parseEther, parseUnits, toBeHex } from "ethers";
import {
  Identity,
  LEAN_IMT,
  LOG_RANGE,
  VoteOption,
  auditZone,
  createProofVerifier,
  createZone,
  formatAuditReport,
  openDividendRound,
  payEther,
  proveDividendClaim,
  proveVote,
  rebuildGroup,
  addMember,
  admissionsOf,
  rejectPendingAdmissions,
  removeMember,
  requestAdmissions,
  zoneAt,
  ZoneFactory__factory,
  type AuditCheck,
  type AuditReport,
  type ProofVerifier,
} from "../sdk/index.js";
import { MiscountingZone__factory } from "../types/ethers-contracts/index.js";
import {
  TEST_RULES,
  admitAfterDelay,
  alice,
  bob,
  carol,
  citizens,
  connection,
  createSecondZone,
  dave,
  deployZoneWithCitizens,
  ethers,
  passProposal,
  proposeAs,
  queuePassedProposal,
  time,
  zoneWorldAt,
  type ZoneWorld,
} from "./zone-fixture.js";
import { startTamperingRpc, type RpcLog, type TamperingRpc } from "./tampering-rpc.js";

const PAYEE = "0x000000000000000000000000000000000000bEEF";
const CLAIMANT = "0x000000000000000000000000000000000000CAFE";
const newcomer = new Identity("zonedao-audit-newcomer");
const VOTE_CAST = id("VoteCast(uint256,uint256,uint256)");
const ROUND_CLOSED = id("DividendRoundClosed(uint256,address,uint256)");
const MEMBERS_ADDED = id("MembersAdded(uint256,uint256[],uint256)");
const ADMISSION_ADMITTED = id("AdmissionAdmitted(address,uint256)");
const REMOVAL_APPROVED = id("MemberRemovalApproved(uint256,uint256,uint256)");
const abi = AbiCoder.defaultAbiCoder();

/** Proves each voter's vote for `options[k]` on `proposalId` and submits them in one castVotes. */
async function castBatch(world: ZoneWorld, proposalId: bigint, voters: Identity[], options: number[]) {
  const snapshot = await rebuildGroup(world.zone, { untilProposal: proposalId });
  const votes = [];
  for (const [k, voter] of voters.entries()) {
    const option = options[k]!;
    const vote = await proveVote(voter, snapshot, {
      chainId: world.chainId,
      zone: world.zoneAddress,
      proposalId,
      option,
    });
    votes.push({ proposalId, option, nullifier: vote.nullifier, points: vote.points });
  }
  const receipt = await (await world.zone.castVotes(votes)).wait();
  return { txHash: receipt!.hash, nullifiers: votes.map((vote) => vote.nullifier) };
}

function check(report: AuditReport, name: string): AuditCheck {
  const found = report.checks.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no check named ${name}`);
  return found;
}

/** The discrepancies of check `name` whose text contains `text`. */
function findings(report: AuditReport, name: string, text: string) {
  return check(report, name).discrepancies.filter((found) => found.what.includes(text));
}

describe("auditZone", function () {
  let node: TamperingRpc;
  let provider: JsonRpcProvider;
  let verifier: ProofVerifier;
  let world: ZoneWorld;
  let fromBlock: number;
  /** Paid and executed, with a dividend round (closed once its hour of claims was over); voted by castVote. */
  let paid: bigint;
  /** Defeated (castVotes), after the newcomer joined. */
  let defeated: bigint;
  let defeatedVotes: { txHash: string; nullifiers: bigint[] };
  /** Passed, but never queued: Expired once the execution window after its vote was over. */
  let forgotten: bigint;
  /** The close of dividend round 1, and what it returned: the three dividends not claimed. */
  let closeTx: string;
  const unclaimed = parseUnits("30", 18);
  /** Multiple choice, still active (castVotes). */
  let active: bigint;
  let activeVotes: { txHash: string; nullifiers: bigint[] };
  /** Alice's claim on dividend round 1. */
  let claimTx: string;
  let claimNullifier: bigint;
  /** The registrar's request that admitted the newcomer, after the admission delay. */
  let newcomerRequest: bigint;

  const audit = () => auditZone(provider, world.zoneAddress, { fromBlock, verifier });

  before(async function () {
    node = await startTamperingRpc();
    // No cache: an answer from before a test changed the tampering must not be reused.
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    verifier = await createProofVerifier();

    world = await deployZoneWithCitizens();
    fromBlock = world.deployment.blockNumber;
    const usdz = await ethers.deployContract("TestStablecoin");
    const usdzAddress = await usdz.getAddress();
    const deployer = await world.deployer.getAddress();
    await (await usdz.mint(deployer, parseUnits("1000", 18))).wait();
    await (await usdz.connect(world.deployer).approve(world.zoneAddress, parseUnits("100", 18))).wait();
    await (await world.zone.connect(world.deployer).deposit(usdzAddress, parseUnits("100", 18))).wait();
    await (await world.deployer.sendTransaction({ to: world.zoneAddress, value: parseEther("3") })).wait();

    ({ proposalId: paid } = await passProposal(
      world,
      [
        [
          payEther(PAYEE, parseEther("1")),
          openDividendRound(world.zoneAddress, usdzAddress, parseUnits("10", 18), 3600),
        ],
      ],
      "Pay the gardener and share 10 USDz with every citizen",
    ));
    const claim = await proveDividendClaim(
      alice,
      await rebuildGroup(world.zone, { untilDividendRound: 1n }),
      {
        chainId: world.chainId,
        zone: world.zoneAddress,
        roundId: 1n,
        recipient: CLAIMANT,
      },
    );
    claimTx = (await (
      await world.zone.claimDividend(claim.roundId, claim.recipient, claim.nullifier, claim.points)
    ).wait())!.hash;
    claimNullifier = claim.nullifier;

    // After the founding the registrar's request waits out the admission delay, then enters.
    newcomerRequest = await admitAfterDelay(world, [newcomer]);
    defeated = await proposeAs(world, bob, [[payEther(PAYEE, parseEther("1"))]], "Pay the gardener again");
    const { Against, For } = VoteOption;
    defeatedVotes = await castBatch(
      world,
      defeated,
      [alice, bob, carol, dave],
      [Against, Against, Against, For],
    );
    await time.increaseTo((await world.zone.getProposal(defeated)).voteEnd);
    closeTx = (await (await world.zone.closeDividendRound(1n)).wait())!.hash;

    forgotten = await proposeAs(world, dave, [[payEther(PAYEE, parseEther("1"))]], "Pay the gardener later");
    await castBatch(world, forgotten, [alice, bob, carol], [For, For, For]);
    const { voteEnd } = await world.zone.getProposal(forgotten);
    await time.increaseTo(voteEnd + BigInt(TEST_RULES.executionWindow) + 1n);

    active = await proposeAs(world, carol, [[], []], "Name the square: Linden or Oak");
    activeVotes = await castBatch(world, active, [alice, newcomer], [0, 1]);
  });

  after(async function () {
    provider.destroy();
    await node.close();
    await verifier.terminate();
  });

  afterEach(function () {
    node.tampering = {};
  });

  it("finds nothing wrong in a healthy zone, and checks every kind of item", async function () {
    const progress: string[] = [];
    const report = await auditZone(provider, world.zoneAddress, {
      fromBlock,
      verifier,
      onProgress: (line) => progress.push(line),
    });

    expect(report.ok, formatAuditReport(report)).to.equal(true);
    expect(report.checks.map((found) => found.name)).to.deep.equal([
      "group",
      "admissions",
      "proposal proofs",
      "vote proofs",
      "dividend claim proofs",
      "nullifiers",
      "sealed tallies",
      "tallies",
      "executions",
      "treasury",
      "production rewards",
    ]);
    // This zone's deployment has no sealed ballots (contracts/test/sealed-ballots.test.ts audits one),
    // and it rewards no production (contracts/test/economy.test.ts audits a zone that does).
    const absent = ["sealed tallies", "production rewards"];
    for (const found of report.checks.filter(({ name }) => !absent.includes(name))) {
      expect(found.items, found.name).to.be.greaterThan(0);
    }
    for (const name of absent) expect(check(report, name).items, name).to.equal(0);
    // 2 membership events and 4 proposal snapshots; 4 + 4 + 3 + 2 votes; their nullifiers, the
    // proposals' and the claim's; one queue and one execution.
    expect(check(report, "group").items).to.equal(6);
    // The founders' batch and the newcomer's admission; the newcomer's request.
    expect(check(report, "admissions").items).to.equal(3);
    expect(check(report, "proposal proofs").items).to.equal(4);
    expect(check(report, "vote proofs").items).to.equal(13);
    expect(check(report, "dividend claim proofs").items).to.equal(1);
    expect(check(report, "nullifiers").items).to.equal(18);
    expect(check(report, "tallies").items).to.equal(4);
    expect(check(report, "executions").items).to.equal(2);
    expect(report.chainId).to.equal(Number(world.chainId));
    expect(JSON.parse(JSON.stringify(report))).to.deep.equal(report);
    expect(progress).to.include("verifying 13 vote proofs");
    expect(progress).to.include("verifying 1 dividend claim proofs");
    expect(formatAuditReport(report)).to.include("Verdict: OK");
    // The zone's own states agree: one executed, one defeated, one expired unqueued, one active.
    expect(await world.zone.state(paid)).to.equal(7n);
    expect(await world.zone.state(defeated)).to.equal(3n);
    expect(await world.zone.state(forgotten)).to.equal(6n);
    expect(await world.zone.state(active)).to.equal(1n);
  });

  it("reports a VoteCast whose option the provider changed", async function () {
    const [target] = await world.zone.queryFilter(world.zone.filters.VoteCast(paid));
    node.tampering.logs = (logs) =>
      logs.map((log) =>
        log.transactionHash === target!.transactionHash && log.topics[0] === VOTE_CAST
          ? { ...log, data: abi.encode(["uint256"], [VoteOption.Against]) }
          : log,
      );

    const report = await audit();

    expect(report.ok).to.equal(false);
    const changed = findings(
      report,
      "vote proofs",
      "VoteCast says Against (option index 0), the calldata proposal",
    );
    expect(changed).to.have.length(1);
    expect(changed[0]!.evidence).to.equal(target!.transactionHash);
    expect(findings(report, "vote proofs", "invalid proof for Against (option index 0)")).to.have.length(1);
    const [tally] = findings(report, "tallies", `proposal ${paid}: the zone's tally differs`);
    expect(tally!.evidence).to.equal(`getProposal(${paid}).tally = [0, 4, 0]; recount = [0, 3, 0]`);
    expect(formatAuditReport(report)).to.include("Verdict: DISCREPANCIES FOUND");
  });

  it("reports a MembersAdded the provider dropped", async function () {
    const commitment = toBeHex(newcomer.commitment, 32).slice(2);
    node.tampering.logs = (logs: RpcLog[]) =>
      logs.filter((log) => !(log.topics[0] === MEMBERS_ADDED && log.data.includes(commitment)));

    const report = await audit();

    expect(report.ok).to.equal(false);
    const [eligible] = findings(report, "group", `proposal ${defeated}: eligibleCount is 5`);
    expect(eligible!.what).to.include("the group rebuilt from events had 4 then");
    expect(findings(report, "group", `proposal ${defeated}: snapshotRoot`)).to.have.length(1);
    expect(findings(report, "tallies", "the zone's group differs")).to.have.length(1);
    expect(findings(report, "tallies", "the zone counts 5 citizens, its events 4")).to.have.length(1);
    expect(
      findings(
        report,
        "admissions",
        `AdmissionAdmitted of request ${newcomerRequest}, but no member entered`,
      ),
    ).to.have.length(1);
  });

  it("reports a citizen who entered after the founding by no admission the provider shows", async function () {
    const admissions = (await world.zone.ADMISSIONS()).toLowerCase();
    node.tampering.logs = (logs: RpcLog[]) =>
      logs.filter(
        (log) => !(log.address.toLowerCase() === admissions && log.topics[0] === ADMISSION_ADMITTED),
      );

    const report = await audit();

    expect(report.ok).to.equal(false);
    const [entered, ...rest] = check(report, "admissions").discrepancies;
    expect(rest).to.deep.equal([]);
    expect(entered!.what).to.equal(
      `MembersAdded of [${newcomer.commitment}] after the founding, neither by an admitted request nor by an executed proposal of the zone`,
    );
    // Every other check still agrees: the group itself is whole.
    expect(check(report, "group").discrepancies).to.deep.equal([]);
  });

  it("reports a vote whose proof the provider altered in its calldata, and one missing from it", async function () {
    const nullifier = toBeHex(defeatedVotes.nullifiers[0]!, 32).slice(2);
    node.tampering.transaction = (transaction) => {
      if (transaction.hash === defeatedVotes.txHash) {
        // The word after the first vote's nullifier is its proof's A.x.
        const at = transaction.input.indexOf(nullifier) + 64;
        const word = BigInt(`0x${transaction.input.slice(at, at + 64)}`) + 1n;
        const input =
          transaction.input.slice(0, at) + toBeHex(word, 32).slice(2) + transaction.input.slice(at + 64);
        return { ...transaction, input };
      }
      if (transaction.hash === activeVotes.txHash) return { ...transaction, input: "0x" };
      return transaction;
    };

    const report = await audit();

    expect(report.ok).to.equal(false);
    const invalid = findings(report, "vote proofs", "invalid proof");
    expect(invalid).to.have.length(1);
    expect(invalid[0]!.what).to.include(`vote ${defeatedVotes.nullifiers[0]} on proposal ${defeated}`);
    expect(invalid[0]!.evidence).to.equal(defeatedVotes.txHash);
    const missing = findings(report, "vote proofs", "proof not found in calldata");
    expect(missing.map((found) => found.evidence)).to.deep.equal([activeVotes.txHash, activeVotes.txHash]);
    const altered = findings(report, "vote proofs", "the provider altered it");
    expect(altered.map((found) => found.evidence)).to.have.members([
      defeatedVotes.txHash,
      activeVotes.txHash,
    ]);
    const [tally] = findings(report, "tallies", `proposal ${defeated}: the zone's tally differs`);
    expect(tally!.evidence).to.equal(`getProposal(${defeated}).tally = [3, 1, 0]; recount = [2, 1, 0]`);
  });

  it("reports a dividend claim whose proof or recipient the provider altered in its calldata", async function () {
    const nullifier = toBeHex(claimNullifier, 32).slice(2);
    let change: "proof" | "recipient" = "proof";
    node.tampering.transaction = (transaction) => {
      if (transaction.hash !== claimTx) return transaction;
      // claimDividend(roundId, recipient, nullifier, points): A.x follows the nullifier; the
      // recipient precedes it.
      const at = transaction.input.indexOf(nullifier) + (change === "proof" ? 64 : -64);
      const word = BigInt(`0x${transaction.input.slice(at, at + 64)}`) + 1n;
      const input =
        transaction.input.slice(0, at) + toBeHex(word, 32).slice(2) + transaction.input.slice(at + 64);
      return { ...transaction, input };
    };

    const report = await audit();
    const [invalid] = findings(report, "dividend claim proofs", "invalid proof");
    expect(invalid!.what).to.include(`dividend claim ${claimNullifier} in round 1`);
    expect(invalid!.evidence).to.equal(claimTx);
    expect(findings(report, "dividend claim proofs", "the provider altered it")).to.have.length(1);

    change = "recipient";
    const redirected = await audit();
    const [paid] = findings(redirected, "dividend claim proofs", "the calldata");
    expect(paid!.what.toLowerCase()).to.include(`pays ${CLAIMANT.toLowerCase()}`);
  });

  it("reports a dividend round's close whose returned amount the provider rewrote", async function () {
    node.tampering.logs = (logs) =>
      logs.map((log) =>
        log.transactionHash === closeTx && log.topics[0] === ROUND_CLOSED
          ? { ...log, data: abi.encode(["uint256"], [unclaimed + 1n]) }
          : log,
      );

    const report = await audit();

    expect(report.ok).to.equal(false);
    const [returned] = findings(report, "treasury", "dividend round 1 returned");
    expect(returned!.what).to.include(`but 3 unclaimed dividends are ${unclaimed}`);
    expect(returned!.evidence).to.equal(closeTx);
    // The ledger's money set aside no longer matches the zone's or the rounds'.
    const [aside] = findings(report, "treasury", "set aside differs");
    expect(aside!.evidence).to.include(`reservedFunds at block ${report.block} = 0; ledger = -1;`);
  });

  it("reads events in ranges an RPC provider accepts, after more blocks than one request may span", async function () {
    await connection.provider.request({ method: "hardhat_mine", params: [toBeHex(2 * LOG_RANGE)] });
    node.tampering.maxLogRange = LOG_RANGE;
    const refusal = await provider.getLogs({ address: world.zoneAddress, fromBlock }).then(
      () => "answered",
      (error: Error) => error.message,
    );
    expect(refusal).to.match(/exceeds max block range/);
    const report = await audit();
    expect(report.ok, formatAuditReport(report)).to.equal(true);
    expect(check(report, "vote proofs").items).to.equal(13);
    const zone = zoneAt(world.zoneAddress, provider);
    expect((await rebuildGroup(zone, { fromBlock })).root).to.equal((await rebuildGroup(world.zone)).root);
  });

  it("reports a zone contract that counts For/Against votes backwards", async function () {
    const linked = { [LEAN_IMT]: world.deployment.leanIMT };
    const implementation = await (
      await new MiscountingZone__factory(linked, world.deployer).deploy(
        world.deployment.semaphoreVerifier,
        world.deployment.batchVerifier,
      )
    ).waitForDeployment();
    const factory = await (
      await new ZoneFactory__factory(world.deployer).deploy(await implementation.getAddress(), ZeroAddress)
    ).waitForDeployment();
    const zoneAddress = await createZone(factory, {
      name: "Crooked Creek",
      registrar: await world.registrar.getAddress(),
      rules: TEST_RULES,
    });
    const crooked = zoneWorldAt(world, zoneAddress);
    const registrar = crooked.zone.connect(world.registrar);
    await (await registrar.addMembers(citizens.map((citizen) => citizen.commitment))).wait();
    await (await world.deployer.sendTransaction({ to: zoneAddress, value: parseEther("1") })).wait();

    const { Against, For } = VoteOption;
    const rejected = await proposeAs(
      crooked,
      alice,
      [[payEther(PAYEE, parseEther("0.5"))]],
      "Buy a fountain",
    );
    const approved = await proposeAs(crooked, bob, [[]], "Thank the volunteers");
    await castBatch(crooked, rejected, [alice, bob, carol, dave], [For, Against, Against, Against]);
    await castBatch(crooked, approved, [alice, bob, carol, dave], [For, For, For, For]);
    await time.increaseTo((await crooked.zone.getProposal(approved)).voteEnd);
    // The zone lets the rejected proposal through, and pays.
    await (await crooked.zone.queue(rejected)).wait();
    await time.increaseTo((await crooked.zone.getProposal(rejected)).eta);
    await (await crooked.zone.execute(rejected, [payEther(PAYEE, parseEther("0.5"))])).wait();

    // Without a verifier of its own, as the CLI calls it.
    const report = await auditZone(provider, zoneAddress, { fromBlock });

    expect(report.ok).to.equal(false);
    for (const name of ["group", "admissions", "proposal proofs", "vote proofs", "nullifiers", "treasury"]) {
      expect(check(report, name).discrepancies, name).to.deep.equal([]);
    }
    const [outcome] = findings(report, "tallies", `proposal ${rejected}: the zone's outcome differs`);
    expect(outcome!.evidence).to.include("winningOption(1) = (For (option index 1), succeeded true)");
    expect(outcome!.evidence).to.include("= (For (option index 1), succeeded false)");
    expect(
      findings(report, "tallies", `proposal ${approved}: the zone says Defeated, the recount`),
    ).to.have.length(1);
    expect(
      findings(report, "executions", `proposal ${rejected} executed, but the recount says it did not pass`),
    ).to.have.length(1);
    expect(findings(report, "executions", `proposal ${rejected} queued at`)).to.have.length(1);
  });

  it("checks each removal against the approval its proposal's execution recorded", async function () {
    const quarry = await createSecondZone(world, { name: "Quarry" });
    // The same vote admits the newcomer, after the approval: a vote's admission enters at once.
    await passProposal(
      quarry,
      [
        [
          removeMember(quarry.zoneAddress, dave.commitment),
          addMember(quarry.zoneAddress, newcomer.commitment),
        ],
      ],
      "Dave moved away; welcome the newcomer",
    );
    // Applied by someone who is neither the zone nor its registrar, after that admission.
    const group = await rebuildGroup(quarry.zone);
    const siblings = group.generateMerkleProof(group.indexOf(dave.commitment)).siblings;
    await (await quarry.zone.connect(world.deployer).applyRemoval(dave.commitment, siblings)).wait();
    const auditQuarry = () => auditZone(provider, quarry.zoneAddress, { fromBlock, verifier });

    const report = await auditQuarry();
    expect(report.ok, formatAuditReport(report)).to.equal(true);
    // The founders' batch and the vote's admission.
    expect(check(report, "admissions").items).to.equal(2);

    node.tampering.logs = (logs: RpcLog[]) => logs.filter((log) => log.topics[0] !== REMOVAL_APPROVED);
    const forged = await auditQuarry();
    expect(forged.ok).to.equal(false);
    expect(
      findings(forged, "group", `MemberRemoved of commitment ${dave.commitment} applies no change`),
    ).to.have.length(1);
  });

  it("passes a zone whose citizens rejected the registrar's pending request, which never entered", async function () {
    const ridge = await createSecondZone(world, { name: "Ridge" });
    const admissions = await admissionsOf(ridge.zone);
    const veto = [rejectPendingAdmissions(await admissions.getAddress())];
    const { proposalId, actions } = await queuePassedProposal(ridge, [veto], "Reject the pending admissions");
    // Made after the first proposal: pending, and rejected by the veto executed before it is ready.
    const sybil = new Identity("zonedao-audit-sybil");
    const request = await requestAdmissions(ridge.zone, ridge.registrar, [sybil.commitment]);
    expect(request.admitted).to.equal(false);
    await (await ridge.zone.execute(proposalId, actions)).wait();
    await time.increaseTo(request.readyAt);
    await expect(admissions.admit(ridge.zoneAddress, request.requestId, [sybil.commitment]))
      .to.be.revertedWithCustomError(admissions, "AdmissionsRequestRejected")
      .withArgs(ridge.zoneAddress, request.requestId);

    const report = await auditZone(provider, ridge.zoneAddress, { fromBlock, verifier });
    expect(report.ok, formatAuditReport(report)).to.equal(true);
    // The founders' batch and the rejected request.
    expect(check(report, "admissions").items).to.equal(2);
  });
});
