// The part of ffjavascript (which ships no types) that sdk/verify.ts uses. It is the copy snarkjs
// uses too (package.json pins the same version, so npm installs one copy): a second copy would
// reset snarkjs's cached curve when imported.
declare module "ffjavascript" {
  /**
   * Builds the BN254 engine; `plugins` may change its WebAssembly module (a wasmbuilder
   * ModuleBuilder) before it is compiled. A single-thread engine is never cached.
   */
  export function buildBn128(singleThread?: boolean, plugins?: (builder: never) => void): Promise<unknown>;
}
