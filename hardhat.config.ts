import { createRequire } from "node:module";
import type { HardhatUserConfig } from "hardhat/config";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatEthersChaiMatchers from "@nomicfoundation/hardhat-ethers-chai-matchers";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";

const require = createRequire(import.meta.url);

// solc comes from npm (solcjs) so that compiling never downloads a compiler list or binary.
const solc = {
  version: (require("solc/package.json") as { version: string }).version,
  path: require.resolve("solc/soljson.js"),
};

async function releaseSnarkjsWorkers(): Promise<void> {
  const cached = globalThis as { curve_bn128?: { terminate(): Promise<void> } };
  await cached.curve_bn128?.terminate();
  delete cached.curve_bn128;
}

const config: HardhatUserConfig = {
  plugins: [hardhatEthers, hardhatEthersChaiMatchers, hardhatMocha, hardhatNetworkHelpers],
  solidity: {
    compilers: [{ ...solc, settings: { optimizer: { enabled: true, runs: 200 }, viaIR: true } }],
    // Dependencies deployed on their own need artifacts of their own.
    npmFilesToBuild: [
      "poseidon-solidity/PoseidonT3.sol",
      "@semaphore-protocol/contracts/base/SemaphoreVerifier.sol",
      "@semaphore-protocol/contracts/Semaphore.sol",
    ],
    overrides: {
      // Under viaIR PoseidonT3 grows past the 24 KiB code size limit.
      "poseidon-solidity/PoseidonT3.sol": { ...solc, settings: { optimizer: { enabled: true, runs: 200 } } },
    },
  },
  paths: { sources: "contracts", tests: { mocha: "test" } },
  test: {
    mocha: {
      timeout: 120_000,
      // snarkjs keeps a bn128 curve with worker threads alive; without this the run never exits.
      rootHooks: { afterAll: releaseSnarkjsWorkers },
    },
  },
};

export default config;
