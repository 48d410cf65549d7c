// The LLM connections of a test (any connector of category "llm": @octo/ai's anthropic, openai,
// gemini and their llm-* names). The runtime does not depend on @octo/ai, so the instance is built
// to the shape its blocks read (AiConnection: name, provider, model, client.chat); the answers are
// the case's mocks, in order.
import type { LlmMock } from "../test-file.ts";
import type { Recorder } from "./recorder.ts";

/** The parts of @octo/ai's ChatRequest a mock reads. */
interface ChatRequest {
  system?: string;
  turns: ({ role: string; text?: string } & Record<string, unknown>)[];
  tools?: { name: string }[];
  output?: { name: string };
  signal?: AbortSignal;
}

/** @octo/ai's ChatResponse. */
interface ChatResponse {
  text: string;
  toolCalls: { id: string; name: string; arguments: unknown }[];
  stopReason: string;
  usage: { inputTokens: number; outputTokens: number };
  model: string;
}

/** @octo/ai's AiConnection. */
export interface MockAiConnection {
  readonly name: string;
  readonly provider: string;
  readonly model: string;
  readonly client: {
    readonly provider: string;
    readonly model: string;
    chat(request: ChatRequest): Promise<ChatResponse>;
  };
}

/** The provider of a connector type: `anthropic` for both `anthropic` and `llm-anthropic`. */
export const providerOf = (type: string) => type.replace(/^llm-/, "");

export function mockLlmConnection(
  name: string,
  type: string,
  settings: { model?: unknown },
  rules: readonly LlmMock[],
  recorder: Recorder,
): MockAiConnection {
  const provider = providerOf(type);
  const model =
    typeof settings.model === "string" && settings.model !== "" ? settings.model : `${provider}-default`;
  const mine = rules.filter((r) => r.connector === undefined || r.connector === name);
  let calls = 0;
  const chat = async (request: ChatRequest): Promise<ChatResponse> => {
    calls++;
    const { signal: _signal, ...sent } = request;
    const lastUser = [...sent.turns].reverse().find((t) => t.role === "user");
    recorder.llm.push({
      connector: name,
      provider,
      model,
      system: sent.system ?? null,
      input: typeof lastUser?.text === "string" ? lastUser.text : null,
      turns: structuredClone(sent.turns),
      tools: (sent.tools ?? []).map((t) => t.name),
      output: sent.output?.name ?? null,
    });
    // Each answer is given once, in the order written.
    const rule = recorder.pick(mine, (r) => recorder.used(r) === 0);
    if (!rule) {
      recorder.unmocked.push(`llm ${name}: model call ${calls}`);
      throw new Error(
        `${provider} connection ${name}: no mocked answer left for model call ${calls}; add one under mocks.llm`,
      );
    }
    if (rule.error !== undefined) throw new Error(`${provider} connection ${name}: ${rule.error}`);
    const toolCalls = (rule.toolCalls ?? []).map((c, i) => ({
      id: c.id ?? `call_${calls}_${i + 1}`,
      name: c.name,
      arguments: c.arguments ?? {},
    }));
    return {
      text: rule.json !== undefined ? JSON.stringify(rule.json) : (rule.text ?? ""),
      toolCalls,
      stopReason: toolCalls.length > 0 ? "tool_use" : "end_turn",
      usage: rule.usage ?? { inputTokens: 0, outputTokens: 0 },
      model,
    };
  };
  return { name, provider, model, client: { provider, model, chat } };
}
