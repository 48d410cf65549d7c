// Targets, the Markdown table and the files under bench/results/.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import type { BenchOptions, ScenarioResult, Target } from "./types.ts";

export const RESULTS_DIR = join(import.meta.dirname, "..", "results");

/** True when the metric exists, is finite and satisfies the target. */
export function targetMet(metrics: Record<string, number>, t: Target): boolean {
  const v = metrics[t.metric];
  if (v === undefined || !Number.isFinite(v)) return false;
  return t.op === ">=" ? v >= t.value : v <= t.value;
}

/** Sets `pass` on the result: every target met (a result without targets passes). */
export function evaluate(result: ScenarioResult): ScenarioResult {
  return { ...result, pass: result.targets.every((t) => targetMet(result.metrics, t)) };
}

const fmt = (v: number | undefined, digits = 0): string =>
  v === undefined || !Number.isFinite(v) ? "–" : v.toFixed(digits);

const pair = (a: number | undefined, b: number | undefined): string =>
  a === undefined && b === undefined ? "–" : `${fmt(a, 2)} / ${fmt(b, 2)}`;

function targetsCell(r: ScenarioResult): string {
  if (r.targets.length === 0) return "–";
  return r.targets
    .map(
      (t) =>
        `${t.metric} ${fmt(r.metrics[t.metric], 3)} ${t.op === ">=" ? "≥" : "≤"} ${t.value} ${targetMet(r.metrics, t) ? "✓" : "✗"}`,
    )
    .join("<br>");
}

/**
 * One row per scenario. Side-by-side columns show "–" for scenarios that do not have them (cold
 * start, memory); their figures appear in the Targets column and in the JSON.
 */
export function markdownTable(results: ScenarioResult[]): string {
  const lines = [
    "| Scenario | Octo req/s | Baseline req/s | R | Octo p50 / p99 ms | Baseline p50 / p99 ms | p99 ratio | Targets | Pass |",
    "|---|---:|---:|---:|---:|---:|---:|---|:---:|",
  ];
  for (const r of results) {
    const m = r.metrics;
    lines.push(
      `| ${r.id} ${r.title} | ${fmt(m["octo.rps"])} | ${fmt(m["baseline.rps"])} | ${fmt(m.ratio, 3)} | ` +
        `${pair(m["octo.p50Ms"], m["octo.p99Ms"])} | ${pair(m["baseline.p50Ms"], m["baseline.p99Ms"])} | ` +
        `${fmt(m.p99Ratio, 2)} | ${targetsCell(r)} | ${r.pass === undefined ? "–" : r.pass ? "✓" : "✗"} |`,
    );
  }
  return lines.join("\n");
}

export interface RunReport {
  startedAt: string;
  finishedAt: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryBytes: number;
    node: string;
    platform: string;
    pinned: boolean;
  };
  options: Omit<BenchOptions, "log">;
  results: ScenarioResult[];
  /** Scenarios that threw instead of returning figures. */
  failures: { id: string; error: string }[];
}

export function machineInfo(pinned: boolean): RunReport["machine"] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    pinned,
  };
}

export function markdownReport(report: RunReport): string {
  const m = report.machine;
  const o = report.options;
  const failures = report.failures.map((f) => `- **${f.id} failed**: ${f.error.split("\n")[0]}`);
  return [
    `# Octo benchmark — ${report.startedAt}`,
    "",
    `${m.cpus} × ${m.cpuModel}, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB, Node ${m.node}, ${m.platform}; ` +
      (m.pinned
        ? "server pinned to core 0, load generator to core 1"
        : "not pinned (no taskset or one core)") +
      `. Load: ${o.connections} connections, ${o.warmupSec} s warm-up, ${o.durationSec} s measured per side` +
      (o.smoke ? " (smoke run: figures not meaningful)" : "") +
      ".",
    "",
    markdownTable(report.results),
    ...(failures.length > 0 ? ["", ...failures] : []),
    "",
  ].join("\n");
}

/** Writes latest.json, latest.md and a timestamped JSON to `dir`; returns their paths. */
export function writeResults(report: RunReport, dir = RESULTS_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const stamp = report.startedAt.replace(/[:.]/g, "-");
  const files = [join(dir, "latest.json"), join(dir, "latest.md"), join(dir, `${stamp}.json`)];
  writeFileSync(files[0] as string, json);
  writeFileSync(files[1] as string, markdownReport(report));
  writeFileSync(files[2] as string, json);
  return files;
}
