/**
 * What a zone's economy calls things, read from the modules' events, so proposals read in names
 * rather than numbers: each good's product ("wheat (goods 0x…)", from GoodsProduced) and each of the
 * zone's services with its token ("end service #3 (healthcare: "Night clinic")", budgets in the
 * service's token, from ServiceCreated). The names are the proposers' own words, recorded on chain
 * by the decisions that made them; a sentence keeps the number beside the name. Browser-safe.
 */
import type { ZoneGoods, ZoneServices } from "../types/ethers-contracts/index.js";
import type { DescribeContext } from "./describe.js";
import { queryEvents } from "./logs.js";

export type EconomyNames = Required<Pick<DescribeContext, "products" | "serviceNames" | "serviceTokens">>;

/**
 * Every product name on the goods module (any zone's: a zone trades goods other zones made) and the
 * names and tokens of `zone`'s services, from `fromBlock` (the zone's creation block, or 0).
 */
export async function readEconomyNames(
  modules: { goods?: ZoneGoods; services?: ZoneServices },
  zone: string,
  fromBlock = 0,
): Promise<EconomyNames> {
  const names: EconomyNames = { products: {}, serviceNames: {}, serviceTokens: {} };
  const [produced, created] = await Promise.all([
    modules.goods ? queryEvents(modules.goods, modules.goods.filters.GoodsProduced(), fromBlock) : [],
    modules.services
      ? queryEvents(modules.services, modules.services.filters.ServiceCreated(zone), fromBlock)
      : [],
  ]);
  for (const { args } of produced) names.products[args.goodsId.toString()] = args.product;
  for (const { args } of created) {
    const id = args.serviceId.toString();
    names.serviceNames[id] = { kind: args.service.kind, name: args.service.description };
    names.serviceTokens[id] = args.service.token;
  }
  return names;
}
