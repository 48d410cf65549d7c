import type { Text } from "@codemirror/state";

/**
 * The document offset of a 1-based line/column, clamped to the document: lines past the end go to
 * the last line, columns past a line's end go to that line's end.
 */
export function positionOf(doc: Text, line: number, col: number): number {
  const target = doc.line(clamp(Math.trunc(line), 1, doc.lines));
  return target.from + clamp(Math.trunc(col) - 1, 0, target.length);
}

/**
 * The text a problem at `line`/`col` underlines: the run of non-blank characters starting there
 * (a key, a value, a token), or the rest of its line when it points at blanks. A problem beyond the
 * end of the document marks the whole last line, so it stays visible.
 */
export function problemRange(doc: Text, line: number, col: number): { from: number; to: number } {
  if (line > doc.lines) {
    const last = doc.line(doc.lines);
    return { from: last.from, to: last.to };
  }
  const from = positionOf(doc, line, col);
  const target = doc.lineAt(from);
  const rest = doc.sliceString(from, target.to);
  const token = /^\S+/.exec(rest)?.[0].length ?? 0;
  return { from, to: from + (token > 0 ? token : rest.length) };
}

function clamp(value: number, min: number, max: number): number {
  return Number.isNaN(value) ? min : Math.min(Math.max(value, min), max);
}
