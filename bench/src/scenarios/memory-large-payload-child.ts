// Child of memory-large-payload.ts: serves one flow over http and reports its memory around one
// large request (the parent sends it, so the request's bytes on the sending side never count here).
import type { Runtime } from "@octo/runtime";
import {
  httpPort,
  type MemorySample,
  memorySample,
  peakRss,
  resetPeakRss,
  serveCommands,
  startRuntime,
} from "./memory-worker.ts";

export interface PayloadBaseline {
  sample: MemorySample;
  /** False where the kernel's peak mark cannot be reset: the peak then counts from process start. */
  peakReset: boolean;
}

export interface PayloadPeak {
  peakRss: number;
  after: MemorySample;
}

let runtime: Runtime | undefined;

serveCommands({
  async start({ yaml }: { yaml: string }) {
    runtime = await startRuntime(yaml, true);
    return { port: httpPort(runtime, "api") };
  },
  /** Just before the request: what is live, and the peak mark set to it. */
  baseline(): PayloadBaseline {
    const sample = memorySample();
    return { sample, peakReset: resetPeakRss() };
  },
  peak(): PayloadPeak {
    return { peakRss: peakRss(), after: memorySample() };
  },
});
