// The mocked http-client through the real rest block, in a runtime built with the test registry.
import { describe, expect, it } from "vitest";
import { memoryLogger } from "../../../test/helpers.ts";
import { YamlSource } from "../../config/yaml-source.ts";
import { loadRuntimeFromSources } from "../../engine/runtime.ts";
import { formatDiagnostic } from "../../errors/diagnostic.ts";
import { defaultRegistry } from "../../plugin/default-registry.ts";
import { httpMockSchema } from "../test-file.ts";
import { Recorder } from "./recorder.ts";
import { testRegistry } from "./registry.ts";

const CONFIG = `
connectors:
  - name: api
    type: http-client
    settings: { baseURL: "https://api.example.com/v1", timeout: 100ms, headers: { X-Client: octo } }
  - name: other
    type: http-client
    settings: { baseURL: "https://other.example.com" }
flows:
  - name: get
    process:
      - type: rest
        settings: { connector: api, path: "/items/{body.id}", query: { full: "true" } }
  - name: post
    process:
      - type: rest
        settings: { connector: api, method: POST, path: /items, body: body }
  - name: twice
    process:
      - type: rest
        settings: { connector: api, path: /n }
      - type: set-variable
        settings: { name: first, value: body.n }
      - type: rest
        settings: { connector: api, path: /n }
      - type: set-payload
        settings: { value: "[vars.first, body.n]" }
  - name: recovered
    process:
      - type: handle-errors
        process:
          - type: rest
            settings: { connector: other, path: /unmocked }
        error:
          - type: set-payload
            settings: { value: '"recovered"' }
`;

async function run(flow: string, body: unknown, mocks: unknown[]) {
  const recorder = new Recorder();
  const connectorErrors: string[] = [];
  const registry = testRegistry(defaultRegistry(), {
    mocks: { http: mocks.map((m) => httpMockSchema.parse(m)), database: [], llm: [] },
    capture: { recorder, delivered: [], logs: [] },
    httpSources: false,
  });
  const r = loadRuntimeFromSources([new YamlSource("t.yaml", CONFIG)], {
    registry,
    osEnv: {},
    logger: memoryLogger(),
    observer: { connectorError: (c, kind) => connectorErrors.push(`${c}:${kind}`) },
  });
  if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
  await r.runtime.start({ sources: false });
  try {
    return { outcome: await r.runtime.invoke(flow, body), recorder, connectorErrors };
  } finally {
    await r.runtime.stop();
  }
}

describe("mocked http-client", () => {
  it("answers a matching call with the mock's JSON and records what was sent", async () => {
    const { outcome, recorder } = await run("get", { id: 7 }, [
      { method: "GET", url: "https://api.example.com/v1/items/7?full=true", body: { id: 7, name: "lamp" } },
    ]);
    expect(outcome).toMatchObject({ status: "completed", message: { body: { id: 7, name: "lamp" } } });
    expect(outcome.message.vars.statusCode).toBe(200);
    expect(recorder.http).toEqual([
      {
        connector: "api",
        method: "GET",
        url: "https://api.example.com/v1/items/7?full=true",
        path: "/v1/items/7",
        query: { full: "true" },
        headers: { "x-client": "octo" },
        body: null,
      },
    ]);
    expect(recorder.unmocked).toEqual([]);
  });

  it("records a JSON request body parsed; a string mock body is text", async () => {
    const { outcome, recorder } = await run("post", { name: "lamp" }, [
      { method: "POST", url: "/v1/items", status: 201, body: "created" },
    ]);
    expect(outcome.message.body).toBe("created");
    expect(outcome.message.vars.statusCode).toBe(201);
    expect(recorder.http[0]?.body).toEqual({ name: "lamp" });
    expect(recorder.http[0]?.headers["content-type"]).toBe("application/json");
  });

  it("a non-2xx mock fails the rest block as the upstream would", async () => {
    const { outcome, connectorErrors } = await run("get", { id: 1 }, [
      { urlPattern: "/items/1", status: 503, body: { error: "overloaded" } },
    ]);
    expect(outcome).toMatchObject({
      status: "failed",
      error: {
        block: "rest",
        message: 'GET https://api.example.com/v1/items/1?full=true returned HTTP 503: {"error":"overloaded"}',
      },
    });
    expect(connectorErrors).toEqual(["api:http-status"]);
  });

  it("error: fails the call as a network failure", async () => {
    const { outcome, connectorErrors } = await run("get", { id: 1 }, [
      { urlPattern: ".", error: "connect ECONNREFUSED 10.0.0.1:443" },
    ]);
    expect(outcome).toMatchObject({
      status: "failed",
      error: {
        message: "GET https://api.example.com/v1/items/1?full=true failed: connect ECONNREFUSED 10.0.0.1:443",
      },
    });
    expect(connectorErrors).toEqual(["api:network"]);
  });

  it("delay: answers late, or times out past the connector's timeout", async () => {
    const late = await run("get", { id: 1 }, [{ urlPattern: ".", delay: "20ms", body: { ok: true } }]);
    expect(late.outcome.message.body).toEqual({ ok: true });
    const slow = await run("get", { id: 1 }, [{ urlPattern: ".", delay: "5s", body: { ok: true } }]);
    expect(slow.outcome).toMatchObject({
      status: "failed",
      error: { message: "GET https://api.example.com/v1/items/1?full=true timed out after 100ms" },
    });
    expect(slow.connectorErrors).toEqual(["api:timeout"]);
  });

  it("times: a mock answers that many calls, then the next matching one answers", async () => {
    const { outcome } = await run("twice", null, [
      { url: "/v1/n", times: 1, body: { n: 1 } },
      { url: "/v1/n", body: { n: 2 } },
    ]);
    expect(outcome.message.body).toEqual([1, 2]);
  });

  it("a call no mock answers fails with what to do, and is recorded even when the flow recovers", async () => {
    const failed = await run("get", { id: 2 }, [{ url: "/v1/items/1?full=true", body: {} }]);
    expect(failed.outcome).toMatchObject({
      status: "failed",
      error: {
        message:
          "GET https://api.example.com/v1/items/2?full=true: no mock answers this call (a test never reaches " +
          "the network); add one under mocks.http",
      },
    });
    // A mock of another connector is not this one's.
    const recovered = await run("recovered", null, [{ connector: "api", url: "/unmocked", body: {} }]);
    expect(recovered.outcome.message.body).toBe("recovered");
    expect(recovered.recorder.unmocked).toEqual([
      "http-client other: GET https://other.example.com/unmocked",
    ]);
  });
});
