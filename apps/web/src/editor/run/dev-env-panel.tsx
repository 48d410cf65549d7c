"use client";

import { useId, useLayoutEffect, useRef, useState } from "react";
import { Empty } from "../../ui/states.tsx";
import styles from "./run.module.css";
import type { DeclaredEnvVar, DevEnvValues } from "./run-model.ts";

export interface DevEnvPanelProps {
  declared: readonly DeclaredEnvVar[];
  values: DevEnvValues;
  canWrite: boolean;
  /** The browser refused to store the last change. */
  saveFailed?: boolean;
  onChange(name: string, value: string): void;
}

/** The dev .env: a value per declared env var, kept in this browser only. */
export function DevEnvPanel({ declared, values, canWrite, saveFailed = false, onChange }: DevEnvPanelProps) {
  return (
    <div>
      <p className="note">
        These values stay in this browser only (its localStorage). They are sent only with RUN and Invoke,
        only for the env vars declared here, and blank values are left out. A live run keeps the values it
        started with: stop it and run again after a change.
      </p>
      {saveFailed ? (
        <p className="note note-warn" role="alert">
          This browser did not store the values; they last only until the page is closed.
        </p>
      ) : null}
      {declared.length === 0 ? (
        <Empty title="No env vars declared">
          <p>Declare env vars in the integration to give them dev values here.</p>
        </Empty>
      ) : (
        <ul className={styles.rows}>
          {declared.map((variable) => (
            <EnvRow
              key={variable.name}
              variable={variable}
              value={values[variable.name] ?? ""}
              canWrite={canWrite}
              onChange={(value) => onChange(variable.name, value)}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

function EnvRow({
  variable,
  value,
  canWrite,
  onChange,
}: {
  variable: DeclaredEnvVar;
  value: string;
  canWrite: boolean;
  onChange(value: string): void;
}) {
  const id = useId();
  // Every value starts hidden (secrets above all); showing one lasts until the panel is left.
  const [shown, setShown] = useState(false);
  const missing = variable.required && value.trim() === "" && (variable.default ?? "").trim() === "";
  const hints = [
    variable.default !== undefined ? "Blank uses the default shown." : "",
    missing ? "Needed to run: it has no default." : "",
  ]
    .filter(Boolean)
    .join(" ");
  return (
    <li className={styles.envRow}>
      <div className={styles.envName}>
        <label htmlFor={id}>{variable.name}</label>
        {variable.required ? <span className={`badge ${styles.required}`}>required</span> : null}
        {variable.secret ? <span className="badge">secret</span> : null}
      </div>
      <span className={styles.envValue}>
        <MaskedInput
          id={id}
          value={value}
          masked={!shown}
          required={variable.required === true && (variable.default ?? "").trim() === ""}
          disabled={!canWrite}
          placeholder={variable.default ?? ""}
          {...(hints ? { describedBy: `${id}-hint` } : {})}
          onChange={onChange}
        />
        <button
          type="button"
          aria-pressed={shown}
          aria-label={`${shown ? "Hide" : "Show"} ${variable.name}`}
          disabled={!canWrite}
          onClick={() => setShown((s) => !s)}
        >
          {shown ? "Hide" : "Show"}
        </button>
      </span>
      {hints ? (
        <p id={`${id}-hint`} className={missing ? "field-error" : "field-hint"}>
          {hints}
        </p>
      ) : null}
    </li>
  );
}

/**
 * A value input whose value is set as a DOM property only: React would mirror a controlled
 * value into the `value` attribute, i.e. into the page's HTML, masked or not.
 */
function MaskedInput({
  id,
  value,
  masked,
  required,
  disabled,
  placeholder,
  describedBy,
  onChange,
}: {
  id: string;
  value: string;
  masked: boolean;
  required: boolean;
  disabled: boolean;
  placeholder: string;
  describedBy?: string;
  onChange(value: string): void;
}) {
  const input = useRef<HTMLInputElement>(null);
  useLayoutEffect(() => {
    const el = input.current;
    if (el && el.value !== value) el.value = value;
  }, [value]);
  return (
    <input
      ref={input}
      id={id}
      type={masked ? "password" : "text"}
      className={styles.full}
      required={required}
      disabled={disabled}
      placeholder={placeholder}
      autoComplete="off"
      spellCheck={false}
      {...(describedBy ? { "aria-describedby": describedBy } : {})}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
