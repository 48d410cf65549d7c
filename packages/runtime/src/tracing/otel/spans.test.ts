// OpenTelemetry spans from real runs, collected with the SDK's in-memory exporter: one span per
// flow run and per block, parented as the blocks nest, W3C trace context in on the http source
// and out on the http-client (both over real 127.0.0.1 servers).
import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { afterEach, describe, expect, it } from "vitest";
import { memoryLogger } from "../../../test/helpers.ts";
import { freePort, sample } from "../../../test/octo-process.ts";
import { YamlSource } from "../../config/yaml-source.ts";
import { loadRuntime, loadRuntimeFromSources, type Runtime, type RuntimeLoad } from "../../engine/runtime.ts";
import { defaultRegistry } from "../../plugin/default-registry.ts";
import { ATTR, spanTracer } from "./spans.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function collector() {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = spanTracer({
    tracer: provider.getTracer("test"),
    propagator: new W3CTraceContextPropagator(),
  });
  cleanups.push(() => provider.shutdown());
  return { tracer, spans: () => exporter.getFinishedSpans() };
}

async function started(r: RuntimeLoad, sources = false): Promise<Runtime> {
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  await r.runtime.start({ sources });
  cleanups.push(() => r.runtime.stop());
  return r.runtime;
}

const id = (s: ReadableSpan) => s.spanContext().spanId;
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
const byName = (spans: ReadableSpan[], name: string) => {
  const found = spans.filter((s) => s.name === name);
  if (found.length !== 1) throw new Error(`${found.length} spans named ${name}: ${spans.map((s) => s.name)}`);
  return found[0] as ReadableSpan;
};

/** The span tree as "name" lines indented under their parents (children in start order). */
function tree(spans: ReadableSpan[]): string {
  const ids = new Set(spans.map(id));
  const lines: string[] = [];
  const walk = (parent: string | undefined, indent: string) => {
    const kids = spans
      .filter((s) => (parent === undefined ? !ids.has(parentOf(s) ?? "") : parentOf(s) === parent))
      .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
    for (const k of kids) {
      lines.push(`${indent}${k.name}`);
      walk(id(k), `${indent}  `);
    }
  };
  walk(undefined, "");
  return lines.join("\n");
}

describe("spans of http-orders (sync and oneWay flow-refs)", () => {
  it("one trace: the flow, its blocks under it, enrich under its flow-ref, audit under the oneWay one", async () => {
    const { tracer, spans } = collector();
    const runtime = await started(
      loadRuntime(sample("http-orders", "http-orders.yaml"), {
        registry: defaultRegistry(),
        logger: memoryLogger(),
        tracer,
      }),
    );
    const outcome = await runtime.invoke(
      "orders-api",
      { amount: 1500 },
      {
        vars: { method: "POST", id: "42", query: {} },
      },
    );
    expect(outcome.status).toBe("completed");
    await runtime.stop(); // the oneWay audit has run
    const all = spans();
    expect(new Set(all.map((s) => s.spanContext().traceId)).size).toBe(1);
    const text = tree(all);
    expect(text.split("\n")[0]).toBe("flow orders-api");
    expect(text).toContain("  flow-ref\n    flow audit\n      log");
    expect(text).toContain(
      "  switch\n    if\n      set-variable\n    flow-ref\n      flow enrich\n        set-payload\n    set-variable",
    );
    const flow = byName(all, "flow orders-api");
    expect(flow.parentSpanContext).toBeUndefined();
    expect(flow.attributes).toMatchObject({ [ATTR.flow]: "orders-api", [ATTR.outcome]: "completed" });
    const ifSpan = byName(all, "if");
    expect(ifSpan.attributes).toMatchObject({
      [ATTR.flow]: "orders-api",
      [ATTR.blockType]: "if",
      [ATTR.blockName]: "if",
      [ATTR.line]: expect.any(Number),
    });
    expect(String(ifSpan.attributes[ATTR.file])).toMatch(/http-orders\.yaml$/);
  });
});

describe("error status", () => {
  const YAML = `
env:
  - { name: TOKEN, required: true, secret: true }
flows:
  - name: recovers
    process:
      - type: handle-errors
        process: [{ type: set-payload, name: bad, settings: { value: 'body.nope.deeper' } }]
        error: [{ type: set-payload, settings: { value: '"recovered"' } }]
  - name: fails
    process:
      - { type: set-variable, settings: { name: t, value: env.TOKEN } }
      - { type: if, name: leaky, condition: vars.t, then: { process: [{ type: log, settings: { message: '"x"' } }] } }
`;

  it("marks the failing block's span; the flow is an error only when nothing recovered", async () => {
    const { tracer, spans } = collector();
    const runtime = await started(
      loadRuntimeFromSources([new YamlSource("e.yaml", YAML)], {
        registry: defaultRegistry(),
        osEnv: { TOKEN: "tok-123456789" },
        logger: memoryLogger(),
        tracer,
      }),
    );
    expect((await runtime.invoke("recovers", {})).status).toBe("completed");
    const outcome = await runtime.invoke("fails", {});
    if (outcome.status !== "failed") throw new Error("expected a failure");
    const all = spans();
    const bad = byName(all, "set-payload bad");
    expect(bad.status.code).toBe(SpanStatusCode.ERROR);
    expect(bad.attributes[ATTR.blockName]).toBe("bad");
    expect(bad.events.map((e) => e.name)).toEqual(["exception"]);
    expect(byName(all, "handle-errors").status.code).not.toBe(SpanStatusCode.ERROR);
    expect(byName(all, "flow recovers").status.code).not.toBe(SpanStatusCode.ERROR);

    const failed = byName(all, "flow fails");
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes).toMatchObject({ [ATTR.outcome]: "failed", [ATTR.errorBlock]: "leaky" });
    // The error quotes the secret value (not a bool); the exported status does not.
    expect(outcome.error.message).toContain("tok-123456789");
    const leaky = byName(all, "if leaky");
    expect(JSON.stringify([leaky.status, leaky.events, failed.status])).not.toContain("tok-123456789");
  });
});

describe("W3C trace context", () => {
  const YAML = `
env:
  - { name: HTTP_PORT, required: true }
  - { name: UPSTREAM, required: true }
connectors:
  - { name: api, type: http, settings: { host: 127.0.0.1, port: \${HTTP_PORT} } }
  - { name: upstream, type: http-client, settings: { baseURL: "\${UPSTREAM}" } }
flows:
  - name: quote
    source: { connector: api, type: http, settings: { path: /quote } }
    process:
      - { type: rest, name: fetch, settings: { connector: upstream, path: /price } }
  - name: own
    source: { connector: api, type: http, settings: { path: /own } }
    process:
      - type: rest
        settings:
          connector: upstream
          path: /price
          headers: { traceparent: "00-11111111111111111111111111111111-2222222222222222-01" }
`;

  async function upstream(): Promise<{ url: string; seen: IncomingHttpHeaders[] }> {
    const seen: IncomingHttpHeaders[] = [];
    const server: Server = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { "content-type": "application/json" }).end('{"price": 3}');
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    cleanups.push(async () => {
      server.closeAllConnections();
      server.close();
    });
    const address = server.address();
    return { url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`, seen };
  }

  async function serve() {
    const { tracer, spans } = collector();
    const up = await upstream();
    const port = await freePort();
    await started(
      loadRuntimeFromSources([new YamlSource("q.yaml", YAML)], {
        registry: defaultRegistry(),
        osEnv: { HTTP_PORT: String(port), UPSTREAM: up.url },
        logger: memoryLogger(),
        tracer,
      }),
      true,
    );
    return { spans, up, url: `http://127.0.0.1:${port}/quote` };
  }

  it("continues the caller's trace from traceparent and sends the rest block's span upstream", async () => {
    const { spans, up, url } = await serve();
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const callerSpan = "00f067aa0ba902b7";
    const res = await fetch(url, { headers: { traceparent: `00-${traceId}-${callerSpan}-01` } });
    expect(await res.json()).toEqual({ price: 3 });
    const flow = byName(spans(), "flow quote");
    const rest = byName(spans(), "rest fetch");
    expect(flow.spanContext().traceId).toBe(traceId);
    expect(parentOf(flow)).toBe(callerSpan);
    expect(flow.kind).toBe(SpanKind.SERVER);
    expect(parentOf(rest)).toBe(id(flow));
    // Upstream sees the rest block's span as its parent, in the same trace.
    expect(up.seen[0]?.traceparent).toBe(`00-${traceId}-${id(rest)}-01`);
  });

  it("leaves a traceparent the rest block sets itself alone", async () => {
    const { up, url } = await serve();
    expect((await fetch(url.replace("/quote", "/own"))).status).toBe(200);
    expect(up.seen[0]?.traceparent).toBe("00-11111111111111111111111111111111-2222222222222222-01");
  });

  it("starts a new trace for a request without one, and still propagates it", async () => {
    const { spans, up, url } = await serve();
    expect((await fetch(url)).status).toBe(200);
    const flow = byName(spans(), "flow quote");
    expect(flow.parentSpanContext).toBeUndefined();
    const rest = byName(spans(), "rest fetch");
    expect(up.seen[0]?.traceparent).toBe(`00-${flow.spanContext().traceId}-${id(rest)}-01`);
  });
});
