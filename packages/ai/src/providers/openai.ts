/**
 * OpenAI provider: the one chat interface over the official `openai` SDK, through either the
 * Chat Completions API (the default) or the Responses API (`settings.api: "responses"`).
 * Non-streaming; the SDK does the retrying (429, 5xx, connection errors; honours retry-after).
 */
import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  PermissionDeniedError,
} from "openai";
import type { LlmError } from "../llm/errors.ts";
import type {
  ChatRequest,
  ChatResponse,
  ChatTurn,
  LlmClient,
  LlmSettings,
  ToolCall,
  ToolResult,
  ToolSpec,
} from "../llm/types.ts";
import { kindOfStatus, llmError, parseArguments, rootCause } from "./shared.ts";

type ChatParams = OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
type ResponsesParams = OpenAI.Responses.ResponseCreateParamsNonStreaming;

export function createOpenAIClient(settings: LlmSettings, secrets: readonly string[] = []): LlmClient {
  const allSecrets = [settings.apiKey, ...secrets];
  const sdk = new OpenAI({
    apiKey: settings.apiKey,
    // Explicit values so that OPENAI_BASE_URL / OPENAI_ORG_ID / OPENAI_PROJECT_ID / OPENAI_LOG in
    // the environment cannot silently change where and how a connection talks (null = default).
    baseURL: settings.baseURL ?? null,
    organization: null,
    project: null,
    timeout: settings.timeoutMs,
    maxRetries: settings.retries,
    logLevel: "off",
  });
  const useResponses = settings.api === "responses";

  return {
    provider: "openai",
    model: settings.model,
    async chat(request) {
      const options = request.signal ? { signal: request.signal } : {};
      try {
        if (useResponses) {
          return fromResponse(
            await sdk.responses.create(toResponsesParams(settings, request), options),
            settings,
          );
        }
        return fromChatCompletion(
          await sdk.chat.completions.create(toChatParams(settings, request), options),
          settings,
        );
      } catch (err) {
        throw toLlmError(err, request.signal, settings.timeoutMs, allSecrets);
      }
    },
  };
}

/**
 * Whether a schema is in OpenAI's strict Structured Outputs subset as far as objects go: every
 * object schema, at any depth, has `additionalProperties: false` and lists all its properties in
 * `required`. Strict mode rejects other schemas, so they are sent with `strict: false`.
 */
export function isStrictSchema(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(isStrictSchema);
  if (typeof schema !== "object" || schema === null) return true;
  const node = schema as Record<string, unknown>;
  const type = node.type;
  const isObject =
    type === "object" || (Array.isArray(type) && type.includes("object")) || "properties" in node;
  if (isObject) {
    if (node.additionalProperties !== false) return false;
    const properties = isRecord(node.properties) ? Object.keys(node.properties) : [];
    const required = Array.isArray(node.required) ? node.required : [];
    if (!properties.every((name) => required.includes(name))) return false;
  }
  // Sub-schemas: property maps and $defs hold schemas as values; the others are schemas or arrays.
  for (const key of ["properties", "$defs", "definitions", "patternProperties"]) {
    const map = node[key];
    if (isRecord(map) && !Object.values(map).every(isStrictSchema)) return false;
  }
  for (const key of ["items", "prefixItems", "anyOf", "allOf", "oneOf", "not", "additionalProperties"]) {
    if (key in node && !isStrictSchema(node[key])) return false;
  }
  return true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Tool arguments back to the JSON text the API sent (malformed ones are still the raw text). */
function argumentsText(call: ToolCall): string {
  return call.malformed && typeof call.arguments === "string"
    ? call.arguments
    : JSON.stringify(call.arguments);
}

/** Neither API has an error flag on tool results, so a failure is sent as `{"error": …}`. */
function resultText(result: ToolResult): string {
  return result.isError ? JSON.stringify({ error: result.content }) : result.content;
}

// ---- Chat Completions ----

function toChatParams(settings: LlmSettings, request: ChatRequest): ChatParams {
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [];
  if (request.system !== undefined) messages.push({ role: "system", content: request.system });
  for (const turn of request.turns) messages.push(...chatMessages(turn));

  const params: ChatParams = {
    model: settings.model,
    messages,
    max_completion_tokens: request.maxTokens ?? settings.maxTokens,
  };
  if (settings.temperature !== undefined) params.temperature = settings.temperature;
  if (request.tools && request.tools.length > 0) params.tools = request.tools.map(chatTool);
  if (request.output) {
    params.response_format = {
      type: "json_schema",
      json_schema: {
        name: request.output.name,
        schema: request.output.schema,
        strict: isStrictSchema(request.output.schema),
      },
    };
  }
  return params;
}

function chatMessages(turn: ChatTurn): OpenAI.Chat.ChatCompletionMessageParam[] {
  switch (turn.role) {
    case "user":
      return [{ role: "user", content: turn.text }];
    case "assistant": {
      const message: OpenAI.Chat.ChatCompletionAssistantMessageParam = {
        role: "assistant",
        // null only beside tool calls: a message with neither content nor calls is rejected.
        content: turn.text === "" && turn.toolCalls.length > 0 ? null : turn.text,
      };
      // The API rejects an empty tool_calls array, so it is only sent when there are calls.
      if (turn.toolCalls.length > 0) {
        message.tool_calls = turn.toolCalls.map((call) => ({
          id: call.id,
          type: "function",
          function: { name: call.name, arguments: argumentsText(call) },
        }));
      }
      return [message];
    }
    case "tool":
      return turn.results.map((result) => ({
        role: "tool",
        tool_call_id: result.id,
        content: resultText(result),
      }));
  }
}

function chatTool(tool: ToolSpec): OpenAI.Chat.ChatCompletionFunctionTool {
  return {
    type: "function",
    function: {
      name: tool.name,
      description: tool.description,
      parameters: tool.inputSchema,
      strict: isStrictSchema(tool.inputSchema),
    },
  };
}

function fromChatCompletion(completion: OpenAI.Chat.ChatCompletion, settings: LlmSettings): ChatResponse {
  const choice = completion.choices[0];
  const toolCalls: ToolCall[] = [];
  for (const call of choice?.message.tool_calls ?? []) {
    if (call.type === "function")
      toolCalls.push(parseArguments(call.id, call.function.name, call.function.arguments));
  }
  return {
    text: choice?.message.content ?? "",
    toolCalls,
    stopReason: choice?.finish_reason ?? "",
    usage: {
      inputTokens: completion.usage?.prompt_tokens ?? 0,
      outputTokens: completion.usage?.completion_tokens ?? 0,
    },
    model: completion.model || settings.model,
  };
}

// ---- Responses ----

function toResponsesParams(settings: LlmSettings, request: ChatRequest): ResponsesParams {
  const params: ResponsesParams = {
    model: settings.model,
    input: request.turns.flatMap(responseItems),
    max_output_tokens: request.maxTokens ?? settings.maxTokens,
    // Every call carries its whole conversation; nothing needs to be kept on OpenAI's side.
    store: false,
  };
  if (request.system !== undefined) params.instructions = request.system;
  if (settings.temperature !== undefined) params.temperature = settings.temperature;
  if (request.tools && request.tools.length > 0) params.tools = request.tools.map(responsesTool);
  if (request.output) {
    params.text = {
      format: {
        type: "json_schema",
        name: request.output.name,
        schema: request.output.schema,
        strict: isStrictSchema(request.output.schema),
      },
    };
  }
  return params;
}

function responseItems(turn: ChatTurn): OpenAI.Responses.ResponseInputItem[] {
  switch (turn.role) {
    case "user":
      return [{ role: "user", content: turn.text }];
    case "assistant": {
      const items: OpenAI.Responses.ResponseInputItem[] = [];
      if (turn.text !== "") items.push({ role: "assistant", content: turn.text });
      for (const call of turn.toolCalls) {
        items.push({
          type: "function_call",
          call_id: call.id,
          name: call.name,
          arguments: argumentsText(call),
        });
      }
      return items;
    }
    case "tool":
      return turn.results.map((result) => ({
        type: "function_call_output",
        call_id: result.id,
        output: resultText(result),
      }));
  }
}

function responsesTool(tool: ToolSpec): OpenAI.Responses.FunctionTool {
  // `strict` must be sent: the Responses API treats a missing one as strict.
  return {
    type: "function",
    name: tool.name,
    description: tool.description,
    parameters: tool.inputSchema,
    strict: isStrictSchema(tool.inputSchema),
  };
}

function fromResponse(response: OpenAI.Responses.Response, settings: LlmSettings): ChatResponse {
  let text = "";
  const toolCalls: ToolCall[] = [];
  for (const item of response.output) {
    if (item.type === "message") {
      for (const part of item.content) if (part.type === "output_text") text += part.text;
    } else if (item.type === "function_call") {
      toolCalls.push(parseArguments(item.call_id, item.name, item.arguments));
    }
  }
  return {
    text,
    toolCalls,
    // The Responses API has no finish reason: its status, or why it is incomplete.
    stopReason: response.incomplete_details?.reason ?? response.status ?? "",
    usage: {
      inputTokens: response.usage?.input_tokens ?? 0,
      outputTokens: response.usage?.output_tokens ?? 0,
    },
    model: response.model || settings.model,
  };
}

// ---- Errors ----

function toLlmError(
  err: unknown,
  signal: AbortSignal | undefined,
  timeoutMs: number,
  secrets: readonly string[],
): LlmError {
  // Checked first: an abort can surface as another error class (e.g. while the body is read).
  if (err instanceof APIUserAbortError || signal?.aborted) return llmError("openai", "aborted", { secrets });
  if (err instanceof APIConnectionTimeoutError) {
    return llmError("openai", "timeout", { detail: `no answer within ${timeoutMs} ms`, secrets });
  }
  if (err instanceof APIConnectionError) {
    return llmError("openai", "connection", { detail: rootCause(err), secrets });
  }
  if (err instanceof APIError && err.status !== undefined) {
    const kind =
      err instanceof AuthenticationError || err instanceof PermissionDeniedError
        ? "auth"
        : kindOfStatus(err.status);
    return llmError("openai", kind, { status: err.status, detail: providerMessage(err), secrets });
  }
  // Anything else (a reply that is not JSON, a broken body): the exchange failed mid-way.
  return llmError("openai", "connection", {
    detail: err instanceof Error ? err.message : String(err),
    secrets,
  });
}

/** The provider's own message from the error body (`{"error": {"message": …}}`). */
function providerMessage(err: APIError): string | undefined {
  const body = err.error;
  if (isRecord(body) && typeof body.message === "string") return body.message;
  return undefined;
}
