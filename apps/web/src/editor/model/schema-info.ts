/**
 * What the editor knows about blocks, connectors and sources, derived from the runtime's JSON
 * Schema (`octo schema`, `configJsonSchema`). Nothing here lists block types by hand: a block the
 * runtime (or a plugin) adds shows up with its scopes as soon as the schema has it.
 */

/** A JSON Schema object, typed loosely: the editor reads only what it needs. */
export type JsonSchema = { readonly [key: string]: unknown };

/**
 * How a composite block holds nested steps:
 * - `flow`: an object with a `process` list (`then`, `default`, `body`);
 * - `flow-list`: an array of such objects with per-entry keys (`cases`, `branches`, `routes`, `tools`);
 * - `block-list`: a bare array of blocks (`handle-errors.process` / `error`).
 */
export type ScopeShape = "flow" | "flow-list" | "block-list";

export interface ScopeField {
  readonly name: string;
  readonly shape: ScopeShape;
  readonly required: boolean;
  readonly description?: string;
  /** `flow` / `flow-list`: the keys an entry has besides `process` (when, name, description, inputSchema …). */
  readonly entryKeys: readonly string[];
  /** `flow` / `flow-list`: which of those an entry must have (`when` of a switch case). */
  readonly requiredEntryKeys: readonly string[];
  /** `flow-list` / `block-list`: the fewest entries allowed (a switch needs one case). */
  readonly minItems?: number;
  /** `flow` / `flow-list`: the schema of one entry. */
  readonly entrySchema?: JsonSchema;
}

/**
 * A hint for grouping the palette: `control-flow` holds nested steps, `connector` talks to a
 * connector (rest, sql, object storage …), `processor` is everything else.
 */
export type BlockCategory = "control-flow" | "connector" | "processor";

export interface BlockInfo {
  readonly type: string;
  readonly title: string;
  readonly description?: string;
  readonly category: BlockCategory;
  /** The type's prefix when other types share it (`ai` for ai-router/ai-agent …), for grouping. */
  readonly family?: string;
  /** Leaf blocks: the schema of `settings:`. */
  readonly settings?: JsonSchema;
  /** Composite blocks: top-level fields that are not scopes (`condition`, `items`, `as`, `prompt` …). */
  readonly fields: Readonly<Record<string, JsonSchema>>;
  /** Required top-level keys besides `type`. */
  readonly required: readonly string[];
  readonly scopes: readonly ScopeField[];
  readonly schema: JsonSchema;
}

export interface ConnectorInfo {
  readonly type: string;
  readonly title: string;
  readonly description?: string;
  readonly settings?: JsonSchema;
}

export interface SourceInfo {
  readonly type: string;
  readonly title: string;
  readonly settings?: JsonSchema;
}

export interface SchemaInfo {
  /** Block types in the schema's order. */
  readonly blocks: ReadonlyMap<string, BlockInfo>;
  /** The `- ref: name` form, when the schema has one. */
  readonly refBlock?: JsonSchema;
  readonly connectors: ReadonlyMap<string, ConnectorInfo>;
  readonly sources: ReadonlyMap<string, SourceInfo>;
}

const BLOCK_REF = "#/$defs/block";

function asSchema(value: unknown): JsonSchema | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as JsonSchema)
    : undefined;
}

/** A schema's `properties`, in order, keeping only object-valued entries. */
export function propertiesOf(schema: JsonSchema | undefined): Record<string, JsonSchema> {
  const props = asSchema(schema?.properties);
  const out: Record<string, JsonSchema> = {};
  if (!props) return out;
  for (const [key, value] of Object.entries(props)) {
    const s = asSchema(value);
    if (s) out[key] = s;
  }
  return out;
}

function requiredOf(schema: JsonSchema | undefined): string[] {
  const r = schema?.required;
  return Array.isArray(r) ? r.filter((k): k is string => typeof k === "string") : [];
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function constType(schema: JsonSchema): string | undefined {
  return stringOf(asSchema(propertiesOf(schema).type)?.const);
}

function variants(schema: JsonSchema | undefined): JsonSchema[] {
  const list = schema?.oneOf ?? schema?.anyOf;
  return Array.isArray(list) ? list.map(asSchema).filter((s): s is JsonSchema => s !== undefined) : [];
}

function isBlockList(schema: JsonSchema | undefined): boolean {
  return schema?.type === "array" && asSchema(schema.items)?.$ref === BLOCK_REF;
}

/** An object whose `process` is a block list: a sub-flow slot. */
function isFlowObject(schema: JsonSchema | undefined): boolean {
  return isBlockList(propertiesOf(schema).process);
}

function minItemsOf(schema: JsonSchema): number | undefined {
  return typeof schema.minItems === "number" ? schema.minItems : undefined;
}

function scopeOf(name: string, schema: JsonSchema, required: boolean): ScopeField | undefined {
  const description = stringOf(schema.description);
  const base = { name, required, ...(description !== undefined ? { description } : {}) };
  if (isBlockList(schema)) {
    const minItems = minItemsOf(schema);
    return {
      ...base,
      shape: "block-list",
      entryKeys: [],
      requiredEntryKeys: [],
      ...(minItems !== undefined ? { minItems } : {}),
    };
  }
  const entry = schema.type === "array" ? asSchema(schema.items) : schema;
  if (!entry || !isFlowObject(entry)) return undefined;
  const entryKeys = Object.keys(propertiesOf(entry)).filter((k) => k !== "process");
  const requiredEntryKeys = requiredOf(entry).filter((k) => k !== "process");
  if (schema.type === "array") {
    const minItems = minItemsOf(schema);
    return {
      ...base,
      shape: "flow-list",
      entryKeys,
      requiredEntryKeys,
      entrySchema: entry,
      ...(minItems !== undefined ? { minItems } : {}),
    };
  }
  return { ...base, shape: "flow", entryKeys, requiredEntryKeys, entrySchema: entry };
}

/** The keys every block has; they are neither scopes nor fields. */
const HEAD = new Set(["type", "name", "ref", "settings"]);

function blockInfo(schema: JsonSchema, type: string): Omit<BlockInfo, "family"> {
  const props = propertiesOf(schema);
  const required = requiredOf(schema);
  const scopes: ScopeField[] = [];
  const fields: Record<string, JsonSchema> = {};
  for (const [key, prop] of Object.entries(props)) {
    if (HEAD.has(key)) continue;
    const scope = scopeOf(key, prop, required.includes(key));
    if (scope) scopes.push(scope);
    else fields[key] = prop;
  }
  const settings = props.settings;
  const usesConnector = "connector" in fields || "connector" in propertiesOf(settings);
  const description = stringOf(schema.description);
  return {
    type,
    title: stringOf(schema.title) ?? type,
    ...(description !== undefined ? { description } : {}),
    category: scopes.length > 0 ? "control-flow" : usesConnector ? "connector" : "processor",
    ...(settings ? { settings } : {}),
    fields,
    required: required.filter((k) => k !== "type"),
    scopes,
    schema,
  };
}

/** Derives block, connector and source information from the runtime's config JSON Schema. */
export function deriveSchemaInfo(schema: JsonSchema): SchemaInfo {
  const defs = asSchema(schema.$defs);
  const blocks = new Map<string, Omit<BlockInfo, "family">>();
  let refBlock: JsonSchema | undefined;
  for (const variant of variants(asSchema(defs?.block))) {
    const type = constType(variant);
    if (type !== undefined) blocks.set(type, blockInfo(variant, type));
    else if (requiredOf(variant).includes("ref")) refBlock = variant;
  }
  // A prefix shared by two or more types (ai-router, ai-agent …) is a family worth grouping by.
  const prefixCount = new Map<string, number>();
  for (const type of blocks.keys()) {
    const prefix = type.includes("-") ? type.slice(0, type.indexOf("-")) : undefined;
    if (prefix) prefixCount.set(prefix, (prefixCount.get(prefix) ?? 0) + 1);
  }
  const withFamily = new Map<string, BlockInfo>();
  for (const [type, info] of blocks) {
    const prefix = type.includes("-") ? type.slice(0, type.indexOf("-")) : undefined;
    const family = prefix !== undefined && (prefixCount.get(prefix) ?? 0) > 1 ? prefix : undefined;
    withFamily.set(type, { ...info, ...(family !== undefined ? { family } : {}) });
  }

  const root = propertiesOf(schema);
  const connectors = new Map<string, ConnectorInfo>();
  for (const variant of variants(asSchema(asSchema(root.connectors)?.items))) {
    const type = constType(variant);
    if (type === undefined) continue;
    const description = stringOf(variant.description);
    const settings = propertiesOf(variant).settings;
    connectors.set(type, {
      type,
      title: stringOf(variant.title) ?? type,
      ...(description !== undefined ? { description } : {}),
      ...(settings ? { settings } : {}),
    });
  }
  const sources = new Map<string, SourceInfo>();
  const flowProps = propertiesOf(asSchema(asSchema(root.flows)?.items));
  for (const variant of variants(flowProps.source)) {
    const type = constType(variant);
    if (type === undefined) continue;
    const settings = propertiesOf(variant).settings;
    sources.set(type, { type, title: stringOf(variant.title) ?? type, ...(settings ? { settings } : {}) });
  }
  return { blocks: withFamily, ...(refBlock ? { refBlock } : {}), connectors, sources };
}

/** "cases" → "case", "branches" → "branch", "routes" → "route": labels for flow-list entries. */
export function singular(word: string): string {
  if (/(ch|sh|ss|x)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith("s")) return word.slice(0, -1);
  return word;
}
