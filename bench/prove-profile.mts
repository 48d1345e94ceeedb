/**
 * Where one proof's time goes, in Node, at depths 10 and 20: the stock snarkjs fullProve against its
 * stages done by hand (witness calculator compiled, witness made, groth16.prove from the bytes), and
 * groth16.prove's own steps timed through its debug logger (zkey read, ABC, FFTs, each MSM).
 * `node --import tsx bench/prove-profile.mts`; add --cpu-prof for a profile of the same runs.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { WitnessCalculatorBuilder } from "circom_runtime";
import * as snarkjs from "snarkjs";
import { Identity } from "@semaphore-protocol/identity";
import { semaphoreArtifacts } from "../sdk/artifacts.js";
import { semaphoreHash } from "../sdk/scope.js";
import { stopProverThreads } from "../sdk/prover-threads.js";
import { fakeCommitments } from "./members.js";
import { Group } from "@semaphore-protocol/group";

const RUNS = 3;
const round = (ms: number) => Math.round(ms);

for (const depth of [10, 20]) {
  const identity = new Identity(`zonedao-profile-${depth}`);
  // A small group, its path padded to the depth as @semaphore-protocol/proof pads it.
  const group = new Group([...fakeCommitments(7, `profile-${depth}`), identity.commitment]);
  const proof = group.generateMerkleProof(group.size - 1);
  const siblings = [...proof.siblings];
  while (siblings.length < depth) siblings.push(0n);
  const input = {
    secret: identity.secretScalar,
    merkleProofLength: proof.siblings.length,
    merkleProofIndex: proof.index,
    merkleProofSiblings: siblings,
    scope: semaphoreHash(42n),
    message: semaphoreHash(1n),
  };
  const paths = semaphoreArtifacts(depth);
  const wasm = new Uint8Array(readFileSync(paths.wasm));
  const zkey = new Uint8Array(readFileSync(paths.zkey));
  await snarkjs.groth16.fullProve(input, wasm, zkey); // warm-up: threads, JIT

  for (let run = 0; run < RUNS; run++) {
    let started = performance.now();
    await snarkjs.groth16.fullProve(input, wasm, zkey);
    const fullMs = performance.now() - started;

    started = performance.now();
    const calculator = await WitnessCalculatorBuilder(wasm);
    const buildMs = performance.now() - started;
    started = performance.now();
    const wtns = await calculator.calculateWTNSBin(input, true);
    const witnessMs = performance.now() - started;

    // groth16.prove logs each step at debug level: the gap before each message is the step before it.
    const steps: [string, number][] = [];
    let last = performance.now();
    const note = (message: string) => {
      const now = performance.now();
      steps.push([message, now - last]);
      last = now;
    };
    const logger = { debug: note, info: note, warn: note, error: note };
    started = last = performance.now();
    await snarkjs.groth16.prove(zkey, wtns, logger);
    note("(end)");
    const proveMs = performance.now() - started;
    // Fold the logger's messages into named steps: the time before a message belongs to the
    // step named by the previous one.
    const named = new Map<string, number>();
    let current = "open wtns+zkey, parse headers";
    for (const [message, ms] of steps) {
      named.set(current, (named.get(current) ?? 0) + ms);
      if (/^Reading Wtns|^Reading Coeffs/.test(message)) current = "read wtns/coeffs sections";
      else if (/^Building ABC|QAP/.test(message)) current = "build ABC (QAP)";
      else if (/FFT/.test(message)) current = "FFTs (3 ifft + 3 fft)";
      else if (/^Join ABC/.test(message)) current = "join ABC";
      else if (/^Reading . Points|^Reading .. Points/.test(message)) current = `MSM ${message.split(" ")[1]}`;
      else if (/multiexp/.test(message)) {
        /* progress inside an MSM: same step */
      } else if (message === "(end)") current = "end";
    }
    console.log(
      `depth ${depth} run ${run + 1}: fullProve ${round(fullMs)} ms | witness calculator build ${round(buildMs)} ms,` +
        ` witness ${round(witnessMs)} ms, groth16.prove ${round(proveMs)} ms`,
    );
    console.log("   " + [...named].map(([step, ms]) => `${step} ${round(ms)}`).join(", "));
  }
}
await stopProverThreads();
