// Route paths (`/orders/{id}`) parsed once at load, and a segment trie that matches requests.

/** A literal path segment (percent-decoded) or a `{name}` parameter. */
export type Segment = { param: false; text: string } | { param: true; name: string };

export type ParsedPath = { ok: true; segments: Segment[]; params: string[] } | { ok: false; reason: string };

const PARAM = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * Parses a route's `path` (or a connector's `basePath`, with `params: false`). One trailing slash
 * is ignored; empty segments, query strings and half-parameters are rejected with a reason.
 */
export function parseRoutePath(path: string, opts: { params: boolean } = { params: true }): ParsedPath {
  if (!path.startsWith("/")) return { ok: false, reason: `"${path}" must start with "/"` };
  if (/[?#]/.test(path))
    return { ok: false, reason: `"${path}" must not contain a query (?) or a fragment (#)` };
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  const segments: Segment[] = [];
  const params: string[] = [];
  if (trimmed === "/") return { ok: true, segments, params };
  for (const part of trimmed.slice(1).split("/")) {
    if (part === "") return { ok: false, reason: `"${path}" has an empty segment (//)` };
    const param = PARAM.exec(part);
    if (param) {
      const name = param[1] ?? "";
      if (!opts.params) return { ok: false, reason: `"${path}" cannot have parameters like {${name}}` };
      if (params.includes(name)) return { ok: false, reason: `parameter {${name}} appears twice` };
      params.push(name);
      segments.push({ param: true, name });
      continue;
    }
    if (part.includes("{") || part.includes("}"))
      return {
        ok: false,
        reason: `segment "${part}" is not a parameter: a parameter is a whole segment such as {id}, a name of letters, digits and _`,
      };
    let text: string;
    try {
      text = decodeURIComponent(part);
    } catch {
      return { ok: false, reason: `segment "${part}" has a malformed percent-escape` };
    }
    segments.push({ param: false, text });
  }
  return { ok: true, segments, params };
}

/**
 * Splits a request path (no query) into percent-decoded segments: "/" → [], "/a/b/" → ["a", "b"].
 * Undefined when a percent-escape is malformed. Segments are split before decoding, so an encoded
 * slash (%2F) stays inside its segment.
 */
export function splitRequestPath(path: string): string[] | undefined {
  const end = path.length > 1 && path.charCodeAt(path.length - 1) === 47 ? path.length - 1 : path.length;
  if (end <= 1) return [];
  const parts = path.slice(1, end).split("/");
  if (!path.includes("%")) return parts;
  try {
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      if (part.includes("%")) parts[i] = decodeURIComponent(part);
    }
  } catch {
    return undefined;
  }
  return parts;
}

/** Stands for "any method" in a node's method table (a route without `method:`). */
const ANY = "*";

interface Node<T> {
  statics: Map<string, Node<T>> | undefined;
  param: Node<T> | undefined;
  /** Routes ending here, by method (ANY for a route that takes every method). */
  methods: Map<string, T> | undefined;
}

const node = <T>(): Node<T> => ({ statics: undefined, param: undefined, methods: undefined });

export type RouteMatch<T> =
  | { kind: "found"; value: T; params: string[] }
  /** The path exists but not for this method; `allow` lists the methods it has. */
  | { kind: "method"; allow: string[] }
  | { kind: "none" };

const NONE = { kind: "none" } as const;

/**
 * A segment trie: lookup costs one Map probe per segment in the common case. Literal segments
 * beat parameters; when a literal branch has no route for the method, lookup backtracks to the
 * parameter branch. HEAD falls back to a GET route (Node omits the body of a HEAD response).
 */
export class Router<T> {
  private root: Node<T> = node();
  private readonly entries: { segments: Segment[]; method: string | undefined; value: T }[] = [];

  /** Every route added, in order. */
  values(): T[] {
    return this.entries.map((e) => e.value);
  }

  /** Adds a route; returns the route already there for the same shape and method, if any. */
  add(segments: Segment[], method: string | undefined, value: T): T | undefined {
    const key = method ?? ANY;
    let at = this.root;
    for (const s of segments) {
      if (s.param) {
        at.param ??= node();
        at = at.param;
      } else {
        at.statics ??= new Map();
        let next = at.statics.get(s.text);
        if (!next) {
          next = node();
          at.statics.set(s.text, next);
        }
        at = next;
      }
    }
    at.methods ??= new Map();
    const existing = at.methods.get(key);
    if (existing !== undefined) return existing;
    at.methods.set(key, value);
    this.entries.push({ segments, method, value });
    return undefined;
  }

  /** Removes a route (by identity); the trie is rebuilt, which is fine at start/stop rates. */
  remove(value: T): void {
    const kept = this.entries.filter((e) => e.value !== value);
    this.entries.length = 0;
    this.root = node();
    for (const e of kept) this.add(e.segments, e.method, e.value);
  }

  /** Matches `parts` from index `start` (after a base path) for `method`. */
  match(method: string, parts: readonly string[], start = 0): RouteMatch<T> {
    const params: string[] = [];
    const value = find(this.root, parts, start, method, params);
    if (value !== undefined) return { kind: "found", value, params };
    const allow = new Set<string>();
    collectMethods(this.root, parts, start, allow);
    if (allow.size === 0) return NONE;
    if (allow.has("GET")) allow.add("HEAD");
    return { kind: "method", allow: [...allow].sort() };
  }
}

function find<T>(
  at: Node<T>,
  parts: readonly string[],
  i: number,
  method: string,
  params: string[],
): T | undefined {
  if (i === parts.length) {
    const m = at.methods;
    if (!m) return undefined;
    return m.get(method) ?? (method === "HEAD" ? m.get("GET") : undefined) ?? m.get(ANY);
  }
  const part = parts[i] as string;
  const literal = at.statics?.get(part);
  if (literal) {
    const found = find(literal, parts, i + 1, method, params);
    if (found !== undefined) return found;
  }
  if (at.param && part !== "") {
    params.push(part);
    const found = find(at.param, parts, i + 1, method, params);
    if (found !== undefined) return found;
    params.pop();
  }
  return undefined;
}

/** Every method of every route whose path matches (for 405's Allow). */
function collectMethods<T>(at: Node<T>, parts: readonly string[], i: number, into: Set<string>): void {
  if (i === parts.length) {
    for (const m of at.methods?.keys() ?? []) into.add(m);
    return;
  }
  const part = parts[i] as string;
  const literal = at.statics?.get(part);
  if (literal) collectMethods(literal, parts, i + 1, into);
  if (at.param && part !== "") collectMethods(at.param, parts, i + 1, into);
}
