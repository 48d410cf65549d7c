#!/usr/bin/env node
// `octo` from sources — Node 24 loads the TypeScript directly (type stripping). The compile cache
// keeps V8's compiled code (of the stripped sources too) on disk between runs, so a second
// `octo invoke` skips most of the parsing and compiling. The release build is dist/octo.js
// (`pnpm --filter @octo/runtime build`), the same entry bundled.
import { enableCompileCache } from "node:module";

enableCompileCache();
await import("../src/cli/entry.ts");
