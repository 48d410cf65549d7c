import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";

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
 * Reads a whole undici body stream, but never more than `limit` bytes into memory; a body
 * that is declared or turns out larger is destroyed (its connection is not reused).
 */
export async function readStreamLimited(
  body: Readable,
  contentLength: string | string[] | undefined,
  limit: number,
): Promise<Uint8Array> {
  const declared = typeof contentLength === "string" ? Number(contentLength) : Number.NaN;
  if (Number.isFinite(declared) && declared > limit) {
    body.on("error", () => {}); // destroying reports an AbortError nobody needs
    body.destroy();
    throw new TooLargeError(limit);
  }
  return await new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    body.on("data", (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > limit) {
        body.destroy();
        reject(new TooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    body.once("end", () =>
      resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, total)),
    );
    body.once("error", reject);
    body.once("close", () => reject(new Error("the response ended early")));
  });
}

/**
 * Response headers with the read side of the WHATWG `Headers` interface (names lower-cased,
 * iteration sorted by name, repeated values joined with ", " except Set-Cookie), without its cost.
 */
export class ResponseHeaders implements Iterable<[string, string]> {
  private readonly map = new Map<string, string[]>();

  constructor(init?: Iterable<readonly [string, string]>) {
    if (init) for (const [name, value] of init) this.add(name.toLowerCase(), value);
  }

  /** From undici's parsed headers (names already lower-cased). */
  static fromRecord(raw: IncomingHttpHeaders): ResponseHeaders {
    const headers = new ResponseHeaders();
    for (const name in raw) {
      const value = raw[name];
      if (value === undefined) continue;
      if (typeof value === "string") headers.map.set(name, [value]);
      else headers.map.set(name, [...value]);
    }
    return headers;
  }

  get(name: string): string | null {
    const values = this.map.get(name.toLowerCase());
    return values === undefined ? null : values.join(", ");
  }

  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }

  getSetCookie(): string[] {
    return [...(this.map.get("set-cookie") ?? [])];
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of [...this.map.keys()].sort()) {
      const values = this.map.get(name) ?? [];
      if (name === "set-cookie") for (const v of values) yield [name, v];
      else yield [name, values.join(", ")];
    }
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  forEach(fn: (value: string, name: string, headers: ResponseHeaders) => void): void {
    for (const [name, value] of this.entries()) fn(value, name, this);
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  private add(name: string, value: string): void {
    const values = this.map.get(name);
    if (values) values.push(value);
    else this.map.set(name, [value]);
  }
}

/**
 * Why a request failed, in a person's terms: fetch says "fetch failed" and keeps the reason
 * ("connect ECONNREFUSED 127.0.0.1:8080", "getaddrinfo ENOTFOUND host") in `cause`; undici's
 * `request()` throws the reason itself.
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
