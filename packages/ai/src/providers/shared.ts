import { LlmError, type LlmErrorKind, redact } from "../llm/errors.ts";
import type { Provider, ToolCall } from "../llm/types.ts";

/** Tool-call arguments as the model sent them: parsed JSON, or the raw text flagged malformed. */
export function parseArguments(id: string, name: string, text: string | undefined | null): ToolCall {
  const raw = text ?? "";
  if (raw.trim() === "") return { id, name, arguments: {} };
  try {
    return { id, name, arguments: JSON.parse(raw) };
  } catch {
    return { id, name, arguments: raw, malformed: true };
  }
}

const KIND_WORDS: Record<LlmErrorKind, string> = {
  auth: "rejected the API key",
  "rate-limit": "is rate limiting the calls",
  timeout: "did not answer in time",
  server: "failed with a server error",
  request: "rejected the request",
  connection: "could not be reached",
  aborted: "call was aborted",
};

/**
 * The one way provider modules build errors: "<provider> <what happened> (<status>): <detail>",
 * the detail (the provider's own message) with the key removed.
 */
export function llmError(
  provider: Provider,
  kind: LlmErrorKind,
  opts: { status?: number | undefined; detail?: string | undefined; secrets: readonly string[] },
): LlmError {
  const status = opts.status === undefined ? "" : ` (${opts.status})`;
  const detail = opts.detail ? `: ${redact(opts.detail, opts.secrets)}` : "";
  return new LlmError(provider, kind, `${provider} ${KIND_WORDS[kind]}${status}${detail}`, opts.status);
}

/** The error kind of an HTTP status the SDK gave up on. */
export function kindOfStatus(status: number): LlmErrorKind {
  if (status === 401 || status === 403) return "auth";
  if (status === 429) return "rate-limit";
  if (status === 408) return "timeout";
  if (status >= 500) return "server";
  return "request";
}

/**
 * The innermost non-empty cause's message ("connect ECONNREFUSED 127.0.0.1:9"): SDKs and fetch wrap
 * network failures in "Connection error." / "fetch failed", which say nothing.
 */
export function rootCause(err: Error): string {
  let message = err.message;
  let current: unknown = err.cause;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current.message) message = current.message;
    current = current.cause;
  }
  return message;
}
