// S6: a smoke run that spawns the real CLI, release build and sources (their output is checked by
// the scenario), building the release bundle first when it is missing or stale.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLE_ENTRY, DIST_DIR } from "../../../packages/runtime/build/bundle.ts";
import { S6_TARGET, s6ColdStart } from "./s6-cold-start.ts";

describe("S6 (smoke)", () => {
  it("times the release build, the sources and node -e, and names the imports when the ratio is above target", async () => {
    const r = await s6ColdStart.run({
      durationSec: 1,
      warmupSec: 0,
      connections: 10,
      smoke: true,
      log: () => {},
    });
    expect(existsSync(join(DIST_DIR, BUNDLE_ENTRY))).toBe(true);
    for (const m of ["octo.medianMs", "sources.medianMs", "baseline.medianMs"]) {
      expect(r.metrics[m]).toBeGreaterThan(0);
    }
    const ratio = r.metrics.ratio as number;
    // Metrics are rounded to 0.1 ms: the ratio of the rounded medians agrees to within 1 %.
    const medians = (r.metrics["octo.medianMs"] ?? 0) / (r.metrics["baseline.medianMs"] ?? 1);
    expect(Math.abs(ratio - medians) / medians).toBeLessThan(0.01);
    expect(r.notes).toMatch(/release build/);
    if (ratio > S6_TARGET) {
      expect(r.metrics["imports.ownModulesMs"]).toBeGreaterThan(0);
      expect(r.metrics["imports.zodMs"]).toBeGreaterThan(0);
      expect(r.notes).toMatch(/the runtime's own modules \d+ ms/);
    } else {
      expect(r.metrics["imports.ownModulesMs"]).toBeUndefined();
    }
  }, 60_000);
});
