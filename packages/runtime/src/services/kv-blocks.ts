// What the blocks built on services.kv share: namespaces, the JSON value encoding, key checks
// and failures that name the block and the key.

/** Objects flows keep with object-read, object-write and object-delete. */
export const USER_NAMESPACE = "user";
/** The runtime's own state (cache-scope entries); never touched by the object blocks. */
export const SYSTEM_NAMESPACE = "system";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** A JSON value as stored: JSON text in UTF-8 bytes. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value ?? null));
}

/** The JSON value of stored bytes; throws when they are not UTF-8 JSON. */
export function decodeJson(bytes: Uint8Array): unknown {
  return JSON.parse(decoder.decode(bytes));
}

/** A wrong key for an error message, in CEL's terms and cut short. */
function shown(value: unknown): string {
  if (value === "") return "an empty string";
  if (value === null || value === undefined) return "null";
  const kind = Array.isArray(value) ? "list" : typeof value === "object" ? "map" : typeof value;
  const json = JSON.stringify(value);
  return `${kind} ${json.length > 60 ? `${json.slice(0, 60)}…` : json}`;
}

/** A key computed by a block's expression, which must be a non-empty string. */
export function storeKey(value: unknown, block: string): string {
  if (typeof value === "string" && value !== "") return value;
  throw new Error(`${block}: key must be a non-empty string, got ${shown(value)}`);
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Runs one store operation; a failure says which block did what to which key, and why. */
export async function storeCall<T>(
  block: string,
  action: "reading" | "writing" | "deleting",
  key: string,
  op: () => Promise<T>,
): Promise<T> {
  try {
    return await op();
  } catch (e) {
    throw new Error(`${block}: ${action} key "${key}" failed: ${errorText(e)}`, { cause: e });
  }
}

/** JSON with object keys sorted, so equal values give one text whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const fields = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${fields.join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Where cache-scope keeps the entry of a key value (in SYSTEM_NAMESPACE); invalidate-cache agrees. */
export const cacheEntryKey = (key: unknown) => `cache:${canonicalJson(key)}`;
