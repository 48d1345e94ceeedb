/**
 * The real Safe multisig (1.4.1) for tests that need a k-of-n account, e.g. as a zone's registrar
 * (issue 16). The bytecode is the compiled artifacts that the npm package
 * `@safe-global/safe-contracts` ships in `build/artifacts` (solc 0.7.6), deployed as is: nothing
 * here is recompiled, so what is tested is the Safe that owners would use.
 *
 * Owners sign EIP-712 typed data (`SafeTx`), which Safe checks with plain `ecrecover` (v = 27/28);
 * eth_sign signatures would need v + 4 and a prefixed hash instead.
 */
import { createRequire } from "node:module";
import {
  Contract,
  ContractFactory,
  Interface,
  Signature,
  TypedDataEncoder,
  ZeroAddress,
  concat,
  getAddress,
  type ContractTransactionReceipt,
  type ContractTransactionResponse,
  type InterfaceAbi,
  type Signer,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";

const require = createRequire(import.meta.url);

/** The part of a Hardhat artifact that deploying needs. */
interface SafeArtifact {
  contractName: string;
  abi: InterfaceAbi;
  bytecode: string;
}

function safeArtifact(path: string): SafeArtifact {
  return require(`@safe-global/safe-contracts/build/artifacts/contracts/${path}`) as SafeArtifact;
}

/** The singleton for L1 chains (SafeL2 only adds events for indexers without tracing). */
export const SAFE_ARTIFACT = safeArtifact("Safe.sol/Safe.json");
export const SAFE_PROXY_FACTORY_ARTIFACT = safeArtifact("proxies/SafeProxyFactory.sol/SafeProxyFactory.json");
/** The fallback handler Safe's own deployments set: ERC-1271 signatures, token callbacks. */
export const FALLBACK_HANDLER_ARTIFACT = safeArtifact(
  "handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json",
);

/** A deployment of the Safe contracts: each proxy delegates to `singleton`. */
export interface SafeContracts {
  singleton: string;
  proxyFactory: Contract;
  fallbackHandler: string;
}

/** One Safe account: a proxy, read and called through the singleton's ABI. */
export interface Safe {
  address: string;
  contract: Contract;
}

/** What a Safe transaction calls: `to` with `data` and `value`. */
export interface SafeCall {
  to: string;
  data: string;
  value?: bigint;
}

/** Safe's `Enum.Operation`: a call, never a delegatecall, in these tests. */
const CALL = 0;

/** EIP-712 type of a Safe transaction (Safe 1.3.0 and later; the domain is chainId + verifyingContract). */
const SAFE_TX_TYPES: Record<string, TypedDataField[]> = {
  SafeTx: [
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "data", type: "bytes" },
    { name: "operation", type: "uint8" },
    { name: "safeTxGas", type: "uint256" },
    { name: "baseGas", type: "uint256" },
    { name: "gasPrice", type: "uint256" },
    { name: "gasToken", type: "address" },
    { name: "refundReceiver", type: "address" },
    { name: "nonce", type: "uint256" },
  ],
};

/** Deploys the Safe singleton, the proxy factory and the fallback handler from the npm artifacts. */
export async function deploySafeContracts(deployer: Signer): Promise<SafeContracts> {
  const deploy = async (artifact: SafeArtifact) => {
    const contract = await new ContractFactory(artifact.abi, artifact.bytecode, deployer).deploy();
    await contract.waitForDeployment();
    return contract.getAddress();
  };
  const singleton = await deploy(SAFE_ARTIFACT);
  const proxyFactory = new Contract(
    await deploy(SAFE_PROXY_FACTORY_ARTIFACT),
    SAFE_PROXY_FACTORY_ARTIFACT.abi,
    deployer,
  );
  const fallbackHandler = await deploy(FALLBACK_HANDLER_ARTIFACT);
  return { singleton, proxyFactory, fallbackHandler };
}

/**
 * Creates a Safe proxy owned by `owners` that needs `threshold` of their signatures. The proxy's
 * address depends on the set-up and `saltNonce`: two Safes with the same owners and threshold on
 * one chain need different salts.
 */
export async function createSafe(
  contracts: SafeContracts,
  owners: Signer[],
  threshold: number,
  saltNonce = 0n,
): Promise<Safe> {
  const safeInterface = new Interface(SAFE_ARTIFACT.abi);
  const initializer = safeInterface.encodeFunctionData("setup", [
    await Promise.all(owners.map((owner) => owner.getAddress())),
    threshold,
    ZeroAddress, // no module set-up call
    "0x",
    contracts.fallbackHandler,
    ZeroAddress, // no payment for the creation
    0n,
    ZeroAddress,
  ]);
  const created = (await contracts.proxyFactory.getFunction("createProxyWithNonce")(
    contracts.singleton,
    initializer,
    saltNonce,
  )) as ContractTransactionResponse;
  const receipt = await created.wait();
  for (const log of receipt?.logs ?? []) {
    const parsed = contracts.proxyFactory.interface.parseLog(log);
    if (parsed?.name === "ProxyCreation") {
      const address = parsed.args.getValue("proxy") as string;
      return { address, contract: new Contract(address, SAFE_ARTIFACT.abi, contracts.proxyFactory.runner) };
    }
  }
  throw new Error("createSafe: no ProxyCreation event in the receipt");
}

/** The typed data an owner signs for `call` at the Safe's `nonce` (no refund: all gas fields 0). */
async function safeTransaction(safe: Safe, call: SafeCall, nonce: bigint) {
  const provider = safe.contract.runner?.provider;
  if (!provider) throw new Error("safeTransaction: the Safe's contract has no provider");
  const { chainId } = await provider.getNetwork();
  const domain: TypedDataDomain = { chainId, verifyingContract: safe.address };
  const message = {
    to: getAddress(call.to),
    value: call.value ?? 0n,
    data: call.data,
    operation: CALL,
    safeTxGas: 0n,
    baseGas: 0n,
    gasPrice: 0n,
    gasToken: ZeroAddress,
    refundReceiver: ZeroAddress,
    nonce,
  };
  return { domain, message };
}

/** The Safe's current nonce: the one its next transaction must be signed for. */
export async function safeNonce(safe: Safe): Promise<bigint> {
  return (await safe.contract.getFunction("nonce")()) as bigint;
}

/** The EIP-712 hash owners sign for `call` at `nonce`, computed off chain. */
export async function safeTransactionHash(safe: Safe, call: SafeCall, nonce: bigint): Promise<string> {
  const { domain, message } = await safeTransaction(safe, call, nonce);
  return TypedDataEncoder.hash(domain, SAFE_TX_TYPES, message);
}

/**
 * Has `signers` sign a call of `to` with `data` and `value` at the Safe's current nonce (EIP-712),
 * and submits it with `execTransaction` from the first of them. Safe wants the signatures ordered
 * by owner address, ascending, so they are sorted here, whatever the order of `signers`.
 *
 * With safeTxGas and gasPrice 0, Safe reverts the whole transaction when the inner call fails
 * (GS013) instead of consuming the nonce: every refusal, Safe's (GS020: too few signatures;
 * GS026: a signer who is no owner or signs twice) or the called contract's, rejects the promise.
 */
export async function execSafeTransaction(
  safe: Safe,
  signers: Signer[],
  to: string,
  data: string,
  value = 0n,
): Promise<ContractTransactionReceipt> {
  const [submitter] = signers;
  if (!submitter) throw new Error("execSafeTransaction: no signer");
  const call = { to, data, value };
  const { domain, message } = await safeTransaction(safe, call, await safeNonce(safe));
  const signed = await Promise.all(
    signers.map(async (signer) => ({
      owner: BigInt(await signer.getAddress()),
      signature: Signature.from(await signer.signTypedData(domain, SAFE_TX_TYPES, message)).serialized,
    })),
  );
  signed.sort((a, b) => (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0));
  const signatures = concat(signed.map(({ signature }) => signature));
  const execTransaction = safe.contract.connect(submitter).getFunction("execTransaction");
  const sent = (await execTransaction(
    message.to,
    message.value,
    message.data,
    message.operation,
    message.safeTxGas,
    message.baseGas,
    message.gasPrice,
    message.gasToken,
    message.refundReceiver,
    signatures,
  )) as ContractTransactionResponse;
  const receipt = await sent.wait();
  if (!receipt) throw new Error("execSafeTransaction: no receipt");
  return receipt;
}
