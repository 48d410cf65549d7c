/**
 * Gemini provider: the chat interface over @google/genai (Gemini Developer API, generateContent).
 */

import { randomUUID } from "node:crypto";
import {
  ApiError,
  type Content,
  type Fetch,
  type GenerateContentConfig,
  type GenerateContentResponse,
  GoogleGenAI,
  type Part,
} from "@google/genai";
import type { LlmError } from "../llm/errors.ts";
import type { ChatRequest, ChatResponse, ChatTurn, LlmClient, LlmSettings, ToolCall } from "../llm/types.ts";
import { kindOfStatus, llmError, parseArguments, rootCause } from "./shared.ts";

// Backoff between retries (the SDK ignores retry-after): the same as the Anthropic and OpenAI SDKs.
const INITIAL_DELAY_S = 0.5;
const MAX_DELAY_S = 8;
/** 408, 429 and every 5xx (the SDK's own default leaves out 501 and 505+). */
const RETRY_STATUSES = [408, 429, ...Array.from({ length: 100 }, (_, i) => 500 + i)];

/**
 * Gemini 3 rejects a replayed functionCall part without its thoughtSignature (400). ToolCall has no
 * field for it, so the client remembers the last signatures by call id; a call it does not know
 * (older history, another client) gets Google's documented "skip validation" placeholder.
 */
const MAX_SIGNATURES = 256;
const SKIP_SIGNATURE = "skip_thought_signature_validator";

/**
 * Node's fetch reports a refused or reset connection as a TypeError, on which the SDK's retry loop
 * (p-retry) gives up at once; rethrown as this, connection errors are retried like 5xx.
 */
class ConnectionFailure extends Error {}

const retryableFetch: Fetch = async (input, init) => {
  try {
    return await fetch(input, init);
  } catch (err) {
    if (err instanceof TypeError) throw new ConnectionFailure(rootCause(err), { cause: err });
    throw err;
  }
};

export function createGeminiClient(settings: LlmSettings, secrets: readonly string[] = []): LlmClient {
  const sdk = new GoogleGenAI({
    apiKey: settings.apiKey,
    vertexai: false,
    httpOptions: {
      ...(settings.baseURL === undefined ? {} : { baseUrl: settings.baseURL }),
      timeout: settings.timeoutMs,
      // Without retryOptions the SDK never retries; `attempts` counts the first call.
      retryOptions: {
        attempts: settings.retries + 1,
        initialDelay: INITIAL_DELAY_S,
        maxDelay: MAX_DELAY_S,
        httpStatusCodes: RETRY_STATUSES,
      },
      fetch: retryableFetch,
    },
  });
  const allSecrets = [settings.apiKey, ...secrets];
  const signatures = new Map<string, string>();

  function remember(id: string, signature: string): void {
    signatures.set(id, signature);
    if (signatures.size > MAX_SIGNATURES) {
      const oldest = signatures.keys().next().value;
      if (oldest !== undefined) signatures.delete(oldest);
    }
  }

  function toResponse(res: GenerateContentResponse): ChatResponse {
    const candidate = res.candidates?.[0];
    let text = "";
    const toolCalls: ToolCall[] = [];
    for (const part of candidate?.content?.parts ?? []) {
      // Thought summaries (only sent with includeThoughts) are not part of the answer.
      if (part.text !== undefined && part.thought !== true) text += part.text;
      const call = part.functionCall;
      if (call === undefined) continue;
      // Gemini usually sends no call id: make one up, random so that it cannot match a call of
      // another conversation in the signature memory.
      const id = call.id ?? `call_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
      const name = call.name ?? "";
      const args: unknown = call.args;
      toolCalls.push(
        typeof args === "string" ? parseArguments(id, name, args) : { id, name, arguments: args ?? {} },
      );
      if (part.thoughtSignature !== undefined) remember(id, part.thoughtSignature);
    }
    const usage = res.usageMetadata;
    return {
      text,
      toolCalls,
      // No candidate at all when the prompt itself was blocked.
      stopReason: candidate?.finishReason ?? res.promptFeedback?.blockReason ?? "",
      usage: {
        inputTokens: usage?.promptTokenCount ?? 0,
        outputTokens: (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0),
      },
      model: res.modelVersion ?? settings.model,
    };
  }

  function toContent(turn: ChatTurn): Content {
    switch (turn.role) {
      case "user":
        return { role: "user", parts: [{ text: turn.text }] };
      case "assistant": {
        const parts: Part[] = [];
        if (turn.text !== "" || turn.toolCalls.length === 0) parts.push({ text: turn.text });
        turn.toolCalls.forEach((call, i) => {
          // The API wants an object; malformed (raw text) arguments cannot be sent back as such.
          const args = isRecord(call.arguments) ? call.arguments : {};
          const part: Part = { functionCall: { id: call.id, name: call.name, args } };
          // Only the first call of a turn carries the signature (parallel calls share it).
          const signature = signatures.get(call.id) ?? (i === 0 ? SKIP_SIGNATURE : undefined);
          if (signature !== undefined) part.thoughtSignature = signature;
          parts.push(part);
        });
        return { role: "model", parts };
      }
      case "tool":
        return {
          role: "user",
          parts: turn.results.map((r) => ({
            functionResponse: {
              id: r.id,
              name: r.name,
              response: r.isError ? { error: r.content } : { output: parseJson(r.content) },
            },
          })),
        };
    }
  }

  function toError(err: unknown, signal: AbortSignal | undefined): LlmError {
    // Our own abort and the SDK's timeout both surface as a bare AbortError.
    if (signal?.aborted) return llmError("gemini", "aborted", { secrets: allSecrets });
    if (err instanceof ApiError) {
      const detail = apiErrorMessage(err.message);
      // A wrong key is 400 INVALID_ARGUMENT with reason API_KEY_INVALID, not 401.
      const kind =
        err.status === 400 && err.message.includes("API_KEY_INVALID") ? "auth" : kindOfStatus(err.status);
      return llmError("gemini", kind, { status: err.status, detail, secrets: allSecrets });
    }
    if (err instanceof Error && err.name === "AbortError") {
      return llmError("gemini", "timeout", {
        detail: `no answer within ${settings.timeoutMs} ms`,
        secrets: allSecrets,
      });
    }
    if (err instanceof ConnectionFailure) {
      return llmError("gemini", "connection", { detail: err.message, secrets: allSecrets });
    }
    // Anything else is the SDK refusing the request before sending it.
    const detail = err instanceof Error ? err.message : String(err);
    return llmError("gemini", "request", { detail, secrets: allSecrets });
  }

  return {
    provider: "gemini",
    model: settings.model,
    async chat(request: ChatRequest): Promise<ChatResponse> {
      const config: GenerateContentConfig = {
        maxOutputTokens: request.maxTokens ?? settings.maxTokens,
      };
      if (request.system !== undefined) config.systemInstruction = request.system;
      if (settings.temperature !== undefined) config.temperature = settings.temperature;
      if (request.tools !== undefined && request.tools.length > 0) {
        config.tools = [
          {
            functionDeclarations: request.tools.map((t) => ({
              name: t.name,
              description: t.description,
              parametersJsonSchema: t.inputSchema,
            })),
          },
        ];
      }
      if (request.output !== undefined) {
        config.responseMimeType = "application/json";
        config.responseJsonSchema = request.output.schema;
      }
      if (request.signal !== undefined) config.abortSignal = request.signal;
      try {
        const res = await sdk.models.generateContent({
          model: settings.model,
          contents: request.turns.map(toContent),
          config,
        });
        return toResponse(res);
      } catch (err) {
        throw toError(err, request.signal);
      }
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A tool's JSON result as a value; text that is not JSON is sent as it is. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The SDK's ApiError message is the whole JSON error body: keep Google's own message. */
function apiErrorMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    const error = isRecord(parsed) ? parsed.error : undefined;
    if (isRecord(error) && typeof error.message === "string") return error.message;
  } catch {
    // Not JSON: the body as it came.
  }
  return body;
}
