/**
 * OpenAI stub: Chat Completions (POST /v1/chat/completions) and Responses
 * (POST /v1/responses), non-streaming.
 * Key: `Authorization: Bearer <key>`. Errors: `{"error":{"message","type","param","code"}}`.
 */
import {
  type Dialect,
  header,
  type RecordedRequest,
  type Reply,
  type StubOptions,
  type StubServer,
  startStub,
  stubId,
} from "./server.ts";

const STATUS_TYPES: Record<number, { type: string; code: string | null }> = {
  400: { type: "invalid_request_error", code: null },
  401: { type: "invalid_request_error", code: "invalid_api_key" },
  403: { type: "invalid_request_error", code: "unsupported_country_region_territory" },
  404: { type: "invalid_request_error", code: "model_not_found" },
  429: { type: "requests", code: "rate_limit_exceeded" },
  500: { type: "server_error", code: null },
  503: { type: "server_error", code: null },
};

/** An error reply in OpenAI's shape, with its `x-request-id` header. */
export function openaiError(
  status: number,
  message: string,
  options: {
    type?: string;
    code?: string | null;
    param?: string | null;
    headers?: Record<string, string>;
  } = {},
): Reply {
  const defaults = STATUS_TYPES[status] ?? { type: "server_error", code: null };
  return {
    status,
    headers: { "x-request-id": stubId("req_"), ...options.headers },
    body: {
      error: {
        message,
        type: options.type ?? defaults.type,
        param: options.param ?? null,
        code: options.code === undefined ? defaults.code : options.code,
      },
    },
  };
}

export const openaiDialect: Dialect = {
  name: "openai",
  routes: [
    { method: "POST", path: /^\/v1\/chat\/completions$/ },
    { method: "POST", path: /^\/v1\/responses$/ },
  ],
  authorized: (req, apiKey) => header(req, "authorization") === `Bearer ${apiKey}`,
  unauthorized: (req) => {
    const auth = header(req, "authorization") ?? "";
    const key = auth.replace(/^Bearer\s+/i, "");
    return openaiError(
      401,
      key === ""
        ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
        : `Incorrect API key provided: ${key.slice(0, 3)}***. You can find your API key at https://platform.openai.com/account/api-keys.`,
      key === "" ? { code: null } : {},
    );
  },
  error: (status, message) => openaiError(status, message),
};

export function startOpenAIStub(options?: StubOptions): Promise<StubServer> {
  return startStub(openaiDialect, options);
}

function requestModel(req: RecordedRequest): string {
  return (req.body as { model?: string } | undefined)?.model ?? "gpt-stub";
}

export interface OpenAIToolCall {
  id?: string;
  name: string;
  /** Serialised to the JSON string the API sends as `arguments`. */
  arguments: Record<string, unknown>;
}

/**
 * A Chat Completions reply with one choice; `model` is echoed from the
 * request. `finish_reason` defaults to `tool_calls` when tool calls are given.
 * For `response_format: json_schema`, pass the JSON text as `content`.
 */
export function openaiChatCompletion(
  message: { content?: string | null; toolCalls?: OpenAIToolCall[]; refusal?: string | null },
  options: { finishReason?: string; promptTokens?: number; completionTokens?: number } = {},
): (req: RecordedRequest) => Reply {
  return (req) => {
    const toolCalls = message.toolCalls?.map((c) => ({
      id: c.id ?? stubId("call_"),
      type: "function",
      function: { name: c.name, arguments: JSON.stringify(c.arguments) },
    }));
    const prompt = options.promptTokens ?? 10;
    const completion = options.completionTokens ?? 5;
    return {
      headers: { "x-request-id": stubId("req_") },
      body: {
        id: stubId("chatcmpl-"),
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: requestModel(req),
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              content: message.content ?? null,
              refusal: message.refusal ?? null,
              annotations: [],
              ...(toolCalls ? { tool_calls: toolCalls } : {}),
            },
            logprobs: null,
            finish_reason: options.finishReason ?? (toolCalls ? "tool_calls" : "stop"),
          },
        ],
        usage: {
          prompt_tokens: prompt,
          completion_tokens: completion,
          total_tokens: prompt + completion,
          prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
          completion_tokens_details: {
            reasoning_tokens: 0,
            audio_tokens: 0,
            accepted_prediction_tokens: 0,
            rejected_prediction_tokens: 0,
          },
        },
        service_tier: "default",
        system_fingerprint: null,
      },
    };
  };
}

export type OpenAIResponseOutput =
  | { type: "message"; text: string }
  | ({ type: "function_call" } & OpenAIToolCall);

/** A Responses API reply (`status: completed`); `model` is echoed from the request. */
export function openaiResponse(
  output: OpenAIResponseOutput[],
  options: { inputTokens?: number; outputTokens?: number } = {},
): (req: RecordedRequest) => Reply {
  return (req) => {
    const input = options.inputTokens ?? 10;
    const out = options.outputTokens ?? 5;
    return {
      headers: { "x-request-id": stubId("req_") },
      body: {
        id: stubId("resp_"),
        object: "response",
        created_at: Math.floor(Date.now() / 1000),
        status: "completed",
        error: null,
        incomplete_details: null,
        model: requestModel(req),
        output: output.map((o) =>
          o.type === "message"
            ? {
                type: "message",
                id: stubId("msg_"),
                status: "completed",
                role: "assistant",
                content: [{ type: "output_text", text: o.text, annotations: [] }],
              }
            : {
                type: "function_call",
                id: stubId("fc_"),
                call_id: o.id ?? stubId("call_"),
                name: o.name,
                arguments: JSON.stringify(o.arguments),
                status: "completed",
              },
        ),
        parallel_tool_calls: true,
        tool_choice: "auto",
        tools: [],
        usage: {
          input_tokens: input,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: out,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: input + out,
        },
      },
    };
  };
}
