/** `zonedao deploy`: ZoneDAO's contracts on any EVM network, and the deployment file that names them. */
import { deployZoneDao, deploymentFileFor } from "../../sdk/index.js";
import { CommandContext, chainIdOf } from "../context.js";
import { common, signing, type Command } from "../flags.js";

export const deploy: Command = {
  name: "deploy",
  summary: "deploy ZoneDAO's contracts to any EVM network and write a deployment file",
  usage: `zonedao deploy --rpc URL --key KEY [--network NAME] [--deployment FILE]

Deploys Poseidon, the official Semaphore v4 verifier (the ceremony's keys, depths 1-32), the batch
verifier, the Zone implementation and the ZoneFactory (with its services, goods and trade modules).
Writes the addresses to --deployment (default deployments/NAME.json; NAME defaults to "localhost"
on chain 31337, else "chain-ID").
  --key KEY            the deployer's private key (env ZONEDAO_PRIVATE_KEY)`,
  options: { ...common, ...signing, network: { type: "string" } },
  async run(context) {
    const signer = await context.signer();
    const provider = await context.provider();
    const chainId = await chainIdOf(provider);
    const network = context.text("network") ?? (chainId === 31337n ? "localhost" : `chain-${chainId}`);
    const path = context.text("deployment", "ZONEDAO_DEPLOYMENT") ?? `deployments/${network}.json`;
    context.progress(`deploying ZoneDAO to chain ${chainId} (${context.rpcUrl()}) from ${signer.address}`);
    const addresses = await deployZoneDao(signer, (step) => context.progress(`  ${step}`));
    const file = await deploymentFileFor(addresses, provider, { network, rpcUrl: context.rpcUrl() });
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
