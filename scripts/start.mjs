// `npm start`: runs the hello-world sample with the real CLI until Ctrl+C (runs under the
// toolchain's Node 24, started by scripts/bootstrap.mjs). Plain JavaScript on purpose.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const octo = join(root, "packages/runtime/bin/octo.js");
const config = join(root, "samples/hello-world");

console.log(
  "octo: starting samples/hello-world (a greeting every 30 s, see GREETING_SCHEDULE); Ctrl+C stops it",
);

// The child gets its own process group, so a terminal's Ctrl+C reaches it once, through us,
// instead of twice (directly and forwarded): a second signal would cut its drain short.
const child = spawn(process.execPath, [octo, "run", "--config", config], {
  cwd: root,
  stdio: "inherit",
  detached: true,
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
  console.error(`octo: could not start ${octo}: ${e.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
});
