// Child of memory-bounded-queue.ts: serves the small-capacity flow over http, counts the `dropped`
// events it emits and samples its memory on request.
import type { Runtime } from "@octo/runtime";
import { httpPort, type MemorySample, memorySample, serveCommands, startRuntime } from "./memory-worker.ts";

export interface QueueSample {
  memory: MemorySample;
  /** `dropped` events so far, by reason ("queue-full", …). */
  dropped: Record<string, number>;
  /** Each flow's running and queued messages. */
  load: ReturnType<Runtime["load"]>;
}

let runtime: Runtime | undefined;
const dropped: Record<string, number> = {};

serveCommands({
  async start({ yaml }: { yaml: string }) {
    runtime = await startRuntime(yaml, true);
    runtime.events.on("dropped", (e) => {
      const reason = e.reason ?? "unknown";
      dropped[reason] = (dropped[reason] ?? 0) + 1;
    });
    return { port: httpPort(runtime, "api") };
  },
  sample(): QueueSample {
    if (!runtime) throw new Error("not started");
    return { memory: memorySample(), dropped: { ...dropped }, load: runtime.load() };
  },
});
