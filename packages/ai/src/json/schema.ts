import { parseSchemaSetting } from "@octo/runtime/plugin";
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

/** A schema setting as written (YAML mapping or JSON text), checked as far as load can. */
export const parseSchema: (value: unknown) => { schema: JsonSchema } | { problem: string } =
  parseSchemaSetting;

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
