/**
 * The operator's frictions of issue 22, each reproduced as it was met and checked as it is now:
 *
 * - friction 1, "wrong chain, real gas": a deployment file names its chain, and every zonedao command
 *   checks the node it is given against it before it reads or sends anything. Before, `zone create
 *   --deployment FILE --rpc <a node of another chain>` sent a real transaction to an address with no
 *   contract there, then failed on its receipt;
 * - friction 2, RPC limits: behind an RPC that caps eth_getLogs at 1,000 blocks, `zone show` and
 *   `audit` failed ("query exceeds max block range"); event reads now ask again in halves, in the
 *   sdk, so the CLI, the relayer, the web app and the audit agree;
 * - friction 3, in part: a relayer whose account cannot pay answered `"status":"ok"`; its health is
 *   now 503 `relayer_unfunded` and its metric `zonedao_relayer_unfunded` 1 until it is funded, and it
 *   refuses new submissions meanwhile (before, it answered 202 to votes it could not send);
 * - friction 5: keys on the command line (`ps` shows them): a signing command takes an encrypted
 *   keystore file whose password comes from the environment only;
 * - friction 6, in part: `identity new` had no --out, so the secret went to the terminal;
 * - friction 4, in part: no command funded a zone, and a plain 21,000-gas transfer to one reverts;
 *   `zonedao zone fund` sends ether through its receive (gas estimated) or deposits a token, on its
 *   ledger. And a citizen's command with neither a relayer nor a key says so before it
 *   proves, naming both ways. Before, `vote` proved first, then failed with `--key is required`.
 *   `zonedao relayer --publish URL` writes the relayer's URL into the deployment file, which those
 *   commands then send through without --relayer; before, nothing ever wrote it there.
 */
import { expect } from "chai";
import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, Wallet, ZeroAddress, encryptKeystoreJson, parseEther, toBeHex } from "ethers";
import {
  TestStablecoin__factory,
  createZone,
  deployZoneDao,
  zoneAt,
  zoneFactoryAt,
} from "../sdk/contracts.js";
import { ledgerBalance, readLedger } from "../sdk/ledger.js";
import { DEFAULT_RULES } from "../sdk/rules.js";
import { loadRelayerConfig } from "../relayer/config.js";
import { startRelayer } from "../relayer/relayer.js";
import { deploymentFileFor, formatDeployment } from "../sdk/deployment.js";
import { exportIdentity, identityFromSeed } from "../sdk/identity.js";
import { hardhatAccount } from "../scripts/demo.js";
import { startCliRelayer, stopCliRelayer, zonedao, zonedaoJson } from "./cli-fixture.js";
import { unusedPort } from "./ports.js";
import { startRpcBridge, type RpcBridge } from "./rpc-bridge.js";
import { startTamperingRpc } from "./tampering-rpc.js";
import { connection } from "./zone-fixture.js";

/** A chain id no test node has (Anvil's example of a custom chain). */
const OTHER_CHAIN = "424242";

describe("zonedao for operators (issue 22)", function () {
  this.timeout(300_000);
  let bridge: RpcBridge;
  let provider: JsonRpcProvider;
  let onThisChain: string;
  let onOtherChain: string;
  let signerKey: string;
  let signerAddress: string;
  let deployer: Wallet;
  let factoryAddress: string;

  before(async function () {
    bridge = await startRpcBridge();
    provider = new JsonRpcProvider(bridge.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    // Account 17: no other test file signs with it, so its nonce moves only here.
    const signer = hardhatAccount(17, provider);
    signerKey = signer.privateKey;
    signerAddress = signer.address;
    deployer = hardhatAccount(0, provider) as unknown as Wallet;
    const deployment = await deployZoneDao(deployer);
    factoryAddress = deployment.zoneFactory;
    const file = await deploymentFileFor(deployment, provider, { network: "test", rpcUrl: bridge.url });
    const folder = mkdtempSync(join(tmpdir(), "zonedao-chain-"));
    onThisChain = join(folder, "this-chain.json");
    onOtherChain = join(folder, "other-chain.json");
    writeFileSync(onThisChain, formatDeployment(file));
    // The same file, as if it had been written on another chain (its addresses mean nothing here).
    writeFileSync(onOtherChain, formatDeployment({ ...file, chainId: OTHER_CHAIN }));
  });

  after(async function () {
    provider?.destroy();
    await bridge?.close();
  });

  /** A zone of the test's deployment, made with the sdk, whose registrar is the deployer. */
  const newZone = (name: string) =>
    createZone(zoneFactoryAt(factoryAddress, deployer), {
      name,
      registrar: deployer.address,
      rules: DEFAULT_RULES,
    });

  const createZoneWithCli = (deployment: string) =>
    zonedao([
      "zone",
      "create",
      "--deployment",
      deployment,
      "--rpc",
      bridge.url,
      "--key",
      signerKey,
      "--name",
      "Elsewhere",
    ]);

  it("refuses to send anything to a node of another chain than the deployment file's, and says which chain each is", async function () {
    const nonce = await provider.getTransactionCount(signerAddress);
    const run = await createZoneWithCli(onOtherChain);
    expect(run.code, run.stdout).to.not.equal(0);
    const { chainId } = await provider.getNetwork();
    expect(run.stderr).to.include(
      `the node at ${bridge.url} is chain ${chainId}, but the deployment file ${onOtherChain} is for chain ${OTHER_CHAIN}: nothing was sent`,
    );
    expect(await provider.getTransactionCount(signerAddress), "transactions sent").to.equal(nonce);
  });

  it("refuses reads from the wrong chain too, so nothing is shown from it", async function () {
    const run = await zonedao(["zone", "show", "--deployment", onOtherChain, "--zone", signerAddress]);
    expect(run.code).to.not.equal(0);
    expect(run.stderr).to.include(`is for chain ${OTHER_CHAIN}: nothing was sent`);
  });

  it("goes ahead on the deployment file's own chain", async function () {
    const run = await createZoneWithCli(onThisChain);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include("Elsewhere");
  });

  it("asks for a relayer or a key before proving a vote, a proposal, a claim or an invitation", async function () {
    const identity = exportIdentity(identityFromSeed("zonedao-test-operator-citizen"));
    // No deployment file (so no relayer from it), no --relayer, no --key: nothing to send with.
    const citizen = ["--rpc", bridge.url, "--zone", signerAddress, "--identity", identity];
    const runs = await Promise.all([
      zonedao(["vote", ...citizen, "--proposal", "1", "--option", "for"]),
      zonedao(["propose", ...citizen, "--title", "Pay", "--pay-eth", "1", "--to", signerAddress]),
      zonedao(["dividend", "claim", ...citizen, "--round", "1", "--to", signerAddress]),
      zonedao(["member", "invite", ...citizen, "1234"]),
    ]);
    for (const run of runs) {
      expect(run.code, run.stderr).to.equal(2);
      expect(run.stderr).to.include("give --relayer URL (a relayer sends it and pays the gas");
      expect(run.stderr).to.include("or --key KEY (your own account sends it and pays)");
      expect(run.stderr).not.to.include("proving");
    }
  });

  it("reads a zone's events through an RPC that caps eth_getLogs at 1,000 blocks", async function () {
    const zone = await newZone("Capped");
    // The zone's history now spans more blocks than one request to the capped RPC may.
    await connection.provider.request({ method: "hardhat_mine", params: [toBeHex(1_500)] });
    const capped = await startTamperingRpc({ maxLogRange: 1_000 });
    try {
      const refusal = await new JsonRpcProvider(capped.url).getLogs({ fromBlock: 0 }).then(
        () => "answered",
        (error: Error) => error.message,
      );
      expect(refusal).to.include("exceeds max block range 1000");
      const onCapped = ["--deployment", onThisChain, "--rpc", capped.url, "--zone", zone];
      const shown = await zonedao(["zone", "show", ...onCapped]);
      expect(shown.code, shown.stderr).to.equal(0);
      expect(shown.stdout).to.include(`zone ${zone}`);
      const audited = await zonedao(["audit", ...onCapped]);
      expect(audited.code, audited.stdout + audited.stderr).to.equal(0);
      expect(audited.stdout).to.include("Verdict: OK");
    } finally {
      await capped.close();
    }
  });

  it("takes an RPC's documented eth_getLogs cap, so it never asks for a range that is refused", async function () {
    const zone = await newZone("Documented");
    await connection.provider.request({ method: "hardhat_mine", params: [toBeHex(2_500)] });
    const ranges: number[] = [];
    const capped = await startTamperingRpc({
      maxLogRange: 1_000,
      onLogRequest: ({ fromBlock, toBlock }) => ranges.push(Number(toBlock) - Number(fromBlock) + 1),
    });
    try {
      const onCapped = ["zone", "show", "--deployment", onThisChain, "--rpc", capped.url, "--zone", zone];
      const refused = await zonedao([...onCapped, "--log-range", "0"]);
      expect(refused.code).to.equal(2);
      expect(refused.stderr).to.include('--log-range: "0" is not a number of blocks');
      const shown = await zonedao(onCapped, { ZONEDAO_LOG_RANGE: "1000" });
      expect(shown.code, shown.stderr).to.equal(0);
      expect(ranges).to.not.be.empty;
      expect(Math.max(...ranges)).to.be.at.most(1_000);
    } finally {
      await capped.close();
    }
  });

  it("starts an audit without a deployment file at the zone's creation block, from its ZoneCreated event", async function () {
    // 5,000 blocks before the zone: a read from block 0 would cost 5 requests per filter at least.
    await connection.provider.request({ method: "hardhat_mine", params: [toBeHex(5_000)] });
    const created = await zonedaoJson<{ address: string; createdBlock: number }>([
      "zone",
      "create",
      "--deployment",
      onThisChain,
      "--rpc",
      bridge.url,
      "--key",
      signerKey,
      "--name",
      "Found",
    ]);
    const startsOfReads: number[] = [];
    const capped = await startTamperingRpc({
      maxLogRange: 1_000,
      onLogRequest: ({ fromBlock }) => startsOfReads.push(Number(fromBlock)),
    });
    try {
      // No --deployment and no --from-block: only the chain says where the zone starts.
      const audited = await zonedao(["audit", "--rpc", capped.url, "--zone", created.address]);
      expect(audited.code, audited.stdout + audited.stderr).to.equal(0);
      expect(audited.stdout).to.include("Verdict: OK");
      expect(startsOfReads).to.not.be.empty;
      expect(Math.min(...startsOfReads)).to.equal(created.createdBlock);
    } finally {
      await capped.close();
    }
  });

  it("answers 503 relayer_unfunded, and says so in its metrics, while its account cannot pay", async function () {
    const zone = await newZone("Served");
    const account = Wallet.createRandom();
    const relayer = await startRelayer(
      loadRelayerConfig({
        ZONEDAO_RPC_URL: bridge.url,
        ZONEDAO_RELAYER_KEY: account.privateKey,
        ZONEDAO_ZONES: zone,
        ZONEDAO_RELAYER_DB: join(mkdtempSync(join(tmpdir(), "zonedao-unfunded-")), "relayer.sqlite"),
        ZONEDAO_RELAYER_PORT: "0",
        ZONEDAO_VERIFIER_THREADS: "1",
        ZONEDAO_LOG_LEVEL: "silent",
      }),
    );
    try {
      const url = await relayer.listen();
      const health = () => fetch(`${url}/v1/health`);
      const unfunded = async () =>
        (await (await fetch(`${url}/metrics`)).text()).match(/^zonedao_relayer_unfunded (\d)$/m)?.[1];
      const refused = await health();
      expect(refused.status).to.equal(503);
      const body = (await refused.json()) as { error: string; message: string };
      expect(body.error).to.equal("relayer_unfunded");
      expect(body.message).to.include(
        `the relayer's account ${account.address} cannot pay for its next transaction (balance 0 wei)`,
      );
      expect(await unfunded()).to.equal("1");
      // A citizen's vote is refused before its proof is checked, so the web app sends it to its next
      // relayer rather than leave it with one that cannot send it.
      const vote = () =>
        fetch(`${url}/v1/votes`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            zone,
            proposalId: "1",
            option: "1",
            nullifier: "12345",
            merkleTreeDepth: "16",
            proof: Array.from({ length: 8 }, () => "1"),
          }),
        });
      const unsent = await vote();
      expect(unsent.status).to.equal(503);
      expect(((await unsent.json()) as { error: string }).error).to.equal("relayer_unfunded");
      await (await deployer.sendTransaction({ to: account.address, value: parseEther("1") })).wait();
      // The next submission sees the balance: no health check needed in between.
      const taken = await vote();
      expect(((await taken.json()) as { error: string }).error).to.equal("unknown_proposal");
      expect((await health()).status).to.equal(200);
      expect(await unfunded()).to.equal("0");
    } finally {
      await relayer.close();
    }
  });

  it("publishes the relayer's URL into the deployment file once it listens, for citizens' commands to use", async function () {
    const zone = await newZone("Published");
    const deploymentPath = join(mkdtempSync(join(tmpdir(), "zonedao-publish-")), "deployment.json");
    copyFileSync(onThisChain, deploymentPath);
    const original = JSON.parse(readFileSync(deploymentPath, "utf8")) as Record<string, unknown>;
    const identity = exportIdentity(identityFromSeed("zonedao-test-operator-citizen"));
    const vote = () =>
      zonedao([
        "vote",
        "--deployment",
        deploymentPath,
        "--zone",
        zone,
        "--identity",
        identity,
        "--proposal",
        "1",
        "--option",
        "for",
      ]);
    expect((await vote()).stderr, "before: no relayer anywhere").to.include("give --relayer URL");

    // Refused before anything starts: no key needed to find out.
    const relayerFlags = ["relayer", "--rpc", bridge.url, "--zones", zone];
    const withoutFile = await zonedao([...relayerFlags, "--publish", "https://relayer.example.org"]);
    expect(withoutFile.code).to.equal(2);
    expect(withoutFile.stderr).to.include(
      "--publish writes the relayer's URL into a deployment file: give --deployment FILE",
    );
    const notHttp = await zonedao([
      ...relayerFlags,
      "--deployment",
      deploymentPath,
      "--publish",
      "ftp://relayer.example.org",
    ]);
    expect(notHttp.code).to.equal(2);
    expect(notHttp.stderr).to.include('--publish: "ftp://relayer.example.org" is not an http or https URL');

    const port = await unusedPort();
    const url = `http://127.0.0.1:${port}`;
    const { relayer } = await startCliRelayer(deploymentPath, signerKey, [
      "--zones",
      zone,
      "--port",
      String(port),
      "--publish",
      `${url}/`,
    ]);
    try {
      const published = async () => {
        for (;;) {
          const file = JSON.parse(readFileSync(deploymentPath, "utf8")) as { relayer: unknown };
          if (file.relayer !== null) return file;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };
      const file = await published();
      expect(file.relayer).to.deep.equal({ url, address: signerAddress });
      expect({ ...file, relayer: null }, "every other field as it was").to.deep.equal(original);
      expect((await fetch(`${url}/v1/health`)).status).to.equal(200);
      // Past the relayer question now, to the zone's: it has no proposal 1.
      const sent = await vote();
      expect(sent.code, sent.stderr).to.equal(1);
      expect(sent.stderr).to.include(`zone ${zone} has no proposal 1`);
    } finally {
      await stopCliRelayer(relayer);
    }
  });

  it("funds a zone with ether and with a token, on its ledger, where a plain transfer fails", async function () {
    const zone = await newZone("Funded");
    const signer = hardhatAccount(17, provider);
    // What an exchange or a wallet sends: 21,000 gas, not enough for the zone to record the income.
    const plain = await signer.sendTransaction({ to: zone, value: parseEther("1"), gasLimit: 21_000 }).then(
      async (sent) => (await sent.wait())?.status,
      () => "refused",
    );
    expect(plain, "a 21,000-gas transfer").to.not.equal(1);
    const fund = (token: string, amount: string) =>
      zonedao([
        "zone",
        "fund",
        "--rpc",
        bridge.url,
        "--zone",
        zone,
        "--key",
        signerKey,
        "--token",
        token,
        "--amount",
        amount,
      ]);
    const ether = await fund("eth", "1.5");
    expect(ether.code, ether.stderr).to.equal(0);
    expect(ether.stdout).to.include(`funded ${zone} with 1.5 ETH`);
    const usdz = await (await new TestStablecoin__factory(deployer).deploy()).waitForDeployment();
    const usdzAddress = await usdz.getAddress();
    await (await usdz.mint(signerAddress, parseEther("20"))).wait();
    const tokens = await fund(usdzAddress, "20");
    expect(tokens.code, tokens.stderr).to.equal(0);
    expect(tokens.stdout).to.include(`funded ${zone} with 20.0 USDz`);
    const ledger = await readLedger(zoneAt(zone, provider));
    expect(ledgerBalance(ledger, ZeroAddress)).to.equal(parseEther("1.5"));
    expect(ledgerBalance(ledger, usdzAddress)).to.equal(parseEther("20"));
    expect(await provider.getBalance(zone)).to.equal(parseEther("1.5"));
    const refused = await fund("eth", "0");
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.include("--amount must be more than 0");
  });

  it("signs from an encrypted keystore whose password is never on the command line", async function () {
    const zone = await newZone("Keystore");
    const account = hardhatAccount(17, provider);
    const keystore = join(mkdtempSync(join(tmpdir(), "zonedao-keystore-")), "funder.json");
    // A light scrypt: the test's time, not the file's strength, is what matters here.
    writeFileSync(
      keystore,
      await encryptKeystoreJson(
        { address: account.address, privateKey: account.privateKey },
        "correct horse",
        {
          scrypt: { N: 1 << 10 },
        },
      ),
    );
    const fund = (env: Record<string, string>) =>
      zonedao(
        [
          "zone",
          "fund",
          "--rpc",
          bridge.url,
          "--zone",
          zone,
          "--keystore",
          keystore,
          "--token",
          "eth",
          "--amount",
          "0.25",
        ],
        env,
      );
    const withoutPassword = await fund({});
    expect(withoutPassword.code).to.equal(2);
    expect(withoutPassword.stderr).to.include(
      "--keystore needs ZONEDAO_KEYSTORE_PASSWORD in the environment",
    );
    const wrong = await fund({ ZONEDAO_KEYSTORE_PASSWORD: "wrong" });
    expect(wrong.code).to.equal(2);
    expect(wrong.stderr).to.include(`--keystore: ${keystore} did not open`);
    const funded = await fund({ ZONEDAO_KEYSTORE_PASSWORD: "correct horse" });
    expect(funded.code, funded.stderr).to.equal(0);
    expect(await provider.getBalance(zone)).to.equal(parseEther("0.25"));
    for (const run of [withoutPassword, wrong, funded]) {
      expect(run.stdout + run.stderr).not.to.include(account.privateKey.slice(2));
      expect(run.stdout + run.stderr).not.to.include("correct horse");
    }
  });

  it("writes a new identity to a file of its owner's alone, prints only its commitment, and never overwrites", async function () {
    const file = join(mkdtempSync(join(tmpdir(), "zonedao-identity-")), "me.identity");
    const made = await zonedao(["identity", "new", "--out", file, "--json"]);
    expect(made.code, made.stderr).to.equal(0);
    const { commitment, identityFile } = JSON.parse(made.stdout) as {
      commitment: string;
      identityFile: string;
    };
    expect(identityFile).to.equal(file);
    const secret = readFileSync(file, "utf8").trim();
    expect(made.stdout).not.to.include(secret);
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    const shown = await zonedao(["identity", "show", "--identity-file", file, "--json"]);
    expect((JSON.parse(shown.stdout) as { commitment: string }).commitment).to.equal(commitment);
    const again = await zonedao(["identity", "new", "--out", file]);
    expect(again.code).to.equal(2);
    expect(again.stderr).to.include("is never overwritten");
    expect(readFileSync(file, "utf8").trim()).to.equal(secret);
  });
});
