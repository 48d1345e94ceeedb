// The part of ffjavascript (which ships no types) that the sdk's verifier and prover use. It is the
// copy snarkjs uses too (package.json pins the same version, so npm installs one copy): a second
// copy would reset snarkjs's cached curve when imported.
declare module "ffjavascript" {
  /**
   * Builds the BN254 engine; `plugins` may change its WebAssembly module (a wasmbuilder
   * ModuleBuilder) before it is compiled. A single-thread engine is never cached; a threaded one
   * is kept in globalThis.curve_bn128, and while one is there it is returned whatever the plugins.
   */
  export function buildBn128(singleThread?: boolean, plugins?: (builder: never) => void): Promise<unknown>;
}
