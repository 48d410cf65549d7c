// `npm start`: the platform on its embedded defaults — the orchestrator (PGlite in .octo/, the
// local driver, the samples imported) and the web app (built when its sources changed, then
// `next start`) — until Ctrl+C. Runs under the toolchain's Node 24, started by
// scripts/bootstrap.mjs. Plain JavaScript on purpose.
//
// `node scripts/start.mjs [all|orchestrator|web]`: the platform image runs the same script —
// `all` (the default) is the one-container editor; `orchestrator` and `web` run one part each
// (the compose stack and the Helm chart), `web` reaching the orchestrator at ORCHESTRATOR_URL.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { join } from "node:path";
import { ensureWebBuild, serveCommand } from "../apps/web/scripts/ensure-build.mjs";

const root = join(import.meta.dirname, "..");
const main = join(root, "apps/orchestrator/src/main.ts");
const webPort = process.env.WEB_PORT ?? "3000";
// Like the orchestrator, the web app answers only this machine unless told otherwise.
const webHost = process.env.WEB_HOST ?? "127.0.0.1";

const MODES = ["all", "orchestrator", "web"];
const mode = process.argv[2] ?? "all";
if (!MODES.includes(mode)) {
  console.error(`octo: unknown part "${mode}"; use one of: ${MODES.join(", ")}`);
  process.exit(2);
}
if (mode === "web" && !process.env.ORCHESTRATOR_URL) {
  console.error("octo: the web app alone needs ORCHESTRATOR_URL (where the orchestrator serves)");
  process.exit(2);
}
if (mode === "all")
  console.log(
    "octo: starting the orchestrator with the samples imported, then the web app; Ctrl+C stops both",
  );

const children = new Set();
let stopping = false;

// Each child gets its own process group, so a terminal's Ctrl+C reaches it once, through us,
// instead of twice (directly and forwarded): a second signal would cut its drain short.
function start(name, args, env, cwd = root) {
  const child = spawn(process.execPath, args, {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    env: { ...process.env, ...env },
  });
  children.add(child);
  child.stdout.pipe(process.stdout);
  child.stderr.pipe(process.stderr);
  child.on("error", (e) => {
    console.error(`octo: could not start the ${name}: ${e.message}`);
    stop("SIGTERM", 1);
  });
  child.on("exit", (code, signal) => {
    children.delete(child);
    // One part gone means the platform is down: stop the other, exit with the first status.
    if (!stopping) {
      console.error(`octo: the ${name} exited (${signal ?? code})`);
      stop("SIGTERM", code ?? 128 + (constants.signals[signal] ?? 0));
    } else if (children.size === 0) process.exit(exitCode);
  });
  return child;
}

let exitCode = 0;
function stop(signal, code = 0) {
  if (!stopping) exitCode = code;
  stopping = true;
  if (children.size === 0) process.exit(exitCode);
  for (const child of children) if (child.exitCode === null) child.kill(signal);
}
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGHUP", () => stop("SIGTERM")); // terminal closed: stop cleanly too

if (mode === "web") startWeb(process.env.ORCHESTRATOR_URL);
else {
  const orchestrator = start(
    "orchestrator",
    [main],
    mode === "all"
      ? {
          OCTO_DATA_DIR: process.env.OCTO_DATA_DIR ?? join(root, ".octo"),
          OCTO_IMPORT_SAMPLES: process.env.OCTO_IMPORT_SAMPLES ?? join(root, "samples"),
        }
      : {},
  );
  // The web app needs the orchestrator's address, which it logs (to stderr) once it serves.
  let seen = "";
  orchestrator.stderr.on("data", function waitForUrl(chunk) {
    seen += chunk.toString("utf8");
    const m = /serving (http:\/\/\S+)\/trpc/.exec(seen);
    if (!m) return;
    orchestrator.stderr.off("data", waitForUrl);
    if (mode === "all") startWeb(m[1]);
  });
}

function startWeb(orchestratorUrl) {
  if (stopping) return;
  try {
    ensureWebBuild();
  } catch (e) {
    console.error(`octo: ${e.message}`);
    stop("SIGTERM", 1);
    return;
  }
  if (stopping) return;
  const serve = serveCommand(webPort, webHost);
  start("web app", serve.args, {
    ...serve.env,
    ORCHESTRATOR_URL: orchestratorUrl,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
  });
  console.log(`octo: the web app serves http://localhost:${webPort} (API: ${orchestratorUrl}/trpc)`);
}
