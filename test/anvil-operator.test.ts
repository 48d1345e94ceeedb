/**
 * The operator's whole path (issue 22) on a second, independent node: Foundry's Anvil, as chain
 * 424242 with EIP-7825's per-transaction gas cap, behind an RPC that refuses eth_getLogs over more
 * than 1,000 blocks as public providers do. Every step is the `zonedao` CLI as its own process, its
 * signing key from the environment (ZONEDAO_PRIVATE_KEY), never on the command line: deploy, a
 * zone with three citizens from identity files and a funded treasury, a relayer refused while its
 * account is empty, an anonymous proposal and votes through it, execution in chain time, an audit,
 * and the deployment file refused on a node of another chain (the tests' Hardhat chain).
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, Wallet, parseEther, toQuantity, type HDNodeWallet } from "ethers";
import { parseDeployment } from "../sdk/index.js";
import { hardhatAccount } from "../scripts/demo.js";
import { startAnvil, type Anvil } from "./anvil.js";
import { startCappedRpc, type CappedRpc } from "./capped-rpc.js";
import {
  progressLine,
  startCliRelayer,
  startZonedao,
  stopCliRelayer,
  zonedao,
  zonedaoJson,
} from "./cli-fixture.js";
import { startRpcBridge } from "./rpc-bridge.js";
import { ethers } from "./zone-fixture.js";

const CHAIN_ID = 424242;
/** What public RPCs commonly allow an eth_getLogs to span. */
const MAX_LOG_RANGE = 1_000;
/** EIP-7825 (Osaka): no transaction may ask for more gas than this. */
const TX_GAS_CAP = 2n ** 24n;
const ZONE = "Anvilside";

/** A proposal as `proposal show --json` prints it (times in unix seconds). */
interface ProposalShown {
  state: string;
  voteEnd: string;
  executableFrom: string | null;
  nextStep: string;
}

describe("the operator's path on Anvil behind a capped RPC (issue 22)", function () {
  this.timeout(300_000);
  let anvil: Anvil;
  let capped: CappedRpc;
  let provider: JsonRpcProvider;
  /** Anvil's default account 0 (the well-known mnemonic): deployer, registrar and funder. */
  let operator: HDNodeWallet;
  let asOperator: Record<string, string>;
  let deploymentPath: string;
  let identityFiles: string[];
  let relayer: Awaited<ReturnType<typeof startCliRelayer>> | undefined;
  const payee = Wallet.createRandom().address;

  const inZone = () => ["--deployment", deploymentPath, "--zone", ZONE];
  const show = (proposalId: string) =>
    zonedaoJson<ProposalShown>(["proposal", "show", ...inZone(), "--proposal", proposalId]);
  const anvilRpc = (method: string, params: unknown[] = []) => anvil.node.request({ method, params });
  /** Mines `blocks` empty blocks at once, so the chain's history outgrows one capped eth_getLogs. */
  const mine = (blocks: number) => anvilRpc("anvil_mine", [toQuantity(blocks)]);
  /** Mines the next block at `timestamp` exactly (unix seconds): chain time, whatever the wall clock. */
  const mineAt = async (timestamp: string | bigint) => {
    await anvilRpc("evm_setNextBlockTimestamp", [toQuantity(BigInt(timestamp))]);
    await anvilRpc("evm_mine");
  };

  before(async function () {
    anvil = await startAnvil(CHAIN_ID);
    capped = await startCappedRpc(anvil.url, MAX_LOG_RANGE);
    provider = new JsonRpcProvider(anvil.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    operator = hardhatAccount(0, provider);
    asOperator = { ZONEDAO_PRIVATE_KEY: operator.privateKey };
    deploymentPath = join(mkdtempSync(join(tmpdir(), "zonedao-anvil-")), "anvil.json");
  });

  after(async function () {
    if (relayer !== undefined && relayer.relayer.exitCode === null) await stopCliRelayer(relayer.relayer);
    provider?.destroy();
    await capped?.close();
    await anvil?.stop();
  });

  it("deploys through the capped RPC with the key from the environment, each transaction under EIP-7825's cap", async function () {
    const overCap = await operator.sendTransaction({ to: operator.address, gasLimit: TX_GAS_CAP + 1n }).then(
      () => "sent",
      (error: Error) => error.message,
    );
    expect(overCap, "Anvil enforces EIP-7825").to.include("tx_gas_limit_cap");
    const run = await zonedao(
      ["deploy", "--rpc", capped.url, "--network", "anvil-test", "--deployment", deploymentPath],
      asOperator,
    );
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout + run.stderr).not.to.include(operator.privateKey.slice(2));
    const deployment = parseDeployment(readFileSync(deploymentPath, "utf8"));
    expect(deployment).to.deep.include({
      chainId: String(CHAIN_ID),
      network: "anvil-test",
      rpcUrl: capped.url,
    });
    for (const address of Object.values(deployment.contracts)) {
      expect(await provider.getCode(address), address).to.not.equal("0x");
    }
  });

  it("creates a zone 1,000 blocks later, admits three citizens from identity files and funds it", async function () {
    // The relayer reads from the deployment's block: more than one eth_getLogs the RPC allows.
    await mine(MAX_LOG_RANGE + 100);
    const folder = mkdtempSync(join(tmpdir(), "zonedao-anvil-identities-"));
    identityFiles = [0, 1, 2].map((citizen) => join(folder, `citizen-${citizen}.identity`));
    const commitments = await Promise.all(
      identityFiles.map(async (file) => {
        const { commitment } = await zonedaoJson<{ commitment: string }>(["identity", "new", "--out", file]);
        return commitment;
      }),
    );
    // Short rules: the test moves the chain's clock itself. Two of three citizens make the quorum.
    const rules = ["--voting-period", "300", "--execution-delay", "600", "--quorum-bps", "5000"];
    const created = await zonedaoJson<{ address: string }>(
      ["zone", "create", "--deployment", deploymentPath, "--name", ZONE, ...rules],
      asOperator,
    );
    await zonedaoJson(
      ["member", "add", ...inZone(), ...commitments.flatMap((commitment) => ["--commitment", commitment])],
      asOperator,
    );
    const funded = await zonedao(
      ["zone", "fund", ...inZone(), "--token", "eth", "--amount", "1"],
      asOperator,
    );
    expect(funded.code, funded.stderr).to.equal(0);
    expect(funded.stdout).to.include(`funded ${created.address} with 1.0 ETH`);
    // The zone's own history, read by the audit from its creation, outgrows one eth_getLogs too.
    await mine(MAX_LOG_RANGE + 100);
    const shown = await zonedaoJson<{ citizens: string }>(["zone", "show", ...inZone()]);
    expect(shown.citizens).to.equal("3");
    expect(await provider.getBalance(created.address)).to.equal(parseEther("1"));
  });

  it("starts a relayer whose empty account is answered 503 relayer_unfunded, then 200 once funded", async function () {
    const account = Wallet.createRandom();
    relayer = await startCliRelayer(deploymentPath, account.privateKey);
    const health = () => fetch(`${relayer!.relayerUrl}/v1/health`);
    const refused = await health();
    expect(refused.status).to.equal(503);
    const body = (await refused.json()) as { error: string; message: string };
    expect(body.error).to.equal("relayer_unfunded");
    expect(body.message).to.include(
      `the relayer's account ${account.address} cannot pay for its next transaction (balance 0 wei)`,
    );
    // What an operator does with a wallet, outside zonedao.
    await (await operator.sendTransaction({ to: account.address, value: parseEther("1") })).wait();
    const served = await health();
    expect(served.status).to.equal(200);
    expect(await served.json()).to.include({ status: "ok" });
  });

  it("proposes and votes anonymously through the relayer, then executes the payment in chain time", async function () {
    const throughRelayer = ["--relayer", relayer!.relayerUrl];
    const { proposalId } = await zonedaoJson<{ proposalId: string }>([
      "propose",
      ...inZone(),
      "--identity-file",
      identityFiles[0]!,
      ...throughRelayer,
      "--title",
      "Pay the baker",
      "--pay-eth",
      "0.25",
      "--to",
      payee,
    ]);
    for (const identityFile of identityFiles.slice(0, 2)) {
      const vote = await zonedaoJson<{ status: string; choice: string }>([
        "vote",
        ...inZone(),
        "--proposal",
        proposalId,
        "--option",
        "for",
        "--identity-file",
        identityFile,
        ...throughRelayer,
      ]);
      expect(vote).to.include({ status: "confirmed", choice: "For" });
    }
    await stopCliRelayer(relayer!.relayer);

    await mineAt((await show(proposalId)).voteEnd);
    const passed = await show(proposalId);
    expect(passed.state).to.equal("Succeeded");
    expect(passed.nextStep).to.match(/^passed: anyone can queue it now/);

    const running = startZonedao(
      ["execute", ...inZone(), "--proposal", proposalId, "--wait", "--poll-ms", "100", "--json"],
      asOperator,
    );
    await progressLine(running, "waiting for");
    const { executableFrom } = await show(proposalId);
    await mineAt(executableFrom!);
    const executed = await running.exited;
    expect(executed.code, executed.stderr).to.equal(0);
    expect(JSON.parse(executed.stdout)).to.deep.include({ proposalId, state: "Executed", choice: "For" });
    expect(await provider.getBalance(payee)).to.equal(parseEther("0.25"));
  });

  it("audits the zone through the capped RPC from its creation block, its wide reads asked again in halves", async function () {
    capped.logRequests.length = 0;
    const audited = await zonedao(["audit", "--rpc", capped.url, ...inZone()]);
    expect(audited.code, audited.stdout + audited.stderr).to.equal(0);
    expect(audited.stdout).to.include("Verdict: OK");
    const refused = capped.logRequests.filter((request) => request.refused);
    const answered = capped.logRequests.filter((request) => !request.refused);
    expect(refused, "reads wider than the cap, refused").to.not.be.empty;
    expect(answered).to.not.be.empty;
    expect(Math.max(...answered.map((request) => request.blocks))).to.be.at.most(MAX_LOG_RANGE);
  });

  it("refuses the deployment file on a node of another chain, sending nothing", async function () {
    const hardhat = await startRpcBridge();
    try {
      const { chainId } = await ethers.provider.getNetwork();
      const nonce = await ethers.provider.getTransactionCount(operator.address);
      const run = await zonedao(
        ["zone", "create", "--deployment", deploymentPath, "--rpc", hardhat.url, "--name", "Elsewhere"],
        asOperator,
      );
      expect(run.code, run.stdout).to.equal(1);
      expect(run.stderr).to.include(
        `the node at ${hardhat.url} is chain ${chainId}, but the deployment file ${deploymentPath} is for chain ${CHAIN_ID}: nothing was sent`,
      );
      expect(await ethers.provider.getTransactionCount(operator.address), "transactions sent").to.equal(
        nonce,
      );
      const { zones } = parseDeployment(readFileSync(deploymentPath, "utf8"));
      expect(zones.map((zone) => zone.name)).to.deep.equal([ZONE]);
    } finally {
      await hardhat.close();
    }
  });
});
