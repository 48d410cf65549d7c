"use client";

import { type FormEvent, useId, useState } from "react";
import { Dialog, DialogActions } from "../../ui/dialog.tsx";
import { ErrorNote } from "../../ui/states.tsx";
import {
  API_KEY_NAME_MAX,
  type ApiKeyCreateInput,
  type ApiKeyScope,
  apiKeyCreateInput,
  DEFAULT_EXPIRY_DAYS,
  EXPIRY_CHOICES,
  scopesOffered,
} from "./api-key-form.ts";

const SCOPE_LABELS: Record<ApiKeyScope, string> = {
  read: "Read: list and inspect",
  write: "Write: also change integrations and deployments",
};

function TokenOnce({ name, token, onDone }: { name: string; token: string; onDone: () => void }) {
  const [copyNote, setCopyNote] = useState("");
  const clipboard = typeof navigator === "undefined" ? undefined : navigator.clipboard;
  async function copy() {
    try {
      await clipboard?.writeText(token);
      setCopyNote("Copied to the clipboard.");
    } catch {
      setCopyNote("Could not copy: select the key and copy it by hand.");
    }
  }
  return (
    <>
      <p>
        Key <strong>{name}</strong> created. Send it as <code>Authorization: Bearer &lt;key&gt;</code>.
      </p>
      <p className="secret-once">
        <code>{token}</code>
      </p>
      <div className="note note-warn" role="alert">
        Copy it now: it will not be shown again. Only its first and last characters are kept.
      </div>
      <p role="status" className="field-hint">
        {copyNote}
      </p>
      <div className="actions">
        {clipboard ? (
          <button type="button" onClick={copy}>
            Copy
          </button>
        ) : null}
        <button type="button" className="primary" onClick={onDone}>
          Done
        </button>
      </div>
    </>
  );
}

function CreateForm({
  canWrite,
  onCreate,
  onCancel,
}: {
  canWrite: boolean;
  onCreate: (input: ApiKeyCreateInput) => Promise<void>;
  onCancel: () => void;
}) {
  const ids = { name: useId(), scope: useId(), expiry: useId(), expiryHint: useId() };
  const [name, setName] = useState("");
  const [scope, setScope] = useState<ApiKeyScope>("read");
  const [expiryDays, setExpiryDays] = useState<number>(DEFAULT_EXPIRY_DAYS);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const input = apiKeyCreateInput({ name, scope, expiryDays }, canWrite);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!input || busy) return;
    setBusy(true);
    setError(null);
    try {
      // On success this form is replaced by the token, so only a failure needs its state back.
      await onCreate(input);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      <label htmlFor={ids.name}>Name</label>
      <input
        id={ids.name}
        value={name}
        maxLength={API_KEY_NAME_MAX}
        required
        autoComplete="off"
        placeholder="e.g. CI pipeline"
        onChange={(e) => setName(e.currentTarget.value)}
      />
      <label htmlFor={ids.scope}>Scope</label>
      <select id={ids.scope} value={scope} onChange={(e) => setScope(e.currentTarget.value as ApiKeyScope)}>
        {scopesOffered(canWrite).map((s) => (
          <option key={s} value={s}>
            {SCOPE_LABELS[s]}
          </option>
        ))}
      </select>
      {canWrite ? null : <p className="field-hint">You may not write, so you may only create read keys.</p>}
      <label htmlFor={ids.expiry}>Expires in</label>
      <select
        id={ids.expiry}
        value={expiryDays}
        aria-describedby={ids.expiryHint}
        onChange={(e) => setExpiryDays(Number(e.currentTarget.value))}
      >
        {EXPIRY_CHOICES.map((c) => (
          <option key={c.days} value={c.days}>
            {c.label}
          </option>
        ))}
      </select>
      <p id={ids.expiryHint} className="field-hint">
        An expired key stops working; create a new one then.
      </p>
      {error ? <ErrorNote error={error} /> : null}
      <DialogActions
        onCancel={onCancel}
        label="Create key"
        busyLabel="Creating…"
        busy={busy}
        disabled={!input}
      />
    </form>
  );
}

/**
 * Creates a key and shows its token once. The token lives only in this dialog's state: closing the
 * dialog unmounts it, and nothing else keeps it.
 */
function CreateApiKeyContent({
  canWrite,
  onCreate,
  onClose,
}: {
  canWrite: boolean;
  onCreate: (input: ApiKeyCreateInput) => Promise<{ name: string; token: string }>;
  onClose: () => void;
}) {
  const [created, setCreated] = useState<{ name: string; token: string } | undefined>(undefined);
  if (created) return <TokenOnce name={created.name} token={created.token} onDone={onClose} />;
  return (
    <CreateForm
      canWrite={canWrite}
      onCreate={async (input) => {
        const key = await onCreate(input);
        setCreated({ name: key.name, token: key.token });
      }}
      onCancel={onClose}
    />
  );
}

export function CreateApiKeyDialog({
  open,
  canWrite,
  onCreate,
  onClose,
}: {
  open: boolean;
  canWrite: boolean;
  onCreate: (input: ApiKeyCreateInput) => Promise<{ name: string; token: string }>;
  onClose: () => void;
}) {
  return (
    <Dialog open={open} title="New API key" onClose={onClose}>
      {open ? <CreateApiKeyContent canWrite={canWrite} onCreate={onCreate} onClose={onClose} /> : null}
    </Dialog>
  );
}
