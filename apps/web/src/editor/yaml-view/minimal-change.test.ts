import { describe, expect, it } from "vitest";
import { minimalChange, type TextChange } from "./minimal-change.ts";

function apply(text: string, change: TextChange | null): string {
  return change ? text.slice(0, change.from) + change.insert + text.slice(change.to) : text;
}

describe("minimalChange", () => {
  it("returns null for equal texts", () => {
    expect(minimalChange("a: 1\n", "a: 1\n")).toBeNull();
    expect(minimalChange("", "")).toBeNull();
  });

  it("replaces only the changed middle", () => {
    expect(minimalChange("name: shop\nport: 80\n", "name: shop\nport: 8080\n")).toEqual({
      from: 19,
      to: 19,
      insert: "80",
    });
    expect(minimalChange("a: one\nb: two\n", "a: ONE\nb: two\n")).toEqual({ from: 3, to: 6, insert: "ONE" });
  });

  it("handles pure insertions and deletions at either end", () => {
    expect(minimalChange("b: 2\n", "a: 1\nb: 2\n")).toEqual({ from: 0, to: 0, insert: "a: 1\n" });
    expect(minimalChange("a: 1\n", "a: 1\nb: 2\n")).toEqual({ from: 5, to: 5, insert: "b: 2\n" });
    expect(minimalChange("a: 1\nb: 2\n", "b: 2\n")).toEqual({ from: 0, to: 5, insert: "" });
    expect(minimalChange("", "x")).toEqual({ from: 0, to: 0, insert: "x" });
    expect(minimalChange("x", "")).toEqual({ from: 0, to: 1, insert: "" });
  });

  it("does not let prefix and suffix overlap in repeated text", () => {
    expect(minimalChange("aa", "aaa")).toEqual({ from: 2, to: 2, insert: "a" });
    expect(minimalChange("aaa", "a")).toEqual({ from: 1, to: 3, insert: "" });
    expect(minimalChange("  - x\n  - x\n", "  - x\n")).toEqual({ from: 6, to: 12, insert: "" });
  });

  it("never splits a surrogate pair", () => {
    // 😀 is \ud83d\ude00 and 😁 is \ud83d\ude01: they share the high surrogate.
    const change = minimalChange("x: 😀\n", "x: 😁\n");
    expect(change).toEqual({ from: 3, to: 5, insert: "😁" });
    // Different high surrogates, same low surrogate: 𝐀 is \ud835\udc00.
    expect(minimalChange("𝐀!", "\ud901\udc00!")).toEqual({ from: 0, to: 2, insert: "\ud901\udc00" });
  });

  it("always turns the old text into the new one", () => {
    const samples = ["", "a", "ab", "aab", "abab", "key: value\n", "x: 😀\ny: 2\n", "list:\n  - a\n  - a\n"];
    for (const before of samples) {
      for (const after of samples) {
        const change = minimalChange(before, after);
        expect(apply(before, change)).toBe(after);
        if (change) expect(change.from).toBeLessThanOrEqual(change.to);
      }
    }
  });
});
