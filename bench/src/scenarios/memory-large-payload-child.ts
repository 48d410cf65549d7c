// Child of memory-large-payload.ts: serves one flow over http (or the hand-written baseline) and
// reports its memory around one large request (the parent sends it, so the request's bytes on the
// sending side never count here).
import { readFileSync } from "node:fs";
import { getHeapSpaceStatistics } from "node:v8";
import type { Runtime } from "@octo/runtime";
import { listenS2 } from "../baselines/s2-large-payload.ts";
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
  /** The child's node flags (octo run's, or those a what-if added). */
  execArgv: string[];
  composition: PayloadComposition;
}

/**
 * Where the memory is (bytes), without collecting first. Once the answer is out, the peak is then
 * or shortly before: this is its composition, garbage not yet collected included.
 */
export interface PayloadComposition {
  rss: number;
  /** Committed sizes of V8's spaces: the young generation, old objects, large objects, code. */
  newSpace: number;
  oldSpace: number;
  largeObjects: number;
  code: number;
  /** Outside the V8 heap: Buffers and ArrayBuffers, and the malloc heap (Linux; 0 elsewhere). */
  external: number;
  mallocHeap: number;
}

export interface PayloadPeak {
  peakRss: number;
  atEnd: PayloadComposition;
  after: MemorySample;
}

/** Resident bytes of the brk heap, where malloc keeps small blocks (socket reads among them). */
function mallocHeap(): number {
  try {
    const smaps = readFileSync("/proc/self/smaps", "utf8");
    const kb = /\[heap\]\n(?:.*\n)*?Rss:\s+(\d+) kB/.exec(smaps)?.[1];
    return kb === undefined ? 0 : Number(kb) * 1024;
  } catch {
    return 0;
  }
}

function composition(): PayloadComposition {
  const spaces = new Map(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]));
  const space = (name: string) => spaces.get(name) ?? 0;
  const m = process.memoryUsage();
  return {
    rss: m.rss,
    newSpace: space("new_space"),
    oldSpace: space("old_space"),
    largeObjects: space("large_object_space") + space("new_large_object_space"),
    code: space("code_space") + space("code_large_object_space"),
    external: m.external,
    mallocHeap: mallocHeap(),
  };
}

/** Short-lived allocations through the whole young generation (3 × its 16 MiB semi-spaces). */
function touchYoungGeneration(): void {
  let sink: unknown;
  for (let i = 0; i < 1_000_000; i++) sink = { i, list: [i, i] };
  if (sink === undefined) throw new Error("unreachable");
}

let runtime: Runtime | undefined;

serveCommands({
  async start({ yaml }: { yaml: string }) {
    runtime = await startRuntime(yaml, true);
    return { port: httpPort(runtime, "api") };
  },
  /** The hand-written S2 handler instead of octo. */
  async startHandWritten() {
    const { port } = await listenS2();
    return { port };
  },
  /**
   * Just before the request: what is live, and the peak mark set to it. The forced GC of the
   * sample lets V8 give back young-generation pages, which a serving process keeps resident (every
   * request allocates through them): they are touched again first, so that the request is not
   * charged for pages any process under traffic has.
   */
  baseline(): PayloadBaseline {
    const sample = memorySample();
    touchYoungGeneration();
    sample.rss = process.memoryUsage().rss;
    return { sample, peakReset: resetPeakRss(), execArgv: process.execArgv, composition: composition() };
  },
  peak(): PayloadPeak {
    const peakRssNow = peakRss();
    return { peakRss: peakRssNow, atEnd: composition(), after: memorySample() };
  },
});
