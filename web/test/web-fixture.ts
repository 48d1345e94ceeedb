/** What the web unit tests share: addresses made from small numbers and an app config around them. */
import { getAddress, toBeHex } from "ethers";
import type { WebConfig } from "../src/config-types.js";

/** A checksummed address whose value is `n`, readable in a failure's message. */
export const address = (n: number) => getAddress(toBeHex(n, 20));

export const ZONE = address(0x2a0e);

/** An app config for ZONE (no RPC: nothing is read) naming `contracts`. */
export function webConfig(contracts: WebConfig["contracts"]): WebConfig {
  return {
    format: "zonedao-web/1",
    chainId: "31337",
    rpcUrl: null,
    relayers: ["http://127.0.0.1:8787"],
    zones: [{ address: ZONE, name: "Riverside", createdBlock: 0 }],
    contracts,
  };
}
