/** `npm run relayer`: a relayer configured by the environment (see relayer/README.md). */
import { runRelayer } from "./run.js";

await runRelayer(process.env);
