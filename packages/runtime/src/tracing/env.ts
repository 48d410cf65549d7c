// OCTO_TRACING: off by default; `otlp` loads the OpenTelemetry SDK (and only then) and makes its
// tracer the process default, so every runtime the CLI builds (reloads included) is traced.
import type { OtlpTracing } from "./otel/sdk.ts";
import { setDefaultTracer } from "./tracer.ts";

export const TRACING_MODES = ["off", "otlp"] as const;

type Env = Record<string, string | undefined>;

/**
 * Starts what OCTO_TRACING asks for; undefined when tracing is off (nothing loaded). The caller
 * calls `shutdown()` before exiting, which exports what is still batched; export failures go to
 * `warn` and never change the command's outcome.
 */
export async function tracingFromEnv(
  env: Env,
  version: string,
  warn: (message: string) => void,
): Promise<OtlpTracing | undefined> {
  const mode = env.OCTO_TRACING?.trim().toLowerCase() || "off";
  if (mode === "off" || env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return undefined;
  if (mode !== "otlp") {
    throw new Error(`OCTO_TRACING="${env.OCTO_TRACING}" is not one of ${TRACING_MODES.join(", ")}`);
  }
  const { startOtlpTracing } = await import("./otel/sdk.ts");
  const otlp = startOtlpTracing(env, version, warn);
  setDefaultTracer(otlp.tracer);
  return {
    ...otlp,
    async shutdown() {
      setDefaultTracer(undefined);
      await otlp.shutdown();
    },
  };
}
