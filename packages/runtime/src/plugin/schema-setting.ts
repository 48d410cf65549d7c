/** A JSON Schema as a setting holds it (checked only as far as `parseSchemaSetting` goes). */
export type JsonSchemaSetting = Record<string, unknown>;

const TYPES = new Set(["object", "array", "string", "number", "integer", "boolean", "null"]);

/**
 * A JSON Schema setting as written: a YAML mapping, or JSON text (the editor stores schemas as
 * text). Checked enough at load to name the mistake; Ajv checks the rest on first use. Shared by
 * every block and source with a schema setting (AI blocks' schemas, MCP tools' input schemas).
 */
export function parseSchemaSetting(value: unknown): { schema: JsonSchemaSetting } | { problem: string } {
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
  const type = (schema as JsonSchemaSetting).type;
  for (const t of Array.isArray(type) ? type : type === undefined ? [] : [type]) {
    if (typeof t !== "string" || !TYPES.has(t))
      return { problem: `has type ${JSON.stringify(t)}; JSON Schema types are ${[...TYPES].join(", ")}` };
  }
  return { schema: schema as JsonSchemaSetting };
}
