// circom_runtime (the witness calculator snarkjs builds for every proof) ships no types; this is the
// part of its API warm-prover.ts uses, as its js/witness_calculator.js defines it.
declare module "circom_runtime" {
  /** A circuit's compiled witness-calculator wasm, instantiated once and reusable between witnesses. */
  export interface WitnessCalculator {
    /** A witness in snarkjs's .wtns format. Not reentrant: the wasm instance holds the witness. */
    calculateWTNSBin(input: Record<string, unknown>, sanityCheck?: boolean): Promise<Uint8Array>;
  }
  export function WitnessCalculatorBuilder(code: Uint8Array): Promise<WitnessCalculator>;
}
