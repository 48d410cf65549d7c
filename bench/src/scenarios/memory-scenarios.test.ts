// Smoke runs of the memory scenarios (small sizes, short load): each runs end to end in its own
// process and reports every figure its targets need. No figure is judged against a target here.
import { describe, expect, it } from "vitest";
import type { BenchOptions, ScenarioResult } from "../types.ts";
import { memoryBoundedQueue } from "./memory-bounded-queue.ts";
import { memoryLargePayload } from "./memory-large-payload.ts";
import { memorySoak } from "./memory-soak.ts";

const smoke: BenchOptions = { durationSec: 1, warmupSec: 0, connections: 10, smoke: true, log: () => {} };

/** Every metric a target names is present and finite. */
function expectTargetFigures(result: ScenarioResult) {
  expect(result.targets.length).toBeGreaterThan(0);
  for (const t of result.targets) {
    expect(Number.isFinite(result.metrics[t.metric]), `${t.metric} = ${result.metrics[t.metric]}`).toBe(true);
  }
}

describe("memory scenarios (smoke)", () => {
  it("memory-soak samples RSS at the start, at 10 % and at the end", async () => {
    const r = await memorySoak.run(smoke);
    expectTargetFigures(r);
    expect(r.metrics.messages).toBe(20_000);
    for (const key of ["rss.startMiB", "rss.at10MiB", "rss.endMiB", "heap.endMiB", "msgPerSec"]) {
      expect(r.metrics[key], key).toBeGreaterThan(0);
    }
  }, 60_000);

  it("memory-large-payload answers both payloads correctly and reports peak over payload", async () => {
    // run() throws when octo's answer differs from the expected transform.
    const r = await memoryLargePayload.run(smoke);
    expectTargetFigures(r);
    for (const name of ["s2", "foreach"]) {
      expect(r.metrics[`${name}.payloadMiB`], name).toBeGreaterThan(0);
      expect(r.metrics[`${name}.peakRssMiB`], name).toBeGreaterThanOrEqual(
        r.metrics[`${name}.baselineRssMiB`] ?? 0,
      );
    }
  }, 60_000);

  it("memory-bounded-queue refuses load above capacity with 503s and dropped events", async () => {
    const r = await memoryBoundedQueue.run(smoke);
    expectTargetFigures(r);
    expect(r.metrics.http503).toBeGreaterThan(0);
    expect(r.metrics.droppedEvents).toBeGreaterThan(0);
    expect(r.metrics.otherErrors).toBe(0);
    // Never more waiting than the buffer holds, however much is offered.
    expect(r.metrics["queue.queuedAtEnd"]).toBeLessThanOrEqual(16);
  }, 60_000);
});
