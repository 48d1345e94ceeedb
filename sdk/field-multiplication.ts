/**
 * A faster field multiplication for ffjavascript's BN254 engine, put in place of the engine's own
 * `f1m_mul` and `f1m_square` (the base field, q) and `frm_mul` and `frm_square` (the scalar field,
 * r) while the engine's WebAssembly module is built (the `plugins` argument of ffjavascript's curve
 * builders). Every base-field product in the engine goes through the first two (Fq2, Fq6 and Fq12
 * arithmetic, the curves' additions and doublings, the final exponentiation), so everything built
 * on them is faster too; the scalar field's serve the provers' FFTs.
 *
 * The engine multiplies in Montgomery form on 8 limbs of 32 bits: each 32 x 32-bit product needs
 * its carry split off at once (an and, a shift and two additions besides the product), since two
 * such products do not fit in 64 bits. Here the numbers are cut into 9 limbs of 29 bits instead,
 * as in Mitscha-Baude's WebAssembly MSM for ZPrize 2022: a product is below 2^58, so up to 64 of
 * them add up in a 64-bit local with no carry at all, and each step of the Montgomery reduction
 * (CIOS) carries only its lowest limb. That is 162 products with one addition each, instead of
 * 128 with four other operations each.
 *
 * Same inputs and outputs as the engine's functions: 32-byte little-endian numbers below the
 * modulus q (either field's; both are below 2^254) in Montgomery form for R = 2^256, the result
 * fully reduced (below q), and the result's address may be x's or y's. 9 limbs of 29 bits make
 * R' = 2^261, so x is taken as 32x (below 2^259, still 9 limbs): the reduction of 32x * y divides
 * by 2^261, which is x * y / 2^256, the engine's product. The reduction's input 32xy < 32q^2 < q R'
 * keeps its result below 2q, so one conditional subtraction of q ends it.
 */
import { BN254_BASE_FIELD, SNARK_SCALAR_FIELD } from "./constants.js";

const LIMB_BITS = 29;
const LIMBS = 9;
const LIMB_MASK = (1 << LIMB_BITS) - 1;

/** The part of wasmbuilder's ModuleBuilder (ffjavascript's module builder) used here. */
export interface WasmModuleBuilder {
  functions: WasmFunctionBuilder[];
  functionIdxByName: Record<string, number>;
  nInternalFunctions: number;
  addFunction(name: string): WasmFunctionBuilder;
}
interface WasmFunctionBuilder {
  addParam(name: string, type: "i32" | "i64"): void;
  addLocal(name: string, type: "i32" | "i64"): void;
  addCode(...code: number[][]): void;
  getCodeBuilder(): WasmCode;
}
type Code = number[];
/** wasmbuilder's CodeBuilder: each method returns the bytes of one WebAssembly expression. */
interface WasmCode {
  getLocal(name: string): Code;
  setLocal(name: string, value: Code): Code;
  i64_const(value: number | bigint): Code;
  i64_load(address: Code, offset: number, align: number): Code;
  i64_store(address: Code, offset: number, align: number, value: Code): Code;
  i64_add(a: Code, b: Code): Code;
  i64_sub(a: Code, b: Code): Code;
  i64_mul(a: Code, b: Code): Code;
  i64_and(a: Code, b: Code): Code;
  i64_or(a: Code, b: Code): Code;
  i64_xor(a: Code, b: Code): Code;
  i64_shl(a: Code, b: Code): Code;
  i64_shr_u(a: Code, b: Code): Code;
  i64_shr_s(a: Code, b: Code): Code;
}

/**
 * The ModuleBuilder plugin: replaces the bodies of the base field's `f1m_mul` and `f1m_square` and
 * the scalar field's `frm_mul` and `frm_square` (keeping their function indices, which the
 * engine's other functions and exports call them by).
 */
export function fasterFieldMultiplication(builder: WasmModuleBuilder): void {
  for (const [prefix, modulus] of [
    ["f1m", BN254_BASE_FIELD],
    ["frm", SNARK_SCALAR_FIELD],
  ] as const) {
    replaceFunction(builder, `${prefix}_mul`, (f) => {
      f.addParam("x", "i32");
      f.addParam("y", "i32");
      f.addParam("r", "i32");
      montgomeryProduct(f, "y", modulus);
    });
    replaceFunction(builder, `${prefix}_square`, (f) => {
      f.addParam("x", "i32");
      f.addParam("r", "i32");
      montgomeryProduct(f, "x", modulus);
    });
  }
}

function replaceFunction(
  builder: WasmModuleBuilder,
  name: string,
  build: (f: WasmFunctionBuilder) => void,
): void {
  const index = builder.functionIdxByName[name];
  if (index === undefined) throw new Error(`the engine has no function ${name} to replace`);
  const replacementName = `${name}_29bit`;
  // addFunction appends; the new function then takes the old one's place (and index).
  build(builder.addFunction(replacementName));
  builder.functions[index] = builder.functions.pop()!;
  builder.nInternalFunctions--;
  delete builder.functionIdxByName[replacementName];
}

/**
 * Emits r = x * y / 2^256 mod q, where q is `modulus` (below 2^256) and y the parameter named
 * `yParam` ("x" for a square).
 */
function montgomeryProduct(f: WasmFunctionBuilder, yParam: "x" | "y", modulus: bigint): void {
  const c = f.getCodeBuilder();
  /** q's 29-bit limb k. */
  const qLimb = (k: number) => Number((modulus >> BigInt(LIMB_BITS * k)) & BigInt(LIMB_MASK));
  /** -q^-1 mod 2^29: the Montgomery reduction's factor for one limb. */
  const minusQInverse = Number((1n << BigInt(LIMB_BITS)) - modularInverse(modulus, 1n << BigInt(LIMB_BITS)));
  const limbs = Array.from({ length: LIMBS }, (_, k) => k);
  // Locals: x's and y's limbs, the accumulators t, and m. x's limbs hold t - q at the end, and
  // y's the result (x and y are no longer needed then).
  for (const k of limbs) for (const name of ["x", "y", "t"]) f.addLocal(`${name}${k}`, "i64");
  f.addLocal("m", "i64");
  const get = (name: string) => c.getLocal(name);
  const set = (name: string, value: Code) => f.addCode(c.setLocal(name, value));
  const int = (value: number) => c.i64_const(value);
  const low = (value: Code) => c.i64_and(value, int(LIMB_MASK));

  // Unpack 32x (bit 29k - 5 of x starts limb k) and y (bit 29k). Limbs past byte 24 load the
  // last 8 bytes and shift further, so that no load reads past byte 32.
  const unpack = (param: string, limbName: string, firstBit: number) => {
    for (const k of limbs) {
      const bit = LIMB_BITS * k + firstBit;
      const byte = Math.max(0, Math.min(Math.floor(bit / 8), 24));
      const word = c.i64_load(get(param), byte, 0);
      const shift = bit - 8 * byte;
      set(`${limbName}${k}`, low(shift < 0 ? c.i64_shl(word, int(-shift)) : c.i64_shr_u(word, int(shift))));
    }
  };
  unpack("x", "x", -5);
  unpack(yParam, "y", 0);

  // CIOS with lazy carries. Accumulator j of step i is local t((i + j) mod 9): after each step
  // accumulator 0 is divisible by 2^29, its carry goes to accumulator 1, and the limbs shift down
  // by renaming (its local becomes the next step's accumulator 8, empty). A local gains at most
  // two products (< 2^59) a step over at most 9 steps, plus carries: below 2^63.
  let step = 0;
  const t = (j: number) => `t${(step + j) % LIMBS}`;
  let empty = new Set(limbs.map(t));
  const accumulate = (j: number, product: Code) => {
    set(t(j), empty.has(t(j)) ? product : c.i64_add(get(t(j)), product));
    empty.delete(t(j));
  };
  while (step < LIMBS) {
    for (const j of limbs) accumulate(j, c.i64_mul(get(`x${step}`), get(`y${j}`)));
    set("m", low(c.i64_mul(low(get(t(0))), int(minusQInverse))));
    for (const j of limbs) accumulate(j, c.i64_mul(get("m"), int(qLimb(j))));
    set(t(1), c.i64_add(get(t(1)), c.i64_shr_u(get(t(0)), int(LIMB_BITS))));
    empty = new Set([t(0)]);
    step++;
  }

  // The result, sum t(j) 2^(29j) over j < 8, is below 2q: carry it into 9 limbs of 29 bits...
  for (let j = 1; j < LIMBS; j++) {
    const carry = c.i64_shr_u(get(t(j - 1)), int(LIMB_BITS));
    set(t(j), j === LIMBS - 1 ? carry : c.i64_add(get(t(j)), carry));
    set(t(j - 1), low(get(t(j - 1))));
  }
  // ...then t - q limb by limb into x's limbs (a borrow is an arithmetic shift: 0 or -1)...
  for (const j of limbs) {
    const borrow = j === 0 ? int(0) : c.i64_shr_s(get(`x${j - 1}`), int(LIMB_BITS));
    set(`x${j}`, c.i64_add(c.i64_sub(get(t(j)), int(qLimb(j))), borrow));
    if (j > 0) set(`x${j - 1}`, low(get(`x${j - 1}`)));
  }
  // ...and keep t where the last limb of t - q is negative (t < q), t - q elsewhere (its last
  // limb is then below 2^29 and needs no mask). m is all ones if t < q, else 0.
  set("m", c.i64_shr_s(get(`x${LIMBS - 1}`), int(63)));
  for (const j of limbs) {
    const difference = get(`x${j}`);
    set(`y${j}`, c.i64_xor(difference, c.i64_and(c.i64_xor(get(t(j)), difference), get("m"))));
  }

  // Pack the 9 limbs into 4 words of 64 bits (bits past 64 of a shifted limb fall off).
  for (let word = 0; word < 4; word++) {
    const parts = limbs
      .map((k) => ({ k, shift: LIMB_BITS * k - 64 * word }))
      .filter(({ shift }) => shift > -LIMB_BITS && shift < 64)
      .map(({ k, shift }) =>
        shift < 0 ? c.i64_shr_u(get(`y${k}`), int(-shift)) : c.i64_shl(get(`y${k}`), int(shift)),
      );
    f.addCode(
      c.i64_store(
        get("r"),
        word * 8,
        0,
        parts.reduce((value, part) => c.i64_or(value, part)),
      ),
    );
  }
}

function modularInverse(value: bigint, modulus: bigint): bigint {
  let [a, b, x, y] = [value % modulus, modulus, 1n, 0n];
  while (b !== 0n) {
    const quotient = a / b;
    [a, b, x, y] = [b, a - quotient * b, y, x - quotient * y];
  }
  return ((x % modulus) + modulus) % modulus;
}
