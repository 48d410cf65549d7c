// The test registry: which connector instances are replaced, and which sources start.
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { memoryLogger } from "../../../test/helpers.ts";
import { YamlSource } from "../../config/yaml-source.ts";
import type { HttpServer } from "../../connectors/http/index.ts";
import { loadRuntimeFromSources } from "../../engine/runtime.ts";
import { formatDiagnostic } from "../../errors/diagnostic.ts";
import { defaultRegistry } from "../../plugin/default-registry.ts";
import type { OctoPlugin } from "../../plugin/types.ts";
import { type CaseMocks, databaseMockSchema, llmMockSchema } from "../test-file.ts";
import { Recorder } from "./recorder.ts";
import { type CaseCapture, logRecord, testRegistry } from "./registry.ts";

/** A plugin with an LLM connection that must never be created for real, and a block that asks it. */
const fakeAi: OctoPlugin = {
  name: "fake-ai",
  connectors: [
    {
      type: "fake-llm",
      label: "Fake LLM",
      category: "llm",
      description: "a provider that must not be called in tests",
      settings: z.strictObject({ model: z.string().default("") }),
      create: () => {
        throw new Error("the real LLM connection was created");
      },
    },
  ],
  blocks: [
    {
      type: "ask",
      label: "Ask",
      category: "processor",
      description: "asks the llm connection",
      kind: "leaf",
      fields: z.strictObject({}),
      compile: () => async (msg, exec) => {
        const conn = exec.runtime.connector<{ client: { chat(r: unknown): Promise<{ text: string }> } }>(
          "llm",
        );
        msg.body = (await conn.client.chat({ turns: [{ role: "user", text: String(msg.body) }] })).text;
      },
    },
  ],
  metrics: () => () => {},
};

async function start(yaml: string, mocks: Partial<CaseMocks> = {}, httpSources = false) {
  const capture: CaseCapture = { recorder: new Recorder(), delivered: [], logs: [] };
  const base = defaultRegistry().use(fakeAi);
  const registry = testRegistry(base, {
    mocks: { http: [], database: [], llm: [], ...mocks },
    capture,
    httpSources,
  });
  const r = loadRuntimeFromSources([new YamlSource("t.yaml", yaml)], {
    registry,
    osEnv: {},
    logger: memoryLogger(),
  });
  if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
  await r.runtime.start({ sources: httpSources });
  return { runtime: r.runtime, capture, registry };
}

describe("test registry", () => {
  it("keeps every plugin's blocks and connector types, without their metrics", async () => {
    const { registry, runtime } = await start("flows: []\n");
    await runtime.stop();
    const base = defaultRegistry().use(fakeAi);
    expect(registry.plugins).toEqual(base.plugins);
    expect([...registry.blocks.keys()]).toEqual([...base.blocks.keys()]);
    expect([...registry.connectors.keys()]).toEqual([...base.connectors.keys()]);
    expect(registry.pluginDefinitions.every((p) => p.metrics === undefined)).toBe(true);
  });

  it("a sqlite database without mocks is real; with mocks (or on postgres) it is the mock", async () => {
    const yaml = (driver: string, dsn: string) => `
connectors:
  - { name: db, type: database, settings: { driver: ${driver}, dsn: "${dsn}" } }
flows:
  - name: one
    process: [{ type: sql, settings: { connector: db, query: "SELECT 1 AS one" } }]
`;
    const real = await start(yaml("sqlite", ":memory:"));
    expect((await real.runtime.invoke("one", null)).message.body).toEqual([{ one: 1 }]);
    await real.runtime.stop();

    const mocked = await start(yaml("sqlite", ":memory:"), {
      database: [databaseMockSchema.parse({ statement: "SELECT 1 AS one", rows: [{ one: "mocked" }] })],
    });
    expect((await mocked.runtime.invoke("one", null)).message.body).toEqual([{ one: "mocked" }]);
    await mocked.runtime.stop();

    // Postgres is the network: without mocks every statement fails instead of connecting.
    const pg = await start(yaml("postgres", "postgres://octo@db.example.com:5432/orders"));
    const outcome = await pg.runtime.invoke("one", null);
    await pg.runtime.stop();
    expect(outcome).toMatchObject({
      status: "failed",
      error: { message: expect.stringContaining("no mock answers") },
    });
    expect(pg.capture.recorder.unmocked).toEqual(["database db: SELECT 1 AS one with args []"]);
  });

  it("an LLM connection (category llm) is the mock, never the provider", async () => {
    const { runtime, capture } = await start(
      `
connectors: [{ name: llm, type: fake-llm, settings: { model: m-1 } }]
flows: [{ name: ask, process: [{ type: ask }] }]
`,
      { llm: [llmMockSchema.parse({ text: "mocked answer" })] },
    );
    const outcome = await runtime.invoke("ask", "question?");
    await runtime.stop();
    expect(outcome.message.body).toBe("mocked answer");
    expect(capture.recorder.llm).toMatchObject([{ provider: "fake-llm", model: "m-1", input: "question?" }]);
  });

  it("a logger connector writes its records to the case's logs, never to its file", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "octo-test-logger-")), "out.log");
    const { runtime, capture } = await start(`
connectors: [{ name: audit, type: logger, settings: { output: "${file}", level: info } }]
flows:
  - name: log
    process:
      - { type: log, settings: { logger: audit, message: '"kept"' } }
      - { type: log, settings: { logger: audit, level: debug, message: '"below the level"' } }
`);
    await runtime.invoke("log", null);
    await runtime.stop();
    expect(capture.logs).toEqual([expect.objectContaining({ level: "info", logger: "audit", msg: "kept" })]);
    expect(existsSync(file)).toBe(false);
  });

  it("http connectors listen on a free loopback port, and only request cases start them", async () => {
    const yaml = `
connectors: [{ name: api, type: http, settings: { host: 0.0.0.0, port: 8080 } }]
flows:
  - name: hi
    source: { connector: api, type: http, settings: { path: /hi } }
    process: [{ type: set-payload, settings: { value: '"hi"' } }]
`;
    const idle = await start(yaml);
    expect(idle.runtime.connector<HttpServer>("api").url()).toBeUndefined();
    await idle.runtime.stop();

    const serving = await start(yaml, {}, true);
    const url = serving.runtime.connector<HttpServer>("api").url();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toBe("http://127.0.0.1:8080");
    const res = await fetch(`${url}/hi`);
    expect(await res.json()).toBe("hi");
    await serving.runtime.stop();
    expect(serving.capture.delivered).toMatchObject([{ flow: "hi", outcome: { status: "completed" } }]);
  });

  it("every other source never starts, even in a request case", async () => {
    const { runtime } = await start(
      `
flows:
  - name: tick
    source: { connector: cron, type: cron, settings: { schedule: "@every 1ms" } }
    process: [{ type: log, settings: { message: '"tick"' } }]
`,
      {},
      true,
    );
    let events = 0;
    runtime.events.on("*", () => events++);
    await sleep(50);
    await runtime.stop();
    expect(events).toBe(0);
  });

  it("logRecord reads a JSON line, and keeps any other line as its message", () => {
    expect(logRecord('{"level":"info","msg":"a"}\n')).toEqual({ level: "info", msg: "a" });
    expect(logRecord("plain text\n")).toEqual({ msg: "plain text" });
    expect(logRecord("[1]")).toEqual({ msg: "[1]" });
  });
});
