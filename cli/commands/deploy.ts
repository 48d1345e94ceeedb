/** `zonedao deploy`: ZoneDAO's contracts on any EVM network, and the deployment file that names them. */
import { buildSealedBallotCircuit } from "../../circuits/build.js";
import {
  exportVerificationKey,
  requireSealedKeyFor,
  sealedBallotFiles,
  verifyKey,
} from "../../circuits/ceremony.js";
import type { SealedBallotFiles } from "../../sdk/deployment.js";
import { deployZoneDao, deploymentFileFor } from "../../sdk/index.js";
import type { VerificationKey } from "../../sdk/sealed.js";
import { CommandContext, CommandError, UsageError, chainIdOf } from "../context.js";
import { common, signing, type Command } from "../flags.js";

export const deploy: Command = {
  name: "deploy",
  summary: "deploy ZoneDAO's contracts to any EVM network and write a deployment file",
  usage: `zonedao deploy --rpc URL --key KEY [--network NAME] [--deployment FILE]
               [--sealed-zkey FILE --sealed-wasm FILE --ptau FILE]

Deploys Poseidon, the official Semaphore v4 verifier (the ceremony's keys, depths 1-32), the batch
verifier, the Zone implementation and the ZoneFactory (with its services, goods and trade modules).
Writes the addresses to --deployment (default deployments/NAME.json; NAME defaults to "localhost"
on chain 31337, else "chain-ID").
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
    const signer = await context.signer();
    const provider = await context.provider();
    const chainId = await chainIdOf(provider);
    const network = context.text("network") ?? (chainId === 31337n ? "localhost" : `chain-${chainId}`);
    const path = context.text("deployment", "ZONEDAO_DEPLOYMENT") ?? `deployments/${network}.json`;
    const sealed = await sealedBallotKey(context, chainId);
    context.progress(`deploying ZoneDAO to chain ${chainId} (${context.rpcUrl()}) from ${signer.address}`);
    const addresses = await deployZoneDao(
      signer,
      (step) => context.progress(`  ${step}`),
      sealed ? { sealedBallotKey: sealed.verificationKey } : {},
    );
    const file = await deploymentFileFor(addresses, provider, { network, rpcUrl: context.rpcUrl() });
    if (sealed) file.sealedBallot = sealed.files;
    const written = new CommandContext({ ...context.flags, deployment: path }, context.env).saveDeployment(
      file,
    );
    context.print(
      { deployment: written, ...file },
      [
        `deployed to chain ${chainId}; wrote ${written}`,
        ...Object.entries(file.contracts).map(([name, address]) => `  ${name.padEnd(18)} ${address}`),
      ].join("\n"),
    );
  },
};

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
