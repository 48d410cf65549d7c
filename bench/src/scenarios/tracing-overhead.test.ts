// A smoke run of the tracing scenario (1 s per mode): all three servers answer the same body, the
// figures are finite and the ratios are against the off side. No figure is judged here.
import { describe, expect, it } from "vitest";
import type { BenchOptions } from "../types.ts";
import { MODES, tracingMetrics, tracingOverhead } from "./tracing-overhead.ts";

const smoke: BenchOptions = { durationSec: 1, warmupSec: 0, connections: 4, smoke: true, log: () => {} };

describe("tracing scenario", () => {
  it("measures off, record and otel with no errors and reports ratios against off", async () => {
    const r = await tracingOverhead.run(smoke);
    for (const mode of MODES) {
      expect(r.metrics[`${mode}.rps`], mode).toBeGreaterThan(0);
      expect(r.metrics[`${mode}.errors`], mode).toBe(0);
    }
    expect(r.metrics["otel.ratio"]).toBeCloseTo(
      (r.metrics["otel.rps"] ?? 0) / (r.metrics["off.rps"] ?? 1),
      10,
    );
    for (const t of r.targets) expect(Number.isFinite(r.metrics[t.metric]), t.metric).toBe(true);
  }, 90_000);

  it("maps OpenTelemetry on and off to the report's octo and baseline columns", () => {
    const f = (rps: number) => ({ requestsPerSec: rps, p50Ms: 1, p99Ms: rps / 100, errors: 0 });
    const m = tracingMetrics({ off: f(1000), record: f(400), otel: f(500) });
    expect(m).toMatchObject({
      "record.ratio": 0.4,
      "otel.ratio": 0.5,
      ratio: 0.5,
      "octo.rps": 500,
      "baseline.rps": 1000,
      "record.p99Ratio": 0.4,
      p99Ratio: 0.5,
    });
  });
});
