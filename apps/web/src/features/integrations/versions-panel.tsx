"use client";

import { type FormEvent, useId, useState } from "react";
import { Dialog, DialogActions } from "../../ui/dialog.tsx";
import { Empty, ErrorNote } from "../../ui/states.tsx";
import { formatWhen, requiredError } from "./forms.ts";
import styles from "./integrations.module.css";

export interface VersionRow {
  id: string;
  tag: string;
  createdAt: string;
}

/** The integration's tagged versions, newest first; writers tag and delete. */
export function VersionsPanel({
  versions,
  deployedVersionIds,
  canWrite,
  onTag,
  onDelete,
}: {
  versions: VersionRow[];
  /** Versions some deployment runs: the server refuses to delete those, so the button says why. */
  deployedVersionIds: ReadonlySet<string>;
  canWrite: boolean;
  onTag: () => void;
  onDelete: (version: VersionRow) => void;
}) {
  const titleId = useId();
  return (
    <section className="panel" aria-labelledby={titleId}>
      <div className={styles.panelHeader}>
        <h2 id={titleId}>Versions</h2>
        {canWrite ? (
          <button type="button" onClick={onTag}>
            Tag a version
          </button>
        ) : null}
      </div>
      <p className="field-hint">
        A version is a frozen copy of the saved definition; deployments run versions.
      </p>
      {versions.length === 0 ? (
        <Empty title="No versions yet">
          <p>{canWrite ? "Save the definition, then tag it to deploy it." : "Writers tag versions."}</p>
        </Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Tag</th>
                <th scope="col">Created</th>
                {canWrite ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => {
                const deployed = deployedVersionIds.has(v.id);
                return (
                  <tr key={v.id}>
                    <td>
                      <strong>{v.tag}</strong> {deployed ? <span className="badge">deployed</span> : null}
                    </td>
                    <td>{formatWhen(v.createdAt)}</td>
                    {canWrite ? (
                      <td>
                        <button
                          type="button"
                          className="danger"
                          aria-label={`Delete version ${v.tag}`}
                          disabled={deployed}
                          title={deployed ? "Deployed: undeploy it or roll its deployments first" : undefined}
                          onClick={() => onDelete(v)}
                        >
                          Delete
                        </button>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function TagForm({
  busy,
  error,
  onSubmit,
  onClose,
}: {
  busy: boolean;
  error: unknown;
  onSubmit: (tag: string) => void;
  onClose: () => void;
}) {
  const id = useId();
  const [tag, setTag] = useState("");
  const [tried, setTried] = useState(false);
  const problem = requiredError(tag);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!problem) onSubmit(tag.trim());
  };
  return (
    <form onSubmit={submit} noValidate>
      <label htmlFor={`${id}-tag`}>Tag</label>
      <input
        id={`${id}-tag`}
        value={tag}
        onChange={(e) => setTag(e.target.value)}
        placeholder="e.g. v1.0"
        aria-describedby={`${id}-hint`}
        aria-invalid={tried && problem !== undefined}
      />
      <p id={`${id}-hint`} className="field-hint">
        Tags the definition as last saved (unsaved edits are not included). Letters, digits, “.”, “-” and “_”;
        a tag cannot be reused.
      </p>
      {tried && problem ? <p className="field-error">Tag {problem}</p> : null}
      {error ? <ErrorNote error={error} /> : null}
      <DialogActions onCancel={onClose} label="Tag version" busyLabel="Tagging…" busy={busy} />
    </form>
  );
}

/** Tag the saved definition as a new version (versions.create). */
export function TagVersionDialog({
  open,
  busy = false,
  error,
  onSubmit,
  onClose,
}: {
  open: boolean;
  busy?: boolean;
  error?: unknown;
  onSubmit: (tag: string) => void;
  onClose: () => void;
}) {
  return (
    <Dialog open={open} title="Tag a version" onClose={onClose}>
      <TagForm busy={busy} error={error} onSubmit={onSubmit} onClose={onClose} />
    </Dialog>
  );
}
