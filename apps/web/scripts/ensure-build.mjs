// Builds the web app (next build) unless .next already holds a build of the same sources.
// Used by `npm start` and by the tests that serve the built app; plain JavaScript so that
// scripts/start.mjs can import it. Run directly: `node apps/web/scripts/ensure-build.mjs`.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";

const web = join(import.meta.dirname, "..");
const root = join(web, "..", "..");
const stampFile = join(web, ".next", "octo-source-hash");

// What a build depends on: the app's sources and config, the API's types and the lockfile.
const INPUTS = [
  join(web, "src"),
  join(web, "next.config.ts"),
  join(web, "package.json"),
  join(root, "pnpm-lock.yaml"),
];

function files(path) {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => !e.name.endsWith(".test.ts") && !e.name.endsWith(".test.tsx"))
    .flatMap((e) => files(join(path, e.name)));
}

export function sourceHash() {
  const hash = createHash("sha256");
  for (const file of INPUTS.flatMap(files).sort()) {
    hash.update(relative(root, file));
    hash.update(readFileSync(file));
  }
  return hash.digest("hex");
}

/** The next CLI of this app's own dependency. */
export function nextBin() {
  return createRequire(join(web, "package.json")).resolve("next/dist/bin/next");
}

/** Runs `next build` when the sources changed since the last build; returns whether it built. */
export function ensureWebBuild({ log = console.log } = {}) {
  const hash = sourceHash();
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === hash) return false;
  log("octo: building the web app (next build) …");
  const r = spawnSync(process.execPath, [nextBin(), "build"], {
    cwd: web,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) {
    throw new Error(`next build failed:\n${r.stdout.toString()}${r.stderr.toString()}`);
  }
  writeFileSync(stampFile, hash);
  return true;
}

if (process.argv[1] === import.meta.filename) {
  try {
    console.log(ensureWebBuild() ? "built" : "up to date");
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
