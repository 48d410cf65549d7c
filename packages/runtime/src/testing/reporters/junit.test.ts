import { describe, expect, it } from "vitest";
import type { FileResult } from "../runner.ts";
import { escapeAttribute, escapeText, junitReport } from "./junit.ts";

const RESULTS: FileResult[] = [
  {
    file: "samples/a/a.test.yaml",
    durationMs: 30,
    cases: [
      {
        name: "passes",
        location: "samples/a/a.test.yaml:2:5",
        status: "passed",
        durationMs: 12,
        failures: [],
      },
      {
        name: 'fails <with> "quotes" & more',
        location: "samples/a/a.test.yaml:9:5",
        status: "failed",
        durationMs: 1500,
        failures: [
          {
            label: "expect.output",
            source: "",
            message: "differs from what was expected:",
            expected: { team: "billing" },
            actual: { team: "sales" },
            diff: '- expected\n+ actual\n  {\n-   "team": "billing"\n+   "team": "sales"\n  }',
          },
          {
            label: "expect.that[0]",
            source: "calls.http.size() > 1",
            message: "is false: the left side is 0, the right side 1",
          },
        ],
        flowError: { flow: "triage", block: "pick-team", message: "boom ]]> end" },
      },
    ],
  },
  { file: "samples/b/b.test.yaml", durationMs: 5, cases: [] },
];

describe("JUnit XML", () => {
  it("has a testsuite per file and a testcase per case, with counts and times in seconds", () => {
    const xml = junitReport(RESULTS);
    expect(
      xml.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="octo test" tests="2" failures="1" errors="0" time="0.035">',
      ),
    ).toBe(true);
    expect(xml).toContain(
      '<testsuite name="samples/a/a.test.yaml" tests="2" failures="1" errors="0" skipped="0" time="0.030">',
    );
    expect(xml).toContain(
      '<testsuite name="samples/b/b.test.yaml" tests="0" failures="0" errors="0" skipped="0" time="0.005">',
    );
    expect(xml).toContain('<testcase name="passes" classname="samples/a/a.test.yaml" time="0.012"/>');
    expect(xml.match(/<testsuite /g)).toHaveLength(2);
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    expect(xml.trimEnd().endsWith("</testsuites>")).toBe(true);
  });

  it("a failure carries the first problem as its message and every problem, diff and flow error as text", () => {
    const xml = junitReport(RESULTS);
    expect(xml).toContain(
      '<testcase name="fails &lt;with&gt; &quot;quotes&quot; &amp; more" classname="samples/a/a.test.yaml" time="1.500">',
    );
    expect(xml).toContain(
      '<failure message="expect.output: differs from what was expected:" type="AssertionError">',
    );
    const text = /<failure [^>]*>([\s\S]*?)<\/failure>/.exec(xml)?.[1] ?? "";
    expect(text).toContain("at samples/a/a.test.yaml:9:5");
    expect(text).toContain('-   "team": "billing"\n');
    expect(text).toContain('+   "team": "sales"\n');
    expect(text).toContain("expect.that[0]: calls.http.size() &gt; 1");
    expect(text).toContain("flow triage failed in block pick-team:");
    // "]]>" cannot end anything: > is always escaped.
    expect(text).toContain("boom ]]&gt; end");
    expect(text).not.toContain("]]>");
  });

  it("escapes markup, keeps newlines in attributes, and replaces characters XML cannot hold", () => {
    expect(escapeText(`a & b < c > d "e" 'f'`)).toBe(`a &amp; b &lt; c &gt; d "e" 'f'`);
    expect(escapeAttribute(`a & "b" 'c'\nd\te\r`)).toBe(
      "a &amp; &quot;b&quot; &apos;c&apos;&#10;d&#9;e&#13;",
    );
    expect(escapeText("bell\u0007 nul\u0000 esc\u001b tab\t ok")).toBe(
      "bell\uFFFD nul\uFFFD esc\uFFFD tab\t ok",
    );
    expect(escapeText("lone \uD800 pair \uD83D\uDE00 \uFFFE")).toBe("lone \uFFFD pair \uD83D\uDE00 \uFFFD");
  });
});
