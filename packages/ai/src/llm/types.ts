/**
 * One chat interface over the three providers. The AI blocks speak only this; each provider
 * module (providers/<name>.ts) turns it into its official SDK's request and back.
 */

export type Provider = "anthropic" | "openai" | "gemini";

/** A JSON Schema (an object schema for tool inputs and structured output). */
export type JsonSchema = Record<string, unknown>;

/** A tool the model may call. */
export interface ToolSpec {
  /** `^[a-zA-Z0-9_-]{1,64}$` — what every provider accepts. */
  name: string;
  description: string;
  /** JSON Schema of the arguments, `{type: "object", …}`. */
  inputSchema: JsonSchema;
}

/** A tool call the model made. */
export interface ToolCall {
  /** The provider's call id (Gemini has none: the provider module makes one up). */
  id: string;
  name: string;
  /** The arguments as parsed JSON; the raw text when the model sent malformed JSON. */
  arguments: unknown;
  /** True when `arguments` is raw text that did not parse. */
  malformed?: boolean;
}

/** What a tool returned (or why it failed), sent back to the model. */
export interface ToolResult {
  /** The `ToolCall.id` it answers. */
  id: string;
  /** The tool's name (Gemini matches results by name). */
  name: string;
  /** JSON text of the tool's result, or the error message. */
  content: string;
  isError?: boolean;
}

/** One turn of a conversation, in the order it happened. */
export type ChatTurn =
  | { role: "user"; text: string }
  | { role: "assistant"; text: string; toolCalls: ToolCall[] }
  | { role: "tool"; results: ToolResult[] };

export interface ChatRequest {
  /** The system prompt (instructions); providers get it in their own system slot. */
  system?: string;
  turns: ChatTurn[];
  tools?: ToolSpec[];
  /**
   * Structured output: the answer's text is JSON matching `schema`, requested through the
   * provider's own mode (Anthropic output_config.format, OpenAI json_schema, Gemini
   * responseJsonSchema). Not combined with `tools`.
   */
  output?: { name: string; schema: JsonSchema };
  /** Overrides the connection's maxTokens for this call. */
  maxTokens?: number;
  /** Aborts the call (a failed fork sibling, shutdown). */
  signal?: AbortSignal;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export interface ChatResponse {
  /** Every text part of the answer, joined. */
  text: string;
  toolCalls: ToolCall[];
  /** The provider's stop/finish reason as sent (e.g. end_turn, tool_use, stop, STOP). */
  stopReason: string;
  usage: Usage;
  /** The model that answered, as the provider reports it (else the requested one). */
  model: string;
}

/** A configured connection to one provider and model. */
export interface LlmClient {
  readonly provider: Provider;
  readonly model: string;
  /** One request/response round. Rejects with LlmError only. */
  chat(request: ChatRequest): Promise<ChatResponse>;
}

/** A connection's settings after validation (see connections/spec.ts). */
export interface LlmSettings {
  apiKey: string;
  model: string;
  /** Undefined: the provider's public endpoint. */
  baseURL?: string | undefined;
  maxTokens: number;
  temperature?: number | undefined;
  /** Per attempt, in milliseconds. */
  timeoutMs: number;
  /** Retries after the first attempt (429, 5xx, connection errors), done by the SDK. */
  retries: number;
  /** OpenAI only: which API the calls use. */
  api?: "chat-completions" | "responses" | undefined;
}
