/**
 * Makes the load benchmark's proofs once (`npm run bench:load:fixture`, ~15-20 min on 2 cores):
 * every citizen's vote on each of the PROPOSALS proposals, and each proposal's own proof, for the
 * zone buildLoadWorld creates. Written to test/load-fixture.json, which run.ts and the relayer's
 * crash test (relayer/test/crash.test.ts) replay.
 */
import { writeFileSync } from "node:fs";
import {
  proveProposal,
  proveVote,
  stopProverThreads,
  type ProposalProof,
  type VoteProof,
} from "../../sdk/index.js";
import {
  CITIZENS,
  FIXTURE_PATH,
  PROPOSALS,
  buildLoadWorld,
  loadProposalContent,
} from "../../test/load-world.js";

/** Proofs made at once: snarkjs uses every core for each, a few in flight keep them busy. */
const IN_FLIGHT = 4;

const world = await buildLoadWorld((line) => console.log(`  ${line}`));
const context = { chainId: world.chainId, zone: world.zoneAddress };
const started = Date.now();

const proposals: ProposalProof[] = [];
for (let k = 1; k <= PROPOSALS; k++) {
  const { options, description } = loadProposalContent(world.zoneAddress, k);
  proposals.push(
    await proveProposal(world.citizens[k - 1]!, world.group, {
      ...context,
      epoch: 0n,
      slot: 0n,
      options,
      description,
    }),
  );
}

const jobs: { citizen: number; proposalId: bigint; option: number }[] = [];
for (let k = 1; k <= PROPOSALS; k++) {
  for (let citizen = 0; citizen < CITIZENS; citizen++) {
    jobs.push({ citizen, proposalId: BigInt(k), option: (citizen + k) % 3 });
  }
}
const votes: VoteProof[] = new Array<VoteProof>(jobs.length);
let next = 0;
let done = 0;
await Promise.all(
  Array.from({ length: IN_FLIGHT }, async () => {
    for (let job = next++; job < jobs.length; job = next++) {
      const { citizen, proposalId, option } = jobs[job]!;
      votes[job] = await proveVote(world.citizens[citizen]!, world.group, { ...context, proposalId, option });
      if (++done % 100 === 0) {
        const rate = done / ((Date.now() - started) / 1000);
        console.log(`  ${done}/${jobs.length} votes proved (${rate.toFixed(1)}/s)`);
      }
    }
  }),
);
await stopProverThreads();

const json = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
writeFileSync(
  FIXTURE_PATH,
  `${json({
    format: "zonedao-load-fixture/1",
    chainId: world.chainId,
    zone: world.zoneAddress,
    snapshotRoot: world.group.root,
    proposals,
    votes,
  })}\n`,
);
console.log(
  `wrote ${votes.length} votes and ${proposals.length} proposals in ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
