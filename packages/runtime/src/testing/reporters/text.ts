// The text reporter: a file name, then ✓/✗ per case as it finishes; under a failed case, where it
// is, each failed assertion as written with what it saw (and a diff), and the flow's error.
import type { AssertionFailure } from "../matchers.ts";
import type { CaseResult } from "../runner.ts";
import type { Totals } from "./summary.ts";

const ms = (n: number) => `${Math.round(n)} ms`;

const indent = (text: string, by: string) => text.replace(/^/gm, by);

export function formatFileHeader(file: string): string {
  return `\n${file}\n`;
}

function formatFailure(f: AssertionFailure): string {
  const head = f.source ? `${f.label}: ${f.source}` : f.label;
  let out = `${indent(head, "      ")}\n${indent(f.message, "        ")}\n`;
  if (f.diff !== undefined) out += `${indent(f.diff, "        ")}\n`;
  return out;
}

export function formatCase(result: CaseResult): string {
  if (result.status === "passed") return `  ✓ ${result.name} (${ms(result.durationMs)})\n`;
  let out = `  ✗ ${result.name} (${ms(result.durationMs)})\n      at ${result.location}\n`;
  for (const f of result.failures) out += formatFailure(f);
  if (result.flowError) {
    const { flow, block, message } = result.flowError;
    out += `      flow ${flow} failed${block ? ` in block ${block}` : ""}:\n${indent(message, "        ")}\n`;
  }
  return out;
}

/** The last line: `N passed, N failed`. */
export function formatSummary(t: Totals): string {
  return `\n${t.passed} passed, ${t.failed} failed\n`;
}
