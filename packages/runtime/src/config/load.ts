import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, join, relative } from "node:path";
import { z } from "zod";
import {
  type ConnectorDecl,
  connectorSchema,
  documentSchema,
  envVarSchema,
  type FlowDecl,
  flowSchema,
  processorSchema,
  type serviceSchema,
} from "../dsl/document.ts";
import { validateAt } from "../dsl/validate.ts";
import type { Diagnostic } from "../errors/diagnostic.ts";
import { type LocatedEnvDecl, type ResolvedEnv, readDotEnv, resolveEnv, substituteEnv } from "./env.ts";
import { type Path, YamlSource } from "./yaml-source.ts";

/** A value from the merged config together with where it was written. */
export interface Located<T> {
  value: T;
  source: YamlSource;
  path: Path;
}

export type ProcessorDecl = { name: string; type: string } & Record<string, unknown>;

/** A config after parsing, env resolution, merging and schema validation (not yet compiled). */
export interface LoadedConfig {
  service: z.infer<typeof serviceSchema>;
  env: ResolvedEnv;
  connectors: Located<ConnectorDecl>[];
  processors: Located<ProcessorDecl>[];
  flows: Located<FlowDecl>[];
  files: YamlSource[];
  /** Directory relative paths (e.g. a SQLite file, a log file) resolve against. */
  baseDir: string;
}

export interface LoadOptions {
  /** The OS environment (defaults to process.env). */
  osEnv?: Record<string, string | undefined>;
  /** Variables from a `.env` file; read beside the config when not given. */
  dotEnv?: Record<string, string>;
}

/** On failure `partial` holds what did load, so a caller can look for further errors in it. */
export type LoadResult =
  | { ok: true; config: LoadedConfig }
  | { ok: false; diagnostics: Diagnostic[]; partial?: LoadedConfig };

/**
 * Whether a file of a config directory is part of the integration: YAML, but not a flow test
 * (`*.test.yaml`, read by `octo test`), which lives beside the integration it tests.
 */
export function isIntegrationFile(name: string): boolean {
  return [".yaml", ".yml"].includes(extname(name).toLowerCase()) && !/\.test\.ya?ml$/i.test(name);
}

/** Loads a config file, or every YAML file in a directory merged into one integration. */
export function loadConfig(configPath: string, opts: LoadOptions = {}): LoadResult {
  let files: string[];
  let dir: string;
  try {
    if (statSync(configPath).isDirectory()) {
      dir = configPath;
      files = readdirSync(configPath)
        .filter(isIntegrationFile)
        .sort()
        .map((f) => join(configPath, f))
        .filter((f) => statSync(f).isFile());
      if (files.length === 0)
        return fail(configPath, "config-empty", `no .yaml or .yml files in ${configPath}`);
    } else {
      dir = dirname(configPath);
      files = [configPath];
    }
  } catch {
    return fail(configPath, "config-not-found", `config ${configPath} does not exist`);
  }
  const display = (f: string) => {
    const rel = relative(process.cwd(), f);
    return rel && !rel.startsWith("..") ? rel : f;
  };
  const sources = files.map((f) => new YamlSource(display(f), readFileSync(f, "utf8")));
  const name = basename(configPath, extname(configPath));
  return loadSources(sources, {
    ...opts,
    dotEnv: opts.dotEnv ?? readDotEnv(join(dir, ".env")),
    baseDir: dir,
    defaultName: name,
  });
}

function fail(file: string, code: string, message: string): LoadResult {
  return { ok: false, diagnostics: [{ code, message, location: { file, line: 1, col: 1 } }] };
}

const envListSchema = z.array(envVarSchema);
// Top-level shape first; then each connector, processor and flow on its own, so one bad
// item does not hide the errors of the others.
const fileSchema = documentSchema.extend({
  env: z.unknown().optional(),
  connectors: z.array(z.unknown()).optional(),
  processors: z.array(z.unknown()).optional(),
  flows: z.array(z.unknown()).optional(),
});
const ITEM_SCHEMAS = [
  ["connectors", connectorSchema],
  ["processors", processorSchema],
  ["flows", flowSchema],
] as const;

/** Loads already-read sources (files, or editor/orchestrator text) into one config. */
export function loadSources(
  sources: YamlSource[],
  opts: LoadOptions & { baseDir?: string; defaultName?: string } = {},
): LoadResult {
  const diagnostics: Diagnostic[] = sources.flatMap((s) => s.errors);
  const tops: { source: YamlSource; top: Record<string, unknown> }[] = [];
  for (const source of sources) {
    if (source.errors.length > 0) continue;
    const top = source.value ?? {};
    if (typeof top !== "object" || Array.isArray(top)) {
      diagnostics.push(
        source.diagnosticAt(
          [],
          "config-shape",
          "the top level of a config must be a map",
          "start with service:, env:, connectors: or flows:",
        ),
      );
      continue;
    }
    tops.push({ source, top: top as Record<string, unknown> });
  }

  // env first: every other value may reference ${NAME}.
  const decls: LocatedEnvDecl[] = [];
  for (const { source, top } of tops) {
    if (top.env === undefined) continue;
    const r = validateAt(envListSchema, top.env, source, ["env"], "env");
    diagnostics.push(...r.diagnostics);
    for (const [i, d] of (r.data ?? []).entries()) decls.push({ ...d, source, path: ["env", i] });
  }
  diagnostics.push(
    ...duplicates(
      decls.map((d) => ({ value: d, source: d.source, path: d.path })),
      "env var",
    ),
  );
  const resolved = resolveEnv(decls, opts.osEnv ?? process.env, opts.dotEnv ?? {});
  diagnostics.push(...resolved.diagnostics);

  const merged = {
    services: [] as Located<z.infer<typeof serviceSchema>>[],
    connectors: [] as Located<ConnectorDecl>[],
    processors: [] as Located<ProcessorDecl>[],
    flows: [] as Located<FlowDecl>[],
  };
  for (const { source, top } of tops) {
    const { env: _env, ...rest } = top;
    const substituted = substituteEnv(rest, resolved.env, source, [], diagnostics);
    const r = validateAt(fileSchema, substituted, source, [], "config");
    diagnostics.push(...r.diagnostics);
    if (r.data?.service) merged.services.push({ value: r.data.service, source, path: ["service"] });
    // Even when a section is malformed, the well-formed ones are still checked item by item.
    const items = substituted as Record<string, unknown>;
    for (const [key, schema] of ITEM_SCHEMAS) {
      const list = items[key];
      if (!Array.isArray(list)) continue;
      list.forEach((raw, i) => {
        const label = `${key.slice(0, -1)} "${(raw as { name?: unknown })?.name ?? i}"`;
        const item = validateAt(schema, raw, source, [key, i], label);
        diagnostics.push(...item.diagnostics);
        if (item.data) (merged[key] as Located<unknown>[]).push({ value: item.data, source, path: [key, i] });
      });
    }
  }

  for (const extra of merged.services.slice(1)) {
    const first = merged.services[0];
    diagnostics.push(
      extra.source.diagnosticAt(
        extra.path,
        "duplicate-service",
        "service: is declared more than once",
        `keep one service: block (the first is in ${first?.source.file})`,
      ),
    );
  }
  diagnostics.push(...duplicates(merged.connectors, "connector"));
  diagnostics.push(...duplicates(merged.processors, "processor"));
  diagnostics.push(...duplicates(merged.flows, "flow"));
  const config: LoadedConfig = {
    service: merged.services[0]?.value ?? { name: opts.defaultName ?? "octo" },
    env: resolved.env,
    connectors: merged.connectors,
    processors: merged.processors,
    flows: merged.flows,
    files: sources,
    baseDir: opts.baseDir ?? process.cwd(),
  };
  return diagnostics.length > 0 ? { ok: false, diagnostics, partial: config } : { ok: true, config };
}

function duplicates<T extends { name: string }>(items: Located<T>[], what: string): Diagnostic[] {
  const seen = new Map<string, Located<T>>();
  const out: Diagnostic[] = [];
  for (const item of items) {
    const first = seen.get(item.value.name);
    if (!first) {
      seen.set(item.value.name, item);
      continue;
    }
    const at = first.source.at(first.source.offsetOf(first.path));
    out.push(
      item.source.diagnosticAt(
        [...item.path, "name"],
        `duplicate-${what.replace(/ /g, "-")}`,
        `duplicate ${what} name "${item.value.name}" (first defined at ${at.file}:${at.line}:${at.col})`,
        `rename one of them; ${what} names must be unique across all files of the config`,
      ),
    );
  }
  return out;
}
