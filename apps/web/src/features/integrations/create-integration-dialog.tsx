"use client";

import { type FormEvent, useId, useState } from "react";
import { Dialog, DialogActions } from "../../ui/dialog.tsx";
import { ErrorNote } from "../../ui/states.tsx";
import { type CreateIntegrationPayload, createIntegrationPayload, requiredError } from "./forms.ts";

function CreateForm({
  busy,
  error,
  onSubmit,
  onClose,
}: {
  busy: boolean;
  error: unknown;
  onSubmit: (payload: CreateIntegrationPayload) => void;
  onClose: () => void;
}) {
  const id = useId();
  const [name, setName] = useState("");
  const [definition, setDefinition] = useState("");
  const [tried, setTried] = useState(false);
  const problem = requiredError(name);
  const showProblem = tried && problem !== undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!problem) onSubmit(createIntegrationPayload({ name, definition }));
  };
  return (
    <form onSubmit={submit} noValidate>
      <label htmlFor={`${id}-name`}>Name</label>
      <input
        id={`${id}-name`}
        value={name}
        onChange={(e) => setName(e.target.value)}
        aria-invalid={showProblem}
        aria-describedby={showProblem ? `${id}-name-error` : undefined}
      />
      {showProblem ? (
        <p id={`${id}-name-error`} className="field-error">
          Name {problem}
        </p>
      ) : null}
      <label htmlFor={`${id}-definition`}>Starting definition (YAML, optional)</label>
      <textarea
        id={`${id}-definition`}
        rows={8}
        value={definition}
        onChange={(e) => setDefinition(e.target.value)}
        spellCheck={false}
        aria-describedby={`${id}-definition-hint`}
      />
      <p id={`${id}-definition-hint`} className="field-hint">
        Leave it empty to start from a blank definition; you can edit it on the integration's page.
      </p>
      {error ? <ErrorNote error={error} /> : null}
      <DialogActions onCancel={onClose} label="Create integration" busyLabel="Creating…" busy={busy} />
    </form>
  );
}

/** New integration: a name and, optionally, a starting YAML definition. */
export function CreateIntegrationDialog({
  open,
  busy = false,
  error,
  onSubmit,
  onClose,
}: {
  open: boolean;
  busy?: boolean;
  error?: unknown;
  onSubmit: (payload: CreateIntegrationPayload) => void;
  onClose: () => void;
}) {
  return (
    <Dialog open={open} title="New integration" onClose={onClose}>
      <CreateForm busy={busy} error={error} onSubmit={onSubmit} onClose={onClose} />
    </Dialog>
  );
}
