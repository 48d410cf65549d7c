/**
 * Scripted HTTP stub shared by the provider stubs (anthropic.ts, openai.ts,
 * gemini.ts). Listens on 127.0.0.1, port 0; every request is recorded, its
 * API key checked by the provider's dialect, and then answered with the next
 * scripted reply. See README.md in this directory.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach } from "vitest";

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/messages`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; the raw text when it is not JSON; undefined when empty. */
  body: unknown;
}

export interface Reply {
  /** HTTP status; 200 by default. */
  status?: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON, strings as text/plain; omitted for no body. */
  body?: unknown;
  /** Wait this long before answering (to provoke a client timeout). */
  delayMs?: number;
}

/** A reply, or a function computing one from the request (e.g. to echo `model`). */
export type ScriptedReply = Reply | ((req: RecordedRequest) => Reply);

/** What differs between providers: routes, key check, error shape. */
export interface Dialect {
  name: string;
  routes: ReadonlyArray<{ method: string; path: RegExp }>;
  /** True when the request carries `apiKey` the way this provider expects. */
  authorized(req: RecordedRequest, apiKey: string): boolean;
  /** The provider's answer to a missing or wrong key. */
  unauthorized(req: RecordedRequest): Reply;
  /** A generic error reply in the provider's shape. */
  error(status: number, message: string): Reply;
}

export interface StubServer {
  /** `http://127.0.0.1:<port>` — no trailing slash, no path. */
  readonly url: string;
  /** The key the stub accepts. */
  readonly apiKey: string;
  /** Every request received, in order (including rejected ones). */
  readonly requests: RecordedRequest[];
  /** Append replies to the script; each routed, authorized request takes one. */
  enqueue(...replies: ScriptedReply[]): void;
  /** Scripted replies not yet consumed. */
  readonly pending: number;
  close(): Promise<void>;
}

export interface StubOptions {
  /** The API key the stub accepts; `test-key` by default. */
  apiKey?: string;
}

export async function startStub(dialect: Dialect, options: StubOptions = {}): Promise<StubServer> {
  const apiKey = options.apiKey ?? "test-key";
  const requests: RecordedRequest[] = [];
  const script: ScriptedReply[] = [];

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    if (text !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const recorded: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    };
    requests.push(recorded);

    let reply: Reply;
    if (!dialect.authorized(recorded, apiKey)) {
      reply = dialect.unauthorized(recorded);
    } else if (!dialect.routes.some((r) => r.method === recorded.method && r.path.test(recorded.path))) {
      reply = dialect.error(404, `stub(${dialect.name}): no route for ${recorded.method} ${recorded.path}`);
    } else {
      const next = script.shift();
      reply =
        next === undefined
          ? // 400 so that no SDK retries it: an unscripted request fails the test at once.
            dialect.error(
              400,
              `stub(${dialect.name}): no scripted reply for ${recorded.method} ${recorded.path}`,
            )
          : typeof next === "function"
            ? next(recorded)
            : next;
    }

    if (reply.delayMs !== undefined && reply.delayMs > 0) {
      const aborted = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), reply.delayMs);
        res.once("close", () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (aborted || res.destroyed) return;
    }

    const headers: Record<string, string> = { ...reply.headers };
    let payload: string | undefined;
    if (typeof reply.body === "string") {
      payload = reply.body;
      headers["content-type"] ??= "text/plain; charset=utf-8";
    } else if (reply.body !== undefined) {
      payload = JSON.stringify(reply.body);
      headers["content-type"] ??= "application/json";
    }
    res.writeHead(reply.status ?? 200, headers);
    res.end(payload);
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    enqueue: (...replies) => {
      script.push(...replies);
    },
    get pending() {
      return script.length;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** First value of a header (node lower-cases names). */
export function header(req: RecordedRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

let seq = 0;
/** A short unique id with the provider's prefix, e.g. `msg_stub0001`. */
export function stubId(prefix: string): string {
  seq += 1;
  return `${prefix}stub${String(seq).padStart(4, "0")}`;
}

/** The same reply, sent only after `delayMs` (to provoke a client timeout). */
export function delayed(reply: ScriptedReply, delayMs: number): ScriptedReply {
  return (req) => ({ ...(typeof reply === "function" ? reply(req) : reply), delayMs });
}

/**
 * A stub started before each test and closed after it (call inside a describe or at a file's
 * top level). The returned server always stands for the current test's stub.
 */
export function stubPerTest(start: () => Promise<StubServer>): StubServer {
  let current: StubServer | undefined;
  beforeEach(async () => {
    current = await start();
  });
  afterEach(() => current?.close());
  const now = () => {
    if (!current) throw new Error("the stub exists only while a test runs");
    return current;
  };
  return {
    get url() {
      return now().url;
    },
    get apiKey() {
      return now().apiKey;
    },
    get requests() {
      return now().requests;
    },
    enqueue: (...replies) => now().enqueue(...replies),
    get pending() {
      return now().pending;
    },
    close: () => now().close(),
  };
}
