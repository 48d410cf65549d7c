"use client";

import type { AppRouter } from "@octo/orchestrator/client";
import type { inferRouterOutputs } from "@trpc/server";
import { useState } from "react";
import { ConfirmDialog } from "../../ui/confirm.tsx";
import { Empty } from "../../ui/states.tsx";
import { CreateApiKeyDialog } from "./api-key-dialog.tsx";
import { type ApiKeyCreateInput, keyDisplay } from "./api-key-form.ts";

export type ApiKeySummary = inferRouterOutputs<AppRouter>["apiKeys"]["list"][number];

function When({ iso }: { iso: string }) {
  return <time dateTime={iso}>{new Date(iso).toLocaleDateString()}</time>;
}

/** The caller's own API keys: create (token shown once) and revoke. */
export function ApiKeysView({
  keys,
  canWrite,
  onCreate,
  onRevoke,
}: {
  keys: ApiKeySummary[];
  /** Whether the caller may write, i.e. may create write-scoped keys. */
  canWrite: boolean;
  onCreate: (input: ApiKeyCreateInput) => Promise<{ name: string; token: string }>;
  onRevoke: (id: string) => Promise<void>;
}) {
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKeySummary | undefined>(undefined);
  const [revokeBusy, setRevokeBusy] = useState(false);
  const [revokeError, setRevokeError] = useState<unknown>(null);
  const [status, setStatus] = useState("");

  async function revoke() {
    if (!revoking) return;
    setRevokeBusy(true);
    setRevokeError(null);
    try {
      await onRevoke(revoking.id);
      setStatus(`Revoked ${revoking.name}.`);
      setRevoking(undefined);
    } catch (e) {
      setRevokeError(e);
    } finally {
      setRevokeBusy(false);
    }
  }

  return (
    <>
      <div className="page-header">
        <h1>API keys</h1>
        <button
          type="button"
          className="primary"
          onClick={() => {
            setStatus("");
            setCreating(true);
          }}
        >
          New API key
        </button>
      </div>
      <p className="muted">
        Keys let scripts, CI and MCP clients call Octo as you, with the key's scope. Send one as{" "}
        <code>Authorization: Bearer &lt;key&gt;</code>. Revoked keys stop working at once and leave this list.
      </p>
      {status ? (
        <p role="status" className="note">
          {status}
        </p>
      ) : null}
      {keys.length === 0 ? (
        <Empty title="No API keys yet">
          <p>Create one to call the API from a script or an MCP client.</p>
        </Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scope</th>
                <th scope="col">Key</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="muted">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>
                    <span className="badge">{k.scope}</span>
                  </td>
                  <td>
                    <code>{keyDisplay(k.prefix, k.last4)}</code>
                  </td>
                  <td>
                    <When iso={k.createdAt} />
                  </td>
                  <td>
                    {k.expired ? (
                      <>
                        <span className="badge status-failed">expired</span>{" "}
                      </>
                    ) : null}
                    <When iso={k.expiresAt} />
                  </td>
                  <td>{k.lastUsedAt ? <When iso={k.lastUsedAt} /> : <span className="muted">never</span>}</td>
                  <td>
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Revoke ${k.name}`}
                      onClick={() => {
                        setRevokeError(null);
                        setRevoking(k);
                      }}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CreateApiKeyDialog
        open={creating}
        canWrite={canWrite}
        onCreate={onCreate}
        onClose={() => setCreating(false)}
      />
      <ConfirmDialog
        open={revoking !== undefined}
        title={`Revoke ${revoking?.name ?? "key"}?`}
        confirmLabel="Revoke"
        busy={revokeBusy}
        error={revokeError}
        onConfirm={revoke}
        onClose={() => setRevoking(undefined)}
      >
        <p>Any client using this key will stop working immediately. This cannot be undone.</p>
      </ConfirmDialog>
    </>
  );
}
