import type { z } from "zod";
import type { Path, YamlSource } from "../config/yaml-source.ts";
import type { Diagnostic } from "../errors/diagnostic.ts";
import { didYouMean } from "../errors/suggest.ts";

type AnyDef = { type: string; [k: string]: unknown };
const defOf = (s: z.ZodType): AnyDef => (s as unknown as { def: AnyDef }).def;

/** The object keys a schema allows at `path` (for "did you mean" on unknown keys). */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = schema;
  let i = 0;
  while (current) {
    const def = defOf(current);
    switch (def.type) {
      case "optional":
      case "default":
      case "prefault":
      case "nullable":
      case "readonly":
        current = def.innerType as z.ZodType;
        continue;
      case "pipe":
        current = def.in as z.ZodType;
        continue;
      case "lazy":
        current = (def.getter as () => z.ZodType)();
        continue;
      case "union":
        current = (def.options as z.ZodType[]).find((o) => defOf(o).type === "object");
        continue;
    }
    if (i === path.length) {
      return def.type === "object" ? Object.keys(def.shape as object) : [];
    }
    const step = path[i++];
    if (def.type === "object") current = (def.shape as Record<string, z.ZodType>)[String(step)];
    else if (def.type === "array") current = def.element as z.ZodType;
    else if (def.type === "record") current = def.valueType as z.ZodType;
    else return [];
  }
  return [];
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

const EXPECTED: Record<string, string> = {
  object: "a map (key: value)",
  record: "a map (key: value)",
  array: "a list",
  int: "an integer",
  number: "a number",
  string: "a string",
  boolean: "true or false",
};

/**
 * Validates `value` (found at `base` in `source`) against `schema` and turns every zod
 * issue into a located diagnostic a person can act on.
 */
export function validateAt<S extends z.ZodType>(
  schema: S,
  value: unknown,
  source: YamlSource,
  base: Path,
  what: string,
): { data?: z.infer<S>; diagnostics: Diagnostic[] } {
  const result = schema.safeParse(value);
  if (result.success) return { data: result.data, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  // Unknown keys alone should not hide every later error: report them, drop them, go on.
  let data: z.infer<S> | undefined;
  if (result.error.issues.every((i) => i.code === "unrecognized_keys")) {
    const stripped = structuredClone(value);
    for (const issue of result.error.issues) {
      const target = issue.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown>)?.[k], stripped);
      for (const key of (issue as { keys: string[] }).keys) delete (target as Record<string, unknown>)[key];
    }
    const retry = schema.safeParse(stripped);
    if (retry.success) data = retry.data;
  }
  for (const issue of result.error.issues) {
    const rel = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    const path = [...base, ...rel];
    const where = rel.length > 0 ? `${what}: "${rel.join(".")}"` : what;
    if (issue.code === "unrecognized_keys") {
      const allowed = keysAt(schema, rel);
      for (const key of issue.keys) {
        const offset = source.keyOffset(path, key) ?? source.offsetOf(path);
        diagnostics.push({
          code: "unknown-key",
          message: `unknown key "${key}" in ${where}${didYouMean(key, allowed)}`,
          hint: allowed.length > 0 ? `allowed keys: ${allowed.join(", ")}` : "remove this key",
          location: source.at(offset),
          excerpt: source.excerpt(offset),
        });
      }
      continue;
    }
    let message: string;
    if (issue.code === "invalid_type") {
      const actual = rel.reduce<unknown>(
        (v, k) => (v as Record<string | number, unknown> | undefined)?.[k],
        value,
      );
      message =
        actual === undefined
          ? `${where} is required`
          : `${where} must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${describe(actual)}`;
    } else if (issue.code === "invalid_value") {
      message = `${where} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    } else if (issue.code === "invalid_union") {
      message = `${where} has the wrong type (${issue.message})`;
    } else {
      message = `${where}: ${issue.message}`;
    }
    diagnostics.push(
      source.diagnosticAt(path, `invalid-${issue.code.replace(/^invalid_/, "").replace(/_/g, "-")}`, message),
    );
  }
  return data === undefined ? { diagnostics } : { data, diagnostics };
}
