import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "artifacts/",
      "cache/",
      "types/",
      "circuits/build/",
      "web/dist/",
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
  {
    // web/src runs in pages and workers, where Node is not: @types/node still reaches its type
    // check (through ethers' and @semaphore-protocol/identity's declarations), so these say it, and
    // web/browser-only-plugin.ts fails the build if a Node module is reached through the sdk.
    files: ["web/src/**"],
    rules: {
      "no-restricted-globals": [
        "error",
        ...["process", "Buffer", "global", "require", "__dirname", "__filename"].map((name) => ({
          name,
          message: "web/src runs in the browser, which has no Node.",
        })),
      ],
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["node:*"], message: "web/src runs in the browser, which has no Node." }] },
      ],
    },
  },
  { files: ["**/*.js", "**/*.mjs"], ...tseslint.configs.disableTypeChecked },
);
