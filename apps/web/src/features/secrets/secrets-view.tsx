"use client";

import type { AppRouter } from "@octo/orchestrator/client";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState } from "react";
import { ConfirmDialog } from "../../ui/confirm.tsx";
import { Empty } from "../../ui/states.tsx";
import { SecretDialog, type SecretInput } from "./secret-dialog.tsx";
import {
  afterDelete,
  type DeleteFlow,
  deleteRequest,
  type SecretDialogMode,
  type SecretUser,
  startDelete,
} from "./secret-form.ts";
import styles from "./secrets.module.css";

export type SecretSummary = inferRouterOutputs<AppRouter>["secrets"]["list"][number];
export type SecretDeleteResult = inferRouterOutputs<AppRouter>["secrets"]["delete"];
export type { SecretInput };

function When({ iso }: { iso: string }) {
  return <time dateTime={iso}>{new Date(iso).toLocaleString()}</time>;
}

function DeploymentLinks({
  deployments,
  className,
}: {
  deployments: readonly SecretUser[];
  className: string | undefined;
}) {
  return (
    <ul className={className}>
      {deployments.map((d) => (
        <li key={d.id}>
          <Link href={`/deployments/${d.id}`}>{d.name}</Link>
        </li>
      ))}
    </ul>
  );
}

function InUseWarning({ name, usedBy }: { name: string; usedBy: readonly SecretUser[] }) {
  return (
    <div className="note note-warn" role="alert">
      <p>
        <code>{name}</code> is in use by{" "}
        {usedBy.length === 0
          ? "one or more deployments."
          : usedBy.length === 1
            ? "this deployment:"
            : `these ${usedBy.length} deployments:`}
      </p>
      {usedBy.length > 0 ? <DeploymentLinks deployments={usedBy} className={styles.warnList} /> : null}
      <p>
        Deleting it anyway leaves them running, but their next rollout fails until the secret is set again.
      </p>
    </div>
  );
}

/**
 * The secrets list with its create / set-value / delete dialogs. Admins get the write controls;
 * everyone else sees the list read-only (the orchestrator refuses their writes anyway).
 */
export function SecretsView({
  secrets,
  canAdmin,
  onSave,
  onDelete,
  onInUse,
}: {
  secrets: SecretSummary[];
  canAdmin: boolean;
  onSave: (input: SecretInput) => Promise<void>;
  onDelete: (input: { name: string; force: boolean }) => Promise<SecretDeleteResult>;
  /** Called when the orchestrator answers that a secret is in use: the list is stale, read it again. */
  onInUse?: () => void;
}) {
  const [dialog, setDialog] = useState<SecretDialogMode | undefined>(undefined);
  const [flow, setFlow] = useState<DeleteFlow>({ step: "closed" });
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const [status, setStatus] = useState("");
  const names = secrets.map((s) => s.name);

  function openDelete(secret: SecretSummary) {
    setDeleteError(null);
    setFlow(startDelete(secret));
  }

  function closeDelete() {
    setDeleteError(null);
    setFlow({ step: "closed" });
  }

  async function confirmDelete() {
    const request = deleteRequest(flow);
    if (!request) return;
    setDeleting(true);
    setDeleteError(null);
    try {
      const result = await onDelete(request);
      setFlow(afterDelete(flow, { ok: true }));
      const bound = result.stillBoundBy.length;
      setStatus(
        bound > 0
          ? `Deleted ${result.name}. ${bound === 1 ? "1 deployment still references" : `${bound} deployments still reference`} it: their next rollout fails until it is set again.`
          : `Deleted ${result.name}.`,
      );
    } catch (e) {
      const next = afterDelete(flow, { ok: false, error: e });
      setFlow(next);
      if (next.step === "in-use" && flow.step === "confirm") onInUse?.();
      else setDeleteError(e);
    } finally {
      setDeleting(false);
    }
  }

  return (
    <>
      <div className="page-header">
        <h1>Secrets</h1>
        {canAdmin ? (
          <button
            type="button"
            className="primary"
            onClick={() => {
              setStatus("");
              setDialog({ kind: "create" });
            }}
          >
            New secret
          </button>
        ) : null}
      </div>
      <p className="muted">
        Deployments bind secrets by name to environment variables. Values are write-only: they are never
        shown, logged or audited.
      </p>
      {canAdmin ? null : <p className="muted">Only administrators can create, change or delete secrets.</p>}
      {status ? (
        <p role="status" className="note">
          {status}
        </p>
      ) : null}
      {secrets.length === 0 ? (
        <Empty title="No secrets yet">
          {canAdmin ? <p>Create one to pass credentials to deployments.</p> : null}
        </Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Created</th>
                <th scope="col">Last updated</th>
                <th scope="col">Used by</th>
                {canAdmin ? (
                  <th scope="col">
                    <span className="muted">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {secrets.map((s) => (
                <tr key={s.name}>
                  <td>
                    <code>{s.name}</code>
                  </td>
                  <td>
                    <When iso={s.createdAt} />
                  </td>
                  <td>
                    <When iso={s.lastUpdated} />
                  </td>
                  <td>
                    {s.usedBy.length === 0 ? (
                      <span className="muted">—</span>
                    ) : (
                      <DeploymentLinks deployments={s.usedBy} className={styles.usedBy} />
                    )}
                  </td>
                  {canAdmin ? (
                    <td>
                      <div className={styles.rowActions}>
                        <button
                          type="button"
                          aria-label={`Set value of ${s.name}`}
                          onClick={() => {
                            setStatus("");
                            setDialog({ kind: "update", name: s.name });
                          }}
                        >
                          Set value
                        </button>
                        <button
                          type="button"
                          className="danger"
                          aria-label={`Delete ${s.name}`}
                          onClick={() => openDelete(s)}
                        >
                          Delete
                        </button>
                      </div>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canAdmin ? (
        <>
          <SecretDialog
            mode={dialog}
            existingNames={names}
            onSave={onSave}
            onSaved={(name) => {
              setDialog(undefined);
              setStatus(`Saved ${name}. Its value is write-only and will not be shown.`);
            }}
            onClose={() => setDialog(undefined)}
          />
          <ConfirmDialog
            open={flow.step !== "closed"}
            title={
              flow.step === "in-use" ? `${flow.name} is in use` : `Delete ${"name" in flow ? flow.name : ""}?`
            }
            confirmLabel={flow.step === "in-use" ? "Delete anyway" : "Delete"}
            busy={deleting}
            error={deleteError}
            onConfirm={confirmDelete}
            onClose={closeDelete}
          >
            {flow.step === "in-use" ? (
              <InUseWarning
                name={flow.name}
                usedBy={secrets.find((s) => s.name === flow.name)?.usedBy ?? []}
              />
            ) : (
              <p>No deployment binds this secret. Its value cannot be recovered.</p>
            )}
          </ConfirmDialog>
        </>
      ) : null}
    </>
  );
}
