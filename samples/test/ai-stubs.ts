// The AI samples run the real `octo invoke` against a local stub of each LLM provider
// (packages/ai/test/stubs): the same sample YAML, the provider picked through AI_PROVIDER.

import { afterEach } from "vitest";
import {
  anthropicMessage,
  anthropicText,
  startAnthropicStub,
} from "../../packages/ai/test/stubs/anthropic.ts";
import { geminiResponse, geminiText, startGeminiStub } from "../../packages/ai/test/stubs/gemini.ts";
import { openaiChatCompletion, startOpenAIStub } from "../../packages/ai/test/stubs/openai.ts";
import { type ScriptedReply, type StubServer, stubPerTest } from "../../packages/ai/test/stubs/server.ts";
import { killAll, sample, startOcto } from "./octo-process.ts";

export const PROVIDERS = ["anthropic", "openai", "gemini"] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export interface ToolCallReply {
  name: string;
  args: Record<string, unknown>;
}

/** A provider stub plus reply builders that read the same for every provider. */
export interface ProviderStub {
  readonly provider: ProviderName;
  readonly stub: StubServer;
  /** AI_PROVIDER, AI_API_KEY and AI_BASE_URL pointing the sample's `llm` connection at the stub. */
  readonly env: Record<string, string>;
  /** A plain answer (JSON text for the structured answers of ai-router and ai-mapping). */
  text(text: string): ScriptedReply;
  /** An answer that calls tools (ai-agent). */
  toolCalls(...calls: ToolCallReply[]): ScriptedReply;
  /** Every request's body as JSON text, to look for what the model was sent. */
  sent(index: number): string;
}

/**
 * A stub of `provider` started before each test and closed after it, with the `octo` children the
 * test started (call inside a describe).
 */
export function providerStubPerTest(provider: ProviderName): ProviderStub {
  const stub = stubPerTest(
    provider === "anthropic" ? startAnthropicStub : provider === "openai" ? startOpenAIStub : startGeminiStub,
  );
  afterEach(() => killAll());
  const text = (t: string): ScriptedReply =>
    provider === "anthropic"
      ? anthropicText(t)
      : provider === "openai"
        ? openaiChatCompletion({ content: t })
        : geminiText(t);
  const toolCalls = (...calls: ToolCallReply[]): ScriptedReply =>
    provider === "anthropic"
      ? anthropicMessage(calls.map((c) => ({ type: "tool_use", name: c.name, input: c.args })))
      : provider === "openai"
        ? openaiChatCompletion({ toolCalls: calls.map((c) => ({ name: c.name, arguments: c.args })) })
        : geminiResponse(calls.map((c) => ({ functionCall: { name: c.name, args: c.args } })));
  return {
    provider,
    stub,
    get env() {
      return {
        AI_PROVIDER: provider,
        AI_API_KEY: stub.apiKey,
        AI_BASE_URL: provider === "openai" ? `${stub.url}/v1` : stub.url,
        AI_MODEL: "",
      };
    },
    text,
    toolCalls,
    sent: (index) => JSON.stringify(stub.requests[index]?.body ?? null),
  };
}

export interface OctoResult {
  code: number | null;
  stdout: string;
  /** stderr: log lines (JSON) and, on failure, the one-line `octo: …` error. */
  stderr: string;
}

/** `octo <command> --config samples/<name>/<name>.yaml <args>`, run to its end. */
export async function octoSample(
  name: string,
  command: "invoke" | "validate",
  args: string[],
  env: Record<string, string>,
): Promise<OctoResult> {
  const octo = startOcto([command, "--config", sample(name, `${name}.yaml`), ...args], env);
  let stdout = "";
  let stderr = "";
  octo.child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString("utf8");
  });
  octo.child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString("utf8");
  });
  const { code } = await octo.exited;
  return { code, stdout, stderr };
}

/** `octo invoke --config samples/<name>/<name>.yaml --flow <flow> --data <json>`. */
export function invokeSample(
  name: string,
  flow: string,
  data: unknown,
  env: Record<string, string>,
): Promise<OctoResult> {
  return octoSample(name, "invoke", ["--flow", flow, "--data", JSON.stringify(data)], env);
}

/** The `octo: …` lines of stderr (the CLI's own messages, not the JSON log lines). */
export function octoErrors(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l.startsWith("octo: "));
}
