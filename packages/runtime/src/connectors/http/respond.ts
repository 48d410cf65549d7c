// Writing answers: JSON bodies and error objects, never onto a response that is already gone.
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";

export const JSON_TYPE = "application/json; charset=utf-8";

/** Writes a complete response; a no-op when the client is gone or an answer was already sent. */
export function send(
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  body: string | Buffer | undefined,
): void {
  if (res.headersSent || res.destroyed) return;
  if (body !== undefined) headers["content-length"] = Buffer.byteLength(body);
  res.writeHead(status, headers);
  res.end(body);
}

/** `{"error": message}` with `status`. */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: OutgoingHttpHeaders = {},
): void {
  headers["content-type"] = JSON_TYPE;
  send(res, status, headers, JSON.stringify({ error: message }));
}
