/**
 * Witnesses in memory for the circuit tests: computed by a circuit's wasm, read and changed signal
 * by signal, and checked against the circuit's constraints (its r1cs), which is what a proof needs:
 * a witness that fails the check cannot be proven, whatever wasm or tool made it.
 */
import { readFile } from "node:fs/promises";
import * as snarkjs from "snarkjs";
import type { CircuitSignals } from "snarkjs";
import { section, sections } from "../../sdk/groth16-prover.js";

/** Computes a witness in memory and returns it in .wtns format. */
export async function computeWitness(input: CircuitSignals, wasmPath: string): Promise<Uint8Array> {
  const witness: { type: "mem"; data?: Uint8Array } = { type: "mem" };
  await snarkjs.wtns.calculate(input, wasmPath, witness);
  if (witness.data === undefined) throw new Error("snarkjs wrote no witness");
  return witness.data;
}

/**
 * A .wtns file's values, in place: section 1 holds n8, the prime and the count, section 2 the
 * values, n8 bytes each, little-endian.
 */
function witnessValues(wtns: Uint8Array): { values: Uint8Array; n8: number; count: number } {
  const all = sections(wtns, "wtns");
  const header = section(all, 1);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const n8 = view.getUint32(0, true);
  return { values: section(all, 2), n8, count: view.getUint32(4 + n8, true) };
}

/** Every wire's value (wire 0 is the constant 1, then the outputs, the public inputs, the rest). */
export function readWitness(wtns: Uint8Array): bigint[] {
  const { values, n8, count } = witnessValues(wtns);
  return Array.from({ length: count }, (_, wire) => {
    let value = 0n;
    for (let byte = n8 - 1; byte >= 0; byte--) value = (value << 8n) | BigInt(values[wire * n8 + byte]!);
    return value;
  });
}

/** A copy of `wtns` with the given wires set to new values. */
export function withWires(wtns: Uint8Array, changes: ReadonlyMap<number, bigint>): Uint8Array {
  const copy = wtns.slice();
  // The values section is a view of the copy: writing it writes the copy.
  const { values, n8 } = witnessValues(copy);
  for (const [wire, value] of changes) {
    let rest = value;
    for (let byte = 0; byte < n8; byte++) {
      values[wire * n8 + byte] = Number(rest & 0xffn);
      rest >>= 8n;
    }
  }
  return copy;
}

/**
 * Whether the witness satisfies every constraint of the circuit (`r1cs`: the .r1cs file's bytes,
 * read in memory so that snarkjs leaves no file open).
 */
export async function satisfies(r1cs: Uint8Array, wtns: Uint8Array): Promise<boolean> {
  // snarkjs's check calls logger.warn unguarded when a constraint fails.
  const quiet = { info() {}, warn() {} };
  return (await snarkjs.wtns.check({ type: "mem", data: r1cs }, { type: "mem", data: wtns }, quiet)) === true;
}

/** The wire of each named signal (those the optimizer kept), from a circuit's .sym file. */
export async function readSymbols(symPath: string): Promise<Map<string, number>> {
  const wires = new Map<string, number>();
  for (const line of (await readFile(symPath, "utf8")).split("\n")) {
    const [, wire, , name] = line.split(",");
    if (name !== undefined && Number(wire) >= 0) wires.set(name, Number(wire));
  }
  return wires;
}
