import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configJsonSchema } from "../../../../../packages/runtime/src/dsl/json-schema.ts";
import { loadRegistry } from "../../../../../packages/runtime/src/plugin/load-plugins.ts";
import { openDocument } from "./document.ts";
import { allLanes, allSteps, outlineOf, type ScopeOutline, type StepOutline } from "./outline.ts";
import { deriveSchemaInfo, type JsonSchema } from "./schema-info.ts";

const info = deriveSchemaInfo(configJsonSchema(await loadRegistry({})) as JsonSchema);
const sample = (name: string) =>
  readFileSync(new URL(`../../../../../samples/${name}/${name}.yaml`, import.meta.url), "utf8");

const brief = (s: StepOutline) => ({ path: s.path, kind: s.kind, type: s.type, label: s.label });
const scope = (s: ScopeOutline) => ({
  field: s.field,
  label: s.label,
  path: s.path,
  steps: s.steps.map((x) => x.type),
});

describe("outlineOf http-orders", () => {
  const outline = outlineOf(openDocument(sample("http-orders")), info);

  it("lists service, env, connectors and flows with their sources", () => {
    expect(outline.service).toEqual({ name: "http-orders", path: ["service"] });
    expect(outline.env).toEqual([
      { name: "HTTP_PORT", path: ["env", 0], required: false, secret: false, hasDefault: true },
    ]);
    expect(outline.connectors).toEqual([{ name: "api", type: "http", path: ["connectors", 0] }]);
    expect(outline.processors).toEqual([]);
    expect(outline.flows.map((f) => [f.name, f.path, f.source])).toEqual([
      ["orders-api", ["flows", 0], { connector: "api", type: "http", path: ["flows", 0, "source"] }],
      ["enrich", ["flows", 1], undefined],
      ["audit", ["flows", 2], undefined],
    ]);
  });

  it("gives each step its path, type and label", () => {
    const [flow] = outline.flows;
    expect(flow?.process.path).toEqual(["flows", 0, "process"]);
    expect(flow?.process.steps.map(brief)).toEqual([
      { path: ["flows", 0, "process", 0], kind: "block", type: "set-variable", label: "Set Variable" },
      { path: ["flows", 0, "process", 1], kind: "block", type: "flow-ref", label: "Flow Reference" },
      { path: ["flows", 0, "process", 2], kind: "block", type: "switch", label: "Switch" },
    ]);
    expect(flow?.error).toBeUndefined();
  });

  it("opens the switch into its cases and default, and the if into then and else", () => {
    const sw = outline.flows[0]?.process.steps[2];
    expect(sw?.scopes.map(scope)).toEqual([
      {
        field: "cases",
        label: "case 1",
        path: ["flows", 0, "process", 2, "cases", 0, "process"],
        steps: ["set-payload"],
      },
      {
        field: "cases",
        label: "case 2",
        path: ["flows", 0, "process", 2, "cases", 1, "process"],
        steps: ["if", "flow-ref", "set-variable"],
      },
      {
        field: "default",
        label: "default",
        path: ["flows", 0, "process", 2, "default", "process"],
        steps: ["set-variable", "set-payload"],
      },
    ]);
    expect(sw?.scopes[0]?.details).toEqual({ when: 'vars.method == "GET"' });
    expect(sw?.scopes[1]?.entryPath).toEqual(["flows", 0, "process", 2, "cases", 1]);
    expect(sw?.scopes[1]?.index).toBe(1);
    const ifStep = sw?.scopes[1]?.steps[0];
    expect(ifStep?.scopes.map(scope)).toEqual([
      {
        field: "then",
        label: "then",
        path: ["flows", 0, "process", 2, "cases", 1, "process", 0, "then", "process"],
        steps: ["set-variable"],
      },
      {
        field: "else",
        label: "else",
        path: ["flows", 0, "process", 2, "cases", 1, "process", 0, "else", "process"],
        steps: ["set-variable"],
      },
    ]);
  });

  it("walks every step and every lane", () => {
    expect(allSteps(outline)).toHaveLength(13);
    expect(allLanes(outline).map((l) => l.path.join("."))).toContain(
      "flows.0.process.2.cases.1.process.0.else.process",
    );
  });
});

describe("outlineOf edge cases", () => {
  const TEXT = `processors:
  - name: greeter
    type: log
    settings: { message: '"hi"' }
flows:
  - name: main
    process:
      - ref: greeter
        name: say-hi
      - ref: missing
      - type: teleport
        name: beam
        process: [{ type: log }]
      - just a string
      - { name: no-type }
      - type: if
        condition: "true"
        then:
          process: []
      - type: fork
        branches:
          - process: []
          - name: audit
            process: [{ type: log }]
      - type: handle-errors
        process: [{ type: log }]
        error: []
    error:
      - type: log
        settings: { message: '"failed"' }
`;
  const outline = outlineOf(openDocument(TEXT), info);
  const steps = outline.flows[0]?.process.steps ?? [];

  it("resolves ref steps to their processor's type", () => {
    expect(outline.processors.map(brief)).toEqual([
      { path: ["processors", 0], kind: "block", type: "log", label: "greeter" },
    ]);
    expect(steps[0]).toMatchObject({
      kind: "ref",
      ref: "greeter",
      type: "log",
      name: "say-hi",
      label: "say-hi",
    });
    expect(steps[1]).toMatchObject({ kind: "ref", ref: "missing", label: "missing" });
    expect(steps[1]?.type).toBeUndefined();
  });

  it("keeps unknown block types and malformed steps as leaves", () => {
    expect(steps[2]).toEqual({
      path: ["flows", 0, "process", 2],
      kind: "unknown",
      type: "teleport",
      name: "beam",
      label: "beam",
      scopes: [],
    });
    expect(steps[3]).toMatchObject({ kind: "invalid", label: "just a string", scopes: [] });
    expect(steps[4]).toMatchObject({ kind: "invalid", name: "no-type", label: "no-type" });
  });

  it("shows optional scopes that are not written yet, so that steps can be dropped there", () => {
    const ifStep = steps[5];
    expect(ifStep?.scopes.map((s) => [s.label, s.present, s.path])).toEqual([
      ["then", true, ["flows", 0, "process", 5, "then", "process"]],
      ["else", false, ["flows", 0, "process", 5, "else", "process"]],
    ]);
  });

  it("labels fork branches by name or number and handle-errors lists by key", () => {
    expect(steps[6]?.scopes.map((s) => [s.label, s.path.join(".")])).toEqual([
      ["branch 1", "flows.0.process.6.branches.0.process"],
      ["audit", "flows.0.process.6.branches.1.process"],
    ]);
    expect(steps[7]?.scopes.map((s) => [s.label, s.path.join("."), s.steps.length])).toEqual([
      ["process", "flows.0.process.7.process", 1],
      ["error", "flows.0.process.7.error", 0],
    ]);
  });

  it("has the flow's error lane", () => {
    expect(outline.flows[0]?.error?.path).toEqual(["flows", 0, "error"]);
    expect(outline.flows[0]?.error?.steps.map(brief)).toEqual([
      { path: ["flows", 0, "error", 0], kind: "block", type: "log", label: "Log" },
    ]);
  });

  it("labels AI routes and tools by name", () => {
    const outlineAi = outlineOf(openDocument(sample("ai-router")), info);
    const router = outlineAi.flows[0]?.process.steps[0];
    expect(router?.label).toBe("pick-team");
    expect(router?.scopes.map((s) => s.label)).toEqual(["billing", "technical", "sales", "default"]);
  });

  it("reads a document that is not a config without throwing", () => {
    expect(outlineOf(openDocument("- 1\n- 2\n"), info).flows).toEqual([]);
    expect(outlineOf(openDocument("flows: 3\n"), info).flows).toEqual([]);
    expect(outlineOf(openDocument("flows: [\n"), info).flows).toEqual([]);
  });
});
