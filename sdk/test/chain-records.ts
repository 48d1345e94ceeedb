/**
 * Event lists for the audit's record checks, written as a chain would: transaction by transaction,
 * each in a block of its own at its time, every event encoded and decoded with its real ABI and
 * filed in the list its contract's logs go to. The contracts cannot produce what those checks must
 * catch, so the tests write it here.
 */
import type { Interface } from "ethers";
import type { ZoneLog } from "../audit/events.js";

/** One event: its contract's ABI, its name and its arguments. */
export type Event = [Interface, string, unknown[]];

export class ChainRecords {
  readonly timestamps = new Map<number, bigint>();
  /** `listFor` names the list an ABI's events go to (the zone's, a module's). */
  constructor(private readonly listFor: (abi: Interface) => ZoneLog[]) {}

  /** A transaction at `time` emitting `events` in order; its hash. */
  tx(time: bigint, ...events: Event[]): string {
    const blockNumber = this.timestamps.size + 1;
    const txHash = `0x${blockNumber.toString(16).padStart(64, "0")}`;
    this.timestamps.set(blockNumber, time);
    events.forEach(([abi, name, values], logIndex) => {
      const { topics, data } = abi.encodeEventLog(name, values);
      const parsed = abi.parseLog({ topics, data })!;
      const into = this.listFor(abi);
      into.push({ name, args: parsed.args, blockNumber, logIndex, txHash, order: into.length });
    });
    return txHash;
  }
}
