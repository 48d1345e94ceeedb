/**
 * A zone with citizens and an open proposal, a relayer serving it over the tests' chain (through
 * an HTTP JSON-RPC bridge, as in production), and helpers to make votes for it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet, parseEther } from "ethers";
import { network } from "hardhat";
import {
  proveVote,
  rebuildGroup,
  voteRequest,
  type Identity,
  type VoteProof,
  type VoteRequest,
  type ZoneAction,
  type ZoneRules,
} from "../../sdk/index.js";
import { loadRelayerConfig, type RelayerConfig } from "../config.js";
import { startRelayer, type Relayer } from "../relayer.js";
import { startRpcBridge, type RpcBridge } from "../../test/rpc-bridge.js";
import { buildLoadWorldWithProposals, readLoadFixture, type LoadWorld } from "../../test/load-world.js";
import {
  TEST_RULES,
  alice,
  deployZoneWithCitizens,
  ethers,
  proposeAs,
  type ZoneWorld,
} from "../../test/zone-fixture.js";

export interface RelayerWorld extends ZoneWorld {
  bridge: RpcBridge;
  proposalId: bigint;
}

/** A fresh zone (no loadFixture: a relayer must not see the chain reverted under it) with a proposal. */
export async function relayerWorld(rules: ZoneRules = TEST_RULES): Promise<RelayerWorld> {
  const world = await deployZoneWithCitizens(rules);
  const proposalId = await proposeAs(world, alice, [[payFromZone(world)]], "Plant 100 trees");
  const bridge = await startRpcBridge();
  return { ...world, bridge, proposalId };
}

/** A harmless action for test proposals: the zone pays 0 to its deployer. */
export function payFromZone(world: ZoneWorld): ZoneAction {
  return { target: world.zoneAddress, value: 0n, data: "0x" };
}

/** A funded key for a relayer, so relayers in one test never share a nonce. */
export async function fundedRelayerKey(): Promise<string> {
  const wallet = Wallet.createRandom();
  const [funder] = await ethers.getSigners();
  await (await funder!.sendTransaction({ to: wallet.address, value: parseEther("10") })).wait();
  return wallet.privateKey;
}

/** The environment a test relayer runs with; `overrides` replace or add variables. */
export async function relayerEnvironment(
  world: RelayerWorld,
  overrides: Record<string, string> = {},
): Promise<Record<string, string>> {
  return {
    ZONEDAO_RPC_URL: world.bridge.url,
    ZONEDAO_RELAYER_KEY: await fundedRelayerKey(),
    ZONEDAO_ZONES: world.zoneAddress,
    ZONEDAO_RELAYER_DB: join(mkdtempSync(join(tmpdir(), "zonedao-relayer-")), "relayer.sqlite"),
    ZONEDAO_RELAYER_PORT: "0",
    // Tests send batches themselves (submitter.step) unless they say otherwise.
    ZONEDAO_BATCH_MAX_AGE_MS: "3600000",
    ZONEDAO_POLL_INTERVAL_MS: "100000",
    ZONEDAO_VERIFIER_THREADS: "1",
    ZONEDAO_LOG_LEVEL: "silent",
    ...overrides,
  };
}

export async function startTestRelayer(
  world: RelayerWorld,
  overrides: Record<string, string> = {},
): Promise<{ relayer: Relayer; config: RelayerConfig }> {
  const config = loadRelayerConfig(await relayerEnvironment(world, overrides));
  return { relayer: await startRelayer(config), config };
}

/** A real vote proof by `voter` for `option` on `proposalId`. */
export async function proveTestVote(
  world: ZoneWorld,
  voter: Identity,
  option: number,
  proposalId: bigint,
): Promise<VoteProof> {
  const group = await rebuildGroup(world.zone, { untilProposal: proposalId });
  return proveVote(voter, group, { chainId: world.chainId, zone: world.zoneAddress, proposalId, option });
}

export async function voteBody(
  world: RelayerWorld,
  voter: Identity,
  option = 1,
  proposalId = world.proposalId,
) {
  return voteRequest(world.zoneAddress, await proveTestVote(world, voter, option, proposalId));
}

/** POSTs through Fastify's inject (no port). */
export async function post(
  relayer: Relayer,
  url: string,
  payload: unknown,
  headers: Record<string, string> = {},
) {
  const response = await relayer.app.inject({
    method: "POST",
    url,
    payload: payload as VoteRequest,
    headers,
  });
  return {
    status: response.statusCode,
    body: response.json<Record<string, unknown>>(),
    headers: response.headers,
  };
}

export async function get(relayer: Relayer, url: string, headers: Record<string, string> = {}) {
  const response = await relayer.app.inject({ method: "GET", url, headers });
  const isJson = String(response.headers["content-type"]).startsWith("application/json");
  return {
    status: response.statusCode,
    body: isJson ? response.json<Record<string, unknown>>() : {},
    text: response.body,
    headers: response.headers,
  };
}

/** A relayer as its own process (relayer/server.ts), and what it has logged. */
export interface RelayerProcess {
  child: ChildProcess;
  url: Promise<string>;
  output(): string;
  exited: Promise<number | null>;
}

export function spawnRelayer(environment: Record<string, string>): RelayerProcess {
  const child = spawn(
    process.execPath,
    ["--disable-warning=ExperimentalWarning", "--import", "tsx", "relayer/server.ts"],
    {
      // Its URL is read from its log, so it logs at info whatever the in-process tests use.
      env: { ...process.env, ...environment, ZONEDAO_LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /relayer listening on (http:\/\/[^"\s]+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`relayer exited (${code}) before listening:\n${output}`)));
  });
  url.catch(() => undefined); // a test that expects the relayer to fail at boot never awaits it
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, url, output: () => output, exited };
}

/**
 * The load zone with the fixture's proposals on a fresh chain of its own, behind an HTTP JSON-RPC
 * for a relayer: what the relayer's tests replay the fixture's votes against, with nothing proved.
 */
export async function loadWorldForRelayer(): Promise<{
  world: LoadWorld;
  votes: VoteRequest[];
  bridge: RpcBridge;
}> {
  const { world, votes } = await buildLoadWorldWithProposals(
    readLoadFixture(),
    () => undefined,
    await network.create(),
  );
  return { world, votes, bridge: await startRpcBridge({ provider: world.connection.provider }) };
}
