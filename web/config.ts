/**
 * Builds the web app's /config.json from a deployment file (deployments/<network>.json, as
 * `zonedao deploy` and `npm start` write it). Node only: the vite config and whoever serves the app
 * (the test, scripts/start.ts) call it; the app only reads the JSON.
 */
import { readFileSync } from "node:fs";
import { parseDeployment, type DeploymentFile } from "../sdk/deployment.js";
import type { WebConfig } from "./src/config-types.js";

export type { WebConfig } from "./src/config-types.js";

export function webConfigFromDeployment(
  deployment: DeploymentFile,
  overrides: { relayers?: string[]; rpcUrl?: string | null } = {},
): WebConfig {
  const relayers = overrides.relayers ?? (deployment.relayer ? [deployment.relayer.url] : []);
  if (relayers.length === 0) throw new Error("the web app needs at least one relayer URL");
  return {
    format: "zonedao-web/1",
    chainId: deployment.chainId,
    rpcUrl: overrides.rpcUrl === undefined ? deployment.rpcUrl : overrides.rpcUrl,
    relayers,
    zones: deployment.zones.map(({ address, name, createdBlock }) => ({ address, name, createdBlock })),
    contracts: {
      services: deployment.contracts.services,
      goods: deployment.contracts.goods,
      trade: deployment.contracts.trade,
      stablecoin: deployment.contracts.stablecoin,
      tellers: deployment.contracts.tellers,
      sealedBallots: deployment.contracts.sealedBallots,
    },
    ...(deployment.sealedBallot
      ? {
          sealedBallot: {
            wasm: SEALED_BALLOT_URLS.wasm,
            zkey: SEALED_BALLOT_URLS.zkey,
            wasmSha256: deployment.sealedBallot.wasmSha256,
            zkeySha256: deployment.sealedBallot.zkeySha256,
          },
        }
      : {}),
  };
}

/** Where the app's server serves the deployment's sealed ballot files (serveWebApp's `sealedBallot`). */
export const SEALED_BALLOT_URLS = {
  wasm: "artifacts/sealed-ballot.wasm",
  zkey: "artifacts/sealed-ballot.zkey",
} as const;

/**
 * The config the app is built or served with, from the environment: ZONEDAO_WEB_CONFIG (a
 * config.json to use as it is), else ZONEDAO_DEPLOYMENT (a deployment file, default
 * deployments/localhost.json) with ZONEDAO_RELAYER_URLS (comma-separated) and ZONEDAO_RPC_URL
 * overriding what it says. Undefined when there is neither.
 */
export function webConfigFromEnvironment(
  environment: NodeJS.ProcessEnv = process.env,
): WebConfig | undefined {
  if (environment.ZONEDAO_WEB_CONFIG) {
    return JSON.parse(readFileSync(environment.ZONEDAO_WEB_CONFIG, "utf8")) as WebConfig;
  }
  const path = environment.ZONEDAO_DEPLOYMENT ?? "deployments/localhost.json";
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  const relayers = environment.ZONEDAO_RELAYER_URLS?.split(",").filter(Boolean);
  return webConfigFromDeployment(parseDeployment(text, path), {
    relayers: relayers?.length ? relayers : undefined,
    rpcUrl: environment.ZONEDAO_RPC_URL,
  });
}
