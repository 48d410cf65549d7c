// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the YAML names env vars as ${NAME}
// The mcp connector: flows served as MCP tools over streamable HTTP, driven by the SDK's own client.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, describe, expect, it } from "vitest";
import { memoryLogger } from "../../../test/helpers.ts";
import { dropBlock, gateBlock } from "../../../test/test-blocks.ts";
import { YamlSource } from "../../config/yaml-source.ts";
import { configJsonSchema } from "../../dsl/json-schema.ts";
import { loadRuntimeFromSources, type Runtime } from "../../engine/runtime.ts";
import { formatDiagnostic } from "../../errors/diagnostic.ts";
import { defaultRegistry } from "../../plugin/default-registry.ts";
import { coreConnectors } from "../index.ts";
import type { McpEndpoint } from "./index.ts";

/** Holds every run while closed; `seen` counts the runs that reached it. */
const gate = () => gateBlock("gate");

const runtimes: Runtime[] = [];
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(runtimes.splice(0).map((r) => r.stop()));
});

function load(yaml: string, g = gate(), osEnv: Record<string, string> = {}) {
  const registry = defaultRegistry().use({ name: "test", blocks: [g.block, dropBlock] });
  return loadRuntimeFromSources([new YamlSource("t.yaml", yaml)], {
    registry,
    osEnv,
    logger: memoryLogger(),
  });
}

async function start(
  yaml: string,
  opts: { gate?: ReturnType<typeof gate>; env?: Record<string, string> } = {},
) {
  const r = load(yaml, opts.gate, opts.env);
  if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
  runtimes.push(r.runtime);
  await r.runtime.start();
  const url = (connector = "tools") => {
    const u = r.runtime.connector<McpEndpoint>(connector).url();
    if (!u) throw new Error(`connector ${connector} is not serving`);
    return u;
  };
  return { runtime: r.runtime, url };
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  clients.push(client);
  return client;
}

const TOOLS = (settings = "") => `
connectors:
  - { name: tools, type: mcp, settings: { host: 127.0.0.1, port: 0, name: shop${settings} } }
`;

const ORDERS = `${TOOLS(", instructions: Answers questions about orders.")}
flows:
  - name: lookup
    source:
      connector: tools
      type: tool
      settings:
        name: lookup_order
        title: Look up an order
        description: Finds an order by id.
        readOnly: true
        inputSchema:
          type: object
          properties: { id: { type: string, pattern: "^A-[0-9]+$" } }
          required: [id]
          additionalProperties: false
    process:
      - type: set-variable
        name: find
        settings: { name: order, value: '{"A-1": {"total": 12.5}}[body.id]' }
      - { type: set-payload, settings: { value: '{"id": body.id, "total": vars.order.total}' } }
  - name: greet
    source:
      connector: tools
      type: tool
      settings: { name: greet, description: Greets someone., inputSchema: '{"properties": {"name": {"type": "string"}}}' }
    process:
      - { type: set-payload, settings: { value: '"hello, " + body.name' } }
  - name: nothing
    source: { connector: tools, type: tool, settings: { name: nothing, description: Drops what it gets. } }
    process: [{ type: drop }]
`;

describe("mcp source", () => {
  it("lists each flow's tool with its schema and hints, and says who it is", async () => {
    const { url } = await start(ORDERS);
    expect(url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const client = await connect(url());
    expect(client.getServerVersion()).toMatchObject({ name: "shop" });
    expect(client.getInstructions()).toBe("Answers questions about orders.");
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(["lookup_order", "greet", "nothing"]);
    expect(tools[0]).toEqual({
      name: "lookup_order",
      title: "Look up an order",
      description: "Finds an order by id.",
      inputSchema: {
        type: "object",
        properties: { id: { type: "string", pattern: "^A-[0-9]+$" } },
        required: ["id"],
        additionalProperties: false,
      },
      annotations: { readOnlyHint: true },
    });
    // JSON text is accepted, and the top-level type defaults to object.
    expect(tools[1]?.inputSchema).toEqual({ type: "object", properties: { name: { type: "string" } } });
    expect(tools[2]?.inputSchema).toEqual({ type: "object" });
  });

  it("runs the flow with the arguments as body and answers its result as JSON text and structured content", async () => {
    const client = await connect((await start(ORDERS)).url());
    const result = await client.callTool({ name: "lookup_order", arguments: { id: "A-1" } });
    expect(result).toEqual({
      content: [{ type: "text", text: '{"id":"A-1","total":12.5}' }],
      structuredContent: { id: "A-1", total: 12.5 },
    });
    // A string result is the text itself; a dropped message answers no content.
    expect(await client.callTool({ name: "greet", arguments: { name: "Ada" } })).toEqual({
      content: [{ type: "text", text: "hello, Ada" }],
    });
    expect(await client.callTool({ name: "nothing", arguments: {} })).toEqual({ content: [] });
  });

  it("answers a failed flow as an error result naming the block, with secrets redacted", async () => {
    const yaml = `
env:
  - { name: TOKEN, required: true, secret: true }
${ORDERS.replace('\'{"A-1": {"total": 12.5}}[body.id]\'', '\'{"A-1": {"total": 12.5}}[body.id == "A-2" ? env.TOKEN : body.id]\'')}`;
    const client = await connect((await start(yaml, { env: { TOKEN: "s3cr3t-value" } })).url());
    const missing = await client.callTool({ name: "lookup_order", arguments: { id: "A-9" } });
    expect(missing).toEqual({
      content: [{ type: "text", text: "flow lookup failed in block find: no such key: A-9" }],
      isError: true,
    });
    const secret = await client.callTool({ name: "lookup_order", arguments: { id: "A-2" } });
    expect(secret.isError).toBe(true);
    expect(JSON.stringify(secret)).toContain("no such key");
    expect(JSON.stringify(secret)).not.toContain("s3cr3t-value");
  });

  it("refuses arguments that do not match the input schema before the flow runs", async () => {
    const g = gate();
    const yaml = ORDERS.replace(
      "    process:\n      - type: set-variable",
      "    process:\n      - { type: gate }\n      - type: set-variable",
    );
    const client = await connect((await start(yaml, { gate: g })).url());
    for (const args of [{ id: 7 }, { id: "B-1" }, {}, { id: "A-1", extra: true }]) {
      const r = await client.callTool({ name: "lookup_order", arguments: args });
      expect(r.isError).toBe(true);
      expect((r.content as { text: string }[])[0]?.text).toMatch(
        /^Input validation error: the arguments do not match the input schema of lookup_order: /,
      );
    }
    expect(g.seen.length).toBe(0);
    expect(
      (await client.callTool({ name: "lookup_order", arguments: { id: "A-1" } })).isError,
    ).toBeUndefined();
    expect(g.seen.length).toBe(1);
    // An unknown tool is a protocol error that lists the tools.
    await expect(client.callTool({ name: "lookup", arguments: {} })).rejects.toThrow(
      /-32602.*no tool named "lookup"; tools: lookup_order, greet, nothing/,
    );
  });

  it("answers an error result when the flow takes longer than toolTimeout, and drains calls in progress on stop", async () => {
    const g = gate();
    const yaml = `${TOOLS(", toolTimeout: 200ms")}
flows:
  - name: slow
    source: { connector: tools, type: tool, settings: { name: slow, description: Waits. } }
    process: [{ type: gate }, { type: set-payload, settings: { value: '"done"' } }]
`;
    const { url } = await start(yaml, { gate: g });
    const client = await connect(url());
    g.close();
    expect(await client.callTool({ name: "slow", arguments: {} })).toEqual({
      content: [{ type: "text", text: "flow slow did not answer within 200ms" }],
      isError: true,
    });
    g.open();
    expect(await client.callTool({ name: "slow", arguments: {} })).toEqual({
      content: [{ type: "text", text: "done" }],
    });

    // Stopping waits for a call in progress, which is answered.
    const rt = await start(yaml.replace("200ms", '"0"'), { gate: g });
    const other = await connect(rt.url());
    g.close();
    const before = g.seen.length;
    const call = other.callTool({ name: "slow", arguments: {} });
    while (g.seen.length === before) await new Promise((r) => setTimeout(r, 5));
    let stopped = false;
    const stopping = rt.runtime.stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    g.open();
    expect(await call).toEqual({ content: [{ type: "text", text: "done" }] });
    await stopping;
  });

  it("shares the listener with an http connector on the same port", async () => {
    const probe = await start(`${TOOLS()}
flows:
  - name: t
    source: { connector: tools, type: tool, settings: { name: t, description: T. } }
    process: [{ type: set-payload, settings: { value: '"t"' } }]
`);
    const port = new URL(probe.url()).port;
    await probe.runtime.stop();
    const { url } = await start(`
connectors:
  - { name: tools, type: mcp, settings: { host: 127.0.0.1, port: ${port}, path: /ai/mcp } }
  - { name: api, type: http, settings: { host: 127.0.0.1, port: ${port} } }
flows:
  - name: ping
    source: { connector: api, type: http, settings: { path: /ping } }
    process: [{ type: set-payload, settings: { value: '{"pong": true}' } }]
  - name: t
    source: { connector: tools, type: tool, settings: { name: t, description: T. } }
    process: [{ type: set-payload, settings: { value: '"t"' } }]
`);
    expect(url()).toBe(`http://127.0.0.1:${port}/ai/mcp`);
    expect(await (await fetch(`http://127.0.0.1:${port}/ping`)).json()).toEqual({ pong: true });
    const client = await connect(url());
    expect(await client.callTool({ name: "t", arguments: {} })).toEqual({
      content: [{ type: "text", text: "t" }],
    });
  });

  it("is stateless: GET and DELETE get 405, and a browser origin needs allowedOrigins", async () => {
    const { url } = await start(`${TOOLS(', allowedOrigins: ["https://app.example.com"]')}
flows:
  - name: t
    source: { connector: tools, type: tool, settings: { name: t, description: T. } }
    process: [{ type: set-payload, settings: { value: '"t"' } }]
`);
    for (const method of ["GET", "DELETE"]) {
      const res = await fetch(url(), { method, headers: { accept: "text/event-stream" } });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("POST");
    }
    const list = (origin: string) =>
      fetch(url(), {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          origin,
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
      });
    const refused = await list("https://evil.example");
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: expect.stringContaining("https://evil.example") });
    const allowed = await list("https://app.example.com");
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toMatchObject({ result: { tools: [{ name: "t" }] } });
  });
});

describe("mcp source: configuration", () => {
  const errors = (yaml: string) => {
    const r = load(yaml);
    expect(r.ok).toBe(false);
    return r.ok ? [] : r.diagnostics.map(formatDiagnostic);
  };

  it("names a bad inputSchema, tool name or path where it is written", () => {
    const found = errors(`${TOOLS()}
flows:
  - name: a
    source:
      connector: tools
      type: tool
      settings: { name: a, description: A., inputSchema: { type: string } }
    process: []
  - name: b
    source: { connector: tools, type: tool, settings: { name: "b c", description: B. } }
    process: []
  - name: c
    source: { connector: tools, type: tool, settings: { name: c, description: C., inputSchema: "{nope" } }
    process: []
`);
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(
      /^t\.yaml:10:\d+: inputSchema must describe an object \(type: object\).*\[invalid-schema\]/,
    );
    expect(found[1]).toMatch(/^t\.yaml:13:\d+: .*a tool name is 1 to 128 letters/);
    expect(found[2]).toMatch(/^t\.yaml:16:\d+: inputSchema is not JSON/);
    expect(
      errors(`
connectors: [{ name: tools, type: mcp, settings: { path: "mcp" } }]
flows: []
`)[0],
    ).toMatch(/invalid path: "mcp" must start with "\/"/);
  });

  it("refuses two flows serving one tool name when it starts", async () => {
    const r = load(`${TOOLS()}
flows:
  - name: a
    source: { connector: tools, type: tool, settings: { name: same, description: A. } }
    process: []
  - name: b
    source: { connector: tools, type: tool, settings: { name: same, description: B. } }
    process: []
`);
    if (!r.ok) throw new Error("should load");
    await expect(r.runtime.start()).rejects.toThrow(
      'mcp connector "tools": flow b cannot serve tool same: flow a already does',
    );
  });

  it("describes its settings and the tool source in the config schema the editor reads", () => {
    const schema = JSON.stringify(configJsonSchema(defaultRegistry()));
    const registry = defaultRegistry();
    expect(registry.connectors.get("mcp")?.sources?.map((s) => s.type)).toEqual(["tool"]);
    expect(coreConnectors.connectors?.some((c) => c.type === "mcp")).toBe(true);
    expect(schema).toContain('"type":{"const":"mcp"}');
    expect(schema).toContain('"type":{"const":"tool"}');
    expect(schema).toContain("JSON Schema of the arguments");
    expect(schema).toContain("toolTimeout");
  });
});
