// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the YAML names env vars as ${NAME}
// The orchestrator's MCP endpoint, driven by the SDK's own client over HTTP against a real
// orchestrator with OIDC and API keys: discovery, authoring end to end, roles and 401s.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { auditEvents, integrations } from "@octo/db";
import { eq, like } from "drizzle-orm";
import { afterEach, beforeAll, expect, it } from "vitest";
import type { TestIssuer } from "../../test/oidc-provider.ts";
import {
  oidcOrchestratorPerFile,
  startTestOrchestrator,
  type TestOrchestrator,
} from "../../test/orchestrator.ts";

let issuer: TestIssuer;
let orch: TestOrchestrator;
oidcOrchestratorPerFile((o, i) => {
  orch = o;
  issuer = i;
});

let writeKey: { id: string; token: string };
let readKey: { id: string; token: string };
beforeAll(async () => {
  const ada = orch.client(
    await issuer.token({ sub: "ada", email: "ada@example.com", roles: ["octo-writer"] }),
  );
  writeKey = await ada.apiKeys.create.mutate({ name: "assistant", scope: "write", ttlDays: 1 });
  readKey = await ada.apiKeys.create.mutate({ name: "assistant-ro", scope: "read", ttlDays: 1 });
});

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function mcp(url: string, token?: string): Promise<Client> {
  const client = new Client({ name: "mcp-test", version: "1.0.0" });
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  clients.push(client);
  return client;
}

type Result = Awaited<ReturnType<Client["callTool"]>>;
/** A prompt's first message text. */
const promptText = (p: { messages: { content: unknown }[] }) =>
  (p.messages[0]?.content as { text?: string } | undefined)?.text ?? "";
const text = (r: Result) => (r.content as { type: string; text: string }[])[0]?.text ?? "";
/** A tool's structured answer, failing the test on an error result. */
function data<T = Record<string, unknown>>(r: Result): T {
  if (r.isError) throw new Error(`tool failed: ${text(r)}`);
  return r.structuredContent as T;
}

const WRITE_TOOLS = [
  "create_integration",
  "update_integration",
  "run_integration",
  "stop_run",
  "invoke_flow",
];
const READ_TOOLS = ["list_integrations", "read_integration", "validate_definition", "read_logs"];

const GREETER = `service: { name: greeter }
env:
  - { name: HTTP_PORT, default: "8080" }
  - { name: HTTP_HOST, default: "127.0.0.1" }
  - { name: GREETING, default: "hello" }
connectors:
  - { name: tools, type: mcp, settings: { host: "\${HTTP_HOST}", port: "\${HTTP_PORT}", name: greeter } }
flows:
  - name: greet
    source:
      connector: tools
      type: tool
      settings:
        name: greet
        description: Greets someone by name.
        inputSchema: { type: object, properties: { name: { type: string } }, required: [name] }
    process:
      - { type: log, settings: { message: '"greeting " + body.name' } }
      - { type: set-payload, settings: { value: '{"greeting": env.GREETING + ", " + body.name + "!"}' } }
`;

/** Polls until `check` returns a value, failing after `ms` (a bound, not an expected duration). */
async function until<T>(check: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`condition not met within ${ms}ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it("answers 401 with a Bearer challenge without a credential or with a wrong one", async () => {
  const initialize = (authorization?: string) =>
    fetch(`${orch.url}/mcp`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        ...(authorization ? { authorization } : {}),
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-06-18",
          capabilities: {},
          clientInfo: { name: "curl", version: "1" },
        },
      }),
    });
  const missing = await initialize();
  expect(missing.status).toBe(401);
  expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="octo"');
  expect(await missing.json()).toEqual({
    error: { code: "UNAUTHORIZED", reason: "missing_auth", message: expect.stringContaining("API key") },
  });
  for (const wrong of ["Bearer octo_not-a-key", "Bearer not-a-jwt", "Basic YTpi"]) {
    const res = await initialize(wrong);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm="octo", error="invalid_token"/);
    expect(await res.json()).toMatchObject({ error: { code: "UNAUTHORIZED", reason: "invalid_token" } });
  }
  // The SDK's client sees the 401 too.
  await expect(mcp(`${orch.url}/mcp`)).rejects.toThrow(/401|Unauthorized|API key/);
  // A browser origin is refused even with a key (DNS rebinding), and GET is not an MCP stream here.
  const fromBrowser = await fetch(`${orch.url}/mcp`, {
    method: "POST",
    headers: { authorization: `Bearer ${writeKey.token}`, origin: "http://evil.example" },
  });
  expect(fromBrowser.status).toBe(403);
  const get = await fetch(`${orch.url}/mcp`, {
    headers: { authorization: `Bearer ${writeKey.token}`, accept: "text/event-stream" },
  });
  expect(get.status).toBe(405);
  expect(get.headers.get("allow")).toBe("POST");
});

it("lists the tools with their roles, the resources and the authoring prompt", async () => {
  const client = await mcp(`${orch.url}/mcp`, readKey.token);
  expect(client.getServerVersion()?.name).toBe("octo");
  expect(client.getInstructions()).toContain("octo://schema");
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name).sort()).toEqual([...READ_TOOLS, ...WRITE_TOOLS].sort());
  for (const t of tools) expect(t.annotations?.readOnlyHint).toBe(READ_TOOLS.includes(t.name));
  const update = tools.find((t) => t.name === "update_integration");
  expect(update?.inputSchema).toMatchObject({
    type: "object",
    required: ["id", "definition"],
    properties: { expectedLastUpdated: { type: "string" } },
  });

  const { resources } = await client.listResources();
  const uris = resources.map((r) => r.uri);
  expect(uris).toEqual(
    expect.arrayContaining(["octo://schema", "octo://examples", "octo://examples/mcp-tools"]),
  );
  const schema = await client.readResource({ uri: "octo://schema" });
  const json = JSON.parse((schema.contents[0] as { text: string }).text);
  expect(json.$id).toBe("https://octo.dev/schema/config.json");
  expect(JSON.stringify(json)).toContain('"const":"mcp"');
  const index = JSON.parse(
    ((await client.readResource({ uri: "octo://examples" })).contents[0] as { text: string }).text,
  ) as { slug: string; summary: string; uri: string; files: string[] }[];
  expect(index.find((e) => e.slug === "hello-invoke")).toEqual({
    slug: "hello-invoke",
    summary: expect.any(String),
    uri: "octo://examples/hello-invoke",
    files: ["hello-invoke.yaml"],
  });
  expect(index.find((e) => e.slug === "mcp-tools")?.summary).toMatch(/^mcp-tools: /);
  const example = await client.readResource({ uri: "octo://examples/hello-invoke" });
  expect(example.contents).toEqual([
    {
      uri: "octo://examples/hello-invoke",
      mimeType: "text/yaml",
      text: expect.stringContaining("name: greet"),
    },
  ]);
  await expect(client.readResource({ uri: "octo://examples/nope" })).rejects.toThrow(
    /-32002.*no example nope/,
  );
  await expect(client.readResource({ uri: "octo://examples/..%2F..%2Fetc" })).rejects.toThrow(/-32002/);

  const { prompts } = await client.listPrompts();
  expect(prompts.map((p) => p.name)).toEqual(["author-integration"]);
  expect(prompts[0]?.arguments).toEqual([expect.objectContaining({ name: "goal", required: false })]);
  const prompt = await client.getPrompt({
    name: "author-integration",
    arguments: { goal: "sync orders to the ERP" },
  });
  const said = promptText(prompt);
  expect(said).toContain("The goal: sync orders to the ERP");
  for (const step of [
    "octo://schema",
    "validate_definition",
    "create_integration",
    "invoke_flow",
    "read_logs",
  ])
    expect(said).toContain(step);
  const open = await client.getPrompt({ name: "author-integration", arguments: {} });
  expect(promptText(open)).toContain("First ask what the integration should do");
});

it("authors an integration end to end: validate, create, invoke, run, call its tool, read logs, update", async () => {
  const client = await mcp(`${orch.url}/mcp`, writeKey.token);

  const broken = await client.callTool({
    name: "validate_definition",
    arguments: { definition: GREETER.replace("set-payload", "set-payloud") },
  });
  expect(broken.isError).toBeFalsy();
  expect(data(broken)).toMatchObject({
    ok: false,
    problems: [{ code: "unknown-block-type", line: 19, col: expect.any(Number) }],
  });
  expect(text(broken)).toMatch(/^1 problem:\n19:\d+: .*set-payloud/);
  expect(
    data(await client.callTool({ name: "validate_definition", arguments: { definition: GREETER } })),
  ).toEqual({
    ok: true,
    problems: [],
  });

  const created = data<{
    integration: { id: string; name: string; lastUpdated: string };
    problems: unknown[];
  }>(
    await client.callTool({
      name: "create_integration",
      arguments: { name: "mcp-greeter", definition: GREETER },
    }),
  );
  expect(created).toMatchObject({ integration: { name: "mcp-greeter" }, problems: [] });
  const id = created.integration.id;
  const listed = data<{ integrations: { id: string }[] }>(
    await client.callTool({ name: "list_integrations", arguments: {} }),
  );
  expect(listed.integrations.map((i) => i.id)).toContain(id);
  const read = await client.callTool({ name: "read_integration", arguments: { id } });
  expect(data(read)).toMatchObject({ id, name: "mcp-greeter", definition: GREETER });
  expect(text(read)).toContain("--- definition ---\nservice: { name: greeter }");

  const invoked = await client.callTool({
    name: "invoke_flow",
    arguments: { id, flow: "greet", data: { name: "Ada" } },
  });
  expect(data(invoked)).toMatchObject({ ok: true, output: { greeting: "hello, Ada!" } });
  expect(text(invoked)).toContain("greeting Ada");
  const failing = await client.callTool({ name: "invoke_flow", arguments: { id, flow: "greet", data: {} } });
  expect(failing.isError).toBe(true);
  expect(text(failing)).toMatch(/^the flow failed: .*name/);

  // Run it: the flow is an MCP tool of the run, which an assistant can call directly.
  const run = data<{ run: { id: string; status: string; url: string } }>(
    await client.callTool({ name: "run_integration", arguments: { id } }),
  ).run;
  expect(run).toMatchObject({ status: "running", url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
  const tool = await mcp(`${run.url}/mcp`);
  expect(data(await tool.callTool({ name: "greet", arguments: { name: "Grace" } }))).toEqual({
    greeting: "hello, Grace!",
  });
  const logs = await until(async () => {
    const r = data<{ lines: { seq: number; text: string }[]; next: number }>(
      await client.callTool({ name: "read_logs", arguments: { id: run.id } }),
    );
    return r.lines.some((l) => l.text.includes("greeting Grace")) ? r : undefined;
  });
  expect(logs.next).toBe(logs.lines.at(-1)?.seq);
  const newer = data<{ lines: unknown[] }>(
    await client.callTool({ name: "read_logs", arguments: { id: run.id, after: logs.next } }),
  );
  expect(newer.lines.every((l) => (l as { seq: number }).seq > logs.next)).toBe(true);

  // An update announces itself to open editors, and the run reloads with it.
  const changes: string[] = [];
  const api = orch.client(writeKey.token);
  const sub = api.integrations.watch.subscribe({ id }, { onData: ({ data: c }) => changes.push(c.kind) });
  await until(async () => (changes.includes("current") ? true : undefined));
  const updated = data<{ integration: { lastUpdated: string } }>(
    await client.callTool({
      name: "update_integration",
      arguments: {
        id,
        definition: GREETER.replace('default: "hello"', 'default: "hi"'),
        expectedLastUpdated: created.integration.lastUpdated,
      },
    }),
  );
  await until(async () => (changes.includes("updated") ? true : undefined));
  sub.unsubscribe();
  expect(updated.integration.lastUpdated).not.toBe(created.integration.lastUpdated);
  const reloaded = await mcp(`${run.url}/mcp`);
  expect(data(await reloaded.callTool({ name: "greet", arguments: { name: "Alan" } }))).toEqual({
    greeting: "hi, Alan!",
  });
  // A save over a change made since is refused, and changes nothing.
  const stale = await client.callTool({
    name: "update_integration",
    arguments: { id, definition: GREETER, expectedLastUpdated: created.integration.lastUpdated },
  });
  expect(stale.isError).toBe(true);
  expect(text(stale)).toMatch(/^CONFLICT: the integration was changed elsewhere/);

  expect(data(await client.callTool({ name: "stop_run", arguments: { id: run.id } }))).toMatchObject({
    run: { id: run.id, status: "stopped" },
  });

  // Every write is audited as mcp.<tool> for the key; no definition or token in the trail.
  const rows = await orch.services.db.select().from(auditEvents).where(like(auditEvents.procedure, "mcp.%"));
  const mine = rows.filter((r) => r.actorId === writeKey.id);
  expect(mine.map((r) => [r.procedure, r.outcome, r.errorCode])).toEqual([
    ["mcp.create_integration", "ok", null],
    ["mcp.invoke_flow", "ok", null],
    ["mcp.invoke_flow", "ok", null],
    ["mcp.run_integration", "ok", null],
    ["mcp.update_integration", "ok", null],
    ["mcp.update_integration", "error", "CONFLICT"],
    ["mcp.stop_run", "ok", null],
  ]);
  expect(mine[0]).toMatchObject({ actorKind: "api-key", targetKind: "integration", targetId: "mcp-greeter" });
  expect(mine[4]).toMatchObject({ targetKind: "integration", targetId: id });
  expect(mine.at(-1)).toMatchObject({ targetKind: "run", targetId: run.id });
  const trail = JSON.stringify(rows);
  expect(trail).not.toContain("set-payload");
  expect(trail).not.toContain(writeKey.token);
  expect(JSON.stringify(orch.logs)).not.toContain(writeKey.token);
}, 120_000);

it("refuses every write tool to a reader, audits the refusals and changes nothing", async () => {
  const [target] = await orch.services.db
    .insert(integrations)
    .values({ name: "kept-as-is", definition: GREETER })
    .returning();
  if (!target) throw new Error("not created");
  const args: Record<string, Record<string, unknown>> = {
    create_integration: { name: "by-reader", definition: GREETER },
    update_integration: { id: target.id, definition: "flows: []" },
    run_integration: { id: target.id },
    stop_run: { id: target.id },
    invoke_flow: { id: target.id, flow: "greet", data: { name: "x" } },
  };
  const bo = await issuer.token({ sub: "bo", email: "bo@example.com" });
  for (const [who, token, actorId] of [
    ["read key", readKey.token, readKey.id],
    ["reader", bo, "bo"],
  ] as const) {
    const client = await mcp(`${orch.url}/mcp`, token);
    for (const name of WRITE_TOOLS) {
      const r = await client.callTool({ name, arguments: args[name] ?? {} });
      expect(r.isError, `${who}: ${name}`).toBe(true);
      expect(text(r)).toMatch(new RegExp(`^refused: ${name} needs the write role \\(`));
    }
    // Reads work.
    expect(
      data(await client.callTool({ name: "read_integration", arguments: { id: target.id } })),
    ).toMatchObject({
      name: "kept-as-is",
    });
    const refusals = (
      await orch.services.db.select().from(auditEvents).where(eq(auditEvents.actorId, actorId))
    ).filter((r) => r.procedure.startsWith("mcp."));
    expect(refusals.map((r) => [r.procedure, r.outcome, r.errorCode])).toEqual(
      WRITE_TOOLS.map((t) => [`mcp.${t}`, "error", "FORBIDDEN"]),
    );
  }
  const [after] = await orch.services.db.select().from(integrations).where(eq(integrations.id, target.id));
  expect(after).toEqual(target);
  expect(
    await orch.services.db.select().from(integrations).where(eq(integrations.name, "by-reader")),
  ).toEqual([]);
});

it("lets everyone in without a credential in open mode, as the API does", async () => {
  const open = await startTestOrchestrator();
  try {
    const client = await mcp(`${open.url}/mcp`);
    const created = await client.callTool({
      name: "create_integration",
      arguments: { name: "open-greeter", definition: GREETER },
    });
    expect(data(created)).toMatchObject({ integration: { name: "open-greeter" } });
    await client.close();
  } finally {
    await open.close();
  }
}, 60_000);
