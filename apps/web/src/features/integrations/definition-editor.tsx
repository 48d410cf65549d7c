"use client";

import { type FormEvent, useId, useState } from "react";
import { ErrorNote } from "../../ui/states.tsx";
import styles from "./integrations.module.css";

/**
 * The integration's definition as plain YAML text. Kept as its own component with a narrow
 * contract (definition in, onSave out) so the visual editor can replace it without touching the page.
 */
export function DefinitionEditor({
  definition,
  canWrite,
  busy = false,
  error,
  onSave,
}: {
  definition: string;
  canWrite: boolean;
  busy?: boolean;
  /** The server's refusal (e.g. a validation message), shown as its message. */
  error?: unknown;
  onSave: (definition: string) => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState(definition);
  const [saved, setSaved] = useState(definition);
  // A new saved definition (after a save, or someone else's) replaces the draft unless it has unsaved edits.
  if (definition !== saved) {
    setSaved(definition);
    if (draft === saved) setDraft(definition);
  }
  const dirty = draft !== definition;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (dirty) onSave(draft);
  };
  return (
    <form onSubmit={submit}>
      <label htmlFor={`${id}-yaml`}>Definition (YAML)</label>
      <textarea
        id={`${id}-yaml`}
        className={styles.definition}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        readOnly={!canWrite}
        spellCheck={false}
        rows={18}
        aria-describedby={`${id}-note`}
      />
      <p id={`${id}-note`} className="field-hint">
        A quick text edit of the definition; the editor adds the canvas, validation as you type and RUN.
        {canWrite ? "" : " Read-only: your role cannot change integrations."}
      </p>
      {error ? <ErrorNote error={error} /> : null}
      {canWrite ? (
        <div className="actions">
          {dirty ? (
            <button type="button" onClick={() => setDraft(definition)} disabled={busy}>
              Discard changes
            </button>
          ) : null}
          <button type="submit" className="primary" disabled={busy || !dirty}>
            {busy ? "Saving…" : dirty ? "Save definition" : "Saved"}
          </button>
        </div>
      ) : null}
    </form>
  );
}
