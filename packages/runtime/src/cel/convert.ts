// Conversion of library values at the boundary of evaluate(): every result becomes a JSON-safe value.
import { Optional } from "@marcbachmann/cel-js";
import { Duration, UnsignedInt } from "@marcbachmann/cel-js/evaluator";

/** RFC 3339 with trailing fractional zeros trimmed, as cel-go prints `string(timestamp)`. */
export function formatTimestamp(d: Date): string {
  return d
    .toISOString()
    .replace(/\.0+Z$/, "Z")
    .replace(/(\.\d*?)0+Z$/, "$1Z");
}

/**
 * "1.5s", "-0.25s", "3600s", as cel-go prints `string(duration)`.
 * (The library's own Duration#toString mangles negative fractions.)
 */
export function formatDuration(d: Duration): string {
  const total = d.seconds * 1_000_000_000n + BigInt(d.nanos);
  const abs = total < 0n ? -total : total;
  const frac = (abs % 1_000_000_000n).toString().padStart(9, "0").replace(/0+$/, "");
  return `${total < 0n ? "-" : ""}${abs / 1_000_000_000n}${frac ? `.${frac}` : ""}s`;
}

function bigintToJson(v: bigint): number | string {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v.toString();
}

function keyToString(k: unknown): string {
  const v = toJson(k);
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** Library value → JSON-native value (rules in the header of index.ts). */
export function toJson(v: unknown): unknown {
  switch (typeof v) {
    case "string":
    case "boolean":
      return v;
    case "number":
      return v; // NaN and ±Infinity serialise as null; JSON.stringify does not throw on them.
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
  if (Array.isArray(v)) {
    // Most results are plain JSON already: copy only when an element needs converting.
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const e = v[i];
      const j = typeof e === "object" && e !== null ? toJson(e) : scalar(e);
      if (out === undefined && j !== e) out = v.slice(0, i);
      if (out !== undefined) out.push(j);
    }
    return out ?? v;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) return plainObject(v as Record<string, unknown>);
  if (v instanceof Set) return Array.from(v, toJson);
  if (v instanceof UnsignedInt) return bigintToJson(v.value);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : formatTimestamp(v);
  if (v instanceof Duration) return formatDuration(v);
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
  if (v instanceof Optional) return v.hasValue() ? toJson(v.value()) : null;
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, val] of v) out[keyToString(k)] = toJson(val);
    return out;
  }
  // Library objects such as CEL `type` values (`type(x)`) print as their name.
  const s = String(v);
  return s.startsWith("Type<") && s.endsWith(">") ? s.slice(5, -1) : s;
}

/** A non-object value as JSON (the scalar cases of toJson, without the object checks). */
function scalar(v: unknown): unknown {
  return typeof v === "string" || typeof v === "boolean" || typeof v === "number" ? v : toJson(v);
}

/** A plain object: returned as is when every value is JSON already, else a converted copy. */
function plainObject(v: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const k in v) {
    const e = v[k];
    const j = typeof e === "object" && e !== null ? toJson(e) : scalar(e);
    if (out === undefined && j !== e) {
      out = {};
      for (const k2 in v) {
        if (k2 === k) break;
        out[k2] = v[k2];
      }
    }
    if (out !== undefined) out[k] = j;
  }
  return out ?? v;
}
