"use client";

import { type FormEvent, useId, useState } from "react";
import { Dialog, DialogActions } from "../../ui/dialog.tsx";
import { ErrorNote } from "../../ui/states.tsx";
import type { FlatFolder } from "./folder-tree.ts";
import { requiredError } from "./forms.ts";

interface DialogState {
  open: boolean;
  busy?: boolean;
  /** The API's refusal, shown in the dialog. */
  error?: unknown;
  onClose: () => void;
}

const indent = (folder: FlatFolder) => `${"\u00a0\u00a0".repeat(folder.depth)}${folder.name}`;

function NameForm({
  label,
  initialName,
  submitLabel,
  busy,
  error,
  onSubmit,
  onClose,
}: {
  label: string;
  initialName: string;
  submitLabel: string;
  busy: boolean;
  error: unknown;
  onSubmit: (name: string) => void;
  onClose: () => void;
}) {
  const id = useId();
  const [name, setName] = useState(initialName);
  const [tried, setTried] = useState(false);
  const problem = requiredError(name);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!problem) onSubmit(name.trim());
  };
  const showProblem = tried && problem !== undefined;
  return (
    <form onSubmit={submit} noValidate>
      <label htmlFor={`${id}-name`}>{label}</label>
      <input
        id={`${id}-name`}
        value={name}
        onChange={(e) => setName(e.target.value)}
        aria-invalid={showProblem}
        aria-describedby={showProblem ? `${id}-error` : undefined}
      />
      {showProblem ? (
        <p id={`${id}-error`} className="field-error">
          {label} {problem}
        </p>
      ) : null}
      {error ? <ErrorNote error={error} /> : null}
      <div className="actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Saving…" : submitLabel}
        </button>
      </div>
    </form>
  );
}

/** Create or rename a folder: one name field. */
export function FolderNameDialog({
  open,
  title,
  initialName = "",
  submitLabel,
  busy = false,
  error,
  onSubmit,
  onClose,
}: DialogState & {
  title: string;
  initialName?: string;
  submitLabel: string;
  onSubmit: (name: string) => void;
}) {
  return (
    <Dialog open={open} title={title} onClose={onClose}>
      <NameForm
        label="Folder name"
        initialName={initialName}
        submitLabel={submitLabel}
        busy={busy}
        error={error}
        onSubmit={onSubmit}
        onClose={onClose}
      />
    </Dialog>
  );
}

const TOP_LEVEL = "";

function MoveForm({
  currentParentId,
  targets,
  busy,
  error,
  onSubmit,
  onClose,
}: {
  currentParentId: string | null;
  targets: FlatFolder[];
  busy: boolean;
  error: unknown;
  onSubmit: (parentId: string | null) => void;
  onClose: () => void;
}) {
  const id = useId();
  const [choice, setChoice] = useState(currentParentId ?? TOP_LEVEL);
  const unchanged = choice === (currentParentId ?? TOP_LEVEL);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!unchanged) onSubmit(choice === TOP_LEVEL ? null : choice);
  };
  return (
    <form onSubmit={submit}>
      <label htmlFor={`${id}-parent`}>New parent</label>
      <select id={`${id}-parent`} value={choice} onChange={(e) => setChoice(e.target.value)}>
        <option value={TOP_LEVEL}>Top level</option>
        {targets.map((f) => (
          <option key={f.id} value={f.id}>
            {indent(f)}
          </option>
        ))}
      </select>
      <p className="field-hint">
        A folder cannot move into itself or one of its subfolders. It goes last among its new siblings.
      </p>
      {error ? <ErrorNote error={error} /> : null}
      <DialogActions onCancel={onClose} label="Move" busyLabel="Moving…" busy={busy} disabled={unchanged} />
    </form>
  );
}

/** Move a folder under another one (its own subtree is not offered) or to the top level. */
export function MoveFolderDialog({
  open,
  folderName,
  currentParentId,
  targets,
  busy = false,
  error,
  onSubmit,
  onClose,
}: DialogState & {
  folderName: string;
  currentParentId: string | null;
  targets: FlatFolder[];
  onSubmit: (parentId: string | null) => void;
}) {
  return (
    <Dialog open={open} title={`Move “${folderName}”`} onClose={onClose}>
      <MoveForm
        currentParentId={currentParentId}
        targets={targets}
        busy={busy}
        error={error}
        onSubmit={onSubmit}
        onClose={onClose}
      />
    </Dialog>
  );
}

function FileForm({
  folders,
  busy,
  error,
  onSubmit,
  onClose,
}: {
  folders: FlatFolder[];
  busy: boolean;
  error: unknown;
  onSubmit: (folderId: string) => void;
  onClose: () => void;
}) {
  const id = useId();
  const [folderId, setFolderId] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (folderId) onSubmit(folderId);
  };
  if (folders.length === 0)
    return (
      <>
        <p>There are no folders yet. Create one in the folder tree first.</p>
        <div className="actions">
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </>
    );
  return (
    <form onSubmit={submit}>
      <label htmlFor={`${id}-folder`}>Folder</label>
      <select id={`${id}-folder`} value={folderId} onChange={(e) => setFolderId(e.target.value)}>
        <option value="">Choose a folder…</option>
        {folders.map((f) => (
          <option key={f.id} value={f.id}>
            {indent(f)}
          </option>
        ))}
      </select>
      <p className="field-hint">An integration is in one folder at most: this moves it out of any other.</p>
      {error ? <ErrorNote error={error} /> : null}
      <DialogActions
        onCancel={onClose}
        label="File here"
        busyLabel="Filing…"
        busy={busy}
        disabled={folderId === ""}
      />
    </form>
  );
}

/** File an integration into a folder (folders.members.put). */
export function FileIntegrationDialog({
  open,
  integrationName,
  folders,
  busy = false,
  error,
  onSubmit,
  onClose,
}: DialogState & {
  integrationName: string;
  folders: FlatFolder[];
  onSubmit: (folderId: string) => void;
}) {
  return (
    <Dialog open={open} title={`Put “${integrationName}” in a folder`} onClose={onClose}>
      <FileForm folders={folders} busy={busy} error={error} onSubmit={onSubmit} onClose={onClose} />
    </Dialog>
  );
}
