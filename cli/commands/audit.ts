/** `zonedao audit`: every tally of a zone re-checked from chain data alone (the sdk's auditZone). */
import { common, zoneFlag, type Command } from "../flags.js";

export const audit: Command = {
  name: "audit",
  summary: "re-check every tally of a zone from chain data alone",
  usage: `zonedao audit --rpc URL --zone ZONE [--from-block N] [--json]

Independent of relayers and of the zone's own checks: rebuilds the group and checks every
proposal's snapshot; verifies every vote's and proposal's proof off chain with the official
Semaphore v4 keys and the documented scopes; checks every nullifier is used once; recomputes every
tally, state and outcome, and that each executed proposal ran exactly its winning option's actions,
once; accounts for every treasury inflow and outflow. Exits 0 only if everything holds.
  --from-block N       where to start reading events (default: the zone's creation block, from the
                       deployment file or else from its factory's ZoneCreated event)`,
  options: { ...common, ...zoneFlag, "from-block": { type: "string" } },
  async run(context) {
    const { address, createdBlock } = await context.zone();
    const provider = await context.provider();
    const fromBlock =
      context.text("from-block") === undefined ? createdBlock : Number(context.uint("from-block"));
    const { auditZone, formatAuditReport } = await import("../../sdk/audit/index.js");
    const report = await auditZone(provider, address, {
      fromBlock,
      onProgress: (line: string) => context.progress(line),
    });
    context.print(report, formatAuditReport(report));
    if (!report.ok) process.exitCode = 1;
  },
};
