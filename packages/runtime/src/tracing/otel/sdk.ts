// The OpenTelemetry SDK, set up only when OCTO_TRACING=otlp (imported on demand by ../env.ts):
// spans batched and exported as OTLP over HTTP with JSON bodies (`http/json`), W3C trace context
// propagation. The standard OTEL_* variables configure the exporter.
import { propagation, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import type { Tracer } from "../tracer.ts";
import { spanTracer } from "./spans.ts";

export interface OtlpTracing {
  readonly tracer: Tracer;
  /** Where spans are sent. */
  readonly url: string;
  /**
   * Exports what is still batched and stops. Never fails: a collector that cannot be reached
   * (after the exporter's retries, within OTEL_EXPORTER_OTLP_TIMEOUT) is reported to `warn`.
   */
  shutdown(): Promise<void>;
}

type Env = Record<string, string | undefined>;

const DEFAULT_ENDPOINT = "http://localhost:4318";

/** The traces URL as the OTLP exporter specification derives it from the environment. */
export function tracesUrl(env: Env): string {
  const own = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (own) return own;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || DEFAULT_ENDPOINT;
  return `${base.replace(/\/+$/, "")}/v1/traces`;
}

function positiveInt(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name}="${raw}" is not a positive whole number`);
  return n;
}

/**
 * OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG as the SDK environment specification defines them
 * (default parentbased_always_on): a ratio keeps the cost of tracing a busy flow bounded.
 */
export function samplerFromEnv(env: Env): Sampler {
  const name = env.OTEL_TRACES_SAMPLER?.trim() || "parentbased_always_on";
  const ratio = () => {
    const raw = env.OTEL_TRACES_SAMPLER_ARG?.trim();
    if (raw === undefined || raw === "") return 1;
    const n = Number(raw);
    if (!(n >= 0 && n <= 1)) throw new Error(`OTEL_TRACES_SAMPLER_ARG="${raw}" is not a ratio from 0 to 1`);
    return n;
  };
  switch (name) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return new TraceIdRatioBasedSampler(ratio());
    case "parentbased_always_on":
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio()) });
    default:
      throw new Error(
        `OTEL_TRACES_SAMPLER="${name}" is not one of always_on, always_off, traceidratio, ` +
          "parentbased_always_on, parentbased_always_off, parentbased_traceidratio",
      );
  }
}

export function startOtlpTracing(env: Env, version: string, warn: (message: string) => void): OtlpTracing {
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim();
  if (protocol && protocol !== "http/json") {
    throw new Error(
      `OCTO_TRACING=otlp exports OTLP as http/json; the OTLP protocol "${protocol}" is not supported ` +
        "(unset OTEL_EXPORTER_OTLP_PROTOCOL or set it to http/json)",
    );
  }
  const url = tracesUrl(env);
  const delay = positiveInt(env, "OTEL_BSP_SCHEDULE_DELAY");
  const provider = new TracerProvider({
    sampler: samplerFromEnv(env),
    resource: resourceFromAttributes({
      "service.name": env.OTEL_SERVICE_NAME?.trim() || "octo",
      "service.version": version,
    }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url }),
        ...(delay === undefined ? {} : { scheduledDelayMillis: delay }),
      }),
    ],
  });
  const propagator = new W3CTraceContextPropagator();
  // Global too, so that other OpenTelemetry-aware code in the process joins the same traces.
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(propagator);
  return {
    tracer: spanTracer({ tracer: provider.getTracer("octo", version), propagator }),
    url,
    async shutdown() {
      try {
        await provider.shutdown();
      } catch (e) {
        warn(`tracing: spans could not be exported to ${url}: ${e instanceof Error ? e.message : String(e)}`);
      }
      trace.disable();
      propagation.disable();
    },
  };
}
