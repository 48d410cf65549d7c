"use client";

import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab, redo } from "@codemirror/commands";
import { yaml } from "@codemirror/lang-yaml";
import {
  bracketMatching,
  defaultHighlightStyle,
  foldGutter,
  foldKeymap,
  indentOnInput,
  syntaxHighlighting,
} from "@codemirror/language";
import { type Diagnostic, lintGutter, lintKeymap, setDiagnostics } from "@codemirror/lint";
import { highlightSelectionMatches, search, searchKeymap } from "@codemirror/search";
import { Annotation, Compartment, EditorState, Transaction } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { type JSX, useEffect, useId, useRef, useState } from "react";
import { minimalChange } from "./minimal-change.ts";
import { positionOf, problemRange } from "./problem-range.ts";
import styles from "./yaml-view.module.css";

export interface YamlProblem {
  line: number;
  col: number;
  message: string;
  severity: "error" | "warning";
}

export interface YamlViewProps {
  /** The document text (controlled from outside). */
  value: string;
  /** Called with the whole text after every user edit, never for `value` updates. */
  onChange: (text: string) => void;
  /** Shown as lint diagnostics (gutter, underline, hover); computed by the caller. */
  problems: readonly YamlProblem[];
  /** Readers: the text can be read, selected and searched, not changed. */
  readOnly?: boolean;
  /** Selects that position, scrolls to it and focuses the editor whenever `nonce` changes (and on mount). */
  jumpTo?: { line: number; col: number; nonce: number };
  /** Accessible name of the editable content. */
  label?: string;
}

/** Marks the transactions that apply `value` from outside, so they are not reported back through onChange. */
const externalUpdate = Annotation.define<boolean>();

/** CodeMirror 6 editor for an integration's YAML, controlled by `value`/`onChange`. */
export function YamlView({
  value,
  onChange,
  problems,
  readOnly = false,
  jumpTo,
  label = "YAML document",
}: YamlViewProps): JSX.Element {
  const hintId = useId();
  const hostRef = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<EditorView | null>(null);
  // The view is built once; these refs let its listeners and first state see the latest props.
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const initialValueRef = useRef(value);
  const lastJumpNonceRef = useRef<number | undefined>(undefined);
  const [readOnlySlot] = useState(() => new Compartment());
  const [attributesSlot] = useState(() => new Compartment());

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const created = new EditorView({
      parent: host,
      state: EditorState.create({
        doc: initialValueRef.current,
        extensions: [
          lineNumbers(),
          foldGutter(),
          lintGutter(),
          highlightActiveLineGutter(),
          highlightSpecialChars(),
          history(),
          drawSelection(),
          indentOnInput(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          bracketMatching(),
          closeBrackets(),
          highlightActiveLine(),
          highlightSelectionMatches(),
          search({ top: true }),
          yaml(),
          keymap.of([
            // Redo is Mod-Shift-z on every platform (historyKeymap only binds it on macOS).
            { key: "Mod-Shift-z", run: redo, preventDefault: true },
            ...closeBracketsKeymap,
            ...defaultKeymap,
            ...searchKeymap,
            ...historyKeymap,
            ...foldKeymap,
            ...lintKeymap,
            // Tab indents; CodeMirror lets Escape followed by Tab move focus out (see the hint below).
            indentWithTab,
          ]),
          readOnlySlot.of([]),
          attributesSlot.of([]),
          EditorView.updateListener.of((update) => {
            if (!update.docChanged) return;
            const byUser = update.transactions.some((tr) => tr.docChanged && !tr.annotation(externalUpdate));
            if (byUser) onChangeRef.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    setView(created);
    return () => {
      created.destroy();
      setView(null);
      // A new view (remount, StrictMode) has not made any jump yet.
      lastJumpNonceRef.current = undefined;
    };
  }, [readOnlySlot, attributesSlot]);

  useEffect(() => {
    if (!view) return;
    view.dispatch({
      effects: [
        readOnlySlot.reconfigure(EditorState.readOnly.of(readOnly)),
        attributesSlot.reconfigure(
          EditorView.contentAttributes.of({
            "aria-label": label,
            "aria-describedby": hintId,
            "aria-readonly": String(readOnly),
          }),
        ),
      ],
    });
  }, [view, readOnly, label, hintId, readOnlySlot, attributesSlot]);

  useEffect(() => {
    if (!view) return;
    const change = minimalChange(view.state.doc.toString(), value);
    if (!change) return;
    // Only the changed middle is replaced, so the cursor and scroll map through it. Outside
    // edits stay out of the undo history: undo in the editor only takes back the user's typing.
    view.dispatch({
      changes: change,
      annotations: [externalUpdate.of(true), Transaction.addToHistory.of(false)],
    });
  }, [view, value]);

  useEffect(() => {
    if (!view) return;
    const doc = view.state.doc;
    const diagnostics = problems.map((problem): Diagnostic => {
      const { from, to } = problemRange(doc, problem.line, problem.col);
      return { from, to, severity: problem.severity, message: problem.message };
    });
    view.dispatch(setDiagnostics(view.state, diagnostics));
  }, [view, problems]);

  const jumpLine = jumpTo?.line;
  const jumpCol = jumpTo?.col;
  const jumpNonce = jumpTo?.nonce;
  useEffect(() => {
    if (!view || jumpNonce === undefined || jumpLine === undefined || jumpCol === undefined) return;
    if (lastJumpNonceRef.current === jumpNonce) return;
    lastJumpNonceRef.current = jumpNonce;
    const at = positionOf(view.state.doc, jumpLine, jumpCol);
    view.dispatch({
      selection: { anchor: at },
      effects: EditorView.scrollIntoView(at, { y: "center" }),
      userEvent: "select",
    });
    view.focus();
  }, [view, jumpLine, jumpCol, jumpNonce]);

  return (
    <div className={styles.yamlView}>
      <div ref={hostRef} className={styles.editor} />
      <p id={hintId} className="field-hint">
        {readOnly ? "Read-only. " : "Tab indents. "}
        To leave the editor with the keyboard, press Esc, then Tab. Ctrl/⌘+F searches
        {readOnly ? "" : ", Ctrl/⌘+Z undoes, Ctrl/⌘+Shift+Z redoes"}; F8 goes to the next problem.
      </p>
    </div>
  );
}
