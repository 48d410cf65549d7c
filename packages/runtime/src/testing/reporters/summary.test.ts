import { describe, expect, it } from "vitest";
import { totals } from "./summary.ts";

describe("totals", () => {
  it("counts passed and failed cases over every file", () => {
    const c = (status: "passed" | "failed") => ({
      name: status,
      location: "",
      status,
      durationMs: 0,
      failures: [],
    });
    expect(
      totals([
        { file: "a", durationMs: 0, cases: [c("passed"), c("failed"), c("passed")] },
        { file: "b", durationMs: 0, cases: [c("failed")] },
        { file: "c", durationMs: 0, cases: [] },
      ]),
    ).toEqual({ passed: 2, failed: 2 });
  });
});
