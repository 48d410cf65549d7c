// JUnit XML for CI: a <testsuite> per file, a <testcase> per case, and for a failed case a
// <failure> whose message is the first problem and whose text holds every problem with its diff.
import type { CaseResult, FileResult } from "../runner.ts";
import { totals } from "./summary.ts";
import { formatCase } from "./text.ts";

/**
 * Characters XML 1.0 cannot hold at all (C0 controls but tab, newline and return; lone surrogates;
 * U+FFFE and U+FFFF) become U+FFFD, since no escape makes them legal.
 */
function legalXml(text: string): string {
  let out = "";
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    const illegal =
      (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) ||
      (c >= 0xd800 && c <= 0xdfff) ||
      c === 0xfffe ||
      c === 0xffff;
    out += illegal ? "\uFFFD" : ch;
  }
  return out;
}

/** Text content: &, < and > escaped (> too, so "]]>" never appears). */
export function escapeText(text: string): string {
  return legalXml(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** An attribute value in double quotes; newlines and tabs kept as character references. */
export function escapeAttribute(text: string): string {
  return escapeText(text)
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function testcase(file: string, c: CaseResult): string {
  const head = `    <testcase name="${escapeAttribute(c.name)}" classname="${escapeAttribute(file)}" time="${seconds(c.durationMs)}"`;
  if (c.status === "passed") return `${head}/>\n`;
  const first = c.failures[0];
  const message = first
    ? `${first.source ? `${first.label}: ${first.source}` : first.label}: ${first.message}`
    : `flow ${c.flowError?.flow ?? ""} failed`;
  return (
    `${head}>\n` +
    `      <failure message="${escapeAttribute(message)}" type="AssertionError">${escapeText(formatCase(c).replace(/^.*\n/, ""))}</failure>\n` +
    "    </testcase>\n"
  );
}

export function junitReport(results: readonly FileResult[]): string {
  const t = totals(results);
  const time = results.reduce((sum, f) => sum + f.durationMs, 0);
  let out = '<?xml version="1.0" encoding="UTF-8"?>\n';
  out += `<testsuites name="octo test" tests="${t.passed + t.failed}" failures="${t.failed}" errors="0" time="${seconds(time)}">\n`;
  for (const f of results) {
    const failed = f.cases.filter((c) => c.status === "failed").length;
    out += `  <testsuite name="${escapeAttribute(f.file)}" tests="${f.cases.length}" failures="${failed}" errors="0" skipped="0" time="${seconds(f.durationMs)}">\n`;
    for (const c of f.cases) out += testcase(f.file, c);
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}
