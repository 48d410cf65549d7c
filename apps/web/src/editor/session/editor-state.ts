/**
 * The editor's state in one reducer: the document with its undo history, what is selected, and
 * the last saved server state the document is compared with (dirty, conflicts). Pure, so the
 * rules (what is dirty, how typing coalesces, what a reload does) are tested without a browser.
 */
import { type EditorDocument, openDocument, type Path } from "../model/document.ts";
import { createHistory, type History, pushHistory, redo, undo } from "../model/history.ts";

export interface SavedState {
  /** The definition as the server has it. */
  readonly text: string;
  /** Its `lastUpdated` (ISO), sent back as `expectedLastUpdated` so a save never overwrites blindly. */
  readonly lastUpdated: string;
}

export interface EditorState {
  readonly history: History;
  readonly selected?: Path;
  readonly saved: SavedState;
  /** Set when the integration changed elsewhere after we loaded it. */
  readonly changedElsewhere?: { readonly lastUpdated: string };
  /** When the last YAML keystroke was recorded; typing within TYPING_MS replaces it (one undo step). */
  readonly typingAt?: number;
}

export const TYPING_MS = 1_000;

export type EditorAction =
  | { type: "edit"; doc: EditorDocument; select?: Path | undefined }
  | { type: "type"; text: string; at: number }
  | { type: "undo" }
  | { type: "redo" }
  | { type: "select"; path: Path | undefined }
  | { type: "saved"; saved: SavedState }
  | { type: "changed-elsewhere"; lastUpdated: string }
  | { type: "reload"; saved: SavedState };

export function initialState(saved: SavedState): EditorState {
  return { history: createHistory(openDocument(saved.text)), saved };
}

export function isDirty(state: EditorState): boolean {
  return state.history.present.text !== state.saved.text;
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case "edit": {
      const history = pushHistory(state.history, action.doc);
      const { typingAt: _, ...rest } = state;
      return { ...rest, history, ...("select" in action ? selection(action.select) : {}) };
    }
    case "type": {
      if (action.text === state.history.present.text) return state;
      const doc = openDocument(action.text);
      const coalesce = state.typingAt !== undefined && action.at - state.typingAt < TYPING_MS;
      const history = coalesce
        ? { ...state.history, present: doc, future: [] }
        : pushHistory(state.history, doc);
      return { ...state, history, typingAt: action.at };
    }
    case "undo":
    case "redo": {
      const history = action.type === "undo" ? undo(state.history) : redo(state.history);
      const { typingAt: _, ...rest } = state;
      return { ...rest, history };
    }
    case "select":
      return { ...withoutSelection(state), ...selection(action.path) };
    case "saved": {
      // Our own save: the watch will echo it; it is not a change made elsewhere.
      const { changedElsewhere: _, ...rest } = state;
      return { ...rest, saved: action.saved };
    }
    case "changed-elsewhere": {
      if (action.lastUpdated === state.saved.lastUpdated) return state;
      // Nothing of ours to lose: take theirs silently.
      if (!isDirty(state)) return state;
      return { ...state, changedElsewhere: { lastUpdated: action.lastUpdated } };
    }
    case "reload":
      return { ...initialState(action.saved), ...selection(state.selected) };
  }
}

function selection(path: Path | undefined): { selected?: Path } {
  return path === undefined ? {} : { selected: path };
}

function withoutSelection(state: EditorState): EditorState {
  const { selected: _, ...rest } = state;
  return rest;
}
