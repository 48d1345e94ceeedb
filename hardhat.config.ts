import { createRequire } from "node:module";
import type { HardhatUserConfig } from "hardhat/config";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatEthersChaiMatchers from "@nomicfoundation/hardhat-ethers-chai-matchers";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";
import hardhatTypechain from "@nomicfoundation/hardhat-typechain";
import { stopProverThreads } from "./sdk/prover-threads.js";

const require = createRequire(import.meta.url);

// solc comes from npm (solcjs) so that compiling never downloads a compiler list or binary.
const solc = {
  version: (require("solc/package.json") as { version: string }).version,
  path: require.resolve("solc/soljson.js"),
};

const config: HardhatUserConfig = {
  plugins: [hardhatEthers, hardhatEthersChaiMatchers, hardhatMocha, hardhatNetworkHelpers, hardhatTypechain],
  solidity: {
    compilers: [{ ...solc, settings: { optimizer: { enabled: true, runs: 200 }, viaIR: true } }],
    // Dependencies deployed on their own need artifacts of their own.
    npmFilesToBuild: [
      "poseidon-solidity/PoseidonT3.sol",
      "@zk-kit/lean-imt.sol/LeanIMT.sol",
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
      // Generous: a test that proves or drives processes for a minute here must not fail on a slower
      // or busier machine for being slow. A hang still fails, five minutes in.
      timeout: 300_000,
      // snarkjs keeps worker threads alive; without this the test run never exits.
      rootHooks: { afterAll: stopProverThreads },
    },
  },
};

export default config;
