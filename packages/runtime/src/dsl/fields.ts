import { z } from "zod";

/**
 * Building blocks for block and connector schemas. Each marks what the editor and the
 * loader need to know (CEL, nested block lists, sub-flows) as schema metadata, so the
 * zod schema stays the one definition of a valid file.
 */

/** A CEL expression. YAML scalars like `42` or `true` are accepted and read as CEL source. */
export const cel = (description: string) =>
  z.union([z.string(), z.number(), z.boolean()]).meta({ description, format: "cel" });

/**
 * The name of a connector declared under `connectors:` of one of `types`; the editor offers
 * exactly those (format "connector").
 */
export const connectorRef = (description: string, types: readonly string[]) =>
  z
    .string()
    .min(1)
    .meta({ description, format: "connector", connectorTypes: [...types] });

/** The name of a flow of the same file (format "flow"). */
export const flowName = (description: string) => z.string().min(1).meta({ description, format: "flow" });

/** A nested list of blocks; each element is validated by its own block definition. */
export const BLOCK_LIST = z.array(z.unknown()).meta({ description: "blocks run in order" });

/** Keys only a root flow may set. */
export const ROOT_ONLY_FLOW_KEYS = ["source", "workers", "buffer", "pool", "error"] as const;

const subFlowShape = {
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  process: BLOCK_LIST,
};

/** A sub-flow held by a composite block's slot (`then`, `default`, `body`, a fork branch …). */
export function subFlow(): z.ZodObject<typeof subFlowShape, z.core.$strict>;
export function subFlow<S extends z.ZodRawShape>(
  extra: S,
): z.ZodObject<Omit<typeof subFlowShape, keyof S> & S, z.core.$strict>;
export function subFlow(extra: z.ZodRawShape = {}) {
  return z.strictObject({ ...subFlowShape, ...extra });
}

/** A Go-style duration ("1.5s", "5m", "1h30m", "250ms") or "0". */
export const duration = (description: string) =>
  z
    .string()
    .regex(
      /^(0|(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)$/,
      'expected a duration such as "250ms", "30s", "5m" or "0"',
    )
    .meta({ description, format: "duration" });

/** Parses a duration string (validated by `duration`) into milliseconds. */
export function durationMs(text: string): number {
  const units: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
  };
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(m[1]) * (units[m[2] ?? "ms"] ?? 0);
  }
  return total;
}

/**
 * Why `value` is not an http:// or https:// URL without credentials, or undefined when it is one.
 * `credentialsHint` says where credentials go instead.
 */
export function httpURLProblem(value: string, credentialsHint = ""): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL; write it as https://host[:port][/path]`;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return `must be an http:// or https:// URL, not ${url.protocol}`;
  if (url.username || url.password) return `must not contain credentials${credentialsHint}`;
  return undefined;
}
