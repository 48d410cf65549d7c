// What every hand-written baseline shares: the plain node:http a person would write, with the same
// answer format as Octo's http source (JSON, content-type and content-length, 404 off the route).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

export const JSON_TYPE = "application/json; charset=utf-8";

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { "content-type": JSON_TYPE, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** The whole request body parsed as JSON (null when empty). */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text === "" ? null : JSON.parse(text);
}

/** Listens on 127.0.0.1:$PORT; a handler that throws answers 500 like a failed flow. */
export function serve(handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>): void {
  const server = createServer((req, res) => {
    try {
      const r = handler(req, res);
      if (r) r.catch((e: unknown) => sendJson(res, 500, { error: String(e) }));
    } catch (e) {
      sendJson(res, 500, { error: String(e) });
    }
  });
  server.listen(Number(process.env.PORT), "127.0.0.1");
  // Exit normally on SIGTERM so that `node --cpu-prof` writes its profile.
  process.on("SIGTERM", () => process.exit(0));
}
