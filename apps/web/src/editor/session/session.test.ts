// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the sample names env vars as ${NAME}
// The editor's pure rules on the runtime's real schema and a real sample: what is dirty, how
// typing coalesces into one undo step, a change elsewhere, what the settings panel edits for a
// selection, and that a form's answer is written key by key (comments elsewhere survive).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configJsonSchema } from "../../../../../packages/runtime/src/dsl/json-schema.ts";
import { loadRegistry } from "../../../../../packages/runtime/src/plugin/load-plugins.ts";
import { openDocument } from "../model/document.ts";
import { outlineOf } from "../model/outline.ts";
import { deriveSchemaInfo, type JsonSchema } from "../model/schema-info.ts";
import { editorReducer, initialState, isDirty, TYPING_MS } from "./editor-state.ts";
import { fieldErrorsOf, settingsTargetOf, stepAtLine, valueAt } from "./selection.ts";
import { patchKeys } from "./settings-patch.ts";

const info = deriveSchemaInfo(configJsonSchema(await loadRegistry({})) as JsonSchema);
const ORDERS = readFileSync(
  join(import.meta.dirname, "../../../../../samples/http-orders/http-orders.yaml"),
  "utf8",
);
const saved = { text: ORDERS, lastUpdated: "2026-12-01T10:00:00.000Z" };

describe("editor state", () => {
  it("is dirty after an edit, clean after undo, and clean again once saved", () => {
    let s = initialState(saved);
    expect(isDirty(s)).toBe(false);
    s = editorReducer(s, { type: "type", text: `${ORDERS}# note\n`, at: 0 });
    expect(isDirty(s)).toBe(true);
    s = editorReducer(s, { type: "undo" });
    expect(isDirty(s)).toBe(false);
    s = editorReducer(s, { type: "redo" });
    s = editorReducer(s, {
      type: "saved",
      saved: { text: `${ORDERS}# note\n`, lastUpdated: "2026-12-01T10:01:00.000Z" },
    });
    expect(isDirty(s)).toBe(false);
  });

  it("records quick typing as one undo step and a pause as a new one", () => {
    let s = initialState(saved);
    s = editorReducer(s, { type: "type", text: `${ORDERS}#`, at: 0 });
    s = editorReducer(s, { type: "type", text: `${ORDERS}#a`, at: TYPING_MS - 1 });
    s = editorReducer(s, { type: "type", text: `${ORDERS}#ab`, at: 3 * TYPING_MS });
    expect(s.history.past.map((d) => d.text.slice(ORDERS.length))).toEqual(["", "#a"]);
    s = editorReducer(s, { type: "undo" });
    expect(s.history.present.text).toBe(`${ORDERS}#a`);
  });

  it("raises a change made elsewhere only when there is something of ours to lose", () => {
    const clean = editorReducer(initialState(saved), {
      type: "changed-elsewhere",
      lastUpdated: "2026-12-01T11:00:00.000Z",
    });
    expect(clean.changedElsewhere).toBeUndefined();
    let dirty = editorReducer(initialState(saved), { type: "type", text: "flows: []\n", at: 0 });
    dirty = editorReducer(dirty, { type: "changed-elsewhere", lastUpdated: saved.lastUpdated });
    expect(dirty.changedElsewhere).toBeUndefined();
    dirty = editorReducer(dirty, { type: "changed-elsewhere", lastUpdated: "2026-12-01T11:00:00.000Z" });
    expect(dirty.changedElsewhere).toEqual({ lastUpdated: "2026-12-01T11:00:00.000Z" });
    const reloaded = editorReducer(dirty, {
      type: "reload",
      saved: { text: "flows: []\n# theirs\n", lastUpdated: "2026-12-01T11:00:00.000Z" },
    });
    expect(reloaded.changedElsewhere).toBeUndefined();
    expect(reloaded.history.present.text).toBe("flows: []\n# theirs\n");
    expect(reloaded.history.past).toEqual([]);
  });
});

describe("settings targets", () => {
  const doc = openDocument(ORDERS);
  const outline = outlineOf(doc, info);

  it("edits a leaf block's settings map, a composite's own fields, a connector and a case", () => {
    const orders = outline.flows[0];
    const first = orders?.process.steps[0];
    const leaf = settingsTargetOf(doc, outline, info, first?.path);
    expect(leaf).toMatchObject({
      kind: "step",
      title: "Set Variable",
      valuePath: ["flows", 0, "process", 0, "settings"],
    });
    expect(leaf.kind === "step" && leaf.value).toEqual({
      name: "tenant",
      value: '"X-Tenant" in vars ? vars["X-Tenant"] : "public"',
    });

    const sw = orders?.process.steps.find((s) => s.type === "switch");
    const composite = settingsTargetOf(doc, outline, info, sw?.path);
    // The switch's scopes (cases, default) are the canvas's, not the form's.
    expect(composite.kind === "step" && composite.keys).not.toContain("cases");
    const firstCase = sw?.scopes.find((s) => s.field === "cases");
    const entry = settingsTargetOf(doc, outline, info, firstCase?.entryPath);
    expect(entry).toMatchObject({
      kind: "entry",
      value: { when: 'vars.method == "GET"' },
      keys: expect.arrayContaining(["when"]),
    });

    const api = settingsTargetOf(doc, outline, info, ["connectors", 0]);
    expect(api).toMatchObject({
      kind: "connector",
      name: "api",
      value: { port: "${HTTP_PORT}", basePath: "/api/v1" },
    });
    expect(settingsTargetOf(doc, outline, info, ["flows", 0, "source"])).toMatchObject({
      kind: "source",
      value: { path: "/orders/{id}" },
    });
    expect(settingsTargetOf(doc, outline, info, ["nowhere"])).toEqual({ kind: "none" });
  });

  it("finds the step a YAML line belongs to", () => {
    const line = ORDERS.split("\n").findIndex((l) => l.includes("body.amount >= 1000.0")) + 1;
    const path = stepAtLine(doc, outline, line);
    expect(valueAt(doc, [...(path ?? []), "type"])).toBe("if");
  });
});

describe("fieldErrorsOf", () => {
  it("puts a problem on the field of its line, or the one it names on a shared line", () => {
    const text = `flows:
  - name: f
    process:
      - type: log
        settings:
          message: '1 +'
          level: loud
      - { type: set-variable, settings: { name: x, value: 'y +' } }
`;
    const doc = openDocument(text);
    const log = ["flows", 0, "process", 0, "settings"];
    expect(
      fieldErrorsOf(doc, log, valueAt(doc, log) as Record<string, unknown>, [
        { line: 6, message: "syntax error in message" },
        { line: 7, message: "level must be debug, info, warn or error" },
        { message: "no position" },
      ]),
    ).toEqual({ message: "syntax error in message", level: "level must be debug, info, warn or error" });
    const set = ["flows", 0, "process", 1, "settings"];
    expect(
      fieldErrorsOf(doc, set, valueAt(doc, set) as Record<string, unknown>, [
        { line: 8, message: "settings.value: Syntax error" },
      ]),
    ).toEqual({ value: "settings.value: Syntax error" });
  });
});

describe("patchKeys", () => {
  it("writes changed keys, removes emptied ones, and keeps comments of the others", () => {
    const text = `flows:
  - name: f
    process:
      - type: log
        settings:
          # why we log
          message: '"hi"'
          level: info # quiet
`;
    const doc = openDocument(text);
    const base = ["flows", 0, "process", 0, "settings"];
    const before = valueAt(doc, base) as Record<string, unknown>;
    const next = patchKeys(doc, base, before, { message: '"hello"', full: true });
    expect(valueAt(next, base)).toEqual({ message: '"hello"', full: true });
    expect(next.text).toContain("# why we log");
    // Unchanged input, unchanged text.
    expect(patchKeys(doc, base, before, { ...before }).text).toBe(text);
  });
});
