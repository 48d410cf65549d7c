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
  if (Array.isArray(v) || v instanceof Set) return Array.from(v, toJson);
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
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    // Library objects such as CEL `type` values (`type(x)`) print as their name.
    const s = String(v);
    return s.startsWith("Type<") && s.endsWith(">") ? s.slice(5, -1) : s;
  }
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) out[k] = toJson(val);
  return out;
}
