// Patch semantics: JSON merge patch (also used for strategic merge and apply — lists are replaced
// wholesale, which is enough for a fake), RFC 6902 JSON patch, and the tiny bit of managedFields
// bookkeeping server-side apply needs to drop fields a manager stopped applying.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]))
    );
  }
  if (!isObject(a) || !isObject(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
}

/** RFC 7386: objects merge recursively, `null` deletes, everything else replaces. */
export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

function unescapePointer(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

export interface JsonPatchOp {
  op: string;
  path: string;
  value?: Json;
  from?: string;
}

/** RFC 6902 (add/remove/replace/test/copy/move). Throws on a bad path or failed test. */
export function jsonPatch(doc: Json, ops: readonly JsonPatchOp[]): Json {
  let root = clone(doc);
  const locate = (path: string): { parent: Json; key: string } => {
    const tokens = path.split("/").slice(1).map(unescapePointer);
    const key = tokens.pop();
    if (key === undefined) throw new Error(`invalid JSON pointer ${path}`);
    let parent: Json = root;
    for (const t of tokens) {
      const next: Json | undefined = Array.isArray(parent)
        ? parent[Number(t)]
        : isObject(parent)
          ? parent[t]
          : undefined;
      if (next === undefined) throw new Error(`path ${path} does not exist`);
      parent = next;
    }
    return { parent, key };
  };
  const read = (path: string): Json => {
    if (path === "") return root;
    const { parent, key } = locate(path);
    const v = Array.isArray(parent) ? parent[Number(key)] : isObject(parent) ? parent[key] : undefined;
    if (v === undefined) throw new Error(`path ${path} does not exist`);
    return v;
  };
  const remove = (path: string): void => {
    const { parent, key } = locate(path);
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else if (isObject(parent) && key in parent) delete parent[key];
    else throw new Error(`path ${path} does not exist`);
  };
  const add = (path: string, value: Json, replace: boolean): void => {
    if (path === "") {
      root = clone(value);
      return;
    }
    const { parent, key } = locate(path);
    if (Array.isArray(parent)) {
      const i = key === "-" ? parent.length : Number(key);
      parent.splice(i, replace ? 1 : 0, clone(value));
    } else if (isObject(parent)) {
      if (replace && !(key in parent)) throw new Error(`path ${path} does not exist`);
      parent[key] = clone(value);
    } else throw new Error(`path ${path} does not exist`);
  };
  for (const op of ops) {
    switch (op.op) {
      case "add":
        add(op.path, op.value ?? null, false);
        break;
      case "replace":
        add(op.path, op.value ?? null, true);
        break;
      case "remove":
        remove(op.path);
        break;
      case "test":
        if (!deepEqual(read(op.path), op.value)) throw new Error(`test failed at ${op.path}`);
        break;
      case "copy":
        add(op.path, read(op.from ?? ""), false);
        break;
      case "move": {
        const v = read(op.from ?? "");
        remove(op.from ?? "");
        add(op.path, v, false);
        break;
      }
      default:
        throw new Error(`unsupported JSON patch op ${op.op}`);
    }
  }
  return root;
}

/**
 * The FieldsV1 set an applied body claims: `{"f:spec": {"f:replicas": {}}}`. Lists are atomic
 * here (we replace them on apply), so they are leaves.
 */
export function fieldSet(applied: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(applied)) {
    if (key === "apiVersion" || key === "kind") continue;
    out[`f:${key}`] = isObject(value) ? fieldSet(value) : {};
  }
  return out;
}

/** Delete from `obj` the fields that `previous` claimed but `next` no longer does (SSA pruning). */
export function pruneFields(obj: JsonObject, previous: JsonObject, next: JsonObject): void {
  for (const [fkey, sub] of Object.entries(previous)) {
    if (!fkey.startsWith("f:")) continue;
    const key = fkey.slice(2);
    const nextSub = next[fkey];
    if (nextSub === undefined) {
      if (key !== "name" && key !== "namespace") delete obj[key];
    } else if (isObject(sub) && isObject(nextSub) && isObject(obj[key])) {
      pruneFields(obj[key], sub, nextSub);
    }
  }
}
