"use client";

import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { type Diagnostic, setDiagnostics } from "@codemirror/lint";
import { Annotation, Compartment, EditorState, type Extension, Prec } from "@codemirror/state";
import { EditorView, keymap, placeholder as placeholderExtension } from "@codemirror/view";
import { useEffect, useRef, useState } from "react";
import { cel } from "./cel-language.ts";

export interface CelCheckError {
  readonly message: string;
  /** Where in the expression the problem is (0-based), when the checker knows. */
  readonly offset?: number;
}

export interface CelCheckResult {
  readonly ok: boolean;
  readonly errors: readonly CelCheckError[];
}

export type CelCheck = (expression: string) => Promise<CelCheckResult>;

export interface CelInputProps {
  /** The id of the editable element, so `<label for>`-style wiring and tests can find it. */
  id: string;
  value: string;
  onChange(value: string): void;
  /** Asks the runtime whether the expression compiles; pass a stable function (it is re-run when it changes). */
  check?: CelCheck;
  readOnly?: boolean;
  /** Allows line breaks; otherwise Enter inserts nothing and typed or pasted newlines become spaces. */
  multiline?: boolean;
  ariaDescribedBy?: string;
  /** A `<label>` cannot name a contenteditable element, so the label's id is given here. */
  ariaLabelledBy?: string;
  ariaLabel?: string;
  placeholder?: string;
}

/** Quiet time after the last edit before the expression is checked. */
export const CEL_CHECK_DELAY_MS = 300;

/** Marks value updates that come from the props, so they are not reported back as edits. */
const fromProps = Annotation.define<boolean>();

const theme = EditorView.theme({
  "&": {
    border: "1px solid var(--border)",
    borderRadius: "var(--radius)",
    background: "var(--panel)",
    color: "var(--text)",
    maxWidth: "100%",
  },
  "&.cm-focused": { outline: "2px solid var(--accent)", outlineOffset: "2px" },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", lineHeight: "1.45" },
  ".cm-content": { padding: "6px 0", fontSize: "0.9rem" },
  ".cm-line": { padding: "0 8px" },
  ".cm-placeholder": { color: "var(--muted)" },
  "&[aria-invalid='true'], &:has([aria-invalid='true'])": { borderColor: "var(--danger)" },
});

/** Newlines typed or pasted into a one-line field become spaces; text set from props is left alone. */
const oneLine = EditorState.transactionFilter.of((tr) => {
  if (!tr.docChanged || !tr.isUserEvent("input") || tr.newDoc.lines === 1) return tr;
  const changes: { from: number; to: number; insert: string }[] = [];
  const text = tr.newDoc.toString();
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1))
    changes.push({ from: i, to: i + 1, insert: " " });
  return [tr, { changes, sequential: true }];
});

const swallowEnter = Prec.highest(keymap.of([{ key: "Enter", run: () => true }]));

function readOnlyExtension(readOnly: boolean): Extension {
  return [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)];
}

function attributesExtension(
  props: Pick<CelInputProps, "id" | "ariaDescribedBy" | "ariaLabelledBy" | "ariaLabel" | "multiline">,
  errorId: string | undefined,
): Extension {
  const describedBy = [props.ariaDescribedBy, errorId].filter((s) => s !== undefined && s !== "").join(" ");
  const attrs: Record<string, string> = {
    id: props.id,
    "aria-multiline": props.multiline ? "true" : "false",
  };
  if (describedBy) attrs["aria-describedby"] = describedBy;
  if (props.ariaLabelledBy) attrs["aria-labelledby"] = props.ariaLabelledBy;
  if (props.ariaLabel) attrs["aria-label"] = props.ariaLabel;
  if (errorId) attrs["aria-invalid"] = "true";
  return [EditorView.contentAttributes.of(attrs), props.multiline ? [] : [swallowEnter, oneLine]];
}

/** The range to underline for an error: the word at its offset (at least one character), or everything. */
function diagnosticRange(text: string, offset: number | undefined): { from: number; to: number } {
  if (offset === undefined || !Number.isFinite(offset)) return { from: 0, to: text.length };
  const from = Math.max(0, Math.min(Math.trunc(offset), Math.max(0, text.length - 1)));
  const word = /^[A-Za-z0-9_]+/.exec(text.slice(from));
  return { from, to: Math.min(text.length, from + Math.max(1, word?.[0].length ?? 1)) };
}

/**
 * A one-field CodeMirror editor for a CEL expression, with highlighting and (when `check` is
 * given) the runtime's verdict: checked 300 ms after the last edit and once on mount, the first
 * error shown under the field and every error underlined. Answers to older text are dropped.
 */
export function CelInput(props: CelInputProps) {
  const { id, value, readOnly = false, multiline = false, placeholder, check } = props;
  const hostRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const onChangeRef = useRef(props.onChange);
  onChangeRef.current = props.onChange;
  const checkRef = useRef(check);
  checkRef.current = check;
  /** Bumped by every edit and check: an answer carrying an older number is stale. */
  const generationRef = useRef(0);
  const timerRef = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const scheduleRef = useRef<() => void>(() => {});
  const [problem, setProblem] = useState<CelCheckError | null>(null);
  const errorId = problem ? `${id}-cel-error` : undefined;

  const compartments = useRef({
    readOnly: new Compartment(),
    attributes: new Compartment(),
    placeholder: new Compartment(),
  }).current;

  scheduleRef.current = () => {
    generationRef.current += 1;
    clearTimeout(timerRef.current);
    const view = viewRef.current;
    if (!view) return;
    // Always on a timer: this runs inside editor updates, which must not dispatch.
    timerRef.current = setTimeout(() => {
      if (viewRef.current !== view) return;
      const expression = view.state.doc.toString();
      const generation = ++generationRef.current;
      const settle = (result: CelCheckResult | undefined) => {
        if (generation !== generationRef.current || viewRef.current !== view) return;
        const errors =
          result && !result.ok
            ? result.errors.length > 0
              ? result.errors
              : [{ message: "this expression is not valid" }]
            : [];
        setProblem(errors[0] ?? null);
        const diagnostics: Diagnostic[] = errors.map((e) => ({
          ...diagnosticRange(expression, e.offset),
          severity: "error",
          message: e.message,
        }));
        view.dispatch(setDiagnostics(view.state, diagnostics));
      };
      const current = checkRef.current;
      // Nothing to judge: an empty field is the form's business (required or not).
      if (!current || expression.trim() === "") return settle(undefined);
      // A checker that fails (network, server) says nothing about the expression: show nothing.
      current(expression).then(settle, () => settle(undefined));
    }, CEL_CHECK_DELAY_MS);
  };

  // The editor lives as long as the component; props reach it through compartments and refs.
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const view = new EditorView({
      parent: host,
      state: EditorState.create({
        doc: value,
        extensions: [
          cel(),
          history(),
          closeBrackets(),
          keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap]),
          EditorView.lineWrapping,
          theme,
          compartments.readOnly.of(readOnlyExtension(readOnly)),
          compartments.attributes.of(attributesExtension(props, undefined)),
          compartments.placeholder.of(placeholder ? placeholderExtension(placeholder) : []),
          EditorView.updateListener.of((update) => {
            if (!update.docChanged) return;
            const external = update.transactions.some((tr) => tr.annotation(fromProps));
            if (!external) onChangeRef.current(update.state.doc.toString());
            scheduleRef.current();
          }),
        ],
      }),
    });
    viewRef.current = view;
    return () => {
      clearTimeout(timerRef.current);
      generationRef.current += 1;
      viewRef.current = null;
      view.destroy();
    };
  }, []);

  // A value changed from outside (the YAML pane, undo elsewhere) replaces the text.
  useEffect(() => {
    const view = viewRef.current;
    if (!view) return;
    const current = view.state.doc.toString();
    if (current === value) return;
    view.dispatch({
      changes: { from: 0, to: current.length, insert: value },
      annotations: fromProps.of(true),
    });
  }, [value]);

  // Checks once on mount, and again when the checker changes (other variables in scope may
  // judge the same text differently).
  useEffect(() => {
    scheduleRef.current();
  }, [check]);

  useEffect(() => {
    viewRef.current?.dispatch({ effects: compartments.readOnly.reconfigure(readOnlyExtension(readOnly)) });
  }, [readOnly, compartments]);

  const { ariaDescribedBy, ariaLabelledBy, ariaLabel } = props;
  useEffect(() => {
    viewRef.current?.dispatch({
      effects: compartments.attributes.reconfigure(
        attributesExtension(
          {
            id,
            multiline,
            ...(ariaDescribedBy !== undefined ? { ariaDescribedBy } : {}),
            ...(ariaLabelledBy !== undefined ? { ariaLabelledBy } : {}),
            ...(ariaLabel !== undefined ? { ariaLabel } : {}),
          },
          errorId,
        ),
      ),
    });
  }, [id, multiline, ariaDescribedBy, ariaLabelledBy, ariaLabel, errorId, compartments]);

  useEffect(() => {
    viewRef.current?.dispatch({
      effects: compartments.placeholder.reconfigure(placeholder ? placeholderExtension(placeholder) : []),
    });
  }, [placeholder, compartments]);

  return (
    <div>
      <div ref={hostRef} data-cel-input={id} />
      {problem ? (
        <p id={`${id}-cel-error`} className="field-error" role="alert">
          {problem.message}
        </p>
      ) : null}
    </div>
  );
}
