// Smoke run of S5: every worker count is measured for octo and the hand-written fetch loops.
import { expect, it } from "vitest";
import { s5Workers } from "./s5-workers.ts";

it("S5 (smoke) reports throughput and achieved ÷ ideal for 1, 2, 4 and 8 workers, both sides", async () => {
  const r = await s5Workers.run({
    durationSec: 1,
    warmupSec: 0,
    connections: 10,
    smoke: true,
    log: () => {},
  });
  for (const w of [1, 2, 4, 8]) {
    for (const prefix of [`w${w}`, `baseline.w${w}`]) {
      expect(r.metrics[`${prefix}.rps`], prefix).toBeGreaterThan(0);
      expect(r.metrics[`${prefix}.ofIdeal`], prefix).toBeGreaterThan(0);
    }
  }
  expect(r.metrics.ofIdeal).toBe(r.metrics["w8.ofIdeal"]);
  expect(r.targets).toEqual([{ metric: "ofIdeal", op: ">=", value: 0.9 }]);
}, 60_000);
