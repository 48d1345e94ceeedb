/**
 * Whether a product of many BN254 pairings is 1, with one multi-Miller loop: the Miller loops of
 * all the pairs run side by side and share their Fp12 accumulator, so each step of the loop squares
 * it once for all the pairs instead of once per pair (64 of the ~170 Fp12 operations of a pair's
 * loop), and one final exponentiation follows for the whole product.
 *
 * ffjavascript's `pairingEq` runs one full Miller loop per pair and multiplies their results; this
 * module drives the same WebAssembly engine (wasmcurves' BN254, the one snarkjs uses) one step
 * lower, through the functions it exports: the G2 preparation (each pair's line coefficients), the
 * conversion of G1 points to affine (batched), the sparse multiplication by a line, the Fp12
 * squaring, the final exponentiation. The loop below is
 * that engine's own `millerLoop` (optimal ate, loop count 6z+2, bits from the top, then the lines
 * through pi(Q) and -pi^2(Q)) with the squaring hoisted out of the loop over the pairs, which leaves
 * the product unchanged: prod_k f_k is built by the same squarings and line multiplications, in
 * another order of a commutative product.
 *
 * Fixed G2 points (a verification key's beta, gamma, delta) can be prepared once and reused.
 */

/** The part of ffjavascript's engine this module drives (its single-thread memory and exports). */
export interface PairingEngine {
  /** Bytes of a prepared G2 point (its line coefficients). */
  preQSize: number;
  G1: { toJacobian(point: Uint8Array): Uint8Array; isZero(point: Uint8Array): boolean };
  G2: { toJacobian(point: Uint8Array): Uint8Array; isZero(point: Uint8Array): boolean };
  tm: {
    memory: WebAssembly.Memory;
    u32: Uint32Array;
    instance: { exports: Record<string, unknown> };
    startSyncOp(): void;
    endSyncOp(): void;
    alloc(length: number): number;
    allocBuff(buffer: Uint8Array): number;
    getBuff(pointer: number, length: number): Uint8Array;
    setBuff(pointer: number, buffer: Uint8Array): void;
  };
}

/** A G2 point's line coefficients, as the engine's prepareG2 writes them. */
export interface PreparedG2 {
  prepared: Uint8Array;
}

/** One pair of a pairing product: a G1 point (engine form) and a G2 point, raw or prepared. */
export type PairingPair = readonly [g1: Uint8Array, g2: Uint8Array | PreparedG2];

export interface PairingProduct {
  /** The line coefficients of `point` (a G2 point, not 0), to reuse in every product it is in. */
  prepareG2(point: Uint8Array): PreparedG2;
  /**
   * Whether prod_k e(g1_k, g2_k) = 1. Every point must be on its curve and in its order-r group,
   * and none may be 0 (leave such a pair out: its pairing is 1).
   */
  isOne(pairs: readonly PairingPair[]): boolean;
}

type Export = (...pointers: number[]) => number;

/** A function the engine's WebAssembly exports (all take pointers into its memory). */
export function engineFunction(engine: PairingEngine, name: string): Export {
  const fn = engine.tm.instance.exports[name];
  if (typeof fn !== "function") throw new Error(`the BN254 engine does not export ${name}`);
  return fn as Export;
}

/** Runs `body` with the engine's scratch memory (tm.alloc), released afterwards. */
export function withEngineMemory<T>(engine: PairingEngine, body: () => T): T {
  engine.tm.startSyncOp();
  try {
    return body();
  } finally {
    engine.tm.endSyncOp();
  }
}

/** BN254's seed z; the optimal ate loop runs over the bits of 6z + 2. */
const SEED = 4965661367192848881n;
/** The bits of 6z + 2 from the second highest down, as the engine's Miller loop reads them. */
const ATE_LOOP_BITS = (6n * SEED + 2n).toString(2).slice(1).split("").map(Number);
/** Fq is 32 bytes, Fq2 64; a line is 3 Fq2 coefficients; a prepared G2 starts with 3 Fq2. */
const FQ_BYTES = 32;
const FQ2_BYTES = 64;
const LINE_BYTES = 3 * FQ2_BYTES;
const FQ12_BYTES = 12 * FQ_BYTES;
const G1_AFFINE_BYTES = 2 * FQ_BYTES;
const G1_JACOBIAN_BYTES = 3 * FQ_BYTES;
/** Engine memory left free for the loop's own temporaries when sizing a chunk of pairs. */
const SPARE_BYTES = 1 << 16;

export function pairingProduct(engine: PairingEngine): PairingProduct {
  const { tm, preQSize } = engine;
  const exported = (name: string) => engineFunction(engine, name);
  const g1BatchToAffine = exported("g1m_batchToAffine");
  const prepareG2 = exported("bn128_prepareG2");
  const mulByLine = exported("bn128__mulBy024");
  const finalExponentiation = exported("bn128_finalExponentiation");
  const fq2TimesFq = exported("f2m_mul1");
  const fq12One = exported("ftm_one");
  const fq12Square = exported("ftm_square");
  const fq12Mul = exported("ftm_mul");
  const fq12IsOne = exported("ftm_isOne");
  // The engine's own loop reads one line per doubling, one more per set bit, then two.
  const lines = ATE_LOOP_BITS.length + ATE_LOOP_BITS.filter(Boolean).length + 2;
  if (3 * FQ2_BYTES + lines * LINE_BYTES !== preQSize) {
    throw new Error("the BN254 engine's prepared G2 points are not laid out as expected");
  }

  const withMemory = <T>(body: () => T) => withEngineMemory(engine, body);

  /** prod_k of the Miller loops of `pairs` (at most as many as fit in the engine's memory), into `f`. */
  function millerLoops(pairs: readonly PairingPair[], f: number): void {
    // The loop reads each G1 point's affine x and y: one batch conversion (one field inversion for
    // all of them) instead of the engine's prepareG1, which inverts once per point.
    const jacobian = tm.alloc(pairs.length * G1_JACOBIAN_BYTES);
    pairs.forEach(([g1], k) => tm.setBuff(jacobian + k * G1_JACOBIAN_BYTES, engine.G1.toJacobian(g1)));
    const affine = tm.alloc(pairs.length * G1_AFFINE_BYTES);
    g1BatchToAffine(jacobian, pairs.length, affine);
    const preP = pairs.map((_, k) => affine + k * G1_AFFINE_BYTES);
    const coefficients: number[] = [];
    for (const [, g2] of pairs) {
      const q = tm.alloc(preQSize);
      if (g2 instanceof Uint8Array) prepareG2(tm.allocBuff(engine.G2.toJacobian(g2)), q);
      else tm.setBuff(q, g2.prepared);
      coefficients.push(q + 3 * FQ2_BYTES);
    }
    const vw = tm.alloc(FQ2_BYTES);
    const vv = tm.alloc(FQ2_BYTES);
    /** f *= each pair's next line evaluated at its P (ell_0 + ell_vw P.y + ell_vv P.x). */
    const multiplyByLines = () => {
      for (let k = 0; k < pairs.length; k++) {
        const line = coefficients[k]!;
        fq2TimesFq(line + FQ2_BYTES, preP[k]! + FQ_BYTES, vw);
        fq2TimesFq(line + 2 * FQ2_BYTES, preP[k]!, vv);
        mulByLine(line, vw, vv, f);
        coefficients[k] = line + LINE_BYTES;
      }
    };
    fq12One(f);
    for (const bit of ATE_LOOP_BITS) {
      fq12Square(f, f); // once for all the pairs: what a multi-Miller loop saves
      multiplyByLines();
      if (bit === 1) multiplyByLines();
    }
    multiplyByLines(); // the line through pi(Q)
    multiplyByLines(); // and through -pi^2(Q)
  }

  return {
    prepareG2(point) {
      if (engine.G2.isZero(point)) throw new Error("cannot prepare the G2 point at infinity");
      return withMemory(() => {
        const q = tm.alloc(preQSize);
        prepareG2(tm.allocBuff(engine.G2.toJacobian(point)), q);
        return { prepared: tm.getBuff(q, preQSize) };
      });
    },
    isOne(pairs) {
      for (const [g1, g2] of pairs) {
        if (engine.G1.isZero(g1) || (g2 instanceof Uint8Array && engine.G2.isZero(g2))) {
          throw new Error("a pairing product's point is 0: leave its pair out");
        }
      }
      return withMemory(() => {
        const product = tm.alloc(FQ12_BYTES);
        const chunkProduct = tm.alloc(FQ12_BYTES);
        // The engine's memory does not grow: pairs that do not fit at once go in chunks, each with
        // its own accumulator, multiplied together before the one final exponentiation.
        const free = tm.memory.buffer.byteLength - tm.u32[0]! - SPARE_BYTES;
        // Per pair: its G1 point as given and in affine form, the batch inversion's element, its G2
        // point (if not prepared) and its line coefficients.
        const perPair = G1_JACOBIAN_BYTES + G1_AFFINE_BYTES + FQ_BYTES + 3 * FQ2_BYTES + preQSize;
        const chunk = Math.max(1, Math.floor(free / perPair));
        fq12One(product);
        for (let start = 0; start < pairs.length; start += chunk) {
          withScratch(() => millerLoops(pairs.slice(start, start + chunk), chunkProduct));
          fq12Mul(product, chunkProduct, product);
        }
        finalExponentiation(product, product);
        return fq12IsOne(product) !== 0;
      });
    },
  };

  /** Runs `body`, then releases whatever it allocated (nested in withMemory). */
  function withScratch(body: () => void): void {
    const free = tm.u32[0]!;
    try {
      body();
    } finally {
      tm.u32[0] = free;
    }
  }
}
