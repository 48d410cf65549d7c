import { z } from "zod";
import { caretExcerpt } from "../cel/index.ts";
import type { LoadedConfig, Located, ProcessorDecl } from "../config/load.ts";
import type { Path, YamlSource } from "../config/yaml-source.ts";
import { ROOT_ONLY_FLOW_KEYS } from "../dsl/fields.ts";
import { validateAt } from "../dsl/validate.ts";
import { type Diagnostic, FlowError } from "../errors/diagnostic.ts";
import { didYouMean } from "../errors/suggest.ts";
import type { Registry } from "../plugin/registry.ts";
import type {
  BlockCompileContext,
  BlockDefinition,
  ConnectorDefinition,
  Expr,
  SourceCompileContext,
  SourceDefinition,
  Step,
} from "../plugin/types.ts";
import type { ScopeInfo, Tracer } from "../tracing/tracer.ts";
import { compileExpr } from "./expr.ts";
import { sequence } from "./sequence.ts";

export const FLOW_DEFAULTS = { workers: 8, buffer: 128, pool: 16 } as const;

export interface CompiledConnector {
  name: string;
  definition: ConnectorDefinition;
  settings: Record<string, unknown>;
}

export interface CompiledSource {
  connector: string;
  definition: SourceDefinition;
  settings: Record<string, unknown>;
  /** What the source's compile() returned (compiled payload expressions …). */
  compiled?: unknown;
}

export interface CompiledFlow {
  name: string;
  workers: number;
  buffer: number;
  pool: number;
  process: Step;
  error: Step | undefined;
  source: CompiledSource | undefined;
}

/** A config turned into runnable steps: every reference resolved, every expression compiled. */
export interface Plan {
  service: LoadedConfig["service"];
  env: LoadedConfig["env"];
  connectors: CompiledConnector[];
  flows: Map<string, CompiledFlow>;
  /** The tracer the steps were compiled with (the runtime wraps flow runs with it too). */
  tracer?: Tracer;
}

export type CompileResult = { ok: true; plan: Plan } | { ok: false; diagnostics: Diagnostic[] };

const blockHead = {
  type: z.string().min(1),
  name: z.string().min(1).optional(),
  ref: z.string().min(1).optional(),
};
const nodeSchemas = new WeakMap<BlockDefinition, z.ZodObject>();

/** The full schema of one block node: head keys plus settings (leaf) or fields (composite). */
export function blockNodeSchema(def: BlockDefinition): z.ZodObject {
  let s = nodeSchemas.get(def);
  if (!s) {
    s =
      def.kind === "leaf"
        ? z.strictObject({ ...blockHead, settings: def.fields })
        : z.strictObject({ ...blockHead, ...def.fields.shape });
    nodeSchemas.set(def, s);
  }
  return s;
}

/** Runtime error raised by a placeholder step when compile failed (never reached: load fails). */
const unreachable: Step = () => {
  throw new Error("unreachable: config failed to compile");
};

/**
 * Compiles a loaded config. With a `tracer`, every block, nested block list and flow is wrapped
 * by it here, once; without one the steps are exactly the blocks' own (nothing checked per message).
 */
export function compilePlan(config: LoadedConfig, registry: Registry, tracer?: Tracer): CompileResult {
  const diagnostics: Diagnostic[] = [];
  tracer?.plan?.({ service: config.service.name, secrets: [...config.env.secretValues] });
  const processors = new Map(config.processors.map((p) => [p.value.name, p]));
  const flowNames = new Set(config.flows.map((f) => f.value.name));
  const connectors: CompiledConnector[] = [];
  const connectorTypes = new Map<string, ConnectorDefinition>();

  for (const c of config.connectors) {
    const def = registry.connectors.get(c.value.type);
    if (!def) {
      diagnostics.push(
        c.source.diagnosticAt(
          [...c.path, "type"],
          "unknown-connector-type",
          `unknown connector type "${c.value.type}"${didYouMean(c.value.type, registry.connectors.keys())}`,
          `known connector types: ${[...registry.connectors.keys()].join(", ") || "(none)"}`,
        ),
      );
      continue;
    }
    const r = validateAt(
      def.settings,
      c.value.settings ?? {},
      c.source,
      [...c.path, "settings"],
      `${c.value.type} settings`,
    );
    diagnostics.push(...r.diagnostics);
    // Known even when its settings are wrong, so blocks using it get no misleading second error.
    connectorTypes.set(c.value.name, def);
    if (r.data) {
      connectors.push({ name: c.value.name, definition: def, settings: r.data as Record<string, unknown> });
    }
  }

  /** Compiles the CEL text written at `path` in `source`; a failure becomes a located diagnostic. */
  const exprAt: ExprAt = (source, path, text, extra) => {
    const src = String(text);
    const res = compileExpr(src, config.env.values, extra);
    if (res.ok) return res.expr;
    for (const e of res.errors) {
      const offset = source.offsetInScalar(path, e.offset ?? 0);
      diagnostics.push({
        code: "cel-compile",
        message: `CEL: ${e.message}`,
        hint: "expressions see body, vars, eventID, correlationID, env and now",
        location: source.at(offset),
        excerpt: e.offset === undefined ? source.excerpt(offset) : caretExcerpt(src, e.offset),
      });
    }
    return { source: src, evaluate: () => undefined } satisfies Expr;
  };

  /** Compiles one block node found at `path` in `source`, inside flow `flowName`. */
  function compileBlock(
    raw: unknown,
    source: YamlSource,
    path: Path,
    flowName: string,
    seenRefs: string[],
  ): Step {
    const err = (p: Path, code: string, message: string, hint?: string) => {
      diagnostics.push(source.diagnosticAt(p, code, message, hint));
      return unreachable;
    };
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      return err(path, "invalid-block", "a block must be a map with type: (or ref:)", "e.g. - type: log");
    }
    let node = raw as Record<string, unknown>;
    // Where each field of the (possibly merged) node was written: use site, or the processor.
    let fieldOrigin = (_field: string): { source: YamlSource; path: Path } => ({ source, path });
    if (typeof node.ref === "string") {
      const ref = node.ref;
      const proc: Located<ProcessorDecl> | undefined = processors.get(ref);
      if (!proc) {
        return err(
          [...path, "ref"],
          "unknown-processor",
          `ref "${ref}" names no processor${didYouMean(ref, processors.keys())}`,
          processors.size > 0
            ? `declared processors: ${[...processors.keys()].join(", ")}`
            : "declare it under processors:",
        );
      }
      if (seenRefs.includes(ref))
        return err([...path, "ref"], "processor-cycle", `processor "${ref}" refers to itself`);
      if (node.type !== undefined && node.type !== proc.value.type) {
        return err(
          [...path, "type"],
          "ref-type-mismatch",
          `block has ref "${ref}" (a ${proc.value.type}) but type "${String(node.type)}"`,
          "drop type: or make it match the processor's type",
        );
      }
      const { name: _procName, ...procNode } = proc.value;
      const useSettings = (node.settings ?? {}) as Record<string, unknown>;
      node = {
        ...procNode,
        ...node,
        type: proc.value.type,
        settings: { ...((procNode.settings ?? {}) as Record<string, unknown>), ...useSettings },
      };
      delete node.ref;
      const usePath = path;
      fieldOrigin = (field) => {
        const [top, key] = field.split(".");
        const atUse =
          top === "settings"
            ? key !== undefined && key in useSettings
            : top !== undefined && top in (raw as object);
        return atUse ? { source, path: usePath } : { source: proc.source, path: proc.path };
      };
      seenRefs = [...seenRefs, ref];
    }
    const type = node.type;
    if (typeof type !== "string")
      return err(
        path,
        "missing-block-type",
        "block has no type:",
        "add type: (e.g. log) or ref: to a processor",
      );
    const def = registry.blocks.get(type);
    if (!def) {
      return err(
        [...path, "type"],
        "unknown-block-type",
        `unknown block type "${type}"${didYouMean(type, registry.blocks.keys())}`,
        `known block types: ${[...registry.blocks.keys()].join(", ")}`,
      );
    }
    // Sub-flow slots must not set root-only keys; say so instead of "unknown key".
    // A leaf whose settings are all optional may omit settings: altogether.
    if (def.kind === "leaf" && node.settings === undefined) node = { ...node, settings: {} };
    const r = validateAt(blockNodeSchema(def), node, source, path, `${type} block`);
    diagnostics.push(...rootOnlyHints(r.diagnostics));
    if (!r.data) return unreachable;
    const parsed = r.data as Record<string, unknown>;
    const fieldsAt = def.kind === "leaf" ? ["settings"] : [];
    const abs = (field: string | Path): { source: YamlSource; path: Path } => {
      const rel = [...fieldsAt, ...(typeof field === "string" ? [field] : field)];
      const origin = fieldOrigin(rel.slice(0, 2).join("."));
      return { source: origin.source, path: [...origin.path, ...rel] };
    };
    const ctx: BlockCompileContext = {
      path,
      flowName,
      expr(field, text, extra) {
        const at = abs(field);
        return exprAt(at.source, at.path, text, extra);
      },
      blocks(field, list) {
        const at = abs(field);
        const step = compileBlocks(list, at.source, at.path, flowName, seenRefs);
        if (!tracer) return step;
        const fields = def.kind === "leaf" ? (parsed.settings as Record<string, unknown>) : parsed;
        return tracer.scope(step, scopeInfo(field, fields));
      },
      connector(field, name, kind) {
        const def = connectorTypes.get(name);
        const ok =
          def &&
          (kind.type === undefined || def.type === kind.type) &&
          (kind.category === undefined || def.category === kind.category);
        if (ok) return;
        const at = abs(field);
        const wanted = kind.type ?? `${kind.category} connector`;
        const fits = (d: ConnectorDefinition) =>
          (kind.type !== undefined && d.type === kind.type) ||
          (kind.category !== undefined && d.category === kind.category);
        const candidates = [...connectorTypes].filter(([, d]) => fits(d)).map(([n]) => n);
        diagnostics.push(
          at.source.diagnosticAt(
            at.path,
            "unknown-connector",
            def
              ? `connector "${name}" is a ${def.type}, not a ${wanted}`
              : `no connector named "${name}"${didYouMean(name, connectorTypes.keys())}`,
            candidates.length > 0
              ? `${wanted} connectors: ${candidates.join(", ")}`
              : `declare a ${wanted} under connectors:`,
          ),
        );
      },
      flow(field, name) {
        if (flowNames.has(name)) return;
        const at = abs(field);
        diagnostics.push(
          at.source.diagnosticAt(
            at.path,
            "unknown-flow",
            `no flow named "${name}"${didYouMean(name, flowNames)}`,
            `flows: ${[...flowNames].join(", ")}`,
          ),
        );
      },
      error(field, code, message, hint) {
        const at = abs(field);
        diagnostics.push(at.source.diagnosticAt(at.path, code, message, hint));
      },
    };
    const name = parsed.name as string | undefined;
    const step = attribute(def.compile(parsed, ctx), name ?? type);
    if (!tracer) return step;
    return tracer.block(step, { type, name, flow: flowName, location: source.at(source.offsetOf(path)) });
  }

  function compileBlocks(
    list: readonly unknown[],
    source: YamlSource,
    path: Path,
    flowName: string,
    seenRefs: string[],
  ): Step {
    return sequence(list.map((b, i) => compileBlock(b, source, [...path, i], flowName, seenRefs)));
  }

  // Processors are complete blocks of their own: check each once where it is declared.
  for (const p of config.processors)
    compileBlock({ ...p.value, name: undefined }, p.source, p.path, "(processors)", [p.value.name]);

  const flows = new Map<string, CompiledFlow>();
  for (const f of config.flows) {
    const flow = f.value;
    let process = compileBlocks(flow.process, f.source, [...f.path, "process"], flow.name, []);
    let error = flow.error
      ? compileBlocks(flow.error, f.source, [...f.path, "error"], flow.name, [])
      : undefined;
    if (tracer) {
      process = tracer.scope(process, { slot: "process", label: undefined });
      if (error) error = tracer.scope(error, { slot: "error", label: undefined });
    }
    flows.set(flow.name, {
      name: flow.name,
      workers: flow.workers ?? FLOW_DEFAULTS.workers,
      buffer: flow.buffer ?? FLOW_DEFAULTS.buffer,
      pool: flow.pool ?? FLOW_DEFAULTS.pool,
      process,
      error,
      source: flow.source
        ? compileSource(f, connectorTypes, connectors, registry, diagnostics, exprAt)
        : undefined,
    });
  }

  if (diagnostics.length > 0) return { ok: false, diagnostics: unique(diagnostics) };
  const plan: Plan = { service: config.service, env: config.env, connectors, flows };
  if (tracer) plan.tracer = tracer;
  return { ok: true, plan };
}

/**
 * Names a nested block list by its field: ["cases", 1, "process"] → `cases[1]`, labelled by the
 * slot's `name:` (fork branches, AI routes and tools) or its `when:` condition.
 */
export function scopeInfo(field: string | Path, node: Record<string, unknown>): ScopeInfo {
  const path = typeof field === "string" ? [field] : [...field];
  if (path.length > 1 && path[path.length - 1] === "process") path.pop();
  let slot = "";
  let at: unknown = node;
  for (const key of path) {
    slot += typeof key === "number" ? `[${key}]` : `${slot === "" ? "" : "."}${key}`;
    at = at !== null && typeof at === "object" ? (at as Record<string | number, unknown>)[key] : undefined;
  }
  const own = at !== null && typeof at === "object" ? (at as Record<string, unknown>) : {};
  const label =
    typeof own.name === "string" ? own.name : typeof own.when === "string" ? `when ${own.when}` : undefined;
  return { slot, label };
}

/** A processor's own error is found where it is declared and again at each ref: say it once. */
function unique(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.location?.file}:${d.location?.line}:${d.location?.col}:${d.code}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

type ExprAt = (
  source: YamlSource,
  path: Path,
  text: string | number | boolean,
  extra?: Record<string, string>,
) => Expr;

/** Turns "unknown key source" inside a sub-flow into the rule it breaks. */
function rootOnlyHints(diags: Diagnostic[]): Diagnostic[] {
  return diags.map((d) => {
    const m = /^unknown key "([^"]+)"/.exec(d.message);
    const key = m?.[1];
    if (!key || !(ROOT_ONLY_FLOW_KEYS as readonly string[]).includes(key)) return d;
    return {
      ...d,
      code: "root-only-key",
      message: `"${key}" can only be set on a top-level flow, not inside a block's sub-flow`,
      hint: `move it to a top-level flow and call that flow with flow-ref`,
    };
  });
}

function compileSource(
  f: Located<import("../dsl/document.ts").FlowDecl>,
  connectorTypes: Map<string, ConnectorDefinition>,
  connectors: CompiledConnector[],
  registry: Registry,
  diagnostics: Diagnostic[],
  exprAt: ExprAt,
): CompiledSource | undefined {
  const src = f.value.source ?? {};
  const path = [...f.path, "source"];
  // `connector` names an instance; a connector *type* with no required settings is accepted too.
  let connectorName = src.connector;
  let def = connectorName ? connectorTypes.get(connectorName) : undefined;
  if (!def) {
    const typeName = connectorName ?? src.type;
    const byType = typeName ? registry.connectors.get(typeName) : undefined;
    const implicit = byType?.settings.safeParse({});
    if (byType && implicit?.success) {
      def = byType;
      connectorName = `${byType.type}:${f.value.name}`;
      connectors.push({
        name: connectorName,
        definition: byType,
        settings: implicit.data as Record<string, unknown>,
      });
    }
  }
  if (!def || !connectorName) {
    const offered = registry.sources().map((s) => s.source.type);
    diagnostics.push(
      f.source.diagnosticAt(
        src.connector ? [...path, "connector"] : path,
        "unknown-source",
        src.connector
          ? `source connector "${src.connector}" is not declared${didYouMean(src.connector, connectorTypes.keys())}`
          : "source needs connector: (a connector name)",
        offered.length > 0
          ? `source types available: ${offered.join(", ")}`
          : "this runtime has no source connectors; flows without source: are called with octo invoke or flow-ref",
      ),
    );
    return undefined;
  }
  const sources = def.sources ?? [];
  const sdef = src.type ? sources.find((s) => s.type === src.type) : sources[0];
  if (!sdef) {
    diagnostics.push(
      f.source.diagnosticAt(
        [...path, src.type ? "type" : "connector"],
        "unknown-source-type",
        src.type
          ? `connector ${def.type} has no source type "${src.type}"`
          : `connector ${def.type} cannot be a flow source`,
        sources.length > 0
          ? `source types of ${def.type}: ${sources.map((s) => s.type).join(", ")}`
          : undefined,
      ),
    );
    return undefined;
  }
  const settingsPath = [...path, "settings"];
  const r = validateAt(
    sdef.settings,
    src.settings ?? {},
    f.source,
    settingsPath,
    `${sdef.type} source settings`,
  );
  diagnostics.push(...r.diagnostics);
  if (!r.data) return undefined;
  const settings = r.data as Record<string, unknown>;
  if (!sdef.compile) return { connector: connectorName, definition: sdef, settings };
  const at = (field: string | Path): Path => [
    ...settingsPath,
    ...(typeof field === "string" ? [field] : field),
  ];
  const ctx: SourceCompileContext = {
    flowName: f.value.name,
    expr: (field, text, extra) => exprAt(f.source, at(field), text, extra),
    error: (field, code, message, hint) =>
      diagnostics.push(f.source.diagnosticAt(at(field), code, message, hint)),
  };
  return { connector: connectorName, definition: sdef, settings, compiled: sdef.compile(settings, ctx) };
}

/** Attributes any failure inside a step to its flow and block (the innermost block wins). */
function attribute(step: Step, block: string): Step {
  const wrap = (e: unknown, flow: string): never => {
    if (e instanceof FlowError) throw e;
    throw new FlowError(e instanceof Error ? e.message : String(e), flow, block);
  };
  return (msg, exec) => {
    try {
      const r = step(msg, exec);
      return r === undefined ? r : r.catch((e) => wrap(e, exec.flow));
    } catch (e) {
      return wrap(e, exec.flow);
    }
  };
}
