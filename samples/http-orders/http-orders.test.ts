// The http-orders sample, run the way a person runs it: the real `octo run` CLI in a child process,
// talked to over HTTP on 127.0.0.1.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, killAll, type OctoProcess, runSample, sample } from "../test/octo-process.ts";

afterEach(killAll);

const CONFIG = sample("http-orders", "http-orders.yaml");

async function startOrders(extra: string[] = [], config = sample("http-orders")) {
  const port = await freePort();
  const octo = await runSample(config, { HTTP_PORT: String(port) }, extra);
  return { octo, url: (path: string) => `http://127.0.0.1:${port}/api/v1${path}` };
}

const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

/** Resolves once `pattern` has matched the output `count` times (a bound, not an expectation). */
function waitForCount(octo: OctoProcess, pattern: RegExp, count: number, ms = 15_000) {
  const global = new RegExp(pattern.source, "g");
  return new Promise<void>((resolve, reject) => {
    const end = Date.now() + ms;
    const poll = setInterval(() => {
      const seen = octo.output().match(global)?.length ?? 0;
      if (seen >= count) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() > end || octo.child.exitCode !== null) {
        clearInterval(poll);
        reject(new Error(`${pattern} seen ${seen} of ${count} times; output so far:\n${octo.output()}`));
      }
    }, 20);
  });
}

/**
 * A POST through node:http rather than fetch: the server answers 413 and closes before taking the
 * whole body, and fetch can turn the failed write (EPIPE) into a network error instead of the 413.
 */
function rawPost(url: string, body: Buffer, chunked: boolean) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    let writeError: Error | undefined;
    let answered = false;
    const headers: Record<string, string | number> = { "content-type": "application/json" };
    if (!chunked) headers["content-length"] = body.length;
    const req = request(url, { method: "POST", headers }, (res) => {
      answered = true;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        text += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    // The server may close while the body is still being written: only a missing answer fails.
    req.on("error", (e) => {
      writeError = e;
    });
    req.on("close", () => {
      if (!answered) reject(writeError ?? new Error("the server closed without answering"));
    });
    req.end(body);
  });
}

describe("samples/http-orders", () => {
  it("GET takes the path parameter, ?limit= (default 10) and X-Tenant (default public)", async () => {
    const orders = await startOrders();
    const res = await fetch(orders.url("/orders/42?limit=5"), { headers: { "X-Tenant": "acme" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ id: "42", tenant: "acme", limit: 5 });

    const defaults = await fetch(orders.url("/orders/7"));
    expect(defaults.status).toBe(200);
    expect(await defaults.json()).toEqual({ id: "7", tenant: "public", limit: 10 });
  }, 20_000);

  it("echoes the X-Correlation-ID it was given, or the event id it made, and the audit log carries it", async () => {
    const orders = await startOrders();
    const given = await fetch(orders.url("/orders/9"), { headers: { "X-Correlation-ID": "corr-given-1" } });
    expect(given.status).toBe(200);
    expect(given.headers.get("x-correlation-id")).toBe("corr-given-1");
    await given.arrayBuffer();

    const made = await fetch(orders.url("/orders/10"));
    const id = made.headers.get("x-correlation-id") ?? "";
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await made.arrayBuffer();

    // The oneWay audit flow logs on its own workers, after the answer; its line keeps the id.
    const line = await orders.octo.waitFor(/\{[^\n]*"msg":"audit: GET order 9 for public"[^\n]*\}/);
    expect(JSON.parse(line[0])).toMatchObject({ flow: "audit", correlationID: "corr-given-1" });
    const second = await orders.octo.waitFor(/\{[^\n]*"msg":"audit: GET order 10 for public"[^\n]*\}/);
    expect(JSON.parse(second[0])).toMatchObject({ flow: "audit", correlationID: id });
  }, 20_000);

  it("POST answers 201 with priority high from 1000 up, normal below, currency default EUR", async () => {
    const orders = await startOrders();
    const high = await postJson(orders.url("/orders/42"), { amount: 1500 }, { "X-Tenant": "acme" });
    expect(high.status).toBe(201);
    expect(await high.json()).toEqual({
      id: "42",
      tenant: "acme",
      amount: 1500,
      priority: "high",
      currency: "EUR",
    });

    // 1000 itself is high: the condition is ≥, not >.
    const edge = await postJson(orders.url("/orders/43"), { amount: 1000 });
    expect(edge.status).toBe(201);
    expect(await edge.json()).toMatchObject({ amount: 1000, priority: "high", tenant: "public" });

    const normal = await postJson(orders.url("/orders/44"), { amount: 999.5, currency: "USD" });
    expect(normal.status).toBe(201);
    expect(await normal.json()).toEqual({
      id: "44",
      tenant: "public",
      amount: 999.5,
      priority: "normal",
      currency: "USD",
    });

    await orders.octo.waitFor(/"msg":"audit: POST order 42 for acme"/);
  }, 20_000);

  it("a method the switch does not handle answers 405 with a JSON error", async () => {
    const orders = await startOrders();
    const res = await fetch(orders.url("/orders/42"), { method: "DELETE" });
    expect(res.status).toBe(405);
    expect(await res.json()).toEqual({ error: "DELETE is not supported on /orders/{id}" });
    // The audit runs before the switch, so even the refused call is audited.
    await orders.octo.waitFor(/"msg":"audit: DELETE order 42 for public"/);
  }, 20_000);

  it("malformed JSON answers 400, an unknown path 404, and neither reaches the flow", async () => {
    const orders = await startOrders();
    const bad = await fetch(orders.url("/orders/42"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"amount": ',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^request body is not valid JSON: /);

    const unknown = await fetch(orders.url("/customers/42"));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: "no route for GET /api/v1/customers/42" });
    const outsideBase = await fetch(orders.url("/orders/42").replace("/api/v1", ""));
    expect(outsideBase.status).toBe(404);
    await outsideBase.arrayBuffer();

    // A request that reaches the flow is audited; these two were not.
    await fetch(orders.url("/orders/1")).then((r) => r.arrayBuffer());
    await orders.octo.waitFor(/"msg":"audit: GET order 1 for public"/);
    expect(orders.octo.output()).not.toMatch(/audit: POST order 42/);
  }, 20_000);

  it("input the flow cannot use fails the flow: 500 with the expression's error", async () => {
    const orders = await startOrders();
    const cases: [string, RequestInit, string][] = [
      ["/orders/1?limit=ten", {}, "int() type error: cannot convert to int"],
      ["/orders/1", { method: "POST" }, "no such key: amount"],
      [
        "/orders/1",
        { method: "POST", headers: { "content-type": "application/json" }, body: '{"amount":"lots"}' },
        "no such overload: dyn<string> >= double",
      ],
    ];
    for (const [path, init, error] of cases) {
      const res = await fetch(orders.url(path), init);
      expect(res.status, path).toBe(500);
      expect(await res.json()).toEqual({ error });
    }
    // The log names the flow and the failing block that the answer leaves out.
    await orders.octo.waitFor(/http: flow orders-api failed in block [^:]+: int\(\) type error/);
  }, 20_000);

  it("a body over 1 MiB answers 413, announced by Content-Length or streamed in chunks", async () => {
    const orders = await startOrders();
    const tooLarge = Buffer.alloc(1_048_577, "a");
    for (const chunked of [false, true]) {
      const { status, text } = await rawPost(orders.url("/orders/42"), tooLarge, chunked);
      expect(status, chunked ? "chunked" : "content-length").toBe(413);
      expect(JSON.parse(text)).toEqual({ error: "request body is larger than maxBodyBytes (1048576 bytes)" });
    }

    // Exactly 1 MiB is still accepted (the limit is inclusive); padding keeps it valid JSON.
    const filler = "x".repeat(1_048_576 - '{"amount":1,"note":""}'.length);
    const atLimit = JSON.stringify({ amount: 1, note: filler });
    expect(Buffer.byteLength(atLimit)).toBe(1_048_576);
    const ok = await fetch(orders.url("/orders/42"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: atLimit,
    });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ amount: 1, priority: "normal" });
  }, 20_000);

  it("--watch reloads an edit, keeps the last good version on a broken one, and reloads the fix", async () => {
    const dir = mkdtempSync(join(tmpdir(), "octo-http-orders-"));
    const file = join(dir, "http-orders.yaml");
    copyFileSync(CONFIG, file);
    const original = readFileSync(file, "utf8");
    const defaultTenant = ': "public"\'';
    expect(original.split(defaultTenant)).toHaveLength(2);
    const edit = (replacement: string) => writeFileSync(file, original.replace(defaultTenant, replacement));
    const orders = await startOrders(["--watch"], dir);
    const tenant = async () => {
      const res = await fetch(orders.url("/orders/1"));
      expect(res.status).toBe(200);
      return ((await res.json()) as { tenant: string }).tenant;
    };

    expect(await tenant()).toBe("public");

    edit(': "anonymous"\'');
    await waitForCount(orders.octo, /"msg":"octo: reloaded /, 1);
    expect(await tenant()).toBe("anonymous");

    // A CEL syntax error: the load fails, the error names the file, line and column, and the
    // version loaded before keeps answering.
    edit(': "guest" +\'');
    await orders.octo.waitFor(/the edited config has errors; the previous version keeps serving/);
    const lines = original.split("\n");
    const line = lines.findIndex((l) => l.includes(defaultTenant));
    // The parser stops at the end of the expression, right after the dangling `+`.
    const column = (lines[line] ?? "").indexOf(defaultTenant) + ': "guest" +'.length + 1;
    expect(orders.octo.output()).toContain(`${file}:${line + 1}:${column}: CEL: unexpected token`);
    expect(await tenant()).toBe("anonymous");

    edit(': "guest"\'');
    await waitForCount(orders.octo, /"msg":"octo: reloaded /, 2);
    expect(await tenant()).toBe("guest");
  }, 30_000);
});
