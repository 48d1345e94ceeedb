/**
 * What the app reads and sends: its config, the relayers (in order, the next one taking over when
 * one is down or fails) and, when configured, the chain over JSON-RPC for what relayers don't say.
 */
import { Contract, JsonRpcProvider, Network, ZeroAddress, getAddress } from "ethers";
import type {
  InvitationRequest,
  ProposalRequest,
  SealedVoteRequest,
  VoteRequest,
} from "../../sdk/relayer-api.js";
import { RelayerClient, RelayerRefusal } from "../../sdk/relayer-client.js";
import { Zone__factory } from "../../types/ethers-contracts/factories/contracts/Zone__factory.js";
import { ZoneTrade__factory } from "../../types/ethers-contracts/factories/contracts/economy/ZoneTrade__factory.js";
import { ZoneSealedBallots__factory } from "../../types/ethers-contracts/factories/contracts/sealed/ZoneSealedBallots__factory.js";
import type { MemberPages, PathSource, TreeTop } from "../../sdk/private-path.js";
import type { KnownToken } from "../../sdk/treasury.js";
import type { WebConfig } from "./config-types.js";

export type { WebConfig } from "./config-types.js";
/** Proposals as relayers describe them: the relayer API's own type (sdk/relayer-api.ts). */
export type { ProposalInfo } from "../../sdk/relayer-api.js";

export async function loadConfig(): Promise<WebConfig> {
  const response = await fetch(new URL("config.json", document.baseURI));
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  const config = (await response.json()) as WebConfig;
  if (config.format !== "zonedao-web/1" || !Array.isArray(config.relayers) || config.relayers.length === 0) {
    throw new Error("config.json is not a ZoneDAO web config with at least one relayer");
  }
  return config;
}

/**
 * Whether a failure means "try another relayer": down, unreachable, failing on its side, or
 * answering with something that is not a relayer's answer (a proxy's error page).
 */
function relayerUnavailable(error: unknown): boolean {
  return !(error instanceof RelayerRefusal) || error.status >= 500 || error.code === "not_a_relayer_answer";
}

/** Every relayer failed to answer a read or take a submission: which ones, and why each. */
export class RelayersUnreachable extends Error {
  constructor(readonly failures: { relayer: string; reason: string }[]) {
    super(
      `no relayer answered (${failures.map(({ relayer, reason }) => `${relayer}: ${reason}`).join("; ")})`,
    );
    this.name = "RelayersUnreachable";
  }
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The relayers in order; they serve the private Merkle paths and member pages too. */
export class Relayers implements PathSource, MemberPages {
  readonly clients: RelayerClient[];

  constructor(urls: readonly string[]) {
    this.clients = urls.map((url) => new RelayerClient(url));
  }

  /** The first answer from the relayers in order; a refusal (4xx) is an answer, not a failover. */
  async first<T>(call: (client: RelayerClient) => Promise<T>): Promise<{ value: T; client: RelayerClient }> {
    const failures: { relayer: string; reason: string }[] = [];
    for (const client of this.clients) {
      try {
        return { value: await call(client), client };
      } catch (error) {
        if (!relayerUnavailable(error)) throw error;
        failures.push({ relayer: client.baseUrl, reason: reasonOf(error) });
      }
    }
    throw new RelayersUnreachable(failures);
  }

  /** A read, with the URL of the relayer that answered it (to name it if what it said is false). */
  async getFrom<T>(read: (client: RelayerClient) => Promise<T>): Promise<{ value: T; relayer: string }> {
    const { value, client } = await this.first(read);
    return { value, relayer: client.baseUrl };
  }

  async zones() {
    return (await this.first((client) => client.zones())).value;
  }

  /** The tree top of the zone's first `size` leaves (PathSource, sdk/private-path.ts). */
  async treeTop(zone: string, size: number): Promise<TreeTop> {
    return (await this.first((client) => client.treeTop(zone, size))).value;
  }

  /** One bucket of the zone's first `size` leaves (PathSource); the browser revalidates it by ETag. */
  async bucket(zone: string, index: number, size: number): Promise<bigint[]> {
    return (await this.first((client) => client.bucket(zone, index, size))).value;
  }

  /** A page of the zone's member list (MemberPages): its count, for the one search of a leaf index; never polled. */
  async membersPage(
    zone: string,
    offset: number,
    limit: number,
  ): Promise<{ members: string[]; total: number }> {
    return (await this.first((client) => client.membersPage(zone, offset, limit))).value;
  }

  proposals(zone: string) {
    return this.getFrom((client) => client.proposals(zone));
  }

  proposal(zone: string, id: string) {
    return this.getFrom((client) => client.proposal(zone, id));
  }

  submitVote(request: VoteRequest) {
    return this.firstAccepting((client) => client.submitVote(request));
  }

  submitSealedVote(request: SealedVoteRequest) {
    return this.firstAccepting((client) => client.submitSealedVote(request));
  }

  submitProposal(request: ProposalRequest) {
    return this.firstAccepting((client) => client.submitProposal(request));
  }

  submitInvitation(request: InvitationRequest) {
    return this.firstAccepting((client) => client.submitInvitation(request));
  }

  /**
   * Sends a submission to each relayer in order until one accepts it. Unlike a read, a refusal
   * does not end the search: the proof was made here and is what it is, so a relayer that refuses
   * it (wrongly, or maliciously) must not be able to keep it off the chain. If every relayer
   * refuses, the first refusal is the answer.
   */
  async firstAccepting<T>(
    call: (client: RelayerClient) => Promise<T>,
  ): Promise<{ value: T; client: RelayerClient }> {
    let firstRefusal: RelayerRefusal | undefined;
    const failures: { relayer: string; reason: string }[] = [];
    for (const client of this.clients) {
      try {
        return { value: await call(client), client };
      } catch (error) {
        if (error instanceof RelayerRefusal) firstRefusal ??= error;
        else failures.push({ relayer: client.baseUrl, reason: reasonOf(error) });
      }
    }
    if (firstRefusal !== undefined) throw firstRefusal;
    throw new RelayersUnreachable(failures);
  }
}

/** The chain over the configured JSON-RPC (a path resolves against the app's URL); undefined without one. */
export function chainProvider(config: WebConfig): JsonRpcProvider | undefined {
  if (!config.rpcUrl) return undefined;
  return new JsonRpcProvider(
    new URL(config.rpcUrl, document.baseURI).href,
    Network.from(BigInt(config.chainId)),
    {
      staticNetwork: true,
    },
  );
}

/** The tokens whose symbol the app trusts: its config's stablecoin (any token may call itself USDz). */
export function knownTokens(config: WebConfig): Record<string, KnownToken> {
  const { stablecoin } = config.contracts;
  return stablecoin ? { [getAddress(stablecoin)]: { symbol: "USDz", decimals: 18 } } : {};
}

/** What `owner` holds of `token` (the zero address: ether), read over the RPC. */
export async function tokenBalance(provider: JsonRpcProvider, token: string, owner: string): Promise<bigint> {
  if (token === ZeroAddress) return provider.getBalance(owner);
  const erc20 = new Contract(token, ["function balanceOf(address) view returns (uint256)"], provider);
  return (await erc20.getFunction("balanceOf")(owner)) as bigint;
}

/** The zone's contract over the configured JSON-RPC, read-only; undefined without an RPC URL. */
export function zoneReader(config: WebConfig, zone: string) {
  const provider = chainProvider(config);
  return provider && Zone__factory.connect(zone, provider);
}

/**
 * The sealed ballots module, read-only: where a sealed proposal's key and ballots are; undefined
 * without an RPC URL or sealed ballots in the config.
 */
export function sealedBallotsReader(config: WebConfig) {
  const provider = chainProvider(config);
  return provider && config.contracts.sealedBallots
    ? ZoneSealedBallots__factory.connect(config.contracts.sealedBallots, provider)
    : undefined;
}

/** The trade contract, read-only; undefined without an RPC URL or a trade contract in the config. */
export function tradeReader(config: WebConfig) {
  const provider = chainProvider(config);
  return provider && config.contracts.trade
    ? ZoneTrade__factory.connect(config.contracts.trade, provider)
    : undefined;
}

/** A relayer's refusal or any failure, as a sentence for the citizen. */
export function explain(error: unknown): string {
  if (error instanceof RelayerRefusal) {
    if (error.code === "duplicate_nullifier") {
      return "You have already voted on this proposal with this identity: a second vote is refused.";
    }
    if (error.code === "proposal_not_active") return "This proposal is not open for voting.";
    if (error.code === "slot_out_of_range" && error.message.includes("invitations"))
      return "Invitations are off in this zone, or you have used this period's: the relayer refused it.";
    if (error.code === "unknown_zone") return "The relayer does not know this zone.";
    if (error.code === "unknown_proposal") return "The relayer does not know this proposal.";
    return `The relayer refused: ${error.message} (${error.code})`;
  }
  return error instanceof Error ? error.message : String(error);
}
