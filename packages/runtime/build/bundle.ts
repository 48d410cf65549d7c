// The release build of the `octo` CLI: src/cli/entry.ts and everything it imports, the runtime's
// dependencies included, bundled by esbuild into ESM files in dist/. A few plain JavaScript files
// instead of ~80 TypeScript sources to strip and hundreds of package modules to resolve and link:
// half of `octo invoke`'s cold start (bench S6).
//
// Contract of dist/ (what the container image and a published package run):
// - `node dist/octo.js <command>` is `octo`, the same CLI as bin/octo.js runs from sources.
// - dist/octo.js is a small entry; the code is in dist/chunks/, loaded by relative imports, and
//   pino's worker-thread transports use dist/*.cjs: ship the whole directory. `octo run`'s modules
//   and postgres.js are chunks of their own, loaded only when used.
// - EXTERNAL packages are not in the bundle: they must be installed where Node resolves them from
//   dist/ (the package's production dependencies, e.g. `pnpm deploy --prod`).
// - Node ≥ 24, any platform: no native modules.
// - *.map map back to the sources (`node --enable-source-maps`); *.LEGAL.txt keep the licences.
// - The V8 compile cache (~10 % of a cold start) goes to the OS temp dir; NODE_COMPILE_CACHE=<dir>
//   moves it, e.g. to a directory warmed while building an image. Without a writable one it is off.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import { join, relative } from "node:path";
import { type BuildOptions, build, type Plugin } from "esbuild";
import { PINO_WORKERS } from "./pino-workers.ts";

export const RUNTIME_DIR = join(import.meta.dirname, "..");
export const DIST_DIR = join(RUNTIME_DIR, "dist");
/** The CLI in a bundle directory. */
export const BUNDLE_ENTRY = "octo.js";

/** pino-pretty is required by name at run time (logging/logger.ts, text logs only), so it stays a package. */
export const EXTERNAL = ["pino-pretty"];

// What the bundle is made of (the default plugins included): a change to any of these makes dist/ stale.
const INPUTS = ["src", "build", "package.json", "../ai/src", "../ai/package.json"];

/**
 * Node's built-ins through require() instead of ESM imports. The ESM facade of a built-in reads
 * every export, and node:http's lazy `WebSocket`/`MessageEvent` getters then load all of undici:
 * ~80 ms of `octo invoke` (nodejs/node#59686). A required module's exports are read when used.
 */
const builtinsViaRequire: Plugin = {
  name: "builtins-via-require",
  setup(b) {
    b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) =>
      args.kind === "import-statement" && isBuiltin(args.path)
        ? { path: args.path, namespace: "builtin-via-require" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "builtin-via-require" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
  },
};

/**
 * zod's translations of its error messages (half of zod's code) hang off `z.locales`, so they
 * cannot be tree-shaken; Octo never switches zod's locale, so only English, the default, is bundled.
 */
const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";',
      loader: "js",
    }));
  },
};

const common: BuildOptions = {
  absWorkingDir: RUNTIME_DIR,
  bundle: true,
  platform: "node",
  target: "node24",
  external: EXTERNAL,
  // Smaller files to read, hash and compile; identifiers stay as written, for stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: "linked",
  legalComments: "linked",
  logLevel: "warning",
};

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const e of readdirSync(path, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/** True when `outdir` has no bundle, or one older than a source, a build file or package.json. */
export function bundleIsStale(outdir = DIST_DIR): boolean {
  let built: number;
  try {
    built = statSync(join(outdir, BUNDLE_ENTRY)).mtimeMs;
  } catch {
    return true;
  }
  return INPUTS.some((p) => newestMtime(join(RUNTIME_DIR, p)) > built);
}

/**
 * Bundles the CLI into `outdir` (default dist/), replacing what was there; returns the files
 * written. Built in node_modules/.cache (ignored by git and Biome, on the same file system) and
 * renamed into place: a failed build leaves the previous bundle whole.
 */
export async function buildBundle(outdir = DIST_DIR): Promise<string[]> {
  const staging = join(RUNTIME_DIR, "node_modules", ".cache", `octo-bundle-${process.pid}-${Date.now()}`);
  mkdirSync(staging, { recursive: true });
  try {
    const cli = await build({
      ...common,
      entryPoints: { [BUNDLE_ENTRY.replace(/\.js$/, "")]: "build/release-entry.ts" },
      outdir: staging,
      format: "esm",
      // Dynamic imports become chunks: what `invoke` does not use is not even read.
      splitting: true,
      chunkNames: "chunks/[name]-[hash]",
      // The CommonJS packages inside call require() (for Node's built-ins, see above).
      banner: {
        js: '#!/usr/bin/env node\nimport { createRequire as __octoRequire } from "node:module"; const require = __octoRequire(import.meta.url);',
      },
      plugins: [builtinsViaRequire, zodEnglishOnly],
      metafile: true,
    });
    const pinoRequire = createRequire(createRequire(join(RUNTIME_DIR, "package.json")).resolve("pino"));
    const workers = await build({
      ...common,
      entryPoints: Object.fromEntries(
        Object.values(PINO_WORKERS).map((w) => [w.file.replace(/\.cjs$/, ""), pinoRequire.resolve(w.source)]),
      ),
      outdir: staging,
      format: "cjs",
      outExtension: { ".js": ".cjs" },
      metafile: true,
    });
    rmSync(outdir, { recursive: true, force: true });
    renameSync(staging, outdir);
    return [cli, workers].flatMap((r) =>
      Object.keys(r.metafile.outputs).map((f) => relative(staging, join(RUNTIME_DIR, f))),
    );
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const files = await buildBundle();
  const js = files.filter((f) => /\.c?js$/.test(f));
  console.log(`built ${relative(process.cwd(), DIST_DIR) || "."}: ${js.join(", ")}`);
}
