/**
 * `zonedao service claim`: a service's provider claims this period's budget from the zone's
 * treasury (sdk claimServiceBudget), with the provider's own key.
 */
import { claimServiceBudget } from "../../sdk/index.js";
import { CommandError, formatTime } from "../context.js";
import { common, signing, zoneFlag, type Command } from "../flags.js";
import { revertOf, shortError } from "../refusals.js";
import { servicesOf, tokenAmount } from "./service-list.js";

export const serviceClaim: Command = {
  name: "service claim",
  summary: "a service's provider claims this period's budget",
  usage: `zonedao service claim --zone ZONE --service ID --key PROVIDER_KEY

Pays the service's budget for the current period from the zone's treasury to its provider, once a
period. --key must be the provider's account (it sends the transaction and pays its gas). Prints the
amount paid and the period. See the zone's services with \`zonedao service list\`.`,
  options: { ...common, ...signing, ...zoneFlag, service: { type: "string" } },
  async run(context) {
    const serviceId = context.uint("service");
    const { address, zone } = await context.zone();
    const provider = await context.provider();
    const signer = await context.signer();
    const services = await servicesOf(zone, provider);
    const count = await services.serviceCount(address);
    if (serviceId >= count) {
      throw new CommandError(`zone ${address} has no service ${serviceId} (it has ${count})`);
    }
    let claimed;
    try {
      claimed = await claimServiceBudget(services.connect(signer), address, serviceId);
    } catch (error) {
      const refusal = revertOf(error, services.interface);
      if (refusal?.name === "ServicesCallerIsNotTheProvider")
        throw new CommandError(
          `the --key account ${signer.address} is not service ${serviceId}'s provider (${String(refusal.args[1])})`,
        );
      if (refusal?.name === "ServicesAlreadyClaimed") {
        const { start, periodLength } = await services.getService(address, serviceId);
        const period = BigInt(refusal.args[2] as bigint);
        throw new CommandError(
          `service ${serviceId}'s budget for period ${period} is already claimed; the next period starts ${formatTime(start + (period + 1n) * periodLength)}`,
        );
      }
      if (refusal?.name === "ServicesServiceEnded")
        throw new CommandError(`service ${serviceId} has ended: it has no budget to claim`);
      throw new CommandError(`the claim failed: ${shortError(error)}`);
    }
    const amount = await tokenAmount(claimed.amount, claimed.token, provider);
    context.print(
      { zone: address, ...claimed },
      `paid ${amount} to ${signer.address} for period ${claimed.period} of service ${serviceId} (tx ${claimed.transactionHash})`,
    );
  },
};
