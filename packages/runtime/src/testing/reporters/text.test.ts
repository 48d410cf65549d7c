import { describe, expect, it } from "vitest";
import type { CaseResult } from "../runner.ts";
import { formatCase, formatFileHeader, formatSummary } from "./text.ts";

const failed: CaseResult = {
  name: "routes billing",
  location: "samples/ai-router/ai-router.test.yaml:7:5",
  status: "failed",
  durationMs: 12.4,
  failures: [
    {
      label: "expect.output",
      source: "",
      message: "differs from what was expected:",
      diff: '- expected\n+ actual\n  {\n-   "team": "billing"\n+   "team": "sales"\n  }',
    },
    {
      label: "expect.that[0]",
      source: 'error.message.contains("x")',
      message: 'is false: error.message is "boom"',
    },
  ],
  flowError: { flow: "triage", block: "pick-team", message: "boom" },
};

describe("text reporter", () => {
  it("a passed case is one line with a check mark", () => {
    expect(formatCase({ ...failed, status: "passed", failures: [] })).toBe("  ✓ routes billing (12 ms)\n");
  });

  it("a failed case shows where it is, each assertion as written, what it saw, the diff and the flow error", () => {
    expect(formatCase(failed)).toBe(
      [
        "  ✗ routes billing (12 ms)",
        "      at samples/ai-router/ai-router.test.yaml:7:5",
        "      expect.output",
        "        differs from what was expected:",
        "        - expected",
        "        + actual",
        "          {",
        '        -   "team": "billing"',
        '        +   "team": "sales"',
        "          }",
        '      expect.that[0]: error.message.contains("x")',
        '        is false: error.message is "boom"',
        "      flow triage failed in block pick-team:",
        "        boom",
        "",
      ].join("\n"),
    );
  });

  it("files get a header and the run ends with N passed, N failed", () => {
    expect(formatFileHeader("samples/a/a.test.yaml")).toBe("\nsamples/a/a.test.yaml\n");
    expect(formatSummary({ passed: 3, failed: 1 })).toBe("\n3 passed, 1 failed\n");
  });
});
