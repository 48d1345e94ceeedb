/**
 * What `zonedao deploy` checks around deployZoneDao: what the contracts still to deploy will cost,
 * before anything is sent, and that the contracts an unfinished run recorded are on chain with the
 * build's code, so that a rerun resumes the deployment and never builds on an address that holds
 * something else. Node only: it reads the build's artifacts (`artifacts/`).
 */
import { readFileSync } from "node:fs";
import { ZeroAddress, getAddress, getBytes, keccak256, type Provider, type Signer } from "ethers";
import {
  LEAN_IMT,
  POSEIDON_T3,
  SealedBallotVerifier__factory,
  ZoneSealedBallots__factory,
  Zone__factory,
  ZoneFactory__factory,
  deploymentSteps,
  type DeployOptions,
  type ZoneDaoContract,
  type ZoneDaoDeployment,
} from "./contracts.js";
import { verifierKeyWords } from "./sealed.js";

/** The build's artifact of each contract deployZoneDao sends (under artifacts/). */
const ARTIFACTS: Record<ZoneDaoContract, string> = {
  poseidonT3: "poseidon-solidity/PoseidonT3.sol/PoseidonT3.json",
  leanIMT: "@zk-kit/lean-imt.sol/LeanIMT.sol/LeanIMT.json",
  semaphoreVerifier: "@semaphore-protocol/contracts/base/SemaphoreVerifier.sol/SemaphoreVerifier.json",
  batchVerifier: "contracts/verifier/SemaphoreBatchVerifier.sol/SemaphoreBatchVerifier.json",
  zoneImplementation: "contracts/Zone.sol/Zone.json",
  sealedBallotVerifier: "contracts/verifier/SealedBallotVerifier.sol/SealedBallotVerifier.json",
  zoneFactory: "contracts/ZoneFactory.sol/ZoneFactory.json",
};

/** The library each link name stands for. */
const LIBRARIES: Record<string, ZoneDaoContract> = { [POSEIDON_T3]: "poseidonT3", [LEAN_IMT]: "leanIMT" };

/**
 * Where an estimate puts a contract not deployed yet: every byte non-zero, so that calldata holding
 * it is priced at its dearest.
 */
const PLACEHOLDER = "0x" + "11".repeat(20);

const PUSH20 = 0x73;
const ADDRESS_OPCODE = 0x30;

/** The modules the factory's constructor makes with a sealed ballot key (see ZoneFactory.sol). */
const SEALED_MODULE_ARTIFACTS = [
  "contracts/sealed/ZoneSealedBallots.sol/ZoneSealedBallots.json",
  "contracts/sealed/ZoneTellers.sol/ZoneTellers.json",
];
/** What creating a contract from a contract costs at least (Yellow Paper): CREATE, and each code byte. */
const CREATE_GAS = 32_000n;
const CODE_DEPOSIT_GAS_PER_BYTE = 200n;

interface Artifact {
  contractName: string;
  deployedBytecode: string;
  deployedLinkReferences: Record<string, Record<string, { start: number; length: number }[]>>;
  immutableReferences: Record<string, { start: number; length: number }[]>;
}

function readArtifact(path: string): Artifact {
  return JSON.parse(readFileSync(new URL(`../artifacts/${path}`, import.meta.url), "utf8")) as Artifact;
}

export interface DeploymentCost {
  /** The contracts still to deploy, in order. */
  contracts: ZoneDaoContract[];
  gas: bigint;
  /** The node's price: maxFeePerGas (EIP-1559), else gasPrice. What a node holds a sender's balance to. */
  feePerGas: bigint;
  /** gas x feePerGas: the balance the deployment needs (it pays less if blocks are cheaper). */
  total: bigint;
}

/**
 * What deploying the contracts `options.deployed` lacks costs, from the node's gas estimates and
 * fee data; nothing is sent. A contract not deployed yet is given as a placeholder address: the
 * constructors store their arguments without calling them, except the factory's sealed ballots
 * module, which asks its verifier; until that verifier exists the factory is estimated without the
 * module, plus what creating the module's code costs at least.
 */
export async function estimateDeployment(signer: Signer, options: DeployOptions): Promise<DeploymentCost> {
  const provider = signer.provider ?? fail("estimateDeployment: the signer has no provider");
  const deployed = options.deployed ?? {};
  const addressOf = (contract: ZoneDaoContract) => deployed[contract] ?? PLACEHOLDER;
  const from = await signer.getAddress();
  const sealedModuleLater =
    options.sealedBallotKey !== undefined && deployed.sealedBallotVerifier === undefined;
  const remaining = deploymentSteps(options).filter((step) => deployed[step.contract] === undefined);
  const estimates = await Promise.all(
    remaining.map(async (step) => {
      if (step.contract === "zoneFactory" && sealedModuleLater) {
        const withoutModule = deploymentSteps({}).find(({ contract }) => contract === "zoneFactory")!;
        const gas = await provider.estimateGas({ ...(await withoutModule.creation(addressOf)), from });
        return gas + sealedModuleCreationGas();
      }
      return provider.estimateGas({ ...(await step.creation(addressOf)), from });
    }),
  );
  const gas = estimates.reduce((sum, estimate) => sum + estimate, 0n);
  const fees = await provider.getFeeData();
  const feePerGas =
    fees.maxFeePerGas ?? fees.gasPrice ?? fail("estimateDeployment: the node gave no gas price");
  return { contracts: remaining.map((step) => step.contract), gas, feePerGas, total: gas * feePerGas };
}

/** The least the sealed ballots module's creation costs: its contracts' CREATEs and code deposits. */
function sealedModuleCreationGas(): bigint {
  return SEALED_MODULE_ARTIFACTS.map(readArtifact).reduce(
    (sum, { deployedBytecode }) =>
      sum + CREATE_GAS + CODE_DEPOSIT_GAS_PER_BYTE * BigInt(getBytes(deployedBytecode).length),
    0n,
  );
}

/**
 * Checks that every contract in `deployed` is on chain as the build made it, and wired to the
 * others: its runtime code hashes as the artifact's, with the libraries it links at their recorded
 * addresses and its immutables (values its constructor set) masked; then the immutables that name
 * another contract of the deployment are read back (the Zone's verifiers, the sealed verifier's
 * key, the factory's implementation and sealed module). Throws naming the first contract that is
 * missing or different.
 */
export async function verifyDeployedContracts(
  provider: Provider,
  deployed: Partial<ZoneDaoDeployment>,
  options: Pick<DeployOptions, "sealedBallotKey">,
): Promise<void> {
  for (const contract of Object.keys(ARTIFACTS) as ZoneDaoContract[]) {
    const address = deployed[contract];
    if (address === undefined) continue;
    const artifact = readArtifact(ARTIFACTS[contract]);
    const code = getBytes(await provider.getCode(address));
    const name = `${contract} (${artifact.contractName} at ${address})`;
    if (code.length === 0) throw new Error(`${name}: there is no contract there`);
    if (keccak256(maskImmutables(code, artifact)) !== keccak256(expectedCode(artifact, address, deployed))) {
      throw new Error(`${name}: its code is not the build's ${artifact.contractName}`);
    }
    const miswired = await wiringMismatch(contract, address, provider, deployed, options);
    if (miswired !== undefined) throw new Error(`${name}: ${miswired}`);
  }
}

/**
 * The artifact's runtime code at `address`, with its libraries linked to `deployed`'s, immutables
 * left zero.
 */
function expectedCode(artifact: Artifact, address: string, deployed: Partial<ZoneDaoDeployment>): Uint8Array {
  const code = getBytes(artifact.deployedBytecode.replace(/__\$[0-9a-f]{34}\$__/g, "0".repeat(40)));
  // A library compiled without viaIR (PoseidonT3) starts with PUSH20 0, ADDRESS, EQ: its call
  // protection, whose zero the creation code replaces with the library's own address. (viaIR lists
  // that value among its immutables, as library_deploy_address.)
  if (code[0] === PUSH20 && code.subarray(1, 21).every((byte) => byte === 0) && code[21] === ADDRESS_OPCODE) {
    code.set(getBytes(address), 1);
  }
  for (const [source, libraries] of Object.entries(artifact.deployedLinkReferences)) {
    for (const [library, references] of Object.entries(libraries)) {
      const contract = LIBRARIES[`${source}:${library}`] ?? fail(`unknown library ${source}:${library}`);
      const address = getBytes(
        deployed[contract] ?? fail(`${artifact.contractName} links ${contract}, not recorded`),
      );
      for (const { start } of references) code.set(address, start);
    }
  }
  return code;
}

/** `code` with the artifact's immutable ranges zeroed (a copy). */
function maskImmutables(code: Uint8Array, artifact: Artifact): Uint8Array {
  const masked = Uint8Array.from(code);
  for (const references of Object.values(artifact.immutableReferences)) {
    for (const { start, length } of references)
      masked.fill(0, start, Math.min(start + length, masked.length));
  }
  return masked;
}

/** What is wrong with the contract's wiring to the rest of the deployment, or undefined. */
async function wiringMismatch(
  contract: ZoneDaoContract,
  address: string,
  provider: Provider,
  deployed: Partial<ZoneDaoDeployment>,
  { sealedBallotKey }: Pick<DeployOptions, "sealedBallotKey">,
): Promise<string | undefined> {
  const differs = (actual: string, expected: string | undefined) =>
    expected !== undefined && getAddress(actual) !== getAddress(expected);
  if (contract === "zoneImplementation") {
    const zone = Zone__factory.connect(address, provider);
    const [verifier, batchVerifier] = await Promise.all([zone.VERIFIER(), zone.BATCH_VERIFIER()]);
    if (differs(verifier, deployed.semaphoreVerifier)) return `its verifier is ${verifier}`;
    if (differs(batchVerifier, deployed.batchVerifier)) return `its batch verifier is ${batchVerifier}`;
  }
  if (contract === "sealedBallotVerifier" && sealedBallotKey !== undefined) {
    const key = await SealedBallotVerifier__factory.connect(address, provider).verificationKey();
    const expected = verifierKeyWords(sealedBallotKey);
    if (key.length !== expected.length || key.some((word, index) => word !== expected[index])) {
      return "it holds another sealed ballot key than --sealed-zkey's";
    }
  }
  if (contract === "zoneFactory") {
    const factory = ZoneFactory__factory.connect(address, provider);
    const [implementation, sealedBallots] = await Promise.all([
      factory.ZONE_IMPLEMENTATION(),
      factory.SEALED_BALLOTS(),
    ]);
    if (differs(implementation, deployed.zoneImplementation))
      return `its zone implementation is ${implementation}`;
    const sealedVerifier =
      sealedBallots === ZeroAddress
        ? ZeroAddress
        : await ZoneSealedBallots__factory.connect(sealedBallots, provider).VERIFIER();
    if (differs(sealedVerifier, deployed.sealedBallotVerifier ?? ZeroAddress)) {
      return `its sealed ballots verifier is ${sealedVerifier === ZeroAddress ? "none" : sealedVerifier}`;
    }
  }
  return undefined;
}

function fail(message: string): never {
  throw new Error(message);
}
