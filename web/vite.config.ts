/**
 * Builds the citizens' app: `npm run web:build` (to web/dist) or `npm run web:dev`. The config the
 * app reads as /config.json comes from the environment (see config.ts): written into the build when
 * there is one, served live in dev.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";
import { DEFAULT_MAX_DEPTH, semaphoreArtifactsPlugin } from "./artifacts-plugin.js";
import { browserOnlyPlugin } from "./browser-only-plugin.js";
import { webConfigFromEnvironment } from "./config.js";

const root = import.meta.dirname;
const maxDepth = Number(process.env.ZONEDAO_WEB_MAX_DEPTH ?? DEFAULT_MAX_DEPTH);

function configJsonPlugin(): Plugin {
  let outDir = join(root, "dist");
  return {
    name: "zonedao-config-json",
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    writeBundle() {
      const config = webConfigFromEnvironment();
      if (config) writeFileSync(join(outDir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
    },
    configureServer(server) {
      server.middlewares.use("/config.json", (_request, response) => {
        const config = webConfigFromEnvironment();
        response.statusCode = config ? 200 : 404;
        response.setHeader("content-type", "application/json");
        response.end(
          JSON.stringify(config ?? { error: "no deployment: run npm start or set ZONEDAO_WEB_CONFIG" }),
        );
      });
    },
  };
}

export default defineConfig({
  root,
  base: "./",
  plugins: [react(), semaphoreArtifactsPlugin(maxDepth), configJsonPlugin(), browserOnlyPlugin()],
  // The prover worker is bundled on its own and needs the artifact hashes too.
  worker: {
    format: "es",
    plugins: () => [semaphoreArtifactsPlugin(maxDepth, { copy: false }), browserOnlyPlugin()],
  },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 4096 },
  server: { host: "127.0.0.1", port: 5173 },
});
