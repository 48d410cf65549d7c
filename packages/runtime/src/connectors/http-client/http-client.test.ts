// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${NAME} in these strings is YAML env syntax, not a JS template
// The http-client connector (runtime spec §4) through rest blocks against real servers on
// 127.0.0.1: retries, timeouts, failures, size limits, auth headers, the response cache,
// secret redaction and its load errors.
import { afterEach, describe, expect, it } from "vitest";
import type { Runtime } from "../../engine/runtime.ts";
import type { HttpClient } from "./index.ts";
import {
  closedPort,
  json,
  loadErrors,
  type StubHandler,
  type StubServer,
  startRuntime,
  stubServer,
} from "./testing.ts";

const servers: StubServer[] = [];
const runtimes: Runtime[] = [];
afterEach(async () => {
  for (const r of runtimes.splice(0)) await r.stop();
  for (const s of servers.splice(0)) await s.close();
});

async function serve(handler: StubHandler): Promise<StubServer> {
  const s = await stubServer(handler);
  servers.push(s);
  return s;
}

/** A runtime with connector `api` (extra settings indented under settings:) and flow `main`. */
async function start(
  baseURL: string,
  settings: string,
  blocks: string,
  env = "",
  osEnv: Record<string, string> = {},
) {
  const yaml = `
${env}
connectors:
  - name: api
    type: http-client
    settings:
      baseURL: ${baseURL}
${settings}
flows:
  - name: main
    process:
${blocks}
`;
  const started = await startRuntime(yaml, osEnv);
  runtimes.push(started.runtime);
  return started;
}

const GET_X = "      - { type: rest, settings: { connector: api, path: /x } }";

/** Answers the i-th request (0-based) with statuses[i] (the last one for the rest). */
function sequence(statuses: number[], headers: Record<string, string> = {}): StubHandler {
  let i = 0;
  return (_req, res) => {
    const status = statuses[Math.min(i++, statuses.length - 1)] ?? 200;
    json(res, status, { status }, status === 200 ? {} : headers);
  };
}

describe("http-client: retries", () => {
  it("retries a 503 and succeeds on the third attempt", async () => {
    const s = await serve(sequence([503, 503, 200]));
    const { runtime, connectorErrors } = await start(
      s.url,
      "      retry: { maxAttempts: 3, initialDelay: 1ms, maxDelay: 5ms }",
      GET_X,
    );
    const outcome = await runtime.invoke("main", {});
    expect(outcome.status).toBe("completed");
    expect(outcome.message.body).toEqual({ status: 200 });
    expect(s.requests).toHaveLength(3);
    expect(connectorErrors).toEqual(["api:http-status", "api:http-status"]);
  });

  it("fails with the last status once maxAttempts are used up", async () => {
    const s = await serve(sequence([503]));
    const { runtime } = await start(
      s.url,
      "      retry: { maxAttempts: 3, initialDelay: 1ms, maxDelay: 2ms }",
      GET_X,
    );
    const outcome = await runtime.invoke("main", {});
    expect(outcome.status).toBe("failed");
    if (outcome.status === "failed")
      expect(outcome.error.message).toMatch(
        /^GET http:\/\/127\.0\.0\.1:\d+\/x returned HTTP 503 Service Unavailable: \{"status":503\} \(after 3 attempts\)$/,
      );
    expect(s.requests).toHaveLength(3);
  });

  it("does not retry a status the default condition leaves alone (500)", async () => {
    const s = await serve(sequence([500, 200]));
    const { runtime } = await start(s.url, "      retry: { maxAttempts: 3, initialDelay: 1ms }", GET_X);
    expect((await runtime.invoke("main", {})).status).toBe("failed");
    expect(s.requests).toHaveLength(1);
  });

  it("an `on:` condition decides, seeing status, error and the message", async () => {
    const s = await serve(sequence([503, 503, 200]));
    const { runtime } = await start(
      s.url,
      "      retry: { maxAttempts: 3, initialDelay: 1ms, on: 'vars.retry && status == 503 && error.contains(\"503\")' }",
      `      - { type: set-variable, settings: { name: retry, value: body.retry } }\n${GET_X}`,
    );
    const refused = await runtime.invoke("main", { retry: false });
    expect(refused.status).toBe("failed");
    if (refused.status === "failed") expect(refused.error.message).not.toMatch(/after/);
    expect(s.requests).toHaveLength(1);
    const retried = await runtime.invoke("main", { retry: true });
    expect(retried.status).toBe("completed");
    expect(s.requests).toHaveLength(3);
  });

  it("a block's retry overrides the connector's key by key", async () => {
    const s = await serve(sequence([429, 429, 429, 200]));
    const { runtime } = await start(
      s.url,
      "      retry: { maxAttempts: 2, initialDelay: 1ms, maxDelay: 2ms }",
      "      - { type: rest, settings: { connector: api, path: /x, retry: { maxAttempts: 4 } } }",
    );
    expect((await runtime.invoke("main", {})).status).toBe("completed");
    expect(s.requests).toHaveLength(4);
  });

  it("a block's `on:` can refuse what the connector would retry", async () => {
    const s = await serve(sequence([503, 200]));
    const { runtime } = await start(
      s.url,
      "      retry: { maxAttempts: 3, initialDelay: 1ms }",
      "      - { type: rest, settings: { connector: api, path: /x, retry: { on: 'status == 429' } } }",
    );
    expect((await runtime.invoke("main", {})).status).toBe("failed");
    expect(s.requests).toHaveLength(1);
  });

  it("a retry condition that is not a bool fails the call with a clear error", async () => {
    const s = await serve(sequence([503]));
    const { runtime } = await start(s.url, "      retry: { maxAttempts: 2, on: 'status' }", GET_X);
    const outcome = await runtime.invoke("main", {});
    expect(outcome.status).toBe("failed");
    if (outcome.status === "failed")
      expect(outcome.error.message).toMatch(
        /retry condition failed: retry\.on must give true or false, not 503/,
      );
  });

  it("waits as long as Retry-After says (seconds)", async () => {
    const s = await serve(sequence([503, 200], { "retry-after": "1" }));
    const { runtime, logger } = await start(
      s.url,
      "      retry: { maxAttempts: 2, initialDelay: 1ms, maxDelay: 5s }",
      GET_X,
    );
    expect((await runtime.invoke("main", {})).status).toBe("completed");
    expect(logger.lines.map((l) => l.message)).toContainEqual(
      expect.stringMatching(/attempt 1 of 2 failed \(HTTP 503 Service Unavailable\); retrying in 1000ms$/),
    );
  });

  it("caps Retry-After (seconds or HTTP date) at maxDelay", async () => {
    const later = new Date(Date.now() + 3_600_000).toUTCString();
    const s = await serve(sequence([429, 503, 200], { "retry-after": "3600" }));
    const { runtime, logger } = await start(
      s.url,
      "      retry: { maxAttempts: 3, initialDelay: 1ms, maxDelay: 20ms }",
      GET_X,
    );
    expect((await runtime.invoke("main", {})).status).toBe("completed");
    const s2 = await serve(sequence([503, 200], { "retry-after": later }));
    const second = await start(
      s2.url,
      "      retry: { maxAttempts: 2, initialDelay: 1ms, maxDelay: 30ms }",
      GET_X,
    );
    expect((await second.runtime.invoke("main", {})).status).toBe("completed");
    const waits = [...logger.lines, ...second.logger.lines].map(
      (l) => /retrying in (\d+)ms/.exec(l.message)?.[1],
    );
    expect(waits).toEqual(["20", "20", "30"]);
  });

  it("retries a refused connection and names the cause when attempts run out", async () => {
    const port = await closedPort();
    const { runtime, connectorErrors } = await start(
      `http://127.0.0.1:${port}`,
      "      retry: { maxAttempts: 2, initialDelay: 1ms }",
      GET_X,
    );
    const outcome = await runtime.invoke("main", {});
    expect(outcome.status).toBe("failed");
    if (outcome.status === "failed")
      expect(outcome.error.message).toBe(
        `GET http://127.0.0.1:${port}/x failed: connect ECONNREFUSED 127.0.0.1:${port} (after 2 attempts)`,
      );
    expect(connectorErrors).toEqual(["api:network", "api:network"]);
  });

  it("stops waiting for the answer when a fork sibling fails", async () => {
    const s: StubServer = await serve(async (req, res) => {
      if (req.url !== "/fail") return; // /slow never answers
      // Fail the sibling only once the slow call is in flight.
      await expect.poll(() => s.requests.some((r) => r.url === "/slow")).toBe(true);
      json(res, 500, {});
    });
    const { runtime } = await start(
      s.url,
      "      retry: { maxAttempts: 5, initialDelay: 1ms }",
      `
      - type: fork
        branches:
          - { name: call, process: [{ type: rest, settings: { connector: api, path: /slow } }] }
          - { name: boom, process: [{ type: rest, name: fail, settings: { connector: api, path: /fail } }] }
`,
    );
    const outcome = await runtime.invoke("main", {});
    expect(outcome.status).toBe("failed");
    if (outcome.status === "failed") expect(outcome.error.block).toBe("fail");
    // The slow call's connection was closed by the abort, not left to its 30s timeout, and not retried.
    await expect.poll(() => s.requests.find((r) => r.url === "/slow")?.aborted).toBe(true);
    expect(s.requests.filter((r) => r.url === "/slow")).toHaveLength(1);
  });
});

describe("http-client: failures", () => {
  it("times out an attempt and says after how long", async () => {
    const s = await serve(() => {});
    const { runtime, connectorErrors } = await start(
      s.url,
      "      timeout: 50ms",
      GET_X.replace("/x", "/slow?q=1"),
    );
    const outcome = await runtime.invoke("main", {});
    expect(outcome.status).toBe("failed");
    if (outcome.status === "failed")
      expect(outcome.error.message).toBe(`GET ${s.url}/slow?q=1 timed out after 50ms`);
    expect(connectorErrors).toEqual(["api:timeout"]);
  });

  it("names method, URL and cause for an unreachable host", async () => {
    const port = await closedPort();
    const { runtime } = await start(`http://127.0.0.1:${port}`, "", GET_X);
    const outcome = await runtime.invoke("main", {});
    expect(outcome.status).toBe("failed");
    if (outcome.status === "failed") {
      expect(outcome.error.message).toBe(
        `GET http://127.0.0.1:${port}/x failed: connect ECONNREFUSED 127.0.0.1:${port}`,
      );
      expect(outcome.error.block).toBe("rest");
    }
  });

  it("refuses a response larger than maxResponseBytes, declared or streamed", async () => {
    const s = await serve((req, res) => {
      if (req.url === "/declared") {
        res.writeHead(200, { "content-type": "text/plain", "content-length": "1000" });
        res.end("x".repeat(1000));
      } else {
        res.writeHead(200, { "content-type": "text/plain" }); // chunked: no length up front
        res.write("x".repeat(60));
        res.end("y".repeat(60));
      }
    });
    const { runtime, connectorErrors } = await start(
      s.url,
      "      maxResponseBytes: 100",
      `
      - type: handle-errors
        process: [{ type: rest, settings: { connector: api, path: /declared } }]
        error: [{ type: set-variable, settings: { name: first, value: vars.error.message } }]
      - { type: rest, settings: { connector: api, path: /streamed } }
`,
    );
    const outcome = await runtime.invoke("main", {});
    expect(outcome.status).toBe("failed");
    expect(outcome.message.vars.first).toBe(
      `GET ${s.url}/declared: response is larger than maxResponseBytes (100 bytes)`,
    );
    if (outcome.status === "failed")
      expect(outcome.error.message).toBe(
        `GET ${s.url}/streamed: response is larger than maxResponseBytes (100 bytes)`,
      );
    expect(connectorErrors).toEqual(["api:response-too-large", "api:response-too-large"]);
  });

  it("names the status of a too-large error response", async () => {
    const s = await serve((_req, res) => json(res, 404, { pad: "x".repeat(200) }));
    const { runtime } = await start(s.url, "      maxResponseBytes: 100", GET_X);
    const outcome = await runtime.invoke("main", {});
    if (outcome.status !== "failed") throw new Error("expected a failure");
    expect(outcome.error.message).toBe(
      `GET ${s.url}/x returned HTTP 404, but the response is larger than maxResponseBytes (100 bytes)`,
    );
  });

  it("accepts a response of exactly maxResponseBytes", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("z".repeat(100));
    });
    const { runtime } = await start(s.url, "      maxResponseBytes: 100", GET_X);
    expect((await runtime.invoke("main", {})).message.body).toBe("z".repeat(100));
  });

  it("follows a redirect and sends fetch's default Accept and User-Agent", async () => {
    const s = await serve((req, res) => {
      if (req.url === "/x") {
        res.writeHead(302, { location: "/y" });
        res.end();
      } else json(res, 200, { at: req.url });
    });
    const { runtime } = await start(s.url, "", GET_X);
    expect((await runtime.invoke("main", {})).message.body).toEqual({ at: "/y" });
    expect(s.requests.map((r) => [r.url, r.headers.accept, r.headers["user-agent"]])).toEqual([
      ["/x", "*/*", "node"],
      ["/y", "*/*", "node"],
    ]);
  });
});

describe("http-client: auth", () => {
  it("sends a bearer token", async () => {
    const s = await serve((_req, res) => json(res, 200, {}));
    const { runtime } = await start(s.url, "      auth: { type: bearer, token: t0k3n }", GET_X);
    await runtime.invoke("main", {});
    expect(s.requests[0]?.headers.authorization).toBe("Bearer t0k3n");
  });

  it("sends basic credentials (an env number stays text)", async () => {
    const s = await serve((_req, res) => json(res, 200, {}));
    const { runtime } = await start(
      s.url,
      "      auth: { type: basic, username: ada, password: '${PASS}' }",
      GET_X,
      "env: [{ name: PASS, secret: true }]",
      { PASS: "12345" },
    );
    await runtime.invoke("main", {});
    expect(s.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from("ada:12345").toString("base64")}`);
  });

  it("leaves a block's own Authorization header alone", async () => {
    const s = await serve((_req, res) => json(res, 200, {}));
    const { runtime } = await start(
      s.url,
      "      auth: { type: bearer, token: t0k3n }",
      "      - { type: rest, settings: { connector: api, headers: { Authorization: 'Token {body.t}' } } }",
    );
    await runtime.invoke("main", { t: "mine" });
    expect(s.requests[0]?.headers.authorization).toBe("Token mine");
  });
});

describe("http-client: cache", () => {
  /** Counts requests per path and answers with the count, plus the path's Cache-Control. */
  function counting(cacheControl: Record<string, string> = {}): StubHandler {
    const seen = new Map<string, number>();
    return (req, res) => {
      const path = req.url.split("?")[0] ?? "";
      const n = (seen.get(req.url) ?? 0) + 1;
      seen.set(req.url, n);
      const status = path === "/missing" ? 404 : 200;
      const extra: Record<string, string> = cacheControl[path] ? { "cache-control": cacheControl[path] } : {};
      json(res, status, { n }, extra);
    };
  }

  const call = (path: string, extra = "") =>
    `      - { type: rest, settings: { connector: api, path: '${path}'${extra} } }`;

  it("serves a repeated GET from the cache; another URL or header misses; POST is never cached", async () => {
    const s = await serve(counting());
    const { runtime } = await start(
      s.url,
      "      cache: { ttl: 1h }",
      `${call("/a", ", query: { v: '{body.v}' }, headers: { X-User: '{body.u}' }")}
  - name: post
    process:
${call("/a", ", method: POST")}`,
    );
    const get = async (v: number, u: string) => (await runtime.invoke("main", { v, u })).message.body;
    expect(await get(1, "ada")).toEqual({ n: 1 });
    expect(await get(1, "ada")).toEqual({ n: 1 });
    expect(s.requests).toHaveLength(1);
    expect(await get(2, "ada")).toEqual({ n: 1 });
    expect(await get(1, "bob")).toEqual({ n: 2 }); // same URL as the first, other header
    expect(s.requests).toHaveLength(3);
    expect((await runtime.invoke("post", {})).message.body).toEqual({ n: 1 });
    expect((await runtime.invoke("post", {})).message.body).toEqual({ n: 2 });
    expect(s.requests.map((r) => `${r.method} ${r.url} ${r.headers["x-user"] ?? ""}`)).toEqual([
      "GET /a?v=1 ada",
      "GET /a?v=2 ada",
      "GET /a?v=1 bob",
      "POST /a ",
      "POST /a ",
    ]);
  });

  it("forgets an entry after its ttl", async () => {
    const s = await serve(counting());
    const { runtime } = await start(s.url, "      cache: { ttl: 30ms }", call("/a"));
    expect((await runtime.invoke("main", {})).message.body).toEqual({ n: 1 });
    expect((await runtime.invoke("main", {})).message.body).toEqual({ n: 1 });
    await new Promise((r) => setTimeout(r, 60));
    expect((await runtime.invoke("main", {})).message.body).toEqual({ n: 2 });
  });

  it("honours no-store, private and max-age=0, and never caches a non-2xx", async () => {
    const s = await serve(
      counting({ "/ns": "no-store", "/p": "private, max-age=60", "/m0": "public, max-age=0" }),
    );
    const { runtime } = await start(
      s.url,
      "      cache: { ttl: 1h }",
      ["/ns", "/p", "/m0", "/missing"].map((p) => call(p, ", failOnError: false")).join("\n"),
    );
    await runtime.invoke("main", {});
    await runtime.invoke("main", {});
    expect(s.requests).toHaveLength(8);
  });

  it("close() forgets cached responses", async () => {
    const s = await serve(counting());
    const { runtime } = await start(s.url, "      cache: { ttl: 1h }", call("/a"));
    await runtime.invoke("main", {});
    runtime.connector<HttpClient>("api").close();
    expect((await runtime.invoke("main", {})).message.body).toEqual({ n: 2 });
  });
});

describe("http-client: secrets", () => {
  it("keeps secret env values and credentials out of errors and logs", async () => {
    const s = await serve((req, res) => json(res, 503, { echo: req.headers.authorization, url: req.url }));
    const { runtime, logger } = await start(
      s.url,
      [
        "      auth: { type: bearer, token: '${TOKEN}' }",
        "      headers: { X-Api-Key: '${API_KEY}' }",
        "      retry: { maxAttempts: 2, initialDelay: 1ms }",
      ].join("\n"),
      "      - { type: rest, settings: { connector: api, path: '/x', query: { key: '{env.API_KEY}' } } }",
      "env: [{ name: TOKEN, secret: true }, { name: API_KEY, secret: true }]",
      { TOKEN: "tok-SECRET-1", API_KEY: "key-SECRET-2" },
    );
    const outcome = await runtime.invoke("main", {});
    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(s.requests[0]?.url).toBe("/x?key=key-SECRET-2");
    const seen = [
      outcome.error.message,
      ...logger.lines.map((l) => `${l.message} ${JSON.stringify(l.fields)}`),
    ];
    expect(logger.lines.length).toBeGreaterThan(0);
    for (const text of seen) {
      expect(text).not.toMatch(/SECRET/);
    }
    expect(outcome.error.message).toMatch(/\?key=\[REDACTED\] returned HTTP 503/);
    expect(outcome.error.message).toMatch(/"echo":"Bearer \[REDACTED\]"/);
  });

  it("keeps secret env values out of a rest block's own errors", async () => {
    const s = await serve((_req, res) => json(res, 200, {}));
    const { runtime } = await start(
      s.url,
      "",
      "      - { type: rest, settings: { connector: api, path: '/{env.KEY}/{body.p}' } }",
      "env: [{ name: KEY, secret: true }]",
      { KEY: "key-SECRET-3" },
    );
    const outcome = await runtime.invoke("main", { p: ".." });
    if (outcome.status !== "failed") throw new Error("expected a failure");
    expect(outcome.error.message).toBe(
      'path "/[REDACTED]/.." has a ".." segment, which would change the path',
    );
  });

  it("keeps a basic password out of an error that echoes the Authorization header", async () => {
    const s = await serve((req, res) => json(res, 400, { got: req.headers.authorization }));
    const { runtime } = await start(
      s.url,
      "      auth: { type: basic, username: ada, password: pa55word }",
      GET_X,
    );
    const outcome = await runtime.invoke("main", {});
    if (outcome.status !== "failed") throw new Error("expected a failure");
    expect(outcome.error.message).not.toMatch(/pa55word|YWRhOnBhNTV3b3Jk/);
    expect(outcome.error.message).toMatch(/"got":"Basic \[REDACTED\]"/);
  });
});

describe("http-client: load errors", () => {
  const connector = (settings: string) => `
env: [{ name: REGION, default: eu }]
connectors:
  - name: api
    type: http-client
    settings: ${settings}
flows:
  - { name: main, process: [{ type: rest, settings: { connector: api } }] }
`;
  const errorsOf = (settings: string) => loadErrors(connector(settings)).join("\n");

  it("a baseURL that is missing, not a URL, not http(s), or with credentials or a query", () => {
    expect(errorsOf("{ timeout: 5s }")).toMatch(
      /^test\.yaml:6:15: http-client settings: "baseURL" is required/,
    );
    expect(errorsOf("{ baseURL: 'api.example.com' }")).toMatch(
      /baseURL "api\.example\.com" is not a URL; write it as https:\/\/host/,
    );
    expect(errorsOf("{ baseURL: 'ftp://example.com' }")).toMatch(
      /baseURL must be an http:\/\/ or https:\/\/ URL, not ftp:/,
    );
    expect(errorsOf("{ baseURL: 'https://u:p@example.com' }")).toMatch(
      /must not contain credentials; put them under auth:/,
    );
    expect(errorsOf("{ baseURL: 'https://example.com/?key=1' }")).toMatch(
      /must not have a query or fragment/,
    );
  });

  it("auth without the fields its type needs, or with another type's", () => {
    expect(errorsOf("{ baseURL: 'https://x', auth: { type: bearer } }")).toMatch(/bearer auth needs token/);
    expect(errorsOf("{ baseURL: 'https://x', auth: { type: basic, username: a } }")).toMatch(
      /basic auth needs password/,
    );
    expect(
      errorsOf("{ baseURL: 'https://x', auth: { type: oauth2, tokenURL: 'https://x/t', clientID: a } }"),
    ).toMatch(/oauth2 auth needs clientSecret/);
    expect(errorsOf("{ baseURL: 'https://x', auth: { type: bearer, token: t, username: a } }")).toMatch(
      /username is used by basic auth, not bearer/,
    );
    expect(
      errorsOf(
        "{ baseURL: 'https://x', auth: { type: oauth2, tokenURL: 'x/t', clientID: a, clientSecret: b } }",
      ),
    ).toMatch(/tokenURL "x\/t" is not a URL/);
    expect(errorsOf("{ baseURL: 'https://x', auth: { type: digest } }")).toMatch(
      /"auth\.type" must be one of "bearer", "basic", "oauth2"/,
    );
  });

  it("a retry condition that does not compile, or uses env", () => {
    expect(errorsOf("{ baseURL: 'https://x', retry: { on: 'status ==' } }")).toMatch(
      /http-client settings: "retry\.on": retry condition does not compile: CEL: /,
    );
    expect(errorsOf("{ baseURL: 'https://x', retry: { on: 'env.REGION == \"eu\"' } }")).toMatch(
      /undeclared variable 'env'/,
    );
  });

  it("bad durations and limits", () => {
    expect(errorsOf("{ baseURL: 'https://x', timeout: '0' }")).toMatch(/"timeout": must be more than 0/);
    expect(errorsOf("{ baseURL: 'https://x', timeout: 10 }")).toMatch(/"timeout"/);
    expect(errorsOf("{ baseURL: 'https://x', retry: { initialDelay: 1s, maxDelay: 10ms } }")).toMatch(
      /maxDelay \(10ms\) is shorter than initialDelay \(1s\)/,
    );
    expect(errorsOf("{ baseURL: 'https://x', retry: { maxAttempts: 0 } }")).toMatch(/"retry\.maxAttempts"/);
    expect(errorsOf("{ baseURL: 'https://x', maxResponseBytes: -1 }")).toMatch(/"maxResponseBytes"/);
    expect(errorsOf("{ baseURL: 'https://x', cache: { ttl: '0' } }")).toMatch(
      /"cache\.ttl": must be more than 0/,
    );
  });

  it("bad headers and unknown keys", () => {
    expect(errorsOf("{ baseURL: 'https://x', headers: { 'a b': c } }")).toMatch(
      /"a b" is not a valid header name/,
    );
    expect(errorsOf("{ baseURL: 'https://x', timeOut: 5s }")).toMatch(
      /unknown key "timeOut".*did you mean "timeout"/,
    );
  });
});
