// Database values ↔ JSON: rows leave as JSON-native objects, CEL args arrive as JSON values.

/** A result row: column name → JSON-native value. */
export type Row = Record<string, unknown>;

/** A bigint as a number when that is exact, else as its decimal string. */
export function bigintToJson(v: bigint): number | string {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v.toString();
}

/**
 * A driver value as JSON: bigint → number when safe else string, Date → ISO 8601 (UTC),
 * bytes → base64, NaN and ±Infinity → "NaN" / "Infinity" / "-Infinity" (as postgres prints
 * them), arrays and objects (json columns) converted element by element.
 */
export function toJsonValue(v: unknown): unknown {
  switch (typeof v) {
    case "string":
    case "boolean":
      return v;
    case "number":
      return Number.isFinite(v) ? v : String(v);
    case "bigint":
      return bigintToJson(v);
    case "undefined":
      return null;
    case "object":
      break;
    default:
      return String(v);
  }
  if (v === null) return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
  if (Array.isArray(v)) return v.map(toJsonValue);
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return String(v);
  return rowToJson(v as Record<string, unknown>);
}

/** A driver row (possibly with a null prototype) as a plain JSON object. */
export function rowToJson(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) out[k] = toJsonValue(v);
  return out;
}

/** An argument as text for a text-typed column: objects and lists become JSON. */
export function jsonText(v: unknown): string {
  return typeof v === "object" && v !== null ? JSON.stringify(v) : String(v);
}
