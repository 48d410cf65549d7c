import type { BlockEvent, PluginMetrics } from "@octo/runtime/plugin";

/** Model calls take from a fraction of a second to minutes. */
const CALL_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160];

/** The AI blocks' metrics, per provider and (configured) model, fed by `ai.call` events. */
export function aiMetrics(m: PluginMetrics): (event: BlockEvent) => void {
  const calls = m.counter("octo_ai_calls_total", "Model calls, by outcome (ok or the error kind)", [
    "provider",
    "model",
    "outcome",
  ]);
  const tokens = m.counter("octo_ai_tokens_total", "Tokens the provider counted, input and output", [
    "provider",
    "model",
    "direction",
  ]);
  const latency = m.histogram(
    "octo_ai_call_duration_seconds",
    "Time of a model call, retries included",
    ["provider", "model"],
    CALL_BUCKETS,
  );
  return (event) => {
    if (event.name !== "ai.call") return;
    const d = event.data as {
      provider: string;
      model: string;
      outcome: string;
      error?: string;
      latencyMs: number;
      inputTokens?: number;
      outputTokens?: number;
    };
    const labels = { provider: d.provider, model: d.model };
    calls.inc({ ...labels, outcome: d.outcome === "ok" ? "ok" : (d.error ?? "error") });
    latency.observe(labels, d.latencyMs / 1000);
    if (d.inputTokens) tokens.inc({ ...labels, direction: "input" }, d.inputTokens);
    if (d.outputTokens) tokens.inc({ ...labels, direction: "output" }, d.outputTokens);
  };
}
