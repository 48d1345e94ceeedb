/**
 * What every zonedao command shares: reading settings from flags or the environment, checking
 * them with messages that say what is wrong, connecting to a chain, finding zones, proposals,
 * identities and relayers, and printing readable text or JSON.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { HDNodeWallet, JsonRpcProvider, Network, Wallet, getAddress, isAddress, type Provider } from "ethers";
import {
  PROPOSAL_STATES,
  formatDeployment,
  importIdentity,
  jsonRpcProvider,
  parseDeployment,
  setLogRange,
  zoneAt,
  zoneCreatedBlock,
  type DeploymentFile,
  type Identity,
  type Zone,
} from "../sdk/index.js";

/** A mistake in how a command was called: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A command that could not do its job (unknown zone, closed proposal...): exit code 1. */
export class CommandError extends Error {
  override name = "CommandError";
}

export type Flags = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** Resolved settings and output for one command run. */
export class CommandContext {
  #deployment: DeploymentFile | undefined | null = null;
  #provider: Promise<JsonRpcProvider> | undefined;

  constructor(
    readonly flags: Flags,
    readonly env: Readonly<Record<string, string | undefined>>,
  ) {}

  get json(): boolean {
    return this.flags.json === true;
  }

  /** A flag's value, else the environment variable's, else undefined. */
  text(flag: string, envName?: string): string | undefined {
    const value = this.flags[flag];
    if (typeof value === "string" && value.trim() !== "") return value.trim();
    const fromEnv = envName === undefined ? undefined : this.env[envName]?.trim();
    return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
  }

  required(flag: string, envName?: string): string {
    const value = this.text(flag, envName);
    if (value === undefined) {
      throw new UsageError(`--${flag} is required${envName === undefined ? "" : ` (or set ${envName})`}`);
    }
    return value;
  }

  /** The deployment file named by --deployment or ZONEDAO_DEPLOYMENT, if any. */
  deployment(): DeploymentFile | undefined {
    if (this.#deployment !== null) return this.#deployment;
    const path = this.text("deployment", "ZONEDAO_DEPLOYMENT");
    if (path === undefined) return (this.#deployment = undefined);
    if (!existsSync(path)) throw new UsageError(`--deployment: no file at ${path}`);
    this.#deployment = parseDeployment(readFileSync(path, "utf8"), path);
    return this.#deployment;
  }

  requireDeployment(): DeploymentFile {
    const deployment = this.deployment();
    if (deployment === undefined) {
      throw new UsageError("--deployment is required (a file written by `zonedao deploy` or `npm start`)");
    }
    return deployment;
  }

  saveDeployment(deployment: DeploymentFile): string {
    const path = this.required("deployment", "ZONEDAO_DEPLOYMENT");
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, formatDeployment(deployment));
    this.#deployment = deployment;
    return path;
  }

  rpcUrl(): string {
    const url = this.text("rpc", "ZONEDAO_RPC_URL") ?? this.deployment()?.rpcUrl;
    if (url === undefined)
      throw new UsageError("--rpc is required (or set ZONEDAO_RPC_URL, or give --deployment)");
    if (!/^https?:\/\/\S+$/.test(url)) throw new UsageError(`--rpc: "${url}" is not an http(s) URL`);
    return url;
  }

  /**
   * A provider for --rpc, after checking that a JSON-RPC node answers there and, with a deployment
   * file, that it is the file's chain: every command asks for the provider before it reads or sends
   * anything, so none sends a transaction (real gas) to addresses that mean nothing on that chain.
   */
  provider(): Promise<JsonRpcProvider> {
    const logRange = this.text("log-range", "ZONEDAO_LOG_RANGE");
    // Without it, a range the RPC refuses is halved until it serves one (sdk/logs.ts).
    if (logRange !== undefined) {
      if (!/^[1-9]\d{0,8}$/.test(logRange))
        throw new UsageError(`--log-range: "${logRange}" is not a number of blocks (1 or more)`);
      setLogRange(Number(logRange));
    }
    this.#provider ??= connect(this.rpcUrl()).then((provider) => this.#onDeploymentChain(provider));
    return this.#provider;
  }

  async #onDeploymentChain(provider: JsonRpcProvider): Promise<JsonRpcProvider> {
    // `deploy` names the file it will write: there may be none yet.
    const path = this.text("deployment", "ZONEDAO_DEPLOYMENT");
    if (path === undefined || !existsSync(path)) return provider;
    const deployment = this.requireDeployment();
    const { chainId } = await provider.getNetwork();
    if (BigInt(deployment.chainId) !== chainId) {
      throw new CommandError(
        `the node at ${this.rpcUrl()} is chain ${chainId}, but the deployment file ${path} is for chain ` +
          `${deployment.chainId}: nothing was sent. Give --rpc a node of chain ${deployment.chainId}, or ` +
          `another --deployment file.`,
      );
    }
    return provider;
  }

  /** Whether a signing account is given (--key, --keystore, or their environment variables). */
  hasSigner(): boolean {
    return (
      this.text("key", "ZONEDAO_PRIVATE_KEY") !== undefined ||
      this.text("keystore", "ZONEDAO_KEYSTORE") !== undefined
    );
  }

  /**
   * The account that signs: --keystore FILE (or ZONEDAO_KEYSTORE), an ethers JSON keystore opened
   * with ZONEDAO_KEYSTORE_PASSWORD, else --key (or ZONEDAO_PRIVATE_KEY). Neither key nor password is
   * ever printed.
   */
  async signer(): Promise<Wallet> {
    const keystore = this.text("keystore", "ZONEDAO_KEYSTORE");
    if (keystore !== undefined)
      return (await openKeystore(keystore, this.env, "keystore")).connect(await this.provider());
    const key = this.text("key", "ZONEDAO_PRIVATE_KEY");
    if (key === undefined) {
      throw new UsageError(
        "a signing account is required: ZONEDAO_PRIVATE_KEY or --keystore FILE (with ZONEDAO_KEYSTORE_PASSWORD), or --key",
      );
    }
    let wallet: Wallet;
    try {
      wallet = new Wallet(key);
    } catch {
      throw new UsageError("--key is not a private key (expected 0x followed by 64 hex digits)");
    }
    return wallet.connect(await this.provider());
  }

  /**
   * The key in the keystore file named by `--flag` (or `envName`), opened as --keystore's is (its
   * password from ZONEDAO_KEYSTORE_PASSWORD); undefined if none is named. For a command that hands
   * keys on rather than signing itself (`zonedao relayer`).
   */
  async keystoreKey(flag: string, envName: string): Promise<string | undefined> {
    const path = this.text(flag, envName);
    return path === undefined ? undefined : (await openKeystore(path, this.env, flag)).privateKey;
  }

  /**
   * The zone named by --zone: an address, or a zone's name in the deployment file. Checked to be a
   * ZoneDAO zone on the chain.
   */
  async zone(): Promise<{ address: string; zone: Zone; createdBlock: number }> {
    const given = this.required("zone", "ZONEDAO_ZONE");
    const named = this.deployment()?.zones.find((zone) => zone.name.toLowerCase() === given.toLowerCase());
    if (named === undefined && !isAddress(given)) {
      throw new UsageError(
        `--zone: "${String(given)}" is not an address${this.deployment() ? " nor a zone in the deployment file" : ""}`,
      );
    }
    const address = getAddress(named?.address ?? given);
    const provider = await this.provider();
    const zone = zoneAt(address, provider);
    const { chainId } = await provider.getNetwork();
    if ((await provider.getCode(address)) === "0x") {
      throw new CommandError(`no ZoneDAO zone at ${address} on chain ${chainId}: there is no contract there`);
    }
    try {
      await zone.merkleTree();
    } catch {
      throw new CommandError(`the contract at ${address} on chain ${chainId} is not a ZoneDAO zone`);
    }
    const deployment = this.deployment();
    const known = deployment?.zones.find((entry) => entry.address === address);
    // Found on chain for a zone the file does not name, so no event read starts at block 0.
    const createdBlock =
      known?.createdBlock ?? (await zoneCreatedBlock(provider, address, deployment?.blockNumber ?? 0));
    return { address, zone, createdBlock };
  }

  /** The citizen's identity: --identity (exported), --identity-file, or --citizen (a local demo name). */
  identity(): Identity {
    const exported = this.text("identity", "ZONEDAO_IDENTITY");
    const file = this.text("identity-file");
    const citizen = this.text("citizen");
    if ([exported, file, citizen].filter((value) => value !== undefined).length !== 1) {
      throw new UsageError("give exactly one of --identity, --identity-file or --citizen");
    }
    if (citizen !== undefined) {
      const demo = this.deployment()?.demo?.citizens.find(
        (entry) => entry.name.toLowerCase() === citizen.toLowerCase(),
      );
      if (demo === undefined)
        throw new UsageError(`--citizen: no demo citizen "${citizen}" in the deployment file`);
      return importIdentity(demo.identity);
    }
    const text = exported ?? readIdentityFile(file!);
    try {
      return importIdentity(text);
    } catch (error) {
      throw new UsageError(`--identity: ${(error as Error).message}`);
    }
  }

  /** The relayer to send through: --relayer, ZONEDAO_RELAYER_URL, else (unless --key) the deployment's. */
  /**
   * Where a citizen's proof will go: a relayer's URL, or undefined to send it from --key. Asked
   * before proving, so a command with neither says so at once, not after the proof's seconds.
   */
  sendingRelayer(): string | undefined {
    const url = this.relayerUrl();
    if (url === undefined && !this.hasSigner()) {
      throw new UsageError(
        "give --relayer URL (a relayer sends it and pays the gas; also ZONEDAO_RELAYER_URL, or a " +
          "deployment file naming one, see `zonedao relayer`) or --key KEY (your own account sends it and pays)",
      );
    }
    return url;
  }

  relayerUrl(): string | undefined {
    return (
      this.text("relayer", "ZONEDAO_RELAYER_URL") ??
      (this.text("key") !== undefined || this.text("keystore") !== undefined
        ? undefined
        : this.deployment()?.relayer?.url)
    );
  }

  /** A uint from a flag (decimal), with its name in the error. */
  uint(flag: string, fallback?: bigint): bigint {
    const value = this.text(flag);
    if (value === undefined) {
      if (fallback !== undefined) return fallback;
      throw new UsageError(`--${flag} is required`);
    }
    if (!/^\d+$/.test(value)) throw new UsageError(`--${flag}: "${value}" is not a whole number`);
    return BigInt(value);
  }

  /** Identity commitments (decimal) from a repeatable flag, each value also comma-separated. */
  commitments(flag: string): bigint[] {
    const values = ((this.flags[flag] as string[] | undefined) ?? []).flatMap((value) => value.split(","));
    return values.map((value) => {
      if (!/^\d+$/.test(value.trim()))
        throw new UsageError(`--${flag}: "${value}" is not a decimal identity commitment`);
      return BigInt(value.trim());
    });
  }

  address(flag: string, fallback?: string): string {
    const value = this.text(flag) ?? fallback;
    if (value === undefined) throw new UsageError(`--${flag} is required`);
    if (!isAddress(value)) throw new UsageError(`--${flag}: "${String(value)}" is not an address`);
    return getAddress(value);
  }

  /** Progress for a person watching; on stderr so that --json output stays parseable. */
  progress(line: string): void {
    process.stderr.write(`${line}\n`);
  }

  /** Prints `value` as JSON with --json, else the readable `text`. */
  print(value: unknown, text: string): void {
    process.stdout.write(this.json ? `${JSON.stringify(value, bigintsAsStrings, 2)}\n` : `${text}\n`);
  }
}

function bigintsAsStrings(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

function readIdentityFile(path: string): string {
  if (!existsSync(path)) throw new UsageError(`--identity-file: no file at ${path}`);
  return readFileSync(path, "utf8");
}

/**
 * The wallet in an ethers JSON keystore file, opened with ZONEDAO_KEYSTORE_PASSWORD; errors name the
 * `flag` that gave the file.
 */
async function openKeystore(
  path: string,
  env: Readonly<Record<string, string | undefined>>,
  flag: string,
): Promise<Wallet> {
  if (!existsSync(path)) throw new UsageError(`--${flag}: no file at ${path}`);
  const password = env.ZONEDAO_KEYSTORE_PASSWORD;
  if (password === undefined) {
    throw new UsageError(
      `--${flag} needs ZONEDAO_KEYSTORE_PASSWORD in the environment (a password is never taken on the command line)`,
    );
  }
  let opened: Wallet | HDNodeWallet;
  try {
    opened = await Wallet.fromEncryptedJson(readFileSync(path, "utf8"), password);
  } catch (error) {
    throw new UsageError(`--${flag}: ${path} did not open: ${(error as Error).message}`);
  }
  return new Wallet(opened.privateKey);
}

/** Connects to a JSON-RPC node, failing with a clear message if none answers within 10 s. */
async function connect(url: string): Promise<JsonRpcProvider> {
  let chainId: bigint;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { result?: string };
    if (typeof body.result !== "string") throw new Error("it did not answer eth_chainId");
    chainId = BigInt(body.result);
  } catch (error) {
    throw new CommandError(`cannot reach an Ethereum JSON-RPC node at ${url}: ${(error as Error).message}`);
  }
  // A known network stops ethers from probing (and logging retries) in the background.
  return jsonRpcProvider(url, Network.from(chainId), { staticNetwork: true, cacheTimeout: -1 });
}

/** Proposal `proposalId` of the zone and its state's name, or a clear error if there is none. */
export async function existingProposal(zone: Zone, address: string, proposalId: bigint) {
  if (proposalId === 0n || proposalId > (await zone.proposalCount())) {
    throw new CommandError(`zone ${address} has no proposal ${proposalId}`);
  }
  const view = await zone.getProposal(proposalId);
  return { view, state: PROPOSAL_STATES[Number(view.state)] };
}

/** A chain timestamp (seconds) as the commands print it: ISO 8601, UTC (the sdk's timelines' way). */
export { formatChainTime as formatTime } from "../sdk/index.js";

export async function chainIdOf(provider: Provider): Promise<bigint> {
  return (await provider.getNetwork()).chainId;
}
