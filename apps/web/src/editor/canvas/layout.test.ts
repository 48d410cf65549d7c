import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configJsonSchema } from "../../../../../packages/runtime/src/dsl/json-schema.ts";
import { loadRegistry } from "../../../../../packages/runtime/src/plugin/load-plugins.ts";
import { openDocument, type Path } from "../model/document.ts";
import { outlineOf } from "../model/outline.ts";
import { deriveSchemaInfo, type JsonSchema } from "../model/schema-info.ts";
import { type CanvasGraph, type GraphOptions, gapId, graphOf, pathKey } from "./graph.ts";
import { FLOW_SPACING, layoutGraph, NODE_SIZES, type PositionedNode } from "./layout.ts";

const info = deriveSchemaInfo(configJsonSchema(await loadRegistry({})) as JsonSchema);
const ordersText = readFileSync(
  `${import.meta.dirname}/../../../../../samples/http-orders/http-orders.yaml`,
  "utf8",
);

const withErrorLane = [
  "flows:",
  "  - name: guarded",
  "    process:",
  "      - type: log",
  "      - type: fork",
  "        branches:",
  "          - process: [{ type: log }]",
  "          - process: []",
  "    error:",
  "      - type: log",
  "      - type: log",
].join("\n");

function graphFor(text: string, options: GraphOptions = {}): CanvasGraph {
  return graphOf(outlineOf(openDocument(text), info), info, options);
}

async function laidOut(text: string, options: GraphOptions = {}): Promise<Map<string, PositionedNode>> {
  const graph = graphFor(text, options);
  const nodes = await layoutGraph(graph.nodes, graph.edges);
  return new Map(nodes.map((n) => [n.id, n]));
}

function at(nodes: Map<string, PositionedNode>, path: Path): PositionedNode {
  const n = nodes.get(pathKey(path));
  if (!n) throw new Error(`no node at ${pathKey(path)}`);
  return n;
}

describe("layoutGraph", () => {
  it("gives the same positions for the same graph", async () => {
    const graph = graphFor(ordersText);
    const first = await layoutGraph(graph.nodes, graph.edges);
    const second = await layoutGraph(graphFor(ordersText).nodes, graphFor(ordersText).edges);
    expect(second).toEqual(first);
    expect(first.map((n) => n.id)).toEqual(graph.nodes.map((n) => n.id));
  });

  it("sizes leaves by kind and keeps every child inside its group", async () => {
    for (const text of [ordersText, withErrorLane]) {
      const nodes = await laidOut(text);
      for (const n of nodes.values()) {
        if (n.type === "step")
          expect([n.width, n.height]).toEqual([NODE_SIZES.step.width, NODE_SIZES.step.height]);
        if (n.type === "gap")
          expect([n.width, n.height]).toEqual([NODE_SIZES.gap.width, NODE_SIZES.gap.height]);
        if (n.parentId === undefined) continue;
        const parent = nodes.get(n.parentId);
        if (!parent) throw new Error(`no parent ${n.parentId}`);
        // Child positions are relative to the parent, as React Flow expects.
        expect(n.position.x).toBeGreaterThanOrEqual(0);
        expect(n.position.y).toBeGreaterThanOrEqual(0);
        expect(n.position.x + n.width).toBeLessThanOrEqual(parent.width);
        expect(n.position.y + n.height).toBeLessThanOrEqual(parent.height);
      }
    }
  });

  it("orders a lane top to bottom: source, then gap, step, gap … in list order", async () => {
    const nodes = await laidOut(ordersText);
    const lane: Path = ["flows", 0, "process"];
    const sequence = [
      pathKey(["flows", 0, "source"]),
      gapId(lane, 0),
      pathKey([...lane, 0]),
      gapId(lane, 1),
      pathKey([...lane, 1]),
      gapId(lane, 2),
      pathKey([...lane, 2]),
      gapId(lane, 3),
    ].map((id) => nodes.get(id) as PositionedNode);
    for (let i = 1; i < sequence.length; i++) {
      const above = sequence[i - 1] as PositionedNode;
      const below = sequence[i] as PositionedNode;
      expect(below.position.y).toBeGreaterThanOrEqual(above.position.y + above.height);
    }
    // …and straight: every node of the chain is centred on the same vertical line.
    const centres = new Set(sequence.map((n) => n.position.x + n.width / 2));
    expect(centres.size).toBe(1);
  });

  it("puts a composite's scopes side by side in the schema's order, top-aligned", async () => {
    const nodes = await laidOut(ordersText);
    const sw: Path = ["flows", 0, "process", 2];
    const scopes = [
      [...sw, "cases", 0, "process"],
      [...sw, "cases", 1, "process"],
      [...sw, "default", "process"],
    ].map((p) => at(nodes, p));
    expect(new Set(scopes.map((s) => s.position.y)).size).toBe(1);
    for (let i = 1; i < scopes.length; i++) {
      const left = scopes[i - 1] as PositionedNode;
      expect((scopes[i] as PositionedNode).position.x).toBeGreaterThanOrEqual(left.position.x + left.width);
    }
  });

  it("stacks flows vertically and keeps the error lane below the process lane", async () => {
    const orders = await laidOut(ordersText);
    const flows = [0, 1, 2].map((i) => at(orders, ["flows", i]));
    for (let i = 1; i < flows.length; i++) {
      const above = flows[i - 1] as PositionedNode;
      const below = flows[i] as PositionedNode;
      expect(below.position).toEqual({ x: 0, y: above.position.y + above.height + FLOW_SPACING });
    }
    const guarded = await laidOut(withErrorLane);
    const endOfProcess = guarded.get(gapId(["flows", 0, "process"], 2)) as PositionedNode;
    const errorLane = at(guarded, ["flows", 0, "error"]);
    expect(errorLane.position.y).toBeGreaterThanOrEqual(endOfProcess.position.y + endOfProcess.height);
  });

  it("draws a collapsed composite at a step's size", async () => {
    const sw: Path = ["flows", 0, "process", 2];
    const nodes = await laidOut(ordersText, { collapsed: new Set([pathKey(sw)]) });
    expect([at(nodes, sw).width, at(nodes, sw).height]).toEqual([
      NODE_SIZES.step.width,
      NODE_SIZES.step.height,
    ]);
    expect([...nodes.values()].some((n) => n.parentId === pathKey(sw))).toBe(false);
  });

  it("gives every node top and bottom handles so edges draw before the DOM is measured", async () => {
    const nodes = await laidOut(ordersText);
    const step = at(nodes, ["flows", 0, "process", 0]);
    expect(step.handles.map((h) => [h.type, h.position, h.x, h.y])).toEqual([
      ["target", "top", 100, 0],
      ["source", "bottom", 100, 44],
    ]);
  });
});
