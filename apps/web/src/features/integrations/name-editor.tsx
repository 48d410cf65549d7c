"use client";

import { type FormEvent, type KeyboardEvent, useId, useState } from "react";
import { ErrorNote } from "../../ui/states.tsx";
import { requiredError } from "./forms.ts";
import styles from "./integrations.module.css";

/** The integration's name as the page title; writers rename it in place (Enter saves, Escape cancels). */
export function NameEditor({
  name,
  canWrite,
  busy = false,
  error,
  onRename,
  onCancel,
}: {
  name: string;
  canWrite: boolean;
  busy?: boolean;
  error?: unknown;
  onRename: (name: string) => void;
  /** Leaving the editor (clears a shown error). */
  onCancel?: () => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const editing = draft !== null;
  const problem = editing ? requiredError(draft) : undefined;
  const stop = () => {
    setDraft(null);
    onCancel?.();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft === null || problem) return;
    if (draft.trim() === name) return stop();
    onRename(draft.trim());
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Escape") {
      event.preventDefault();
      stop();
    }
  };
  if (!editing)
    return (
      <div className={styles.nameRow}>
        <h1>{name}</h1>
        {canWrite ? (
          <button type="button" className="ghost" onClick={() => setDraft(name)}>
            Rename
          </button>
        ) : null}
      </div>
    );
  return (
    <form onSubmit={submit} noValidate>
      <label htmlFor={`${id}-name`} className="muted">
        Integration name
      </label>
      <div className={styles.nameRow}>
        <input
          id={`${id}-name`}
          className={styles.nameInput}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
          aria-invalid={problem !== undefined}
          // The user asked to rename: the field takes focus at once.
          // biome-ignore lint/a11y/noAutofocus: focus follows the user's own "Rename" click
          autoFocus
        />
        <button type="submit" className="primary" disabled={busy || problem !== undefined}>
          {busy ? "Saving…" : "Save name"}
        </button>
        <button type="button" onClick={stop}>
          Cancel
        </button>
      </div>
      {problem ? <p className="field-error">Name {problem}</p> : null}
      {error ? <ErrorNote error={error} /> : null}
    </form>
  );
}
