import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configJsonSchema } from "../../../../../packages/runtime/src/dsl/json-schema.ts";
import { loadRegistry } from "../../../../../packages/runtime/src/plugin/load-plugins.ts";
import { openDocument, type Path } from "../model/document.ts";
import { outlineOf } from "../model/outline.ts";
import { deriveSchemaInfo, type JsonSchema } from "../model/schema-info.ts";
import {
  type CanvasGraph,
  type CanvasNode,
  type GraphOptions,
  gapId,
  graphOf,
  parseGapId,
  pathKey,
  type ScopeNode,
  sourceId,
} from "./graph.ts";
import { sourceDetailsOf } from "./source-details.ts";

const info = deriveSchemaInfo(configJsonSchema(await loadRegistry({})) as JsonSchema);
const ordersText = readFileSync(
  `${import.meta.dirname}/../../../../../samples/http-orders/http-orders.yaml`,
  "utf8",
);

function graphFor(text: string, options: GraphOptions = {}): CanvasGraph {
  const doc = openDocument(text);
  const outline = outlineOf(doc, info);
  return graphOf(outline, info, { sourceDetails: sourceDetailsOf(doc, outline, info), ...options });
}

function node(graph: CanvasGraph, id: string): CanvasNode {
  const found = graph.nodes.find((n) => n.id === id);
  if (!found) throw new Error(`no node ${id}`);
  return found;
}

const children = (graph: CanvasGraph, parent: string) =>
  graph.nodes.filter((n) => n.parentId === parent).map((n) => [n.type, n.id]);

/** The visible edges as [source, target] pairs. */
const links = (graph: CanvasGraph) => graph.edges.filter((e) => !e.hidden).map((e) => [e.source, e.target]);

const F0 = ["flows", 0] as const;
const P0: Path = [...F0, "process"];
const SWITCH: Path = [...P0, 2];
const CASE1: Path = [...SWITCH, "cases", 0, "process"];
const CASE2: Path = [...SWITCH, "cases", 1, "process"];
const DEFAULT: Path = [...SWITCH, "default", "process"];
const IF: Path = [...CASE2, 0];

describe("graphOf on the http-orders sample", () => {
  const graph = graphFor(ordersText);

  it("draws one group per flow, labelled with the flow's name, with its source first", () => {
    const flows = graph.nodes.filter((n) => n.type === "flow");
    expect(flows.map((n) => [n.id, n.data.label, n.parentId])).toEqual([
      [pathKey(F0), "orders-api", undefined],
      [pathKey(["flows", 1]), "enrich", undefined],
      [pathKey(["flows", 2]), "audit", undefined],
    ]);
    expect(children(graph, pathKey(F0))[0]).toEqual(["source", sourceId(F0)]);
    expect(node(graph, sourceId(F0)).data.label).toBe("HTTP /orders/{id}");
    expect(node(graph, sourceId(["flows", 1])).data).toMatchObject({ label: "no source", present: false });
  });

  it("chains the process lane through gaps in order: source, +, step, +, …, +", () => {
    expect(children(graph, pathKey(F0))).toEqual([
      ["source", sourceId(F0)],
      ["gap", gapId(P0, 0)],
      ["step", pathKey([...P0, 0])],
      ["gap", gapId(P0, 1)],
      ["step", pathKey([...P0, 1])],
      ["gap", gapId(P0, 2)],
      ["composite", pathKey(SWITCH)],
      ["gap", gapId(P0, 3)],
    ]);
    const chain = children(graph, pathKey(F0)).map(([, id]) => id as string);
    const expected = chain.slice(1).map((id, i) => [chain[i], id]);
    for (const pair of expected) expect(links(graph)).toContainEqual(pair);
  });

  it("draws a composite as a group of scope groups, each holding its own lane", () => {
    expect(node(graph, pathKey(SWITCH)).data).toMatchObject({
      type: "switch",
      label: "Switch",
      composite: true,
    });
    const scopes = graph.nodes.filter(
      (n): n is ScopeNode => n.type === "scope" && n.parentId === pathKey(SWITCH),
    );
    expect(scopes.map((s) => [s.id, s.data.label, s.data.detail])).toEqual([
      [pathKey(CASE1), "case 1", 'vars.method == "GET"'],
      [pathKey(CASE2), "case 2", 'vars.method == "POST"'],
      [pathKey(DEFAULT), "default", undefined],
    ]);
    expect(children(graph, pathKey(CASE2))).toEqual([
      ["gap", gapId(CASE2, 0)],
      ["composite", pathKey(IF)],
      ["gap", gapId(CASE2, 1)],
      ["step", pathKey([...CASE2, 1])],
      ["gap", gapId(CASE2, 2)],
      ["step", pathKey([...CASE2, 2])],
      ["gap", gapId(CASE2, 3)],
    ]);
    // The if inside case 2 nests again: then / else, each with a gap on both sides of its step.
    const then: Path = [...IF, "then", "process"];
    expect(children(graph, pathKey(IF)).map(([, id]) => id)).toEqual([
      pathKey(then),
      pathKey([...IF, "else", "process"]),
    ]);
    expect(children(graph, pathKey(then))).toEqual([
      ["gap", gapId(then, 0)],
      ["step", pathKey([...then, 0])],
      ["gap", gapId(then, 1)],
    ]);
  });

  it("puts the data a step needs on its node", () => {
    expect(node(graph, pathKey([...P0, 1])).data).toMatchObject({
      path: [...P0, 1],
      listPath: P0,
      index: 1,
      kind: "block",
      type: "flow-ref",
      label: "Flow Reference",
      title: "Flow Reference",
      category: "processor",
      selected: false,
      problems: [],
    });
  });

  it("gives gap ids that decode to their list path and index", () => {
    const gaps = graph.nodes.filter((n) => n.type === "gap");
    expect(gaps.length).toBe(4 + 2 + 4 + 2 + 2 + 3 + 2 + 2);
    for (const gap of gaps)
      expect(parseGapId(gap.id)).toEqual({ listPath: gap.data.listPath, index: gap.data.index });
    expect(parseGapId(pathKey(P0))).toBeUndefined();
    expect(parseGapId("not json")).toBeUndefined();
  });

  it("lists every parent before its children and uses unique ids", () => {
    const seen = new Set<string>();
    for (const n of graph.nodes) {
      if (n.parentId !== undefined) expect(seen.has(n.parentId)).toBe(true);
      expect(seen.has(n.id)).toBe(false);
      seen.add(n.id);
    }
  });

  it("is the same graph for the same input (ids stay stable across updates)", () => {
    expect(graphFor(ordersText)).toEqual(graph);
  });
});

describe("graphOf on other shapes", () => {
  it("keeps unknown and invalid steps, drawn with a warning", () => {
    const graph = graphFor(
      [
        "flows:",
        "  - name: f",
        "    process:",
        "      - type: frobnicate",
        "      - just text",
        "      - type: log",
      ].join("\n"),
    );
    const steps = graph.nodes.filter((n) => n.type === "step");
    expect(steps.map((s) => [s.data.kind, s.data.label, s.data.warning])).toEqual([
      ["unknown", "frobnicate", 'unknown block type "frobnicate"'],
      ["invalid", "just text", "not a step: a step needs a type or a ref"],
      ["block", "Log", undefined],
    ]);
  });

  it("gives an empty lane exactly one gap, chained after the source", () => {
    const graph = graphFor("flows:\n  - name: empty\n    process: []\n");
    const gaps = graph.nodes.filter((n) => n.type === "gap");
    expect(gaps.map((g) => g.id)).toEqual([gapId(["flows", 0, "process"], 0)]);
    expect(gaps[0]?.data.label).toBe("Insert a step into empty");
    expect(links(graph)).toEqual([[sourceId(["flows", 0]), gapId(["flows", 0, "process"], 0)]]);
  });

  it("draws a scope that is not in the YAML yet, with a gap that creates it", () => {
    const graph = graphFor(
      [
        "flows:",
        "  - name: f",
        "    process:",
        "      - type: if",
        "        condition: 'true'",
        "        then:",
        "          process: []",
      ].join("\n"),
    );
    const elsePath: Path = ["flows", 0, "process", 0, "else", "process"];
    expect(node(graph, pathKey(elsePath)).data).toMatchObject({ label: "else", present: false, empty: true });
    expect(children(graph, pathKey(elsePath))).toEqual([["gap", gapId(elsePath, 0)]]);
  });

  it("labels a cron source with its schedule", () => {
    const graph = graphFor(
      [
        "connectors: [{ name: tick, type: cron }]",
        "flows:",
        "  - name: poll",
        "    source: { connector: tick, type: cron, settings: { schedule: '@every 30s' } }",
        "    process: []",
      ].join("\n"),
    );
    expect(node(graph, sourceId(["flows", 0])).data).toMatchObject({
      label: "Cron @every 30s",
      connector: "tick",
    });
  });

  it("names the processor a ref step runs", () => {
    const graph = graphFor(
      [
        "processors:",
        "  - name: audit-log",
        "    type: log",
        "    settings: { message: '\"x\"' }",
        "flows:",
        "  - name: f",
        "    process:",
        "      - ref: audit-log",
      ].join("\n"),
    );
    expect(node(graph, pathKey(["flows", 0, "process", 0])).data).toMatchObject({
      kind: "ref",
      processor: "audit-log",
      type: "log",
      label: "audit-log",
    });
  });

  it("draws the error lane as its own group below the process lane", () => {
    const graph = graphFor(
      ["flows:", "  - name: f", "    process:", "      - type: log", "    error:", "      - type: log"].join(
        "\n",
      ),
    );
    const lane: Path = ["flows", 0, "error"];
    expect(node(graph, pathKey(lane))).toMatchObject({ type: "scope", parentId: pathKey(["flows", 0]) });
    expect(node(graph, pathKey(lane)).data).toMatchObject({ role: "error-lane", label: "error lane" });
    expect(children(graph, pathKey(lane)).map(([type]) => type)).toEqual(["gap", "step", "gap"]);
    // A hidden edge from the end of the process lane keeps the error lane underneath it.
    expect(graph.edges.find((e) => e.hidden)).toMatchObject({
      source: gapId(["flows", 0, "process"], 1),
      target: pathKey(lane),
    });
  });

  it("marks the selection, collapses composites and attaches problems to the deepest step", () => {
    const collapsed = new Set([pathKey(IF)]);
    const graph = graphFor(ordersText, {
      selected: [...P0, 0],
      collapsed,
      problems: [
        { path: [...P0, 0, "settings", "value"], message: "bad CEL" },
        { path: [...IF, "then", "process", 0, "settings"], message: "inside the collapsed if" },
        { path: [...F0, "source", "settings", "path"], message: "bad path" },
        { message: "no path: not on the canvas" },
      ],
    });
    expect(node(graph, pathKey([...P0, 0])).data).toMatchObject({ selected: true, problems: ["bad CEL"] });
    expect(node(graph, pathKey([...P0, 1])).data).toMatchObject({ selected: false, problems: [] });
    // The collapsed if is a single step node; its nested steps are not drawn.
    expect(node(graph, pathKey(IF))).toMatchObject({ type: "step" });
    expect(node(graph, pathKey(IF)).data).toMatchObject({
      collapsed: true,
      nestedSteps: 2,
      problems: ["inside the collapsed if"],
    });
    expect(graph.nodes.some((n) => n.parentId === pathKey(IF))).toBe(false);
    expect(node(graph, sourceId(F0)).data).toMatchObject({ problems: ["bad path"] });
  });

  it("leaves gaps out for readers and chains the steps directly", () => {
    const graph = graphFor(ordersText, { gaps: false });
    expect(graph.nodes.some((n) => n.type === "gap")).toBe(false);
    expect(links(graph)).toContainEqual([sourceId(F0), pathKey([...P0, 0])]);
    expect(links(graph)).toContainEqual([pathKey([...P0, 0]), pathKey([...P0, 1])]);
    expect(links(graph)).toContainEqual([pathKey([...P0, 1]), pathKey(SWITCH)]);
  });
});
