import { Text } from "@codemirror/state";
import { describe, expect, it } from "vitest";
import { positionOf, problemRange } from "./problem-range.ts";

const doc = Text.of(["name: shop", "  port: 80", "", "tail"]);
// Line starts: 0, 11, 22, 23.

describe("positionOf", () => {
  it("maps 1-based line and column to an offset", () => {
    expect(positionOf(doc, 1, 1)).toBe(0);
    expect(positionOf(doc, 2, 3)).toBe(13);
    expect(positionOf(doc, 4, 5)).toBe(27);
  });

  it("clamps to the document", () => {
    expect(positionOf(doc, 0, 0)).toBe(0);
    expect(positionOf(doc, 2, 99)).toBe(21);
    expect(positionOf(doc, 9, 2)).toBe(24);
    expect(positionOf(doc, Number.NaN, Number.NaN)).toBe(0);
  });
});

describe("problemRange", () => {
  it("underlines the token at the column", () => {
    expect(problemRange(doc, 2, 3)).toEqual({ from: 13, to: 18 }); // "port:"
    expect(problemRange(doc, 2, 9)).toEqual({ from: 19, to: 21 }); // "80"
  });

  it("underlines the rest of the line when the column points at blanks", () => {
    expect(problemRange(doc, 2, 1)).toEqual({ from: 11, to: 21 });
  });

  it("is an empty point at a line's end or on an empty line", () => {
    expect(problemRange(doc, 1, 50)).toEqual({ from: 10, to: 10 });
    expect(problemRange(doc, 3, 1)).toEqual({ from: 22, to: 22 });
  });

  it("marks the whole last line for a problem beyond the end", () => {
    expect(problemRange(doc, 12, 1)).toEqual({ from: 23, to: 27 });
    expect(problemRange(Text.of([""]), 3, 4)).toEqual({ from: 0, to: 0 });
  });
});
