#!/usr/bin/env node
// The `zonedao` bin: loads the TypeScript CLI through tsx (a dependency of this package).
import { register } from "tsx/esm/api";

register();
await import("./zonedao.ts");
