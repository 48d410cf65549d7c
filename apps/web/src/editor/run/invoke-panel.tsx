"use client";

import type { AppRouter } from "@octo/orchestrator/client";
import type { inferRouterOutputs } from "@trpc/server";
import { type FormEvent, useId, useState } from "react";
import { ErrorNote } from "../../ui/states.tsx";
import styles from "./run.module.css";
import { parseJson, prettyJson } from "./run-model.ts";
import { TraceTree } from "./trace-tree.tsx";

/** What runs.invoke answers. */
export type InvokeResult = inferRouterOutputs<AppRouter>["runs"]["invoke"];

export interface InvokePanelProps {
  /** Flows without an HTTP source. */
  flows: readonly string[];
  canWrite: boolean;
  /** Why Invoke cannot be used now (same rules as RUN: it runs the saved definition), or null. */
  blockReason: string | null;
  busy: boolean;
  result: InvokeResult | undefined;
  /** The last call's failure, as the API said it (a flow's own failure is in `result`). */
  error: unknown;
  /** `trace`: also record every step (input, output, duration, error) and show the tree. */
  onInvoke(request: { flow: string; data: unknown; trace: boolean }): void;
}

/** Runs one flow once with JSON input and shows its output or failure, with its log lines. */
export function InvokePanel({
  flows,
  canWrite,
  blockReason,
  busy,
  result,
  error,
  onInvoke,
}: InvokePanelProps) {
  const id = useId();
  const [flow, setFlow] = useState(flows[0] ?? "");
  const [input, setInput] = useState("{}");
  const [trace, setTrace] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  // A flow removed from the document falls back to the first one left.
  const chosen = flows.includes(flow) ? flow : (flows[0] ?? "");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseJson(input);
    if (!parsed.ok) {
      setProblem(parsed.error);
      return;
    }
    onInvoke({ flow: chosen, data: parsed.value, trace });
  };

  return (
    <form onSubmit={submit} aria-label="Invoke a flow" noValidate>
      <label htmlFor={`${id}-flow`}>Flow</label>
      <select id={`${id}-flow`} value={chosen} disabled={!canWrite} onChange={(e) => setFlow(e.target.value)}>
        {flows.map((f) => (
          <option key={f} value={f}>
            {f}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-input`}>Input (JSON)</label>
      <textarea
        id={`${id}-input`}
        rows={6}
        value={input}
        disabled={!canWrite}
        spellCheck={false}
        aria-invalid={problem !== null}
        {...(problem ? { "aria-describedby": `${id}-input-error` } : {})}
        onChange={(e) => {
          setInput(e.target.value);
          setProblem(null);
        }}
      />
      {problem ? (
        <p id={`${id}-input-error`} className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      <div className="actions">
        {blockReason !== null ? <span className="field-hint">{blockReason}</span> : null}
        <label className={styles.inlineLabel}>
          <input
            type="checkbox"
            checked={trace}
            disabled={!canWrite}
            onChange={(e) => setTrace(e.target.checked)}
          />{" "}
          Trace
        </label>
        <button
          type="submit"
          className="primary"
          disabled={!canWrite || blockReason !== null || busy || chosen === ""}
          {...(blockReason !== null ? { title: blockReason } : {})}
        >
          {busy ? "Invoking…" : "Invoke"}
        </button>
      </div>
      {error ? <ErrorNote error={error} /> : null}
      {result && !error ? <InvokeResultView result={result} /> : null}
    </form>
  );
}

function InvokeResultView({ result }: { result: InvokeResult }) {
  const id = useId();
  return (
    <section aria-label="Invoke result" className={styles.result}>
      <p className={styles.resultHead}>
        <span className={`badge ${result.ok ? "status-running" : "status-failed"}`}>
          {result.ok ? "Succeeded" : "Failed"}
        </span>
        <span className="muted">{result.durationMs} ms</span>
      </p>
      {result.ok ? (
        <figure className={styles.figure} aria-labelledby={`${id}-caption`}>
          <figcaption id={`${id}-caption`} className={styles.subhead}>
            Output
          </figcaption>
          <pre className={styles.output}>{prettyJson(result.output)}</pre>
        </figure>
      ) : (
        <figure className={styles.figure} aria-labelledby={`${id}-caption`}>
          <figcaption id={`${id}-caption`} className={styles.subhead}>
            Error
          </figcaption>
          <pre className={`${styles.output} ${styles.failure}`}>
            {result.error ?? "The flow failed without a message."}
          </pre>
        </figure>
      )}
      {result.trace ? <TraceTree trace={result.trace} /> : null}
      <h3 className={styles.subhead}>Log lines ({result.logs.length})</h3>
      {result.logs.length === 0 ? (
        <p className="muted">No log lines.</p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
        <div className="logs" role="log" aria-label="Invoke logs" tabIndex={0}>
          {result.logs.map((line, index) => (
            // A fixed list per result: a line's place is its identity.
            <span key={index} className={styles.logLine}>
              {line}
            </span>
          ))}
        </div>
      )}
    </section>
  );
}
