import { describe, expect, it } from "vitest";
import { jsonReport } from "./json.ts";

describe("json reporter", () => {
  it("one document with the totals, every file and every case", () => {
    const doc = JSON.parse(
      jsonReport([
        {
          file: "a.test.yaml",
          durationMs: 10.6,
          cases: [
            { name: "ok", location: "a.test.yaml:2:5", status: "passed", durationMs: 4.4, failures: [] },
            {
              name: "bad",
              location: "a.test.yaml:5:5",
              status: "failed",
              durationMs: 6.2,
              failures: [
                {
                  label: "expect.status",
                  source: "",
                  message: "expected 200, got 500",
                  expected: 200,
                  actual: 500,
                },
              ],
            },
          ],
        },
      ]),
    );
    expect(doc).toEqual({
      passed: 1,
      failed: 1,
      files: [
        {
          file: "a.test.yaml",
          durationMs: 11,
          cases: [
            { name: "ok", location: "a.test.yaml:2:5", status: "passed", durationMs: 4, failures: [] },
            {
              name: "bad",
              location: "a.test.yaml:5:5",
              status: "failed",
              durationMs: 6,
              failures: [
                {
                  label: "expect.status",
                  source: "",
                  message: "expected 200, got 500",
                  expected: 200,
                  actual: 500,
                },
              ],
            },
          ],
        },
      ],
    });
  });
});
