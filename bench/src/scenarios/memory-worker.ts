// The child side of memory-spawn.ts: command handling over IPC, memory samples and a started runtime.
// Only child scripts import this module (it loads the runtime).
import { readFileSync, writeFileSync } from "node:fs";
import { getHeapSpaceStatistics } from "node:v8";
import { defaultRegistry, loadRuntimeFromSources, type Runtime, YamlSource } from "@octo/runtime";
import type { ChildReply } from "./memory-spawn.ts";

type Handler = (args: never) => unknown;

/**
 * Serves `handlers` to the parent: each request runs one handler and is answered with its result
 * or its error. The child exits when the parent disconnects.
 */
export function serveCommands(handlers: Record<string, Handler>): void {
  const send = (reply: ChildReply) => process.send?.(reply);
  process.on("message", async (m: { id: number; command: string; args: unknown }) => {
    const handler = handlers[m.command];
    try {
      if (!handler) throw new Error(`unknown command ${m.command}`);
      send({ id: m.id, ok: true, value: await handler(m.args as never) });
    } catch (e) {
      send({ id: m.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
  // Whatever the runtime still holds (servers, sockets), the parent is gone: so is the child.
  process.on("disconnect", () => process.exit(0));
  send({ ready: true });
}

/** Bytes, after a full collection when the process runs with --expose-gc. */
export interface MemorySample {
  rss: number;
  heapUsed: number;
  /** Memory outside the V8 heap held by JS objects (Buffers among them). */
  external: number;
  /**
   * Reserved size of V8's young generation. V8 grows it under a high allocation rate and keeps it
   * after a GC, so it moves RSS without any live object behind it.
   */
  newSpace: number;
}

/** Collects garbage (when exposed) so that a sample shows what is live, not what is yet to be collected. */
export function memorySample(): MemorySample {
  globalThis.gc?.();
  const m = process.memoryUsage();
  const newSpace = getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_size ?? 0;
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, newSpace };
}

/**
 * Resets the kernel's peak-RSS mark (VmHWM) of this process to its current RSS (Linux ≥ 4.0:
 * clear_refs "5"). False where that is not possible: the peak then counts from process start.
 */
export function resetPeakRss(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

/** The highest RSS of this process since start or since resetPeakRss(), in bytes (kernel-tracked, exact). */
export function peakRss(): number {
  try {
    const kb = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    if (kb !== undefined) return Number(kb) * 1024;
  } catch {
    // not Linux: getrusage below
  }
  return process.resourceUsage().maxRSS * 1024;
}

const quiet = { log() {} };

/** Loads `yaml` (errors thrown with their locations) and starts it; `sources` starts http sources too. */
export async function startRuntime(yaml: string, sources: boolean): Promise<Runtime> {
  const loaded = loadRuntimeFromSources([new YamlSource("bench.yaml", yaml)], {
    registry: defaultRegistry(),
    osEnv: {},
    logger: quiet,
  });
  if (!loaded.ok) {
    const lines = loaded.diagnostics.map((d) => `${d.location?.line}:${d.location?.col} ${d.message}`);
    throw new Error(`bench config does not load:\n${lines.join("\n")}`);
  }
  await loaded.runtime.start({ sources });
  return loaded.runtime;
}

/** The port the runtime's http connector `name` listens on (it was configured with port 0). */
export function httpPort(runtime: Runtime, name: string): number {
  const server = runtime.connector<{ address(): { port: number } | undefined }>(name);
  const address = server.address();
  if (!address) throw new Error(`http connector ${name} is not listening`);
  return address.port;
}
