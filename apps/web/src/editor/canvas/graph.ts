/**
 * The outline as a React Flow graph (nodes and edges, positions left to layout.ts). Pure: the same
 * outline and options give the same graph, and every id is derived from a path so React keeps
 * nodes across updates.
 *
 * Shape: a `flow` group per flow holding its `source` node, the process lane's steps chained by
 * edges and, when the flow has one, an error lane (a `scope` group). A composite step is a
 * `composite` group holding one `scope` group per scope, each holding its lane (recursively).
 * Every lane has a `gap` node before, between and after its steps: the places a step can go.
 */
import type { Edge, Node } from "@xyflow/react";
import type { Path } from "../model/document.ts";
import type {
  FlowOutline,
  LaneOutline,
  Outline,
  SourceOutline,
  StepKind,
  StepOutline,
} from "../model/outline.ts";
import type { BlockCategory, SchemaInfo } from "../model/schema-info.ts";

/** A path as a string: node ids, collapsed sets and lookups use it. */
export function pathKey(path: Path): string {
  return JSON.stringify(path);
}

/** Where a gap inserts: slot `index` of the list at `listPath`. */
export interface GapRef {
  readonly listPath: Path;
  readonly index: number;
}

export function gapId(listPath: Path, index: number): string {
  return JSON.stringify({ gap: listPath, index });
}

export function parseGapId(id: string): GapRef | undefined {
  try {
    const value: unknown = JSON.parse(id);
    if (typeof value !== "object" || value === null) return undefined;
    const { gap, index } = value as { gap?: unknown; index?: unknown };
    if (!isPath(gap) || typeof index !== "number") return undefined;
    return { listPath: gap, index };
  } catch {
    return undefined;
  }
}

export function isPath(value: unknown): value is Path {
  return Array.isArray(value) && value.every((s) => typeof s === "string" || typeof s === "number");
}

export type FlowNodeData = {
  readonly path: Path;
  readonly label: string;
  readonly problems: readonly string[];
};

export type SourceNodeData = {
  readonly path: Path;
  /** "HTTP /orders/{id}", "Cron @every 30s", "no source". */
  readonly label: string;
  readonly present: boolean;
  readonly type?: string;
  readonly connector?: string;
  readonly problems: readonly string[];
};

export type StepNodeData = {
  readonly path: Path;
  /** The list holding the step and its index there (for moves and "paste after"). */
  readonly listPath: Path;
  readonly index: number;
  readonly kind: StepKind;
  readonly type?: string;
  readonly label: string;
  /** The block's title and description from the schema. */
  readonly title?: string;
  readonly description?: string;
  readonly category?: BlockCategory;
  readonly family?: string;
  /** `ref` steps: the processor they run. */
  readonly processor?: string;
  /** Unknown and invalid steps: why they are drawn as a warning. */
  readonly warning?: string;
  /** Has scopes (drawn as a group unless collapsed). */
  readonly composite: boolean;
  readonly collapsed: boolean;
  /** Steps nested inside (all depths), shown on a collapsed composite. */
  readonly nestedSteps: number;
  readonly selected: boolean;
  readonly problems: readonly string[];
};

export type ScopeNodeData = {
  /** The scope's list path (where its steps go). */
  readonly path: Path;
  readonly role: "scope" | "error-lane";
  readonly label: string;
  /** A case's `when`, a route's description. */
  readonly detail?: string;
  /** A list entry (a case, a branch, a route): selecting it edits its own keys (`when` …). */
  readonly entryPath?: Path;
  /** False when the list is not in the YAML yet. */
  readonly present: boolean;
  readonly empty: boolean;
};

export type GapNodeData = {
  readonly listPath: Path;
  readonly index: number;
  /** What the gap is, for screen readers: "Insert a step at the start of then". */
  readonly label: string;
};

export type FlowNode = Node<FlowNodeData, "flow">;
export type SourceNode = Node<SourceNodeData, "source">;
export type StepNode = Node<StepNodeData, "step">;
export type CompositeNode = Node<StepNodeData, "composite">;
export type ScopeNode = Node<ScopeNodeData, "scope">;
export type GapNode = Node<GapNodeData, "gap">;
export type CanvasNode = FlowNode | SourceNode | StepNode | CompositeNode | ScopeNode | GapNode;
export type CanvasNodeType = CanvasNode["type"];

export interface CanvasGraph {
  readonly nodes: CanvasNode[];
  readonly edges: Edge[];
}

export interface GraphProblem {
  readonly path?: Path;
  readonly message: string;
}

export interface GraphOptions {
  readonly selected?: Path;
  /** Path keys (pathKey) of composite steps drawn as a single node. */
  readonly collapsed?: ReadonlySet<string>;
  /** Gap nodes for inserting and dropping; off for readers. Default true. */
  readonly gaps?: boolean;
  /** Attached to the deepest step, source or flow their path is in. */
  readonly problems?: readonly GraphProblem[];
  /** Source path key → what it listens to ("/orders/{id}"); see sourceDetailsOf. */
  readonly sourceDetails?: ReadonlyMap<string, string>;
}

const ORIGIN = { x: 0, y: 0 };

export function sourceId(flowPath: Path): string {
  return pathKey([...flowPath, "source"]);
}

/** A layout-only edge (hidden): keeps a flow's error lane below its process lane. */
function layoutEdge(source: string, target: string): Edge {
  return { id: `${source}->${target}`, source, target, hidden: true };
}

export function graphOf(outline: Outline, info: SchemaInfo, options: GraphOptions = {}): CanvasGraph {
  const nodes: CanvasNode[] = [];
  const edges: Edge[] = [];
  const gaps = options.gaps ?? true;
  const selectedKey = options.selected ? pathKey(options.selected) : undefined;
  const collapsed = options.collapsed ?? new Set<string>();
  const problems = problemsByNode(outline, options.problems ?? [], collapsed);
  const problemsOf = (path: Path) => problems.get(pathKey(path)) ?? [];

  const chain = (ids: readonly string[]) => {
    for (let i = 1; i < ids.length; i++) {
      const source = ids[i - 1] as string;
      const target = ids[i] as string;
      edges.push({ id: `${source}->${target}`, source, target });
    }
  };

  /** Adds a lane's gaps and steps under `parentId`; returns their ids in order. */
  const addLane = (lane: LaneOutline, parentId: string, laneName: string): string[] => {
    const ids: string[] = [];
    const addGap = (index: number) => {
      if (!gaps) return;
      const id = gapId(lane.path, index);
      const where =
        lane.steps.length === 0
          ? `into ${laneName}`
          : index === 0
            ? `at the start of ${laneName}`
            : index === lane.steps.length
              ? `at the end of ${laneName}`
              : `between steps ${index} and ${index + 1} of ${laneName}`;
      nodes.push({
        id,
        type: "gap",
        parentId,
        position: ORIGIN,
        data: { listPath: lane.path, index, label: `Insert a step ${where}` },
      });
      ids.push(id);
    };
    addGap(0);
    lane.steps.forEach((step, index) => {
      ids.push(addStep(step, lane.path, index, parentId));
      addGap(index + 1);
    });
    return ids;
  };

  const addStep = (step: StepOutline, listPath: Path, index: number, parentId: string): string => {
    const id = pathKey(step.path);
    const block = step.type !== undefined ? info.blocks.get(step.type) : undefined;
    const composite = step.scopes.length > 0;
    const isCollapsed = composite && collapsed.has(id);
    const warning =
      step.kind === "unknown"
        ? `unknown block type "${step.type}"`
        : step.kind === "invalid"
          ? "not a step: a step needs a type or a ref"
          : undefined;
    const data: StepNodeData = {
      path: step.path,
      listPath,
      index,
      kind: step.kind,
      ...(step.type !== undefined ? { type: step.type } : {}),
      label: step.label,
      ...(block ? { title: block.title, category: block.category } : {}),
      ...(block?.description !== undefined ? { description: block.description } : {}),
      ...(block?.family !== undefined ? { family: block.family } : {}),
      ...(step.kind === "ref" && step.ref !== undefined ? { processor: step.ref } : {}),
      ...(warning !== undefined ? { warning } : {}),
      composite,
      collapsed: isCollapsed,
      nestedSteps: countNested(step),
      selected: id === selectedKey,
      problems: problemsOf(step.path),
    };
    if (!composite || isCollapsed) {
      nodes.push({ id, type: "step", parentId, position: ORIGIN, data });
      return id;
    }
    nodes.push({ id, type: "composite", parentId, position: ORIGIN, data });
    for (const scope of step.scopes) {
      const scopeId = pathKey(scope.path);
      const detail = scope.details.when ?? scope.details.description;
      nodes.push({
        id: scopeId,
        type: "scope",
        parentId: id,
        position: ORIGIN,
        data: {
          path: scope.path,
          role: "scope",
          label: scope.label,
          ...(detail !== undefined ? { detail: String(detail) } : {}),
          ...(scope.index !== undefined ? { entryPath: scope.entryPath } : {}),
          present: scope.present,
          empty: scope.steps.length === 0,
        },
      });
      chain(addLane(scope, scopeId, `${scope.label} of ${step.label}`));
    }
    return id;
  };

  const addFlow = (flow: FlowOutline, index: number) => {
    const id = pathKey(flow.path);
    const name = flow.name ?? `flow ${index + 1}`;
    nodes.push({
      id,
      type: "flow",
      position: ORIGIN,
      data: { path: flow.path, label: name, problems: problemsOf(flow.path) },
    });
    const source = flow.source;
    const srcPath = source?.path ?? [...flow.path, "source"];
    const srcId = sourceId(flow.path);
    nodes.push({
      id: srcId,
      type: "source",
      parentId: id,
      position: ORIGIN,
      data: {
        path: srcPath,
        label: sourceLabel(
          source,
          info,
          source ? options.sourceDetails?.get(pathKey(source.path)) : undefined,
        ),
        present: source !== undefined,
        ...(source?.type !== undefined ? { type: source.type } : {}),
        ...(source?.connector !== undefined ? { connector: source.connector } : {}),
        problems: problemsOf(srcPath),
      },
    });
    const process = [srcId, ...addLane(flow.process, id, name)];
    chain(process);
    if (flow.error) {
      const laneId = pathKey(flow.error.path);
      nodes.push({
        id: laneId,
        type: "scope",
        parentId: id,
        position: ORIGIN,
        data: {
          path: flow.error.path,
          role: "error-lane",
          label: "error lane",
          present: flow.error.present,
          empty: flow.error.steps.length === 0,
        },
      });
      chain(addLane(flow.error, laneId, `the error lane of ${name}`));
      edges.push(layoutEdge(process.at(-1) as string, laneId));
    }
  };

  outline.flows.forEach(addFlow);
  return { nodes, edges };
}

function countNested(step: StepOutline): number {
  let n = 0;
  for (const scope of step.scopes) for (const s of scope.steps) n += 1 + countNested(s);
  return n;
}

/** "HTTP /orders/{id}": the first word of the source's title, then what it listens to. */
export function sourceLabel(source: SourceOutline | undefined, info: SchemaInfo, detail?: string): string {
  if (!source) return "no source";
  const title = source.type !== undefined ? (info.sources.get(source.type)?.title ?? source.type) : "source";
  const head = title.split(" ")[0] ?? title;
  return detail ? `${head} ${detail}` : head;
}

/**
 * Problems keyed by the deepest flow, source or drawn step whose path holds the problem's path
 * (a problem inside a collapsed composite goes to the composite).
 */
function problemsByNode(
  outline: Outline,
  problems: readonly GraphProblem[],
  collapsed: ReadonlySet<string>,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (problems.length === 0) return out;
  const targets: Path[] = [];
  const walk = (lane: LaneOutline) => {
    for (const step of lane.steps) {
      targets.push(step.path);
      if (collapsed.has(pathKey(step.path))) continue;
      for (const scope of step.scopes) walk(scope);
    }
  };
  for (const flow of outline.flows) {
    targets.push(flow.path, [...flow.path, "source"]);
    walk(flow.process);
    if (flow.error) walk(flow.error);
  }
  for (const problem of problems) {
    const path = problem.path;
    if (!path) continue;
    let best: Path | undefined;
    for (const t of targets) {
      if (
        t.length <= path.length &&
        t.every((seg, i) => path[i] === seg) &&
        (!best || t.length > best.length)
      )
        best = t;
    }
    if (!best) continue;
    const key = pathKey(best);
    out.set(key, [...(out.get(key) ?? []), problem.message]);
  }
  return out;
}
