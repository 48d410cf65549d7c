import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluate, markdownTable, type RunReport, targetMet, writeResults } from "./report.ts";
import type { ScenarioResult } from "./types.ts";

const s1: ScenarioResult = {
  id: "S1",
  title: "constant",
  metrics: {
    "octo.rps": 7000,
    "baseline.rps": 10000,
    ratio: 0.7,
    "octo.p99Ms": 3,
    "baseline.p99Ms": 2,
    p99Ratio: 1.5,
  },
  targets: [
    { metric: "ratio", op: ">=", value: 0.7 },
    { metric: "p99Ratio", op: "<=", value: 1.5 },
  ],
};

describe("targets", () => {
  it("are met on the boundary and missed just past it", () => {
    expect(evaluate(s1).pass).toBe(true);
    expect(evaluate({ ...s1, metrics: { ...s1.metrics, ratio: 0.69 } }).pass).toBe(false);
    expect(evaluate({ ...s1, metrics: { ...s1.metrics, p99Ratio: 1.51 } }).pass).toBe(false);
  });

  it("are missed when the metric is absent or not finite", () => {
    const t = { metric: "ratio", op: ">=", value: 0.5 } as const;
    expect(targetMet({}, t)).toBe(false);
    expect(targetMet({ ratio: Number.NaN }, t)).toBe(false);
    expect(targetMet({ ratio: Number.POSITIVE_INFINITY }, t)).toBe(false);
  });

  it("a result without targets passes", () => {
    expect(evaluate({ id: "M1", title: "memory", metrics: { peakRssMb: 80 }, targets: [] }).pass).toBe(true);
  });
});

describe("markdownTable", () => {
  it("has one row per scenario with R, latencies, each target and the verdict", () => {
    const missed = evaluate({ ...s1, id: "S2", title: "transform", metrics: { ...s1.metrics, ratio: 0.5 } });
    const table = markdownTable([evaluate(s1), missed]).split("\n");
    expect(table).toHaveLength(4);
    expect(table[2]).toBe(
      "| S1 constant | 7000 | 10000 | 0.700 | – / 3.00 | – / 2.00 | 1.50 | ratio 0.700 ≥ 0.7 ✓<br>p99Ratio 1.500 ≤ 1.5 ✓ | ✓ |",
    );
    expect(table[3]).toContain("ratio 0.500 ≥ 0.7 ✗");
    expect(table[3]).toMatch(/\| ✗ \|$/);
  });

  it("shows – in the side-by-side columns of scenarios that have none", () => {
    const table = markdownTable([
      evaluate({ id: "S6", title: "cold start", metrics: { wallRatio: 2 }, targets: [] }),
    ]);
    expect(table.split("\n")[2]).toBe("| S6 cold start | – | – | – | – | – | – | – | ✓ |");
  });
});

describe("writeResults", () => {
  it("writes latest.json, latest.md and a timestamped JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), "octo-bench-report-"));
    try {
      const report: RunReport = {
        startedAt: "2026-01-02T03:04:05.678Z",
        finishedAt: "2026-01-02T03:05:00.000Z",
        machine: {
          cpus: 2,
          cpuModel: "test",
          memoryBytes: 2 ** 31,
          node: "v24",
          platform: "linux-x64",
          pinned: true,
        },
        options: { durationSec: 10, warmupSec: 3, connections: 50, smoke: false },
        results: [evaluate(s1)],
        failures: [{ id: "S3", error: "stub did not start\nstack" }],
      };
      writeResults(report, dir);
      expect(readdirSync(dir).sort()).toEqual(["2026-01-02T03-04-05-678Z.json", "latest.json", "latest.md"]);
      expect(JSON.parse(readFileSync(join(dir, "latest.json"), "utf8"))).toEqual(report);
      const md = readFileSync(join(dir, "latest.md"), "utf8");
      expect(md).toContain("server pinned to core 0, load generator to core 1");
      expect(md).toContain("| S1 constant |");
      expect(md).toContain("- **S3 failed**: stub did not start");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
