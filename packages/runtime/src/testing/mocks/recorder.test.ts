import { describe, expect, it } from "vitest";
import { Recorder } from "./recorder.ts";

describe("recorder", () => {
  it("picks the first matching rule with uses left, counting its uses", () => {
    const r = new Recorder();
    const once = { id: "once", times: 1 };
    const always = { id: "always" };
    const other = { id: "other" };
    const pick = () => r.pick([other, once, always], (rule) => rule.id !== "other")?.id;
    expect([pick(), pick(), pick()]).toEqual(["once", "always", "always"]);
    expect([r.used(once), r.used(always), r.used(other)]).toEqual([1, 2, 0]);
    expect(r.pick([once], () => true)).toBeUndefined();
  });

  it("calls() is what assertions see", () => {
    const r = new Recorder();
    r.database.push({ connector: "db", statement: "SELECT 1", args: [], kind: "query" });
    expect(r.calls()).toEqual({ http: [], database: [r.database[0]], llm: [] });
  });
});
