/**
 * The layer rules hold themselves: `npm run lint` fails on an import that crosses a layer's
 * boundary (eslint.config.js's layerRules, the README's architecture table). Each case lints one
 * line of code as if it were in that file.
 */
import { expect } from "chai";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { layerRules } from "../eslint.config.js";

const eslint = new ESLint({
  overrideConfigFile: true,
  overrideConfig: [
    { files: ["**/*.ts", "**/*.tsx"], languageOptions: { parser: tseslint.parser } },
    ...layerRules,
  ],
});

/** The no-restricted-imports messages for `code` placed in `filePath`. */
async function refusals(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("layer rules (eslint no-restricted-imports)", function () {
  const forbidden: [file: string, code: string][] = [
    ["sdk/proposals.ts", 'import { startRelayer } from "../relayer/relayer.js";'],
    ["sdk/audit/tallies.ts", 'import { App } from "../../web/src/App.js";'],
    ["sdk/group.ts", 'import { seedDemo } from "../scripts/demo.js";'],
    ["sdk/group.ts", 'import { alice } from "../test/zone-fixture.js";'],
    ["web/src/api.ts", 'import { buildRelayerApp } from "../../relayer/app.js";'],
    ["web/src/api.ts", 'import { readFileSync } from "node:fs";'],
    ["web/src/api.ts", 'import { proveVote } from "../../sdk/index.js";'],
    ["web/src/propose.tsx", 'import { main } from "../../cli/zonedao.js";'],
    ["relayer/app.ts", 'import { loadConfig } from "../web/src/api.js";'],
    ["relayer/intake.ts", 'import { measure } from "../bench/report.js";'],
    ["relayer/test/crash.test.ts", 'import { buildLoadWorld } from "../../bench/load/world.js";'],
    ["cli/zonedao.ts", 'import { App } from "../web/src/App.js";'],
  ];
  for (const [file, code] of forbidden) {
    it(`refuses in ${file}: ${code}`, async function () {
      expect(await refusals(file, code)).to.have.length(1);
    });
  }

  const allowed: [file: string, code: string][] = [
    ["sdk/proposals.ts", 'import { queryEvents } from "./logs.js";'],
    ["sdk/logs.ts", 'import type { TypedEventLog } from "../types/ethers-contracts/common.js";'],
    ["web/src/api.ts", 'import { RelayerClient } from "../../sdk/relayer-client.js";'],
    ["relayer/app.ts", 'import { describeProposal } from "../sdk/index.js";'],
    ["relayer/test/relayer.test.ts", 'import { alice } from "../../test/zone-fixture.js";'],
    ["cli/commands/relayer.ts", 'import { startRelayer } from "../../relayer/relayer.js";'],
    ["scripts/start.ts", 'import { buildWebApp } from "../web/serve.js";'],
  ];
  for (const [file, code] of allowed) {
    it(`allows in ${file}: ${code}`, async function () {
      expect(await refusals(file, code)).to.deep.equal([]);
    });
  }
});
