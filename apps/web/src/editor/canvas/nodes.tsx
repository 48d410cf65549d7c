"use client";

/**
 * The canvas's node components. They only render and report: every action goes to the canvas
 * through CanvasActions (context), which turns it into the page's callbacks.
 */
import { Handle, type NodeProps, type NodeTypes, Position, useStoreApi } from "@xyflow/react";
import { createContext, type DragEvent, type JSX, useContext, useState } from "react";
import type { Path } from "../model/document.ts";
import styles from "./canvas.module.css";
import { acceptsDrop, isUsefulMove, STEP_MIME } from "./dnd.ts";
import type {
  CompositeNode,
  FlowNode,
  GapNode,
  GapRef,
  ScopeNode,
  SourceNode,
  StepNode,
  StepNodeData,
} from "./graph.ts";

export interface CanvasActions {
  readonly readOnly: boolean;
  select(path: Path): void;
  toggleCollapsed(path: Path): void;
  /** A gap was clicked or activated: open the type picker for it. */
  openPicker(gap: GapRef, opener: HTMLElement): void;
  drop(gap: GapRef, data: DataTransfer): void;
  /** The step being dragged (to grey out gaps it cannot go to). */
  readonly dragging: Path | undefined;
  setDragging(path: Path | undefined): void;
}

export const CanvasContext = createContext<CanvasActions | null>(null);

function useActions(): CanvasActions {
  const actions = useContext(CanvasContext);
  if (!actions) throw new Error("canvas nodes render inside FlowCanvas");
  return actions;
}

/** Keyboard focus on a node outside the viewport pans the viewport to it (as React Flow does for its own). */
function useRevealOnFocus(id: string): () => void {
  const store = useStoreApi();
  return () => {
    const { transform, width, height, nodeLookup, setCenter } = store.getState();
    const node = nodeLookup.get(id);
    if (!node || width === 0 || height === 0) return;
    const { x, y } = node.internals.positionAbsolute;
    const w = node.measured.width ?? node.width ?? 0;
    const h = node.measured.height ?? node.height ?? 0;
    const [tx, ty, zoom] = transform;
    const left = x * zoom + tx;
    const top = y * zoom + ty;
    const inside = left >= 0 && top >= 0 && left + w * zoom <= width && top + h * zoom <= height;
    if (!inside) void setCenter(x + w / 2, y + h / 2, { zoom });
  };
}

const handleProps = { isConnectable: false, className: styles.handle } as const;

function InOut({ from = true, to = true }: { from?: boolean; to?: boolean }): JSX.Element {
  return (
    <>
      {to ? <Handle type="target" position={Position.Top} {...handleProps} /> : null}
      {from ? <Handle type="source" position={Position.Bottom} {...handleProps} /> : null}
    </>
  );
}

function ProblemBadge({ problems }: { problems: readonly string[] }): JSX.Element | null {
  if (problems.length === 0) return null;
  const text = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  return (
    <span className={styles.problemBadge} title={problems.join("\n")}>
      <span aria-hidden="true">!</span>
      <span className={styles.visuallyHidden}>
        {text}: {problems.join("; ")}
      </span>
    </span>
  );
}

/** What the small line under a step's label says. */
function stepSubtitle(data: StepNodeData): string {
  if (data.warning) return data.warning;
  if (data.kind === "ref")
    return `runs processor ${data.processor ?? "?"}${data.type ? ` (${data.type})` : ""}`;
  if (data.collapsed)
    return `${data.type ?? ""} · ${data.nestedSteps} nested step${data.nestedSteps === 1 ? "" : "s"}`;
  return data.title !== undefined && data.title !== data.label
    ? `${data.title} · ${data.type}`
    : (data.type ?? "");
}

function stepTooltip(data: StepNodeData): string {
  const lines = [data.label, stepSubtitle(data)];
  if (data.description) lines.push(data.description);
  if (data.problems.length > 0) lines.push(...data.problems);
  return lines.filter(Boolean).join("\n");
}

/** The step's own button: selects on click/Enter, drags (HTML5) onto gaps. */
function StepButton({ id, data }: { id: string; data: StepNodeData }): JSX.Element {
  const actions = useActions();
  const reveal = useRevealOnFocus(id);
  const onDragStart = (event: DragEvent<HTMLButtonElement>) => {
    event.dataTransfer.setData(STEP_MIME, JSON.stringify(data.path));
    event.dataTransfer.effectAllowed = "move";
    actions.setDragging(data.path);
  };
  return (
    <button
      type="button"
      className={`nodrag nopan ${styles.stepButton}`}
      aria-pressed={data.selected}
      title={stepTooltip(data)}
      draggable={!actions.readOnly}
      onDragStart={actions.readOnly ? undefined : onDragStart}
      onDragEnd={() => actions.setDragging(undefined)}
      onClick={() => actions.select(data.path)}
      onFocus={reveal}
      data-step-path={JSON.stringify(data.path)}
    >
      {/* Spaces between the flex items keep the accessible name readable ("Log log", not "Loglog"). */}
      <span className={styles.stepLabel}>{data.label}</span>{" "}
      <span className={styles.stepType}>{stepSubtitle(data)}</span> <ProblemBadge problems={data.problems} />
    </button>
  );
}

function stepClass(data: StepNodeData, base: string | undefined): string {
  return [
    base,
    data.selected ? styles.selected : "",
    data.warning ? styles.warning : "",
    data.problems.length > 0 ? styles.hasProblems : "",
    data.category ? styles[`category-${data.category}`] : "",
  ]
    .filter(Boolean)
    .join(" ");
}

function CollapseToggle({ data }: { data: StepNodeData }): JSX.Element {
  const actions = useActions();
  return (
    <button
      type="button"
      className={`nodrag nopan ghost ${styles.toggle}`}
      aria-expanded={!data.collapsed}
      aria-label={`${data.collapsed ? "Expand" : "Collapse"} ${data.label}`}
      title={data.collapsed ? "Show the nested steps" : "Hide the nested steps"}
      onClick={() => actions.toggleCollapsed(data.path)}
    >
      <span aria-hidden="true">{data.collapsed ? "▸" : "▾"}</span>
    </button>
  );
}

function StepNodeView({ id, data }: NodeProps<StepNode>): JSX.Element {
  return (
    <div className={stepClass(data, styles.step)}>
      <InOut />
      <StepButton id={id} data={data} />
      {data.composite ? <CollapseToggle data={data} /> : null}
    </div>
  );
}

function CompositeNodeView({ id, data }: NodeProps<CompositeNode>): JSX.Element {
  return (
    <div className={stepClass(data, styles.composite)}>
      <InOut />
      <div className={styles.compositeHeader}>
        <StepButton id={id} data={data} />
        <CollapseToggle data={data} />
      </div>
    </div>
  );
}

function ScopeNodeView({ data }: NodeProps<ScopeNode>): JSX.Element {
  const actions = useActions();
  const entryPath = data.entryPath;
  const className = [
    styles.scope,
    data.role === "error-lane" ? styles.errorLane : "",
    data.present ? "" : styles.absent,
  ].join(" ");
  return (
    <div className={className} title={data.present ? undefined : `${data.label} is not in the YAML yet`}>
      <div className={styles.scopeHeader}>
        {entryPath ? (
          // A case or a branch: its own keys (a case's `when`) are edited in the settings panel.
          <button
            type="button"
            className={`nodrag nopan ${styles.titleButton} ${styles.scopeLabel}`}
            onClick={() => actions.select(entryPath)}
          >
            {data.label}
          </button>
        ) : (
          <span className={styles.scopeLabel}>{data.label}</span>
        )}
        {data.detail !== undefined ? (
          <code className={styles.scopeDetail} title={data.detail}>
            {data.detail}
          </code>
        ) : null}
      </div>
      {data.empty ? <span className={styles.emptyNote}>{data.present ? "no steps" : "not set"}</span> : null}
    </div>
  );
}

function FlowNodeView({ data }: NodeProps<FlowNode>): JSX.Element {
  const actions = useActions();
  return (
    <section className={styles.flow} aria-label={`Flow ${data.label}`}>
      <h3 className={styles.flowTitle}>
        {/* The flow's name and source are edited in the settings panel. */}
        <button
          type="button"
          className={`nodrag nopan ${styles.titleButton}`}
          onClick={() => actions.select(data.path)}
        >
          {data.label}
        </button>
        <ProblemBadge problems={data.problems} />
      </h3>
    </section>
  );
}

function SourceNodeView({ data }: NodeProps<SourceNode>): JSX.Element {
  const actions = useActions();
  const className = [
    styles.source,
    data.present ? "" : styles.noSource,
    data.problems.length ? styles.hasProblems : "",
  ];
  return (
    <div className={className.join(" ")} title={data.connector ? `connector ${data.connector}` : undefined}>
      <button
        type="button"
        className={`nodrag nopan ${styles.titleButton}`}
        // Without a source the flow's settings offer one; with one, its own settings open.
        onClick={() => actions.select(data.present ? data.path : data.path.slice(0, -1))}
      >
        <span className={styles.sourceLabel}>{data.present ? data.label : "no source — choose one"}</span>
      </button>
      {data.connector ? <span className={styles.stepType}>via {data.connector}</span> : null}
      <ProblemBadge problems={data.problems} />
      <InOut to={false} />
    </div>
  );
}

function GapNodeView({ id, data }: NodeProps<GapNode>): JSX.Element {
  const actions = useActions();
  const reveal = useRevealOnFocus(id);
  const [over, setOver] = useState(false);
  const gap: GapRef = { listPath: data.listPath, index: data.index };
  const refuses = actions.dragging !== undefined && !isUsefulMove(actions.dragging, gap);
  const onDragOver = (event: DragEvent<HTMLButtonElement>) => {
    if (refuses || !acceptsDrop([...event.dataTransfer.types])) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = event.dataTransfer.types.includes(STEP_MIME) ? "move" : "copy";
    setOver(true);
  };
  const onDrop = (event: DragEvent<HTMLButtonElement>) => {
    event.preventDefault();
    setOver(false);
    actions.drop(gap, event.dataTransfer);
  };
  return (
    <div className={[styles.gap, over ? styles.gapOver : "", refuses ? styles.gapRefuses : ""].join(" ")}>
      <InOut />
      <button
        type="button"
        className={`nodrag nopan ${styles.gapButton}`}
        aria-label={data.label}
        title={data.label}
        onClick={(e) => actions.openPicker(gap, e.currentTarget)}
        onFocus={reveal}
        onDragOver={onDragOver}
        onDragEnter={onDragOver}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        data-gap={id}
      >
        <span aria-hidden="true">+</span>
      </button>
    </div>
  );
}

export const nodeTypes: NodeTypes = {
  step: StepNodeView,
  composite: CompositeNodeView,
  scope: ScopeNodeView,
  flow: FlowNodeView,
  source: SourceNodeView,
  gap: GapNodeView,
};
