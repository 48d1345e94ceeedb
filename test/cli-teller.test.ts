/**
 * `zonedao teller`, run as its own process by three tellers against the tests' chain: the zone
 * elects them by vote, each run of the command does the step its phase asks (register, deal, check
 * the shares, answer, finalize), a sealed proposal's ballots are cast (two with `zonedao vote`,
 * through `zonedao relayer` and from a key, proved with the files the deployment names), and after the vote two of the
 * tellers open the tally with the command (the third stays offline). Their secrets stay in files
 * encrypted with a passphrase.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider } from "ethers";
import { rebuildGroup } from "../sdk/index.js";
import { deployedZone, deploymentFileFor, formatDeployment, parseDeployment } from "../sdk/deployment.js";
import { proveSealedVote, sealedVoteCall } from "../sdk/sealed.js";
import { hardhatAccount } from "../scripts/demo.js";
import { TEST_PTAU, sealedBallotFiles } from "../circuits/ceremony.js";
import { startCliRelayer, stopCliRelayer, zonedao, type Run } from "./cli-fixture.js";
import { startRpcBridge, type RpcBridge } from "./rpc-bridge.js";
import { TELLER_PHASE, deploySealedZone, electionAction, type SealedWorld } from "./sealed-world.js";
import { passProposal } from "./zone-fixture.js";

const PASSPHRASE = "correct horse battery staple";
const TELLER_ACCOUNTS = [3, 4, 5];

describe("zonedao teller", function () {
  this.timeout(600_000);
  let bridge: RpcBridge;
  let provider: JsonRpcProvider;
  let world: SealedWorld;
  let deploymentPath: string;
  let files: string[];
  let keys: string[];

  /** `zonedao teller` as teller `teller` (1..3) of term 0. */
  const asTeller = (teller: number, args: string[] = [], passphrase = PASSPHRASE): Promise<Run> =>
    zonedao(
      [
        "teller",
        "--zone",
        "Riverside",
        "--term",
        "0",
        "--teller-file",
        files[teller - 1]!,
        "--key",
        keys[teller - 1]!,
        "--deployment",
        deploymentPath,
        ...args,
      ],
      { ZONEDAO_TELLER_PASSPHRASE: passphrase },
    );
  /** Each teller runs the command once; returns their outputs. */
  const everyTeller = async (): Promise<string[]> => {
    const outputs: string[] = [];
    for (const teller of [1, 2, 3]) {
      const run = await asTeller(teller);
      expect(run.code, run.stderr).to.equal(0);
      outputs.push(run.stdout);
    }
    return outputs;
  };

  before(async function () {
    bridge = await startRpcBridge();
    provider = new JsonRpcProvider(bridge.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    world = await deploySealedZone();
    keys = TELLER_ACCOUNTS.map((index) => hardhatAccount(index, provider).privateKey);
    const addresses = TELLER_ACCOUNTS.map((index) => hardhatAccount(index, provider).address);
    await passProposal(world, [[electionAction(world, addresses, 2)]], "Elect three tellers", {
      voters: world.citizens,
    });
    const deployment = await deploymentFileFor(world.deployment, provider, {
      network: "test",
      rpcUrl: bridge.url,
    });
    deployment.zones = [await deployedZone(deployment, world.zoneAddress, provider)];
    deployment.sealedBallot = await sealedBallotFiles(world.key.circuit.wasmPath, world.key.zkeyPath, true);
    const folder = mkdtempSync(join(tmpdir(), "zonedao-teller-"));
    deploymentPath = join(folder, "deployment.json");
    writeFileSync(deploymentPath, formatDeployment(deployment));
    files = [1, 2, 3].map((teller) => join(folder, `teller-${teller}.json`));
  });

  after(async function () {
    provider?.destroy();
    await bridge?.close();
  });

  it("deploys with the sealed ballot key: verified first, named with its hashes, marked as one party's on this local chain", async function () {
    const path = join(mkdtempSync(join(tmpdir(), "zonedao-deploy-sealed-")), "deployment.json");
    const deploy = (sealed: string[]) =>
      zonedao(["deploy", "--rpc", bridge.url, "--key", keys[2]!, "--deployment", path, ...sealed]);
    const run = await deploy([
      "--sealed-zkey",
      world.key.zkeyPath,
      "--sealed-wasm",
      world.key.circuit.wasmPath,
      "--ptau",
      TEST_PTAU,
    ]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.contain("made by one party: accepted on this local chain only");
    const written = parseDeployment(readFileSync(path, "utf8"));
    const files = await sealedBallotFiles(world.key.circuit.wasmPath, world.key.zkeyPath, true);
    expect(written.sealedBallot).to.deep.equal(files);
    expect(written.contracts.sealedBallots).to.be.a("string");
    const missing = await deploy(["--sealed-zkey", world.key.zkeyPath]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain("--sealed-zkey, --sealed-wasm and --ptau go together");
  });

  it("runs the key generation one step a run, keeps the secret encrypted, and opens a sealed tally with 2 of 3 tellers", async function () {
    const { time } = world.chain.networkHelpers;

    // Registration: each registers once; a second run says so.
    for (const output of await everyTeller()) expect(output).to.contain("registered its key");
    const again = await asTeller(1);
    expect(again.stdout).to.match(/^teller 1 of term 0: registered; dealing starts at /);
    const file = readFileSync(files[0]!, "utf8");
    expect(JSON.parse(file)).to.include({ format: "zonedao-teller/1", term: "0" });
    expect(file).not.to.contain("secret");
    const wrong = await asTeller(1, [], "not the passphrase");
    expect(wrong.code).to.not.equal(0);
    expect(wrong.stderr).to.contain("wrong passphrase");

    // Dealing, complaints, answers, then the key.
    await time.increase(TELLER_PHASE);
    for (const output of await everyTeller()) expect(output).to.contain("dealt its shares");
    await time.increase(TELLER_PHASE);
    for (const output of await everyTeller())
      expect(output).to.contain("every share it was dealt checks out");
    await time.increase(TELLER_PHASE);
    for (const output of await everyTeller()) expect(output).to.contain("no complaint to answer");
    await time.increase(TELLER_PHASE);
    for (const output of await everyTeller()) expect(output).to.contain("the term's key is final");
    const term = await world.tellers.getTerm(world.zoneAddress, 0n);
    expect(term.finalized).to.equal(true);

    // A sealed proposal: three ballots, 2 For and 1 Against; the Against and one For by
    // `zonedao vote` (through `zonedao relayer`, and from a key), the other For by the sdk.
    // Proposed sealed with `zonedao propose --sealed`: refused first for a term with no tellers.
    const actions = join(mkdtempSync(join(tmpdir(), "zonedao-sealed-actions-")), "actions.json");
    writeFileSync(actions, "[[]]");
    const proposeSealed = (term: string) =>
      zonedao([
        "propose",
        "--deployment",
        deploymentPath,
        "--zone",
        "Riverside",
        "--identity",
        world.citizens[3]!.export(),
        "--title",
        "Sealed: plant the orchard",
        "--actions",
        actions,
        "--sealed",
        term,
        "--key",
        keys[0]!,
        "--json",
      ]);
    const noTerm = await proposeSealed("5");
    expect(noTerm.code).to.not.equal(0);
    expect(noTerm.stderr).to.contain("the zone has elected no tellers for term 5");
    const proposed = await proposeSealed("0");
    expect(proposed.code, proposed.stderr).to.equal(0);
    const proposalId = BigInt((JSON.parse(proposed.stdout) as { proposalId: string }).proposalId);
    expect((await world.sealedBallots.ballotBox(world.zoneAddress, proposalId)).optionCount).to.equal(3n);
    const vote = (citizen: number, option: string, how: string[]) =>
      zonedao([
        "vote",
        "--deployment",
        deploymentPath,
        "--zone",
        "Riverside",
        "--proposal",
        proposalId.toString(),
        "--option",
        option,
        "--identity",
        world.citizens[citizen]!.export(),
        ...how,
      ]);
    const { relayer, relayerUrl } = await startCliRelayer(deploymentPath, keys[0]!);
    try {
      const against = await vote(2, "against", ["--relayer", relayerUrl]);
      expect(against.code, against.stderr).to.equal(0);
      expect(against.stdout).to.match(/^sealed ballot for Against counted on proposal \d+ .*sealed until /);
    } finally {
      await stopCliRelayer(relayer);
    }
    const direct = await vote(1, "for", ["--key", keys[1]!]);
    expect(direct.code, direct.stderr).to.equal(0);
    expect(direct.stdout).to.contain("sealed ballot for For counted");
    const twice = await vote(1, "for", ["--key", keys[1]!]);
    expect(twice.code).to.not.equal(0);
    expect(twice.stderr).to.contain(`this identity already voted on proposal ${proposalId}`);
    expect((await world.zone.getProposal(proposalId)).tally).to.deep.equal([0n, 0n, 0n]);
    const snapshot = await rebuildGroup(world.zone, { untilProposal: proposalId });
    const ballots = [];
    for (const [index, option] of [1].entries()) {
      const place = {
        chainId: world.chainId,
        zone: world.zoneAddress,
        proposalId,
        publicKey: [term.publicKey.x, term.publicKey.y] as const,
        option,
      };
      ballots.push(
        sealedVoteCall(await proveSealedVote(world.circuit, world.citizens[index]!, snapshot, place)),
      );
    }
    await (await world.sealedBallots.castSealedVotes(world.zoneAddress, proposalId, ballots)).wait();
    const early = await asTeller(1, ["--proposal", proposalId.toString()]);
    expect(early.code).to.not.equal(0);
    expect(early.stderr).to.contain(`proposal ${proposalId} is sealed until`);

    // After the vote: teller 1 posts, teller 3 posts and completes; teller 2 is offline.
    await time.increaseTo((await world.zone.getProposal(proposalId)).voteEnd);
    const first = await asTeller(1, ["--proposal", proposalId.toString()]);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.contain("the tally waits for more tellers");
    const second = await asTeller(3, ["--proposal", proposalId.toString(), "--json"]);
    expect(second.code, second.stderr).to.equal(0);
    expect(JSON.parse(second.stdout)).to.deep.include({ teller: 3, step: "tally", counts: [1, 2, 0] });
    const view = await world.zone.getProposal(proposalId);
    expect(view.tally).to.deep.equal([1n, 2n, 0n]);
  });
});
