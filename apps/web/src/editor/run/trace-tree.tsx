"use client";

import type { AppRouter } from "@octo/orchestrator/client";
import type { inferRouterOutputs } from "@trpc/server";
import { type ReactNode, useId, useState } from "react";
import styles from "./run.module.css";
import { prettyJson } from "./run-model.ts";

/** The trace as runs.invoke answers it (the runtime's FlowTrace, as JSON). */
export type Trace = NonNullable<inferRouterOutputs<AppRouter>["runs"]["invoke"]["trace"]>;
type TraceNode = Trace | Trace["children"][number];
type Snapshot = Extract<TraceNode, { kind: "step" }>["input"];

/**
 * What one node says on its line: the flow, the slot (numbered when it ran more than once, as a
 * foreach body does), or the block and the line it is written on.
 */
function nodeTitle(node: TraceNode, numbered: boolean): string {
  switch (node.kind) {
    case "flow":
      return `flow ${node.flow}${node.oneWay ? " (oneWay)" : ""}`;
    case "scope":
      return `${node.slot}${numbered ? ` #${node.iteration}` : ""}${node.label === undefined ? "" : ` (${node.label})`}`;
    case "step":
      return `${node.type}${node.name === undefined ? "" : ` "${node.name}"`} · line ${node.location.line}`;
  }
}

function duration(ms: number | undefined): string {
  if (ms === undefined) return "running";
  return `${ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(1) : ms.toFixed(2)} ms`;
}

function failed(node: TraceNode): boolean {
  return node.kind !== "scope" && node.error !== undefined;
}

/**
 * Open at first: the path to an error, and the structure (flows, scopes, composite blocks) down to
 * a depth, past a loop's first iterations closed; a leaf block's values wait for a click.
 */
function openAtFirst(node: TraceNode, depth: number): boolean {
  if (containsError(node)) return true;
  if (node.children.length === 0) return false;
  return depth < 8 && !(node.kind === "scope" && node.iteration >= 3);
}

function containsError(node: TraceNode): boolean {
  return failed(node) || node.children.some(containsError);
}

function Values({ label, snapshot }: { label: string; snapshot: Snapshot | undefined }) {
  const id = useId();
  if (!snapshot) return null;
  return (
    <figure className={styles.figure} aria-labelledby={id}>
      <figcaption id={id} className={styles.traceCaption}>
        {label}
      </figcaption>
      <pre className={styles.output}>{prettyJson(snapshot)}</pre>
    </figure>
  );
}

function Children({ nodes, depth }: { nodes: TraceNode[]; depth: number }) {
  const runs = new Map<string, number>();
  for (const n of nodes) if (n.kind === "scope") runs.set(n.slot, (runs.get(n.slot) ?? 0) + 1);
  return (
    <ul className={styles.traceList}>
      {nodes.map((child, i) => (
        // A recorded tree never changes: a child's place is its identity.
        <Node
          key={i}
          node={child}
          depth={depth}
          numbered={child.kind === "scope" && (runs.get(child.slot) ?? 0) > 1}
        />
      ))}
    </ul>
  );
}

function Node({ node, depth, numbered }: { node: TraceNode; depth: number; numbered: boolean }) {
  const contentId = useId();
  const [open, setOpen] = useState(() => openAtFirst(node, depth));
  const error = node.kind === "scope" ? undefined : node.error;
  const values =
    node.kind === "scope" ? null : (
      <>
        <Values label="Input" snapshot={node.input} />
        <Values label="Output" snapshot={node.output} />
      </>
    );
  return (
    <li className={styles.traceNode}>
      <button
        type="button"
        className={styles.traceToggle}
        aria-expanded={open}
        aria-controls={contentId}
        onClick={() => setOpen(!open)}
      >
        <span aria-hidden="true">{open ? "▾" : "▸"}</span>
        <span className={styles.traceTitle}>{nodeTitle(node, numbered)}</span>
        <span className="muted">{duration(node.durationMs)}</span>
        {node.kind === "step" && node.dropped ? <span className="badge">dropped</span> : null}
        {error ? <span className="badge status-failed">error</span> : null}
      </button>
      <div id={contentId} hidden={!open} className={styles.traceBody}>
        {error ? (
          <p className={`${styles.output} ${styles.failure}`}>
            {error.block ? `${error.block}: ` : ""}
            {error.message}
          </p>
        ) : null}
        {/* A block's own values are one more click away when it has children to show. */}
        {values && node.children.length > 0 ? <ValuesToggle>{values}</ValuesToggle> : values}
        {node.children.length > 0 ? <Children nodes={node.children} depth={depth + 1} /> : null}
      </div>
    </li>
  );
}

function ValuesToggle({ children }: { children: ReactNode }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className={styles.traceValuesToggle}
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
      >
        Input and output
      </button>
      <div id={id} hidden={!open}>
        {children}
      </div>
    </>
  );
}

/** A recorded run (`runs.invoke` with `trace`): every step with its duration and error; expand for input and output. */
export function TraceTree({ trace }: { trace: Trace }) {
  const id = useId();
  const steps = countSteps(trace);
  return (
    <section aria-labelledby={id} className={styles.trace}>
      <h3 id={id} className={styles.subhead}>
        Trace ({steps} step{steps === 1 ? "" : "s"}
        {trace.omittedSteps ? `, ${trace.omittedSteps} more not recorded` : ""})
      </h3>
      <Children nodes={[trace]} depth={0} />
    </section>
  );
}

function countSteps(node: TraceNode): number {
  return (node.kind === "step" ? 1 : 0) + node.children.reduce((n, c) => n + countSteps(c), 0);
}
