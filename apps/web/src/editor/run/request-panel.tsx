"use client";

import { type FormEvent, useId, useRef, useState } from "react";
import { ErrorNote } from "../../ui/states.tsx";
import styles from "./run.module.css";
import {
  type BodyKind,
  buildRequest,
  type HeaderRow,
  type HttpRoute,
  initialRequestForm,
  METHODS,
  type Method,
  methodHasBody,
  pathForRoute,
  prettyBody,
  type RequestForm,
  type RequestPayload,
} from "./run-model.ts";

/** What runs.request answers. */
export interface RequestResult {
  status: number;
  headers: Record<string, string>;
  body: string;
  durationMs: number;
}

export interface RequestPanelProps {
  routes: readonly HttpRoute[];
  canWrite: boolean;
  /** Why nothing can be sent now (no live run), or null. */
  unavailable: string | null;
  busy: boolean;
  result: RequestResult | undefined;
  /** The last call's failure, as the API said it. */
  error: unknown;
  onSend(payload: RequestPayload): void;
}

/** One HTTP request to the live run, built here and sent by the orchestrator (runs.request). */
export function RequestPanel({
  routes,
  canWrite,
  unavailable,
  busy,
  result,
  error,
  onSend,
}: RequestPanelProps) {
  const id = useId();
  const [form, setForm] = useState<RequestForm>(() => initialRequestForm(routes));
  const [route, setRoute] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const nextKey = useRef(1);
  const update = (patch: Partial<RequestForm>) => {
    setForm((prev) => ({ ...prev, ...patch }));
    setProblem(null);
  };
  /** One header row's name or value, typed. */
  const setHeader = (key: HeaderRow["key"], patch: Partial<Pick<HeaderRow, "name" | "value">>) =>
    update({ headers: form.headers.map((h) => (h.key === key ? { ...h, ...patch } : h)) });
  const hasBody = methodHasBody(form.method);
  const disabled = !canWrite;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const built = buildRequest(form);
    if (!built.ok) {
      setProblem(built.error);
      return;
    }
    onSend(built.payload);
  };

  return (
    <form onSubmit={submit} aria-label="Test request" noValidate>
      <div className={styles.requestLine}>
        <div>
          <label htmlFor={`${id}-method`}>Method</label>
          <select
            id={`${id}-method`}
            value={form.method}
            disabled={disabled}
            onChange={(e) => update({ method: e.target.value as Method })}
          >
            {METHODS.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </div>
        {routes.length > 1 ? (
          <div>
            <label htmlFor={`${id}-route`}>Route</label>
            <select
              id={`${id}-route`}
              value={route}
              disabled={disabled}
              onChange={(e) => {
                const index = Number(e.target.value);
                const chosen = routes[index];
                setRoute(index);
                if (chosen) update({ path: pathForRoute(chosen.path) });
              }}
            >
              {routes.map((r, index) => (
                <option key={`${r.flow}:${r.path}`} value={index}>
                  {r.flow} — {r.path}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className={styles.grow}>
          <label htmlFor={`${id}-path`}>Path</label>
          <input
            id={`${id}-path`}
            className={styles.full}
            value={form.path}
            disabled={disabled}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => update({ path: e.target.value })}
          />
        </div>
      </div>

      <fieldset className={styles.group}>
        <legend>Headers</legend>
        {form.headers.length === 0 ? <p className="field-hint">No extra headers.</p> : null}
        <ul className={styles.rows}>
          {form.headers.map((row, index) => (
            <li key={row.key} className={styles.headerRow}>
              <input
                aria-label={`Header ${index + 1} name`}
                placeholder="name"
                value={row.name}
                disabled={disabled}
                spellCheck={false}
                autoComplete="off"
                onChange={(e) => setHeader(row.key, { name: e.target.value })}
              />
              <input
                aria-label={`Header ${index + 1} value`}
                placeholder="value"
                value={row.value}
                disabled={disabled}
                spellCheck={false}
                autoComplete="off"
                onChange={(e) => setHeader(row.key, { value: e.target.value })}
              />
              <button
                type="button"
                className="ghost"
                aria-label={`Remove header ${index + 1}`}
                disabled={disabled}
                onClick={() => update({ headers: form.headers.filter((h) => h.key !== row.key) })}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
        <button
          type="button"
          disabled={disabled}
          onClick={() =>
            update({ headers: [...form.headers, { key: nextKey.current++, name: "", value: "" }] })
          }
        >
          Add header
        </button>
      </fieldset>

      <div className={styles.bodyHead}>
        <label htmlFor={`${id}-body`}>Body</label>
        <label htmlFor={`${id}-kind`} className={styles.inlineLabel}>
          Format{" "}
          <select
            id={`${id}-kind`}
            value={form.bodyKind}
            disabled={disabled || !hasBody}
            onChange={(e) => update({ bodyKind: e.target.value as BodyKind })}
          >
            <option value="json">JSON</option>
            <option value="text">Text</option>
          </select>
        </label>
      </div>
      <textarea
        id={`${id}-body`}
        rows={6}
        value={form.body}
        disabled={disabled || !hasBody}
        spellCheck={false}
        aria-invalid={problem !== null}
        aria-describedby={`${id}-body-hint${problem ? ` ${id}-body-error` : ""}`}
        onChange={(e) => update({ body: e.target.value })}
      />
      <p id={`${id}-body-hint`} className="field-hint">
        {!hasBody
          ? `${form.method} requests carry no body.`
          : form.bodyKind === "json"
            ? "Sent with content-type: application/json unless a content-type header is set."
            : "Sent as typed."}
      </p>
      {problem ? (
        <p id={`${id}-body-error`} className="field-error" role="alert">
          {problem}
        </p>
      ) : null}

      <div className="actions">
        {unavailable && canWrite ? <span className="field-hint">{unavailable}</span> : null}
        <button
          type="submit"
          className="primary"
          disabled={disabled || unavailable !== null || busy}
          {...(!canWrite
            ? { title: "You have read access only." }
            : unavailable
              ? { title: unavailable }
              : {})}
        >
          {busy ? "Sending…" : "Send"}
        </button>
      </div>

      {error ? <ErrorNote error={error} /> : null}
      {result && !error ? <ResponseView result={result} /> : null}
    </form>
  );
}

function ResponseView({ result }: { result: RequestResult }) {
  const id = useId();
  const body = prettyBody(result.body);
  const headers = Object.entries(result.headers);
  return (
    <section aria-label="Response" className={styles.result}>
      <p className={styles.resultHead}>
        <span className={`badge ${result.status >= 400 ? "status-failed" : "status-running"}`}>
          Status {result.status}
        </span>
        <span className="muted">{result.durationMs} ms</span>
      </p>
      <details>
        <summary>Headers ({headers.length})</summary>
        <dl className={styles.headerList}>
          {headers.map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      </details>
      {result.body === "" ? (
        <p className="muted">Empty body.</p>
      ) : (
        <figure className={styles.figure} aria-labelledby={`${id}-caption`}>
          <figcaption id={`${id}-caption`} className={styles.subhead}>
            {body.json ? "Body (JSON)" : "Body"}
          </figcaption>
          <pre className={styles.output}>{body.text}</pre>
        </figure>
      )}
    </section>
  );
}
