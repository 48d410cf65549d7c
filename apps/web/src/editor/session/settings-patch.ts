/**
 * Applying a settings form's new value to the document key by key: only keys whose value changed
 * are written (setAt) or removed (deleteAt), so comments and formatting of the others survive.
 */
import type { EditorDocument, Path } from "../model/document.ts";
import { deleteAt, setAt } from "../model/edits.ts";

export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * `before` is what the form was given, `after` what it answered. `keys` limits the patch to the
 * fields the form owns (a composite block's non-scope fields); undefined: every key.
 */
export function patchKeys(
  doc: EditorDocument,
  base: Path,
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
  keys?: readonly string[],
): EditorDocument {
  const owned = (k: string) => keys === undefined || keys.includes(k);
  let next = doc;
  for (const [k, v] of Object.entries(after)) {
    if (owned(k) && !sameValue(before[k], v)) next = setAt(next, [...base, k], v);
  }
  for (const k of Object.keys(before)) {
    if (owned(k) && !(k in after)) next = deleteAt(next, [...base, k]);
  }
  return next;
}
