import { parse } from "yaml";

/** An env var an integration declares (the runtime's `env:` entries). */
export interface DeclaredVar {
  name: string;
  default?: string | undefined;
  required?: boolean | undefined;
  secret?: boolean | undefined;
}

/** What a deploy binds to a declared var: a literal, or a cluster secret by name (which wins). */
export interface Binding {
  value?: string | undefined;
  secret?: string | undefined;
}

/** The platform sets these; binding them by hand is refused. */
export const MANAGED_VARS = ["HTTP_PORT", "HTTP_HOST"] as const;

export interface DefinitionFacts {
  declared: DeclaredVar[];
  /** The declared HTTP_PORT default (1–65535), which marks a network service. */
  httpPort: number | undefined;
}

/** Reads the `env:` declarations of a definition; unreadable YAML is a clear error. */
export function definitionFacts(definition: string): DefinitionFacts {
  let doc: unknown;
  try {
    doc = parse(definition);
  } catch (e) {
    throw new Error(`the definition is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const env = (doc as { env?: unknown } | null)?.env;
  const declared: DeclaredVar[] = [];
  for (const entry of Array.isArray(env) ? env : []) {
    if (typeof entry !== "object" || entry === null || typeof entry.name !== "string") continue;
    const d = entry as { name: string; default?: unknown; required?: unknown; secret?: unknown };
    declared.push({
      name: d.name,
      default: d.default === undefined || d.default === null ? undefined : String(d.default),
      required: d.required === true,
      secret: d.secret === true,
    });
  }
  const port = Number(declared.find((d) => d.name === "HTTP_PORT")?.default);
  return { declared, httpPort: Number.isInteger(port) && port >= 1 && port <= 65535 ? port : undefined };
}

export type BindingProblem = { message: string };

/**
 * Checks a deploy's bindings against the declarations (deployment.md): managed vars cannot be
 * bound, only declared vars can, every `required` var must be bound (a default does not count,
 * as in the runtime), and a secret binding wins over a literal. Returns the effective bindings.
 */
export function checkBindings(
  declared: DeclaredVar[],
  bindings: Record<string, Binding>,
):
  | {
      ok: true;
      bindings: Map<string, { kind: "literal"; value: string } | { kind: "secret"; secret: string }>;
    }
  | {
      ok: false;
      problems: string[];
    } {
  const problems: string[] = [];
  const byName = new Map(declared.map((d) => [d.name, d]));
  const effective = new Map<
    string,
    { kind: "literal"; value: string } | { kind: "secret"; secret: string }
  >();
  for (const [name, b] of Object.entries(bindings)) {
    if ((MANAGED_VARS as readonly string[]).includes(name)) {
      problems.push(`${name} is managed by the platform and cannot be bound`);
      continue;
    }
    if (!byName.has(name)) {
      problems.push(`${name} is not declared under env: in this version`);
      continue;
    }
    if (b.secret) effective.set(name, { kind: "secret", secret: b.secret });
    else if (b.value !== undefined) effective.set(name, { kind: "literal", value: b.value });
  }
  for (const d of declared) {
    if (d.required && !effective.has(d.name) && !(MANAGED_VARS as readonly string[]).includes(d.name))
      problems.push(`${d.name} is required: bind it to a value or a secret (its default does not count)`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, bindings: effective };
}

/** Lowercase [a-z0-9] with single dashes, at most 54 characters (room for `octo-int-`). */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 54)
    .replace(/-+$/, "");
}
