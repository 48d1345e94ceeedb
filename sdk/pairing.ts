/**
 * Whether a product of many BN254 pairings is 1, with one multi-Miller loop: the Miller loops of
 * all the pairs run side by side and share their Fp12 accumulator, so each step of the loop squares
 * it once for all the pairs instead of once per pair (64 of the ~170 Fp12 operations of a pair's
 * loop), and one final exponentiation follows for the whole product.
 *
 * ffjavascript's `pairingEq` runs one full Miller loop per pair and multiplies their results; this
 * module drives the same WebAssembly engine (wasmcurves' BN254, the one snarkjs uses) one step
 * lower, through the functions it exports: the G2 preparation (each pair's line coefficients), the
 * conversion of G1 points to affine (batched), the Fp12 squaring, the final exponentiation; the
 * multiplication by each step's lines is the engine's too, in a small module of ours on the same
 * memory that runs a whole step in one call and multiplies by the twist's xi with additions
 * (engineExtensions). The loop below is that engine's own `millerLoop` (optimal ate, loop count 6z+2,
 * bits from the top, then the lines through pi(Q) and -pi^2(Q)) with the squaring hoisted out of
 * the loop over the pairs, which leaves the product unchanged: prod_k f_k is built by the same
 * squarings and line multiplications, in another order of a commutative product.
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
   * prod_k of the pairs' Miller loops, before the final exponentiation: an Fq12 element (384 bytes,
   * the engine's form) to pass to isOne, when a pair is to be in several products. The pairs are as
   * isOne takes them.
   */
  millerLoop(pairs: readonly PairingPair[]): Uint8Array;
  /**
   * Whether prod_k e(g1_k, g2_k) = 1, with the Miller loops in `millerValues` (from millerLoop)
   * multiplied in before the final exponentiation. Every point must be on its curve and in its
   * order-r group, and none may be 0 (leave such a pair out: its pairing is 1).
   */
  isOne(pairs: readonly PairingPair[], millerValues?: readonly Uint8Array[]): boolean;
}

type Export = (...pointers: number[]) => number;

/**
 * Four functions on the engine's memory, in a small WebAssembly module of our own that imports the
 * engine's memory and field arithmetic (calls between the two modules stay inside WebAssembly):
 *
 * - `mulByXi(x, r)`: an Fq2 element times the twist's non-residue xi = 9 + u, as
 *   (a + bu)(9 + u) = (9a - b) + (a + 9b)u: eight additions instead of a full Fq2 product.
 * - `mulBy024(ell0, vw, vv, f)`: the engine's `bn128__mulBy024` (f times a line with 3 non-zero
 *   Fq2 coefficients of 6) step for step, but with its four products by xi done as above.
 * - `mulByLines(table, n, f)`: one step of the multi-Miller loop for all the pairs in one call:
 *   each pair's next line evaluated at its P and multiplied into f, so the loop crosses from
 *   JavaScript into WebAssembly once per step rather than three times per pair and step. The
 *   table holds n entries of two 32-bit addresses: the pair's next line (advanced by one line
 *   here) and its affine G1 point.
 * - `timesHalves(p, phiP, bits, out)`: [low]P + [high]phi(P) into `out` (Jacobian) for affine P
 *   and phi(P), neither 0, by one 64-bit double-and-add on both (Straus-Shamir), whose 64 steps
 *   read `bits`, one byte a step from the top: 1 for a bit of low, 2 for a bit of high (verify.ts
 *   weights A with it, one call instead of a hundred).
 *
 * Their temporaries take about a kilobyte of the engine's memory for good (tm.alloc outside a sync
 * operation). The module is about 1.3 kB, compiled synchronously (also fine on a browser's main
 * thread, whose limit was 4 kB before Chrome 114).
 */
export function engineExtensions(engine: PairingEngine): {
  mulByXi: Export;
  mulBy024: Export;
  mulByLines: Export;
  timesHalves: Export;
} {
  const { tm } = engine;
  const imported = [
    "f1m_add",
    "f1m_sub",
    "f1m_copy",
    "f2m_add",
    "f2m_sub",
    "f2m_mul",
    "f2m_mul1",
    "g1m_zero",
    "g1m_double",
    "g1m_add",
    "g1m_addMixed",
  ] as const;
  const fn = (name: (typeof imported)[number] | "mulByXi" | "mulBy024") =>
    name === "mulByXi" ? imported.length : name === "mulBy024" ? imported.length + 1 : imported.indexOf(name);
  const scratch = (bytes: number) => tm.alloc(bytes);
  const I32 = 0x7f;
  const local = (index: number) => [0x20, index];
  const constant = (value: number) => [0x41, ...signedLeb(value)];
  const call = (name: Parameters<typeof fn>[0], ...args: number[][]) => [
    ...args.flat(),
    0x10,
    ...unsignedLeb(fn(name)),
  ];
  const add = (a: number[], b: number[]) => [...a, ...b, 0x6a];

  // mulByXi(x, r)
  const fqScratch = () => constant(scratch(FQ_BYTES));
  const fq2Scratch = () => constant(scratch(FQ2_BYTES));
  const [nineA, nineB, imaginary] = [fqScratch(), fqScratch(), fqScratch()];
  const [x, xImaginary, r, rImaginary] = [
    local(0),
    add(local(0), constant(FQ_BYTES)),
    local(1),
    add(local(1), constant(FQ_BYTES)),
  ];
  const nine = (value: number[], out: number[]) => [
    ...call("f1m_add", value, value, out), // 2x
    ...call("f1m_add", out, out, out), // 4x
    ...call("f1m_add", out, out, out), // 8x
    ...call("f1m_add", out, value, out), // 9x
  ];
  const mulByXi = [
    ...nine(x, nineA),
    ...nine(xImaginary, nineB),
    // r may be x: both parts are computed before either is written.
    ...call("f1m_add", nineB, x, imaginary),
    ...call("f1m_sub", nineA, xImaginary, r),
    ...call("f1m_copy", imaginary, rImaginary),
  ];

  // mulBy024(ell0, vw, vv, f), the engine's code (wasmcurves' build_bn128.js) with mulByXi.
  const [x0, x4, x2] = [local(0), local(1), local(2)];
  const fAt = (k: number) => add(local(3), constant(k * FQ2_BYTES));
  const [z0, z1, z2, z3, z4, z5] = [fAt(0), fAt(1), fAt(2), fAt(3), fAt(4), fAt(5)];
  const [t0, t1, t2, s0, T3, T4] = [
    fq2Scratch(),
    fq2Scratch(),
    fq2Scratch(),
    fq2Scratch(),
    fq2Scratch(),
    fq2Scratch(),
  ];
  const [D0, D2, D4, S1, AUX] = [fq2Scratch(), fq2Scratch(), fq2Scratch(), fq2Scratch(), fq2Scratch()];
  const mul = (a: number[], b: number[], out: number[]) => call("f2m_mul", a, b, out);
  const sum = (a: number[], b: number[], out: number[]) => call("f2m_add", a, b, out);
  const difference = (a: number[], b: number[], out: number[]) => call("f2m_sub", a, b, out);
  const xi = (a: number[], out: number[]) => call("mulByXi", a, out);
  const mulBy024 = [
    ...mul(z0, x0, D0),
    ...mul(z2, x2, D2),
    ...mul(z4, x4, D4),
    ...sum(z0, z4, t2),
    ...sum(z0, z2, t1),
    ...sum(z1, z3, s0),
    ...sum(s0, z5, s0),
    // z0 = xi (z1 x2 + D4) + D0
    ...mul(z1, x2, S1),
    ...sum(S1, D4, T3),
    ...xi(T3, T4),
    ...sum(T4, D0, z0),
    // z1 = xi (z5 x4 + D2) + z1 x0
    ...mul(z5, x4, T3),
    ...sum(S1, T3, S1),
    ...sum(T3, D2, T3),
    ...xi(T3, T4),
    ...mul(z1, x0, T3),
    ...sum(S1, T3, S1),
    ...sum(T4, T3, z1),
    // z2 = (z0 + z2)(x0 + x2) - D0 - D2 + z3 x4
    ...sum(x0, x2, t0),
    ...mul(t1, t0, T3),
    ...sum(D0, D2, AUX),
    ...difference(T3, AUX, T3),
    ...mul(z3, x4, T4),
    ...sum(S1, T4, S1),
    ...sum(z2, z4, t0),
    ...sum(T3, T4, z2),
    // z3 = xi ((z2 + z4)(x2 + x4) - D2 - D4) + z3 x0
    ...sum(x2, x4, t1),
    ...mul(t1, t0, T3),
    ...sum(D2, D4, AUX),
    ...difference(T3, AUX, T3),
    ...xi(T3, T4),
    ...mul(z3, x0, T3),
    ...sum(S1, T3, S1),
    ...sum(T4, T3, z3),
    // z4 = xi (z5 x2) + (z0 + z4)(x0 + x4) - D0 - D4
    ...mul(z5, x2, T3),
    ...sum(S1, T3, S1),
    ...xi(T3, T4),
    ...sum(x0, x4, t0),
    ...mul(t2, t0, T3),
    ...sum(D0, D4, AUX),
    ...difference(T3, AUX, T3),
    ...sum(T4, T3, z4),
    // z5 = (z1 + z3 + z5)(x0 + x2 + x4) - S1
    ...sum(x0, x2, t0),
    ...sum(t0, x4, t0),
    ...mul(s0, t0, T3),
    ...difference(T3, S1, z5),
  ];

  // mulByLines(table, n, f); locals: 3 entry, 4 end, 5 line, 6 p.
  const [vw, vv] = [fq2Scratch(), fq2Scratch()];
  const set = (index: number, value: number[]) => [...value, 0x21, index];
  const load = (address: number[], offset: number) => [...address, 0x28, 2, offset];
  const [entry, end, line, p] = [local(3), local(4), local(5), local(6)];
  const mulByLines = [
    ...set(3, local(0)),
    ...set(4, add(local(0), [...local(1), ...constant(TABLE_ENTRY_BYTES), 0x6c])),
    ...[0x02, 0x40, 0x03, 0x40], // block, loop
    ...[...entry, ...end, 0x46, 0x0d, 1], // br_if 1 (out) when entry == end
    ...set(5, load(entry, 0)),
    ...set(6, load(entry, 4)),
    // ell_0 + ell_vw P.y + ell_vv P.x
    ...call("f2m_mul1", add(line, constant(FQ2_BYTES)), add(p, constant(FQ_BYTES)), vw),
    ...call("f2m_mul1", add(line, constant(2 * FQ2_BYTES)), p, vv),
    ...call("mulBy024", line, vw, vv, local(2)),
    ...[...entry, ...add(line, constant(LINE_BYTES)), 0x36, 2, 0], // *entry = line + one line
    ...set(3, add(entry, constant(TABLE_ENTRY_BYTES))),
    ...[0x0c, 0, 0x0b, 0x0b], // br 0 (loop), end loop, end block
  ];

  // timesHalves(p, phiP, bits, out); locals: 4 step, 5 its byte.
  const both = constant(scratch(G1_JACOBIAN_BYTES)); // P + phi(P), Straus-Shamir's third base
  const [step, bit] = [local(4), local(5)];
  const ifThenElse = (condition: number[], then: number[], otherwise: number[] = []) => [
    ...condition,
    0x04,
    0x40,
    ...then,
    ...(otherwise.length > 0 ? [0x05, ...otherwise] : []),
    0x0b,
  ];
  const equals = (a: number[], value: number) => [...a, ...constant(value), 0x46];
  const out = local(3);
  const timesHalves = [
    ...call("g1m_zero", both),
    ...call("g1m_addMixed", both, local(0), both),
    ...call("g1m_addMixed", both, local(1), both),
    ...call("g1m_zero", out),
    ...set(4, constant(0)),
    ...[0x02, 0x40, 0x03, 0x40], // block, loop
    ...[...equals(step, 64), 0x0d, 1], // br_if 1 (out) after the last step
    ...call("g1m_double", out, out),
    ...set(5, [...add(local(2), step), 0x2d, 0, 0]), // i32.load8_u
    ...ifThenElse(
      equals(bit, 3),
      call("g1m_add", out, both, out),
      ifThenElse(
        equals(bit, 1),
        call("g1m_addMixed", out, local(0), out),
        ifThenElse(equals(bit, 2), call("g1m_addMixed", out, local(1), out)),
      ),
    ),
    ...set(4, add(step, constant(1))),
    ...[0x0c, 0, 0x0b, 0x0b], // br 0 (loop), end loop, end block
  ];

  const types = [[I32, I32, I32], [I32, I32], [I32, I32, I32, I32], [I32]];
  const typeOf = (name: (typeof imported)[number]) =>
    name === "g1m_zero" ? 3 : name === "f1m_copy" || name === "g1m_double" ? 1 : 0;
  const vector = (items: number[][]) => [...unsignedLeb(items.length), ...items.flat()];
  const name = (text: string) => vector([...new TextEncoder().encode(text)].map((byte) => [byte]));
  const section = (id: number, items: number[][]) => {
    const body = vector(items);
    return [id, ...unsignedLeb(body.length), ...body];
  };
  const body = (locals: number, code: number[]) => {
    const content = [...(locals > 0 ? vector([[...unsignedLeb(locals), I32]]) : [0]), ...code, 0x0b];
    return [...unsignedLeb(content.length), ...content];
  };
  const bytes = new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(
      1,
      types.map((params) => [0x60, ...vector(params.map((type) => [type])), 0]),
    ),
    ...section(2, [
      [...name("env"), ...name("memory"), 0x02, 0x00, 1],
      ...imported.map((field) => [...name("engine"), ...name(field), 0x00, typeOf(field)]),
    ]),
    ...section(3, [[1], [2], [0], [2]]),
    ...section(
      7,
      ["mulByXi", "mulBy024", "mulByLines", "timesHalves"].map((ours, k) => [
        ...name(ours),
        0x00,
        ...unsignedLeb(imported.length + k),
      ]),
    ),
    ...section(10, [body(0, mulByXi), body(0, mulBy024), body(4, mulByLines), body(2, timesHalves)]),
  ]);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    env: { memory: tm.memory },
    engine: Object.fromEntries(imported.map((field) => [field, engineFunction(engine, field)])),
  });
  const {
    mulByXi: xiExport,
    mulBy024: lineExport,
    mulByLines: linesExport,
    timesHalves: halvesExport,
  } = instance.exports as Record<"mulByXi" | "mulBy024" | "mulByLines" | "timesHalves", Export>;
  return { mulByXi: xiExport, mulBy024: lineExport, mulByLines: linesExport, timesHalves: halvesExport };
}

function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

/** An i32.const immediate: signed LEB128 (addresses and sizes here are below 2^31). */
function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      bytes.push(byte);
      return bytes;
    }
    bytes.push(byte | 0x80);
  }
}

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
/** An entry of mulByLines's table (see engineExtensions): two 32-bit addresses. */
const TABLE_ENTRY_BYTES = 8;
/** Engine memory left free for the loop's own temporaries when sizing a chunk of pairs. */
const SPARE_BYTES = 1 << 16;

export function pairingProduct(engine: PairingEngine): PairingProduct {
  const { tm, preQSize } = engine;
  const exported = (name: string) => engineFunction(engine, name);
  const g1BatchToAffine = exported("g1m_batchToAffine");
  const prepareG2 = exported("bn128_prepareG2");
  const { mulByLines } = engineExtensions(engine);
  const finalExponentiation = exported("bn128_finalExponentiation");
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
    // Each pair's entry in the table mulByLines reads: its next line, its affine P.
    const table = tm.alloc(pairs.length * TABLE_ENTRY_BYTES);
    pairs.forEach(([, g2], k) => {
      const q = tm.alloc(preQSize);
      if (g2 instanceof Uint8Array) prepareG2(tm.allocBuff(engine.G2.toJacobian(g2)), q);
      else tm.setBuff(q, g2.prepared);
      tm.u32[(table >> 2) + 2 * k] = q + 3 * FQ2_BYTES;
      tm.u32[(table >> 2) + 2 * k + 1] = affine + k * G1_AFFINE_BYTES;
    });
    /** f *= each pair's next line evaluated at its P (ell_0 + ell_vw P.y + ell_vv P.x). */
    const multiplyByLines = () => mulByLines(table, pairs.length, f);
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
    millerLoop(pairs) {
      return withMemory(() => {
        const product = tm.alloc(FQ12_BYTES);
        millerLoopsInChunks(pairs, product);
        return tm.getBuff(product, FQ12_BYTES);
      });
    },
    isOne(pairs, millerValues = []) {
      return withMemory(() => {
        const product = tm.alloc(FQ12_BYTES);
        millerLoopsInChunks(pairs, product);
        for (const value of millerValues) fq12Mul(product, tm.allocBuff(value), product);
        finalExponentiation(product, product);
        return fq12IsOne(product) !== 0;
      });
    },
  };

  /** prod_k of the Miller loops of any number of `pairs`, into `product` (in withMemory). */
  function millerLoopsInChunks(pairs: readonly PairingPair[], product: number): void {
    for (const [g1, g2] of pairs) {
      if (engine.G1.isZero(g1) || (g2 instanceof Uint8Array && engine.G2.isZero(g2))) {
        throw new Error("a pairing product's point is 0: leave its pair out");
      }
    }
    const chunkProduct = tm.alloc(FQ12_BYTES);
    // The engine's memory does not grow: pairs that do not fit at once go in chunks, each with its
    // own accumulator, multiplied together.
    const free = tm.memory.buffer.byteLength - tm.u32[0]! - SPARE_BYTES;
    // Per pair: its G1 point as given and in affine form, the batch inversion's element, its G2
    // point (if not prepared) and its line coefficients.
    const perPair =
      G1_JACOBIAN_BYTES + G1_AFFINE_BYTES + FQ_BYTES + 3 * FQ2_BYTES + preQSize + TABLE_ENTRY_BYTES;
    const chunk = Math.max(1, Math.floor(free / perPair));
    fq12One(product);
    for (let start = 0; start < pairs.length; start += chunk) {
      withScratch(() => millerLoops(pairs.slice(start, start + chunk), chunkProduct));
      fq12Mul(product, chunkProduct, product);
    }
  }

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
