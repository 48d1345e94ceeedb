/** `zonedao deploy`: ZoneDAO's contracts on any EVM network, and the deployment file that names them. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { formatUnits, type Provider } from "ethers";
import { buildSealedBallotCircuit } from "../../circuits/build.js";
import {
  exportVerificationKey,
  requireSealedKeyFor,
  sealedBallotFiles,
  verifyKey,
} from "../../circuits/ceremony.js";
import {
  DEPLOYMENT_FORMAT,
  deployZoneDao,
  deploymentFileFor,
  estimateDeployment,
  formatDeployment,
  isUnfinished,
  parseAnyDeployment,
  verifyDeployedContracts,
  type DeployOptions,
  type DeploymentFile,
  type SealedBallotFiles,
  type UnfinishedDeploymentFile,
  type ZoneDaoDeployment,
} from "../../sdk/index.js";
import type { VerificationKey } from "../../sdk/sealed.js";
import { CommandContext, CommandError, UsageError, chainIdOf } from "../context.js";
import { common, signing, type Command } from "../flags.js";
import { shortError } from "../refusals.js";

export const deploy: Command = {
  name: "deploy",
  summary: "deploy ZoneDAO's contracts to any EVM network and write a deployment file",
  usage: `zonedao deploy --rpc URL --key KEY [--network NAME] [--deployment FILE]
               [--sealed-zkey FILE --sealed-wasm FILE --ptau FILE]

Deploys Poseidon, the official Semaphore v4 verifier (the ceremony's keys, depths 1-32), the batch
verifier, the Zone implementation and the ZoneFactory (with its services, goods and trade modules).
Writes the addresses to --deployment (default deployments/NAME.json; NAME defaults to "chain-ID",
never "localhost", whose file \`npm start\` owns).

First it estimates the cost and refuses, sending nothing, if the account cannot pay it. The file is
written after each contract, marked "complete": false until the last: if a transaction fails, run the
same command again (--rpc may then be left out) and it deploys only what is missing, after checking
on chain that each contract the file names has the build's code. On a finished deployment it checks
the contracts and sends nothing.
  --key KEY            the deployer's private key (env ZONEDAO_PRIVATE_KEY)
  --sealed-zkey FILE   the sealed ballot circuit's key from its ceremony (circuits/ceremony.ts): zones
                       may then make sealed proposals. It is verified against the circuit and --ptau
                       (the powers of tau it was made from) before anything is sent, and refused
                       unless two parties or more contributed (a local chain, 31337 or 1337, also
                       takes a one-party development key, marked as one). --sealed-wasm is the
                       circuit's wasm; both are named with their SHA-256 in the deployment file.`,
  options: {
    ...common,
    ...signing,
    network: { type: "string" },
    "sealed-zkey": { type: "string" },
    "sealed-wasm": { type: "string" },
    ptau: { type: "string" },
  },
  async run(context) {
    const given = context.text("deployment", "ZONEDAO_DEPLOYMENT");
    const earlier = given !== undefined && existsSync(given) ? readDeployment(given) : undefined;
    // The file may be unfinished, which the context's own reading refuses: connect without it, and
    // check its chain here.
    const chain = new CommandContext(
      {
        ...context.flags,
        deployment: undefined,
        rpc: context.text("rpc", "ZONEDAO_RPC_URL") ?? earlier?.rpcUrl,
      },
      { ...context.env, ZONEDAO_DEPLOYMENT: undefined },
    );
    const signer = await chain.signer();
    const provider = await chain.provider();
    const chainId = await chainIdOf(provider);
    const network = context.text("network") ?? earlier?.network ?? `chain-${chainId}`;
    const path = given ?? `deployments/${network}.json`;
    const existing = earlier ?? (existsSync(path) ? readDeployment(path) : undefined);
    if (existing !== undefined && BigInt(existing.chainId) !== chainId) {
      throw new CommandError(
        `${path} is a deployment on chain ${existing.chainId}, but the node at ${chain.rpcUrl()} is chain ` +
          `${chainId}: nothing was sent. Give another --deployment file to deploy on chain ${chainId}.`,
      );
    }
    const sealed = await sealedBallotKey(context, chainId);
    if (existing !== undefined) await checkExisting(context, path, existing, provider, sealed);
    if (existing !== undefined && !isUnfinished(existing)) {
      context.print(
        { deployment: path, alreadyDeployed: true, sent: [], ...existing },
        `ZoneDAO is already deployed on chain ${chainId} (${path}), and its contracts are the build's: nothing was sent`,
      );
      return;
    }
    const options: DeployOptions = {
      ...(sealed ? { sealedBallotKey: sealed.verificationKey } : {}),
      deployed: existing === undefined ? {} : { ...existing.contracts, blockNumber: existing.blockNumber },
    };
    const cost = await estimateDeployment(signer, options);
    const balance = await provider.getBalance(signer.address);
    const price = `about ${roughly(cost.total, "ether")} ETH (${cost.gas.toLocaleString("en-US")} gas at ${roughly(cost.feePerGas, "gwei")} gwei)`;
    const what =
      existing === undefined ? "deploying" : `deploying the ${cost.contracts.length} missing contract(s)`;
    if (balance < cost.total) {
      throw new CommandError(
        `${what} needs ${price}; ${signer.address} has ${roughly(balance, "ether")} ETH on chain ${chainId}: nothing was sent`,
      );
    }
    context.progress(
      `${what} to chain ${chainId} (${chain.rpcUrl()}) from ${signer.address}: ${price}; it has ${roughly(balance, "ether")} ETH`,
    );
    const where = { network, rpcUrl: chain.rpcUrl() };
    const startedAt = existing?.deployedAt ?? new Date().toISOString();
    // A file that names no contract yet is not written: a rerun would have nothing to resume.
    let unfinishedSaved = existing !== undefined;
    let addresses: ZoneDaoDeployment;
    try {
      addresses = await deployZoneDao(signer, (step) => context.progress(`  ${step}`), {
        ...options,
        onDeployed: ({ blockNumber, ...contracts }) => {
          save(path, {
            format: DEPLOYMENT_FORMAT,
            complete: false,
            network,
            chainId: chainId.toString(),
            rpcUrl: where.rpcUrl,
            deployedAt: startedAt,
            blockNumber: blockNumber!,
            contracts,
            ...(sealed ? { sealedBallot: sealed.files } : {}),
            zones: [],
            relayer: null,
            web: null,
          });
          unfinishedSaved = true;
        },
      });
    } catch (error) {
      throw new CommandError(
        `deploying failed: ${shortError(error)}. ` +
          (unfinishedSaved
            ? `The contracts deployed so far are in ${path}: run the same command again to deploy the rest.`
            : "Nothing was deployed."),
      );
    }
    const file = await deploymentFileFor(addresses, provider, where);
    file.deployedAt = startedAt;
    if (sealed) file.sealedBallot = sealed.files;
    save(path, file);
    context.print(
      { deployment: path, alreadyDeployed: false, sent: cost.contracts, ...file },
      [
        `deployed to chain ${chainId}${existing === undefined ? "" : ` (resumed: ${cost.contracts.length} contract(s) sent)`}; wrote ${path}`,
        ...Object.entries(file.contracts).map(([name, address]) => `  ${name.padEnd(18)} ${address}`),
      ].join("\n"),
    );
  },
};

/** An amount in `unit` to 4 significant digits, as a person reads a price. */
function roughly(amount: bigint, unit: "ether" | "gwei"): string {
  return Number(formatUnits(amount, unit)).toLocaleString("en-US", { maximumSignificantDigits: 4 });
}

function readDeployment(path: string): DeploymentFile | UnfinishedDeploymentFile {
  try {
    return parseAnyDeployment(readFileSync(path, "utf8"), path);
  } catch (error) {
    throw new CommandError(`${(error as Error).message}: nothing was sent`);
  }
}

function save(path: string, file: DeploymentFile | UnfinishedDeploymentFile): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, formatDeployment(file));
}

/**
 * Checks on chain the contracts an earlier run recorded in `path`; refuses an unfinished one begun
 * with a sealed ballot key when none is given now (finishing without it would change what it is).
 */
async function checkExisting(
  context: CommandContext,
  path: string,
  existing: DeploymentFile | UnfinishedDeploymentFile,
  provider: Provider,
  sealed: Awaited<ReturnType<typeof sealedBallotKey>>,
): Promise<void> {
  if (isUnfinished(existing) && existing.sealedBallot !== undefined && sealed === undefined) {
    throw new CommandError(
      `${path} is a deployment begun with a sealed ballot key: give --sealed-zkey, --sealed-wasm and ` +
        `--ptau again to finish it (nothing was sent)`,
    );
  }
  context.progress(`checking on chain ${existing.chainId} the contracts ${path} names...`);
  try {
    await verifyDeployedContracts(provider, existing.contracts, {
      ...(sealed ? { sealedBallotKey: sealed.verificationKey } : {}),
    });
  } catch (error) {
    throw new CommandError(
      `${path} names a contract that is not this deployment's: ${(error as Error).message}. Nothing was ` +
        `sent; correct the file, or move it away to deploy anew.`,
    );
  }
}

/**
 * The sealed ballot key --sealed-zkey names, verified against the circuit (compiled here, or from
 * the build's cache) and --ptau, and allowed on this chain (requireSealedKeyFor); undefined without it.
 */
async function sealedBallotKey(
  context: CommandContext,
  chainId: bigint,
): Promise<{ verificationKey: VerificationKey; files: SealedBallotFiles } | undefined> {
  const zkey = context.text("sealed-zkey");
  const wasm = context.text("sealed-wasm");
  const ptau = context.text("ptau");
  if (zkey === undefined && wasm === undefined) return undefined;
  if (zkey === undefined || wasm === undefined || ptau === undefined) {
    throw new UsageError("--sealed-zkey, --sealed-wasm and --ptau go together");
  }
  context.progress("checking the sealed ballot key against its circuit and powers of tau (a minute)...");
  const circuit = await buildSealedBallotCircuit();
  const report = await verifyKey(circuit.r1csPath, ptau, zkey);
  let development: boolean;
  try {
    ({ development } = requireSealedKeyFor(chainId, report));
  } catch (error) {
    throw new CommandError(`--sealed-zkey on chain ${chainId}: ${(error as Error).message}`);
  }
  if (development) {
    context.progress("the sealed ballot key was made by one party: accepted on this local chain only");
  }
  return {
    verificationKey: (await exportVerificationKey(zkey)) as VerificationKey,
    files: await sealedBallotFiles(wasm, zkey, development),
  };
}
