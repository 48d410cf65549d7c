import { ROOT_CONTEXT, SpanKind, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { samplerFromEnv, tracesUrl } from "./sdk.ts";

const decide = (env: Record<string, string>, traceId: string, parentSampled?: boolean) => {
  const ctx =
    parentSampled === undefined
      ? ROOT_CONTEXT
      : trace.setSpanContext(ROOT_CONTEXT, {
          traceId,
          spanId: "00f067aa0ba902b7",
          traceFlags: parentSampled ? 1 : 0,
          isRemote: true,
        });
  return samplerFromEnv(env).shouldSample(ctx, traceId, "flow x", SpanKind.SERVER, {}, []).decision;
};

describe("OTLP settings from the environment", () => {
  it("derives the traces URL as the exporter specification says", () => {
    expect(tracesUrl({})).toBe("http://localhost:4318/v1/traces");
    expect(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" })).toBe(
      "http://collector:4318/v1/traces",
    );
    expect(
      tracesUrl({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:1",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://b:2/in",
      }),
    ).toBe("http://b:2/in");
  });

  it("samples as OTEL_TRACES_SAMPLER says: the caller's decision first by default, a ratio by trace id", () => {
    const low = "00000000000000000000000000000001";
    // The SDK XORs the id's four 32-bit words: these give 1 and 0xffffffff.
    const high = "ffffffff000000000000000000000000";
    // Default: parent-based, always on for new traces.
    expect(decide({}, high)).toBe(2);
    expect(decide({}, high, false)).toBe(0);
    expect(decide({ OTEL_TRACES_SAMPLER: "always_off" }, low)).toBe(0);
    const ratio = { OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.5" };
    expect(decide(ratio, low)).toBe(2);
    expect(decide(ratio, high)).toBe(0);
    expect(
      decide({ OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0" }, low, true),
    ).toBe(2);
  });

  it("refuses what it does not understand", () => {
    expect(() => samplerFromEnv({ OTEL_TRACES_SAMPLER: "jaeger_remote" })).toThrow(/is not one of always_on/);
    expect(() =>
      samplerFromEnv({ OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "2" }),
    ).toThrow(/not a ratio from 0 to 1/);
  });
});
