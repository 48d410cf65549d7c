// Bounded queues: a flow with 2 workers and a buffer of 16 whose step waits 50 ms on an upstream
// (capacity 40 msg/s) is offered far more than that over http. The excess must be refused at once
// (503 + a `dropped` event with reason queue-full) while the accepted work still flows and memory
// stays flat: RSS after a full GC at 10 % and at 95 % of the measured load (the end: still loaded).
import { join } from "node:path";
import { fire } from "../harness/load.ts";
import { startStub } from "../harness/process.ts";
import type { Scenario } from "../types.ts";
import type { QueueSample } from "./memory-bounded-queue-child.ts";
import { boundedQueueYaml } from "./memory-flows.ts";
import { type BenchChild, MiB, round, rssGrowthExNewSpace, withChild } from "./memory-spawn.ts";

const STUB_DELAY_MS = 50;
const WORKERS = 2;
/** Far more connections than the flow can hold (2 running + 16 queued). */
const CONNECTIONS = 100;
const SMOKE_CONNECTIONS = 30;

const sampleAt = (child: BenchChild, ms: number) =>
  new Promise<QueueSample>((resolve, reject) =>
    setTimeout(() => child.request<QueueSample>("sample").then(resolve, reject), ms),
  );

const queueFull = (s: QueueSample) => s.dropped["queue-full"] ?? 0;

export const memoryBoundedQueue: Scenario = {
  id: "memory-bounded-queue",
  title: "workers 2, buffer 16, 50 ms step, offered far above capacity: refused, RSS flat",
  async run(opts) {
    const connections = opts.smoke ? SMOKE_CONNECTIONS : CONNECTIONS;
    const stub = await startStub({ delayMs: STUB_DELAY_MS });
    try {
      return await withChild(join(import.meta.dirname, "memory-bounded-queue-child.ts"), async (child) => {
        const { port } = await child.request<{ port: number }>("start", { yaml: boundedQueueYaml(stub.url) });
        const url = `http://127.0.0.1:${port}`;
        const req = { path: "/slow" };
        if (opts.warmupSec > 0) await fire(url, req, connections, opts.warmupSec);
        opts.log(
          `  ${opts.durationSec}s × ${connections} connections against a capacity of ${WORKERS} × 1000/${STUB_DELAY_MS} msg/s`,
        );
        const start = await child.request<QueueSample>("sample");
        const durationMs = opts.durationSec * 1000;
        const [load, at10, end] = await Promise.all([
          fire(url, req, connections, opts.durationSec),
          sampleAt(child, durationMs * 0.1),
          sampleAt(child, durationMs * 0.95),
        ]);
        // Refusals counted once the load has stopped, so that they cover the whole window.
        const after = await child.request<QueueSample>("sample");
        const http503 = load.statusCodeStats?.["503"]?.count ?? 0;
        const droppedEvents = queueFull(after) - queueFull(start);
        const growth = (end.memory.rss - at10.memory.rss) / at10.memory.rss;
        const retained = rssGrowthExNewSpace(at10.memory, end.memory);
        const flow = end.load.find((l) => l.flow === "slow");
        opts.log(
          `  ${load.requests.total} requests: ${load["2xx"]} served, ${http503} × 503, ${droppedEvents} dropped events; ` +
            `RSS ${(at10.memory.rss / MiB).toFixed(1)} → ${(end.memory.rss / MiB).toFixed(1)} MiB (${(growth * 100).toFixed(1)} %)`,
        );
        return {
          id: this.id,
          title: this.title,
          metrics: {
            offeredPerSec: round(load.requests.total / load.duration, 0),
            capacityPerSec: (WORKERS * 1000) / STUB_DELAY_MS,
            servedPerSec: round(load["2xx"] / load.duration, 1),
            http503,
            droppedEvents,
            otherErrors: load.non2xx - http503 + load.errors + load.timeouts,
            "queue.queuedAtEnd": flow?.queued ?? Number.NaN,
            "rss.at10MiB": round(at10.memory.rss / MiB, 1),
            "rss.endMiB": round(end.memory.rss / MiB, 1),
            "heap.at10MiB": round(at10.memory.heapUsed / MiB, 1),
            "heap.endMiB": round(end.memory.heapUsed / MiB, 1),
            "newSpace.at10MiB": round(at10.memory.newSpace / MiB, 1),
            "newSpace.endMiB": round(end.memory.newSpace / MiB, 1),
            rssGrowth: round(growth, 4),
            rssGrowthExNewSpace: round(retained, 4),
          },
          targets: [
            { metric: "droppedEvents", op: ">=", value: 1 },
            { metric: "http503", op: ">=", value: 1 },
            // Not rssGrowth: refusing thousands of requests a second allocates fast, and V8 then
            // enlarges its young generation (a fixed cap) with nothing retained. See rssGrowthExNewSpace.
            { metric: "rssGrowthExNewSpace", op: "<=", value: 0.1 },
          ],
          notes:
            `octo in a child pinned to core 0, the ${STUB_DELAY_MS} ms stub in its own process, autocannon ` +
            `in the bench process; after ${opts.warmupSec}s of the same load unmeasured. RSS and heap after a ` +
            `full GC at 10 % and 95 % of the ${opts.durationSec}s window. The memory target leaves out V8's ` +
            `young generation (newSpace), which grows with the allocation rate up to a fixed cap ` +
            `whatever is retained; rssGrowth with it is reported beside.`,
        };
      });
    } finally {
      await stub.stop();
    }
  },
};
