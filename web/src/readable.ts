/**
 * Proposal actions as sentences, decoded in the browser with the sdk's describeProposal: the same
 * words on the proposal form's preview and on the page where citizens vote. Relayers send raw
 * actions only, and the app reads them itself (see verify-proposals.ts for where those actions come
 * from).
 */
import { Contract, getAddress, isAddress } from "ethers";
import { useEffect, useState } from "react";
import { ballotOptions } from "../../sdk/ballot.js";
import { describeProposal, type DescribeContext, type TokenInfo } from "../../sdk/describe.js";
import { optionsFromJson, type JsonAction } from "../../sdk/relayer-api.js";
import type { ZoneAction } from "../../sdk/types.js";
import { ZoneGoods__factory } from "../../types/ethers-contracts/factories/contracts/economy/ZoneGoods__factory.js";
import { ZoneServices__factory } from "../../types/ethers-contracts/factories/contracts/economy/ZoneServices__factory.js";
import { readEconomyNames, type EconomyNames } from "../../sdk/economy-names.js";
import { chainProvider, zoneReader, type WebConfig } from "./api.js";
import { zoneCreatedBlock } from "./config-types.js";
import { knownNames, withNames } from "./names.js";

/**
 * The sdk's describe context, plus the names the app's config gives addresses (zones, modules): the
 * sdk has no slot for them, so readableLines puts them in its sentences afterwards.
 */
export type ReadableContext = DescribeContext & { names?: Record<string, string> };

/**
 * How a proposal's actions read, as the zone's citizens see them when they vote: tokens as amounts,
 * the config's addresses by name, and goods and services by the names the economy gave them.
 */
export function describeContext(
  config: WebConfig,
  zone: string,
  tokens: Record<string, TokenInfo>,
  economy?: EconomyNames,
  admissions?: string,
): ReadableContext {
  const { services, goods, trade, tellers } = config.contracts;
  return { zone, services, goods, trade, tellers, tokens, ...economy, admissions, names: knownNames(config) };
}

/**
 * The zone's admissions contract (its ADMISSIONS()), read over RPC once per zone, so a veto on pending
 * admissions reads as one; undefined until read, and without an RPC.
 */
export function useAdmissionsAddress(config: WebConfig, zone: string): string | undefined {
  const [admissions, setAdmissions] = useState<string>();
  useEffect(() => {
    const reader = zoneReader(config, zone);
    if (!reader) return;
    let current = true;
    reader.ADMISSIONS().then(
      (address) => current && setAdmissions(address),
      () => undefined, // the sentences keep the raw call
    );
    return () => {
      current = false;
    };
  }, [config, zone]);
  return admissions;
}

/**
 * The names of the goods and of the zone's services (sdk readEconomyNames), read over RPC once per
 * zone while the page is open; undefined until read, and without an RPC or economy modules.
 */
export function useEconomyNames(config: WebConfig, zone: string): EconomyNames | undefined {
  const [names, setNames] = useState<EconomyNames>();
  useEffect(() => {
    const provider = chainProvider(config);
    const { goods, services } = config.contracts;
    if (!provider || (!goods && !services)) return;
    let current = true;
    const modules = {
      goods: goods ? ZoneGoods__factory.connect(goods, provider) : undefined,
      services: services ? ZoneServices__factory.connect(services, provider) : undefined,
    };
    readEconomyNames(modules, zone, zoneCreatedBlock(config, zone)).then(
      (read) => current && setNames(read),
      () => undefined, // the sentences keep the numbers
    );
    return () => {
      current = false;
    };
  }, [config, zone]);
  return names;
}

/**
 * One line per option, indexed by option as castVote numbers them (lines[1] is For's), in the sdk's
 * words and numbering (describeProposal): "For: pay 1.5 ETH to 0x…", "Option 1: Clearwater — pay …"
 * (named by `description`, the proposal's text), "Option 2: pay 1 ETH to 0x…". Show them in
 * ballotOrder. Addresses the config names read as their names ("pay 1 ETH to Riverside"); the others
 * stay whole.
 */
export function readableLines(
  options: readonly (readonly ZoneAction[])[],
  multipleChoice: boolean,
  context: ReadableContext,
  description = "",
): string[] {
  const { names = {}, ...describe } = context;
  const inBallotOrder = describeProposal(options, { ...describe, multipleChoice, description });
  const lines: string[] = [];
  ballotOptions({ description, options }).forEach(({ index }, position) => {
    lines[index] = withNames(inBallotOrder[position]!, names);
  });
  return lines;
}

/**
 * readableLines of raw actions; undefined when they cannot be decoded (malformed values, or an
 * option count that does not fit the ballot), in which case the caller shows them raw.
 */
export function optionLines(
  options: readonly (readonly JsonAction[])[],
  multipleChoice: boolean,
  context: ReadableContext,
  description = "",
): string[] | undefined {
  try {
    return readableLines(optionsFromJson(options), multipleChoice, context, description);
  } catch {
    return undefined;
  }
}

/** An action as the chain runs it, for when it cannot be put in words. */
export function rawAction({ target, value, data }: JsonAction): string {
  return `target ${String(target)}, value ${String(value)} wei, data ${String(data)}`;
}

const ERC20_METADATA = [
  "function symbol() view returns (string)",
  "function decimals() view returns (uint8)",
];

/**
 * The symbol and decimals of every token named, read over RPC, so amounts are typed and shown in
 * whole tokens. Until read (or if the RPC cannot say), the stablecoin counts as USDz with 18
 * decimals and any other token as 18 decimals.
 */
export function useTokens(
  config: WebConfig,
  addresses: readonly (string | undefined)[],
): Record<string, TokenInfo> {
  const { stablecoin } = config.contracts;
  const [tokens, setTokens] = useState<Record<string, TokenInfo>>(() =>
    stablecoin ? { [getAddress(stablecoin)]: { symbol: "USDz", decimals: 18 } } : {},
  );
  const wanted = [stablecoin, ...addresses].filter(
    (address): address is string => typeof address === "string" && isAddress(address),
  );
  const key = [...new Set(wanted.map((address) => getAddress(address)))].join(",");
  useEffect(() => {
    const provider = chainProvider(config);
    if (!provider) return;
    let current = true;
    for (const address of key.split(",").filter(Boolean)) {
      const token = new Contract(address, ERC20_METADATA, provider);
      Promise.all([token.getFunction("symbol")(), token.getFunction("decimals")()]).then(
        ([symbol, decimals]) => {
          if (current)
            setTokens((known) => ({
              ...known,
              [address]: { symbol: String(symbol), decimals: Number(decimals) },
            }));
        },
        () => undefined, // not an ERC-20 with metadata: amounts stay in 18 decimals
      );
    }
    return () => {
      current = false;
    };
  }, [config, key]);
  return tokens;
}
