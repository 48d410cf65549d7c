// Servers under test run in their own processes, pinned to core 0 so that the load generator (this
// process, pinned to core 1 by main.ts) never competes with them for CPU.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../../packages/runtime/test/octo-process.ts";

export const REPO_ROOT = join(import.meta.dirname, "..", "..", "..");
/** The real CLI, run the way a person runs it. */
export const OCTO_BIN = join(REPO_ROOT, "packages/runtime/bin/octo.js");
/** Hand-written node:http servers (baselines and stubs). */
export const BASELINES_DIR = join(import.meta.dirname, "..", "baselines");

const TASKSET = "/usr/bin/taskset";

/** True when servers can be pinned to core 0 and the load generator to core 1. */
export function canPin(): boolean {
  // cpus(), not availableParallelism(): the latter follows this process's own affinity, which is a
  // single core once pinSelf has run.
  return existsSync(TASKSET) && cpus().length >= 2;
}

/**
 * Pins this process (every thread, so autocannon and libuv's pool too) to `core`. Children spawned
 * afterwards inherit it unless they are pinned themselves. Returns false when pinning is unavailable.
 */
export function pinSelf(core: number): boolean {
  if (!canPin()) return false;
  execFileSync(TASKSET, ["-a", "-p", "-c", String(core), String(process.pid)], { stdio: "ignore" });
  return true;
}

// One way of picking a free port for every test and bench that starts servers.
export { freePort };

/** Writes `files` (name → content) to a fresh temp dir and returns its path; `removeDir` cleans up. */
export function writeTempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "octo-bench-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface RunningServer {
  /** e.g. "http://127.0.0.1:41234" (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far (for error messages). */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited after a few seconds. Idempotent. */
  stop(): Promise<void>;
}

export interface ServerSpec {
  /** Name used in error messages ("octo", "baseline", "stub"). */
  name: string;
  /** Arguments after the node binary (process.execPath), e.g. [OCTO_BIN, "run", ...] or [file]. */
  args: string[];
  /** Port the server listens on (127.0.0.1); pick it with freePort(). */
  port: number;
  env?: Record<string, string>;
  /** Extra node flags, e.g. ["--cpu-prof", "--cpu-prof-dir=/tmp/prof"]. */
  nodeArgs?: string[];
  /**
   * Pin to core 0 when possible (true, the default), to another core (its number), or not at all
   * (false: stubs that are not under test and share the load generator's core).
   */
  pin?: boolean | number;
  /** Bound for the server to answer its first request (default 20 s). */
  readyTimeoutMs?: number;
}

/** Spawns `node <args>` (pinned to core 0 when possible) and resolves once it answers HTTP on its port. */
export async function startServer(spec: ServerSpec): Promise<RunningServer> {
  const nodeCommand = [...(spec.nodeArgs ?? []), ...spec.args];
  const core = spec.pin === false ? undefined : spec.pin === true || spec.pin === undefined ? 0 : spec.pin;
  const [command, args] =
    core !== undefined && canPin()
      ? [TASKSET, ["-c", String(core), process.execPath, ...nodeCommand]]
      : [process.execPath, nodeCommand];
  let output = "";
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...spec.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const append = (d: Buffer) => {
    // Keep the tail only: a chatty server must not grow the bench's memory.
    output = (output + d.toString("utf8")).slice(-20_000);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = once(child, "exit");
  const url = `http://127.0.0.1:${spec.port}`;
  let stopping: Promise<void> | undefined;
  const server: RunningServer = {
    url,
    port: spec.port,
    child,
    output: () => output,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(killer);
      })();
      return stopping;
    },
  };
  try {
    await waitUntilAnswering(url, spec.readyTimeoutMs ?? 20_000, () => child.exitCode !== null);
  } catch (e) {
    await server.stop();
    throw new Error(`${spec.name} did not start: ${(e as Error).message}\n${output}`);
  }
  return server;
}

/** Polls `url` until any HTTP answer arrives (status does not matter: the port is serving). */
async function waitUntilAnswering(url: string, timeoutMs: number, gaveUp: () => boolean): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await answers(url)) return;
    if (gaveUp()) throw new Error("the process exited");
    if (Date.now() > end) throw new Error(`no answer on ${url} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { method: "GET", agent: false }, (res) => {
      res.resume();
      resolve(true);
    });
    req.setTimeout(1_000, () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}

/**
 * Starts `octo run --config <configDir>` pinned to core 0, with the management port off and warn
 * logs. The config must bind its http connector to `${HTTP_PORT}`, which is set to `port`.
 */
export function startOcto(
  configDir: string,
  port: number,
  options: { env?: Record<string, string>; nodeArgs?: string[] } = {},
): Promise<RunningServer> {
  return startServer({
    name: "octo",
    args: [OCTO_BIN, "run", "--config", configDir],
    port,
    env: { OCTO_MANAGEMENT_PORT: "off", OCTO_LOG_LEVEL: "warn", HTTP_PORT: String(port), ...options.env },
    ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
  });
}

/**
 * Starts a hand-written server from bench/src/baselines/ (e.g. "s1-constant.ts") pinned to core 0.
 * Its port comes in env PORT; scenario-specific inputs in `env`.
 */
export function startBaseline(
  file: string,
  port: number,
  env: Record<string, string> = {},
): Promise<RunningServer> {
  return startServer({
    name: `baseline ${file}`,
    args: [join(BASELINES_DIR, file)],
    port,
    env: { PORT: String(port), ...env },
  });
}

/**
 * Starts the loopback upstream stub (bench/src/baselines/stub.ts) that S3 and S5 call: answers
 * every request with a small JSON document after `delayMs` (default 0). Not pinned by default: it
 * runs beside the load generator, the same for both sides of a comparison.
 */
export async function startStub(
  options: { delayMs?: number; pin?: boolean | number } = {},
): Promise<RunningServer> {
  const port = await freePort();
  return startServer({
    name: "stub",
    args: [join(BASELINES_DIR, "stub.ts")],
    port,
    env: { PORT: String(port), STUB_DELAY_MS: String(options.delayMs ?? 0) },
    pin: options.pin ?? false,
  });
}
