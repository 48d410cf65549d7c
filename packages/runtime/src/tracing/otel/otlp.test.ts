// OCTO_TRACING=otlp end to end: the real CLI in a child process exports its spans as OTLP
// http/json to a small receiver on 127.0.0.1, which decodes them; the request's traceparent is
// continued and the upstream call carries the rest block's span.

import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, killAll, runSample, sample, startOcto } from "../../../test/octo-process.ts";

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
  status?: { code?: number; message?: string };
}
interface Export {
  resourceSpans: {
    resource: { attributes: { key: string; value: Record<string, unknown> }[] };
    scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[];
  }[];
}

const closers: (() => void)[] = [];
const dirs: string[] = [];
afterEach(() => {
  killAll();
  for (const c of closers.splice(0)) c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** An OTLP/HTTP receiver: decodes every JSON export POSTed to /v1/traces. */
async function receiver() {
  const exports: { contentType: string | undefined; body: Export }[] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => {
      text += d;
    });
    req.on("end", () => {
      if (req.method === "POST" && req.url === "/v1/traces") {
        exports.push({ contentType: req.headers["content-type"], body: JSON.parse(text) as Export });
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      } else res.writeHead(404).end();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const spans = () =>
    exports.flatMap((e) => e.body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    exports,
    spans,
    /** Resolves once spans with every name arrived (bounded: a missing span fails the test). */
    async waitFor(names: string[], ms = 15_000): Promise<OtlpSpan[]> {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const got = spans();
        if (names.every((n) => got.some((s) => s.name === n))) return got;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`spans ${names} did not all arrive; got ${spans().map((s) => s.name)}`);
    },
  };
}

const attr = (s: OtlpSpan | undefined, key: string) => s?.attributes.find((a) => a.key === key)?.value;
const named = (spans: OtlpSpan[], name: string) => spans.find((s) => s.name === name);

const CONFIG = `
service: { name: quotes }
env:
  - { name: HTTP_PORT, required: true }
  - { name: UPSTREAM, required: true }
connectors:
  - { name: api, type: http, settings: { host: 127.0.0.1, port: \${HTTP_PORT} } }
  - { name: upstream, type: http-client, settings: { baseURL: "\${UPSTREAM}" } }
flows:
  - name: quote
    source: { connector: api, type: http, settings: { path: "/quote/{sku}" } }
    process:
      - { type: rest, name: fetch, settings: { connector: upstream, path: "/price/{vars.sku}" } }
      - { type: flow-ref, settings: { flow: shape } }
  - name: shape
    process:
      - { type: set-payload, settings: { value: '{"price": body.price}' } }
`;

describe("OCTO_TRACING=otlp", () => {
  it("octo run: spans arrive as OTLP JSON, continuing the request's trace, with parent links", async () => {
    const otlp = await receiver();
    const upstreamHeaders: IncomingHttpHeaders[] = [];
    const up = createServer((req, res) => {
      upstreamHeaders.push(req.headers);
      res.writeHead(200, { "content-type": "application/json" }).end('{"price": 7}');
    });
    up.listen(0, "127.0.0.1");
    await once(up, "listening");
    closers.push(() => {
      up.closeAllConnections();
      up.close();
    });
    const upAddress = up.address();
    const dir = mkdtempSync(join(tmpdir(), "octo-otlp-"));
    dirs.push(dir);
    writeFileSync(join(dir, "quotes.yaml"), CONFIG);
    const port = await freePort();
    const octo = await runSample(dir, {
      HTTP_PORT: String(port),
      UPSTREAM: `http://127.0.0.1:${typeof upAddress === "object" && upAddress ? upAddress.port : 0}`,
      OCTO_TRACING: "otlp",
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
      OTEL_SERVICE_NAME: "quotes-under-test",
      OTEL_BSP_SCHEDULE_DELAY: "50",
    });

    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const caller = "b7ad6b7169203331";
    const res = await fetch(`http://127.0.0.1:${port}/quote/A-1`, {
      headers: { traceparent: `00-${traceId}-${caller}-01` },
    });
    expect(await res.json()).toEqual({ price: 7 });
    const spans = await otlp.waitFor(["flow quote", "rest fetch", "flow-ref", "flow shape", "set-payload"]);

    expect(otlp.exports[0]?.contentType).toMatch(/^application\/json/);
    const resource = otlp.exports[0]?.body.resourceSpans[0]?.resource.attributes ?? [];
    expect(resource).toContainEqual({ key: "service.name", value: { stringValue: "quotes-under-test" } });

    for (const s of spans) expect(s.traceId).toBe(traceId);
    const flow = named(spans, "flow quote");
    const rest = named(spans, "rest fetch");
    const ref = named(spans, "flow-ref");
    const callee = named(spans, "flow shape");
    const step = named(spans, "set-payload");
    expect(flow?.parentSpanId).toBe(caller);
    expect(rest?.parentSpanId).toBe(flow?.spanId);
    expect(ref?.parentSpanId).toBe(flow?.spanId);
    expect(callee?.parentSpanId).toBe(ref?.spanId);
    expect(step?.parentSpanId).toBe(callee?.spanId);
    expect(attr(rest, "octo.block.type")).toEqual({ stringValue: "rest" });
    expect(attr(rest, "octo.block.name")).toEqual({ stringValue: "fetch" });
    expect(attr(rest, "octo.flow")).toEqual({ stringValue: "quote" });
    expect(attr(flow, "octo.service")).toEqual({ stringValue: "quotes" });
    expect(upstreamHeaders[0]?.traceparent).toBe(`00-${traceId}-${rest?.spanId}-01`);

    expect(await octo.stop()).toEqual({ code: 0, signal: null });
  }, 60_000);

  it("octo invoke: spans are exported before it exits, beside a --trace of the same run", async () => {
    const otlp = await receiver();
    const octo = startOcto(
      [
        "invoke",
        "-c",
        sample("hello-invoke", "hello-invoke.yaml"),
        "-f",
        "greet",
        "-d",
        '{"name":"Ada"}',
        "--trace",
      ],
      { OCTO_TRACING: "otlp", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${otlp.endpoint}/v1/traces` },
    );
    expect(await octo.exited).toEqual({ code: 0, signal: null });
    // No waiting: the batch was flushed on the way out.
    const spans = otlp.spans();
    expect(spans.map((s) => s.name).sort()).toEqual(["flow greet", "set-payload"]);
    expect(named(spans, "set-payload")?.parentSpanId).toBe(named(spans, "flow greet")?.spanId);
    const printed = JSON.parse(
      octo
        .output()
        .split("\n")
        .find((l) => l.startsWith('{"result"')) ?? "{}",
    );
    expect(printed.result).toEqual({ greeting: "hello, Ada!" });
    expect(printed.trace.children[0].children[0].type).toBe("set-payload");
  }, 60_000);

  it("a collector that cannot be reached costs a warning, never the command's result", async () => {
    const closed = await freePort();
    const octo = startOcto(
      ["invoke", "-c", sample("hello-invoke", "hello-invoke.yaml"), "-f", "greet", "-d", '{"name":"Ada"}'],
      {
        OCTO_TRACING: "otlp",
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closed}`,
        OTEL_EXPORTER_OTLP_TIMEOUT: "500",
      },
    );
    expect(await octo.exited).toEqual({ code: 0, signal: null });
    expect(octo.output()).toContain('{"greeting":"hello, Ada!"}');
    expect(octo.output()).toContain(
      `octo: tracing: spans could not be exported to http://127.0.0.1:${closed}/v1/traces`,
    );
  }, 60_000);

  it("refuses an unknown mode and a protocol other than http/json, saying why", async () => {
    const hello = sample("hello-invoke", "hello-invoke.yaml");
    const bogus = startOcto(["invoke", "-c", hello, "-f", "greet", "-d", "{}"], { OCTO_TRACING: "jaeger" });
    expect((await bogus.exited).code).toBe(1);
    expect(bogus.output()).toContain('OCTO_TRACING="jaeger" is not one of off, otlp');
    const grpc = startOcto(["invoke", "-c", hello, "-f", "greet", "-d", "{}"], {
      OCTO_TRACING: "otlp",
      OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
    });
    expect((await grpc.exited).code).toBe(1);
    expect(grpc.output()).toMatch(/OTLP protocol "grpc" is not supported/);
  }, 60_000);
});
