#!/usr/bin/env node
import { main } from "../src/cli/main.ts";
// `octo` — runs on Node 24, which loads the TypeScript sources directly (type stripping).
import { processIO } from "../src/cli/process-io.ts";

process.exitCode = await main(process.argv.slice(2), processIO());
