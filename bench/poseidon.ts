/**
 * Microseconds per Poseidon t = 3 hash and milliseconds per bucket root (1,024 leaves), poseidon-lite
 * (as Semaphore's Group) against sdk/poseidon.ts, the best of ROUNDS alternating runs (a shared
 * machine's load only slows runs down). Prints a table only: `tsx bench/poseidon.ts`.
 */
import { Group } from "@semaphore-protocol/group";
import { poseidon2 } from "poseidon-lite";
import { SNARK_SCALAR_FIELD } from "../sdk/constants.js";
import { leanRoot, poseidonT3 } from "../sdk/poseidon.js";

const HASHES = 20_000;
const BUCKETS = 5;
const ROUNDS = 5;
const inputs = Array.from({ length: HASHES }, (_, i): [bigint, bigint] => [
  (BigInt(i) * 0x9e3779b97f4a7c15f39cc0605cedc834n) % SNARK_SCALAR_FIELD,
  (BigInt(i + 1) * 0xc2b2ae3d27d4eb4f165667b19e3779f9n) % SNARK_SCALAR_FIELD,
]);
const leaves = inputs.slice(0, 1_024).map(([a]) => a);

const runs: (() => void)[] = [];
/** The best time of `run` over ROUNDS, in microseconds per `count`, once all runs have run. */
function time(run: () => void, count: number): { value: number } {
  const result = { value: Infinity };
  run(); // warm-up
  runs.push(() => {
    const start = performance.now();
    run();
    result.value = Math.min(result.value, ((performance.now() - start) * 1_000) / count);
  });
  return result;
}

const rows = {
  "poseidon-lite poseidon2": {
    usPerHash: time(() => inputs.forEach(([a, b]) => poseidon2([a, b])), HASHES),
    msPerBucket: time(() => {
      for (let i = 0; i < BUCKETS; i++) void new Group(leaves).root;
    }, BUCKETS),
  },
  "sdk/poseidon.ts poseidonT3": {
    usPerHash: time(() => inputs.forEach(([a, b]) => poseidonT3(a, b)), HASHES),
    msPerBucket: time(() => {
      for (let i = 0; i < BUCKETS; i++) leanRoot(leaves);
    }, BUCKETS),
  },
};
for (let round = 0; round < ROUNDS; round++) for (const run of runs) run();
console.table(
  Object.fromEntries(
    Object.entries(rows).map(([name, row]) => [
      name,
      {
        "us/hash": row.usPerHash.value.toFixed(1),
        "ms/bucket (1,024 leaves)": (row.msPerBucket.value / 1_000).toFixed(1),
      },
    ]),
  ),
);
