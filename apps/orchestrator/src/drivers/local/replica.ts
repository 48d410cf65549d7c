// One supervised `octo run` process: started, watched for readiness, restarted with exponential
// backoff when it exits on its own, stopped with SIGTERM then SIGKILL.
import { type ChildProcess, spawn } from "node:child_process";
import type { ReplicaPhase, ReplicaStatus } from "../types.ts";
import { freePort } from "./front-proxy.ts";
import { lineSplitter } from "./log-buffer.ts";

export interface Backoff {
  /** First restart delay. */
  initialMs: number;
  /** The delay doubles per consecutive crash up to this. */
  maxMs: number;
  /** A process that stayed up this long starts the doubling over. */
  resetAfterMs: number;
}

export interface ReplicaOptions {
  name: string;
  /** The deployment directory: `--config` and the working directory. */
  dir: string;
  /** The `octo` command; `run --config <dir>` is appended. */
  command: string[];
  /** Env of the process, without HTTP_PORT/HTTP_HOST (added per start when networked). */
  env: Record<string, string>;
  networked: boolean;
  backoff: Backoff;
  /** Applied to every captured line before it leaves the replica (logs and lastFailure). */
  redact: (text: string) => string;
  onLine: (stream: "stdout" | "stderr", text: string) => void;
  /** Called on every change of status() or of the readiness targets. */
  onChange: () => void;
}

/** Consecutive exits without becoming ready in between that count as crash-looping. */
const CRASH_LOOP_EXITS = 2;
const MANAGEMENT = /"management":"(http:\/\/[^"]+)"/;

// Every child of every driver, killed if the orchestrator exits without closing its drivers.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function register(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => {
      for (const c of live) c.kill("SIGKILL");
    });
  }
  live.add(child);
}

export class Replica {
  readonly name: string;
  phase: ReplicaPhase = "starting";
  ready = false;
  restarts = 0;
  /** The HTTP port of the running process (networked deployments). */
  httpPort: number | undefined;
  /** "exited with code N: <line>" of the last unexpected exit. */
  lastFailure: string | undefined;
  readonly #o: ReplicaOptions;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #stopping = false;
  #restartTimer: NodeJS.Timeout | undefined;
  #backoffStep = 0;
  #exitsSinceReady = 0;
  #startedAt = 0;
  /** Recent lines of the current process, for naming the reason it exited. */
  #tail: string[] = [];
  #waiters = new Set<() => void>();

  constructor(options: ReplicaOptions) {
    if (options.command.length === 0) throw new Error("the octo command is empty");
    this.#o = options;
    this.name = options.name;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Exits repeatedly without ever becoming ready (a config that does not load, a port in use…). */
  get crashLooping(): boolean {
    return this.#exitsSinceReady >= CRASH_LOOP_EXITS;
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  status(): ReplicaStatus {
    return { name: this.name, phase: this.phase, ready: this.ready, restarts: this.restarts, pid: this.pid };
  }

  start(): void {
    this.#startNow();
  }

  #startNow(): void {
    this.#spawn().catch((e: unknown) => {
      // Only freePort() can throw here (no port to be had): a failed start like any other.
      this.#crash(`failed to start: ${e instanceof Error ? e.message : String(e)}`, false);
    });
  }

  /** Resolves once the replica is ready, has exited, or `ms` passed — whichever comes first. */
  waitStarted(ms: number): Promise<void> {
    const settled = () => this.ready || this.phase === "crashed" || this.phase === "stopped";
    if (settled()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const check = () => {
        if (settled()) done();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(check);
    });
  }

  /**
   * Out of rotation, `drainMs` later SIGTERM, SIGKILL after `graceMs`; resolves when the process is
   * gone. No restart afterwards. The drain delay lets connections the proxy has just dialled reach
   * the process before it stops accepting (otherwise they could be cut before their request is read).
   */
  async stop(graceMs: number, drainMs = 0): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (child) {
      this.ready = false;
      this.#changed();
      if (drainMs > 0) await new Promise((r) => setTimeout(r, drainMs));
      child.kill("SIGTERM");
      const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await this.#exited;
      clearTimeout(kill);
    } else if (this.phase !== "stopped") {
      this.phase = "stopped";
      this.ready = false;
      this.#changed();
    }
  }

  async #spawn(): Promise<void> {
    if (this.#stopping) return;
    this.phase = "starting";
    this.#startedAt = Date.now();
    this.#tail = [];
    const env = { ...this.#o.env };
    if (this.#o.networked) {
      // A fresh port per start: the previous one may have been taken meanwhile.
      this.httpPort = await freePort();
      if (this.#stopping) return;
      env.HTTP_PORT = String(this.httpPort);
      env.HTTP_HOST = "127.0.0.1";
    }
    const [command = "", ...args] = this.#o.command;
    const child = spawn(command, [...args, "run", "--config", this.#o.dir], {
      cwd: this.#o.dir,
      // A plain record; the cast keeps it assignable where Next.js's types make NODE_ENV required.
      env: env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#child = child;
    let finished = false;
    let resolveExited = () => {};
    this.#exited = new Promise((r) => {
      resolveExited = r;
    });
    const finish = (code: number | null, signal: string | null, error?: string) => {
      if (finished) return;
      finished = true;
      live.delete(child);
      this.#onExit(child, code, signal, error);
      resolveExited();
    };
    if (child.pid !== undefined) register(child);
    for (const stream of ["stdout", "stderr"] as const) {
      const lines = lineSplitter((line) => this.#onLine(child, stream, line));
      const s = child[stream];
      s?.setEncoding("utf8");
      s?.on("data", (chunk: string) => lines.write(chunk));
      s?.on("end", () => lines.end());
    }
    // 'close' comes after the output is fully read, so the failure line is known by then.
    child.on("close", (code, signal) => finish(code, signal));
    child.on("error", (e) => {
      if (child.pid === undefined) finish(null, null, e.message);
    });
    this.#changed();
  }

  #onLine(child: ChildProcess, stream: "stdout" | "stderr", raw: string): void {
    if (this.#child === child && !this.ready) {
      const m = MANAGEMENT.exec(raw);
      if (m?.[1]) void this.#pollReady(child, m[1]);
    }
    const text = this.#o.redact(raw);
    this.#tail.push(text);
    if (this.#tail.length > 30) this.#tail.shift();
    this.#o.onLine(stream, text);
  }

  /** GET /readyz until 200 (or the process is gone); a short first interval, then at most 1 s. */
  async #pollReady(child: ChildProcess, management: string): Promise<void> {
    let delay = 25;
    const alive = () => this.#child === child && !this.#stopping;
    while (alive()) {
      try {
        const res = await fetch(`${management}/readyz`, { signal: AbortSignal.timeout(2000) });
        await res.body?.cancel();
        if (res.status === 200 && alive()) {
          this.ready = true;
          this.phase = "ready";
          this.#exitsSinceReady = 0;
          this.#changed();
          return;
        }
      } catch {
        // Not answering yet (or already gone): the loop condition decides.
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 1000);
    }
  }

  #onExit(child: ChildProcess, code: number | null, signal: string | null, error?: string): void {
    if (this.#child !== child) return;
    this.#child = undefined;
    const wasReady = this.ready;
    this.ready = false;
    if (this.#stopping) {
      this.phase = "stopped";
      this.#changed();
      return;
    }
    const reason = failureLine(this.#tail);
    const how = error
      ? `failed to start: ${error}`
      : `exited with ${code !== null ? `code ${code}` : `signal ${signal}`}${reason ? `: ${reason}` : ""}`;
    this.#crash(how, wasReady);
  }

  /** Records the failure and schedules the restart after the backoff delay. */
  #crash(failure: string, wasReady: boolean): void {
    if (this.#stopping) {
      this.phase = "stopped";
      this.#changed();
      return;
    }
    if (!wasReady) this.#exitsSinceReady++;
    this.lastFailure = failure;
    this.phase = "crashed";
    const { initialMs, maxMs, resetAfterMs } = this.#o.backoff;
    if (Date.now() - this.#startedAt >= resetAfterMs) this.#backoffStep = 0;
    const delay = Math.min(initialMs * 2 ** this.#backoffStep, maxMs);
    this.#backoffStep++;
    this.#restartTimer = setTimeout(() => {
      this.restarts++;
      this.#startNow();
    }, delay);
    this.#changed();
  }

  #changed(): void {
    for (const w of [...this.#waiters]) w();
    this.#o.onChange();
  }
}

const SUMMARY = /^\d+ (error|warning)s?\b/;
const LOCATED = /:\d+:\d+: /;

/**
 * The line that says why `octo run` exited: a located diagnostic (file:line:col) if there is one,
 * else the last error-level JSON log message, else the last unindented line that is not a summary.
 */
export function failureLine(tail: string[]): string | undefined {
  const lines = tail.map((l) => l.trim()).filter((l) => l !== "");
  const located = lines.findLast((l) => LOCATED.test(l) && !l.startsWith("{"));
  if (located) return located;
  const messages = lines.map(jsonLog);
  const error = messages.findLast((m) => m && (m.level === "error" || m.level === "fatal"));
  if (error) return error.msg;
  const plain = tail.findLast((l) => l.trim() !== "" && !/^\s/.test(l) && !SUMMARY.test(l));
  return plain === undefined ? undefined : (jsonLog(plain)?.msg ?? plain);
}

function jsonLog(line: string): { level: string; msg: string } | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const v = JSON.parse(line) as { level?: unknown; msg?: unknown };
    return { level: String(v.level), msg: String(v.msg) };
  } catch {
    return undefined;
  }
}
