/**
 * snarkjs's Groth16 prover (build/main.cjs `groth16Prove`), step for step on the same curve, with
 * what one proof can lend the next kept: the zkey's sections split once, and the four
 * multi-exponentiations over the witness (A, B in G1 and G2, C) of the last proof. Those are sums
 * Σ w_i·P_i, linear in the witness, so for a witness that differs from the last in a few values
 * (the same citizen's vote for another option: the message and its square) they are the last sums
 * plus Σ (w'_i − w_i)·P_i over the values that changed, the same points as the full sums. The
 * quotient's (H) is not linear in the witness and is always computed in full, and the blinding r and
 * s are drawn fresh for every proof, so a proof is exactly one snarkjs could have made.
 * Browser-safe: bytes in.
 */
import { buildBn128 } from "ffjavascript";
import type * as snarkjs from "snarkjs";
import { fasterFieldMultiplication } from "./field-multiplication.js";

/** A field element or curve point: bytes, in ffjavascript's internal (Montgomery) form. */
type Bytes = Uint8Array;

/** The part of ffjavascript's bn128 curve used here (the library ships no types). */
interface Group {
  add(a: Bytes, b: Bytes): Bytes;
  timesFr(point: Bytes, scalar: Bytes): Bytes;
  /** Σ scalar_i·base_i: bases affine in Montgomery form, scalars in standard form, as the zkey's. */
  multiExpAffine(bases: Bytes, scalars: Bytes): Promise<Bytes>;
  fromRprLEM(bytes: Bytes, offset: number): Bytes;
  toAffine(point: Bytes): Bytes;
  toObject(point: Bytes): unknown[];
}
interface Curve {
  Fr: {
    /** The 2-adicity, the coset shift and the roots of unity of each power of two. */
    s: number;
    shift: Bytes;
    w: Bytes[];
    e(value: number): Bytes;
    random(): Bytes;
    add(a: Bytes, b: Bytes): Bytes;
    sub(a: Bytes, b: Bytes): Bytes;
    mul(a: Bytes, b: Bytes): Bytes;
    neg(a: Bytes): Bytes;
    fft(values: Bytes): Promise<Bytes>;
    ifft(values: Bytes): Promise<Bytes>;
    batchApplyKey(values: Bytes, first: Bytes, increment: Bytes): Promise<Bytes>;
  };
  G1: Group;
  G2: Group;
  /** The curve's thread pool, running its wasm functions (qap_joinABC...). */
  tm: { queueAction(task: unknown[]): Promise<Bytes[]> };
}

/**
 * The threaded BN254 engine, kept in globalThis.curve_bn128 as snarkjs keeps its own: the one
 * already there (snarkjs's, if its own prover ran first), else a new one built with our faster
 * field multiplication (field-multiplication.ts), which snarkjs's provers in this process then take
 * too. Asked for at every proof, never held: stopProverThreads terminates it, and the next proof
 * must find a new one (field elements and points are bytes, the same in any instance of the curve).
 */
const threadedCurve = async () => (await buildBn128(false, fasterFieldMultiplication)) as Curve;

/** A witness is replayed as a difference when at most this share of its values changed. */
const MAX_CHANGED_SHARE = 1 / 8;

/** The sections of a snarkjs binary file ("zkey", "wtns"): id -> bytes, read in place. */
export function sections(bytes: Uint8Array, magic: string): Map<number, Uint8Array> {
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== magic) throw new Error(`not a ${magic} file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = new Map<number, Uint8Array>();
  let position = 12; // magic, version, number of sections
  while (position < bytes.byteLength) {
    const id = view.getUint32(position, true);
    const size = Number(view.getBigUint64(position + 4, true));
    if (found.has(id)) throw new Error(`${magic} section ${id} twice`);
    found.set(id, bytes.subarray(position + 12, position + 12 + size));
    position += 12 + size;
  }
  return found;
}

/** Section `id` of a file's `sections`, which must have it. */
export function section(all: Map<number, Uint8Array>, id: number): Uint8Array {
  const bytes = all.get(id);
  if (!bytes) throw new Error(`missing section ${id}`);
  return bytes;
}

/** The raw sums of the last proof, with the witness they are of. */
interface WitnessSums {
  witness: Uint8Array;
  a: Uint8Array;
  b1: Uint8Array;
  b2: Uint8Array;
  c: Uint8Array;
}

/** A Groth16 proof as snarkjs gives it, and the public signals. */
export interface Groth16Result {
  proof: snarkjs.Groth16Proof;
  publicSignals: string[];
}

/** One circuit's proving key, split once, proving witnesses in snarkjs's .wtns format. */
export class Groth16Prover {
  #last: WitnessSums | undefined;

  private constructor(
    private readonly key: {
      nVars: number;
      nPublic: number;
      domainSize: number;
      power: number;
      alpha1: Uint8Array;
      beta1: Uint8Array;
      beta2: Uint8Array;
      delta1: Uint8Array;
      delta2: Uint8Array;
      coeffs: Uint8Array;
      basesA: Uint8Array;
      basesB1: Uint8Array;
      basesB2: Uint8Array;
      basesC: Uint8Array;
      basesH: Uint8Array;
    },
  ) {}

  /** Splits a Groth16 zkey (as readHeaderGroth16 reads it) and builds the curve. */
  static async load(zkey: Uint8Array): Promise<Groth16Prover> {
    const curve = await threadedCurve();
    const all = sections(zkey, "zkey");
    if (new DataView(section(all, 1).buffer, section(all, 1).byteOffset).getUint32(0, true) !== 1) {
      throw new Error("the zkey is not a Groth16 key");
    }
    const header = section(all, 2);
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
    const n8q = view.getUint32(0, true);
    const n8r = view.getUint32(4 + n8q, true);
    if (n8q !== 32 || n8r !== 32) throw new Error("the zkey is not of the bn128 curve");
    let at = 8 + n8q + n8r;
    const [nVars, nPublic, domainSize] = [0, 4, 8].map((offset) => view.getUint32(at + offset, true)) as [
      number,
      number,
      number,
    ];
    at += 12;
    const point = (group: "G1" | "G2") => {
      const size = group === "G1" ? 64 : 128;
      const parsed = curve[group].fromRprLEM(header, at);
      at += size;
      return parsed;
    };
    const alpha1 = point("G1");
    const beta1 = point("G1");
    const beta2 = point("G2");
    point("G2"); // gamma2: the verifier's
    const delta1 = point("G1");
    const delta2 = point("G2");
    return new Groth16Prover({
      nVars,
      nPublic,
      domainSize,
      power: Math.log2(domainSize),
      alpha1,
      beta1,
      beta2,
      delta1,
      delta2,
      coeffs: section(all, 4),
      basesA: section(all, 5),
      basesB1: section(all, 6),
      basesB2: section(all, 7),
      basesC: section(all, 8),
      basesH: section(all, 9),
    });
  }

  /** Proves a witness (a .wtns file's bytes, as circom_runtime's calculateWTNSBin makes it). */
  async prove(wtns: Uint8Array): Promise<Groth16Result> {
    const { key } = this;
    const curve = await threadedCurve();
    const { Fr, G1, G2 } = curve;
    const n8 = 32;
    const all = sections(wtns, "wtns");
    const witness = section(all, 2);
    if (witness.byteLength !== key.nVars * n8) {
      throw new Error(`the witness has ${witness.byteLength / n8} values, the circuit ${key.nVars}`);
    }

    const sums = await this.#sums(curve, witness);

    // The quotient, as groth16Prove: A, B, C at the constraints, to the odd coset, joined there.
    const [aT, bT, cT] = this.#abc(curve, witness);
    const inc = key.power === Fr.s ? Fr.shift : Fr.w[key.power + 1];
    if (!inc) throw new Error(`no root of unity for a domain of ${key.domainSize}`);
    const toOddCoset = async (values: Uint8Array) =>
      Fr.fft(await Fr.batchApplyKey(await Fr.ifft(values), Fr.e(1), inc));
    const [aOdd, bOdd, cOdd] = [await toOddCoset(aT), await toOddCoset(bT), await toOddCoset(cT)];
    // qap_joinABC and the conversion out of Montgomery form, in the curve's wasm, as joinABC does.
    const [joined] = (await curve.tm.queueAction([
      { cmd: "ALLOCSET", var: 0, buff: aOdd },
      { cmd: "ALLOCSET", var: 1, buff: bOdd },
      { cmd: "ALLOCSET", var: 2, buff: cOdd },
      { cmd: "ALLOC", var: 3, len: key.domainSize * n8 },
      {
        cmd: "CALL",
        fnName: "qap_joinABC",
        params: [{ var: 0 }, { var: 1 }, { var: 2 }, { val: key.domainSize }, { var: 3 }],
      },
      {
        cmd: "CALL",
        fnName: "frm_batchFromMontgomery",
        params: [{ var: 3 }, { val: key.domainSize }, { var: 3 }],
      },
      { cmd: "GET", out: 0, var: 3, len: key.domainSize * n8 },
    ])) as [Uint8Array];
    const h = await G1.multiExpAffine(key.basesH, joined);

    const r = Fr.random();
    const s = Fr.random();
    const piA = G1.add(G1.add(sums.a, key.alpha1), G1.timesFr(key.delta1, r));
    const piB = G2.add(G2.add(sums.b2, key.beta2), G2.timesFr(key.delta2, s));
    const b1 = G1.add(G1.add(sums.b1, key.beta1), G1.timesFr(key.delta1, s));
    let piC = G1.add(sums.c, h);
    piC = G1.add(piC, G1.timesFr(piA, s));
    piC = G1.add(piC, G1.timesFr(b1, r));
    piC = G1.add(piC, G1.timesFr(key.delta1, Fr.neg(Fr.mul(r, s))));

    const publicSignals: string[] = [];
    for (let i = 1; i <= key.nPublic; i++)
      publicSignals.push(littleEndian(witness.subarray(i * n8, (i + 1) * n8)));
    const affine = (group: Group, value: Uint8Array) =>
      group.toObject(group.toAffine(value)).map(function stringify(v): unknown {
        return Array.isArray(v) ? v.map(stringify) : String(v);
      });
    return {
      proof: {
        pi_a: affine(G1, piA),
        pi_b: affine(G2, piB),
        pi_c: affine(G1, piC),
        protocol: "groth16",
        curve: "bn128",
      } as snarkjs.Groth16Proof,
      publicSignals,
    };
  }

  /**
   * Σ w_i·P_i for A, B (G1, G2) and C: from the last proof's sums plus the changed values' part
   * when few changed, else in full. The last sums are replaced, never changed in place.
   */
  async #sums(curve: Curve, witness: Uint8Array): Promise<WitnessSums> {
    const { key } = this;
    const { Fr, G1, G2 } = curve;
    const n8 = 32;
    const last = this.#last;
    const changed: number[] = [];
    if (last) {
      for (let i = 0; i < key.nVars && changed.length <= key.nVars * MAX_CHANGED_SHARE; i++) {
        const at = i * n8;
        for (let byte = 0; byte < n8; byte++) {
          if (witness[at + byte] !== last.witness[at + byte]) {
            changed.push(i);
            break;
          }
        }
      }
    }
    const cStart = key.nPublic + 1; // C's bases start after the public values
    let sums: WitnessSums;
    if (last && changed.length <= key.nVars * MAX_CHANGED_SHARE) {
      if (changed.length === 0) return last;
      // Σ (w'_i − w_i)·P_i over the changed i: the subtraction is mod r, as the sums are.
      const pick = (bases: Uint8Array, size: number, indices: number[], offset: number) => {
        const out = new Uint8Array(indices.length * size);
        indices.forEach((index, k) =>
          out.set(bases.subarray((index - offset) * size, (index - offset + 1) * size), k * size),
        );
        return out;
      };
      const differences = (indices: number[]) => {
        const out = new Uint8Array(indices.length * n8);
        indices.forEach((index, k) =>
          out.set(
            Fr.sub(
              witness.subarray(index * n8, (index + 1) * n8),
              last.witness.subarray(index * n8, (index + 1) * n8),
            ),
            k * n8,
          ),
        );
        return out;
      };
      const inC = changed.filter((index) => index >= cStart);
      const all = differences(changed);
      sums = {
        witness,
        a: G1.add(last.a, await G1.multiExpAffine(pick(key.basesA, 64, changed, 0), all)),
        b1: G1.add(last.b1, await G1.multiExpAffine(pick(key.basesB1, 64, changed, 0), all)),
        b2: G2.add(last.b2, await G2.multiExpAffine(pick(key.basesB2, 128, changed, 0), all)),
        c:
          inC.length === 0
            ? last.c
            : G1.add(last.c, await G1.multiExpAffine(pick(key.basesC, 64, inC, cStart), differences(inC))),
      };
    } else {
      sums = {
        witness,
        a: await G1.multiExpAffine(key.basesA, witness),
        b1: await G1.multiExpAffine(key.basesB1, witness),
        b2: await G2.multiExpAffine(key.basesB2, witness),
        c: await G1.multiExpAffine(key.basesC, witness.subarray(cStart * n8)),
      };
    }
    this.#last = sums;
    return sums;
  }

  /** The witness's A, B and C at each constraint (groth16Prove's buildABC1). */
  #abc(curve: Curve, witness: Uint8Array): [Uint8Array, Uint8Array, Uint8Array] {
    const { Fr } = curve;
    const { coeffs, domainSize } = this.key;
    const n8 = 32;
    const size = 12 + n8;
    const view = new DataView(coeffs.buffer, coeffs.byteOffset, coeffs.byteLength);
    const count = view.getUint32(0, true);
    const ab = [new Uint8Array(domainSize * n8), new Uint8Array(domainSize * n8)] as const;
    for (let i = 0; i < count; i++) {
      const at = 4 + i * size;
      const matrix = ab[view.getUint32(at, true)]!;
      const constraint = view.getUint32(at + 4, true) * n8;
      const signal = view.getUint32(at + 8, true) * n8;
      const term = Fr.mul(coeffs.subarray(at + 12, at + 12 + n8), witness.subarray(signal, signal + n8));
      matrix.set(Fr.add(matrix.subarray(constraint, constraint + n8), term), constraint);
    }
    const c = new Uint8Array(domainSize * n8);
    for (let i = 0; i < domainSize * n8; i += n8) {
      c.set(Fr.mul(ab[0].subarray(i, i + n8), ab[1].subarray(i, i + n8)), i);
    }
    return [ab[0], ab[1], c];
  }
}

/** A little-endian field element as a decimal string. */
function littleEndian(bytes: Uint8Array): string {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return value.toString();
}
