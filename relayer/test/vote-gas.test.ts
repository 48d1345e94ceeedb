/**
 * The fixed gas limit of a castVotes batch (voteBatchGasLimit, relayer/submitter.ts), which the
 * relayer uses instead of the node's estimate for votes it verified off chain: batches of 1, 8, 64
 * and 128 valid votes of the load fixture, each sent with exactly that limit, are mined, count every
 * vote, and stay within it; the node's estimate (the least limit that succeeds) is below it. Votes are grouped by proposal, as the relayer sends them.
 */
import { expect } from "chai";
import { Zone__factory, type VoteRequest } from "../../sdk/index.js";
import { voteArguments } from "../requests.js";
import { voteBatchGasLimit } from "../submitter.js";
import type { LoadWorld } from "../../test/load-world.js";
import type { RpcBridge } from "../../test/rpc-bridge.js";
import { loadWorldForRelayer } from "./relayer-fixture.js";

const ZONE_INTERFACE = Zone__factory.createInterface();

describe("relayer castVotes gas limit without an estimate", function () {
  let world: LoadWorld;
  let votes: VoteRequest[];
  let bridge: RpcBridge;

  before(async function () {
    ({ world, votes, bridge } = await loadWorldForRelayer());
  });
  after(async function () {
    await bridge?.close();
    await world?.connection.close();
  });

  it("mines batches of 1, 8, 64 and 128 verified votes within voteBatchGasLimit, every vote counted", async function () {
    const [sender] = await world.connection.ethers.getSigners();
    let next = 0;
    for (const size of [1, 8, 64, 128]) {
      const batch = votes.slice(next, next + size);
      next += size;
      expect(batch).to.have.length(size);
      batch.sort((a, b) => Number(BigInt(a.proposalId) - BigInt(b.proposalId)));
      const gasLimit = voteBatchGasLimit(size);
      const data = ZONE_INTERFACE.encodeFunctionData("castVotes", [batch.map((vote) => voteArguments(vote))]);
      // The node's estimate is the least limit the batch succeeds with: the fixed one must cover it.
      const estimate = await world.connection.ethers.provider.estimateGas({ to: world.zoneAddress, data });
      expect(estimate <= gasLimit, `batch of ${size}: estimate ${estimate}, limit ${gasLimit}`).to.equal(
        true,
      );
      const receipt = await (await sender!.sendTransaction({ to: world.zoneAddress, data, gasLimit })).wait();
      expect(receipt?.status, `batch of ${size}`).to.equal(1);
      expect(receipt!.gasUsed <= gasLimit).to.equal(true);
      const counted = receipt!.logs
        .filter((log) => log.address.toLowerCase() === world.zoneAddress.toLowerCase())
        .map((log) => ZONE_INTERFACE.parseLog(log))
        .filter((event) => event?.name === "VoteCast");
      expect(counted, `votes counted in the batch of ${size}`).to.have.length(size);
    }
  });
});
