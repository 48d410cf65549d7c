// The harness cannot rot: `pnpm bench --smoke` of S1 and S2 runs the real CLI end to end (octo and
// the baselines in their own processes, autocannon, the report files). Figures are not judged
// against targets or any absolute time: only that they exist, are sane and carry no errors.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { RunReport } from "./report.ts";

const MAIN = join(import.meta.dirname, "main.ts");
const resultsDir = mkdtempSync(join(tmpdir(), "octo-bench-smoke-"));

afterAll(() => rmSync(resultsDir, { recursive: true, force: true }));

const SIDE_BY_SIDE = [
  "octo.rps",
  "baseline.rps",
  "ratio",
  "octo.p50Ms",
  "octo.p99Ms",
  "baseline.p50Ms",
  "baseline.p99Ms",
  "p99Ratio",
];

describe("pnpm bench --smoke", () => {
  it("runs S1 and S2 against octo and their baselines and reports finite figures with no errors", async () => {
    const child = spawn(
      process.execPath,
      [MAIN, "--smoke", "--only", "S1,S2", "--duration", "1", "--warmup", "1", "--results-dir", resultsDir],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString("utf8");
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString("utf8");
    });
    const [code] = await once(child, "exit");
    expect(code, output).toBe(0);

    const report = JSON.parse(readFileSync(join(resultsDir, "latest.json"), "utf8")) as RunReport;
    expect(report.failures).toEqual([]);
    expect(report.options).toMatchObject({ smoke: true, durationSec: 1, warmupSec: 1 });
    expect(report.results.map((r) => r.id)).toEqual(["S1", "S2"]);
    for (const result of report.results) {
      for (const key of SIDE_BY_SIDE) {
        const value = result.metrics[key];
        expect(Number.isFinite(value) && (value as number) > 0, `${result.id} ${key} = ${value}`).toBe(true);
      }
      expect(result.metrics["octo.errors"], `${result.id} octo errors`).toBe(0);
      expect(result.metrics["baseline.errors"], `${result.id} baseline errors`).toBe(0);
      expect(typeof result.pass).toBe("boolean");
    }

    const table = readFileSync(join(resultsDir, "latest.md"), "utf8");
    expect(table).toMatch(/^\| S1 http → set-payload \(constant\) → respond \|/m);
    expect(table).toMatch(/^\| S2 http \(JSON ~150 B\) → CEL transform → respond \|/m);
    // The table is printed too, and a timestamped copy of the JSON is kept beside latest.json.
    expect(output).toMatch(/^\| S1 /m);
    expect(output).toMatch(/^\| S2 /m);
    const stamped = join(resultsDir, `${report.startedAt.replace(/[:.]/g, "-")}.json`);
    expect(JSON.parse(readFileSync(stamped, "utf8"))).toEqual(report);
  }, 120_000);
});
