"use client";

import { type FormEvent, useId, useState } from "react";
import { Dialog, DialogActions } from "../../ui/dialog.tsx";
import { ErrorNote } from "../../ui/states.tsx";
import {
  canSaveSecret,
  normalizeSecretName,
  SECRET_NAME_HINT,
  SECRET_NAME_MAX,
  type SecretDialogMode,
  secretNameProblem,
} from "./secret-form.ts";

export interface SecretInput {
  name: string;
  value: string;
}

/**
 * The value field is uncontrolled on purpose: the value never enters React state (nor the input's
 * value attribute, which React mirrors for controlled inputs); it is read once on submit and the
 * field is emptied as soon as the save succeeds.
 */
function SecretForm({
  mode,
  existingNames,
  onSave,
  onSaved,
  onCancel,
}: {
  mode: SecretDialogMode;
  existingNames: readonly string[];
  onSave: (input: SecretInput) => Promise<void>;
  onSaved: (name: string) => void;
  onCancel: () => void;
}) {
  const ids = { name: useId(), nameHint: useId(), value: useId(), valueHint: useId(), multiline: useId() };
  const [name, setName] = useState(mode.kind === "update" ? mode.name : "");
  const [hasValue, setHasValue] = useState(false);
  const [multiline, setMultiline] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const nameProblem =
    mode.kind === "create" && name !== "" ? secretNameProblem(name, existingNames) : undefined;
  const canSave = !busy && canSaveSecret(mode, name, hasValue, existingNames);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const field = event.currentTarget.elements.namedItem("value") as
      | HTMLInputElement
      | HTMLTextAreaElement
      | null;
    if (!field || !canSave) return;
    setBusy(true);
    setError(null);
    try {
      await onSave({ name, value: field.value });
    } catch (e) {
      setError(e);
      setBusy(false);
      return;
    }
    field.value = "";
    setHasValue(false);
    setBusy(false);
    onSaved(name);
  }

  const valueProps = {
    id: ids.value,
    name: "value",
    autoComplete: "off",
    spellCheck: false,
    required: true,
    "aria-describedby": ids.valueHint,
    onChange: (e: { currentTarget: { value: string } }) => setHasValue(e.currentTarget.value !== ""),
  };

  return (
    <form onSubmit={submit} noValidate>
      {mode.kind === "create" ? (
        <>
          <label htmlFor={ids.name}>Name</label>
          <input
            id={ids.name}
            value={name}
            maxLength={SECRET_NAME_MAX}
            autoComplete="off"
            spellCheck={false}
            required
            aria-invalid={nameProblem !== undefined}
            aria-describedby={ids.nameHint}
            onChange={(e) => setName(normalizeSecretName(e.currentTarget.value))}
          />
          <p id={ids.nameHint} className={nameProblem ? "field-error" : "field-hint"}>
            {nameProblem ? `Name ${nameProblem}. ` : null}
            {SECRET_NAME_HINT}
          </p>
        </>
      ) : (
        <p>
          Secret <code>{mode.name}</code>
        </p>
      )}
      <label htmlFor={ids.value}>{mode.kind === "create" ? "Value" : "New value"}</label>
      {multiline ? <textarea rows={6} {...valueProps} /> : <input type="password" {...valueProps} />}
      <p id={ids.valueHint} className="field-hint">
        {mode.kind === "create"
          ? "Write-only: once saved, the value is never shown again."
          : "The current value is never shown; what you enter replaces it."}
      </p>
      <label htmlFor={ids.multiline}>
        <input
          id={ids.multiline}
          type="checkbox"
          checked={multiline}
          onChange={(e) => {
            // Switching fields starts the value over rather than copying it around.
            setMultiline(e.currentTarget.checked);
            setHasValue(false);
          }}
        />{" "}
        Multi-line value (e.g. a PEM key; visible while you type)
      </label>
      {error ? <ErrorNote error={error} /> : null}
      <DialogActions onCancel={onCancel} label="Save" busyLabel="Saving…" busy={busy} disabled={!canSave} />
    </form>
  );
}

/** Create a secret or replace a secret's value; closing it drops whatever was typed. */
export function SecretDialog({
  mode,
  existingNames,
  onSave,
  onSaved,
  onClose,
}: {
  /** undefined: closed. */
  mode: SecretDialogMode | undefined;
  existingNames: readonly string[];
  onSave: (input: SecretInput) => Promise<void>;
  onSaved: (name: string) => void;
  onClose: () => void;
}) {
  return (
    <Dialog
      open={mode !== undefined}
      title={mode?.kind === "update" ? `Set value of ${mode.name}` : "New secret"}
      onClose={onClose}
    >
      {mode ? (
        <SecretForm
          key={mode.kind === "update" ? `update:${mode.name}` : "create"}
          mode={mode}
          existingNames={existingNames}
          onSave={onSave}
          onSaved={onSaved}
          onCancel={onClose}
        />
      ) : null}
    </Dialog>
  );
}
