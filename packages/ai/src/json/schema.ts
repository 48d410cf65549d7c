import type { JsonSchema } from "../llm/types.ts";

/** Messages of what does not match a schema ("/total must be number"); empty when valid. */
export type Validator = (value: unknown) => string[];

type Ajv = import("ajv/dist/2020.js").Ajv2020;
let ajvInstance: Promise<Ajv> | undefined;

/**
 * Ajv is loaded on first use, not at startup: it and its code generation cost tens of
 * milliseconds that every `octo invoke` without AI blocks would pay.
 */
function ajv() {
  ajvInstance ??= import("ajv/dist/2020.js").then(
    ({ Ajv2020 }) => new Ajv2020({ allErrors: true, strict: false }),
  );
  return ajvInstance;
}

const compiled = new WeakMap<JsonSchema, Promise<Validator>>();

/** A validator for `schema` (compiled once per schema object). Rejects when the schema is invalid. */
export function validatorFor(schema: JsonSchema): Promise<Validator> {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv().then((a) => {
      let check: ReturnType<typeof a.compile>;
      try {
        check = a.compile(schema);
      } catch (e) {
        throw new Error(`the JSON Schema is invalid: ${(e as Error).message}`);
      }
      return (value) =>
        check(value)
          ? []
          : (check.errors ?? []).map(
              (e) => `${e.instancePath === "" ? "/" : e.instancePath} ${e.message ?? "is invalid"}`,
            );
    });
    compiled.set(schema, v);
  }
  return v;
}

const TYPES = new Set(["object", "array", "string", "number", "integer", "boolean", "null"]);

/**
 * A schema setting as written: a YAML mapping, or JSON text (the editor stores schemas as
 * text). Checked enough at load to name the mistake; Ajv checks the rest on first use.
 */
export function parseSchema(value: unknown): { schema: JsonSchema } | { problem: string } {
  let schema = value;
  if (typeof value === "string") {
    try {
      schema = JSON.parse(value);
    } catch (e) {
      return { problem: `is not JSON: ${(e as Error).message}` };
    }
  }
  if (typeof schema !== "object" || schema === null || Array.isArray(schema))
    return { problem: "must be a JSON Schema object such as {type: object, properties: {…}}" };
  const type = (schema as JsonSchema).type;
  for (const t of Array.isArray(type) ? type : type === undefined ? [] : [type]) {
    if (typeof t !== "string" || !TYPES.has(t))
      return { problem: `has type ${JSON.stringify(t)}; JSON Schema types are ${[...TYPES].join(", ")}` };
  }
  return { schema: schema as JsonSchema };
}

/** A schema that an example value fits: its types, every key required, no other keys. */
export function schemaOfExample(example: unknown): JsonSchema {
  if (example === null) return { type: "null" };
  if (Array.isArray(example))
    return example.length === 0 ? { type: "array" } : { type: "array", items: schemaOfExample(example[0]) };
  switch (typeof example) {
    case "string":
      return { type: "string" };
    case "number":
      return { type: "number" };
    case "boolean":
      return { type: "boolean" };
    case "object": {
      const entries = Object.entries(example as Record<string, unknown>);
      return {
        type: "object",
        properties: Object.fromEntries(entries.map(([k, v]) => [k, schemaOfExample(v)])),
        required: entries.map(([k]) => k),
        additionalProperties: false,
      };
    }
    default:
      return {};
  }
}
