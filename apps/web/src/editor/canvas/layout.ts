/**
 * Positions for the canvas graph, computed by ELK (layered, top to bottom, hierarchical: groups
 * contain their children). Each flow is laid out on its own and the flows are stacked vertically,
 * so one flow's shape never moves another's steps sideways. Deterministic: ELK's layered
 * algorithm has no randomness here and the model order (the graph's node order) is kept.
 */

import { type Edge, type NodeHandle, Position } from "@xyflow/react";
import ELK, { type ElkExtendedEdge, type ElkNode, type LayoutOptions } from "elkjs/lib/elk.bundled.js";
import type { CanvasNode } from "./graph.ts";

/** Leaf sizes by node type (groups are sized by ELK around their children). */
export const NODE_SIZES = {
  step: { width: 200, height: 44 },
  source: { width: 200, height: 44 },
  gap: { width: 24, height: 24 },
} as const;

/** Space between flows stacked on the canvas. */
export const FLOW_SPACING = 40;

/** Group headers: room at the top of a group for its title (and a scope's `when`). */
export function headerHeight(node: CanvasNode): number {
  switch (node.type) {
    case "flow":
      return 40;
    case "composite":
      return 40;
    case "scope":
      return node.data.detail !== undefined ? 48 : 30;
    default:
      return 0;
  }
}

const GROUP_MIN = { width: 224, height: 64 };

/** Every graph ELK lays out (the root and each group laid out on its own) uses these. */
const LAYERED: LayoutOptions = {
  "elk.algorithm": "layered",
  "elk.direction": "DOWN",
  "elk.separateConnectedComponents": "false",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
  "elk.layered.nodePlacement.bk.fixedAlignment": "BALANCED",
  "elk.spacing.nodeNode": "24",
  "elk.layered.spacing.nodeNodeBetweenLayers": "14",
  "elk.spacing.edgeNode": "12",
  "elk.layered.spacing.edgeNodeBetweenLayers": "8",
};

const ROOT_OPTIONS: LayoutOptions = { ...LAYERED, "elk.hierarchyHandling": "INCLUDE_CHILDREN" };

function groupOptions(node: CanvasNode): LayoutOptions {
  return {
    ...LAYERED,
    ...(node.type === "composite"
      ? {
          "elk.hierarchyHandling": "SEPARATE_CHILDREN",
          "elk.separateConnectedComponents": "true",
          "elk.layered.considerModelOrder.components": "MODEL_ORDER",
          "elk.aspectRatio": "100",
        }
      : {}),
    "elk.padding": `[top=${headerHeight(node)},left=12,bottom=12,right=12]`,
    "elk.nodeSize.constraints": "MINIMUM_SIZE",
    "elk.nodeSize.minimum": `(${GROUP_MIN.width}, ${GROUP_MIN.height})`,
  };
}

/** Top-center target handle and bottom-center source handle, so edges draw before measuring. */
function handlesFor(width: number, height: number): NodeHandle[] {
  return [
    { type: "target", position: Position.Top, x: width / 2, y: 0, width: 1, height: 1 },
    { type: "source", position: Position.Bottom, x: width / 2, y: height, width: 1, height: 1 },
  ];
}

/** A node as layoutGraph returns it: placed, sized, with its handles. */
export type PositionedNode = CanvasNode & { width: number; height: number; handles: NodeHandle[] };

const elk = new ELK();

/**
 * The nodes with `position` (relative to their parent, as React Flow expects), `width`, `height`
 * and `handles` set, in the input order. Edges with `hidden` still shape the layout.
 */
export async function layoutGraph(
  nodes: readonly CanvasNode[],
  edges: readonly Edge[],
): Promise<PositionedNode[]> {
  const children = new Map<string | undefined, CanvasNode[]>();
  for (const node of nodes) {
    const list = children.get(node.parentId) ?? [];
    list.push(node);
    children.set(node.parentId, list);
  }
  const parentOf = new Map(nodes.map((n) => [n.id, n.parentId]));
  const toElk = (node: CanvasNode): ElkNode => {
    const inner = children.get(node.id);
    if (inner && inner.length > 0) {
      return { id: node.id, layoutOptions: groupOptions(node), children: inner.map(toElk), edges: [] };
    }
    if (node.type === "flow" || node.type === "composite" || node.type === "scope") {
      return {
        id: node.id,
        layoutOptions: groupOptions(node),
        width: GROUP_MIN.width,
        height: GROUP_MIN.height,
      };
    }
    const size = NODE_SIZES[node.type];
    return { id: node.id, width: size.width, height: size.height };
  };

  const tops = children.get(undefined) ?? [];
  const roots = tops.map((top) => ({
    id: `layout:${top.id}`,
    layoutOptions: ROOT_OPTIONS,
    children: [toElk(top)],
  }));
  const rootOfTop = new Map(tops.map((top, i) => [top.id, roots[i] as ElkNode]));
  const elkNodes = new Map<string, ElkNode>();
  const index = (n: ElkNode) => {
    elkNodes.set(n.id, n);
    for (const c of n.children ?? []) index(c);
  };
  for (const r of roots) index(r);

  // ELK wants each edge in the lowest common ancestor of its ends.
  const ancestors = (id: string): string[] => {
    const out: string[] = [];
    for (let p = parentOf.get(id); p !== undefined; p = parentOf.get(p)) out.push(p);
    return out;
  };
  for (const edge of edges) {
    if (!parentOf.has(edge.source) || !parentOf.has(edge.target)) continue;
    const up = ancestors(edge.source);
    const targetUp = new Set(ancestors(edge.target));
    const common = up.find((id) => targetUp.has(id));
    const top = [edge.source, ...up].at(-1) as string;
    const holder = common !== undefined ? elkNodes.get(common) : rootOfTop.get(top);
    if (!holder) continue;
    const elkEdge: ElkExtendedEdge = { id: edge.id, sources: [edge.source], targets: [edge.target] };
    holder.edges = [...(holder.edges ?? []), elkEdge];
  }

  const laidOut = await Promise.all(roots.map((root) => elk.layout(root)));
  const placed = new Map<string, { x: number; y: number; width: number; height: number }>();
  let y = 0;
  laidOut.forEach((root) => {
    const top = root.children?.[0];
    if (!top) return;
    const visit = (n: ElkNode, offsetY: number) => {
      placed.set(n.id, { x: n.x ?? 0, y: (n.y ?? 0) + offsetY, width: n.width ?? 0, height: n.height ?? 0 });
      for (const c of n.children ?? []) visit(c, 0);
    };
    // The flow's own position within its layout root is padding; flows start at x 0.
    visit({ ...top, x: 0 }, y - (top.y ?? 0));
    y += (top.height ?? 0) + FLOW_SPACING;
  });

  return nodes.map((node) => {
    const at = placed.get(node.id) ?? { x: 0, y: 0, width: 0, height: 0 };
    return {
      ...node,
      position: { x: at.x, y: at.y },
      width: at.width,
      height: at.height,
      handles: handlesFor(at.width, at.height),
    } as PositionedNode;
  });
}
