// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the configs under test write ${NAME} env references
import { describe, expect, it } from "vitest";
import { aiRuntime, loadErrors } from "../../test/runtime.ts";
import type { AiConnection } from "./index.ts";

const config = (type: string, settings: string) => `
env:
  - { name: KEY, required: true, secret: true }
  - { name: MODEL, default: "" }
  - { name: BASE, default: "" }
connectors:
  - { name: llm, type: ${type}, settings: ${settings} }
flows:
  - { name: f, process: [{ type: log, settings: { message: '"x"' } }] }
`;

async function connection(type: string, settings: string, env: Record<string, string> = {}) {
  const ai = await aiRuntime(config(type, settings), { KEY: "k-123", ...env });
  const conn = ai.runtime.connector<AiConnection>("llm");
  await ai.runtime.stop();
  return conn;
}

describe("LLM connections", () => {
  it.each([
    ["anthropic", "claude-sonnet-4-6"],
    ["openai", "gpt-5.4"],
    ["gemini", "gemini-3.5-flash"],
    ["llm-anthropic", "claude-sonnet-4-6"],
    ["llm-openai", "gpt-5.4"],
    ["llm-gemini", "gemini-3.5-flash"],
  ])("R4.1 %s defaults to %s, also when model is an empty env var", async (type, model) => {
    const conn = await connection(type, "{ apiKey: '${KEY}', model: '${MODEL}', baseURL: '${BASE}' }");
    expect(conn).toMatchObject({ name: "llm", provider: type.replace("llm-", ""), model });
    expect(conn.client).toMatchObject({ provider: type.replace("llm-", ""), model });
  });

  it("uses the model it is given", async () => {
    const conn = await connection("openai", "{ apiKey: '${KEY}', model: '${MODEL}' }", {
      MODEL: "gpt-5.4-mini",
    });
    expect(conn.model).toBe("gpt-5.4-mini");
  });

  it("rejects an empty key, a bad URL, bad limits and another provider's keys, with file:line:col", () => {
    const errors = (type: string, settings: string, env: Record<string, string> = { KEY: "k" }) =>
      loadErrors(config(type, settings), env).join("\n");
    expect(errors("anthropic", "{ apiKey: '' }")).toMatch(
      /test\.yaml:7:\d+: .*apiKey.*is empty: write apiKey: \$\{NAME\} and declare NAME under env:/,
    );
    expect(errors("gemini", "{ apiKey: '${KEY}', baseURL: 'ftp://x' }")).toMatch(
      /test\.yaml:7:\d+: .*must be an http:\/\/ or https:\/\/ URL/,
    );
    expect(errors("openai", "{ apiKey: '${KEY}', retries: 99, timeout: '0' }")).toMatch(
      /retries[\s\S]*timeout/,
    );
    expect(errors("anthropic", "{ apiKey: '${KEY}', api: responses }")).toMatch(/unknown key "api"/);
    expect(errors("openai", "{ apiKey: '${KEY}', api: grpc }")).toMatch(/chat-completions/);
  });

  it("requires the key's env var, as declared", () => {
    expect(loadErrors(config("anthropic", "{ apiKey: '${KEY}' }"), {}).join("\n")).toMatch(/KEY/);
  });
});
