import {
  defaultRegistry,
  formatDiagnostic,
  loadRuntimeFromSources,
  RuntimeMetrics,
  YamlSource,
} from "@octo/runtime";
import { expect, it } from "vitest";
import { llmHead } from "../test/runtime.ts";
import { anthropicError, anthropicMessage, startAnthropicStub } from "../test/stubs/anthropic.ts";
import { stubPerTest } from "../test/stubs/server.ts";
import { aiPlugin } from "./plugin.ts";

const stub = stubPerTest(startAnthropicStub);

it("counts calls, tokens and latency per provider and model in /metrics", async () => {
  const registry = defaultRegistry().use(aiPlugin);
  const metrics = new RuntimeMetrics({ processMetrics: false });
  metrics.observePlugins(registry);
  const yaml = `${llmHead("anthropic", stub.url)}
flows:
  - name: map
    process:
      - type: ai-mapping
        settings: { connector: llm, prompt: p, outputExample: { ok: true } }
`;
  const r = loadRuntimeFromSources([new YamlSource("m.yaml", yaml)], {
    registry,
    osEnv: { LLM_KEY: stub.apiKey },
    observer: metrics,
    logger: { log: () => {} },
  });
  if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
  await r.runtime.start({ sources: false });
  stub.enqueue(
    anthropicMessage([{ type: "text", text: '{"ok": true}' }], { inputTokens: 120, outputTokens: 8 }),
    anthropicMessage([{ type: "text", text: '{"ok": false}' }], { inputTokens: 30, outputTokens: 2 }),
    anthropicError(500, "overloaded"),
  );
  expect((await r.runtime.invoke("map", {})).status).toBe("completed");
  expect((await r.runtime.invoke("map", {})).status).toBe("completed");
  expect((await r.runtime.invoke("map", {})).status).toBe("failed");
  await r.runtime.stop();

  const text = await metrics.text();
  const labels = 'provider="anthropic",model="claude-sonnet-4-6"';
  expect(text).toContain(`octo_ai_calls_total{${labels},outcome="ok"} 2`);
  expect(text).toContain(`octo_ai_calls_total{${labels},outcome="server"} 1`);
  expect(text).toContain(`octo_ai_tokens_total{${labels},direction="input"} 150`);
  expect(text).toContain(`octo_ai_tokens_total{${labels},direction="output"} 10`);
  expect(text).toContain(`octo_ai_call_duration_seconds_count{${labels}} 3`);
  expect(text).toContain('octo_connector_errors_total{connector="llm",kind="server"} 1');
});
