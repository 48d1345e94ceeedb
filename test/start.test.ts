/**
 * `npm start` as a tester uses it: started on free ports, it brings up a chain, the demo zones and
 * a relayer, writes the deployment file, takes a vote through the relayer, and Ctrl-C stops every
 * process it started; then it starts again on the same ports.
 */
import { expect } from "chai";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider } from "ethers";
import {
  RelayerClient,
  VoteOption,
  importIdentity,
  parseDeployment,
  proveVote,
  rebuildGroup,
  voteRequest,
  zoneAt,
  type DeploymentFile,
} from "../sdk/index.js";
import { isFree, unusedPort } from "./ports.js";

const READY_LINE = "ZoneDAO is running";
// About 40 s here; a slower or busier machine gets room, the benchmarks measure speed.
const START_TIMEOUT_MS = 300_000;

interface Started {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs scripts/start.ts itself (not through npm, so the signal reaches it, as Ctrl-C would). */
function start(args: string[]): Started {
  const child = spawn(
    process.execPath,
    ["--disable-warning=ExperimentalWarning", "--import", "tsx", "scripts/start.ts", ...args],
    { env: { ...process.env, CI: "true", ZONEDAO_LOG_LEVEL: "warn" } },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return { child, output: () => output, exited };
}

async function waitForReady(started: Started): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!started.output().includes(READY_LINE)) {
    if (started.child.exitCode !== null) {
      throw new Error(`start exited with ${started.child.exitCode}:\n${started.output()}`);
    }
    if (Date.now() > deadline) throw new Error(`start was not ready in time:\n${started.output()}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

async function stop(started: Started, signal: NodeJS.Signals): Promise<number | null> {
  started.child.kill(signal);
  return started.exited;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("npm start", function () {
  this.timeout(10 * 60_000);
  const directory = mkdtempSync(join(tmpdir(), "zonedao-start-"));
  const deploymentFile = join(directory, "localhost.json");
  const running: Started[] = [];
  let chainPort: number;
  let relayerPort: number;
  let webPort: number;

  before(async function () {
    chainPort = await unusedPort();
    relayerPort = await unusedPort();
    webPort = await unusedPort();
  });

  after(function () {
    for (const started of running) {
      if (started.child.exitCode === null) started.child.kill("SIGKILL");
      const pid = /pid (\d+)/.exec(started.output())?.[1];
      if (pid !== undefined && isRunning(Number(pid))) process.kill(Number(pid), "SIGKILL");
    }
    rmSync(directory, { recursive: true, force: true });
  });

  const args = () => [
    "--chain-port",
    String(chainPort),
    "--relayer-port",
    String(relayerPort),
    "--web-port",
    String(webPort),
    "--deployment-file",
    deploymentFile,
  ];

  it("runs the demo zones, takes a vote through the relayer, and stops everything on SIGINT", async function () {
    const started = start(args());
    running.push(started);
    await waitForReady(started);
    const output = started.output();
    expect(output).to.include(`http://127.0.0.1:${chainPort}`);
    expect(output).to.include("npm run zonedao -- vote --deployment");
    const chainPid = Number(/hardhat node, pid (\d+)/.exec(output)?.[1]);
    expect(isRunning(chainPid)).to.equal(true);

    const deployment: DeploymentFile = parseDeployment(readFileSync(deploymentFile, "utf8"));
    expect(deployment.chainId).to.equal("31337");
    expect(deployment.rpcUrl).to.equal(`http://127.0.0.1:${chainPort}`);
    const provider = new JsonRpcProvider(deployment.rpcUrl, undefined, {
      staticNetwork: true,
      cacheTimeout: -1,
    });
    try {
      for (const [name, address] of Object.entries(deployment.contracts)) {
        expect(await provider.getCode(address), `${name} has code`).to.not.equal("0x");
      }
      expect(deployment.zones.map((zone) => zone.name)).to.deep.equal([
        "Riverside",
        "Riverside Farm",
        "Hillside",
      ]);
      expect(deployment.zones.filter((zone) => zone.parent === null)).to.have.length(2);
      const states = deployment.zones.flatMap((zone) => zone.proposals.map((proposal) => proposal.state));
      expect(states).to.include.members(["Executed", "Defeated", "Succeeded", "Active"]);
      const citizens = deployment.demo?.citizens ?? [];
      expect(citizens.length).to.be.greaterThan(0);
      for (const citizen of citizens) {
        expect(importIdentity(citizen.identity).commitment.toString()).to.equal(citizen.commitment);
      }

      const relayerUrl = deployment.relayer?.url ?? "";
      expect(relayerUrl).to.equal(`http://127.0.0.1:${relayerPort}`);
      const health = await fetch(new URL("/v1/health", relayerUrl));
      expect(health.status).to.equal(200);
      expect(((await health.json()) as { chainId: string }).chainId).to.equal("31337");
      const cors = await fetch(new URL("/v1/health", relayerUrl), {
        headers: { origin: "http://localhost:5173" },
      });
      expect(cors.headers.get("access-control-allow-origin")).to.equal("http://localhost:5173");

      // The web app, with a config naming the relayer and the zones, and the chain at /rpc.
      const webUrl = deployment.web?.url ?? "";
      expect(webUrl).to.equal(`http://127.0.0.1:${webPort}/`);
      expect(await (await fetch(webUrl)).text()).to.include('<div id="root">');
      const webConfig = (await (await fetch(new URL("config.json", webUrl))).json()) as {
        relayers: string[];
        zones: { address: string }[];
      };
      expect(webConfig.relayers).to.deep.equal([relayerUrl]);
      expect(webConfig.zones.map((zone) => zone.address)).to.deep.equal(
        deployment.zones.map((zone) => zone.address),
      );
      const webCors = await fetch(new URL("/v1/health", relayerUrl), {
        headers: { origin: new URL(webUrl).origin },
      });
      expect(webCors.headers.get("access-control-allow-origin")).to.equal(new URL(webUrl).origin);
      const rpc = await fetch(new URL("rpc", webUrl), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      expect(((await rpc.json()) as { result: string }).result).to.equal("0x7a69");

      // Vote as the first demo citizen on an active proposal of one of its zones.
      const [voter] = citizens;
      if (!voter) throw new Error("no demo citizen");
      const zoneEntry = deployment.zones.find(
        (zone) =>
          voter.zones.includes(zone.address) &&
          zone.proposals.some((proposal) => proposal.state === "Active"),
      );
      const proposal = zoneEntry?.proposals.find((candidate) => candidate.state === "Active");
      if (!zoneEntry || !proposal) throw new Error(`${voter.name} has no active proposal to vote on`);
      const zone = zoneAt(zoneEntry.address, provider);
      const proposalId = BigInt(proposal.id);
      const before = (await zone.getProposal(proposalId)).tally[VoteOption.For];
      const group = await rebuildGroup(zone, {
        untilProposal: proposalId,
        fromBlock: zoneEntry.createdBlock,
      });
      const vote = await proveVote(importIdentity(voter.identity), group, {
        chainId: BigInt(deployment.chainId),
        zone: zoneEntry.address,
        proposalId,
        option: VoteOption.For,
      });
      const relayer = new RelayerClient(relayerUrl);
      expect((await relayer.submitVote(voteRequest(zoneEntry.address, vote))).status).to.equal("queued");
      const settled = await relayer.waitForVote(vote.nullifier, { timeoutMs: 120_000 });
      expect(settled.status, settled.reason ?? "").to.equal("confirmed");
      expect((await zone.getProposal(proposalId)).tally[VoteOption.For]).to.equal((before ?? 0n) + 1n);
    } finally {
      provider.destroy();
    }

    expect(await stop(started, "SIGINT")).to.equal(0);
    expect(isRunning(chainPid), "the hardhat node is gone").to.equal(false);
    expect(await isFree(chainPort), "the chain's port is free").to.equal(true);
    expect(await isFree(relayerPort), "the relayer's port is free").to.equal(true);
    expect(await isFree(webPort), "the web app's port is free").to.equal(true);
  });

  it("starts again on the same ports, and stops on SIGTERM", async function () {
    const started = start(args());
    running.push(started);
    await waitForReady(started);
    const deployment = parseDeployment(readFileSync(deploymentFile, "utf8"));
    const health = await fetch(new URL("/v1/health", deployment.relayer?.url));
    expect(health.status).to.equal(200);
    // A fresh chain: the vote of the first run is not there, so the relayer's database is new too.
    const queue = ((await health.json()) as { queue: { confirmed: number } }).queue;
    expect(queue.confirmed).to.equal(0);
    expect(await stop(started, "SIGTERM")).to.equal(0);
    expect(await isFree(chainPort)).to.equal(true);
  });

  it("refuses a port in use, naming it and how to choose another", async function () {
    const squatter = createServer();
    await new Promise<void>((done, fail) => {
      squatter.once("error", fail);
      squatter.listen(chainPort, "127.0.0.1", done);
    });
    try {
      const started = start(args());
      running.push(started);
      expect(await started.exited).to.equal(1);
      expect(started.output()).to.include(`port ${chainPort}`).and.to.include("--chain-port");
    } finally {
      await new Promise((done) => squatter.close(done));
    }
  });
});
