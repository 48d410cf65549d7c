import { type Change, diffLines } from "diff";

export type DiffKind = "add" | "del" | "same";

/** One line of a line diff, numbered in the old text, the new text, or both. */
export interface DiffRow {
  kind: DiffKind;
  text: string;
  oldLine?: number;
  newLine?: number;
}

/** A run of unchanged lines left out of a collapsed diff. */
export interface DiffGap {
  kind: "gap";
  count: number;
}

/** The lines of one change; diffLines keeps the newline at the end of each, so the last "" is not a line. */
function linesOf(value: string): string[] {
  const lines = value.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** diffLines' changes as numbered rows: removed lines carry their old number, added ones their new. */
export function rowsFromChanges(changes: readonly Change[]): DiffRow[] {
  const rows: DiffRow[] = [];
  let oldLine = 1;
  let newLine = 1;
  for (const change of changes) {
    for (const text of linesOf(change.value)) {
      if (change.added) rows.push({ kind: "add", text, newLine: newLine++ });
      else if (change.removed) rows.push({ kind: "del", text, oldLine: oldLine++ });
      else rows.push({ kind: "same", text, oldLine: oldLine++, newLine: newLine++ });
    }
  }
  return rows;
}

/** The line diff from `before` to `after`. */
export function diffRows(before: string, after: string): DiffRow[] {
  return rowsFromChanges(diffLines(before, after));
}

export function diffStats(rows: readonly DiffRow[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const row of rows) {
    if (row.kind === "add") added++;
    else if (row.kind === "del") removed++;
  }
  return { added, removed };
}

/**
 * Keeps `context` unchanged lines around every change and folds longer unchanged runs into one
 * gap, so a small edit in a long definition stays readable.
 */
export function collapseUnchanged(rows: readonly DiffRow[], context = 3): (DiffRow | DiffGap)[] {
  const near = rows.map(() => false);
  rows.forEach((row, i) => {
    if (row.kind === "same") return;
    for (let j = Math.max(0, i - context); j <= Math.min(rows.length - 1, i + context); j++) near[j] = true;
  });
  const out: (DiffRow | DiffGap)[] = [];
  let hidden = 0;
  rows.forEach((row, i) => {
    if (row.kind !== "same" || near[i]) {
      if (hidden > 0) out.push({ kind: "gap", count: hidden });
      hidden = 0;
      out.push(row);
    } else hidden++;
  });
  if (hidden > 0) out.push({ kind: "gap", count: hidden });
  return out;
}
