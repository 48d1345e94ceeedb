/**
 * Poseidon with t = 3 (two inputs), the hash LeanIMT and Semaphore's groups use, written out for
 * speed: the same constants and rounds as poseidon-lite's `poseidon2` (outputs identical, tested in
 * sdk/test/poseidon.test.ts), but unrolled for three state words, with products reduced by Barrett
 * reduction (multiplications and shifts) instead of BigInt's `%`, which dominates poseidon-lite's
 * time. Browser-safe: no node: imports.
 *
 * `leanRoot` is the LeanIMT root of a list of leaves with it, as `new Group(leaves).root`.
 */
import { POSEIDON_T3_C, POSEIDON_T3_M } from "./poseidon-constants.js";

const F = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const FULL_ROUNDS = 8;
const PARTIAL_ROUNDS = 57;
const C = POSEIDON_T3_C.map(BigInt);
const [[m00, m01, m02], [m10, m11, m12], [m20, m21, m22]] = POSEIDON_T3_M.map((row) => row.map(BigInt)) as [
  [bigint, bigint, bigint],
  [bigint, bigint, bigint],
  [bigint, bigint, bigint],
];

/** floor(2^512 / F), for Barrett reduction. */
const MU = (1n << 512n) / F;

/**
 * x mod F for 0 <= x < 2^512 by Barrett reduction: two multiplications and shifts instead of
 * BigInt division, which is ~2.5x slower in V8. The quotient estimate is at most a few short.
 */
function reduce(x: bigint): bigint {
  let r = x - (((x >> 253n) * MU) >> 259n) * F;
  while (r >= F) r -= F;
  return r;
}

const pow5 = (v: bigint): bigint => {
  const v2 = reduce(v * v);
  return reduce(reduce(v2 * v2) * v);
};

/** Poseidon of two field elements (t = 3), equal to poseidon-lite's `poseidon2([a, b])`. */
export function poseidonT3(a: bigint, b: bigint): bigint {
  let s0 = 0n;
  let s1 = ((a % F) + F) % F;
  let s2 = ((b % F) + F) % F;
  const half = FULL_ROUNDS / 2;
  let k = 0;
  for (let round = 0; round < FULL_ROUNDS + PARTIAL_ROUNDS; round++) {
    let x0 = s0 + C[k]!;
    let x1 = s1 + C[k + 1]!;
    let x2 = s2 + C[k + 2]!;
    k += 3;
    if (round < half || round >= half + PARTIAL_ROUNDS) {
      x0 = pow5(x0);
      x1 = pow5(x1);
      x2 = pow5(x2);
    } else {
      x0 = pow5(x0);
    }
    // x1 and x2 of a partial round are below 2F: every product stays far below 2^512.
    s0 = reduce(m00 * x0 + m01 * x1 + m02 * x2);
    s1 = reduce(m10 * x0 + m11 * x1 + m12 * x2);
    s2 = reduce(m20 * x0 + m21 * x1 + m22 * x2);
  }
  return s0;
}

/** The LeanIMT root of `leaves` (a lone last node moves up unhashed), as `new Group(leaves).root`. */
export function leanRoot(leaves: readonly bigint[]): bigint {
  if (leaves.length === 0) return 0n;
  let level = [...leaves];
  while (level.length > 1) {
    const next: bigint[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? poseidonT3(level[i]!, level[i + 1]!) : level[i]!);
    }
    level = next;
  }
  return level[0]!;
}
