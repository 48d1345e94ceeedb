/**
 * `zonedao proposal list`, `zonedao proposal show` and `zonedao execute --wait`, run as their own
 * process against the tests' chain, with real proofs: a proposal followed from Active through
 * Succeeded and Queued to Executed with every time read from the chain's clock, a Defeated one that
 * `execute --wait` refuses, one taken from Succeeded to Executed by a single `execute --wait` while
 * the test moves the chain's time, and one whose execution window closes while it waits. The chain's
 * clock is shared with other test files: no time here is absolute, each is read from the chain.
 */
import { expect } from "chai";
import { Wallet, parseEther } from "ethers";
import {
  VoteOption,
  payEther,
  proveVote,
  rebuildGroup,
  zoneAt,
  type Identity,
  type ZoneAction,
} from "../sdk/index.js";
import { progressLine, startZonedao, writeDeploymentFile, zonedao, zonedaoJson } from "./cli-fixture.js";
import { startRpcBridge, type RpcBridge } from "./rpc-bridge.js";
import {
  TEST_RULES,
  alice,
  bob,
  carol,
  deployZoneWithCitizens,
  ethers,
  proposeWithFreeSlot,
  time,
  type ZoneWorld,
} from "./zone-fixture.js";

/** A proposal as `proposal list` and `proposal show` print it with --json. */
interface Timeline {
  proposalId: string;
  state: string;
  title: string;
  chainTime: string;
  voteEnd: string;
  queueUntil: string;
  canQueue: boolean;
  executableFrom: string | null;
  executableUntil: string | null;
  canExecute: boolean;
  tally: { option: number; label: string; votes: string }[];
  nextStep: string;
}

const WINDOW = BigInt(TEST_RULES.executionWindow);
const iso = (seconds: bigint | string) => new Date(Number(seconds) * 1000).toISOString();

describe("zonedao proposal list, proposal show and execute --wait", function () {
  this.timeout(600_000);
  let bridge: RpcBridge;
  let world: ZoneWorld;
  let key: string;
  let inZone: string[];
  const payees = Array.from({ length: 4 }, () => Wallet.createRandom().address);
  /** Paid 0.1 ETH by the proposal that passes step by step, 0.3 ETH by the one --wait runs. */
  let gardener: bigint;
  let trees: bigint;
  let fountain: bigint;
  let bench: bigint;

  const chain = () => zoneAt(world.zoneAddress, ethers.provider);
  const latest = async () => BigInt(await time.latest());
  const list = async () =>
    (await zonedaoJson<{ proposals: Timeline[] }>(["proposal", "list", ...inZone])).proposals;
  const listed = async (id: bigint) => (await list()).find((entry) => entry.proposalId === String(id))!;
  const show = (id: bigint) =>
    zonedaoJson<Timeline & { options: { label: string; does: string }[] }>([
      "proposal",
      "show",
      ...inZone,
      "--proposal",
      String(id),
    ]);
  const execute = (id: bigint, ...flags: string[]) =>
    zonedao(["execute", ...inZone, "--key", key, "--proposal", String(id), ...flags]);

  /** Every one of `voters` votes `option` on `proposalId`, each with a real proof, sent by the relayer. */
  async function vote(proposalId: bigint, voters: Identity[], option: number) {
    const group = await rebuildGroup(world.zone, { untilProposal: proposalId });
    for (const voter of voters) {
      const place = { chainId: world.chainId, zone: world.zoneAddress, proposalId, option };
      const proof = await proveVote(voter, group, place);
      await (await world.zone.castVote(proposalId, proof.option, proof.nullifier, proof.points)).wait();
    }
  }

  before(async function () {
    bridge = await startRpcBridge();
    world = await deployZoneWithCitizens();
    const [funder] = await ethers.getSigners();
    await (await funder!.sendTransaction({ to: world.zoneAddress, value: parseEther("1") })).wait();
    const wallet = Wallet.createRandom();
    await (await funder!.sendTransaction({ to: wallet.address, value: parseEther("10") })).wait();
    key = wallet.privateKey;
    const pay = (payee: string, ether: string): ZoneAction[][] => [[payEther(payee, parseEther(ether))]];
    gardener = await proposeWithFreeSlot(world, pay(payees[0]!, "0.1"), "Pay the gardener");
    trees = await proposeWithFreeSlot(world, pay(payees[1]!, "0.2"), "Plant trees");
    fountain = await proposeWithFreeSlot(world, pay(payees[2]!, "0.3"), "Fix the fountain");
    bench = await proposeWithFreeSlot(world, pay(payees[3]!, "0.4"), "Paint the bench");
    for (const id of [gardener, fountain, bench]) await vote(id, [alice, bob, carol], VoteOption.For);
    await vote(trees, [alice, bob, carol], VoteOption.Against);
    const path = await writeDeploymentFile(
      world.deployment,
      [world.zoneAddress],
      ethers.provider,
      bridge.url,
    );
    inZone = ["--deployment", path, "--zone", "Riverside"];
  });

  after(async function () {
    await bridge?.close();
  });

  it("lists every proposal as Active with when its vote ends, in the chain's time", async function () {
    const before = await latest();
    const proposals = await list();
    expect(proposals.map((entry) => [entry.proposalId, entry.state, entry.title])).to.deep.equal([
      [String(gardener), "Active", "Pay the gardener"],
      [String(trees), "Active", "Plant trees"],
      [String(fountain), "Active", "Fix the fountain"],
      [String(bench), "Active", "Paint the bench"],
    ]);
    for (const entry of proposals) {
      const { voteEnd } = await chain().getProposal(BigInt(entry.proposalId));
      expect(BigInt(entry.chainTime)).to.be.within(before, await latest());
      expect(entry).to.deep.include({
        voteEnd: String(voteEnd),
        queueUntil: String(voteEnd + WINDOW),
        canQueue: false,
        executableFrom: null,
        canExecute: false,
      });
      expect(entry.nextStep).to.match(new RegExp(String.raw`^voting ends in .+ \(${iso(voteEnd)}\)$`));
    }
    const text = await zonedao(["proposal", "list", ...inZone]);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.match(
      new RegExp(String.raw`\n  #${gardener} Active  Pay the gardener\n      voting ends in \d+ minutes?`),
    );
  });

  it("shows a proposal's tally per labelled option, what each option does, and its next step", async function () {
    const shown = await show(gardener);
    expect(shown.tally).to.deep.equal([
      { option: VoteOption.For, label: "For", votes: "3" },
      { option: VoteOption.Against, label: "Against", votes: "0" },
      { option: VoteOption.Abstain, label: "Abstain", votes: "0" },
    ]);
    expect(shown.options.map(({ label, does }) => [label, does])).to.deep.equal([
      ["For", `pay 0.1 ETH to ${payees[0]}`],
      ["Against", "nothing happens"],
      ["Abstain", "counts toward quorum only; nothing happens"],
    ]);
    const text = await zonedao(["proposal", "show", ...inZone, "--proposal", String(gardener)]);
    expect(text.code, text.stderr).to.equal(0);
    const { voteEnd } = await chain().getProposal(gardener);
    expect(text.stdout)
      .to.contain(
        `proposal #${gardener} of ${world.zoneAddress}: Active\n  Pay the gardener\n  next: voting ends in `,
      )
      .and.contain(`to ${iso(voteEnd)}\n`)
      .and.contain(`  queue       from the vote's end, if it passes, until ${iso(voteEnd + WINDOW)}\n`)
      .and.contain("       3  For\n")
      .and.contain(`    For: pay 0.1 ETH to ${payees[0]}\n`)
      .and.match(/\n {2}Passes if at least 50% of the citizens who could vote take part/);
  });

  it("after the vote: a passed proposal can be queued until its window closes; a defeated one will not run", async function () {
    const voteEnds = await Promise.all(
      [gardener, trees, fountain, bench].map(async (id) => (await chain().getProposal(id)).voteEnd),
    );
    await time.increaseTo(voteEnds.reduce((a, b) => (a > b ? a : b)));
    const passed = await listed(gardener);
    expect(passed).to.deep.include({ state: "Succeeded", canQueue: true, executableFrom: null });
    expect(passed.nextStep).to.match(
      new RegExp(
        String.raw`^passed: anyone can queue it now \(\`zonedao execute\`\); it expires if not queued in .+ \(${iso(passed.queueUntil)}\)$`,
      ),
    );
    expect(BigInt(passed.queueUntil)).to.equal(voteEnds[0]! + WINDOW);
    const defeated = await listed(trees);
    expect(defeated).to.deep.include({
      state: "Defeated",
      canQueue: false,
      nextStep: "defeated: it did not pass, so it will not run",
    });
    expect(defeated.tally.find((entry) => entry.label === "Against")!.votes).to.equal("3");

    const refused = await execute(trees, "--wait", "--poll-ms", "100");
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain(
      `proposal ${trees} is Defeated (defeated: it did not pass, so it will not run): only a Succeeded or Queued proposal can move on`,
    );
  });

  it("execute queues; show says from when until when it runs; execute refuses before, then runs it", async function () {
    const queued = await execute(gardener, "--json");
    expect(queued.code, queued.stderr).to.equal(0);
    const { eta } = await chain().getProposal(gardener);
    expect(JSON.parse(queued.stdout)).to.deep.include({
      state: "Queued",
      eta: String(eta),
      executableUntil: String(eta + WINDOW),
    });

    const waiting = await show(gardener);
    expect(waiting).to.deep.include({
      state: "Queued",
      canQueue: false,
      executableFrom: String(eta),
      executableUntil: String(eta + WINDOW),
      canExecute: false,
    });
    const left = eta - BigInt(waiting.chainTime);
    expect(left).to.be.within(1n, BigInt(TEST_RULES.executionDelay));
    expect(waiting.nextStep).to.match(
      new RegExp(String.raw`^queued: executable in .+ \(${iso(eta)}\), until ${iso(eta + WINDOW)}$`),
    );
    const text = await zonedao(["proposal", "show", ...inZone, "--proposal", String(gardener)]);
    expect(text.stdout).to.contain(`  execute     from ${iso(eta)} until ${iso(eta + WINDOW)}\n`);

    const early = await execute(gardener);
    expect(early.code).to.equal(1);
    expect(early.stderr).to.match(
      new RegExp(
        String.raw`proposal ${gardener} cannot be executed: queued: executable in .+ \(${iso(eta)}\)`,
      ),
    );

    await time.increaseTo(eta);
    expect(await listed(gardener)).to.deep.include({
      canExecute: true,
      nextStep: `queued: anyone can execute it now (\`zonedao execute\`), until ${iso(eta + WINDOW)}`,
    });
    const executed = await execute(gardener, "--json");
    expect(executed.code, executed.stderr).to.equal(0);
    expect(JSON.parse(executed.stdout)).to.deep.include({ state: "Executed", choice: "For", option: "1" });
    expect(await ethers.provider.getBalance(payees[0]!)).to.equal(parseEther("0.1"));
    expect(await listed(gardener)).to.deep.include({
      state: "Executed",
      nextStep: "executed: nothing left to do",
    });
  });

  it("execute --wait queues a passed proposal, waits for its timelock in chain time and runs it, in one run", async function () {
    const running = startZonedao([
      "execute",
      ...inZone,
      "--key",
      key,
      "--proposal",
      String(fountain),
      "--wait",
      "--poll-ms",
      "100",
      "--json",
    ]);
    await progressLine(running, "waiting for");
    const { eta } = await chain().getProposal(fountain);
    expect(running.output.stderr).to.contain(`proposal ${fountain} queued (tx 0x`);
    expect(running.output.stderr).to.match(
      new RegExp(
        String.raw`waiting for proposal ${fountain}'s timelock: executable in .+ of chain time \(${iso(eta)}\)`,
      ),
    );
    await time.increaseTo(eta);
    const run = await running.exited;
    expect(run.code, run.stderr).to.equal(0);
    expect(JSON.parse(run.stdout)).to.deep.include({
      proposalId: String(fountain),
      state: "Executed",
      choice: "For",
    });
    expect(await ethers.provider.getBalance(payees[2]!)).to.equal(parseEther("0.3"));
    expect((await listed(fountain)).state).to.equal("Executed");
  });

  it("execute --wait says so, exit 1, when the execution window closes while it waits", async function () {
    const running = startZonedao([
      "execute",
      ...inZone,
      "--key",
      key,
      "--proposal",
      String(bench),
      "--wait",
      "--poll-ms",
      "100",
    ]);
    await progressLine(running, "waiting for");
    const { eta } = await chain().getProposal(bench);
    // The chain jumps past the timelock and the whole window in one block, as after a long outage.
    await time.increaseTo(eta + WINDOW + 1n);
    const run = await running.exited;
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain(
      `proposal ${bench}'s execution window closed at ${iso(eta + WINDOW)} before it could run: it is Expired`,
    );
    expect(await ethers.provider.getBalance(payees[3]!)).to.equal(0n);
    expect(await listed(bench)).to.deep.include({
      state: "Expired",
      nextStep: `expired: its execution window closed at ${iso(eta + WINDOW)}`,
    });
  });
});
