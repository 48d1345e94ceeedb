/**
 * Builds the cached chain (build.ts) and exits: run.ts starts it under `nice -n 19` when the cache
 * is missing, so the long registration yields the shared machine's cores, and the measured part of
 * the run does not.
 */
import { buildMillionChain } from "./build.js";

const cache = await buildMillionChain((line) =>
  console.log(`  [${new Date().toISOString().slice(11, 19)}] ${line}`),
);
console.log(`  built in ${cache.registration.seconds} s, ${cache.registration.gasPerMember} gas per member`);
