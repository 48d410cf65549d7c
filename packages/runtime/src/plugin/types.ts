import type { z } from "zod";
import type { Path } from "../config/yaml-source.ts";
import type { BlockEvent } from "../engine/events.ts";
import type { Message } from "../engine/message.ts";
import type { Logger } from "../logging/logger.ts";
import type { RuntimeServices } from "../services/types.ts";
import type { TraceFrame } from "../tracing/tracer.ts";

/**
 * The plugin API: what a package (such as @octo/ai) registers into the runtime.
 * Blocks and connectors are self-describing — their zod schemas are the config
 * reference, the JSON Schema the editor reads, and what the loader validates.
 */
export interface OctoPlugin {
  name: string;
  blocks?: BlockDefinition[];
  connectors?: ConnectorDefinition[];
  /**
   * The plugin's Prometheus metrics: declared once through `metrics` when a process serves
   * `/metrics`, then fed every block event (of every plugin; pick yours by `name`).
   */
  metrics?(metrics: PluginMetrics): (event: BlockEvent) => void;
}

/** Label values by label name. */
export type MetricLabels = Record<string, string>;

/** What a plugin may declare in the runtime's metrics registry (names start with `octo_`). */
export interface PluginMetrics {
  counter(
    name: string,
    help: string,
    labelNames: readonly string[],
  ): { inc(labels: MetricLabels, value?: number): void };
  histogram(
    name: string,
    help: string,
    labelNames: readonly string[],
    buckets: readonly number[],
  ): { observe(labels: MetricLabels, value: number): void };
}

/** A compiled, runnable piece of a flow. Mutates the message in place; sync when it can be. */
export type Step = (msg: Message, exec: Exec) => void | Promise<void>;

/** Per-message execution state passed down every step. */
export interface Exec {
  /** The flow being executed (the callee inside a flow-ref). */
  readonly flow: string;
  readonly runtime: RuntimeHandle;
  /** Aborted when a sibling fork branch fails. */
  readonly signal: AbortSignal | undefined;
  /** flow-ref nesting depth, bounded to stop runaway recursion. */
  readonly depth: number;
  /** Set only in runtimes compiled with a tracer: where the current step's trace continues. */
  readonly trace?: TraceFrame;
}

/** What running steps may ask of the runtime. */
export interface RuntimeHandle {
  readonly logger: Logger;
  /** Runs a flow synchronously on the caller's worker and returns its result message. */
  callFlow(name: string, msg: Message, exec: Exec): Promise<Message>;
  /**
   * Queues a copy of the message on a flow and returns without waiting for its result; `from`
   * (the caller's execution state) lets a traced run continue the caller's trace.
   */
  sendFlow(name: string, msg: Message, from?: Exec): Promise<void>;
  /** Runs fork branches with the flow's shared pool (bounded, never deadlocks). */
  runBranches(flow: string, tasks: (() => Promise<void>)[], signal: AbortController): Promise<void>;
  /** A connector instance by name (created at start). */
  connector<T = unknown>(name: string): T;
  /** Key-value store and leader election (standalone, or the cluster's). */
  readonly services: RuntimeServices;
  /** Counts an error of a connector (the `octo_connector_errors_total` metric). */
  connectorError(connector: string, kind: string): void;
  /**
   * Reports what a block did (an LLM call, a fallback taken) on the event bus and to the
   * plugins' metrics. `block` names the block ("ai-router" or "ai-router triage").
   */
  blockEvent(msg: Message, exec: Exec, block: string, name: string, data: Record<string, unknown>): void;
}

/** A compiled CEL expression bound to the runtime's env. */
export interface Expr {
  readonly source: string;
  evaluate(msg: Message, extra?: Record<string, unknown>): unknown;
}

/** What compile hooks (blocks, sources) share: located CEL compilation and errors. */
export interface CompileContext {
  /** Name of the enclosing top-level flow. */
  readonly flowName: string;
  /** Compiles the CEL expression at `field`; a failure is a located load error. */
  expr(
    field: string | Path,
    source: string | number | boolean,
    extraVariables?: Record<string, string>,
  ): Expr;
  /** Records a located error (the load fails, every error is reported). */
  error(field: string | Path, code: string, message: string, hint?: string): void;
}

/** What a block's compile() gets; fields are relative to where the block's fields live. */
export interface BlockCompileContext extends CompileContext {
  /** Path of this block in its file (for messages). */
  readonly path: Path;
  /** Compiles a nested list of blocks found at `field` (top level of the block). */
  blocks(field: string | Path, blocks: readonly unknown[]): Step;
  /** Checks that a connector named `name` exists with the given type or category. */
  connector(field: string | Path, name: string, kind: { type?: string; category?: string }): void;
  /** Checks that a flow named `name` exists. */
  flow(field: string | Path, name: string): void;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds definitions of every settings shape; each definition narrows its own.
export interface BlockDefinition<Node = any> {
  type: string;
  label: string;
  category: "processor" | "control-flow";
  description: string;
  /**
   * Leaf blocks keep their fields under `settings:`; composite blocks keep them at the
   * block's top level beside their slots (`condition`, `then`, `cases` …).
   */
  kind: "leaf" | "composite";
  /** The block's fields (settings for a leaf; top-level fields and slots for a composite). */
  fields: z.ZodObject;
  compile(node: Node, ctx: BlockCompileContext): Step;
}

/** A connector type; issue-specific connectors (http, cron, database …) implement it. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds definitions of every settings shape; each definition narrows its own.
export interface ConnectorDefinition<Settings = any, Instance = unknown> {
  type: string;
  label: string;
  category?: string;
  description: string;
  settings: z.ZodObject;
  /** Source types this connector offers to flows (`source: {connector, type, settings}`). */
  sources?: SourceDefinition<Instance>[];
  create(settings: Settings, ctx: ConnectorContext): Instance | Promise<Instance>;
  close?(instance: Instance): void | Promise<void>;
}

export interface ConnectorContext {
  readonly name: string;
  readonly logger: Logger;
  readonly services: RuntimeServices;
  /** Values that must never reach logs, responses or errors (secret env values). */
  readonly secrets: readonly string[];
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds definitions of every settings shape; each definition narrows its own.
export interface SourceDefinition<Instance = unknown, Settings = any, Compiled = unknown> {
  type: string;
  label: string;
  settings: z.ZodObject;
  /**
   * Optional load-time step (runs after `settings` validated): compiles the source's CEL and
   * records located errors. What it returns reaches start() as `ctx.compiled`.
   */
  compile?(settings: Settings, ctx: SourceCompileContext): Compiled;
  /** Starts delivering messages to `deliver`; returns a function that stops it. */
  start(ctx: SourceContext<Instance, Settings, Compiled>): Promise<() => Promise<void>>;
}

/** What a source's compile() gets; fields are relative to the source's `settings:`. */
export type SourceCompileContext = CompileContext;

export interface SourceContext<Instance, Settings, Compiled = unknown> {
  readonly flow: string;
  readonly settings: Settings;
  readonly connector: Instance;
  /** The connector's name in the config. */
  readonly connectorName: string;
  readonly logger: Logger;
  readonly services: RuntimeServices;
  /** Counts an error of this source's connector (bad requests, dropped ticks …). */
  connectorError(kind: string): void;
  /** What the source type's compile() returned at load (undefined when it has none). */
  readonly compiled?: Compiled;
  /** Hands a message to the flow's bounded queue; rejects with QueueFullError when it is full. */
  deliver(msg: Message): Promise<import("../engine/outcome.ts").Outcome>;
  /**
   * Present only when the runtime's tracer continues callers' traces (OpenTelemetry): a source
   * that has request headers (W3C `traceparent`) calls it with each message before delivering it.
   */
  readonly continueTrace?: (msg: Message, header: (name: string) => string | undefined) => void;
}
