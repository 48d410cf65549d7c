// The http source (runtime spec §4, §5): routing, messages, responses, limits, shutdown, reload.
import { request as httpRequest } from "node:http";
import { connect, createServer as createNetServer, type Server as NetServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { memoryLogger } from "../../../test/helpers.ts";
import { dropBlock, gateBlock } from "../../../test/test-blocks.ts";
import { coreBlocks } from "../../blocks/index.ts";
import { YamlSource } from "../../config/yaml-source.ts";
import { loadRuntimeFromSources, type Runtime } from "../../engine/runtime.ts";
import { formatDiagnostic } from "../../errors/diagnostic.ts";
import { Registry } from "../../plugin/registry.ts";
import type { BlockDefinition } from "../../plugin/types.ts";
import { type HttpServer, httpConnector } from "./index.ts";

/** The `record` block: the messages it saw, and a gate that holds every run while closed. */
const recorder = () => gateBlock("record");

/** Sets the body to a string of `size` characters (a large response). */
const bigBlock: BlockDefinition = {
  type: "big",
  label: "Big",
  category: "processor",
  description: "test: a large body",
  kind: "composite",
  fields: z.strictObject({ size: z.number() }),
  compile: (node: { size: number }) => (msg) => {
    msg.body = "x".repeat(node.size);
  },
};

const runtimes: Runtime[] = [];
const netServers: NetServer[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.stop()));
  await Promise.all(netServers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function load(yaml: string, rec = recorder(), osEnv: Record<string, string> = {}) {
  const logger = memoryLogger();
  const registry = new Registry()
    .use(coreBlocks)
    .use({ name: "test", connectors: [httpConnector], blocks: [rec.block, dropBlock, bigBlock] });
  const r = loadRuntimeFromSources([new YamlSource("t.yaml", yaml)], { registry, osEnv, logger });
  return { r, logger };
}

async function start(
  yaml: string,
  opts: { rec?: ReturnType<typeof recorder>; env?: Record<string, string> } = {},
) {
  const rec = opts.rec ?? recorder();
  const { r, logger } = load(yaml, rec, opts.env);
  if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
  const runtime = r.runtime;
  runtimes.push(runtime);
  await runtime.start();
  /** The base URL of a connector's listener (port 0 resolved). */
  const url = (connector = "api") => {
    const u = runtime.connector<HttpServer>(connector).url();
    if (!u) throw new Error(`connector ${connector} is not listening`);
    return u;
  };
  return { runtime, logger, rec, url, base: url };
}

function loadErrors(yaml: string): string[] {
  const { r } = load(yaml);
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.diagnostics.map(formatDiagnostic);
}

/** Polls until `check` holds, failing after `ms` (a bound, not an expected duration). */
async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms}ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A connector on 127.0.0.1 with a free port. */
const API = (extra = "", port = 0) => `
connectors:
  - { name: api, type: http, settings: { host: 127.0.0.1, port: ${port}${extra} } }
`;

/** Echoes what the source put in the message. */
const ECHO = `{ type: set-payload, settings: { value: '{"body": body, "vars": vars, "correlationID": correlationID}' } }`;

async function json(res: Response): Promise<unknown> {
  return JSON.parse(await res.text());
}

/** A raw HTTP/1.1 exchange over one socket (what fetch cannot do: stall, not read, pipeline). */
function rawSocket(url: string) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let received = "";
  let closed = false;
  socket.setEncoding("latin1");
  socket.on("data", (d: string) => {
    received += d;
  });
  socket.on("close", () => {
    closed = true;
  });
  socket.on("error", () => {});
  return {
    socket,
    get received() {
      return received;
    },
    get closed() {
      return closed;
    },
  };
}

describe("http source: routing", () => {
  const yaml = `${API(", basePath: /api/v1")}
flows:
  - name: order
    source:
      connector: api
      type: http
      settings:
        path: /orders/{id}
        method: GET
        headers: [X-Tenant, X-Absent]
        correlationIdHeader: X-Request-ID
    process: [${ECHO}]
  - name: new-order-form
    source: { connector: api, type: http, settings: { path: /orders/new, method: GET } }
    process: [{ type: set-payload, settings: { value: '"the form"' } }]
  - name: item
    source: { connector: api, type: http, settings: { path: "/orders/{id}/items/{item}" } }
    process: [${ECHO}]
  - name: create
    source: { connector: api, type: http, settings: { path: /orders, method: POST } }
    process: [${ECHO}]
`;

  it("binds path params, query, captured headers (absent ones unset) and the correlation id, and echoes the id", async () => {
    const { url } = await start(yaml);
    const res = await fetch(`${url()}/api/v1/orders/42?expand=items&n=1&n=2&empty=`, {
      headers: { "X-Tenant": "acme", "X-Request-ID": "req-7" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("x-request-id")).toBe("req-7");
    expect(await json(res)).toEqual({
      body: null,
      correlationID: "req-7",
      vars: {
        method: "GET",
        path: "/api/v1/orders/42",
        query: { expand: "items", n: "2", empty: "" },
        id: "42",
        "X-Tenant": "acme",
      },
    });
  });

  it("without the correlation header the event id is the correlation id, and is echoed", async () => {
    const { url } = await start(yaml);
    const res = await fetch(`${url()}/api/v1/orders/1`);
    const got = (await json(res)) as { correlationID: string };
    expect(got.correlationID).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-request-id")).toBe(got.correlationID);
  });

  it("percent-decodes params (an encoded slash stays in its segment), tolerates a trailing slash", async () => {
    const { url } = await start(yaml);
    const res = await fetch(`${url()}/api/v1/orders/a%2Fb%20c/items/%C3%A9/`);
    expect(res.status).toBe(200);
    const got = (await json(res)) as { vars: Record<string, unknown> };
    expect(got.vars.id).toBe("a/b c");
    expect(got.vars.item).toBe("é");
    expect(got.vars.path).toBe("/api/v1/orders/a/b c/items/é/");
    expect(got.vars.method).toBe("GET");
  });

  it("a literal segment beats a parameter; other methods fall back to the parameter route's", async () => {
    const { url } = await start(yaml);
    expect(await json(await fetch(`${url()}/api/v1/orders/new`))).toBe("the form");
    const other = await fetch(`${url()}/api/v1/orders/new/items/3`, { method: "DELETE" });
    expect(((await json(other)) as { vars: unknown }).vars).toMatchObject({
      id: "new",
      item: "3",
      method: "DELETE",
    });
  });

  it("a path without its method is 405 with Allow; an unknown path is 404", async () => {
    const { url } = await start(yaml);
    const wrong = await fetch(`${url()}/api/v1/orders/42`, { method: "PUT" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, HEAD");
    expect(await json(wrong)).toEqual({
      error: "method PUT is not allowed for /api/v1/orders/42; allowed: GET, HEAD",
    });
    const post = await fetch(`${url()}/api/v1/orders`, { method: "GET" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("POST");

    const none = await fetch(`${url()}/x`);
    expect(none.status).toBe(404);
    expect(await json(none)).toEqual({ error: "no route for GET /x" });
    // basePath is required: the route alone does not match.
    expect((await fetch(`${url()}/orders/42`)).status).toBe(404);
  });

  it("HEAD is served by the GET route, without a body", async () => {
    const { url } = await start(yaml);
    const res = await fetch(`${url()}/api/v1/orders/42`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    expect(Number(res.headers.get("content-length"))).toBeGreaterThan(0);
  });

  it("a malformed percent-escape is 400", async () => {
    const { url } = await start(yaml);
    const res = await fetch(`${url()}/api/v1/orders/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect(await json(res)).toEqual({ error: 'malformed request path "/api/v1/orders/%E0%A4%A"' });
  });

  it("a request target without a path (OPTIONS *) is 404", async () => {
    const { url } = await start(yaml);
    const raw = rawSocket(url());
    raw.socket.write("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n");
    await until(() => raw.received.includes("}"));
    expect(raw.received).toMatch(/^HTTP\/1\.1 404 [\s\S]*\{"error":"no route for OPTIONS \*"\}$/);
    raw.socket.destroy();
  });
});

describe("http source: request bodies", () => {
  const yaml = `${API()}
flows:
  - name: echo
    source: { connector: api, type: http, settings: { path: /echo, maxBodyBytes: 64 } }
    process: [{ type: set-payload, settings: { value: '{"body": body}' } }]
`;
  const post = async (url: string, body: string | Uint8Array | undefined, type?: string) => {
    const res = await fetch(`${url}/echo`, {
      method: "POST",
      ...(body === undefined ? {} : { body }),
      headers: type ? { "content-type": type } : {},
    });
    return { status: res.status, body: await json(res) };
  };

  it("parses JSON, +json, form, text and other types; an empty body is null", async () => {
    const { url } = await start(yaml);
    expect(await post(url(), '{"a": [1, "x"]}', "application/json")).toEqual({
      status: 200,
      body: { body: { a: [1, "x"] } },
    });
    expect((await post(url(), '{"b": true}', "application/merge-patch+json; charset=utf-8")).body).toEqual({
      body: { b: true },
    });
    expect((await post(url(), "a=1&b=two+words&a=3", "application/x-www-form-urlencoded")).body).toEqual({
      body: { a: "3", b: "two words" },
    });
    expect((await post(url(), "hello", "text/plain")).body).toEqual({ body: "hello" });
    expect((await post(url(), "<x/>", "application/xml")).body).toEqual({ body: "<x/>" });
    expect(
      (await post(url(), Buffer.from([0x63, 0x61, 0x66, 0xe9]), "text/plain; charset=latin1")).body,
    ).toEqual({
      body: "café",
    });
    expect((await post(url(), undefined, "application/json")).body).toEqual({ body: null });
    expect((await post(url(), "", "application/json")).body).toEqual({ body: null });
  });

  it("malformed JSON is 400 with the parser's message", async () => {
    const { url } = await start(yaml);
    const res = await post(url(), '{"a": ', "application/json");
    expect(res.status).toBe(400);
    expect((res.body as { error: string }).error).toMatch(/^request body is not valid JSON: \S/);
  });

  it("a body over maxBodyBytes is 413, announced by Content-Length", async () => {
    const { url } = await start(yaml);
    const res = await fetch(`${url()}/echo`, { method: "POST", body: "x".repeat(65) });
    expect(res.status).toBe(413);
    expect(await json(res)).toEqual({ error: "request body is larger than maxBodyBytes (64 bytes)" });
    // Exactly the limit is fine.
    expect((await post(url(), "x".repeat(64), "text/plain")).status).toBe(200);
  });

  it("a chunked body over maxBodyBytes is 413 (bytes are counted while streaming)", async () => {
    const { url } = await start(yaml);
    const chunks = ["x".repeat(40), "y".repeat(40), "z".repeat(40)];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    const res = await fetch(`${url()}/echo`, { method: "POST", body, duplex: "half" } as RequestInit);
    expect(res.status).toBe(413);
    expect(await json(res)).toEqual({ error: "request body is larger than maxBodyBytes (64 bytes)" });
  });

  it("Expect: 100-continue with a too-large Content-Length is refused before the body is sent", async () => {
    const { url } = await start(yaml);
    const { hostname, port } = new URL(url());
    const result = await new Promise<{ status: number | undefined; continued: boolean }>(
      (resolve, reject) => {
        let continued = false;
        const req = httpRequest({
          host: hostname,
          port,
          path: "/echo",
          method: "POST",
          headers: { expect: "100-continue", "content-length": "1000" },
        });
        req.on("continue", () => {
          continued = true;
          req.end("x".repeat(1000));
        });
        req.on("response", (res) => {
          res.resume();
          resolve({ status: res.statusCode, continued });
          req.destroy();
        });
        req.on("error", reject);
        req.flushHeaders();
      },
    );
    expect(result).toEqual({ status: 413, continued: false });
  });
});

describe("http source: responses", () => {
  it("vars.httpStatus as a number or a numeric string sets the status; httpHeaders add headers", async () => {
    const { url } = await start(`${API()}
flows:
  - name: created
    source: { connector: api, type: http, settings: { path: /created } }
    process:
      - { type: set-variable, settings: { name: httpStatus, value: '"201"' } }
      - { type: set-variable, settings: { name: httpHeaders, value: '{"Location": "/orders/1", "X-Count": 3, "Set-Cookie": ["a=1", "b=2"]}' } }
      - { type: set-payload, settings: { value: '{"id": 1}' } }
  - name: accepted
    source: { connector: api, type: http, settings: { path: /accepted } }
    process:
      - { type: set-variable, settings: { name: httpStatus, value: '202' } }
      - { type: set-payload, settings: { value: '"queued"' } }
  - name: csv
    source: { connector: api, type: http, settings: { path: /csv } }
    process:
      - { type: set-variable, settings: { name: httpHeaders, value: '{"content-type": "text/csv"}' } }
      - { type: set-payload, settings: { value: '"a,b\\n1,2"' } }
`);
    const created = await fetch(`${url()}/created`);
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe("/orders/1");
    expect(created.headers.get("x-count")).toBe("3");
    expect(created.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(await json(created)).toEqual({ id: 1 });

    const accepted = await fetch(`${url()}/accepted`);
    expect(accepted.status).toBe(202);
    expect(await json(accepted)).toBe("queued");

    const csv = await fetch(`${url()}/csv`);
    expect(csv.headers.get("content-type")).toBe("text/csv");
    expect(await csv.text()).toBe("a,b\n1,2");
  });

  it("an invalid httpStatus or httpHeaders is 500 with a clear error", async () => {
    const { url, logger } = await start(`${API()}
flows:
  - name: bad-status
    source: { connector: api, type: http, settings: { path: "/status/{value}" } }
    process:
      - { type: set-variable, settings: { name: httpStatus, value: 'vars.value' } }
  - name: bad-headers
    source: { connector: api, type: http, settings: { path: /headers } }
    process:
      - { type: set-variable, settings: { name: httpHeaders, value: '{"X-Obj": {"a": 1}}' } }
  - name: bad-header-value
    source: { connector: api, type: http, settings: { path: /header-value } }
    process:
      - { type: set-variable, settings: { name: httpHeaders, value: '{"X-Split": "a\\r\\nb"}' } }
`);
    for (const bad of ["abc", "99", "600", "2.5"]) {
      const res = await fetch(`${url()}/status/${bad}`);
      expect(res.status).toBe(500);
      expect(await json(res)).toEqual({
        error: `vars.httpStatus must be a status code from 100 to 599 (a number or numeric string), not "${bad}"`,
      });
    }
    const headers = await fetch(`${url()}/headers`);
    expect(headers.status).toBe(500);
    expect(await json(headers)).toEqual({
      error: "vars.httpHeaders.X-Obj must be a string (or a list of strings)",
    });
    const value = await fetch(`${url()}/header-value`);
    expect(value.status).toBe(500);
    expect(((await json(value)) as { error: string }).error).toMatch(
      /^vars\.httpHeaders\.X-Split cannot be sent: /,
    );
    expect(logger.lines.some((l) => l.level === "warn" && l.message.includes("answered 500"))).toBe(true);
  });

  it("a dropped message is 204; a failed flow is 500 with its error", async () => {
    const { url } = await start(`${API()}
flows:
  - name: dropper
    source: { connector: api, type: http, settings: { path: /drop } }
    process: [{ type: drop }]
  - name: failer
    source: { connector: api, type: http, settings: { path: /fail } }
    process:
      - { type: set-variable, settings: { name: httpStatus, value: '201' } }
      - { type: set-payload, name: boom, settings: { value: 'body.missing.x' } }
`);
    const dropped = await fetch(`${url()}/drop`);
    expect(dropped.status).toBe(204);
    expect(await dropped.text()).toBe("");
    const failed = await fetch(`${url()}/fail`);
    expect(failed.status).toBe(500);
    const { error } = (await json(failed)) as { error: string };
    expect(error).toMatch(/missing/);
  });

  it("an error chain that recovers answers with its body and vars.httpStatus", async () => {
    const { url } = await start(`${API()}
flows:
  - name: upstream
    source: { connector: api, type: http, settings: { path: /upstream } }
    process:
      - { type: set-payload, name: call, settings: { value: 'body.missing.x' } }
    error:
      - { type: set-variable, settings: { name: httpStatus, value: '"502"' } }
      - { type: set-payload, settings: { value: '{"error": "upstream failed", "failedBlock": vars.error.block, "flow": vars.error.flow}' } }
`);
    const res = await fetch(`${url()}/upstream`);
    expect(res.status).toBe(502);
    expect(await json(res)).toEqual({ error: "upstream failed", failedBlock: "call", flow: "upstream" });
  });

  it("a secret value never reaches an error response", async () => {
    const { url, logger } = await start(
      `${API()}
env: [{ name: TOKEN, required: true, secret: true }]
flows:
  - name: leak
    source: { connector: api, type: http, settings: { path: /leak } }
    process:
      - { type: set-payload, name: lookup, settings: { value: 'body[env.TOKEN]' } }
`,
      { env: { TOKEN: "hunter2-secret" } },
    );
    const res = await fetch(`${url()}/leak`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain("hunter2-secret");
    expect(text).toContain("[REDACTED]");
    expect(JSON.stringify(logger.lines)).not.toContain("hunter2-secret");
  });

  it("keepAlive: false answers with Connection: close", async () => {
    const { url } = await start(`${API(", keepAlive: false")}
flows:
  - name: one
    source: { connector: api, type: http, settings: { path: /one } }
    process: [{ type: set-payload, settings: { value: '1' } }]
`);
    const res = await fetch(`${url()}/one`);
    expect(res.headers.get("connection")).toBe("close");
    const missing = await fetch(`${url()}/two`);
    expect(missing.headers.get("connection")).toBe("close");
  });
});

describe("http source: limits", () => {
  it("a full queue is 503 with Retry-After", async () => {
    const rec = recorder();
    rec.close();
    const { url, runtime } = await start(
      `${API()}
flows:
  - name: busy
    workers: 1
    buffer: 1
    source: { connector: api, type: http, settings: { path: /busy } }
    process: [{ type: record }]
`,
      { rec },
    );
    const first = fetch(`${url()}/busy`);
    await until(() => rec.seen.length === 1);
    const second = fetch(`${url()}/busy`);
    await until(() => runtime.load()[0]?.queued === 1);
    const third = await fetch(`${url()}/busy`);
    expect(third.status).toBe(503);
    expect(third.headers.get("retry-after")).toBe("1");
    expect(await json(third)).toEqual({ error: "flow busy is busy: its queue of 1 is full; retry later" });
    rec.open();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
  });

  it("a flow slower than the route's timeout is 504; its late result is discarded", async () => {
    const rec = recorder();
    rec.close();
    const { url, runtime } = await start(
      `${API(", requestTimeout: 1h")}
flows:
  - name: slow
    source: { connector: api, type: http, settings: { path: /slow, timeout: 50ms } }
    process: [{ type: record }]
`,
      { rec },
    );
    const res = await fetch(`${url()}/slow`);
    expect(res.status).toBe(504);
    expect(await json(res)).toEqual({ error: "flow slow did not answer within 50ms" });
    rec.open();
    await until(() => runtime.load()[0]?.running === 0);
    // The server is still fine.
    expect((await fetch(`${url()}/slow`)).status).toBe(200);
  });

  it("the connector's requestTimeout applies when the route has none", async () => {
    const rec = recorder();
    rec.close();
    const { url } = await start(
      `${API(", requestTimeout: 40ms")}
flows:
  - name: slow
    source: { connector: api, type: http, settings: { path: /slow } }
    process: [{ type: record }]
`,
      { rec },
    );
    const res = await fetch(`${url()}/slow`);
    expect(res.status).toBe(504);
    expect(await json(res)).toEqual({ error: "flow slow did not answer within 40ms" });
    rec.open();
  });

  it("a client that leaves before the answer is not written to, and the server goes on", async () => {
    const rec = recorder();
    rec.close();
    const { url, runtime } = await start(
      `${API()}
flows:
  - name: slow
    source: { connector: api, type: http, settings: { path: /slow } }
    process: [{ type: record }]
`,
      { rec },
    );
    const abort = new AbortController();
    const gone = fetch(`${url()}/slow`, { signal: abort.signal });
    await until(() => rec.seen.length === 1);
    abort.abort();
    await expect(gone).rejects.toThrow();
    rec.open();
    await until(() => runtime.load()[0]?.running === 0);
    expect((await fetch(`${url()}/slow`)).status).toBe(200);
  });

  it("idleTimeout closes an idle keep-alive connection", async () => {
    const { url } = await start(`${API(", idleTimeout: 100ms")}
flows:
  - name: one
    source: { connector: api, type: http, settings: { path: /one } }
    process: [{ type: set-payload, settings: { value: '1' } }]
`);
    const raw = rawSocket(url());
    raw.socket.write("GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
    await until(() => raw.received.includes("\r\n\r\n1"));
    // Node's default keep-alive timeout (5s) would outlast this bound.
    await until(() => raw.closed, 3000);
  });

  it("readTimeout closes a connection whose request does not arrive in time", async () => {
    const { url } = await start(`${API(", readTimeout: 200ms")}
flows:
  - name: one
    source: { connector: api, type: http, settings: { path: /one } }
    process: [{ type: set-payload, settings: { value: '1' } }]
`);
    const raw = rawSocket(url());
    raw.socket.write("POST /one HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
    // Node's default (300s) would outlast this bound; timeouts are checked every second.
    await until(() => raw.closed, 4000);
    expect(raw.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("writeTimeout cuts a client that does not read the response", async () => {
    const size = 16 * 1024 * 1024; // well past what the socket buffers absorb
    const { url } = await start(`${API(", writeTimeout: 100ms")}
flows:
  - name: big
    source: { connector: api, type: http, settings: { path: /big } }
    process: [{ type: big, size: ${size} }]
`);
    const raw = rawSocket(url());
    raw.socket.pause();
    raw.socket.write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
    await new Promise((r) => setTimeout(r, 500));
    raw.socket.resume();
    await until(() => raw.closed, 10_000);
    expect(raw.received.length).toBeLessThan(size);
  });
});

describe("http source: listeners, shutdown and reload", () => {
  it("logs one listening line per listener, and address() gives the bound port", async () => {
    const { runtime, logger, url } = await start(`${API()}
flows:
  - name: a
    source: { connector: api, type: http, settings: { path: /a } }
    process: [{ type: set-payload, settings: { value: '"a"' } }]
  - name: b
    source: { connector: api, type: http, settings: { path: /b } }
    process: [{ type: set-payload, settings: { value: '"b"' } }]
`);
    const address = runtime.connector<HttpServer>("api").address();
    expect(address?.host).toBe("127.0.0.1");
    expect(address?.port).toBeGreaterThan(0);
    const listening = logger.lines.filter((l) => l.message.startsWith("http: listening on "));
    expect(listening.map((l) => [l.level, l.message])).toEqual([
      ["info", `http: listening on http://127.0.0.1:${address?.port}`],
    ]);
    expect(await json(await fetch(`${url()}/a`))).toBe("a");
    expect(await json(await fetch(`${url()}/b`))).toBe("b");
  });

  it("two flows share one connector; one path can split its methods across flows", async () => {
    const { url } = await start(`${API()}
flows:
  - name: list
    source: { connector: api, type: http, settings: { path: /items, method: GET } }
    process: [{ type: set-payload, settings: { value: '"list"' } }]
  - name: add
    source: { connector: api, type: http, settings: { path: /items, method: POST } }
    process: [{ type: set-payload, settings: { value: '"added " + body.name' } }]
`);
    expect(await json(await fetch(`${url()}/items`))).toBe("list");
    const added = await fetch(`${url()}/items`, {
      method: "POST",
      body: '{"name": "pen"}',
      headers: { "content-type": "application/json" },
    });
    expect(await json(added)).toBe("added pen");
  });

  it("two connectors on different ports serve their own routes", async () => {
    const { url } = await start(`
connectors:
  - { name: public, type: http, settings: { host: 127.0.0.1, port: 0 } }
  - { name: admin, type: http, settings: { host: 127.0.0.1, port: 0, basePath: /admin } }
flows:
  - name: hello
    source: { connector: public, type: http, settings: { path: /hello } }
    process: [{ type: set-payload, settings: { value: '"public"' } }]
  - name: stats
    source: { connector: admin, type: http, settings: { path: /stats } }
    process: [{ type: set-payload, settings: { value: '"admin"' } }]
`);
    expect(url("public")).not.toBe(url("admin"));
    expect(await json(await fetch(`${url("public")}/hello`))).toBe("public");
    expect(await json(await fetch(`${url("admin")}/admin/stats`))).toBe("admin");
    expect((await fetch(`${url("public")}/admin/stats`)).status).toBe(404);
    expect((await fetch(`${url("admin")}/hello`)).status).toBe(404);
  });

  it("two connectors naming the same host:port share its listener", async () => {
    const first = await start(`${API()}
flows:
  - name: a
    source: { connector: api, type: http, settings: { path: /a } }
    process: [{ type: set-payload, settings: { value: '"a"' } }]
`);
    const port = first.runtime.connector<HttpServer>("api").address()?.port;
    const { url, logger } = await start(`
connectors:
  - { name: one, type: http, settings: { host: 127.0.0.1, port: ${port}, basePath: /one } }
  - { name: two, type: http, settings: { host: 127.0.0.1, port: ${port}, basePath: /two } }
flows:
  - name: one
    source: { connector: one, type: http, settings: { path: /x } }
    process: [{ type: set-payload, settings: { value: '"one"' } }]
  - name: two
    source: { connector: two, type: http, settings: { path: /x } }
    process: [{ type: set-payload, settings: { value: '"two"' } }]
`);
    expect(logger.lines.filter((l) => l.message.startsWith("http: listening"))).toEqual([]);
    expect(await json(await fetch(`${url("one")}/one/x`))).toBe("one");
    expect(await json(await fetch(`${url("two")}/two/x`))).toBe("two");
    expect(await json(await fetch(`${url("two")}/a`))).toBe("a");
  });

  it("stop answers in-flight requests, refuses new ones with 503, then closes the port", async () => {
    const rec = recorder();
    rec.close();
    const { url, runtime } = await start(
      `${API()}
flows:
  - name: slow
    source: { connector: api, type: http, settings: { path: /slow, correlationIdHeader: X-Request-ID } }
    process: [{ type: record }, { type: set-payload, settings: { value: '"done"' } }]
`,
      { rec },
    );
    const base = url();
    const inFlight = fetch(`${base}/slow`);
    await until(() => rec.seen.length === 1);
    let stopped = false;
    const stopping = runtime.stop().then(() => {
      stopped = true;
    });
    const refused = await fetch(`${base}/slow`, { headers: { "X-Request-ID": "late" } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("x-request-id")).toBe("late");
    expect(await json(refused)).toEqual({ error: "flow slow is shutting down; retry later" });
    expect(stopped).toBe(false);
    rec.open();
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(await json(answered)).toBe("done");
    await stopping;
    await expect(fetch(`${base}/slow`)).rejects.toThrow();
  });

  it("stop does not wait for a slow upload: a request still sending its body gets 503", async () => {
    const { url, runtime } = await start(`${API()}
flows:
  - name: upload
    source: { connector: api, type: http, settings: { path: /upload } }
    process: [{ type: set-payload, settings: { value: '1' } }]
`);
    const raw = rawSocket(url());
    raw.socket.write(
      "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n",
    );
    // The go-ahead proves the route is reading the body.
    await until(() => raw.received.startsWith("HTTP/1.1 100 Continue"));
    raw.socket.write("only part of it");
    await runtime.stop();
    await until(() => raw.closed);
    expect(raw.received).toMatch(/HTTP\/1\.1 503 [\s\S]*flow upload is shutting down; retry later/);
  });

  it("a new runtime generation on the same port takes over without a failed request", async () => {
    const flow = (answer: string) => `
flows:
  - name: v
    source: { connector: api, type: http, settings: { path: /v } }
    process: [{ type: record }, { type: set-payload, settings: { value: '"${answer}"' } }]
`;
    const rec1 = recorder();
    const old = await start(`${API()}${flow("old")}`, { rec: rec1 });
    const port = old.runtime.connector<HttpServer>("api").address()?.port;
    const base = old.url();

    // Traffic throughout the switch; old requests held in flight across it.
    const statuses: number[] = [];
    const answers: string[] = [];
    let traffic = true;
    const loop = async () => {
      while (traffic) {
        const res = await fetch(`${base}/v`);
        statuses.push(res.status);
        answers.push((await json(res)) as string);
      }
    };
    const loops = [loop(), loop()];
    let held: Response;
    try {
      await until(() => answers.length >= 5);
      rec1.close();
      const heldRequest = fetch(`${base}/v?held=1`);
      await until(() => rec1.seen.some((m) => (m.vars.query as Record<string, string>).held === "1"));

      const fresh = await start(`${API("", port)}${flow("new")}`);
      expect(fresh.url()).toBe(base);
      expect(fresh.logger.lines.some((l) => l.message.startsWith("http: listening"))).toBe(false);
      const stopOld = old.runtime.stop();
      rec1.open();
      await stopOld;
      held = await heldRequest;
      const afterStop = answers.length;
      await until(() => answers.length >= afterStop + 5);
    } finally {
      traffic = false;
      await Promise.all(loops);
    }
    expect(held.status).toBe(200);
    expect(await json(held)).toBe("old");
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(answers).toContain("new");
    for (let i = 0; i < 3; i++) expect(await json(await fetch(`${base}/v`))).toBe("new");
  });

  it("a port held by someone else fails the start with a message naming host:port", async () => {
    const blocker = createNetServer();
    netServers.push(blocker);
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    const { r } = load(`
connectors: [{ name: api, type: http, settings: { host: 127.0.0.1, port: ${port} } }]
flows:
  - name: a
    source: { connector: api, type: http, settings: { path: /a } }
    process: [{ type: set-payload, settings: { value: '1' } }]
`);
    if (!r.ok) throw new Error("load failed");
    runtimes.push(r.runtime);
    await expect(r.runtime.start()).rejects.toThrow(
      `http connector "api": cannot listen on 127.0.0.1:${port}: the address is already in use`,
    );
  });

  it("two flows claiming the same route on one connector fail the start", async () => {
    const { r } = load(`${API()}
flows:
  - name: a
    source: { connector: api, type: http, settings: { path: "/x/{id}", method: GET } }
    process: [{ type: set-payload, settings: { value: '1' } }]
  - name: b
    source: { connector: api, type: http, settings: { path: "/x/{key}/", method: GET } }
    process: [{ type: set-payload, settings: { value: '2' } }]
`);
    if (!r.ok) throw new Error("load failed");
    runtimes.push(r.runtime);
    await expect(r.runtime.start()).rejects.toThrow(
      'http connector "api": flow b cannot serve GET /x/{key}/: flow a already does',
    );
  });

  it("an implicit connector (source connector: http) listens on its settings' defaults", async () => {
    // Only loads: port 8080 may be taken on a developer machine.
    const { r } = load(`
flows:
  - name: a
    source: { connector: http, type: http, settings: { path: /a } }
    process: [{ type: set-payload, settings: { value: '1' } }]
`);
    expect(r.ok).toBe(true);
    if (r.ok)
      expect(r.runtime.plan.connectors.map((c) => c.settings)).toEqual([
        { host: "0.0.0.0", port: 8080, basePath: "", keepAlive: true, requestTimeout: "30s" },
      ]);
  });
});

describe("http source: load errors", () => {
  const flowWith = (settings: string, connector = "") => `
connectors:
  - { name: api, type: http, settings: { host: 127.0.0.1, port: 0${connector} } }
flows:
  - name: f
    source:
      connector: api
      type: http
      settings: ${settings}
    process: [{ type: set-payload, settings: { value: '1' } }]
`;

  it("a bad path is a located error", () => {
    expect(loadErrors(flowWith("{ path: orders }"))[0]).toMatch(
      /^t\.yaml:9:\d+: .*invalid route path: "orders" must start with "\/"/,
    );
    expect(loadErrors(flowWith('{ path: "/a/x{id}" }'))[0]).toMatch(
      /invalid route path: segment "x\{id\}" is not a parameter/,
    );
    expect(loadErrors(flowWith('{ path: "/a/{id}/{id}" }'))[0]).toMatch(/parameter \{id\} appears twice/);
    expect(loadErrors(flowWith('{ path: "/a//b" }'))[0]).toMatch(/has an empty segment/);
    expect(loadErrors(flowWith('{ path: "/a?b=1" }'))[0]).toMatch(/must not contain a query/);
    expect(loadErrors(flowWith("{ method: GET }"))[0]).toMatch(/"path" is required/);
  });

  it("a parameter or header shadowing a var the source sets is a located error", () => {
    const errors = loadErrors(flowWith('{ path: "/a/{query}", headers: [method, X-A, X-A] }'));
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^t\.yaml:9:\d+: path parameter \{query\} would overwrite vars\.query/);
    expect(errors[1]).toMatch(/^t\.yaml:9:\d+: header method would be stored in vars\.method/);
    expect(errors[2]).toMatch(/header X-A is listed twice/);
  });

  it("bad methods, header names, sizes, durations and connector settings are located errors", () => {
    expect(loadErrors(flowWith("{ path: /a, method: FETCH }"))[0]).toMatch(/"method" must be one of "GET"/);
    expect(loadErrors(flowWith('{ path: /a, headers: ["X Bad"] }'))[0]).toMatch(
      /not a valid HTTP header name/,
    );
    expect(loadErrors(flowWith("{ path: /a, maxBodyBytes: -1 }"))[0]).toMatch(/maxBodyBytes/);
    expect(loadErrors(flowWith("{ path: /a, timeout: soon }"))[0]).toMatch(/expected a duration/);
    expect(loadErrors(flowWith("{ path: /a }", ", basePath: api"))[0]).toMatch(
      /^t\.yaml:3:\d+: .*invalid basePath: "api" must start with "\/"/,
    );
    expect(loadErrors(flowWith("{ path: /a }", ', basePath: "/{v}"'))[0]).toMatch(/cannot have parameters/);
    expect(loadErrors(flowWith("{ path: /a }", ", port: 70000"))[0]).toMatch(/port/);
    expect(loadErrors(flowWith("{ path: /a }", ", readTimeout: 5"))[0]).toMatch(/readTimeout/);
    expect(loadErrors(flowWith("{ path: /a, timout: 1s }"))[0]).toMatch(
      /unknown key "timout".*did you mean "timeout"/,
    );
  });
});
