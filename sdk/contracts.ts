/**
 * Bindings to the deployed contracts. ABIs and bytecode come from the Hardhat build (artifacts/),
 * the one source of truth; nothing here copies an ABI by hand.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Contract, ContractFactory, type ContractRunner, type InterfaceAbi, type Signer } from "ethers";
import type { ZoneRules } from "./types.js";

const ARTIFACTS_DIR = join(dirname(dirname(fileURLToPath(import.meta.url))), "artifacts");

/** Artifact paths, relative to artifacts/, of every contract the sdk deploys or talks to. */
const ARTIFACT_PATHS = {
  PoseidonT3: "poseidon-solidity/PoseidonT3.sol/PoseidonT3.json",
  SemaphoreVerifier: "@semaphore-protocol/contracts/base/SemaphoreVerifier.sol/SemaphoreVerifier.json",
  Semaphore: "@semaphore-protocol/contracts/Semaphore.sol/Semaphore.json",
  Zone: "contracts/Zone.sol/Zone.json",
  ZoneFactory: "contracts/ZoneFactory.sol/ZoneFactory.json",
} as const;
export type ContractName = keyof typeof ARTIFACT_PATHS;

interface Artifact {
  abi: InterfaceAbi;
  bytecode: string;
  linkReferences: Record<string, Record<string, { start: number; length: number }[]>>;
}

const artifactCache = new Map<ContractName, Artifact>();

/** Reads a compiled artifact; run `npx hardhat compile` first. */
export function loadArtifact(name: ContractName): Artifact {
  let artifact = artifactCache.get(name);
  if (!artifact) {
    const path = join(ARTIFACTS_DIR, ARTIFACT_PATHS[name]);
    try {
      artifact = JSON.parse(readFileSync(path, "utf8")) as Artifact;
    } catch (error) {
      throw new Error(`cannot read ${path}: compile the contracts first (npx hardhat compile)`, { cause: error });
    }
    artifactCache.set(name, artifact);
  }
  return artifact;
}

/** Deploys `name`, filling its library placeholders with `libraries` (library name => address). */
export async function deployContract(
  name: ContractName,
  signer: Signer,
  args: unknown[] = [],
  libraries: Record<string, string> = {},
): Promise<Contract> {
  const artifact = loadArtifact(name);
  const factory = new ContractFactory(artifact.abi, linkBytecode(artifact, libraries), signer);
  const contract = await factory.deploy(...args);
  await contract.waitForDeployment();
  return contract as Contract;
}

function linkBytecode(artifact: Artifact, libraries: Record<string, string>): string {
  let bytecode = artifact.bytecode.slice(2);
  for (const libraryRefs of Object.values(artifact.linkReferences)) {
    for (const [library, references] of Object.entries(libraryRefs)) {
      const address = libraries[library];
      if (!address) throw new Error(`library ${library} needs an address to link`);
      for (const { start, length } of references) {
        bytecode =
          bytecode.slice(0, start * 2) + address.slice(2).toLowerCase() + bytecode.slice((start + length) * 2);
      }
    }
  }
  return `0x${bytecode}`;
}

/** The addresses a ZoneDAO deployment consists of. */
export interface ZoneDaoDeployment {
  poseidonT3: string;
  semaphoreVerifier: string;
  zoneImplementation: string;
  zoneFactory: string;
}

/**
 * Deploys ZoneDAO: Poseidon, the official Semaphore v4 verifier (all depths 1-32), the Zone
 * implementation and the factory. `onProgress` hears one line per step.
 */
export async function deployZoneDao(
  signer: Signer,
  onProgress: (step: string) => void = () => undefined,
): Promise<ZoneDaoDeployment> {
  onProgress("deploying PoseidonT3");
  const poseidon = await deployContract("PoseidonT3", signer);
  onProgress("deploying SemaphoreVerifier (official Semaphore v4 keys)");
  const verifier = await deployContract("SemaphoreVerifier", signer);
  onProgress("deploying Zone implementation");
  const zone = await deployContract("Zone", signer, [await verifier.getAddress()], {
    PoseidonT3: await poseidon.getAddress(),
  });
  onProgress("deploying ZoneFactory");
  const factory = await deployContract("ZoneFactory", signer, [await zone.getAddress()]);
  return {
    poseidonT3: await poseidon.getAddress(),
    semaphoreVerifier: await verifier.getAddress(),
    zoneImplementation: await zone.getAddress(),
    zoneFactory: await factory.getAddress(),
  };
}

/** A zone contract at `address`. */
export function zoneAt(address: string, runner: ContractRunner): Contract {
  return new Contract(address, loadArtifact("Zone").abi, runner);
}

/** The zone factory at `address`. */
export function zoneFactoryAt(address: string, runner: ContractRunner): Contract {
  return new Contract(address, loadArtifact("ZoneFactory").abi, runner);
}

/** Creates a zone through the factory and returns its address (from the ZoneCreated event). */
export async function createZone(
  factory: Contract,
  params: { name: string; registrar: string; rules: ZoneRules },
): Promise<string> {
  const tx = (await factory.getFunction("createZone")(params.name, params.registrar, params.rules)) as {
    wait(): Promise<{ logs: { topics: string[]; data: string }[] } | null>;
  };
  const receipt = await tx.wait();
  for (const log of receipt?.logs ?? []) {
    const parsed = factory.interface.parseLog(log);
    if (parsed?.name === "ZoneCreated") return parsed.args.getValue("zone") as string;
  }
  throw new Error("createZone: no ZoneCreated event in the receipt");
}
