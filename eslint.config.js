import tseslint from "typescript-eslint";

/** Imports of other layers' folders, from any depth (e.g. "../../relayer/app.js"). */
const forbid = (names, why) => ({ group: names.map((name) => `**/${name}/**`), message: why });

/**
 * The layer rules of the README's architecture table, enforced: what each folder may import.
 * Exported so that test/lint-layers.test.ts can show that a forbidden import fails lint.
 */
export const layerRules = [
  {
    files: ["sdk/**/*.ts"],
    ignores: ["sdk/test/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            forbid(
              ["relayer", "web", "cli", "scripts", "bench", "test"],
              "the sdk is the library every layer uses: it knows no service, screen, script or test.",
            ),
          ],
        },
      ],
    },
  },
  {
    files: ["web/src/**/*.ts", "web/src/**/*.tsx"],
    rules: {
      // Pages and workers have no Node. @types/node still reaches web/src's type check (through
      // ethers' and @semaphore-protocol/identity's declarations), so these rules say it, and
      // web/browser-only-plugin.ts fails the build if a Node module is reached through the sdk.
      "no-restricted-globals": [
        "error",
        ...["process", "Buffer", "global", "require", "__dirname", "__filename"].map((name) => ({
          name,
          message: "web/src runs in the browser, which has no Node.",
        })),
      ],
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            forbid(
              ["relayer", "cli", "scripts", "bench", "test"],
              "the web app talks to relayers over HTTP only (sdk/relayer-client.ts) and imports no script or test.",
            ),
            {
              group: ["node:*"],
              message: "the web app runs in a browser: no Node modules.",
            },
            {
              group: ["**/sdk/index.js"],
              message: "import sdk modules by file: sdk/index.js also loads the sdk's Node-only modules.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["relayer/**/*.ts"],
    ignores: ["relayer/test/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            forbid(
              ["web", "cli", "scripts", "bench", "test"],
              "the relayer is a service: it knows no screen, command, script or test.",
            ),
          ],
        },
      ],
    },
  },
  {
    files: ["relayer/test/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [forbid(["bench"], "tests do not depend on benchmarks: share a test helper instead.")] },
      ],
    },
  },
  {
    files: ["cli/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            forbid(
              ["web", "scripts", "bench", "test"],
              "the CLI uses the sdk (and runs a relayer), nothing else.",
            ),
          ],
        },
      ],
    },
  },
];

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "artifacts/",
      "cache/",
      "types/",
      "circuits/build/",
      "web/dist/",
      "cli/zonedao.bundle.mjs",
      "bench/results/",
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ["**/*.test.ts", "test/**/*.ts"],
    rules: {
      // chai's `expect(x).to.be.true` style is an expression statement.
      "@typescript-eslint/no-unused-expressions": "off",
    },
  },
  ...layerRules,
  { files: ["**/*.js", "**/*.mjs"], ...tseslint.configs.disableTypeChecked },
);
