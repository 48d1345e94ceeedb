/**
 * `zonedao service list`: a zone's public services, as its votes made them: provider, budget and
 * period, and what was claimed (sdk readServices).
 */
import { Contract, ZeroAddress, formatUnits, getAddress, type Provider } from "ethers";
import {
  ZoneServices__factory,
  readServices,
  zoneFactoryAt,
  type Zone,
  type ZoneServices,
} from "../../sdk/index.js";
import { formatTime } from "../context.js";
import { common, zoneFlag, type Command } from "../flags.js";

/** The services registry of the factory that made `zone`. */
export async function servicesOf(zone: Zone, provider: Provider): Promise<ZoneServices> {
  const factory = zoneFactoryAt(await zone.factory(), provider);
  return ZoneServices__factory.connect(await factory.SERVICES(), provider);
}

/** `amount` of `token` in whole units with its symbol ("800 USDz"); ether for address(0). */
export async function tokenAmount(amount: bigint, token: string, provider: Provider): Promise<string> {
  if (getAddress(token) === ZeroAddress) return `${formatUnits(amount, 18)} ETH`;
  const erc20 = new Contract(
    token,
    ["function symbol() view returns (string)", "function decimals() view returns (uint8)"],
    provider,
  );
  try {
    const [symbol, decimals] = await Promise.all([
      erc20.getFunction("symbol")() as Promise<string>,
      erc20.getFunction("decimals")() as Promise<bigint>,
    ]);
    return `${formatUnits(amount, decimals).replace(/\.0$/, "")} ${symbol}`;
  } catch {
    return `${amount} base units of token ${token}`;
  }
}

export const serviceList: Command = {
  name: "service list",
  summary: "list a zone's public services: provider, budget, period and claims",
  usage: `zonedao service list --zone ZONE

Every service the zone's votes created (ended ones too): its provider, its budget per period, the
period it is in and whether that period's budget is claimed, and each budget claimed so far.`,
  options: { ...common, ...zoneFlag },
  async run(context) {
    const { address, zone, createdBlock } = await context.zone();
    const provider = await context.provider();
    const services = await readServices(await servicesOf(zone, provider), address, createdBlock);
    const lines: string[] = [];
    for (const service of services) {
      const budget = await tokenAmount(service.budgetPerPeriod, service.token, provider);
      lines.push(
        `#${service.id} ${service.kind}: ${service.name}`,
        `  provider ${service.provider}; ${budget} every ${Number(service.periodLength) / 86_400} days (created by proposal ${service.createdBy})`,
        service.active
          ? `  active, period ${service.currentPeriod}: ${service.claimedThisPeriod ? "claimed" : "not claimed yet"}; next period from ${formatTime(service.nextPeriodAt)}`
          : `  ended${service.endedBy === undefined ? "" : ` by proposal ${service.endedBy}`}`,
      );
      for (const claim of service.claims) {
        const paid = await tokenAmount(claim.amount, service.token, provider);
        lines.push(
          `  claimed period ${claim.period}: ${paid} to ${claim.provider} (tx ${claim.transactionHash})`,
        );
      }
    }
    context.print(
      { zone: address, services },
      lines.length ? lines.join("\n") : `zone ${address} has no services`,
    );
  },
};
