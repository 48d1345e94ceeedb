/**
 * `zonedao production action KIND`: the decisions about production that a vote makes, as an actions
 * file for `zonedao propose --actions`: the reward rule, the inspector, a revocation, a production
 * budget, and (an internal DAO's own decision) a production. Each action is built by its sdk builder
 * and read back by the sdk's describeAction, so the sentence printed is the one voters will read.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { ZeroAddress, getAddress, isAddress, type Provider } from "ethers";
import {
  appointInspector,
  describeAction,
  produceGoods,
  productionBudget,
  revokeAttestation,
  setRewardRule,
  type DescribeContext,
  type ZoneAction,
} from "../../sdk/index.js";
import { CommandError, UsageError, type CommandContext } from "../context.js";
import { common, zoneFlag, type Command } from "../flags.js";
import { productionFlag, productionOfZone } from "./production-attest.js";
import { BPS_PER_PERCENT, goodsOf } from "./production-list.js";
import { servicesOf } from "./service-list.js";
import { amount, tokenOf } from "../tokens.js";

const DAY = 86_400;

/** Each kind of decision and the flags it takes (any other is refused, so a typo is not ignored). */
const KINDS = {
  "reward-rule": ["token", "floor", "reward-per-unit", "budget", "period-days"],
  inspector: ["service", "challenge-days"],
  revoke: ["production"],
  budget: ["internal-dao", "for", "token", "budget", "period-days"],
  produce: ["product", "units", "recyclable"],
} as const;
type Kind = keyof typeof KINDS;
const KIND_FLAGS = [...new Set(Object.values(KINDS).flat())];

/** What every kind's builder is given: the proposal's zone and the deployment's modules for it. */
interface Place {
  context: CommandContext;
  zone: Awaited<ReturnType<CommandContext["zone"]>>;
  provider: Provider;
  services: string;
  goods: string;
  describe: DescribeContext;
}

export const productionAction: Command = {
  name: "production action",
  summary: "write an actions file for a vote on production (reward rule, inspector, revocation, budget)",
  usage: `zonedao production action KIND --zone ZONE [KIND's flags] --out FILE

Builds one decision about production, prints it as voters will read it, and writes FILE: one option
with that action, for \`zonedao propose --zone ZONE --actions FILE\`. --zone is the proposing zone.
KIND and its flags (amounts in whole units of the token, whose decimals are read from it):
  reward-rule  --token ADDRESS|stablecoin|eth --floor PERCENT --reward-per-unit AMOUNT
               --budget AMOUNT --period-days N
               pays AMOUNT a unit made wholly of recyclable content, nothing at or below the floor,
               in proportion between; at most --budget every period
  inspector    --service ID --challenge-days N
               the provider of service ID attests productions; a vote may revoke an attestation
               for N days
  revoke       --production ID
               revokes the inspector's attestation of production ID (within its challenge window)
  budget       --internal-dao ADDRESS|NAME --for TEXT --token ADDRESS|stablecoin|eth --budget AMOUNT
               --period-days N
               gives an internal DAO a production budget (a service of kind "production")
  produce      --product TEXT --units N --recyclable PERCENT
               an internal DAO's own decision: it made N units of the product, with that share of
               recyclable content (--zone is the internal DAO)
"stablecoin" is the deployment file's stablecoin.`,
  positional: "kind",
  options: {
    ...common,
    ...zoneFlag,
    ...productionFlag,
    out: { type: "string" },
    token: { type: "string" },
    floor: { type: "string" },
    "reward-per-unit": { type: "string" },
    budget: { type: "string" },
    "period-days": { type: "string" },
    service: { type: "string" },
    "challenge-days": { type: "string" },
    "internal-dao": { type: "string" },
    for: { type: "string" },
    product: { type: "string" },
    units: { type: "string" },
    recyclable: { type: "string" },
  },
  async run(context) {
    const kind = kindOf(context);
    const out = context.required("out");
    const zone = await context.zone();
    const provider = await context.provider();
    const [services, goods] = await Promise.all([
      servicesOf(zone.zone, provider),
      goodsOf(zone.zone, provider),
    ]);
    const place: Place = {
      context,
      zone,
      provider,
      services: await services.getAddress(),
      goods: await goods.getAddress(),
      describe: {
        zone: zone.address,
        services: await services.getAddress(),
        goods: await goods.getAddress(),
      },
    };
    const action = await BUILDERS[kind](place);
    const sentence = describeAction(action, place.describe);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify([[{ ...action, value: action.value.toString() }]], null, 2)}\n`);
    context.print(
      { kind, zone: zone.address, action, sentence, file: out },
      `${sentence}\nwrote ${out}: propose it with \`zonedao propose --zone ${zone.address} --actions ${out} --title ...\``,
    );
  },
};

/** KIND, and no flag that another kind takes. */
function kindOf(context: CommandContext): Kind {
  const kind = context.text("kind");
  if (kind === undefined || !(kind in KINDS)) {
    throw new UsageError(
      `${kind === undefined ? "KIND is required" : `unknown KIND "${kind}"`}: one of ${Object.keys(KINDS).join(", ")}`,
    );
  }
  const takes: readonly string[] = KINDS[kind as Kind];
  const stray = KIND_FLAGS.find((flag) => !takes.includes(flag) && context.text(flag) !== undefined);
  if (stray !== undefined) throw new UsageError(`--${stray} does not apply to ${kind}`);
  return kind as Kind;
}

const BUILDERS: Record<Kind, (place: Place) => Promise<ZoneAction>> = {
  async "reward-rule"(place) {
    const { context } = place;
    const token = await tokenOf(context, place.provider);
    place.describe.tokens = { [token.address]: token };
    const floorBps = basisPoints(context, "floor");
    if (floorBps >= 100 * BPS_PER_PERCENT) throw new UsageError("--floor must be below 100%");
    const rewardPerUnit = amount(context, "reward-per-unit", token);
    if (rewardPerUnit === 0n) throw new UsageError("--reward-per-unit must be more than 0");
    return built(() =>
      setRewardRule(place.services, {
        token: token.address,
        floorBps,
        rewardPerUnit,
        budgetPerPeriod: amount(context, "budget", token),
        periodLength: days(context, "period-days", { positive: true }),
      }),
    );
  },

  async inspector(place) {
    const { context, zone } = place;
    const serviceId = context.uint("service");
    const services = await servicesOf(zone.zone, place.provider);
    const count = await services.serviceCount(zone.address);
    if (serviceId >= count)
      throw new CommandError(`--service: zone ${zone.address} has no service ${serviceId} (it has ${count})`);
    const service = await services.getService(zone.address, serviceId);
    if (!service.active) throw new CommandError(`--service: service ${serviceId} has ended`);
    place.describe.serviceNames = {
      [serviceId.toString()]: { kind: service.kind, name: service.description },
    };
    const challengeWindow = days(place.context, "challenge-days", { positive: false });
    return built(() => appointInspector(place.services, serviceId, challengeWindow));
  },

  async revoke(place) {
    const productionId = place.context.uint("production");
    await productionOfZone(place.zone, productionId, place.provider);
    return built(() => revokeAttestation(place.services, productionId));
  },

  async budget(place) {
    const { context } = place;
    const internalDao = internalDaoOf(context);
    const token = await tokenOf(context, place.provider);
    place.describe.tokens = { [token.address]: token };
    const description = context.required("for");
    return built(() =>
      productionBudget(place.services, {
        internalDao,
        description,
        token: token.address,
        budgetPerPeriod: amount(context, "budget", token),
        periodLength: days(context, "period-days", { positive: true }),
      }),
    );
  },

  async produce(place) {
    const { context, zone } = place;
    const product = context.required("product");
    const units = context.uint("units");
    if (units === 0n) throw new UsageError("--units must be more than 0");
    const recyclableBps = basisPoints(context, "recyclable");
    if ((await zone.zone.parentZone()) === ZeroAddress) {
      throw new CommandError(
        `zone ${zone.address} is no internal DAO: only an internal DAO's own vote can declare a production`,
      );
    }
    return built(() => produceGoods(place.goods, product, units, recyclableBps));
  },
};

/** An sdk builder's refusal (a RangeError naming its term) as a usage error. */
function built(build: () => ZoneAction): ZoneAction {
  try {
    return build();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A percentage ("85", "12.5") in basis points, from 0 to 100%. */
function basisPoints(context: CommandContext, flag: string): number {
  const value = context.required(flag);
  if (!/^\d+(\.\d{1,2})?$/.test(value) || Number(value) > 100) {
    throw new UsageError(`--${flag}: "${value}" is not a percentage from 0 to 100 (at most 2 decimals)`);
  }
  return Math.round(Number(value) * BPS_PER_PERCENT);
}

/** A number of days ("30", "0.5") in seconds. */
function days(context: CommandContext, flag: string, { positive }: { positive: boolean }): bigint {
  const value = context.required(flag);
  if (!/^\d+(\.\d+)?$/.test(value)) throw new UsageError(`--${flag}: "${value}" is not a number of days`);
  const seconds = BigInt(Math.round(Number(value) * DAY));
  if (positive && seconds === 0n) throw new UsageError(`--${flag} must be more than 0`);
  return seconds;
}

/** --internal-dao: an address, or a zone's name in the deployment file. */
function internalDaoOf(context: CommandContext): string {
  const given = context.required("internal-dao");
  const named = context.deployment()?.zones.find((zone) => zone.name.toLowerCase() === given.toLowerCase());
  if (named !== undefined) return named.address;
  if (!isAddress(given)) {
    throw new UsageError(
      `--internal-dao: "${String(given)}" is not an address nor a zone in the deployment file`,
    );
  }
  return getAddress(given);
}
