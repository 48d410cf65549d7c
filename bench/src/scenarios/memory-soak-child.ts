// Child of memory-soak.ts: pushes messages through the S2 transform in this process and samples
// its memory at the start, at 10 % and at the end of the run, with the CPU and GC time it took.
import { constants, type PerformanceEntry, PerformanceObserver } from "node:perf_hooks";
import { ORDER, s2InvokeYaml } from "./memory-flows.ts";
import { type MemorySample, memorySample, serveCommands, startRuntime } from "./memory-worker.ts";

export interface SoakArgs {
  messages: number;
  /** Messages in flight at any moment (the runtime's queue is sized to hold them). */
  window: number;
}

export interface SoakReport {
  start: MemorySample;
  at10: MemorySample;
  end: MemorySample;
  elapsedMs: number;
  /** CPU time of the process during the run (user + system), ms. */
  cpuMs: number;
  /** Time in garbage collection during the run, ms, and how much of it in the young generation. */
  gcMs: number;
  youngGcMs: number;
  youngGcs: number;
  /** The node flags the child runs with (`octo run`'s unless overridden). */
  execArgv: string[];
}

const WORKERS = 8;

async function soak({ messages, window }: SoakArgs): Promise<SoakReport> {
  const runtime = await startRuntime(s2InvokeYaml(WORKERS, window), false);
  // Each message gets its own body, as one parsed from a request would be.
  const text = JSON.stringify(ORDER);
  const start = memorySample();
  const gc = { ms: 0, youngMs: 0, young: 0 };
  const count = (entries: PerformanceEntry[]) => {
    for (const e of entries) {
      gc.ms += e.duration;
      if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) {
        gc.youngMs += e.duration;
        gc.young++;
      }
    }
  };
  const observer = new PerformanceObserver((list) => count(list.getEntries()));
  observer.observe({ entryTypes: ["gc"] });
  let at10: MemorySample | undefined;
  const tenth = Math.max(1, Math.floor(messages / 10));
  let sent = 0;
  let done = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await new Promise<void>((resolve, reject) => {
    const next = (): void => {
      if (sent === messages) {
        if (done === messages) resolve();
        return;
      }
      sent++;
      runtime.invoke("s2", JSON.parse(text)).then((outcome) => {
        if (outcome.status !== "completed") {
          const why = outcome.status === "failed" ? outcome.error.message : "dropped";
          return reject(new Error(`message ${done} ${outcome.status}: ${why}`));
        }
        if (++done === tenth) at10 = memorySample();
        next();
      }, reject);
    };
    for (let i = 0; i < window; i++) next();
  });
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  // Node queues GC entries for a later turn of the event loop, which the run (promises only) never
  // yielded to: let them arrive.
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  count(observer.takeRecords());
  observer.disconnect();
  const end = memorySample();
  await runtime.stop();
  if (!at10) throw new Error("no sample at 10 %");
  return {
    start,
    at10,
    end,
    elapsedMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    gcMs: gc.ms,
    youngGcMs: gc.youngMs,
    youngGcs: gc.young,
    execArgv: process.execArgv,
  };
}

serveCommands({ soak });
