import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import type { Diagnostic } from "../errors/diagnostic.ts";
import type { Path, YamlSource } from "./yaml-source.ts";

/** A declared env var with where it was declared. */
export interface LocatedEnvDecl {
  name: string;
  required?: boolean | undefined;
  default?: string | number | boolean | undefined;
  secret?: boolean | undefined;
  source: YamlSource;
  path: Path;
}

export interface ResolvedEnv {
  /** Every declared variable with its resolved value ("" when unset and optional). */
  values: Record<string, string>;
  /** Names declared `secret: true`. */
  secretNames: Set<string>;
  /** Non-empty values of secret variables, for redaction. */
  secretValues: Set<string>;
}

/** Reads a `.env` file (Node's own parser); an absent file is empty. */
export function readDotEnv(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  return parseEnv(readFileSync(file, "utf8")) as Record<string, string>;
}

/** Resolution order: OS environment > `.env` > `default`. A default never satisfies `required`. */
export function resolveEnv(
  decls: LocatedEnvDecl[],
  osEnv: Record<string, string | undefined>,
  dotEnv: Record<string, string>,
): { env: ResolvedEnv; diagnostics: Diagnostic[] } {
  const env: ResolvedEnv = { values: {}, secretNames: new Set(), secretValues: new Set() };
  const diagnostics: Diagnostic[] = [];
  for (const d of decls) {
    const fromOutside = osEnv[d.name] ?? dotEnv[d.name];
    if (d.required && fromOutside === undefined) {
      const hint =
        d.default !== undefined
          ? `set ${d.name} in the environment or in .env beside the config; its default does not satisfy required: true (drop "required" if the default is enough)`
          : `set ${d.name} in the environment or in a .env file beside the config`;
      diagnostics.push(
        d.source.diagnosticAt(d.path, "env-missing", `required env var ${d.name} is not set`, hint),
      );
    }
    const value = fromOutside ?? (d.default === undefined ? "" : String(d.default));
    env.values[d.name] = value;
    if (d.secret) {
      env.secretNames.add(d.name);
      if (value !== "") env.secretValues.add(value);
    }
  }
  return { env, diagnostics };
}

const REF = /\$\$\{|\$\{([^}]*)\}/g;
const WHOLE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** `"8080"` → 8080, `"true"` → true; anything else stays a string. */
function natural(value: string): unknown {
  // Only canonical numbers: "007" or a 20-digit id stay strings rather than lose digits.
  if (/^-?\d+(\.\d+)?$/.test(value) && String(Number(value)) === value) return Number(value);
  if (value === "true") return true;
  if (value === "false") return false;
  return value;
}

/**
 * Replaces `${NAME}` references in every string of `value`. A string that is exactly one
 * reference takes the value's natural type; inside a longer string it interpolates;
 * `$${X}` is a literal `${X}`. Referencing an undeclared name is an error at its position.
 */
export function substituteEnv(
  value: unknown,
  env: ResolvedEnv,
  source: YamlSource,
  path: Path,
  diagnostics: Diagnostic[],
): unknown {
  if (typeof value === "string") {
    if (!value.includes("${")) return value;
    const whole = WHOLE.exec(value);
    if (whole?.[1] !== undefined && whole[1] in env.values) return natural(env.values[whole[1]] ?? "");
    return value.replace(REF, (match, name: string | undefined) => {
      if (name === undefined) return "${";
      if (name in env.values) return env.values[name] ?? "";
      const declared = Object.keys(env.values);
      diagnostics.push(
        source.diagnosticAt(
          path,
          "env-undeclared",
          `\${${name}} references an env var that is not declared`,
          declared.length > 0
            ? `declare it under env: (declared: ${declared.join(", ")})`
            : `declare it under env:, e.g. - { name: ${name || "NAME"} }`,
        ),
      );
      return match;
    });
  }
  if (Array.isArray(value))
    return value.map((v, i) => substituteEnv(v, env, source, [...path, i], diagnostics));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = substituteEnv(v, env, source, [...path, k], diagnostics);
    return out;
  }
  return value;
}
