import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configJsonSchema } from "../../../../../packages/runtime/src/dsl/json-schema.ts";
import { loadRegistry } from "../../../../../packages/runtime/src/plugin/load-plugins.ts";
import { EditError, openDocument, toYaml } from "./document.ts";
import {
  addConnector,
  addFlow,
  copyStep,
  deleteAt,
  insertStep,
  movedStepPath,
  moveStep,
  newRefStep,
  newStep,
  pasteStep,
  pathAfterInsert,
  pathAfterRemove,
  removeConnector,
  removeFlow,
  removeStep,
  renameFlow,
  setAt,
  setEnvVars,
  uniqueName,
} from "./edits.ts";
import { outlineOf } from "./outline.ts";
import { deriveSchemaInfo, type JsonSchema } from "./schema-info.ts";

const info = deriveSchemaInfo(configJsonSchema(await loadRegistry({})) as JsonSchema);

const FLOW = `flows:
  - name: main
    process:
      # about a
      - type: log
        name: a
      - type: log
        name: b   # b's comment
      - type: switch
        name: sw
        cases:
          - when: "true"
            process:
              - type: log
                name: c
        default:
          process: []
      - type: log
        name: d
`;

/** The step names of a list, read back from the written YAML. */
function namesAt(text: string, ...path: Array<string | number>): unknown[] {
  let node: unknown = parse(text);
  for (const seg of path) node = (node as Record<string | number, unknown>)[seg];
  return (node as Array<{ name?: string }>).map((s) => s.name);
}

describe("insertStep / removeStep", () => {
  it("inserts at an index and leaves the input document alone", () => {
    const doc = openDocument(FLOW);
    const edited = insertStep(doc, ["flows", 0, "process"], 1, { type: "log", name: "new" });
    expect(namesAt(toYaml(edited), "flows", 0, "process")).toEqual(["a", "new", "b", "sw", "d"]);
    expect(toYaml(doc)).toBe(FLOW);
    expect(doc.yaml.getIn(["flows", 0, "process"], false)).toHaveProperty("items.length", 4);
    expect(toYaml(edited)).toContain("      - type: log\n        name: new\n");
  });

  it("creates a missing scope and turns an empty [] into a block list", () => {
    const doc = openDocument(FLOW);
    const intoDefault = insertStep(doc, ["flows", 0, "process", 2, "default", "process"], 0, { type: "log" });
    expect(toYaml(intoDefault)).toContain("        default:\n          process:\n            - type: log\n");
    const withElse = insertStep(
      openDocument("type: if\ncondition: x\nthen:\n  process: []\n"),
      ["else", "process"],
      0,
      {
        type: "log",
      },
    );
    expect(toYaml(withElse)).toBe(
      "type: if\ncondition: x\nthen:\n  process: []\nelse:\n  process:\n    - type: log\n",
    );
  });

  it("removes a step together with the comments on it", () => {
    const doc = openDocument(FLOW);
    const withoutA = removeStep(doc, ["flows", 0, "process", 0]);
    expect(toYaml(withoutA)).not.toContain("# about a");
    expect(namesAt(toYaml(withoutA), "flows", 0, "process")).toEqual(["b", "sw", "d"]);
    const withoutB = removeStep(doc, ["flows", 0, "process", 1]);
    expect(toYaml(withoutB)).not.toContain("b's comment");
    expect(toYaml(withoutB)).toContain("# about a");
  });

  it("rejects paths that are not lists or indices out of range", () => {
    const doc = openDocument(FLOW);
    expect(() => insertStep(doc, ["flows", 0, "name"], 0, { type: "log" })).toThrow(EditError);
    expect(() => insertStep(doc, ["flows", 0, "process"], 9, { type: "log" })).toThrow(/outside/);
    expect(() => removeStep(doc, ["flows", 0, "process", 4])).toThrow(EditError);
    expect(() => removeStep(doc, ["flows", 0, "process"])).toThrow(/not a list entry/);
  });
});

describe("moveStep", () => {
  const doc = openDocument(FLOW);
  const main = ["flows", 0, "process"];

  it("moves down and up within one list (the slot is counted before the move)", () => {
    const down = moveStep(doc, [...main, 0], main, 3);
    expect(namesAt(toYaml(down), "flows", 0, "process")).toEqual(["b", "sw", "a", "d"]);
    expect(toYaml(down)).toContain(
      "      # about a\n      - type: log\n        name: a\n      - type: log\n        name: d",
    );
    expect(movedStepPath([...main, 0], main, 3)).toEqual([...main, 2]);
    const up = moveStep(doc, [...main, 3], main, 0);
    expect(namesAt(toYaml(up), "flows", 0, "process")).toEqual(["d", "a", "b", "sw"]);
    expect(moveStep(doc, [...main, 1], main, 1)).toBe(doc);
    expect(moveStep(doc, [...main, 1], main, 2)).toBe(doc);
  });

  it("moves into a scope of a later sibling, whose index shifts when the step leaves", () => {
    const caseList = [...main, 2, "cases", 0, "process"];
    const moved = moveStep(doc, [...main, 0], caseList, 1);
    const text = toYaml(moved);
    expect(namesAt(text, "flows", 0, "process")).toEqual(["b", "sw", "d"]);
    expect(namesAt(text, "flows", 0, "process", 1, "cases", 0, "process")).toEqual(["c", "a"]);
    expect(text).toContain("              # about a\n              - type: log\n                name: a\n");
    expect(movedStepPath([...main, 0], caseList, 1)).toEqual([...main, 1, "cases", 0, "process", 1]);
  });

  it("moves out of a nested scope to the top and back", () => {
    const from = [...main, 2, "cases", 0, "process", 0];
    const out = moveStep(doc, from, main, 0);
    expect(namesAt(toYaml(out), "flows", 0, "process")).toEqual(["c", "a", "b", "sw", "d"]);
    expect(namesAt(toYaml(out), "flows", 0, "process", 3, "cases", 0, "process")).toEqual([]);
    const now = movedStepPath(from, main, 0);
    expect(now).toEqual([...main, 0]);
    const back = pathAfterInsert(pathAfterRemove([...main, 2, "cases", 0, "process"], from) ?? [], now);
    expect(back).toEqual([...main, 3, "cases", 0, "process"]);
    expect(toYaml(moveStep(out, now, back, 0))).toBe(FLOW);
  });

  it("moves to another flow", () => {
    const two = openDocument(`${FLOW}  - name: other\n    process: []\n`);
    const moved = moveStep(two, [...main, 1], ["flows", 1, "process"], 0);
    expect(toYaml(moved)).toContain(
      "  - name: other\n    process:\n      - type: log\n        name: b   # b's comment\n",
    );
  });

  it("refuses to move a step into itself", () => {
    expect(() => moveStep(doc, [...main, 2], [...main, 2, "cases", 0, "process"], 0)).toThrow(/into itself/);
  });
});

describe("paths across edits", () => {
  it("shifts later siblings and what is inside them", () => {
    expect(pathAfterRemove(["p", 3, "x"], ["p", 1])).toEqual(["p", 2, "x"]);
    expect(pathAfterRemove(["p", 0, "x"], ["p", 1])).toEqual(["p", 0, "x"]);
    expect(pathAfterRemove(["p", 1, "x"], ["p", 1])).toBeUndefined();
    expect(pathAfterRemove(["q", 3], ["p", 1])).toEqual(["q", 3]);
    expect(pathAfterInsert(["p", 1, "x"], ["p", 1])).toEqual(["p", 2, "x"]);
    expect(pathAfterInsert(["p", 0], ["p", 1])).toEqual(["p", 0]);
  });
});

describe("setAt / deleteAt", () => {
  const TEXT = `flows:
  - name: a   # keep me
    process:
      - type: log
        settings: { message: '"hi"' }
`;

  it("keeps a scalar's quoting and comment when it is replaced", () => {
    const doc = openDocument(TEXT);
    const edited = setAt(doc, ["flows", 0, "process", 0, "settings", "message"], '"bye"');
    expect(toYaml(edited)).toContain(`settings: { message: '"bye"' }`);
    expect(toYaml(setAt(doc, ["flows", 0, "name"], "b"))).toContain("  - name: b   # keep me\n");
  });

  it("creates missing maps on the way and appends to a list at its length", () => {
    const doc = openDocument(TEXT);
    const edited = setAt(doc, ["flows", 0, "source", "settings", "path"], "/x");
    expect(parse(toYaml(edited)).flows[0].source).toEqual({ settings: { path: "/x" } });
    const appended = setAt(doc, ["flows", 0, "process", 1], { type: "log" });
    expect(parse(toYaml(appended)).flows[0].process).toHaveLength(2);
    expect(() => setAt(doc, ["flows", 0, "process", 5], {})).toThrow(EditError);
  });

  it("replaces a map, keeping the comment on its key's line", () => {
    const doc = openDocument("a:   # note\n  b: 1\n");
    expect(toYaml(setAt(doc, ["a"], { c: 2 }))).toBe("a:   # note\n  c: 2\n");
  });

  it("deletes keys and list items; a missing path changes nothing", () => {
    const doc = openDocument(TEXT);
    expect(parse(toYaml(deleteAt(doc, ["flows", 0, "process", 0, "settings"])))).toEqual({
      flows: [{ name: "a", process: [{ type: "log" }] }],
    });
    expect(deleteAt(doc, ["flows", 0, "nope"])).toBe(doc);
  });
});

describe("flows, connectors, env", () => {
  const TEXT = `# header
service: { name: demo }

env:
  - { name: PORT, default: "8080" } # the port
  - { name: TOKEN, required: true, x-note: keep }

flows:
  - name: caller
    process:
      - type: flow-ref
        settings: { flow: worker }
  - name: worker
    process: []
`;

  it("adds a flow to an empty document and to an existing list", () => {
    expect(toYaml(addFlow(openDocument(""), "first"))).toBe("flows:\n  - name: first\n    process: []\n");
    const doc = addFlow(openDocument(TEXT), "third");
    expect(toYaml(doc)).toBe(`${TEXT}  - name: third\n    process: []\n`);
    expect(() => addFlow(doc, "worker")).toThrow(/exists/);
  });

  it("removes and renames flows; a rename follows flow-ref", () => {
    const doc = openDocument(TEXT);
    expect(parse(toYaml(removeFlow(doc, "caller"))).flows).toEqual([{ name: "worker", process: [] }]);
    const renamed = toYaml(renameFlow(doc, "worker", "job"));
    expect(renamed).toContain("settings: { flow: job }");
    expect(renamed).toContain("  - name: job\n");
    expect(() => renameFlow(doc, "caller", "worker")).toThrow(/exists/);
    expect(() => removeFlow(doc, "nope")).toThrow(/no flow/);
  });

  it("adds a connector section in its usual place, and removes connectors", () => {
    const doc = addConnector(openDocument(TEXT), { name: "api", type: "http", settings: { port: 8080 } });
    const text = toYaml(doc);
    expect(text).toContain(
      "# the port\n  - { name: TOKEN, required: true, x-note: keep }\n\nconnectors:\n  - name: api\n",
    );
    expect(Object.keys(parse(text))).toEqual(["service", "env", "connectors", "flows"]);
    const second = addConnector(doc, { name: "db", type: "database" });
    expect(parse(toYaml(second)).connectors).toEqual([
      { name: "api", type: "http", settings: { port: 8080 } },
      { name: "db", type: "database" },
    ]);
    expect(() => addConnector(second, { name: "db", type: "x" })).toThrow(/exists/);
    expect(parse(toYaml(removeConnector(second, "api"))).connectors).toEqual([
      { name: "db", type: "database" },
    ]);
  });

  it("sets env vars, keeping the nodes (comments, unknown keys) of those that stay", () => {
    const doc = openDocument(TEXT);
    const edited = setEnvVars(doc, [
      { name: "TOKEN", required: true, secret: true },
      { name: "PORT", default: "9090" },
      { name: "NEW", default: 1 },
    ]);
    const text = toYaml(edited);
    expect(parse(text).env).toEqual([
      { name: "TOKEN", required: true, "x-note": "keep", secret: true },
      { name: "PORT", default: "9090" },
      { name: "NEW", default: 1 },
    ]);
    expect(text).toContain('  - { name: PORT, default: "9090" } # the port\n');
    expect(text).toContain("  - { name: NEW, default: 1 }\n");
    const none = toYaml(setEnvVars(doc, []));
    expect(parse(none).env).toBeUndefined();
    expect(none).toContain("# header\n");
  });
});

describe("newStep / uniqueName", () => {
  it("seeds required fields and scopes from the schema", () => {
    expect(newStep(info, "if")).toEqual({ type: "if", condition: "", then: { process: [] } });
    expect(newStep(info, "switch")).toEqual({ type: "switch", cases: [{ when: "", process: [] }] });
    expect(newStep(info, "handle-errors")).toEqual({ type: "handle-errors", process: [], error: [] });
    expect(newStep(info, "foreach")).toEqual({
      type: "foreach",
      items: "",
      as: "item",
      body: { process: [] },
    });
    expect(newStep(info, "set-variable")).toEqual({
      type: "set-variable",
      settings: { name: "", value: "" },
    });
    expect(newStep(info, "log")).toEqual({ type: "log", settings: { level: "info", full: false } });
    expect(newStep(info, "log", { includeDefaults: false })).toEqual({ type: "log", settings: {} });
    expect(newStep(info, "no-such-block")).toEqual({ type: "no-such-block" });
    expect(newRefStep("greeter")).toEqual({ ref: "greeter" });
  });

  it("gives a new step that the outline reads as the block it is", () => {
    const doc = insertStep(
      openDocument("flows:\n  - name: f\n    process: []\n"),
      ["flows", 0, "process"],
      0,
      newStep(info, "fork"),
    );
    const step = outlineOf(doc, info).flows[0]?.process.steps[0];
    expect(step?.kind).toBe("block");
    expect(step?.scopes.map((s) => s.label)).toEqual(["branch 1"]);
  });

  it("numbers names that are taken", () => {
    expect(uniqueName([], "http")).toBe("http");
    expect(uniqueName(["http"], "http")).toBe("http-2");
    expect(uniqueName(["http", "http-2"], "http")).toBe("http-3");
    expect(uniqueName(["http", "http-2"], "http-2")).toBe("http-3");
  });
});

describe("copyStep / pasteStep", () => {
  it("copies a step with its comments and pastes it elsewhere, also into another document", () => {
    const doc = openDocument(FLOW);
    const clip = copyStep(doc, ["flows", 0, "process", 0]);
    const pasted = pasteStep(doc, ["flows", 0, "process", 2, "default", "process"], 0, clip);
    expect(toYaml(pasted)).toContain(
      "          process:\n            # about a\n            - type: log\n              name: a\n",
    );
    expect(toYaml(pasted)).toContain("    process:\n      # about a\n      - type: log\n");
    const other = pasteStep(openDocument("process: []\n"), ["process"], 0, clip);
    expect(toYaml(other)).toBe("process:\n  # about a\n  - type: log\n    name: a\n");
    expect(toYaml(doc)).toBe(FLOW);
  });

  it("resolves aliases in the copy", () => {
    const doc = openDocument("defaults: &d { level: warn }\nprocess:\n  - type: log\n    settings: *d\n");
    const clip = copyStep(doc, ["process", 0]);
    expect(toYaml(pasteStep(openDocument("process: []\n"), ["process"], 0, clip))).toBe(
      "process:\n  - type: log\n    settings:\n      level: warn\n",
    );
  });
});

describe("on a real sample", () => {
  it("adds a step into http-orders' switch and writes only the new lines", () => {
    const text = readFileSync(
      new URL("../../../../../samples/http-orders/http-orders.yaml", import.meta.url),
      "utf8",
    );
    const doc = openDocument(text);
    const edited = insertStep(doc, ["flows", 0, "process", 2, "cases", 0, "process"], 1, {
      type: "log",
      settings: { message: '"got it"' },
    });
    const before = text.split("\n");
    const after = toYaml(edited).split("\n");
    const at = after.indexOf("                  message: '\"got it\"'") - 2;
    expect(after.slice(at, at + 3)).toEqual([
      "              - type: log",
      "                settings:",
      "                  message: '\"got it\"'",
    ]);
    expect([...after.slice(0, at), ...after.slice(at + 3)]).toEqual(before);
  });
});
