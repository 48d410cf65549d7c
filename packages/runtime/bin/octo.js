#!/usr/bin/env node
// `octo` — runs on Node 24, which loads the TypeScript sources directly (type stripping).
// The compile cache keeps V8's compiled code (of the stripped sources too) on disk between
// runs, so a second `octo invoke` skips most of the parsing and compiling of ~80 modules.
import { enableCompileCache } from "node:module";

enableCompileCache();
const { main } = await import("../src/cli/main.ts");
const { processIO } = await import("../src/cli/process-io.ts");
process.exitCode = await main(process.argv.slice(2), processIO());
