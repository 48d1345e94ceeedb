#!/usr/bin/env node
// The `zonedao` bin. It runs the compiled CLI (scripts/cli-bundle.mjs), remaking it first when a
// source changed since. `zonedao relayer` runs from TypeScript through tsx instead: its worker
// threads load .ts modules, and a long-running service does not mind a second of start-up.
import module from "node:module";
import { buildCliBundle, cliBundleIsCurrent } from "../scripts/cli-bundle.mjs";

// The relayer keeps its queue in node:sqlite, which Node has from 22.5; the bundle imports it.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 5)) {
  console.error(
    `zonedao needs Node 22.5 or newer; this is Node ${process.versions.node}. In a checkout, ` +
      "`npx zonedao` and `npm run zonedao --` use the repository's own Node 22.",
  );
  process.exit(1);
}

// V8 keeps the bundle's compiled code on disk (in the system's temporary folder), so a command
// after the first does not parse its 6 MB again.
module.enableCompileCache?.();

const fromBundle = process.argv[2] !== "relayer";
if (fromBundle && cliBundleIsCurrent()) {
  await import("./zonedao.bundle.mjs");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  // The contracts' typed bindings, which the CLI imports, built if missing or stale.
  await import("../scripts/ensure-build.ts");
  if (fromBundle) {
    await buildCliBundle();
    await import("./zonedao.bundle.mjs");
  } else {
    await import("./zonedao.ts");
  }
}
