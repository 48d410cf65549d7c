// `octo run` serving an AI flow over HTTP: the plugin is loaded by default, its metrics are on
// /metrics, and the API key shows up in neither the logs nor the response.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, expect, it } from "vitest";
import { freePort, killAll, runSample } from "../../runtime/test/octo-process.ts";
import { anthropicError, anthropicMessage, startAnthropicStub } from "./stubs/anthropic.ts";

const dir = mkdtempSync(join(tmpdir(), "octo-ai-run-"));
afterEach(() => killAll());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("serves an ai-mapping flow and counts its calls and tokens on /metrics", async () => {
  const stub = await startAnthropicStub({ apiKey: "sk-ant-secret-key-123456" });
  const config = join(dir, "contacts.yaml");
  writeFileSync(
    config,
    `
env:
  - { name: HTTP_PORT, required: true }
  - { name: LLM_KEY, required: true, secret: true }
  - { name: LLM_URL, required: true }
connectors:
  - { name: api, type: http, settings: { port: \${HTTP_PORT} } }
  - { name: llm, type: anthropic, settings: { apiKey: \${LLM_KEY}, baseURL: \${LLM_URL}, retries: 0 } }
flows:
  - name: clean-contact
    source: { connector: api, type: http, settings: { path: /contacts, method: POST } }
    process:
      - type: ai-mapping
        settings:
          connector: llm
          prompt: Clean up the contact.
          outputExample: { name: Ada Lovelace, email: ada@example.com }
`,
  );
  const port = await freePort();
  const octo = await runSample(config, { HTTP_PORT: String(port), LLM_KEY: stub.apiKey, LLM_URL: stub.url });
  try {
    stub.enqueue(
      anthropicMessage([{ type: "text", text: '{"name": "Ada Lovelace", "email": "ada@example.com"}' }], {
        inputTokens: 200,
        outputTokens: 20,
      }),
      anthropicError(500, `bad day for ${stub.apiKey}`),
    );
    const post = (body: unknown) =>
      fetch(`http://127.0.0.1:${port}/contacts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const ok = await post({ n: "ada lovelace", mail: "ADA@EXAMPLE.COM " });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ name: "Ada Lovelace", email: "ada@example.com" });
    const failed = await post({ n: "x" });
    expect(failed.status).toBe(500);
    expect(await failed.text()).not.toContain(stub.apiKey);

    const metrics = await (await fetch(`http://127.0.0.1:${await octo.managementPort()}/metrics`)).text();
    expect(metrics).toMatch(
      /octo_ai_calls_total\{provider="anthropic",model="claude-sonnet-4-6",outcome="ok"[^}]*\} 1/,
    );
    expect(metrics).toMatch(/octo_ai_calls_total\{[^}]*outcome="server"[^}]*\} 1/);
    expect(metrics).toMatch(/octo_ai_tokens_total\{[^}]*direction="input"[^}]*\} 200/);
    expect(metrics).toMatch(/octo_ai_call_duration_seconds_count\{[^}]*\} 2/);
    expect(octo.output()).not.toContain(stub.apiKey);
    expect(octo.output()).not.toContain("sk-ant");
  } finally {
    await octo.stop();
    await stub.close();
  }
});
