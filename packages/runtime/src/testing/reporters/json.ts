// The json reporter: one document with every file, case and failure, for tools.
import type { FileResult } from "../runner.ts";
import { totals } from "./summary.ts";

export function jsonReport(results: readonly FileResult[]): string {
  const t = totals(results);
  return `${JSON.stringify(
    {
      passed: t.passed,
      failed: t.failed,
      files: results.map((f) => ({
        file: f.file,
        durationMs: Math.round(f.durationMs),
        cases: f.cases.map((c) => ({ ...c, durationMs: Math.round(c.durationMs) })),
      })),
    },
    null,
    2,
  )}\n`;
}
