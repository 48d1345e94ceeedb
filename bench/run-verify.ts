/**
 * `node --import tsx bench/run-verify.ts`: the verification section of `npm run bench` alone, on
 * its own 64 votes (a group of 100, depth 7, as the full run's batch of 64), proved here without a
 * chain: verification needs only the proofs and the snapshot's root. About 2 minutes on 2 cores,
 * most of it proving. Prints its table and replaces the `verify` entry of bench/results.json,
 * noting the date of this run (`verifyDate`); the other sections keep the figures of their last run.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Group } from "@semaphore-protocol/group";
import { Identity } from "@semaphore-protocol/identity";
import { proveVote, stopProverThreads, type VoteProof } from "../sdk/index.js";
import { elapsedSeconds, progress } from "./report.js";
import { benchVerify, printVerify } from "./verify.js";

const RESULTS_FILE = fileURLToPath(new URL("results.json", import.meta.url));
const MEMBERS = 100;
const VOTES = 64;
const CHAIN_ID = 31337n;
const ZONE = "0x0000000000000000000000000000000000005a5a";

try {
  const citizens = Array.from({ length: MEMBERS }, (_, i) => new Identity(`zonedao-bench-verify-${i}`));
  const group = new Group(citizens.map((citizen) => citizen.commitment));
  const votes: VoteProof[] = [];
  for (const [i, citizen] of citizens.slice(0, VOTES).entries()) {
    votes.push(
      await proveVote(citizen, group, { chainId: CHAIN_ID, zone: ZONE, proposalId: 1n, option: i % 3 }),
    );
    if (votes.length % 16 === 0)
      progress("verify", `proved ${votes.length}/${VOTES} votes (depth ${group.depth})`);
  }
  const snapshot = { chainId: CHAIN_ID, zone: ZONE, snapshotRoot: group.root, snapshotDepth: group.depth };
  const verify = await benchVerify(votes, snapshot);
  printVerify(verify);
  const results = JSON.parse(readFileSync(RESULTS_FILE, "utf8")) as Record<string, unknown>;
  writeFileSync(
    RESULTS_FILE,
    `${JSON.stringify({ ...results, verify, verifyDate: new Date().toISOString() }, null, 2)}\n`,
  );
  progress("done", `wrote the verify entry of ${RESULTS_FILE} after ${Math.round(elapsedSeconds())} s`);
} finally {
  await stopProverThreads();
}
