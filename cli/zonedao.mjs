#!/usr/bin/env node
// The `zonedao` bin: loads the TypeScript CLI through tsx (a dependency of this package), after
// making sure the contracts' typed bindings it imports are built (scripts/build.ts).
import { register } from "tsx/esm/api";

register();
await import("../scripts/ensure-build.ts");
await import("./zonedao.ts");
