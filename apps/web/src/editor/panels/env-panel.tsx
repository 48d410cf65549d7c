"use client";

import { useId } from "react";
import type { EnvVarInput } from "../model/edits.ts";

/**
 * The document's `env:` declarations: name, default, required, secret. Values for runs are not
 * here (they are per browser, in the run panel's Dev .env); this edits the declarations only.
 */
export function EnvPanel({
  vars,
  readOnly,
  onChange,
}: {
  vars: readonly EnvVarInput[];
  readOnly: boolean;
  onChange: (vars: EnvVarInput[]) => void;
}) {
  const id = useId();
  const update = (i: number, patch: Partial<EnvVarInput>) =>
    onChange(vars.map((v, j) => (j === i ? dropEmpty({ ...v, ...patch }) : v)));
  return (
    <section aria-label="Environment">
      <h2>Environment</h2>
      {vars.length === 0 ? <p className="muted">No env vars declared.</p> : null}
      {vars.map((v, i) => (
        <fieldset key={`${id}-${i}`} className="env-row" disabled={readOnly}>
          <legend className="sr-only">{v.name || "new variable"}</legend>
          <label htmlFor={`${id}-${i}-name`}>Name</label>
          <input
            id={`${id}-${i}-name`}
            value={v.name}
            onChange={(e) => update(i, { name: e.target.value.toUpperCase().replace(/[^A-Z0-9_]/g, "_") })}
          />
          <label htmlFor={`${id}-${i}-default`}>Default</label>
          <input
            id={`${id}-${i}-default`}
            value={v.default === undefined ? "" : String(v.default)}
            onChange={(e) => update(i, { default: e.target.value })}
          />
          <label className="inline">
            <input
              type="checkbox"
              checked={v.required === true}
              onChange={(e) => update(i, { required: e.target.checked })}
            />{" "}
            required
          </label>
          <label className="inline">
            <input
              type="checkbox"
              checked={v.secret === true}
              onChange={(e) => update(i, { secret: e.target.checked })}
            />{" "}
            secret
          </label>
          <button type="button" className="ghost" onClick={() => onChange(vars.filter((_, j) => j !== i))}>
            Remove
          </button>
        </fieldset>
      ))}
      {readOnly ? null : (
        <button type="button" onClick={() => onChange([...vars, { name: `VAR_${vars.length + 1}` }])}>
          Add env var
        </button>
      )}
    </section>
  );
}

/** false and "" mean "not set": the YAML keeps only what says something. */
function dropEmpty(v: EnvVarInput): EnvVarInput {
  return {
    name: v.name,
    ...(v.required ? { required: true } : {}),
    ...(v.secret ? { secret: true } : {}),
    ...(v.default !== undefined && v.default !== "" ? { default: v.default } : {}),
    ...(v.description ? { description: v.description } : {}),
  };
}
