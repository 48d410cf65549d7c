/**
 * Anthropic Messages API stub: POST /v1/messages (non-streaming).
 * Key: `x-api-key` header or `Authorization: Bearer <key>` (SDK 1.x sends the
 * API key as Bearer, with `anthropic-version: 2026-10-21`). Errors: `{"type":"error","error":{"type","message"},"request_id"}`.
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

export type AnthropicContent =
  | { type: "text"; text: string }
  | { type: "tool_use"; id?: string; name: string; input: Record<string, unknown> };

export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "overloaded_error";

const STATUS_TYPES: Record<number, AnthropicErrorType> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

/** An error reply in Anthropic's shape, with its `request-id` header. */
export function anthropicError(
  status: number,
  message: string,
  options: { type?: AnthropicErrorType; headers?: Record<string, string> } = {},
): Reply {
  const requestId = stubId("req_");
  return {
    status,
    headers: { "request-id": requestId, ...options.headers },
    body: {
      type: "error",
      error: { type: options.type ?? STATUS_TYPES[status] ?? "api_error", message },
      request_id: requestId,
    },
  };
}

export const anthropicDialect: Dialect = {
  name: "anthropic",
  routes: [{ method: "POST", path: /^\/v1\/messages$/ }],
  authorized: (req, apiKey) =>
    header(req, "x-api-key") === apiKey || header(req, "authorization") === `Bearer ${apiKey}`,
  unauthorized: (req) =>
    anthropicError(
      401,
      header(req, "x-api-key") !== undefined ? "invalid x-api-key" : "invalid authentication credentials",
    ),
  error: (status, message) => anthropicError(status, message),
};

export function startAnthropicStub(options?: StubOptions): Promise<StubServer> {
  return startStub(anthropicDialect, options);
}

/**
 * A Messages API reply; `model` is echoed from the request. `stop_reason`
 * defaults to `tool_use` when a tool_use block is present, else `end_turn`.
 */
export function anthropicMessage(
  content: AnthropicContent[],
  options: { stopReason?: string; inputTokens?: number; outputTokens?: number } = {},
): (req: RecordedRequest) => Reply {
  return (req) => {
    const model = (req.body as { model?: string } | undefined)?.model ?? "claude-stub";
    const blocks = content.map((c) =>
      c.type === "tool_use"
        ? {
            type: "tool_use",
            id: c.id ?? stubId("toolu_"),
            name: c.name,
            input: c.input,
            caller: { type: "direct" },
          }
        : { type: "text", text: c.text, citations: null },
    );
    return {
      headers: { "request-id": stubId("req_") },
      body: {
        id: stubId("msg_"),
        type: "message",
        role: "assistant",
        model,
        content: blocks,
        container: null,
        diagnostics: null,
        stop_details: null,
        stop_reason:
          options.stopReason ?? (blocks.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn"),
        stop_sequence: null,
        usage: {
          input_tokens: options.inputTokens ?? 10,
          output_tokens: options.outputTokens ?? 5,
          cache_creation: null,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          inference_geo: null,
          output_tokens_details: null,
          server_tool_use: null,
          service_tier: "standard",
          speed: null,
        },
      },
    };
  };
}

/** Shorthand: a single text block. */
export function anthropicText(text: string): (req: RecordedRequest) => Reply {
  return anthropicMessage([{ type: "text", text }]);
}
