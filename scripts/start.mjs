// `npm start`: the control plane on its embedded defaults (PGlite in .octo/, the local driver),
// with the samples imported, until Ctrl+C (runs under the toolchain's Node 24, started by
// scripts/bootstrap.mjs). Plain JavaScript on purpose.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const main = join(root, "apps/orchestrator/src/main.ts");

console.log("octo: starting the orchestrator with the samples imported; Ctrl+C stops it");

// The child gets its own process group, so a terminal's Ctrl+C reaches it once, through us,
// instead of twice (directly and forwarded): a second signal would cut its drain short.
const child = spawn(process.execPath, [main], {
  cwd: root,
  stdio: "inherit",
  detached: true,
  env: {
    ...process.env,
    OCTO_DATA_DIR: process.env.OCTO_DATA_DIR ?? join(root, ".octo"),
    OCTO_IMPORT_SAMPLES: process.env.OCTO_IMPORT_SAMPLES ?? join(root, "samples"),
  },
});

let forwarded = false;
const forward = (signal) => {
  if (forwarded || child.exitCode !== null) return;
  forwarded = true;
  child.kill(signal);
};
process.on("SIGINT", () => forward("SIGINT"));
process.on("SIGTERM", () => forward("SIGTERM"));
process.on("SIGHUP", () => forward("SIGTERM")); // terminal closed: stop cleanly too

child.on("error", (e) => {
  console.error(`octo: could not start ${main}: ${e.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
});
