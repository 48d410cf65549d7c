/**
 * The settings form's model: what fields a JSON Schema object has (from the runtime's `octo
 * schema`), how each is edited, and client-side hints about a value. Pure: no React, no runtime
 * code. The hints only help while typing; the runtime's validation stays the authority.
 */
import { type BlockInfo, type JsonSchema, propertiesOf } from "../model/schema-info.ts";

export type { JsonSchema };

export type FieldKind =
  | "string"
  | "number"
  | "integer"
  | "boolean"
  | "enum"
  | "cel"
  | "template"
  | "duration"
  | "connector"
  | "flow"
  | "string-list"
  | "cel-list"
  | "map"
  | "object"
  | "alternatives"
  | "json";

export type ScalarValue = string | number | boolean;

export interface FieldVariant {
  readonly label: string;
  /** The field as this variant shapes it (same name as the field). */
  readonly field: FieldDescriptor;
  /** Objects told apart by a constant key (`type: bearer`): that key and its value. */
  readonly discriminator?: { readonly key: string; readonly value: ScalarValue };
}

export interface FieldDescriptor {
  readonly name: string;
  /** "maxTokens" → "Max tokens", "baseURL" → "Base URL". */
  readonly label: string;
  readonly kind: FieldKind;
  readonly required: boolean;
  readonly default?: unknown;
  readonly description?: string;
  readonly enum?: readonly ScalarValue[];
  readonly min?: number;
  readonly max?: number;
  readonly exclusiveMin?: number;
  readonly exclusiveMax?: number;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  /**
   * A conditional group: the field applies only when each named sibling has one of the listed
   * values (`visibleWhen` in the schema, e.g. an auth `token` only for `type: bearer`).
   */
  readonly visibleWhen?: Readonly<Record<string, readonly unknown[]>>;
  /** `connector` fields: the connector types that fit (absent: any). */
  readonly connectorTypes?: readonly string[];
  /** `alternatives`: the forms the value may take, in the schema's order. */
  readonly variants?: readonly FieldVariant[];
  /** Lists: the kind of one element; maps: the kind of one value. */
  readonly itemKind?: FieldKind;
  /** Lists: one element; maps: one value. */
  readonly item?: FieldDescriptor;
  /** `object`: the nested fields (scopes excluded). */
  readonly fields?: readonly FieldDescriptor[];
  /** Long text (a prompt, an SQL statement) edited in a textarea. */
  readonly multiline: boolean;
  /** Scalars may be `${NAME}` of an env var, substituted when the config loads. */
  readonly envAllowed: boolean;
  readonly schema: JsonSchema;
}

const BLOCK_REF = "#/$defs/block";

function asSchema(value: unknown): JsonSchema | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as JsonSchema)
    : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function numberOf(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function requiredOf(schema: JsonSchema | undefined): string[] {
  const r = schema?.required;
  return Array.isArray(r) ? r.filter((k): k is string => typeof k === "string") : [];
}

/** Whether the schema (anywhere below) holds blocks: such a property is a scope the canvas owns. */
export function holdsBlocks(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.some(holdsBlocks);
  if (typeof schema !== "object" || schema === null) return false;
  for (const [key, value] of Object.entries(schema)) {
    if (key === "$ref" && value === BLOCK_REF) return true;
    if (typeof value === "object" && value !== null && holdsBlocks(value)) return true;
  }
  return false;
}

function typesOf(schema: JsonSchema): string[] {
  const t = schema.type;
  if (typeof t === "string") return [t];
  return Array.isArray(t) ? t.filter((x): x is string => typeof x === "string") : [];
}

function variantSchemas(schema: JsonSchema): JsonSchema[] {
  const list = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : [];
  return list.map(asSchema).filter((s): s is JsonSchema => s !== undefined);
}

/** `{}` or `true`: any value at all. */
function isAnything(schema: unknown): boolean {
  return schema === true || (isRecord(schema) && Object.keys(schema).length === 0);
}

const ACRONYMS = new Set([
  "ai",
  "api",
  "cel",
  "dsn",
  "http",
  "https",
  "id",
  "ip",
  "json",
  "llm",
  "sql",
  "tls",
  "ttl",
  "uri",
  "url",
  "yaml",
]);

/** A readable label from a key: "maxTokens" → "Max tokens", "baseURL" → "Base URL", "ttl" → "TTL". */
export function labelOf(name: string): string {
  const words = name.replace(/[-_.]+/g, " ").match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? [name];
  return words
    .map((word, index) => {
      const acronym = ACRONYMS.has(word.toLowerCase()) || (word.length > 1 && word === word.toUpperCase());
      const text = acronym ? word.toUpperCase() : word.toLowerCase();
      return index === 0 ? text.charAt(0).toUpperCase() + text.slice(1) : text;
    })
    .join(" ");
}

const SCALAR_TYPES = new Set(["string", "number", "integer", "boolean"]);
/** Element kinds a `string-list` edits one text row each for. */
const TEXT_ITEM_KINDS = new Set<FieldKind>(["string", "template", "duration", "enum", "connector", "flow"]);
/** Value kinds a `map` edits in one row each. */
const MAP_VALUE_KINDS = new Set<FieldKind>([
  "string",
  "number",
  "integer",
  "boolean",
  "enum",
  "cel",
  "template",
  "duration",
]);
const ENV_KINDS = new Set<FieldKind>(["string", "number", "integer", "boolean", "enum"]);
/** Keys whose text is long enough to want a textarea. */
const MULTILINE_NAMES = new Set(["prompt", "guardrail", "query", "description", "instructions"]);

function scalarKind(schema: JsonSchema): FieldKind {
  const format = stringOf(schema.format);
  if (format === "cel" || format === "template" || format === "duration") return format;
  if (format === "connector" || format === "flow") return format;
  if (Array.isArray(schema.enum)) return "enum";
  const types = typesOf(schema);
  if (types.length === 1 && types[0] === "boolean") return "boolean";
  if (types.length === 1 && types[0] === "integer") return "integer";
  if (types.length > 0 && types.every((t) => t === "number" || t === "integer")) return "number";
  if (types.includes("string") && types.every((t) => SCALAR_TYPES.has(t))) return "string";
  return "json";
}

function kindOf(schema: JsonSchema): FieldKind {
  if (variantSchemas(schema).length > 1) return "alternatives";
  const only = variantSchemas(schema)[0];
  if (only) return kindOf(only);
  const types = typesOf(schema);
  if (types.length === 1 && types[0] === "array") {
    const items = asSchema(schema.items);
    if (!items) return "json";
    const itemKind = kindOf(items);
    if (itemKind === "cel") return "cel-list";
    return TEXT_ITEM_KINDS.has(itemKind) ? "string-list" : "json";
  }
  if ((types.length === 1 && types[0] === "object") || (types.length === 0 && isRecord(schema.properties))) {
    if (Object.keys(propertiesOf(schema)).length > 0) return "object";
    const values = schema.additionalProperties;
    if (isRecord(values) && !isAnything(values) && MAP_VALUE_KINDS.has(kindOf(values))) return "map";
    return isRecord(schema.properties) && values === false ? "object" : "json";
  }
  return scalarKind(schema);
}

/** The common key whose `const` tells object variants apart (`type` first), if there is one. */
function discriminatorKey(variants: readonly JsonSchema[]): string | undefined {
  const constKeys = variants.map(
    (v) =>
      new Set(
        Object.entries(propertiesOf(v))
          .filter(([, p]) => p.const !== undefined)
          .map(([k]) => k),
      ),
  );
  const first = constKeys[0];
  if (!first) return undefined;
  const shared = [...first].filter((k) => constKeys.every((keys) => keys.has(k)));
  return shared.includes("type") ? "type" : shared[0];
}

const KIND_LABELS: Partial<Record<FieldKind, string>> = {
  cel: "Expression",
  "cel-list": "List of expressions",
  "string-list": "List",
  string: "Text",
  template: "Text",
  number: "Number",
  integer: "Number",
  boolean: "Yes or no",
  map: "Entries",
  object: "Fields",
  json: "Structured value",
};

function describeVariants(name: string, schema: JsonSchema, required: boolean): FieldVariant[] {
  const schemas = variantSchemas(schema);
  const key = discriminatorKey(schemas);
  const used = new Map<string, number>();
  return schemas.map((variant) => {
    const field = describe(name, variant, required);
    const constValue = key !== undefined ? propertiesOf(variant)[key]?.const : undefined;
    const discriminator =
      key !== undefined &&
      (typeof constValue === "string" || typeof constValue === "number" || typeof constValue === "boolean")
        ? { key, value: constValue }
        : undefined;
    const base =
      stringOf(variant.title) ??
      (discriminator ? String(discriminator.value) : (KIND_LABELS[field.kind] ?? labelOf(field.kind)));
    // Two variants of the same kind (object vs. JSON text) still need distinct labels.
    const seen = used.get(base) ?? 0;
    used.set(base, seen + 1);
    const label = seen === 0 ? base : `${base} (${seen + 1})`;
    return { label, field, ...(discriminator ? { discriminator } : {}) };
  });
}

function describe(name: string, schema: JsonSchema, required: boolean): FieldDescriptor {
  const kind = kindOf(schema);
  const only = variantSchemas(schema).length === 1 ? variantSchemas(schema)[0] : undefined;
  // A lone anyOf/oneOf entry is the field itself; the outer description wins.
  const shape = only ? { ...only, ...schema, oneOf: undefined, anyOf: undefined } : schema;
  const description = stringOf(schema.description);
  const enumValues = Array.isArray(shape.enum)
    ? shape.enum.filter(
        (v): v is ScalarValue => typeof v === "string" || typeof v === "number" || typeof v === "boolean",
      )
    : undefined;
  const optional = {
    ...("default" in shape && shape.default !== undefined ? { default: shape.default } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(enumValues ? { enum: enumValues } : {}),
    ...numberEntry("min", shape.minimum),
    ...numberEntry("max", shape.maximum),
    ...numberEntry("exclusiveMin", shape.exclusiveMinimum),
    ...numberEntry("exclusiveMax", shape.exclusiveMaximum),
    ...numberEntry("minLength", shape.minLength),
    ...numberEntry("maxLength", shape.maxLength),
    ...numberEntry("minItems", shape.minItems),
    ...(typeof shape.pattern === "string" ? { pattern: shape.pattern } : {}),
    ...visibleWhenOf(shape.visibleWhen),
    ...(Array.isArray(shape.connectorTypes)
      ? { connectorTypes: shape.connectorTypes.filter((t): t is string => typeof t === "string") }
      : {}),
  };
  const base = {
    name,
    label: labelOf(name),
    kind,
    required,
    ...optional,
    multiline: kind === "string" && MULTILINE_NAMES.has(name),
    envAllowed: ENV_KINDS.has(kind),
    schema,
  };
  if (kind === "alternatives") return { ...base, variants: describeVariants(name, schema, required) };
  if (kind === "string-list" || kind === "cel-list") {
    const items = asSchema(shape.items) ?? {};
    const item = describe(name, items, true);
    return { ...base, item, itemKind: item.kind };
  }
  if (kind === "map") {
    const values = asSchema(shape.additionalProperties) ?? {};
    const item = describe(name, values, true);
    return { ...base, item, itemKind: item.kind };
  }
  if (kind === "object") return { ...base, fields: fieldsOf(shape) };
  return base;
}

function visibleWhenOf(value: unknown): { visibleWhen?: Record<string, readonly unknown[]> } {
  const when = asSchema(value);
  if (!when) return {};
  const out: Record<string, readonly unknown[]> = {};
  for (const [k, v] of Object.entries(when)) if (Array.isArray(v)) out[k] = v;
  return Object.keys(out).length ? { visibleWhen: out } : {};
}

/**
 * Whether a field applies to this object: its conditions hold, or it has a value (shown so that
 * a value left over from another choice can be seen and removed).
 */
export function isVisible(field: FieldDescriptor, value: Readonly<Record<string, unknown>>): boolean {
  if (!field.visibleWhen || value[field.name] !== undefined) return true;
  return Object.entries(field.visibleWhen).every(([k, allowed]) => allowed.includes(value[k]));
}

function numberEntry<K extends string>(key: K, value: unknown): { [P in K]?: number } {
  const n = numberOf(value);
  return (n === undefined ? {} : { [key]: n }) as { [P in K]?: number };
}

/**
 * The editable fields of an object schema, in the schema's order. Scopes (properties that hold
 * blocks) are left out: the canvas edits those. So are constants (a block's `type`).
 */
export function fieldsOf(objectSchema: JsonSchema | undefined): FieldDescriptor[] {
  const required = requiredOf(objectSchema);
  const fields: FieldDescriptor[] = [];
  for (const [name, schema] of Object.entries(propertiesOf(objectSchema))) {
    if (holdsBlocks(schema)) continue;
    if (schema.const !== undefined) continue;
    fields.push(describe(name, schema, required.includes(name)));
  }
  return fields;
}

/** A block's head keys: neither settings nor top-level fields of a composite block. */
const BLOCK_HEAD = new Set(["type", "name", "ref", "settings"]);

/**
 * What the settings panel edits for a block: its `settings:` object (leaf blocks), or, for
 * composite blocks (if, foreach, cache-scope, ai-router …), the block itself restricted to its
 * top-level non-scope fields; the form keeps the block's other keys untouched.
 */
export function blockFormSchema(block: Pick<BlockInfo, "settings" | "fields" | "required">): {
  readonly schema: JsonSchema;
  readonly target: "settings" | "block";
} {
  if (block.settings) return { schema: block.settings, target: "settings" };
  const properties: Record<string, JsonSchema> = {};
  for (const [key, schema] of Object.entries(block.fields))
    if (!BLOCK_HEAD.has(key) && !holdsBlocks(schema)) properties[key] = schema;
  return {
    schema: {
      type: "object",
      properties,
      required: block.required.filter((k) => k in properties),
    },
    target: "block",
  };
}

// ---------------------------------------------------------------------------------------------
// Values

const ENV_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** `${NAME}`: the whole value is one env var reference (the runtime substitutes it on load). */
export function envRefName(value: unknown): string | undefined {
  return typeof value === "string" ? ENV_REF.exec(value)?.[1] : undefined;
}

export function envRef(name: string): string {
  return `\${${name}}`;
}

/** What counts as "not set": absent, null, "", [] and {}. An emptied field removes its key. */
export function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isRecord(value)) return Object.keys(value).length === 0;
  return false;
}

/** A copy of `object` with `key` set, or removed when `value` is undefined; other keys keep their order. */
export function withKey(
  object: Readonly<Record<string, unknown>> | undefined,
  key: string,
  value: unknown,
): Record<string, unknown> {
  const next: Record<string, unknown> = { ...object };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

/** Keys of a value the schema's fields do not know (kept as written). */
export function unknownKeys(fields: readonly FieldDescriptor[], value: unknown): string[] {
  if (!isRecord(value)) return [];
  const known = new Set(fields.map((f) => f.name));
  return Object.keys(value).filter((k) => !known.has(k));
}

function fitsShape(field: FieldDescriptor, value: unknown): boolean {
  switch (field.kind) {
    case "string-list":
    case "cel-list":
      return Array.isArray(value);
    case "object":
    case "map":
      return isRecord(value);
    case "alternatives":
      return variantIndexOf(field, value) !== undefined;
    case "json": {
      const types = typesOf(field.schema);
      if (types.includes("object") && !types.includes("array")) return isRecord(value);
      if (types.includes("array") && !types.includes("object")) return Array.isArray(value);
      return true;
    }
    case "boolean":
      return typeof value === "boolean" || envRefName(value) !== undefined;
    case "number":
    case "integer":
      return typeof value === "number" || envRefName(value) !== undefined;
    default:
      return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
  }
}

/** Which variant of an `alternatives` field a value has (undefined: unset or none fits). */
export function variantIndexOf(field: FieldDescriptor, value: unknown): number | undefined {
  if (value === undefined || !field.variants) return undefined;
  const index = field.variants.findIndex((variant) =>
    variant.discriminator
      ? isRecord(value) && value[variant.discriminator.key] === variant.discriminator.value
      : fitsShape(variant.field, value),
  );
  return index === -1 ? undefined : index;
}

/**
 * Splits a CEL list literal (`[a, f(b, c), "x,y"]`) into its elements' text; undefined when the
 * expression is not one literal list.
 */
export function splitCelList(expression: string): string[] | undefined {
  const text = expression.trim();
  if (!text.startsWith("[") || !text.endsWith("]")) return undefined;
  const items: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quote) {
      if (c === "\\") i++;
      else if (text.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = undefined;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      quote = text.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      i += quote.length - 1;
    } else if (c === "[" || c === "(" || c === "{") depth++;
    else if (c === "]" || c === ")" || c === "}") {
      depth--;
      // The opening bracket closed before the end: `[a] + [b]` is not one literal.
      if (depth === 0 && i !== text.length - 1) return undefined;
    } else if (c === "," && depth === 1) {
      items.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (depth !== 0 || quote) return undefined;
  const last = text.slice(start, -1).trim();
  if (last !== "") items.push(last);
  else if (items.length > 0) return items; // a trailing comma
  return items.every((item) => item !== "") ? items : undefined;
}

/**
 * The value to keep when an `alternatives` field switches from one variant to another, when the
 * meaning can be kept: a list of CEL expressions becomes the list literal `[a, b]` and back; an
 * object variant keeps the keys the other variant has. Otherwise undefined (the field empties).
 */
export function convertVariantValue(
  field: FieldDescriptor,
  from: number,
  to: number,
  value: unknown,
): unknown {
  const source = field.variants?.[from];
  const target = field.variants?.[to];
  if (!source || !target || value === undefined) return undefined;
  if (source.field.kind === "cel-list" && target.field.kind === "cel" && Array.isArray(value)) {
    const items = value.map((v) => (typeof v === "string" || typeof v === "number" ? String(v).trim() : ""));
    if (items.length === 0 || items.some((item) => item === "")) return undefined;
    return `[${items.join(", ")}]`;
  }
  if (source.field.kind === "cel" && target.field.kind === "cel-list" && typeof value === "string")
    return splitCelList(value);
  if (target.discriminator && isRecord(value)) {
    const keys = new Set((target.field.fields ?? []).map((f) => f.name));
    const kept = Object.fromEntries(Object.entries(value).filter(([k]) => keys.has(k)));
    return { ...kept, [target.discriminator.key]: target.discriminator.value };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Hints

const DURATION = /^(0|(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)$/;
export const DURATION_HINT = 'expected a duration such as "250ms", "30s", "5m" or "0"';
export const DURATION_EXAMPLES = "250ms, 30s, 5m, 1h30m or 0";

function matches(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern, "u").test(text);
  } catch {
    return true; // a pattern this browser cannot compile is the runtime's to judge
  }
}

/** The runtime's template rule (rest paths, query and header values): `{expr}` segments, `{{`/`}}` literal. */
export function templateProblem(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if ((c === "{" || c === "}") && text.charAt(i + 1) === c) {
      i++;
      continue;
    }
    if (c === "}") return "a } closes no {; write }} for a literal }";
    if (c !== "{") continue;
    let depth = 0;
    let quote: string | undefined;
    let end: number | undefined;
    for (let j = i + 1; j < text.length && end === undefined; j++) {
      const d = text.charAt(j);
      if (quote) {
        if (d === "\\") j++;
        else if (text.startsWith(quote, j)) {
          j += quote.length - 1;
          quote = undefined;
        }
      } else if (d === '"' || d === "'") {
        quote = text.startsWith(d.repeat(3), j) ? d.repeat(3) : d;
        j += quote.length - 1;
      } else if (d === "{") depth++;
      else if (d === "}") {
        if (depth === 0) end = j;
        else depth--;
      }
    }
    if (end === undefined) return "a { is never closed; write {{ for a literal {";
    if (text.slice(i + 1, end).trim() === "") return "{} holds no expression";
    i = end;
  }
  return undefined;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function numberProblems(field: FieldDescriptor, value: number): string[] {
  const out: string[] = [];
  if (field.kind === "integer" && !Number.isInteger(value)) out.push("expected a whole number");
  if (field.min !== undefined && value < field.min) out.push(`at least ${field.min}`);
  if (field.exclusiveMin !== undefined && value <= field.exclusiveMin)
    out.push(`more than ${field.exclusiveMin}`);
  if (field.max !== undefined && value > field.max) out.push(`at most ${field.max}`);
  if (field.exclusiveMax !== undefined && value >= field.exclusiveMax)
    out.push(`less than ${field.exclusiveMax}`);
  return out;
}

function textProblems(field: FieldDescriptor, value: string): string[] {
  const out: string[] = [];
  if (field.minLength !== undefined && value.length < field.minLength)
    out.push(`at least ${plural(field.minLength, "character")}`);
  if (field.maxLength !== undefined && value.length > field.maxLength)
    out.push(`at most ${plural(field.maxLength, "character")}`);
  if (field.kind === "duration") {
    if (!DURATION.test(value) || (field.pattern !== undefined && !matches(field.pattern, value)))
      out.push(DURATION_HINT);
  } else if (field.pattern !== undefined && !matches(field.pattern, value)) {
    out.push(`must match ${field.pattern}`);
  }
  if (field.kind === "template") {
    const problem = templateProblem(value);
    if (problem) out.push(problem);
  }
  return out;
}

/**
 * Client-side hints for one field's value: required but empty, wrong shape, pattern, length,
 * bounds, duration and template syntax. A `${NAME}` env reference is not judged (its value is
 * known only where the runtime runs). Objects report only their own emptiness and shape: their
 * nested fields are hinted one by one.
 */
export function problemsOf(field: FieldDescriptor, value: unknown): string[] {
  if (isEmptyValue(value)) return field.required ? ["required"] : [];
  if (field.envAllowed && envRefName(value) !== undefined) return [];
  switch (field.kind) {
    case "boolean":
      return typeof value === "boolean" ? [] : ["expected true or false"];
    case "number":
    case "integer":
      return typeof value === "number" ? numberProblems(field, value) : ["expected a number"];
    case "enum":
      return field.enum?.some((option) => option === value)
        ? []
        : [`must be one of ${(field.enum ?? []).map(String).join(", ")}`];
    case "string":
    case "template":
    case "duration":
    case "connector":
    case "flow":
    case "cel":
      if (typeof value === "string") return textProblems(field, value);
      if (typeof value === "number" || typeof value === "boolean")
        return field.kind === "duration" ? [DURATION_HINT] : [];
      return [field.kind === "cel" ? "expected an expression" : "expected text"];
    case "string-list":
    case "cel-list": {
      if (!Array.isArray(value)) return ["expected a list"];
      const out: string[] = [];
      if (field.minItems !== undefined && value.length < field.minItems)
        out.push(`at least ${plural(field.minItems, "item")}`);
      value.forEach((item, index) => {
        const itemField = field.item;
        if (!itemField) return;
        const problems = isEmptyValue(item) ? ["empty"] : problemsOf(itemField, item);
        for (const problem of problems) out.push(`item ${index + 1}: ${problem}`);
      });
      return out;
    }
    case "map": {
      if (!isRecord(value)) return ["expected a mapping of names to values"];
      const out: string[] = [];
      for (const [key, item] of Object.entries(value)) {
        // null is how a map value says "omit" (rest query and headers).
        if (item === null || !field.item) continue;
        for (const problem of problemsOf({ ...field.item, required: false }, item))
          out.push(`${key}: ${problem}`);
      }
      return out;
    }
    case "object":
      return isRecord(value) ? [] : ["expected a mapping"];
    case "alternatives": {
      const index = variantIndexOf(field, value);
      const variant = index === undefined ? undefined : field.variants?.[index];
      if (!variant)
        return [`expected ${(field.variants ?? []).map((v) => v.label.toLowerCase()).join(" or ")}`];
      return variant.field.kind === "object" ? [] : problemsOf(variant.field, value);
    }
    case "json":
      return fitsShape(field, value) ? [] : ["does not fit this field's shape"];
  }
}
