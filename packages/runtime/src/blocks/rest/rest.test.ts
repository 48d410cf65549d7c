// The rest block (runtime spec §3): request building from templates, bodies, response parsing,
// failOnError/statusVar, and its load errors. Runs against a real HTTP server on 127.0.0.1.
import { afterEach, describe, expect, it } from "vitest";
import {
  json,
  loadErrors,
  type StubHandler,
  type StubServer,
  startRuntime,
  stubServer,
} from "../../connectors/http-client/testing.ts";
import { newMessage } from "../../engine/message.ts";
import type { Runtime } from "../../engine/runtime.ts";
import { FlowError } from "../../errors/diagnostic.ts";

let server: StubServer | undefined;
let runtime: Runtime | undefined;
afterEach(async () => {
  await runtime?.stop();
  await server?.close();
  runtime = undefined;
  server = undefined;
});

/** A config with one http-client `api` pointing at the stub and one flow `main` of `blocks`. */
const config = (url: string, blocks: string, connectorSettings = "") => `
connectors:
  - name: api
    type: http-client
    settings:
      baseURL: ${url}/v1
${connectorSettings}
flows:
  - name: main
    process:
${blocks}
`;

async function run(handler: StubHandler, blocks: string, input: unknown = {}, connectorSettings = "") {
  server = await stubServer(handler);
  const started = await startRuntime(config(server.url, blocks, connectorSettings));
  runtime = started.runtime;
  const outcome = await runtime.invoke("main", input);
  return { outcome, requests: server.requests };
}

describe("rest: requests", () => {
  it("builds the URL and headers from path, query and header templates", async () => {
    const { outcome, requests } = await run(
      (_req, res) => json(res, 200, { ok: true }),
      `
      - { type: set-variable, settings: { name: id, value: '"a/b c"' } }
      - type: rest
        settings:
          connector: api
          path: /orders/{vars.id}/items/{body.n}
          query: { city: '{body.city}', units: metric, page: 2, missing: '{body.none}', tag: '{body.tags}' }
          headers: { X-Trace: 'trace-{eventID}', X-None: '{body.none}' }
`,
      { n: 7, city: "São Paulo", none: null, tags: ["x", "y"] },
    );
    expect(outcome.status).toBe("completed");
    expect(outcome.message.body).toEqual({ ok: true });
    expect(outcome.message.vars.statusCode).toBe(200);
    const [req] = requests;
    expect(req?.method).toBe("GET");
    expect(req?.url).toBe("/v1/orders/a%2Fb%20c/items/7?city=S%C3%A3o+Paulo&units=metric&page=2&tag=x&tag=y");
    expect(req?.headers["x-trace"]).toBe(`trace-${outcome.message.eventID}`);
    expect(req?.headers).not.toHaveProperty("x-none");
    expect(req?.body).toBe("");
  });

  it("sends the connector's headers, which the block's override", async () => {
    const { requests } = await run(
      (_req, res) => json(res, 200, {}),
      `      - { type: rest, settings: { connector: api, path: /x, headers: { X-Two: block } } }`,
      {},
      "      headers: { X-One: conn, X-Two: conn }",
    );
    expect(requests[0]?.headers["x-one"]).toBe("conn");
    expect(requests[0]?.headers["x-two"]).toBe("block");
  });

  it("POSTs the message body as JSON by default", async () => {
    const { outcome, requests } = await run(
      (req, res) => json(res, 201, { received: JSON.parse(req.body) }),
      `      - { type: rest, settings: { connector: api, method: POST, path: /orders } }`,
      { item: "book", qty: 2 },
    );
    expect(requests[0]?.method).toBe("POST");
    expect(requests[0]?.headers["content-type"]).toBe("application/json");
    expect(requests[0]?.body).toBe('{"item":"book","qty":2}');
    expect(outcome.message.body).toEqual({ received: { item: "book", qty: 2 } });
    expect(outcome.message.vars.statusCode).toBe(201);
  });

  it("sends body: as JSON, or a string as-is when a Content-Type header is set", async () => {
    const { requests } = await run(
      (_req, res) => json(res, 200, {}),
      `
      - { type: set-variable, settings: { name: who, value: body.name } }
      - { type: rest, settings: { connector: api, method: PUT, path: /a, body: '{"name": vars.who}' } }
      - type: rest
        settings: { connector: api, method: POST, path: /b, body: '"<x>" + vars.who + "</x>"', headers: { Content-Type: application/xml } }
      - { type: rest, settings: { connector: api, method: PATCH, path: /c, body: '"plain"' } }
`,
      { name: "Ada" },
    );
    expect(requests.map((r) => [r.method, r.body, r.headers["content-type"]])).toEqual([
      ["PUT", '{"name":"Ada"}', "application/json"],
      ["POST", "<x>Ada</x>", "application/xml"],
      ["PATCH", '"plain"', "application/json"],
    ]);
  });

  it("sends no body with GET, HEAD and DELETE unless body: is given (DELETE)", async () => {
    const { requests } = await run(
      (_req, res) => json(res, 200, {}),
      `
      - { type: rest, settings: { connector: api, method: DELETE, path: /a } }
      - { type: rest, settings: { connector: api, method: HEAD, path: /b } }
      - { type: rest, settings: { connector: api, method: DELETE, path: /c, body: '{"why": "dup"}' } }
`,
      { big: "payload" },
    );
    expect(requests.map((r) => [r.method, r.body])).toEqual([
      ["DELETE", ""],
      ["HEAD", ""],
      ["DELETE", '{"why":"dup"}'],
    ]);
  });

  it("uses baseURL alone when path is empty", async () => {
    const { requests } = await run(
      (_req, res) => json(res, 200, {}),
      `      - { type: rest, settings: { connector: api } }`,
    );
    expect(requests[0]?.url).toBe("/v1");
  });

  it("refuses a path value that would add a .. segment", async () => {
    const { outcome, requests } = await run(
      (_req, res) => json(res, 200, {}),
      `      - { type: rest, name: get-order, settings: { connector: api, path: '/orders/{body.id}' } }`,
      { id: ".." },
    );
    expect(outcome.status).toBe("failed");
    if (outcome.status === "failed") {
      expect(outcome.error.block).toBe("get-order");
      expect(outcome.error.message).toMatch(/"\.\." segment/);
    }
    expect(requests).toHaveLength(0);
  });

  it("fails with the expression named when a path value is null", async () => {
    const { outcome } = await run(
      (_req, res) => json(res, 200, {}),
      `      - { type: rest, settings: { connector: api, path: '/orders/{body.id}' } }`,
      { id: null },
    );
    expect(outcome.status).toBe("failed");
    if (outcome.status === "failed") expect(outcome.error.message).toBe("path {body.id} is null");
  });
});

describe("rest: responses", () => {
  it("parses the body by Content-Type: JSON, text, empty, other as base64", async () => {
    const bodies: Record<string, [string, Buffer]> = {
      "/json": ["application/problem+json; charset=utf-8", Buffer.from('{"a":[1,2]}')],
      "/text": ["text/plain; charset=iso-8859-1", Buffer.from([0x63, 0x61, 0x66, 0xe9])],
      "/empty": ["application/json", Buffer.alloc(0)],
      "/bin": ["image/png", Buffer.from([0, 1, 2, 255])],
    };
    const { outcome } = await run(
      (req, res) => {
        const [type, body] = bodies[req.url.replace("/v1", "")] ?? ["text/plain", Buffer.from("?")];
        res.writeHead(200, { "content-type": type });
        res.end(body);
      },
      `
      - { type: rest, settings: { connector: api, path: /json } }
      - { type: set-variable, settings: { name: json, value: body } }
      - { type: rest, settings: { connector: api, path: /text } }
      - { type: set-variable, settings: { name: text, value: body } }
      - { type: rest, settings: { connector: api, path: /empty } }
      - { type: set-variable, settings: { name: empty, value: body } }
      - { type: rest, settings: { connector: api, path: /bin } }
`,
    );
    expect(outcome.message.vars).toMatchObject({ json: { a: [1, 2] }, text: "café", empty: null });
    expect(outcome.message.body).toBe(Buffer.from([0, 1, 2, 255]).toString("base64"));
  });

  it("fails on a body that is not the JSON it claims to be", async () => {
    const { outcome } = await run((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{oops");
    }, `      - { type: rest, settings: { connector: api, path: /x } }`);
    expect(outcome.status).toBe("failed");
    if (outcome.status === "failed")
      expect(outcome.error.message).toMatch(
        /^GET http:\/\/127\.0\.0\.1:\d+\/v1\/x: the response is not valid JSON/,
      );
  });

  it("a 404 fails the block with the status, method and URL (failOnError: true)", async () => {
    const { outcome } = await run(
      (_req, res) => json(res, 404, { error: "no such order" }),
      `      - { type: rest, name: get-order, settings: { connector: api, path: /orders/9, query: { full: "true" } } }`,
    );
    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.error.block).toBe("get-order");
    expect(outcome.error.message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/v1\/orders\/9\?full=true returned HTTP 404 Not Found: \{"error":"no such order"\}$/,
    );
    expect(outcome.message.vars.statusCode).toBe(404);
  });

  it("the error carries the upstream status for error handlers", async () => {
    server = await stubServer((_req, res) => json(res, 404, {}));
    const started = await startRuntime(
      config(server.url, `      - { type: rest, settings: { connector: api, path: /orders/9 } }`),
    );
    runtime = started.runtime;
    const flow = runtime.plan.flows.get("main");
    const error = await Promise.resolve(
      flow?.process(newMessage({}), { flow: "main", runtime, signal: undefined, depth: 0 }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowError);
    expect((error as FlowError).status).toBe(404);
  });

  it("failOnError: false makes a 404's body the body and sets statusVar", async () => {
    const { outcome } = await run(
      (_req, res) => json(res, 404, { error: "no such order" }),
      `      - { type: rest, settings: { connector: api, path: /orders/9, failOnError: false, statusVar: status } }`,
    );
    expect(outcome.status).toBe("completed");
    expect(outcome.message.body).toEqual({ error: "no such order" });
    expect(outcome.message.vars.status).toBe(404);
    expect(outcome.message.vars).not.toHaveProperty("statusCode");
  });

  it("headersVar receives the response headers", async () => {
    const { outcome } = await run(
      (_req, res) => json(res, 200, {}, { "X-Request-Id": "r-1" }),
      `      - { type: rest, settings: { connector: api, path: /x, headersVar: responseHeaders } }`,
    );
    expect(outcome.message.vars.responseHeaders).toMatchObject({
      "x-request-id": "r-1",
      "content-type": "application/json",
    });
  });
});

describe("rest: load errors", () => {
  const connectors = `
connectors:
  - { name: api, type: http-client, settings: { baseURL: "http://127.0.0.1:9/v1" } }
  - { name: tick, type: cron }
`;
  const flowWith = (block: string) => `${connectors}
flows:
  - name: main
    process:
      - ${block}
`;

  it("an unknown connector name", () => {
    const errors = loadErrors(flowWith("{ type: rest, settings: { connector: apii, path: /x } }"));
    expect(errors.join("\n")).toMatch(/^test\.yaml:9:\d+: no connector named "apii"; did you mean "api"\?/);
  });

  it("a connector of another type", () => {
    const errors = loadErrors(flowWith("{ type: rest, settings: { connector: tick } }"));
    expect(errors.join("\n")).toMatch(/connector "tick" is a cron, not a http-client/);
  });

  it("bad CEL in a path template, at the path's line", () => {
    const errors = loadErrors(
      flowWith("{ type: rest, settings: { connector: api, path: '/orders/{vars.id +}' } }"),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^test\.yaml:9:\d+: CEL: /);
  });

  it("an undeclared variable in a query template", () => {
    const errors = loadErrors(
      flowWith("{ type: rest, settings: { connector: api, query: { q: '{bdy.q}' } } }"),
    );
    expect(errors.join("\n")).toMatch(/undeclared variable 'bdy' \(did you mean 'body'\?\)/);
  });

  it("an unclosed or stray brace in a template", () => {
    expect(
      loadErrors(flowWith("{ type: rest, settings: { connector: api, path: '/a/{vars.id' } }")).join("\n"),
    ).toMatch(/a \{ is never closed; write \{\{ for a literal \{/);
    expect(
      loadErrors(flowWith("{ type: rest, settings: { connector: api, path: '/a}' } }")).join("\n"),
    ).toMatch(/a \} closes no \{/);
  });

  it("a body with GET", () => {
    const errors = loadErrors(flowWith("{ type: rest, settings: { connector: api, body: 'body' } }"));
    expect(errors.join("\n")).toMatch(/a GET request has no body/);
  });

  it("a bad header name, method or retry override", () => {
    expect(
      loadErrors(flowWith("{ type: rest, settings: { connector: api, headers: { 'Bad Name': x } } }")).join(
        "\n",
      ),
    ).toMatch(/"Bad Name" is not a valid header name/);
    expect(
      loadErrors(flowWith("{ type: rest, settings: { connector: api, method: FETCH } }")).join("\n"),
    ).toMatch(/"settings\.method" must be one of "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"/);
    expect(
      loadErrors(
        flowWith("{ type: rest, settings: { connector: api, retry: { on: 'status == \"x\"' } } }"),
      ).join("\n"),
    ).toMatch(/CEL: /);
    expect(
      loadErrors(
        flowWith("{ type: rest, settings: { connector: api, retry: { initialDelay: 2s, maxDelay: 1s } } }"),
      ).join("\n"),
    ).toMatch(/maxDelay \(1s\) is shorter than initialDelay \(2s\)/);
  });
});
