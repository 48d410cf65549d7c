/**
 * Anthropic provider: ChatRequest → Messages API (`@anthropic-ai/sdk`, non-streaming) → ChatResponse.
 * Retries, retry-after and the per-attempt timeout are left to the SDK.
 */
import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  PermissionDeniedError,
} from "@anthropic-ai/sdk";
import type { LlmError } from "../llm/errors.ts";
import type { ChatRequest, ChatResponse, ChatTurn, LlmClient, LlmSettings, ToolCall } from "../llm/types.ts";
import { kindOfStatus, llmError, parseArguments, rootCause } from "./shared.ts";

type ContentBlockParam = Anthropic.ContentBlockParam;
/** The two roles turns map to, with block content (so adjacent ones can be merged). */
type Message = { role: "user" | "assistant"; content: ContentBlockParam[] };

export function createAnthropicClient(settings: LlmSettings, secrets: readonly string[] = []): LlmClient {
  const sdk = new Anthropic({
    apiKey: settings.apiKey,
    // null, not undefined: the SDK would otherwise fall back to ANTHROPIC_BASE_URL.
    baseURL: settings.baseURL ?? null,
    timeout: settings.timeoutMs,
    maxRetries: settings.retries,
    // The SDK logs warnings (and more, per ANTHROPIC_LOG) to the console; the caller reports errors.
    logLevel: "off",
  });
  const allSecrets = [settings.apiKey, ...secrets];

  return {
    provider: "anthropic",
    model: settings.model,
    async chat(request: ChatRequest): Promise<ChatResponse> {
      // SDK 1.x (API version 2026-10-21) no longer declares temperature; it is sent as an extra
      // body field, as the connection asked. (Reports say that API version rejects it with a 400.)
      const params: Anthropic.MessageCreateParamsNonStreaming & { temperature?: number } = {
        model: settings.model,
        max_tokens: request.maxTokens ?? settings.maxTokens,
        messages: toMessages(request.turns),
      };
      if (request.system) params.system = request.system;
      if (settings.temperature !== undefined) params.temperature = settings.temperature;
      if (request.tools && request.tools.length > 0) {
        params.tools = request.tools.map((t) => ({
          name: t.name,
          description: t.description,
          input_schema: t.inputSchema as Anthropic.Tool.InputSchema,
        }));
      }
      if (request.output) {
        params.output_config = { format: { type: "json_schema", schema: request.output.schema } };
      }

      let message: Anthropic.Message;
      try {
        message = await sdk.messages.create(params, request.signal ? { signal: request.signal } : undefined);
      } catch (err) {
        throw toLlmError(err, request.signal, allSecrets);
      }
      return toResponse(message, settings.model);
    },
  };
}

/** Turns → Messages API messages; adjacent same-role turns (tool results + user text) share one message. */
function toMessages(turns: readonly ChatTurn[]): Message[] {
  const messages: Message[] = [];
  const push = (role: Message["role"], content: ContentBlockParam[]) => {
    // The API rejects empty content (and empty text blocks).
    if (content.length === 0) return;
    const last = messages.at(-1);
    if (last?.role === role) last.content.push(...content);
    else messages.push({ role, content });
  };

  for (const turn of turns) {
    if (turn.role === "user") {
      push("user", [{ type: "text", text: turn.text }]);
    } else if (turn.role === "assistant") {
      const content: ContentBlockParam[] = turn.text === "" ? [] : [{ type: "text", text: turn.text }];
      for (const call of turn.toolCalls) {
        content.push({ type: "tool_use", id: call.id, name: call.name, input: toolInput(call) });
      }
      push("assistant", content);
    } else {
      push(
        "user",
        turn.results.map((r) => ({
          type: "tool_result",
          tool_use_id: r.id,
          content: r.content,
          ...(r.isError ? { is_error: true } : {}),
        })),
      );
    }
  }
  return messages;
}

/** tool_use.input must be an object; malformed (raw text) arguments are sent back as `{}`. */
function toolInput(call: ToolCall): Record<string, unknown> {
  const args = call.arguments;
  return !call.malformed && typeof args === "object" && args !== null && !Array.isArray(args)
    ? (args as Record<string, unknown>)
    : {};
}

function toResponse(message: Anthropic.Message, model: string): ChatResponse {
  let text = "";
  const toolCalls: ToolCall[] = [];
  for (const block of message.content ?? []) {
    if (block.type === "text") text += block.text;
    else if (block.type === "tool_use") {
      // The API sends input as a JSON object; raw text (which the types allow) goes through parseArguments.
      const input: unknown = block.input;
      toolCalls.push(
        typeof input === "string"
          ? parseArguments(block.id, block.name, input)
          : { id: block.id, name: block.name, arguments: input ?? {} },
      );
    }
  }
  return {
    text,
    toolCalls,
    stopReason: message.stop_reason ?? "",
    usage: {
      inputTokens: message.usage?.input_tokens ?? 0,
      outputTokens: message.usage?.output_tokens ?? 0,
    },
    model: message.model || model,
  };
}

function toLlmError(err: unknown, signal: AbortSignal | undefined, secrets: readonly string[]): LlmError {
  // Checked first: an abort can surface as a user-abort, a fetch AbortError or a body-read error.
  if (signal?.aborted || err instanceof APIUserAbortError) {
    return llmError("anthropic", "aborted", { secrets });
  }
  if (err instanceof APIConnectionTimeoutError) return llmError("anthropic", "timeout", { secrets });
  if (err instanceof APIConnectionError) {
    return llmError("anthropic", "connection", { detail: rootCause(err), secrets });
  }
  if (err instanceof APIError && typeof err.status === "number") {
    const kind =
      err instanceof AuthenticationError || err instanceof PermissionDeniedError
        ? "auth"
        : kindOfStatus(err.status);
    // apiMessage is the body's error.message; a non-JSON body only shows in the SDK's "<status> <text>".
    const detail = err.apiMessage ?? err.message.replace(/^\d{3} /, "").slice(0, 500);
    return llmError("anthropic", kind, { status: err.status, detail, secrets });
  }
  // Anything else (an SDK client-side check, a bug here) still rejects with an LlmError.
  return llmError("anthropic", "request", {
    detail: err instanceof Error ? err.message : String(err),
    secrets,
  });
}
