// The server side of the tracing scenario: the request flow's config served by the runtime
// in-process, traced as `process.argv[2]` says: off (what `octo run` does by default), record
// (the recorder `octo invoke --trace` uses, one whole trace per request, discarded) or otel
// (OCTO_TRACING=otlp: a span per flow run and block, exported as OTLP http/json to the sink).
// Args: <mode> <config file>; env HTTP_PORT, and for otel OTEL_EXPORTER_OTLP_ENDPOINT.
import { loadRegistry, loadRuntime } from "@octo/runtime";
import { traceRecorder, tracingFromEnv } from "@octo/runtime/tracing";

const [mode, config] = process.argv.slice(2);
if (!config || (mode !== "off" && mode !== "record" && mode !== "otel")) {
  console.error("usage: tracing-overhead-server.ts off|record|otel <config.yaml>");
  process.exit(64);
}

const warn = (m: string) => console.error(m);
const otel =
  mode === "otel" ? await tracingFromEnv({ ...process.env, OCTO_TRACING: "otlp" }, "bench", warn) : undefined;
let traces = 0;
const recorder =
  mode === "record"
    ? traceRecorder({
        onTrace: () => {
          traces++;
        },
      })
    : undefined;
const r = loadRuntime(config, {
  registry: await loadRegistry(process.env),
  logging: { level: "warn", format: "json" },
  ...(recorder ? { tracer: recorder.tracer } : {}),
});
if (!r.ok) {
  console.error(r.diagnostics.map((d) => d.message).join("\n"));
  process.exit(1);
}
await r.runtime.start();

process.once("SIGTERM", async () => {
  await r.runtime.stop();
  await otel?.shutdown();
  if (recorder) console.error(`recorded ${traces} traces`);
  process.exit(0);
});
