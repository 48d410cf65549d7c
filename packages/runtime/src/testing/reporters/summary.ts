import type { FileResult } from "../runner.ts";

export interface Totals {
  passed: number;
  failed: number;
}

/** Passed and failed cases over every file. */
export function totals(results: readonly FileResult[]): Totals {
  let passed = 0;
  let failed = 0;
  for (const f of results)
    for (const c of f.cases) {
      if (c.status === "passed") passed++;
      else failed++;
    }
  return { passed, failed };
}
