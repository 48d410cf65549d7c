// The OpenTelemetry tracer: a span per flow run and per block, parented as the blocks nest
// (a flow-ref's callee under the flow-ref, fork branches under the fork …). Only the API is
// used here; which SDK and exporter receive the spans is set up by ./sdk.ts (or a test).
import {
  type Attributes,
  type Context,
  defaultTextMapSetter,
  type Tracer as OtelTracer,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapPropagator,
  trace,
} from "@opentelemetry/api";
import { errorInfo } from "../../blocks/handle-errors/index.ts";
import { redactor } from "../../logging/logger.ts";
import type { Exec } from "../../plugin/types.ts";
import { detach, type HeaderReader, parentFrame, type SpanFrame, type Tracer } from "../tracer.ts";

export interface SpanTracerOptions {
  tracer: OtelTracer;
  /** W3C trace context in and out (`@opentelemetry/core`'s W3CTraceContextPropagator). */
  propagator: TextMapPropagator;
}

/** Attribute names (the `octo.` namespace, and OpenTelemetry's `code.*` for the block's place). */
export const ATTR = {
  service: "octo.service",
  flow: "octo.flow",
  blockType: "octo.block.type",
  blockName: "octo.block.name",
  eventID: "octo.event_id",
  correlationID: "octo.correlation_id",
  outcome: "octo.outcome",
  errorBlock: "octo.error.block",
  file: "code.file.path",
  line: "code.line.number",
} as const;

/** The enclosing span as `exec.trace.span`: its context, and the headers naming it. */
class OtelFrame implements SpanFrame {
  readonly context: Context;
  /** Extracted from a request (or a request without one): the flow run serves a caller. */
  readonly remote: boolean;
  private readonly propagator: TextMapPropagator;

  constructor(context: Context, propagator: TextMapPropagator, remote = false) {
    this.context = context;
    this.propagator = propagator;
    this.remote = remote;
  }

  headers(): Record<string, string> {
    const carrier: Record<string, string> = {};
    this.propagator.inject(this.context, carrier, defaultTextMapSetter);
    return carrier;
  }
}

const headerGetter: TextMapGetter<HeaderReader> = {
  get: (read, key) => read(key),
  keys: () => [],
};

export function spanTracer(opts: SpanTracerOptions): Tracer {
  const { tracer, propagator } = opts;
  let service = "octo";
  let redact = (text: string) => text;

  const fail = (span: Span, e: unknown, exec: Exec) => {
    const info = errorInfo(e, exec);
    const message = redact(info.message);
    span.setStatus({ code: SpanStatusCode.ERROR, message });
    // Name and message only: a stack trace says nothing about the flow and may hold paths.
    span.recordException({ name: e instanceof Error ? e.name : "Error", message });
    if (info.block) span.setAttribute(ATTR.errorBlock, info.block);
  };
  const frameOf = (exec: Exec) => exec.trace?.span;
  const contextOf = (frame: SpanFrame | undefined) =>
    frame instanceof OtelFrame ? frame.context : ROOT_CONTEXT;

  return {
    plan(info) {
      service = info.service;
      redact = redactor(info.secrets);
    },

    incoming(msg, header) {
      const context = propagator.extract(ROOT_CONTEXT, header, headerGetter);
      detach({ span: new OtelFrame(context, propagator, true) }, msg);
    },

    flow(run, flow) {
      return (msg, exec) => {
        const from = parentFrame(msg, exec);
        const parent = from?.span;
        const span = tracer.startSpan(
          `flow ${flow}`,
          {
            kind: parent instanceof OtelFrame && parent.remote ? SpanKind.SERVER : SpanKind.INTERNAL,
            attributes: {
              [ATTR.service]: service,
              [ATTR.flow]: flow,
              [ATTR.eventID]: msg.eventID,
              [ATTR.correlationID]: msg.correlationID,
            },
          },
          contextOf(parent),
        );
        const frame = new OtelFrame(trace.setSpan(contextOf(parent), span), propagator);
        return run(msg, { ...exec, trace: { ...from, span: frame } }).then(
          (outcome) => {
            span.setAttribute(ATTR.outcome, outcome.status);
            if (outcome.status === "failed") {
              span.setStatus({ code: SpanStatusCode.ERROR, message: redact(outcome.error.message) });
              if (outcome.error.block) span.setAttribute(ATTR.errorBlock, outcome.error.block);
            }
            span.end();
            return outcome;
          },
          (e: unknown) => {
            fail(span, e, exec);
            span.end();
            throw e;
          },
        );
      };
    },

    // Scopes get no span of their own: a branch's or an iteration's blocks are children of the
    // composite block's span.
    scope: (step) => step,

    block(step, info) {
      const name = info.name === undefined ? info.type : `${info.type} ${info.name}`;
      const attributes: Attributes = {
        [ATTR.flow]: info.flow,
        [ATTR.blockType]: info.type,
        [ATTR.blockName]: info.name ?? info.type,
        [ATTR.file]: info.location.file,
        [ATTR.line]: info.location.line,
      };
      return (msg, exec) => {
        const parent = contextOf(frameOf(exec));
        const span = tracer.startSpan(name, { attributes }, parent);
        const inner: Exec = {
          ...exec,
          trace: { ...exec.trace, span: new OtelFrame(trace.setSpan(parent, span), propagator) },
        };
        let r: void | Promise<void>;
        try {
          r = step(msg, inner);
        } catch (e) {
          fail(span, e, exec);
          span.end();
          throw e;
        }
        if (r === undefined) {
          span.end();
          return;
        }
        return r.then(
          () => span.end(),
          (e: unknown) => {
            fail(span, e, exec);
            span.end();
            throw e;
          },
        );
      };
    },
  };
}
