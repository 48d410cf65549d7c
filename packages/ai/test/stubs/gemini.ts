/**
 * Gemini Developer API stub: POST /{v1,v1beta}/models/{model}:generateContent
 * (@google/genai 3.x defaults to apiVersion `v1`; older SDKs and docs use `v1beta`).
 * Key: `x-goog-api-key` header (what @google/genai sends) or `?key=` query.
 * Errors: google.rpc.Status JSON `{"error":{"code","message","status","details"?}}`.
 *
 * Like the real API, a wrong key is answered 400 INVALID_ARGUMENT with an
 * ErrorInfo reason API_KEY_INVALID, and a missing key 403 PERMISSION_DENIED —
 * not 401.
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

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

/** An error reply in Google's shape. */
export function geminiError(
  code: number,
  message: string,
  options: { status?: string; details?: unknown[]; headers?: Record<string, string> } = {},
): Reply {
  return {
    status: code,
    ...(options.headers ? { headers: options.headers } : {}),
    body: {
      error: {
        code,
        message,
        status: options.status ?? STATUS_NAMES[code] ?? "UNKNOWN",
        ...(options.details ? { details: options.details } : {}),
      },
    },
  };
}

function presentedKey(req: RecordedRequest): string | undefined {
  return header(req, "x-goog-api-key") ?? req.query.get("key") ?? undefined;
}

export const geminiDialect: Dialect = {
  name: "gemini",
  routes: [{ method: "POST", path: /^\/v1(?:beta)?\/models\/[^/:]+:generateContent$/ }],
  authorized: (req, apiKey) => presentedKey(req) === apiKey,
  unauthorized: (req) =>
    presentedKey(req) === undefined
      ? geminiError(
          403,
          "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        )
      : geminiError(400, "API key not valid. Please pass a valid API key.", {
          details: [
            {
              "@type": "type.googleapis.com/google.rpc.ErrorInfo",
              reason: "API_KEY_INVALID",
              domain: "googleapis.com",
              metadata: { service: "generativelanguage.googleapis.com" },
            },
          ],
        }),
  error: (status, message) => geminiError(status, message),
};

export function startGeminiStub(options?: StubOptions): Promise<StubServer> {
  return startStub(geminiDialect, options);
}

export type GeminiPart =
  | { text: string }
  | { functionCall: { id?: string; name: string; args: Record<string, unknown> } };

/**
 * A generateContent reply with one candidate; `modelVersion` is taken from the
 * request path. For JSON mode (`responseMimeType: application/json`), pass the
 * JSON text as a text part.
 */
export function geminiResponse(
  parts: GeminiPart[],
  options: { finishReason?: string; promptTokens?: number; candidatesTokens?: number } = {},
): (req: RecordedRequest) => Reply {
  return (req) => {
    const model = /^\/v1(?:beta)?\/models\/([^/:]+):/.exec(req.path)?.[1] ?? "gemini-stub";
    const prompt = options.promptTokens ?? 10;
    const candidates = options.candidatesTokens ?? 5;
    return {
      body: {
        candidates: [
          {
            content: { role: "model", parts },
            finishReason: options.finishReason ?? "STOP",
            index: 0,
          },
        ],
        usageMetadata: {
          promptTokenCount: prompt,
          candidatesTokenCount: candidates,
          totalTokenCount: prompt + candidates,
          promptTokensDetails: [{ modality: "TEXT", tokenCount: prompt }],
        },
        modelVersion: model,
        responseId: stubId("resp"),
      },
    };
  };
}

/** Shorthand: a single text part. */
export function geminiText(text: string): (req: RecordedRequest) => Reply {
  return geminiResponse([{ text }]);
}
