// The parent side of the scenarios that measure a process of their own (memory, S5): the child runs
// `node --expose-gc <octo run's node flags> <script>` pinned to core 0 like every server under test,
// so the bench process's memory and CPU never count, and answers commands over IPC (see
// memory-worker.ts for its side).
import { type ChildProcess, spawn } from "node:child_process";
import { configuredRunFlags, missingFlags } from "../../../packages/runtime/src/cli/node-flags.ts";
import { canPin, REPO_ROOT } from "../harness/process.ts";

export interface BenchChild {
  /** Runs `command` in the child and resolves with what it returned (rejects with its error). */
  request<T>(command: string, args?: unknown): Promise<T>;
  /** Everything the child wrote to stdout and stderr so far (for error messages). */
  output(): string;
  /** Disconnects the child, which exits; killed if it is still there a few seconds later. */
  stop(): Promise<void>;
}

/** What a child sends: its readiness, or the answer to one request. */
export type ChildReply =
  | { ready: true }
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string };

const TASKSET = "/usr/bin/taskset";

export interface ChildOptions {
  /** Pin to core 0 when possible (default true). */
  pin?: boolean;
  /** Extra node flags, e.g. ["--cpu-prof"]; a young-generation size replaces `octo run`'s. */
  nodeArgs?: string[];
}

/** The node flags of a child: `octo run`'s, unless `extra` (or NODE_OPTIONS) sets the same thing. */
export function childNodeArgs(
  extra: readonly string[],
  env: Record<string, string | undefined> = process.env,
): string[] {
  // A child stands for an `octo run` server: the same flags, overridden the same way (OCTO_NODE_OPTIONS).
  return ["--expose-gc", ...missingFlags(configuredRunFlags(env), env, extra), ...extra];
}

/**
 * Spawns `script` (a path) with --expose-gc and `octo run`'s node flags, pinned to core 0 when
 * possible; resolves once it serves commands.
 */
export async function startChild(script: string, options: ChildOptions = {}): Promise<BenchChild> {
  // BENCH_CHILD_NODE_ARGS (space-separated) adds flags to every child: a what-if without editing code.
  const fromEnv = process.env.BENCH_CHILD_NODE_ARGS?.split(" ").filter((a) => a !== "") ?? [];
  const nodeArgs = [...childNodeArgs([...fromEnv, ...(options.nodeArgs ?? [])]), script];
  const pinned = options.pin !== false && canPin();
  const child: ChildProcess = pinned
    ? spawn(TASKSET, ["-c", "0", process.execPath, ...nodeArgs], {
        cwd: REPO_ROOT,
        stdio: ["ignore", "pipe", "pipe", "ipc"],
      })
    : spawn(process.execPath, nodeArgs, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe", "ipc"] });
  let output = "";
  const append = (d: Buffer) => {
    output = (output + d.toString("utf8")).slice(-20_000);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);

  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let exitedEarly: Error | undefined;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.on("message", (m: ChildReply) => {
      if ("ready" in m) return resolve();
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.ok) p?.resolve(m.value);
      else p?.reject(new Error(`${m.error}\n${output}`));
    });
    child.on("exit", (code, signal) => {
      exitedEarly = new Error(`bench child ${script} exited (${signal ?? code})\n${output}`);
      reject(exitedEarly);
      for (const p of pending.values()) p.reject(exitedEarly);
      pending.clear();
    });
    child.on("error", (e) => reject(new Error(`could not start bench child ${script}: ${e.message}`)));
  });
  await ready;

  let stopping: Promise<void> | undefined;
  return {
    request<T>(command: string, args?: unknown): Promise<T> {
      if (exitedEarly) return Promise.reject(exitedEarly);
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, command, args });
      });
    },
    output: () => output,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        if (child.connected) child.disconnect();
        const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(killer);
      })();
      return stopping;
    },
  };
}

/** Starts a child, hands it to `use` and always stops it. */
export async function withChild<T>(
  script: string,
  use: (child: BenchChild) => Promise<T>,
  options: ChildOptions = {},
): Promise<T> {
  const child = await startChild(script, options);
  try {
    return await use(child);
  } finally {
    await child.stop();
  }
}

export const MiB = 1024 * 1024;

/** Rounds to `digits` decimals so that the JSON results stay readable. */
export const round = (v: number, digits = 3): number => Number(v.toFixed(digits));

/**
 * Relative RSS growth from `from` to `to`, leaving out V8's young generation: V8 enlarges it under
 * a high allocation rate (up to a fixed cap) and keeps it, whatever is retained, so it would hide or
 * fake a leak. What remains is old space, code, Buffers and native memory: where retention shows.
 */
export function rssGrowthExNewSpace(
  from: { rss: number; newSpace: number },
  to: { rss: number; newSpace: number },
): number {
  const before = from.rss - from.newSpace;
  return (to.rss - to.newSpace - before) / before;
}

/** The median of a non-empty list. */
export function median(values: number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
