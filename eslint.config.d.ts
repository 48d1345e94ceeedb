// Types of eslint.config.js for the TypeScript that imports it (test/lint-layers.test.ts).
import type { Linter } from "eslint";

export declare const layerRules: Linter.Config[];
declare const config: Linter.Config[];
export default config;
