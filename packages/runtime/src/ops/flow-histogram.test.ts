import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { FlowHistogram } from "./flow-histogram.ts";

const BUCKETS = [0.001, 0.01, 0.1, 1];

/** Exposition lines with each series' labels sorted (their order carries no meaning). */
function normalised(text: string): string[] {
  return text
    .split("\n")
    .map((line) =>
      line.replace(/\{([^}]*)\}/, (_, labels: string) => `{${labels.split(",").sort().join(",")}}`),
    );
}
const VALUES = [0.0005, 0.001, 0.002, 0.05, 0.05, 0.5, 3, 30];

describe("FlowHistogram", () => {
  it("exposes exactly what prom-client's Histogram exposes for the same observations", async () => {
    const ours = new Registry();
    const theirs = new Registry();
    ours.setDefaultLabels({ service: "svc" });
    theirs.setDefaultLabels({ service: "svc" });
    const h = new FlowHistogram({ name: "d_seconds", help: "durations", buckets: BUCKETS });
    ours.registerMetric(h as never);
    const reference = new Histogram({
      name: "d_seconds",
      help: "durations",
      labelNames: ["flow", "outcome"],
      buckets: BUCKETS,
      registers: [theirs],
    });
    for (const [flow, outcome] of [
      ["a", "completed"],
      ["b", "failed"],
    ] as const) {
      const series = h.labels({ flow, outcome });
      for (const v of VALUES) {
        series.observe(v);
        reference.observe({ flow, outcome }, v);
      }
    }
    expect(normalised(await ours.metrics())).toEqual(normalised(await theirs.metrics()));
    ours.resetMetrics();
    expect(await ours.metrics()).toContain('d_seconds_count{flow="a",outcome="completed",service="svc"} 0');
  });
});
