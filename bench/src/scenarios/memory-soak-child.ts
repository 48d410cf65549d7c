// Child of memory-soak.ts: pushes messages through the S2 transform in this process and samples
// its memory at the start, at 10 % and at the end of the run.
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
}

const WORKERS = 8;

async function soak({ messages, window }: SoakArgs): Promise<SoakReport> {
  const runtime = await startRuntime(s2InvokeYaml(WORKERS, window), false);
  // Each message gets its own body, as one parsed from a request would be.
  const text = JSON.stringify(ORDER);
  const start = memorySample();
  let at10: MemorySample | undefined;
  const tenth = Math.max(1, Math.floor(messages / 10));
  let sent = 0;
  let done = 0;
  const t0 = performance.now();
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
  const end = memorySample();
  await runtime.stop();
  if (!at10) throw new Error("no sample at 10 %");
  return { start, at10, end, elapsedMs };
}

serveCommands({ soak });
