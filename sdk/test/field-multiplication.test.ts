import { expect } from "chai";
import { buildBn128 } from "ffjavascript";
import { BN254_BASE_FIELD as Q, SNARK_SCALAR_FIELD } from "../constants.js";
import { fasterFieldMultiplication, type WasmModuleBuilder } from "../field-multiplication.js";
import type { Bn128 } from "../verify.js";
import { prng } from "../../test/prng.js";

/** The engine's two fields: base (q) and scalar (r), each with its functions' prefix. */
const FIELDS = [
  { prefix: "f1m", modulus: Q },
  { prefix: "frm", modulus: SNARK_SCALAR_FIELD },
] as const;

/** Numbers below the modulus that stress the limb boundaries: 0, 1, m - 1, runs of ones, single bits. */
function edgeValues(m: bigint): bigint[] {
  const values = [0n, 1n, 2n, m - 1n, m - 2n, m >> 1n, (m + 1n) >> 1n];
  for (let bits = 1; bits < 254; bits += 7) values.push((1n << BigInt(bits)) - 1n, 1n << BigInt(bits));
  for (let limb = 1; limb < 9; limb++)
    values.push((1n << BigInt(29 * limb)) % m, ((1n << BigInt(29 * limb)) - 1n) % m);
  return values;
}

function randomBelow(m: bigint, random: ReturnType<typeof prng>): bigint {
  let value = 0n;
  for (let i = 0; i < 8; i++) value = (value << 32n) | BigInt(random.int(2 ** 32));
  // Half of them just below the modulus, where the final subtraction decides.
  return random.next() < 0.5 ? value % m : m - 1n - (value % 2n ** 200n);
}

describe("sdk: faster field multiplication (29-bit limbs)", function () {
  let curve: Bn128;
  /** Calls one of the engine's exported functions on 32-byte numbers in its memory. */
  let call: (name: string, ...values: bigint[]) => bigint;
  /** The same, with the result written over the first argument (r = x). */
  let callInPlace: (name: string, ...values: bigint[]) => bigint;

  before(async function () {
    curve = (await buildBn128(true, fasterFieldMultiplication)) as Bn128;
    const { tm } = curve;
    const pointers = [tm.alloc(32), tm.alloc(32), tm.alloc(32)];
    const run =
      (inPlace: boolean) =>
      (name: string, ...values: bigint[]) => {
        values.forEach((value, k) => tm.setBuff(pointers[k]!, toBytes(value)));
        const result = inPlace ? pointers[0]! : pointers[2]!;
        (tm.instance.exports[name] as (...pointers: number[]) => void)(
          ...pointers.slice(0, values.length),
          result,
        );
        return fromBytes(tm.getBuff(result, 32));
      };
    call = run(false);
    callInPlace = run(true);
  });
  after(() => curve.terminate());

  for (const { prefix, modulus: m } of FIELDS) {
    it(`${prefix}: gives the engine's Montgomery product x * y / 2^256 mod m, fully reduced, also in place`, function () {
      const random = prng(29);
      const rInverse = modularPower(2n ** 256n % m, m - 2n, m); // 2^-256 mod m: the Montgomery factor
      const values = [...edgeValues(m), ...Array.from({ length: 1500 }, () => randomBelow(m, random))];
      for (const [i, x] of values.entries()) {
        const y = values[(i * 7 + 3) % values.length]!;
        const product = (x * y * rInverse) % m;
        const square = (x * x * rInverse) % m;
        expect(call(`${prefix}_mul`, x, y), `${x} * ${y}`).to.equal(product);
        expect(callInPlace(`${prefix}_mul`, x, y), `${x} * ${y} in place`).to.equal(product);
        expect(call(`${prefix}_square`, x), `${x}^2`).to.equal(square);
        expect(callInPlace(`${prefix}_square`, x), `${x}^2 in place`).to.equal(square);
      }
    });
  }

  it("leaves the pairing bilinear: e(aP, bQ) = e(abP, Q), and e(aP, bQ) != e(P, Q)", async function () {
    const [a, b] = [123456789n, 987654321987654321n];
    const scalar = (value: bigint) => toBytes(value);
    const aP = curve.G1.timesScalar(curve.G1.fromObject([1n, 2n]), scalar(a));
    const g2 = curve.G2.fromObject([
      [
        10857046999023057135944570762232829481370756359578518086990519993285655852781n,
        11559732032986387107991004021392285783925812861821192530917403151452391805634n,
      ],
      [
        8495653923123431417604973247489272438418190587263600148770280649306958101930n,
        4082367875863433681332203403145435568316851327593401208105741076214120093531n,
      ],
    ]);
    const bQ = curve.G2.timesScalar(g2, scalar(b));
    const abP = curve.G1.timesScalar(curve.G1.fromObject([1n, 2n]), scalar(a * b));
    expect(await curve.pairingEq(aP, bQ, curve.G1.neg(abP), g2)).to.equal(true);
    expect(await curve.pairingEq(aP, bQ, curve.G1.neg(curve.G1.fromObject([1n, 2n])), g2)).to.equal(false);
  });

  it("takes the place of the engine's own functions, keeping their indices and the function count", function () {
    const names = ["other", "f1m_mul", "f1m_square", "frm_mul", "frm_square"];
    const original = names.map((name) => ({ original: name }));
    const builder: WasmModuleBuilder = {
      functions: [...original] as never[],
      functionIdxByName: Object.fromEntries(names.map((name, index) => [name, index])),
      nInternalFunctions: names.length,
      addFunction(name) {
        const added = {
          name,
          addParam() {},
          addLocal() {},
          addCode() {},
          getCodeBuilder: () => codeBuilderStub(),
        };
        this.functionIdxByName[name] = this.functions.length;
        this.functions.push(added);
        this.nInternalFunctions++;
        return added;
      },
    };
    fasterFieldMultiplication(builder);
    expect(builder.functions).to.have.length(names.length);
    expect(builder.nInternalFunctions).to.equal(names.length);
    expect(builder.functionIdxByName).to.deep.equal(
      Object.fromEntries(names.map((name, index) => [name, index])),
    );
    expect(builder.functions[0]).to.equal(original[0]);
    expect(builder.functions.map((f) => (f as unknown as { name?: string }).name)).to.deep.equal([
      undefined,
      ...names.slice(1).map((name) => `${name}_29bit`),
    ]);
    const empty: WasmModuleBuilder = { ...builder, functionIdxByName: {} };
    expect(() => fasterFieldMultiplication(empty)).to.throw("the engine has no function f1m_mul to replace");
  });
});

/** A CodeBuilder whose every instruction is empty code: enough to run the generator. */
function codeBuilderStub(): never {
  return new Proxy({}, { get: () => () => [] }) as never;
}

function toBytes(value: bigint): Uint8Array {
  const bytes = new Uint8Array(32);
  for (let k = 0; k < 32; k++) bytes[k] = Number((value >> BigInt(8 * k)) & 0xffn);
  return bytes;
}

function fromBytes(bytes: Uint8Array): bigint {
  return bytes.reduceRight((value, byte) => (value << 8n) | BigInt(byte), 0n);
}

function modularPower(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  for (let b = base % modulus, e = exponent; e > 0n; e >>= 1n, b = (b * b) % modulus) {
    if (e & 1n) result = (result * b) % modulus;
  }
  return result;
}
