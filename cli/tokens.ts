/**
 * Tokens as commands take them: --token as an address, "stablecoin" (the deployment file's) or "eth",
 * and amounts in whole units of it ("2", "0.5"), with the flag's name in every refusal.
 */
import { Contract, ZeroAddress, getAddress, isAddress, parseUnits, type Provider } from "ethers";
import { ETHER_DECIMALS, type TokenInfo } from "../sdk/index.js";
import { CommandError, UsageError, type CommandContext } from "./context.js";

/** --token: an address, "stablecoin" (the deployment file's) or "eth"; its symbol and decimals read from it. */
export async function tokenOf(
  context: CommandContext,
  provider: Provider,
): Promise<{ address: string } & TokenInfo> {
  const given = context.required("token");
  if (/^(eth|ether)$/i.test(given)) return { address: ZeroAddress, symbol: "ETH", decimals: ETHER_DECIMALS };
  let address: string;
  if (given.toLowerCase() === "stablecoin") {
    const stablecoin = context.deployment()?.contracts.stablecoin;
    if (stablecoin === undefined)
      throw new UsageError("--token stablecoin: the deployment file names no stablecoin");
    address = getAddress(stablecoin);
  } else if (isAddress(given)) {
    address = getAddress(given);
  } else {
    throw new UsageError(`--token: "${String(given)}" is not an address, "stablecoin" or "eth"`);
  }
  const erc20 = new Contract(
    address,
    ["function symbol() view returns (string)", "function decimals() view returns (uint8)"],
    provider,
  );
  let info: TokenInfo;
  try {
    info = {
      symbol: (await erc20.getFunction("symbol")()) as string,
      decimals: Number(await erc20.getFunction("decimals")()),
    };
  } catch {
    throw new CommandError(`--token: ${address} is not an ERC-20 token (it has no symbol and decimals)`);
  }
  return { address, ...info };
}

/** An amount in whole units of `token` ("2", "0.5"), in its smallest unit. */
export function amount(
  context: CommandContext,
  flag: string,
  token: { symbol: string; decimals: number },
): bigint {
  const value = context.required(flag);
  try {
    if (!/^\d+(\.\d+)?$/.test(value)) throw new Error("not a decimal");
    return parseUnits(value, token.decimals);
  } catch {
    throw new UsageError(
      `--${flag}: "${value}" is not an amount of ${token.symbol} (at most ${token.decimals} decimals)`,
    );
  }
}
