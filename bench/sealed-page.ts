/**
 * The page bench/sealed-browser.ts opens in Chromium: proves sealed votes with the sdk's prover, as
 * the web app's worker would, from the ballot circuit's files served next to it. Bundled by esbuild
 * for the browser; talks to the bench through `window.benchSealedProof`.
 */
import type { MerkleProof } from "@semaphore-protocol/group";
import { Identity } from "@semaphore-protocol/identity";
import { prepareSealedVote, proveSealedVote, SEALED_BALLOT, type Point } from "../sdk/sealed.js";
import { WarmCircuit } from "../sdk/warm-prover.js";

/** What the bench passes in: decimal strings, as JSON carries them. */
export interface PageInput {
  /** The citizen's identity, as Identity.export gives it. */
  identity: string;
  merkleProof: { root: string; leaf: string; index: number; siblings: string[] };
  publicKey: [string, string];
  runs: number;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function benchSealedProof(
  input: PageInput,
): Promise<{ loadMs: number; proveMs: number[]; preparedProveMs: number[] }> {
  const started = performance.now();
  const [wasm, zkey] = await Promise.all([fetchBytes("ballot.wasm"), fetchBytes("ballot.zkey")]);
  const circuit = await WarmCircuit.load(SEALED_BALLOT.depth, { wasm, zkey });
  const loadMs = performance.now() - started;
  const identity = Identity.import(input.identity);
  const merkleProof: MerkleProof = {
    root: BigInt(input.merkleProof.root),
    leaf: BigInt(input.merkleProof.leaf),
    index: input.merkleProof.index,
    siblings: input.merkleProof.siblings.map(BigInt),
  };
  const publicKey: Point = [BigInt(input.publicKey[0]), BigInt(input.publicKey[1])];
  const place = (proposalId: number) => ({
    chainId: 31337n,
    zone: "0x000000000000000000000000000000000000da0a",
    proposalId: BigInt(proposalId),
    publicKey,
  });
  const proveMs: number[] = [];
  // The first proof warms the circuit and the curve, as the app's first proof does; it is timed too.
  for (let run = 0; run <= input.runs; run++) {
    const start = performance.now();
    await proveSealedVote(circuit, identity, merkleProof, {
      ...place(run + 1),
      option: run % SEALED_BALLOT.options,
    });
    proveMs.push(performance.now() - start);
  }
  // Readied while the citizen reads, then proven for the choice: only the choice is timed.
  const preparedProveMs: number[] = [];
  for (let run = 0; run < input.runs; run++) {
    const ready = await prepareSealedVote(circuit, identity, merkleProof, place(1000 + run));
    const start = performance.now();
    await ready.prove(2);
    preparedProveMs.push(performance.now() - start);
  }
  return { loadMs, proveMs, preparedProveMs };
}

(window as unknown as { benchSealedProof: typeof benchSealedProof }).benchSealedProof = benchSealedProof;
