import { diffArrays } from "diff";

/**
 * Keeps the author's formatting where an edit did not reach.
 *
 * The `yaml` package renders a whole document in its own style (comment alignment, `[a]` vs
 * `[ a ]`, folded lines …). Given the author's `original` text, `base` = the package's rendering
 * of that text, and `edited` = its rendering after an edit, this returns `edited` with every run
 * of lines the edit left alone taken from `original` instead. With `guess` (the default), lines
 * the edit only moved (a dragged step, maybe to another depth) are found by content and taken
 * from `original` re-indented, and an edited line keeps its trailing comment's column. The
 * caller checks the result (it must render back to `edited`) and falls back.
 */
export function mergeFormatting(
  original: string,
  base: string,
  edited: string,
  options = { guess: true },
): string {
  if (base === edited) return original;
  const b = linesOf(base);
  const e = linesOf(edited);
  const groups = formattingGroups(b, linesOf(original));
  const index = options.guess ? indexByContent(b) : undefined;
  let out = "";
  let at = 0;
  let removed: { start: number; count: number } | undefined;
  for (const change of diffArrays(b, e)) {
    if (change.added) {
      const replaced = index && removed?.count === change.count ? removed.start : undefined;
      out += addedText(change.value, replaced, b, groups, index);
      removed = undefined;
    } else if (change.removed) {
      removed = { start: at, count: change.count };
      at += change.count;
    } else {
      removed = undefined;
      out += keptText(groups, b, at, at + change.count, 0, true);
      at += change.count;
    }
  }
  return out;
}

/**
 * Lines the edit added. When they replace as many base lines (`replaced` = the first), an edited
 * line keeps the column of its trailing comment; runs of moved lines keep their original form.
 */
function addedText(
  added: string[],
  replaced: number | undefined,
  base: string[],
  groups: Group[],
  index: Map<string, number[]> | undefined,
): string {
  let out = "";
  let run: string[] = [];
  const flush = () => {
    out += index ? movedText(run, base, groups, index) : run.join("");
    run = [];
  };
  added.forEach((line, k) => {
    const i = replaced === undefined ? undefined : replaced + k;
    const own = i === undefined ? undefined : groups.find((g) => g.start === i && g.end === i + 1)?.text;
    const kept = own === undefined ? undefined : withCommentColumn(line, base[i as number] ?? "", own);
    if (kept === undefined) run.push(line);
    else {
      flush();
      out += kept;
    }
  });
  flush();
  return out;
}

/** `line` (an edit of base line `was`) with its trailing comment where `original` had it. */
function withCommentColumn(line: string, was: string, original: string): string | undefined {
  const at = was.lastIndexOf(" #");
  if (at === -1 || linesOf(original).length !== 1) return undefined;
  const comment = was.slice(at + 1);
  if (!line.endsWith(` ${comment}`) || !original.endsWith(comment)) return undefined;
  const column = original.length - comment.length;
  if (!/\s/.test(original[column - 1] ?? "")) return undefined;
  const head = line.slice(0, line.length - comment.length).trimEnd();
  return `${head}${" ".repeat(Math.max(1, column - head.length))}${comment}`;
}

/** Lines with their line breaks, so that joining them gives the text back. */
function linesOf(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * Base lines [start, end) that the original writes as `text`. Equal runs map to themselves; a
 * replaced run maps to the original's lines for it; `start === end` marks lines only the original
 * has (extra blank lines the package collapses).
 */
interface Group {
  start: number;
  end: number;
  text: string;
}

function formattingGroups(base: string[], original: string[]): Group[] {
  const groups: Group[] = [];
  let at = 0;
  let pending: { start: number; end: number; lines: string[] } | undefined;
  const flush = () => {
    if (pending) groups.push(...refine(base, pending.start, pending.end, pending.lines));
    pending = undefined;
  };
  for (const change of diffArrays(base, original)) {
    if (!change.added && !change.removed) {
      flush();
      groups.push({ start: at, end: at + change.count, text: change.value.join("") });
      at += change.count;
      continue;
    }
    pending ??= { start: at, end: at, lines: [] };
    if (change.removed) {
      at += change.count;
      pending.end = at;
    } else pending.lines.push(...change.value);
  }
  flush();
  return groups;
}

/**
 * Splits a replaced run into smaller groups where lines differ only in spacing (comment
 * alignment, `[a]` vs `[ a ]`), so that an edit next to one of them does not cost the others.
 */
function refine(base: string[], start: number, end: number, original: string[]): Group[] {
  const squash = (line: string) => line.replace(/\s+/g, "");
  const groups: Group[] = [];
  let at = start;
  let from = 0;
  let pending: Group | undefined;
  for (const change of diffArrays(base.slice(start, end).map(squash), original.map(squash))) {
    const n = change.count;
    if (!change.added && !change.removed) {
      if (pending) groups.push(pending);
      pending = undefined;
      for (let k = 0; k < n; k++)
        groups.push({ start: at + k, end: at + k + 1, text: original[from + k] ?? "" });
      at += n;
      from += n;
      continue;
    }
    pending ??= { start: at, end: at, text: "" };
    if (change.removed) {
      at += n;
      pending.end = at;
    } else {
      pending.text += original.slice(from, from + n).join("");
      from += n;
    }
  }
  if (pending) groups.push(pending);
  return groups;
}

/**
 * The text for base lines [from, to), kept by the edit (`shift` columns to the right, or left
 * when negative): the original's where a whole group is kept, else the base lines. `inPlace`:
 * the lines did not move, so what the original has before the first or after the last line of
 * the document belongs here too.
 */
function keptText(
  groups: Group[],
  base: string[],
  from: number,
  to: number,
  shift: number,
  inPlace: boolean,
): string {
  let out = "";
  for (const g of groups) {
    if (g.start === g.end) {
      const inside = from < g.start && g.start < to;
      const atDocumentEdge = (g.start === 0 && from === 0) || (g.start === base.length && to === base.length);
      if (inside || (inPlace && atDocumentEdge)) out += shifted(g.text, shift) ?? "";
    } else if (g.end > from && g.start < to) {
      const whole = g.start >= from && g.end <= to;
      const own =
        whole && indentOf(g.text) === indentOf(base[g.start] ?? "") ? shifted(g.text, shift) : undefined;
      out +=
        own ??
        base
          .slice(Math.max(from, g.start), Math.min(to, g.end))
          .map((l) => shiftLine(l, shift))
          .join("");
    }
  }
  return out;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** A line moved `shift` columns; undefined when it has too little indentation to move left. */
function shiftLine(line: string, shift: number): string {
  return shiftLineOrUndefined(line, shift) ?? line;
}

function shiftLineOrUndefined(line: string, shift: number): string | undefined {
  if (shift === 0 || line.trim() === "") return line;
  if (shift > 0) return " ".repeat(shift) + line;
  return line.startsWith(" ".repeat(-shift)) ? line.slice(-shift) : undefined;
}

function shifted(text: string, shift: number): string | undefined {
  if (shift === 0) return text;
  let out = "";
  for (const line of linesOf(text)) {
    const moved = shiftLineOrUndefined(line, shift);
    if (moved === undefined) return undefined;
    out += moved;
  }
  return out;
}

function indexByContent(base: string[]): Map<string, number[]> {
  const index = new Map<string, number[]>();
  base.forEach((line, i) => {
    const key = line.trimStart();
    if (key.trim() === "") return;
    const list = index.get(key);
    if (list) list.push(i);
    else index.set(key, [i]);
  });
  return index;
}

/**
 * Added lines of the edit, with runs that are base lines moved (same text, one uniform change of
 * indentation) written as the original wrote them.
 */
function movedText(added: string[], base: string[], groups: Group[], index: Map<string, number[]>): string {
  let out = "";
  let i = 0;
  while (i < added.length) {
    const line = added[i] ?? "";
    let best: { start: number; length: number; shift: number } | undefined;
    for (const start of index.get(line.trimStart()) ?? []) {
      const shift = indentOf(line) - indentOf(base[start] ?? "");
      let length = 0;
      while (
        i + length < added.length &&
        start + length < base.length &&
        added[i + length] === shiftLineOrUndefined(base[start + length] ?? "", shift)
      ) {
        length++;
      }
      if (!best || length > best.length) best = { start, length, shift };
    }
    if (!best || best.length === 0) {
      out += line;
      i++;
      continue;
    }
    out += keptText(groups, base, best.start, best.start + best.length, best.shift, false);
    i += best.length;
  }
  return out;
}
