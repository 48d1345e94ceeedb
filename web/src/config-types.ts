/** The app's /config.json: where its relayers and chain are, and the zones it knows by name. */
export interface WebConfig {
  format: "zonedao-web/1";
  chainId: string;
  /**
   * JSON-RPC URL (absolute, or a path on the app's own origin) for what the relayer does not say:
   * a proposal's snapshot group rebuilt from events when the relayer's members do not match it, the
   * zone's quorum rule and whether a nullifier is already used on chain. Null: relayers only.
   */
  rpcUrl: string | null;
  /** Relayers in order of preference: a vote goes to the next when one is down or fails (5xx). */
  relayers: string[];
  zones: { address: string; name: string; createdBlock: number }[];
  /**
   * The factory's modules, so proposal actions that call them read as sentences; `sealedBallots`
   * (with `tellers`) only in a deployment with sealed ballots, where the app reads each sealed
   * proposal's key from the chain.
   */
  contracts: {
    services?: string;
    goods?: string;
    trade?: string;
    stablecoin?: string;
    tellers?: string;
    sealedBallots?: string;
  };
  /**
   * The sealed ballot circuit's proving files on the app's origin, with their SHA-256 (checked
   * before proving), in a deployment with sealed ballots.
   */
  sealedBallot?: { wasm: string; zkey: string; wasmSha256: string; zkeySha256: string };
}

/** The block the config says `zone` was created at (0 if it does not know): where its events start. */
export function zoneCreatedBlock(config: WebConfig, zone: string): number {
  return config.zones.find((known) => known.address.toLowerCase() === zone.toLowerCase())?.createdBlock ?? 0;
}
