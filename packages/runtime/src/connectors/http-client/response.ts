/** Thrown by readLimited when a body is larger than allowed. */
export class TooLargeError extends Error {
  readonly limit: number;

  constructor(limit: number) {
    super(`response is larger than maxResponseBytes (${limit} bytes)`);
    this.name = "TooLargeError";
    this.limit = limit;
  }
}

/** Reads a whole body, but never more than `limit` bytes into memory. */
export async function readLimited(res: Response, limit: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel().catch(() => {});
    throw new TooLargeError(limit);
  }
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw new TooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/**
 * Why a fetch failed, in a person's terms: undici says "fetch failed" and keeps the reason
 * ("connect ECONNREFUSED 127.0.0.1:8080", "getaddrinfo ENOTFOUND host") in `cause`.
 */
export function failureText(e: unknown): string {
  let cause: unknown = e;
  if (cause instanceof TypeError && cause.message === "fetch failed" && cause.cause !== undefined)
    cause = cause.cause;
  if (cause instanceof AggregateError && cause.errors.length > 0) cause = cause.errors[0];
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return cause.message || (typeof code === "string" ? code : cause.name);
  }
  return String(cause);
}

/** The first characters of a body, on one line, for error messages. */
export function excerpt(body: Uint8Array, max = 200): string {
  const text = new TextDecoder()
    .decode(body.subarray(0, max * 4))
    .replace(/\s+/g, " ")
    .trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
