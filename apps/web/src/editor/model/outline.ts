/**
 * The outline: what the canvas draws, derived from the Document on every change. It holds names,
 * types and paths, never values to write back: edits go through paths (edits.ts), so whatever the
 * outline does not model (unknown keys, comments, settings) stays in the YAML untouched.
 */
import { isMap, isScalar, isSeq, type YAMLMap } from "yaml";
import { type EditorDocument, keyOf, type Path } from "./document.ts";
import { type SchemaInfo, singular } from "./schema-info.ts";

export interface Outline {
  readonly service?: { readonly name?: string; readonly path: Path };
  readonly env: readonly EnvVarOutline[];
  readonly connectors: readonly ConnectorOutline[];
  /** `processors:`: reusable named blocks, used by steps with `ref:`. */
  readonly processors: readonly StepOutline[];
  readonly flows: readonly FlowOutline[];
}

export interface EnvVarOutline {
  readonly name?: string;
  readonly path: Path;
  readonly required: boolean;
  readonly secret: boolean;
  readonly hasDefault: boolean;
}

export interface ConnectorOutline {
  readonly name?: string;
  readonly type?: string;
  readonly path: Path;
}

export interface SourceOutline {
  readonly connector?: string;
  readonly type?: string;
  readonly path: Path;
}

export interface FlowOutline {
  readonly name?: string;
  readonly path: Path;
  readonly source?: SourceOutline;
  readonly process: LaneOutline;
  /** The root flow's error lane, when it has one. */
  readonly error?: LaneOutline;
}

/** A list of steps; `path` is the list's path (insert into it with insertStep). */
export interface LaneOutline {
  readonly path: Path;
  /** False when the list is not in the YAML yet (an optional scope); inserting creates it. */
  readonly present: boolean;
  readonly steps: readonly StepOutline[];
}

/**
 * - `block`: a type the schema knows; `ref`: runs a processor (`ref:`);
 * - `unknown`: a type the schema does not know (shown, kept, never dropped);
 * - `invalid`: not a map, or a map without `type` or `ref`.
 */
export type StepKind = "block" | "ref" | "unknown" | "invalid";

export interface StepOutline {
  readonly path: Path;
  readonly kind: StepKind;
  /** The block type; for a `ref` step, the referenced processor's type when it exists. */
  readonly type?: string;
  readonly ref?: string;
  readonly name?: string;
  /** What to call the step: its name, else the block's title, else type or ref. */
  readonly label: string;
  readonly scopes: readonly ScopeOutline[];
}

export interface ScopeOutline extends LaneOutline {
  /** The block's key: then, else, cases, default, body, branches, routes, tools, process, error. */
  readonly field: string;
  /** then, else, default, body, "case 1", "branch 2", or the entry's name (routes, tools). */
  readonly label: string;
  /** Flow-list entries: the index in the list (`cases[index]`). */
  readonly index?: number;
  /** The entry holding `process` (`…, "cases", 0`); for a block-list scope, the list itself. */
  readonly entryPath: Path;
  /** Scalar per-entry keys such as a case's `when` or a route's `description`. */
  readonly details: Readonly<Record<string, string | number | boolean>>;
}

function scalarAt(map: unknown, key: string): unknown {
  if (!isMap(map)) return undefined;
  const value = map.items.find((p) => keyOf(p.key) === key)?.value;
  return isScalar(value) ? value.value : undefined;
}

function textAt(map: unknown, key: string): string | undefined {
  const v = scalarAt(map, key);
  return typeof v === "string" || typeof v === "number" ? String(v) : undefined;
}

function nodeAt(map: unknown, key: string): unknown {
  if (!isMap(map)) return undefined;
  return map.items.find((p) => keyOf(p.key) === key)?.value;
}

function hasKey(map: unknown, key: string): boolean {
  return isMap(map) && map.items.some((p) => keyOf(p.key) === key);
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function items(node: unknown): unknown[] {
  return isSeq(node) ? node.items : [];
}

export function outlineOf(doc: EditorDocument, info: SchemaInfo): Outline {
  const root = doc.yaml.contents;
  const processorTypes = new Map<string, string | undefined>();
  for (const p of items(nodeAt(root, "processors"))) {
    const name = textAt(p, "name");
    if (name !== undefined && !processorTypes.has(name)) processorTypes.set(name, textAt(p, "type"));
  }
  const ctx: Ctx = { info, processorTypes };
  const service = nodeAt(root, "service");
  return {
    ...(hasKey(root, "service")
      ? { service: { ...optional("name", textAt(service, "name")), path: ["service"] } }
      : {}),
    env: items(nodeAt(root, "env")).map((e, i) => ({
      ...optional("name", textAt(e, "name")),
      path: ["env", i],
      required: scalarAt(e, "required") === true,
      secret: scalarAt(e, "secret") === true,
      hasDefault: hasKey(e, "default"),
    })),
    connectors: items(nodeAt(root, "connectors")).map((c, i) => ({
      ...optional("name", textAt(c, "name")),
      ...optional("type", textAt(c, "type")),
      path: ["connectors", i],
    })),
    processors: items(nodeAt(root, "processors")).map((p, i) => stepOutline(p, ["processors", i], ctx)),
    flows: items(nodeAt(root, "flows")).map((f, i) => flowOutline(f, ["flows", i], ctx)),
  };
}

interface Ctx {
  readonly info: SchemaInfo;
  readonly processorTypes: ReadonlyMap<string, string | undefined>;
}

function flowOutline(flow: unknown, path: Path, ctx: Ctx): FlowOutline {
  const source = nodeAt(flow, "source");
  return {
    ...optional("name", textAt(flow, "name")),
    path,
    ...(hasKey(flow, "source")
      ? {
          source: {
            ...optional("connector", textAt(source, "connector")),
            ...optional("type", textAt(source, "type")),
            path: [...path, "source"],
          },
        }
      : {}),
    process: lane(flow, "process", path, ctx),
    ...(hasKey(flow, "error") ? { error: lane(flow, "error", path, ctx) } : {}),
  };
}

function lane(holder: unknown, key: string, holderPath: Path, ctx: Ctx): LaneOutline {
  const path = [...holderPath, key];
  const list = nodeAt(holder, key);
  return { path, present: isSeq(list), steps: steps(list, path, ctx) };
}

function steps(list: unknown, path: Path, ctx: Ctx): StepOutline[] {
  return items(list).map((step, i) => stepOutline(step, [...path, i], ctx));
}

function stepOutline(step: unknown, path: Path, ctx: Ctx): StepOutline {
  const name = textAt(step, "name");
  const ref = textAt(step, "ref");
  const ownType = textAt(step, "type");
  if (!isMap(step) || (ownType === undefined && ref === undefined)) {
    const text = isScalar(step) ? String(step.value) : undefined;
    return {
      path,
      kind: "invalid",
      ...optional("name", name),
      label: name ?? text ?? "invalid step",
      scopes: [],
    };
  }
  if (ref !== undefined) {
    const type = ownType ?? ctx.processorTypes.get(ref);
    return {
      path,
      kind: "ref",
      ...optional("type", type),
      ref,
      ...optional("name", name),
      label: name ?? ref,
      scopes: [],
    };
  }
  const type = ownType as string;
  const block = ctx.info.blocks.get(type);
  if (!block)
    return { path, kind: "unknown", type, ...optional("name", name), label: name ?? type, scopes: [] };
  const scopes: ScopeOutline[] = [];
  for (const field of block.scopes) {
    const value = nodeAt(step, field.name);
    const fieldPath = [...path, field.name];
    if (field.shape === "block-list") {
      scopes.push({
        field: field.name,
        label: field.name,
        path: fieldPath,
        entryPath: fieldPath,
        present: isSeq(value),
        steps: steps(value, fieldPath, ctx),
        details: {},
      });
    } else if (field.shape === "flow") {
      scopes.push(flowScope(field.name, field.name, value, fieldPath, ctx));
    } else {
      items(value).forEach((entry, i) => {
        const label = textAt(entry, "name") ?? `${singular(field.name)} ${i + 1}`;
        scopes.push({ ...flowScope(field.name, label, entry, [...fieldPath, i], ctx), index: i });
      });
    }
  }
  return { path, kind: "block", type, ...optional("name", name), label: name ?? block.title, scopes };
}

/** A `{process, …}` entry: its steps and its scalar keys (when, description …). */
function flowScope(field: string, label: string, entry: unknown, entryPath: Path, ctx: Ctx): ScopeOutline {
  const details: Record<string, string | number | boolean> = {};
  if (isMap(entry)) {
    for (const pair of (entry as YAMLMap).items) {
      const key = keyOf(pair.key);
      const value = isScalar(pair.value) ? pair.value.value : undefined;
      if (typeof key !== "string" || key === "process") continue;
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
        details[key] = value;
    }
  }
  const processPath = [...entryPath, "process"];
  const list = nodeAt(entry, "process");
  return {
    field,
    label,
    path: processPath,
    entryPath,
    present: isSeq(list),
    steps: steps(list, processPath, ctx),
    details,
  };
}

/** Every step in the outline, depth first (processors, then each flow's process and error lanes). */
export function allSteps(outline: Outline): StepOutline[] {
  const out: StepOutline[] = [];
  const walk = (list: readonly StepOutline[]) => {
    for (const s of list) {
      out.push(s);
      for (const scope of s.scopes) walk(scope.steps);
    }
  };
  walk(outline.processors);
  for (const f of outline.flows) {
    walk(f.process.steps);
    if (f.error) walk(f.error.steps);
  }
  return out;
}

/** Every list a step can be dropped into, with its path (flow lanes and scopes, present or not). */
export function allLanes(outline: Outline): LaneOutline[] {
  const out: LaneOutline[] = [];
  const walk = (lane: LaneOutline) => {
    out.push(lane);
    for (const s of lane.steps) for (const scope of s.scopes) walk(scope);
  };
  for (const f of outline.flows) {
    walk(f.process);
    if (f.error) walk(f.error);
  }
  for (const p of outline.processors) for (const scope of p.scopes) walk(scope);
  return out;
}
