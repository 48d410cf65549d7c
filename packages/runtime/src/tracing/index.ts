// Step tracing: the recorded trace tree (`octo invoke --trace`, the editor) and OpenTelemetry
// spans (OCTO_TRACING=otlp). Both are compile-time opt-in: see ./tracer.ts.
export { tracingFromEnv } from "./env.ts";
export { ATTR, type SpanTracerOptions, spanTracer } from "./otel/spans.ts";
export type {
  FlowTrace,
  ScopeTrace,
  Snapshot,
  StepTrace,
  TraceError,
  TraceNode,
  TruncatedValue,
} from "./record/model.ts";
export { type TraceRecorder, type TraceRecorderOptions, traceRecorder } from "./record/recorder.ts";
export { traceText } from "./record/text.ts";
export {
  type BlockInfo,
  composeTracers,
  type FlowRun,
  type ScopeInfo,
  type Tracer,
} from "./tracer.ts";
