"use client";

import { useId } from "react";
import type { Path } from "../model/document.ts";
import type { ScopeAction } from "../session/scope-actions.ts";
import type { SettingsTarget } from "../session/selection.ts";
import { type SettingsContext, SettingsForm } from "../settings/settings-form.tsx";

/**
 * The right-hand panel: the form generated from the runtime's schema for what is selected, its
 * name, and a way to remove it. Every change goes back as a value for the document to apply.
 */
export interface SourceOption {
  label: string;
  connector: string;
  type?: string;
}

function sourceKey(s: { connector?: string; type?: string } | undefined): string {
  return s ? `${s.connector ?? ""}/${s.type ?? ""}` : "";
}

export function SettingsPanel({
  target,
  context,
  readOnly,
  onChange,
  onRename,
  onRenameFlow,
  sourceOptions,
  onSetSource,
  scopeActions,
  onScopeAction,
  fieldErrors,
  onClose,
}: {
  target: SettingsTarget;
  context: SettingsContext;
  readOnly: boolean;
  onChange: (
    valuePath: Path,
    before: Record<string, unknown>,
    after: Record<string, unknown>,
    keys?: readonly string[],
  ) => void;
  onRename: (namePath: Path, name: string) => void;
  onRenameFlow: (from: string, to: string) => void;
  /** What can start a flow: declared connectors with a source, and connectors that need no instance (cron). */
  sourceOptions: readonly SourceOption[];
  onSetSource: (flowPath: Path, source: SourceOption | undefined) => void;
  /** Branches to add or remove here (an else, a case, an error lane). */
  scopeActions: readonly ScopeAction[];
  onScopeAction: (action: ScopeAction) => void;
  /** The runtime's problems on this form's fields, by key. */
  fieldErrors?: Readonly<Record<string, string>>;
  onClose: () => void;
}) {
  const id = useId();
  if (target.kind === "none") {
    return (
      <section aria-label="Settings" className="muted">
        <h2>Settings</h2>
        <p>Select a step, a source or a connector on the canvas to edit it here.</p>
      </section>
    );
  }
  if (target.kind === "flow") {
    return (
      <section aria-label="Settings">
        <header className="panel-title">
          <h2>Flow</h2>
          <button type="button" className="ghost" aria-label="Close settings" onClick={onClose}>
            ×
          </button>
        </header>
        <label htmlFor={`${id}-flow`}>Name</label>
        <input
          id={`${id}-flow`}
          defaultValue={target.name ?? ""}
          key={target.name ?? ""}
          disabled={readOnly}
          onBlur={(e) => {
            const to = e.target.value.trim();
            if (target.name && to && to !== target.name) onRenameFlow(target.name, to);
          }}
        />
        <p className="field-hint">flow-ref steps name flows by this; renaming updates them.</p>
        <label htmlFor={`${id}-source`}>Source</label>
        <select
          id={`${id}-source`}
          disabled={readOnly}
          value={sourceKey(target.source)}
          onChange={(e) =>
            onSetSource(
              target.path,
              sourceOptions.find((o) => sourceKey(o) === e.target.value),
            )
          }
        >
          <option value="">none (called by flow-ref or invoke)</option>
          {sourceOptions.map((o) => (
            <option key={sourceKey(o)} value={sourceKey(o)}>
              {o.label}
            </option>
          ))}
          {target.source && !sourceOptions.some((o) => sourceKey(o) === sourceKey(target.source)) ? (
            <option
              value={sourceKey(target.source)}
            >{`(missing) ${target.source.connector ?? target.source.type}`}</option>
          ) : null}
        </select>
        <p className="field-hint">Select the source on the canvas to edit its settings (path, schedule …).</p>
        <ScopeButtons actions={scopeActions} readOnly={readOnly} onAction={onScopeAction} />
      </section>
    );
  }
  return (
    <section aria-label="Settings">
      <header className="panel-title">
        <h2>{target.title}</h2>
        <button type="button" className="ghost" aria-label="Close settings" onClick={onClose}>
          ×
        </button>
      </header>
      {target.description ? <p className="field-hint">{target.description}</p> : null}
      {target.namePath ? (
        <>
          <label htmlFor={`${id}-name`}>{target.kind === "connector" ? "Name" : "Step name"}</label>
          <input
            id={`${id}-name`}
            defaultValue={target.name ?? ""}
            key={`${JSON.stringify(target.namePath)}:${target.name ?? ""}`}
            disabled={readOnly}
            onBlur={(e) => {
              const name = e.target.value.trim();
              if (name !== (target.name ?? "") && target.namePath) onRename(target.namePath, name);
            }}
          />
        </>
      ) : null}
      <SettingsForm
        idPrefix={`${id}-f`}
        schema={target.schema}
        value={target.value}
        context={context}
        readOnly={readOnly}
        {...(fieldErrors ? { errors: fieldErrors } : {})}
        onChange={(after) => onChange(target.valuePath, target.value, after, target.keys)}
      />
      <ScopeButtons actions={scopeActions} readOnly={readOnly} onAction={onScopeAction} />
    </section>
  );
}

function ScopeButtons({
  actions,
  readOnly,
  onAction,
}: {
  actions: readonly ScopeAction[];
  readOnly: boolean;
  onAction: (action: ScopeAction) => void;
}) {
  if (actions.length === 0) return null;
  return (
    <div className="actions actions-start">
      {actions.map((a) => (
        <button
          key={a.label}
          type="button"
          disabled={readOnly || a.blocked !== undefined}
          title={a.blocked}
          onClick={() => onAction(a)}
        >
          {a.label}
        </button>
      ))}
    </div>
  );
}
