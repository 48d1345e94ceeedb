/**
 * `zonedao deploy` as an operator meets it (issue 22, friction 3 and friction 6 in part). Before, a
 * deployment with too little balance sent 2 of 5 contracts, wrote no file and printed a 33 KB signed
 * transaction, and a rerun started over; on chain 31337 it wrote deployments/localhost.json, the
 * file `npm start` owns and deletes. Now it estimates the cost and refuses what the account cannot
 * pay before sending anything, writes the file after each contract (`"complete": false` until the
 * last), resumes from it after checking each recorded contract's code on chain, and names its
 * default file after the chain id.
 *
 * The deployer is a fresh random account funded here, so its nonce counts exactly the transactions
 * `deploy` sent. The CLI talks to the tests' chain through a bridge that can refuse raw
 * transactions before they reach the chain, as a node refuses one its sender cannot pay for.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { JsonRpcProvider, Wallet, parseEther, type HDNodeWallet } from "ethers";
import {
  formatDeployment,
  parseAnyDeployment,
  parseDeployment,
  type DeploymentFile,
  type UnfinishedDeploymentFile,
} from "../sdk/deployment.js";
import { zonedao, zonedaoJson, type Run } from "./cli-fixture.js";
import { startRpcBridge, type RpcBridge } from "./rpc-bridge.js";
import { connection } from "./zone-fixture.js";

/** The contracts a deployment without a sealed ballot key sends, in order. */
const CONTRACTS = [
  "poseidonT3",
  "leanIMT",
  "semaphoreVerifier",
  "batchVerifier",
  "zoneImplementation",
  "zoneFactory",
];

describe("zonedao deploy (issue 22: unfunded keys, resumable deployments)", function () {
  this.timeout(300_000);
  let bridge: RpcBridge;
  let provider: JsonRpcProvider;
  let folder: string;
  /** Raw transactions the bridge still passes on; beyond them it refuses, as for want of funds. */
  let transactionsAllowed = Infinity;

  before(async function () {
    bridge = await startRpcBridge({
      provider: new Proxy(connection.provider, {
        get(chain, property, receiver) {
          if (property !== "request") return Reflect.get(chain, property, receiver) as unknown;
          return async (request: { method: string; params?: unknown[] }) => {
            if (request.method === "eth_sendRawTransaction") {
              if (transactionsAllowed <= 0) {
                throw Object.assign(new Error("insufficient funds for gas * price + value"), {
                  code: -32003,
                });
              }
              transactionsAllowed--;
            }
            return chain.request(request) as Promise<unknown>;
          };
        },
      }),
    });
    provider = new JsonRpcProvider(bridge.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    folder = mkdtempSync(join(tmpdir(), "zonedao-deploy-"));
  });

  after(async function () {
    provider?.destroy();
    await bridge?.close();
  });

  /** A new account holding `ether` (sent by Hardhat's account 0, outside the bridge). */
  async function fundedAccount(ether: string): Promise<HDNodeWallet> {
    const account = Wallet.createRandom();
    if (ether !== "0") {
      const [funder] = await connection.ethers.getSigners();
      await (await funder!.sendTransaction({ to: account.address, value: parseEther(ether) })).wait();
    }
    return account;
  }

  const deploy = (account: HDNodeWallet, ...args: string[]) =>
    zonedao(["deploy", "--key", account.privateKey, ...args]);

  const readUnfinished = (path: string) =>
    parseAnyDeployment(readFileSync(path, "utf8"), path) as UnfinishedDeploymentFile;

  it("refuses an account that cannot pay, before sending anything, naming the cost and the balance", async function () {
    const account = await fundedAccount("0");
    const path = join(folder, "unfunded.json");
    const run = await deploy(account, "--rpc", bridge.url, "--deployment", path);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stderr).to.match(
      new RegExp(
        String.raw`deploying needs about [\d.]+ ETH \([\d,]+ gas at [\d.]+ gwei\); ` +
          `${account.address} has 0 ETH on chain 31337: nothing was sent`,
      ),
    );
    expect(await provider.getTransactionCount(account.address), "transactions sent").to.equal(0);
    expect(existsSync(path), "file written").to.equal(false);
  });

  describe("a deployment interrupted after two contracts", function () {
    let account: HDNodeWallet;
    let path: string;

    before(async function () {
      account = await fundedAccount("10");
      path = join(folder, "interrupted.json");
    });

    afterEach(function () {
      transactionsAllowed = Infinity;
    });

    it("stops with a short error and leaves an unfinished file naming what was deployed", async function () {
      transactionsAllowed = 2;
      const run = await deploy(account, "--rpc", bridge.url, "--deployment", path);
      expect(run.code, run.stderr).to.equal(1);
      expect(run.stderr).to.include("deploying failed: ");
      expect(run.stderr).to.include("insufficient funds");
      expect(run.stderr).to.include(
        `The contracts deployed so far are in ${path}: run the same command again to deploy the rest.`,
      );
      // Before, the whole signed transaction (33 KB of creation code) was printed.
      expect(run.stderr.length, run.stderr).to.be.below(2_000);
      expect(await provider.getTransactionCount(account.address)).to.equal(2);
      const unfinished = readUnfinished(path);
      expect(unfinished.complete).to.equal(false);
      expect(Object.keys(unfinished.contracts)).to.deep.equal(CONTRACTS.slice(0, 2));
      expect(unfinished.rpcUrl).to.equal(bridge.url);
    });

    it("is refused by the commands that need a finished deployment, which say how to finish it", async function () {
      const run = await zonedao([
        "zone",
        "create",
        "--deployment",
        path,
        "--key",
        account.privateKey,
        "--name",
        "Early",
      ]);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.include(
        `${path} is a deployment that did not finish (poseidonT3, leanIMT deployed so far): ` +
          `run \`zonedao deploy --deployment ${path}\` again to finish it`,
      );
      expect(await provider.getTransactionCount(account.address)).to.equal(2);
    });

    it("is finished by a rerun, which deploys only the missing contracts, into a file zone create uses", async function () {
      const output = await zonedaoJson<{ sent: string[]; alreadyDeployed: boolean }>([
        "deploy",
        "--deployment",
        path,
        "--key",
        account.privateKey,
      ]);
      expect(output.alreadyDeployed).to.equal(false);
      expect(output.sent).to.deep.equal(CONTRACTS.slice(2));
      expect(await provider.getTransactionCount(account.address)).to.equal(CONTRACTS.length);
      const finished = parseDeployment(readFileSync(path, "utf8"), path);
      expect(finished).to.not.have.property("complete");
      expect(Object.keys(finished.contracts)).to.include.members([
        ...CONTRACTS,
        "services",
        "goods",
        "trade",
      ]);
      const zone = await zonedaoJson<{ address: string }>([
        "zone",
        "create",
        "--deployment",
        path,
        "--key",
        account.privateKey,
        "--name",
        "Resumed",
      ]);
      expect(await provider.getCode(zone.address)).to.not.equal("0x");
    });

    it("is checked again by a rerun on the finished file, which sends nothing", async function () {
      const nonce = await provider.getTransactionCount(account.address);
      const run = await deploy(account, "--deployment", path);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.include(
        `ZoneDAO is already deployed on chain 31337 (${path}), and its contracts are the build's: nothing was sent`,
      );
      expect(await provider.getTransactionCount(account.address)).to.equal(nonce);
    });

    /** An unfinished copy of the finished deployment, its contracts replaced by `contracts`. */
    function unfinishedCopy(name: string, contracts: Partial<DeploymentFile["contracts"]>): string {
      const finished = parseDeployment(readFileSync(path, "utf8"), path);
      const copy = join(folder, name);
      writeFileSync(copy, formatDeployment({ ...finished, complete: false, contracts }));
      return copy;
    }

    it("refuses a file naming, for a contract, another contract's address, or an address with no code", async function () {
      const { contracts } = parseDeployment(readFileSync(path, "utf8"), path);
      const nonce = await provider.getTransactionCount(account.address);
      const swapped = unfinishedCopy("swapped.json", {
        poseidonT3: contracts.poseidonT3,
        leanIMT: contracts.semaphoreVerifier,
      });
      const run = await deploy(account, "--deployment", swapped);
      expect(run.code, run.stderr).to.equal(1);
      expect(run.stderr).to.include(
        `leanIMT (LeanIMT at ${contracts.semaphoreVerifier}): its code is not the build's LeanIMT`,
      );
      const empty = unfinishedCopy("empty.json", { poseidonT3: account.address });
      const emptyRun = await deploy(account, "--deployment", empty);
      expect(emptyRun.code, emptyRun.stderr).to.equal(1);
      expect(emptyRun.stderr).to.include(
        `poseidonT3 (PoseidonT3 at ${account.address}): there is no contract there`,
      );
      expect(await provider.getTransactionCount(account.address)).to.equal(nonce);
    });

    it("refuses, without touching it, a finished deployment of another chain", async function () {
      const finished = parseDeployment(readFileSync(path, "utf8"), path);
      const elsewhere = join(folder, "elsewhere.json");
      writeFileSync(elsewhere, formatDeployment({ ...finished, chainId: "424242" }));
      const before = readFileSync(elsewhere, "utf8");
      const run = await deploy(account, "--rpc", bridge.url, "--deployment", elsewhere);
      expect(run.code, run.stderr).to.equal(1);
      expect(run.stderr).to.include(
        `${elsewhere} is a deployment on chain 424242, but the node at ${bridge.url} is chain 31337: nothing was sent`,
      );
      expect(readFileSync(elsewhere, "utf8")).to.equal(before);
    });
  });

  it("names its default file after the chain id, never npm start's deployments/localhost.json", async function () {
    const account = await fundedAccount("10");
    const cwd = mkdtempSync(join(tmpdir(), "zonedao-deploy-cwd-"));
    const run = await zonedaoIn(cwd, ["deploy", "--rpc", bridge.url, "--key", account.privateKey]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include("wrote deployments/chain-31337.json");
    expect(parseDeployment(readFileSync(join(cwd, "deployments/chain-31337.json"), "utf8")).network).to.equal(
      "chain-31337",
    );
    expect(existsSync(join(cwd, "deployments/localhost.json"))).to.equal(false);
  });
});

/**
 * zonedao (its bin, as cli-fixture.ts runs it) from another working directory: the test's own, so
 * that a default path lands there and never in the repository's deployments/.
 */
function zonedaoIn(cwd: string, args: string[]): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      ["--disable-warning=ExperimentalWarning", resolve("cli/zonedao.mjs"), ...args],
      { cwd, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("exit", (code) => done({ code, stdout, stderr }));
  });
}
