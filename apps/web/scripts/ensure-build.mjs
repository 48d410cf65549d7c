// Builds the web app (next build) unless .next already holds a build of the same sources.
// Used by `npm start` and by the tests that serve the built app; plain JavaScript so that
// scripts/start.mjs can import it. Run directly: `node apps/web/scripts/ensure-build.mjs`.
//
// The build is Next's standalone output (next.config.ts): a server.js with only the files it
// needs traced beside it, so the platform image carries ~40 MB of the web app instead of the
// whole Next.js package. Everything that serves the app (npm start, the tests, the images)
// runs that server.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";

const web = join(import.meta.dirname, "..");
const root = join(web, "..", "..");
const stampFile = join(web, ".next", "octo-source-hash");
// Two processes (test files, npm start) must not build into the same .next at once.
const lockDir = join(web, ".next-build-lock");
const LOCK_STALE_MS = 10 * 60_000;

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

/** The standalone server of the last build (paths inside .next/standalone mirror the repository). */
export function standaloneServer() {
  return join(web, ".next", "standalone", relative(root, web), "server.js");
}

/** `node <args>` with `env` serves the built app on `host`:`port` (the standalone server reads both). */
export function serveCommand(port, host) {
  return { args: [standaloneServer()], env: { PORT: String(port), HOSTNAME: host } };
}

/** The next CLI of this app's own dependency (it builds; the standalone server serves). */
function nextBin() {
  return createRequire(join(web, "package.json")).resolve("next/dist/bin/next");
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function withLock(fn) {
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
      // A build that died long ago left its lock behind.
      if (Date.now() - statSync(lockDir).mtimeMs > LOCK_STALE_MS)
        rmSync(lockDir, { recursive: true, force: true });
      else sleep(500);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Runs `next build` when the sources changed since the last build; returns whether it built. */
export function ensureWebBuild({ log = console.log } = {}) {
  const hash = sourceHash();
  const upToDate = () => existsSync(stampFile) && readFileSync(stampFile, "utf8") === hash;
  if (upToDate()) return false;
  return withLock(() => (upToDate() ? false : build(hash, log)));
}

// A build must not depend on who runs it: sign-in settings are read when the server starts.
function buildEnv() {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("OIDC_") && !k.startsWith("AUTH_")),
  );
  return { ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
}

function build(hash, log) {
  log("octo: building the web app (next build) …");
  const r = spawnSync(process.execPath, [nextBin(), "build"], {
    cwd: web,
    stdio: ["ignore", "pipe", "pipe"],
    env: buildEnv(),
  });
  if (r.status !== 0) {
    throw new Error(`next build failed:\n${r.stdout.toString()}${r.stderr.toString()}`);
  }
  // The standalone server serves the client's static files from beside it, but next build leaves
  // copying them there to whoever deploys it (Next's docs: "output: standalone").
  const served = join(standaloneServer(), "..");
  cpSync(join(web, ".next", "static"), join(served, ".next", "static"), { recursive: true });
  if (existsSync(join(web, "public")))
    cpSync(join(web, "public"), join(served, "public"), { recursive: true });
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
