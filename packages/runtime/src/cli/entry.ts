// The process entry of `octo`: from sources through bin/octo.js, and the entry of the release bundle
// (dist/octo.js). Only cheap modules are imported statically: the compile cache must be on before
// the bulk of the code is compiled, and `octo run` may re-execute the process with its node flags
// before loading anything.
import { enableCompileCache } from "node:module";
import { relaunchWithRunFlags } from "./node-flags.ts";

// The V8 compile cache keeps compiled code on disk between runs (a no-op when bin/octo.js already
// enabled it; silently off where the cache directory is not writable).
enableCompileCache();
relaunchWithRunFlags();
const [{ main }, { processIO }] = await Promise.all([import("./main.ts"), import("./process-io.ts")]);
process.exitCode = await main(process.argv.slice(2), processIO());
