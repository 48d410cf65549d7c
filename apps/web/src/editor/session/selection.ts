/**
 * What the settings panel edits for a selected path: the schema of the form, where its value
 * lives in the document, the value itself, and which keys the form owns. And the reverse lookup
 * a problem needs: which step a YAML line belongs to.
 */
import { isNode } from "yaml";
import { type EditorDocument, locate, type Path, positionOf } from "../model/document.ts";
import { allSteps, type Outline, type StepOutline } from "../model/outline.ts";
import type { JsonSchema, SchemaInfo } from "../model/schema-info.ts";

export type SettingsTarget =
  | {
      kind: "step" | "connector" | "source" | "entry";
      title: string;
      description?: string;
      /** The form's schema: an object schema. */
      schema: JsonSchema;
      /** Where the form's value lives (a map). */
      valuePath: Path;
      value: Record<string, unknown>;
      /** The keys the form owns; undefined: every key of the map. */
      keys?: readonly string[];
      /** The step's or connector's `name`, edited beside the form. */
      namePath?: Path;
      name?: string;
    }
  | { kind: "flow"; title: string; path: Path; name?: string; source?: { connector?: string; type?: string } }
  | { kind: "none" };

export function samePath(a: Path | undefined, b: Path | undefined): boolean {
  return a !== undefined && b !== undefined && a.length === b.length && a.every((s, i) => s === b[i]);
}

/** The plain value at `path` (a YAML node made JavaScript), or undefined. */
export function valueAt(doc: EditorDocument, path: Path): unknown {
  const found = locate(doc.yaml.contents, path);
  if (!found) return undefined;
  return isNode(found.node) ? found.node.toJSON() : found.node;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function pick(value: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([k]) => keys.includes(k)));
}

const EMPTY_OBJECT: JsonSchema = { type: "object", properties: {} };

function stepTarget(doc: EditorDocument, info: SchemaInfo, step: StepOutline): SettingsTarget {
  const name = valueAt(doc, [...step.path, "name"]);
  const common = {
    namePath: [...step.path, "name"],
    ...(typeof name === "string" ? { name } : {}),
  };
  const block = step.kind === "block" && step.type ? info.blocks.get(step.type) : undefined;
  if (!block) {
    return {
      kind: "step",
      title: step.label,
      description:
        step.kind === "ref"
          ? `Runs the processor "${step.ref}" declared under processors:; edit it there.`
          : "The schema does not know this block; edit it in the YAML view.",
      schema: EMPTY_OBJECT,
      valuePath: step.path,
      value: {},
      keys: [],
      ...common,
    };
  }
  if (block.settings) {
    const valuePath = [...step.path, "settings"];
    return {
      kind: "step",
      title: block.title,
      ...(block.description ? { description: block.description } : {}),
      schema: block.settings,
      valuePath,
      value: asRecord(valueAt(doc, valuePath)),
      ...common,
    };
  }
  // A composite block: its own fields sit beside `type`; the scopes belong to the canvas.
  const keys = Object.keys(block.fields);
  return {
    kind: "step",
    title: block.title,
    ...(block.description ? { description: block.description } : {}),
    schema: {
      type: "object",
      properties: block.fields,
      required: block.required.filter((k) => keys.includes(k)),
    },
    valuePath: step.path,
    value: pick(asRecord(valueAt(doc, step.path)), keys),
    keys,
    ...common,
  };
}

/** What the settings panel shows for `path` (a step, a connector, a flow, its source, a case). */
export function settingsTargetOf(
  doc: EditorDocument,
  outline: Outline,
  info: SchemaInfo,
  path: Path | undefined,
): SettingsTarget {
  if (!path) return { kind: "none" };
  const step = allSteps(outline).find((s) => samePath(s.path, path));
  if (step) return stepTarget(doc, info, step);

  const connector = outline.connectors.find((c) => samePath(c.path, path));
  if (connector) {
    const spec = connector.type ? info.connectors.get(connector.type) : undefined;
    const valuePath = [...path, "settings"];
    return {
      kind: "connector",
      title: spec?.title ?? connector.type ?? "Connector",
      ...(spec?.description ? { description: spec.description } : {}),
      schema: spec?.settings ?? EMPTY_OBJECT,
      valuePath,
      value: asRecord(valueAt(doc, valuePath)),
      namePath: [...path, "name"],
      ...(connector.name ? { name: connector.name } : {}),
    };
  }

  for (const flow of outline.flows) {
    if (samePath(flow.path, path)) {
      const source = flow.source
        ? {
            ...(flow.source.connector ? { connector: flow.source.connector } : {}),
            ...(flow.source.type ? { type: flow.source.type } : {}),
          }
        : undefined;
      return {
        kind: "flow",
        title: "Flow",
        path,
        ...(flow.name ? { name: flow.name } : {}),
        ...(source ? { source } : {}),
      };
    }
    if (flow.source && samePath(flow.source.path, path)) {
      const type = flow.source.type ?? connectorType(outline, flow.source.connector);
      const spec = type ? info.sources.get(type) : undefined;
      const valuePath = [...path, "settings"];
      return {
        kind: "source",
        title: spec?.title ?? "Source",
        schema: spec?.settings ?? EMPTY_OBJECT,
        valuePath,
        value: asRecord(valueAt(doc, valuePath)),
      };
    }
  }

  // A flow-list entry (a switch case, a route): its own keys beside `process`.
  for (const s of allSteps(outline)) {
    for (const scope of s.scopes) {
      if (scope.index === undefined || !samePath(scope.entryPath, path)) continue;
      const block = s.type ? info.blocks.get(s.type) : undefined;
      const field = block?.scopes.find((f) => f.name === scope.field);
      const entrySchema = field?.entrySchema ?? EMPTY_OBJECT;
      const keys = field?.entryKeys.filter((k) => k !== "process") ?? [];
      const props = Object.fromEntries(
        Object.entries((entrySchema.properties ?? {}) as Record<string, JsonSchema>).filter(([k]) =>
          keys.includes(k),
        ),
      );
      return {
        kind: "entry",
        title: `${s.label} › ${scope.label}`,
        schema: { type: "object", properties: props, required: field?.requiredEntryKeys ?? [] },
        valuePath: path,
        value: pick(asRecord(valueAt(doc, path)), keys),
        keys,
      };
    }
  }
  return { kind: "none" };
}

function connectorType(outline: Outline, name: string | undefined): string | undefined {
  if (!name) return undefined;
  return outline.connectors.find((c) => c.name === name)?.type ?? name;
}

/** The deepest step that starts at or before `line`: where a problem on that line belongs. */
export function stepAtLine(doc: EditorDocument, outline: Outline, line: number): Path | undefined {
  let best: { path: Path; line: number; depth: number } | undefined;
  for (const step of allSteps(outline)) {
    const at = positionOf(doc, step.path);
    if (!at || at.line > line) continue;
    if (!best || at.line > best.line || (at.line === best.line && step.path.length > best.depth))
      best = { path: step.path, line: at.line, depth: step.path.length };
  }
  return best?.path;
}

/**
 * The runtime's problems that belong to one field of the form: on that key's line, and when
 * several keys share the line (a flow-style map), only the one the message names.
 */
export function fieldErrorsOf(
  doc: EditorDocument,
  valuePath: Path,
  value: Readonly<Record<string, unknown>>,
  problems: readonly { line?: number | undefined; message: string }[],
): Record<string, string> {
  const lines = new Map<string, number>();
  for (const key of Object.keys(value)) {
    const at = positionOf(doc, [...valuePath, key]);
    if (at) lines.set(key, at.line);
  }
  const out: Record<string, string> = {};
  for (const p of problems) {
    if (p.line === undefined) continue;
    const keys = [...lines].filter(([, line]) => line === p.line).map(([k]) => k);
    const key = keys.length === 1 ? keys[0] : keys.find((k) => new RegExp(`\\b${k}\\b`).test(p.message));
    if (key !== undefined && out[key] === undefined) out[key] = p.message;
  }
  return out;
}
