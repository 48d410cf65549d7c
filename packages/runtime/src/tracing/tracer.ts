// The compile-time tracing hook. A runtime built without a tracer compiles exactly the steps it
// always did; with one, compilePlan wraps every block, every nested block list (a scope) and every
// flow run through it. What a tracer needs while a message runs travels in `exec.trace`.
import type { Message } from "../engine/message.ts";
import type { Outcome } from "../engine/outcome.ts";
import type { SourceLocation } from "../errors/diagnostic.ts";
import type { Exec, Step } from "../plugin/types.ts";
import type { RecordParent } from "./record/model.ts";

/** One run of a flow: its process and, on failure, its error chain, to the outcome. */
export type FlowRun = (msg: Message, exec: Exec) => Promise<Outcome>;

/** What is known of a block when it is compiled. */
export interface BlockInfo {
  type: string;
  /** Its `name:`, when it has one. */
  name: string | undefined;
  /** The top-level flow it was compiled in. */
  flow: string;
  /** Where it is written (the use site of a `ref:`). */
  location: SourceLocation;
}

/** A nested block list of a composite block, or a flow's `process` / `error`. */
export interface ScopeInfo {
  /** The slot it fills: `then`, `else`, `cases[1]`, `default`, `body`, `branches[0]`, `process`, `error` … */
  slot: string;
  /** The slot's own name (a fork branch's, an AI route's) or its `when:` condition. */
  label: string | undefined;
}

/** What the tracer learns once per compile, before any wrapping. */
export interface PlanInfo {
  service: string;
  /** Secret env values: never recorded, never exported. */
  secrets: readonly string[];
}

/** Where the trace continues from, per tracer (each reads and writes its own key). */
export interface TraceFrame {
  /** Recording: the node that steps started now attach to. */
  readonly record?: RecordParent;
  /** OpenTelemetry: the enclosing span. */
  readonly span?: SpanFrame;
}

/** The enclosing OpenTelemetry span, as outbound calls need it. */
export interface SpanFrame {
  /** W3C trace context headers (`traceparent`, `tracestate`) naming this span as the parent. */
  headers(): Record<string, string>;
}

/** Reads one request header (case-insensitive), for a source continuing a caller's trace. */
export type HeaderReader = (name: string) => string | undefined;

export interface Tracer {
  plan?(info: PlanInfo): void;
  block(step: Step, info: BlockInfo): Step;
  scope(step: Step, info: ScopeInfo): Step;
  flow(run: FlowRun, flow: string): FlowRun;
  /** A source received `msg` with these headers: its run continues the caller's trace (OTel only). */
  incoming?(msg: Message, header: HeaderReader): void;
}

/**
 * Runs that do not start under a traced step (a oneWay call's copy, a request carrying a
 * `traceparent`) find the frame they continue here. Weak: it lives as long as the message.
 */
const pending = new WeakMap<Message, TraceFrame>();

/** `msg` (a oneWay call's copy) runs later on its own: its trace continues `from`. */
export function detach(from: TraceFrame, msg: Message): void {
  pending.set(msg, from);
}

/** The frame a flow run continues: its caller's, or one left for the message, or none (a root). */
export function parentFrame(msg: Message, exec: Exec): TraceFrame | undefined {
  return exec.trace ?? pending.get(msg);
}

/** Several tracers as one: each wraps what the next one wrapped. */
export function composeTracers(...tracers: (Tracer | undefined)[]): Tracer | undefined {
  const list = tracers.filter((t): t is Tracer => t !== undefined);
  if (list.length <= 1) return list[0];
  const incoming = list.filter((t) => t.incoming !== undefined);
  return {
    plan: (info) => {
      for (const t of list) t.plan?.(info);
    },
    block: (step, info) => list.reduceRight((s, t) => t.block(s, info), step),
    scope: (step, info) => list.reduceRight((s, t) => t.scope(s, info), step),
    flow: (run, flow) => list.reduceRight((r, t) => t.flow(r, flow), run),
    ...(incoming.length > 0
      ? {
          incoming: (msg: Message, header: HeaderReader) => {
            for (const t of incoming) t.incoming?.(msg, header);
          },
        }
      : {}),
  };
}

/**
 * The tracer `octo run` and `octo invoke` build runtimes with when none is passed: set once by
 * the CLI when `OCTO_TRACING` enables OpenTelemetry (the SDK is global in the process too).
 */
let processTracer: Tracer | undefined;

export function defaultTracer(): Tracer | undefined {
  return processTracer;
}

export function setDefaultTracer(tracer: Tracer | undefined): void {
  processTracer = tracer;
}
