// Request bodies: bounded reading and parsing by Content-Type; query strings into objects.
import type { IncomingMessage } from "node:http";

/** Why a request body could not be taken: answered with `status`, counted as `kind`. */
export class BodyError extends Error {
  readonly status: number;
  readonly kind: string;
  constructor(status: number, kind: string, message: string) {
    super(message);
    this.name = "BodyError";
    this.status = status;
    this.kind = kind;
  }
}

const tooLarge = (max: number) =>
  new BodyError(413, "body-too-large", `request body is larger than maxBodyBytes (${max} bytes)`);

/** True when the request announces no body (no Content-Length or a zero one, and no chunking). */
export function hasNoBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return (length === undefined || length === "0") && req.headers["transfer-encoding"] === undefined;
}

/** Rejects up front a body whose Content-Length is over the limit, without reading it. */
export function checkDeclaredLength(req: IncomingMessage, max: number): BodyError | undefined {
  const length = req.headers["content-length"];
  // Node has already refused a malformed Content-Length with 400, so this is a number.
  return length !== undefined && Number(length) > max ? tooLarge(max) : undefined;
}

/**
 * Reads the whole body, counting bytes as they arrive: past `max` it stops reading (the stream is
 * paused, nothing more is buffered) and rejects with 413. A client that goes away rejects with
 * kind "aborted" (nobody is left to answer).
 */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onAbort);
      req.off("close", onAbort);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        cleanup();
        req.pause();
        reject(tooLarge(max));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onAbort = () => {
      cleanup();
      reject(new BodyError(400, "aborted", "the client closed the connection while sending the body"));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onAbort);
    req.on("close", onAbort);
  });
}

/** Sets a key on a plain object, including "__proto__" (which `o[k] = v` would not store). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true });
  else target[key] = value;
}

/** `a=1&b=x&a=2` → {a: "2", b: "x"}: every value a string, a repeated key keeps its last value. */
export function parseQuery(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (text === "") return out;
  for (const [key, value] of new URLSearchParams(text)) setOwn(out, key, value);
  return out;
}

function decodeText(buf: Buffer, charset: string | undefined): string {
  if (charset === undefined || charset === "utf-8" || charset === "utf8") return buf.toString("utf8");
  try {
    return new TextDecoder(charset).decode(buf);
  } catch {
    return buf.toString("utf8"); // an unknown charset label: read it as UTF-8 rather than refuse it
  }
}

/**
 * The message body for a request body, by Content-Type: JSON (application/json, *\/*+json) → the
 * value; application/x-www-form-urlencoded → an object of strings; text/* and anything else → the
 * text (in the declared charset, else UTF-8); an empty body → null. Malformed JSON → 400.
 */
export function parseBody(buf: Buffer, contentType: string | undefined): unknown {
  if (buf.length === 0) return null;
  const semicolon = contentType?.indexOf(";") ?? -1;
  const media = (semicolon < 0 ? (contentType ?? "") : (contentType ?? "").slice(0, semicolon))
    .trim()
    .toLowerCase();
  if (media === "application/json" || media.endsWith("+json")) {
    try {
      return JSON.parse(buf.toString("utf8"));
    } catch (e) {
      throw new BodyError(
        400,
        "bad-request",
        `request body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  if (media === "application/x-www-form-urlencoded") return parseQuery(buf.toString("utf8"));
  const charset =
    semicolon < 0 ? undefined : /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1]?.toLowerCase();
  return decodeText(buf, charset);
}
