import type { Provider } from "./types.ts";

/** Why a provider call failed, in words a flow author can act on. */
export type LlmErrorKind =
  /** The key is missing, wrong or lacks permission (401/403, Gemini's 400 API_KEY_INVALID). */
  | "auth"
  /** 429 after the SDK's retries. */
  | "rate-limit"
  /** No answer within the connection's timeout (after retries). */
  | "timeout"
  /** The provider answered 5xx after retries. */
  | "server"
  /** The provider rejected the request (4xx other than the above): model name, schema … */
  | "request"
  /** The endpoint could not be reached (DNS, refused, reset). */
  | "connection"
  /** The call was aborted by the flow (a failed fork sibling, shutdown). */
  | "aborted";

/**
 * The only error a provider module rejects with. Its message never holds the API key: provider
 * modules build it from the status and the provider's own message passed through `redact`.
 */
export class LlmError extends Error {
  readonly provider: Provider;
  readonly kind: LlmErrorKind;
  /** The HTTP status, when the provider answered. */
  readonly status: number | undefined;

  constructor(provider: Provider, kind: LlmErrorKind, message: string, status?: number) {
    super(message);
    this.name = "LlmError";
    this.provider = provider;
    this.kind = kind;
    this.status = status;
  }
}

/**
 * Removes every secret from a text. Besides the exact value, any run of 6+ characters of the
 * key is masked, because providers echo keys partly masked ("sk-abc***xyz").
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    out = out.split(secret).join("[redacted]");
    if (secret.length >= 12) {
      // Head and tail of the key, as masked echoes show them.
      for (const piece of [secret.slice(0, 6), secret.slice(-6)]) out = out.split(piece).join("[redacted]");
    }
  }
  return out;
}
