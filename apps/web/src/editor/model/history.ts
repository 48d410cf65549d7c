/**
 * Undo/redo over whole documents. Documents are immutable values (edits return new ones), so a
 * history entry is just a reference; the history itself is immutable too (fits React state).
 */
import type { EditorDocument } from "./document.ts";

export const HISTORY_LIMIT = 200;

export interface History {
  /** Oldest first; at most HISTORY_LIMIT entries. */
  readonly past: readonly EditorDocument[];
  readonly present: EditorDocument;
  /** Next redo first. */
  readonly future: readonly EditorDocument[];
}

export function createHistory(doc: EditorDocument): History {
  return { past: [], present: doc, future: [] };
}

/** Records `doc` as the new present and clears redo; an edit that changed nothing records nothing. */
export function pushHistory(history: History, doc: EditorDocument): History {
  if (doc === history.present || doc.text === history.present.text) return history;
  const past = [...history.past, history.present];
  return { past: past.length > HISTORY_LIMIT ? past.slice(-HISTORY_LIMIT) : past, present: doc, future: [] };
}

export function canUndo(history: History): boolean {
  return history.past.length > 0;
}

export function canRedo(history: History): boolean {
  return history.future.length > 0;
}

export function undo(history: History): History {
  const previous = history.past.at(-1);
  if (!previous) return history;
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] };
}

export function redo(history: History): History {
  const [next, ...rest] = history.future;
  if (!next) return history;
  return { past: [...history.past, history.present], present: next, future: rest };
}
