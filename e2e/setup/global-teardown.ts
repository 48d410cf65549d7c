// Stops what global-setup.ts started: the web app, then the orchestrator (which stops its
// deployments and runs), the in-process servers, and removes the temp dirs.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { type E2eEnv, ENV_FILE } from "../support/env.ts";
import { takeRunning } from "./running.ts";

const STOP_MS = 10_000;

async function stopChild(stop: () => Promise<unknown>, kill: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      kill();
      resolve();
    }, STOP_MS);
  });
  await Promise.race([stop(), timeout]);
  clearTimeout(timer);
}

/** SIGTERM to a process the setup started, when it is still that process (its command line says so). */
function killPid(pid: number, commandPart: string): void {
  if (pid <= 0) return;
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(commandPart)) return;
    process.kill(pid, "SIGTERM");
  } catch {
    // Already gone.
  }
}

export default async function globalTeardown(): Promise<void> {
  const running = takeRunning();
  const env = existsSync(ENV_FILE) ? (JSON.parse(readFileSync(ENV_FILE, "utf8")) as E2eEnv) : undefined;
  if (running) {
    // Reverse order: the web app before the orchestrator it talks to.
    for (const child of [...running.children].reverse()) {
      if (child.child.exitCode !== null || child.child.signalCode !== null) continue;
      await stopChild(
        () => child.stop("SIGTERM"),
        () => child.child.kill("SIGKILL"),
      );
    }
    for (const close of running.closers) await close().catch(() => {});
  } else if (env) {
    killPid(env.pids.web, "next");
    killPid(env.pids.orchestrator, "apps/orchestrator/src/main.ts");
  }
  for (const dir of new Set([...(running?.tempDirs ?? []), ...(env?.tempDirs ?? [])]))
    rmSync(dir, { recursive: true, force: true });
  rmSync(ENV_FILE, { force: true });
}
