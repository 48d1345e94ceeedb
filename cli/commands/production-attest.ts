/**
 * `zonedao production attest`: the zone's inspector (the provider of the service a vote appointed)
 * attests a production's declared recyclable content, with the inspector's own key. A vote may then
 * revoke the attestation during the zone's challenge window.
 */
import type { Provider } from "ethers";
import type { ZoneGoods, ZoneServices } from "../../sdk/index.js";
import { CommandError, formatTime } from "../context.js";
import { common, signing, zoneFlag, type Command } from "../flags.js";
import { revertOf, shortError } from "../refusals.js";
import { chainTime, goodsOf } from "./production-list.js";
import { servicesOf } from "./service-list.js";

/** The production flag both the inspector's and the claimant's commands take. */
export const productionFlag = { production: { type: "string" } } as const;

/**
 * The modules of `zone`'s deployment, after checking that production `productionId` exists and was
 * made for `zone` (a production of another zone is that zone's to attest and reward).
 */
export async function productionOfZone(
  zone: { address: string; zone: Parameters<typeof servicesOf>[0] },
  productionId: bigint,
  provider: Provider,
): Promise<{ services: ZoneServices; goods: ZoneGoods }> {
  const [services, goods] = await Promise.all([
    servicesOf(zone.zone, provider),
    goodsOf(zone.zone, provider),
  ]);
  const count = await goods.productionCount();
  if (productionId >= count) {
    throw new CommandError(`there is no production ${productionId} (${count} recorded, every zone's)`);
  }
  const production = await goods.getProduction(productionId);
  if (production.zone !== zone.address) {
    throw new CommandError(
      `production ${productionId} is not zone ${zone.address}'s but ${production.zone}'s`,
    );
  }
  return { services, goods };
}

export const productionAttest: Command = {
  name: "production attest",
  summary: "the zone's inspector attests a production's recyclable content",
  usage: `zonedao production attest --zone ZONE --production ID --key INSPECTOR_KEY

Attests production ID's declared share of recyclable content. --key must be the account of the
provider of the zone's inspector service (it sends the transaction and pays its gas). Once per
production; a vote may revoke the attestation during the zone's challenge window, after which anyone
can claim its reward (\`zonedao production claim\`). See productions with \`zonedao production list\`.`,
  options: { ...common, ...signing, ...zoneFlag, ...productionFlag },
  async run(context) {
    const productionId = context.uint("production");
    const target = await context.zone();
    const provider = await context.provider();
    const signer = await context.signer();
    const { services } = await productionOfZone(target, productionId, provider);
    let receipt;
    try {
      receipt = await (await services.connect(signer).attestProduction(productionId)).wait();
    } catch (error) {
      throw await attestRefusal(error, services, target.address, productionId, signer.address, provider);
    }
    const attested = receipt?.logs
      .map((log) => services.interface.parseLog(log))
      .find((parsed) => parsed?.name === "ProductionAttested");
    if (!receipt || !attested) throw new CommandError("the attestation left no ProductionAttested event");
    const claimableAt = attested.args.getValue("claimableAt") as bigint;
    context.print(
      {
        zone: target.address,
        productionId,
        inspector: signer.address,
        claimableAt,
        transactionHash: receipt.hash,
      },
      `production ${productionId} attested by ${signer.address}; a vote may revoke it until ` +
        `${formatTime(claimableAt)}, then anyone can claim its reward (tx ${receipt.hash})`,
    );
  },
};

/** The chain's refusal of an attestation, in words a person can act on. */
async function attestRefusal(
  error: unknown,
  services: ZoneServices,
  zone: string,
  productionId: bigint,
  caller: string,
  provider: Provider,
): Promise<CommandError> {
  const refusal = revertOf(error, services.interface);
  switch (refusal?.name) {
    case "ProductionNoInspector":
      return new CommandError(
        `zone ${zone} has no inspector: a vote must appoint one first (zonedao production action inspector)`,
      );
    case "ProductionCallerIsNotTheInspector": {
      const { serviceId } = await services.inspectionOf(zone);
      return new CommandError(
        `the --key account ${caller} is not the zone's inspector: only ${String(refusal.args[1])}, ` +
          `the provider of service ${serviceId}, may attest`,
      );
    }
    case "ProductionAlreadyAttested": {
      const { claimableAt, revoked } = await services.attestationOf(productionId);
      const window = (await chainTime(provider)) >= claimableAt ? "closed" : "closes";
      return new CommandError(
        `production ${productionId} is already attested` +
          (revoked
            ? " (and a vote revoked it)"
            : `; its challenge window ${window} ${formatTime(claimableAt)}`),
      );
    }
    case "ServicesServiceEnded":
      return new CommandError(
        `the zone's inspector service ${String(refusal.args[1])} has ended: a vote must appoint another inspector`,
      );
    default:
      return new CommandError(`the attestation failed: ${shortError(error)}`);
  }
}
