import { describe, expect, it } from "vitest";
import { collapseUnchanged, type DiffRow, diffRows, diffStats, rowsFromChanges } from "./version-diff.ts";

describe("diffRows", () => {
  it("numbers unchanged lines on both sides, removed in the old, added in the new", () => {
    const rows = diffRows("name: a\nport: 80\nend: 1\n", "name: a\nport: 8080\nend: 1\n");
    expect(rows).toEqual([
      { kind: "same", text: "name: a", oldLine: 1, newLine: 1 },
      { kind: "del", text: "port: 80", oldLine: 2 },
      { kind: "add", text: "port: 8080", newLine: 2 },
      { kind: "same", text: "end: 1", oldLine: 3, newLine: 3 },
    ]);
  });

  it("counts lines from an empty side and without a final newline", () => {
    expect(diffRows("", "a\nb")).toEqual([
      { kind: "add", text: "a", newLine: 1 },
      { kind: "add", text: "b", newLine: 2 },
    ]);
    expect(diffStats(diffRows("a\nb\n", ""))).toEqual({ added: 0, removed: 2 });
  });

  it("keeps blank lines as lines", () => {
    const rows = rowsFromChanges([{ value: "a\n\nb\n", added: false, removed: false, count: 3 }]);
    expect(rows.map((r) => r.text)).toEqual(["a", "", "b"]);
    expect(rows.at(-1)).toEqual({ kind: "same", text: "b", oldLine: 3, newLine: 3 });
  });

  it("reports identical texts as no additions or removals", () => {
    expect(diffStats(diffRows("x: 1\n", "x: 1\n"))).toEqual({ added: 0, removed: 0 });
  });
});

describe("collapseUnchanged", () => {
  const same = (n: number): DiffRow => ({ kind: "same", text: `line ${n}`, oldLine: n, newLine: n });

  it("keeps the context around a change and folds the rest into gaps", () => {
    const rows: DiffRow[] = [
      ...Array.from({ length: 10 }, (_, i) => same(i + 1)),
      { kind: "add", text: "new", newLine: 11 },
      ...Array.from({ length: 10 }, (_, i) => same(i + 11)),
    ];
    const out = collapseUnchanged(rows, 2);
    expect(out[0]).toEqual({ kind: "gap", count: 8 });
    expect(out.slice(1, 6).map((r) => (r.kind === "gap" ? "gap" : r.text))).toEqual([
      "line 9",
      "line 10",
      "new",
      "line 11",
      "line 12",
    ]);
    expect(out.at(-1)).toEqual({ kind: "gap", count: 8 });
    expect(out).toHaveLength(7);
  });

  it("folds a diff without changes into one gap", () => {
    expect(collapseUnchanged([same(1), same(2)], 3)).toEqual([{ kind: "gap", count: 2 }]);
  });
});
