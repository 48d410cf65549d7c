import { describe, expect, it } from "vitest";
import { configJsonSchema } from "../../../../../packages/runtime/src/dsl/json-schema.ts";
import { loadRegistry } from "../../../../../packages/runtime/src/plugin/load-plugins.ts";
import { deriveSchemaInfo, type JsonSchema, type ScopeField, singular } from "./schema-info.ts";

// The registry `octo schema` prints (core blocks plus the default plugins that are installed).
const schema = configJsonSchema(await loadRegistry({})) as JsonSchema;
const info = deriveSchemaInfo(schema);

function scopes(type: string): Array<Pick<ScopeField, "name" | "shape" | "required" | "entryKeys">> {
  const block = info.blocks.get(type);
  if (!block) throw new Error(`no block ${type}`);
  return block.scopes.map(({ name, shape, required, entryKeys }) => ({ name, shape, required, entryKeys }));
}

describe("deriveSchemaInfo on the runtime's schema", () => {
  it("finds the scope fields of the core composite blocks", () => {
    expect(scopes("if")).toEqual([
      { name: "then", shape: "flow", required: true, entryKeys: ["name", "description"] },
      { name: "else", shape: "flow", required: false, entryKeys: ["name", "description"] },
    ]);
    expect(scopes("switch")).toEqual([
      { name: "cases", shape: "flow-list", required: true, entryKeys: ["name", "description", "when"] },
      { name: "default", shape: "flow", required: false, entryKeys: ["name", "description"] },
    ]);
    expect(scopes("foreach")).toEqual([
      { name: "body", shape: "flow", required: true, entryKeys: ["name", "description"] },
    ]);
    expect(scopes("fork")).toEqual([
      { name: "branches", shape: "flow-list", required: true, entryKeys: ["name", "description"] },
    ]);
    expect(scopes("handle-errors")).toEqual([
      { name: "process", shape: "block-list", required: true, entryKeys: [] },
      { name: "error", shape: "block-list", required: true, entryKeys: [] },
    ]);
    expect(scopes("cache-scope").map((s) => [s.name, s.shape])).toEqual([["body", "flow"]]);
  });

  it("keeps per-entry requirements and list minimums", () => {
    const cases = info.blocks.get("switch")?.scopes[0];
    expect(cases?.requiredEntryKeys).toEqual(["when"]);
    expect(cases?.minItems).toBe(1);
  });

  // @octo/ai is a default plugin and the repo root installs it, as for `octo schema`.
  it("finds the AI blocks' scopes", () => {
    expect(scopes("ai-router").map((s) => [s.name, s.shape, s.required])).toEqual([
      ["routes", "flow-list", true],
      ["default", "flow", false],
    ]);
    expect(scopes("ai-agent").find((s) => s.name === "tools")?.entryKeys).toContain("inputSchema");
    expect(scopes("ai-retry").map((s) => [s.name, s.shape, s.required])).toEqual([
      ["process", "block-list", true],
      ["error", "block-list", false],
    ]);
  });

  it("describes leaf blocks by their settings and composites by their top-level fields", () => {
    const log = info.blocks.get("log");
    expect(log?.title).toBe("Log");
    expect(log?.category).toBe("processor");
    expect(log?.scopes).toEqual([]);
    expect(Object.keys((log?.settings?.properties as object) ?? {})).toContain("message");
    expect(info.blocks.get("rest")?.category).toBe("connector");
    const foreach = info.blocks.get("foreach");
    expect(foreach?.category).toBe("control-flow");
    expect(Object.keys(foreach?.fields ?? {})).toEqual(["items", "as"]);
    expect(foreach?.required).toEqual(["items", "body"]);
    expect(foreach?.settings).toBeUndefined();
  });

  it("groups types that share a prefix", () => {
    expect(info.blocks.get("object-read")?.family).toBe("object");
    expect(info.blocks.get("flow-ref")?.family).toBeUndefined();
  });

  it("lists the ref form, connectors and sources", () => {
    expect(info.refBlock?.required).toEqual(["ref"]);
    expect(info.blocks.has("ref")).toBe(false);
    expect(info.connectors.get("http")?.title).toBe("HTTP Server");
    expect(info.sources.get("cron")?.settings).toBeDefined();
  });
});

describe("deriveSchemaInfo on a hand-made schema", () => {
  it("finds a new composite's scopes without knowing its type", () => {
    const list = { type: "array", items: { $ref: "#/$defs/block" } };
    const custom = deriveSchemaInfo({
      $defs: {
        block: {
          oneOf: [
            {
              title: "Retry",
              properties: {
                type: { const: "retry" },
                attempts: { type: "integer" },
                steps: list,
                lanes: { type: "array", items: { type: "object", properties: { tag: {}, process: list } } },
              },
              required: ["type", "steps"],
            },
          ],
        },
      },
    });
    expect(custom.blocks.get("retry")?.scopes.map((s) => [s.name, s.shape, s.required, s.entryKeys])).toEqual(
      [
        ["steps", "block-list", true, []],
        ["lanes", "flow-list", false, ["tag"]],
      ],
    );
    expect(Object.keys(custom.blocks.get("retry")?.fields ?? {})).toEqual(["attempts"]);
  });

  it("singularizes list field names for labels", () => {
    expect(["cases", "branches", "routes", "tools", "body"].map(singular)).toEqual([
      "case",
      "branch",
      "route",
      "tool",
      "body",
    ]);
  });
});
