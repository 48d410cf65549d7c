import { createServer } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type OpenAIToolCall,
  openaiChatCompletion,
  openaiError,
  openaiResponse,
  startOpenAIStub,
} from "../../test/stubs/openai.ts";
import { delayed, header, type ScriptedReply, type StubServer } from "../../test/stubs/server.ts";
import { LlmError } from "../llm/errors.ts";
import type { ChatTurn, LlmSettings, ToolSpec } from "../llm/types.ts";
import { createOpenAIClient, isStrictSchema } from "./openai.ts";

type Api = "chat-completions" | "responses";

/** The stub's replies for one API, so every case runs against both. */
interface ApiCase {
  api: Api;
  path: string;
  text(text: string, usage?: { input: number; output: number }): ScriptedReply;
  toolCalls(calls: OpenAIToolCall[]): ScriptedReply;
  /** Sets the raw `arguments` text of the first tool call and the reported model. */
  edit(
    reply: ScriptedReply,
    change: { arguments?: string; model?: string; noUsage?: boolean },
  ): ScriptedReply;
}

// biome-ignore lint/suspicious/noExplicitAny: surgery on a reply's JSON body
type Body = any;

function editBody(reply: ScriptedReply, change: (body: Body) => void): ScriptedReply {
  return (req) => {
    const r = typeof reply === "function" ? reply(req) : reply;
    change(r.body as Body);
    return r;
  };
}

const cases: ApiCase[] = [
  {
    api: "chat-completions",
    path: "/v1/chat/completions",
    text: (text, usage) =>
      openaiChatCompletion(
        { content: text },
        { promptTokens: usage?.input ?? 10, completionTokens: usage?.output ?? 5 },
      ),
    toolCalls: (calls) => openaiChatCompletion({ toolCalls: calls }),
    edit: (reply, change) =>
      editBody(reply, (body) => {
        if (change.arguments !== undefined)
          body.choices[0].message.tool_calls[0].function.arguments = change.arguments;
        if (change.model !== undefined) body.model = change.model;
        if (change.noUsage) delete body.usage;
      }),
  },
  {
    api: "responses",
    path: "/v1/responses",
    text: (text, usage) =>
      openaiResponse([{ type: "message", text }], {
        inputTokens: usage?.input ?? 10,
        outputTokens: usage?.output ?? 5,
      }),
    toolCalls: (calls) => openaiResponse(calls.map((c) => ({ type: "function_call", ...c }))),
    edit: (reply, change) =>
      editBody(reply, (body) => {
        if (change.arguments !== undefined) body.output[0].arguments = change.arguments;
        if (change.model !== undefined) body.model = change.model;
        if (change.noUsage) delete body.usage;
      }),
  },
];

const weatherTool: ToolSpec = {
  name: "get_weather",
  description: "The weather in a city.",
  inputSchema: {
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
    additionalProperties: false,
  },
};

const personSchema = {
  type: "object",
  properties: { name: { type: "string" }, age: { type: "integer" } },
  required: ["name", "age"],
  additionalProperties: false,
};

const hi: ChatTurn[] = [{ role: "user", text: "Hi" }];

async function rejection(promise: Promise<unknown>): Promise<LlmError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LlmError);
  return err as LlmError;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe.each(cases)("openai provider ($api)", (c) => {
  let stub: StubServer;

  const settings = (overrides: Partial<LlmSettings> = {}): LlmSettings => ({
    apiKey: stub.apiKey,
    model: "gpt-5",
    baseURL: `${stub.url}/v1`,
    maxTokens: 1024,
    timeoutMs: 5_000,
    retries: 0,
    api: c.api,
    ...overrides,
  });

  beforeEach(async () => {
    stub = await startOpenAIStub({ apiKey: "sk-test-0123456789abcdefXYZ" });
  });
  afterEach(() => stub.close());

  it("answers text and sends model, system, max tokens and no temperature", async () => {
    stub.enqueue(c.text("Hello!"));
    const client = createOpenAIClient(settings());
    expect(client.provider).toBe("openai");
    expect(client.model).toBe("gpt-5");

    const res = await client.chat({ system: "Be brief.", turns: hi });
    expect(res).toMatchObject({ text: "Hello!", toolCalls: [], model: "gpt-5" });
    expect(res.stopReason).toBe(c.api === "responses" ? "completed" : "stop");

    const [req] = stub.requests;
    expect(req?.path).toBe(c.path);
    const body = req?.body as Record<string, unknown>;
    expect(body).not.toHaveProperty("temperature");
    if (c.api === "responses") {
      expect(body).toMatchObject({
        model: "gpt-5",
        instructions: "Be brief.",
        input: [{ role: "user", content: "Hi" }],
        max_output_tokens: 1024,
        store: false,
      });
    } else {
      expect(body).toMatchObject({
        model: "gpt-5",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Hi" },
        ],
        max_completion_tokens: 1024,
      });
    }
  });

  it("sends the temperature when set and request.maxTokens over the connection's", async () => {
    stub.enqueue(c.text("ok"));
    await createOpenAIClient(settings({ temperature: 0.3 })).chat({ turns: hi, maxTokens: 77 });
    const body = stub.requests[0]?.body as Record<string, unknown>;
    expect(body.temperature).toBe(0.3);
    expect(body[c.api === "responses" ? "max_output_tokens" : "max_completion_tokens"]).toBe(77);
    expect(body).not.toHaveProperty(c.api === "responses" ? "instructions" : "max_tokens");
  });

  it("runs a tool round with native tool calls and results (ids kept, isError as {error})", async () => {
    stub.enqueue(
      c.toolCalls([
        { id: "call_1", name: "get_weather", arguments: { city: "Paris" } },
        { id: "call_2", name: "get_weather", arguments: { city: "Atlantis" } },
      ]),
      c.text("Sunny in Paris; Atlantis is unknown."),
    );
    const client = createOpenAIClient(settings());
    const turns: ChatTurn[] = [{ role: "user", text: "Weather in Paris and Atlantis?" }];

    const first = await client.chat({ turns, tools: [weatherTool] });
    expect(first.toolCalls).toEqual([
      { id: "call_1", name: "get_weather", arguments: { city: "Paris" } },
      { id: "call_2", name: "get_weather", arguments: { city: "Atlantis" } },
    ]);
    if (c.api === "chat-completions") expect(first.stopReason).toBe("tool_calls");

    turns.push(
      { role: "assistant", text: first.text, toolCalls: first.toolCalls },
      {
        role: "tool",
        results: [
          { id: "call_1", name: "get_weather", content: '{"sky":"sunny"}' },
          { id: "call_2", name: "get_weather", content: "unknown city", isError: true },
        ],
      },
    );
    const second = await client.chat({ turns, tools: [weatherTool] });
    expect(second.text).toBe("Sunny in Paris; Atlantis is unknown.");

    const firstBody = stub.requests[0]?.body;
    const body = stub.requests[1]?.body;
    if (c.api === "responses") {
      const tool = {
        type: "function",
        name: "get_weather",
        description: "The weather in a city.",
        parameters: weatherTool.inputSchema,
        strict: true,
      };
      expect(firstBody).toMatchObject({ tools: [tool] });
      expect(body).toMatchObject({
        tools: [tool],
        input: [
          { role: "user", content: "Weather in Paris and Atlantis?" },
          { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
          { type: "function_call", call_id: "call_2", name: "get_weather", arguments: '{"city":"Atlantis"}' },
          { type: "function_call_output", call_id: "call_1", output: '{"sky":"sunny"}' },
          { type: "function_call_output", call_id: "call_2", output: '{"error":"unknown city"}' },
        ],
      });
    } else {
      const tool = {
        type: "function",
        function: {
          name: "get_weather",
          description: "The weather in a city.",
          parameters: weatherTool.inputSchema,
          strict: true,
        },
      };
      expect(firstBody).toMatchObject({ tools: [tool] });
      expect(body).toMatchObject({
        tools: [tool],
        messages: [
          { role: "user", content: "Weather in Paris and Atlantis?" },
          {
            role: "assistant",
            content: null,
            tool_calls: [
              {
                id: "call_1",
                type: "function",
                function: { name: "get_weather", arguments: '{"city":"Paris"}' },
              },
              {
                id: "call_2",
                type: "function",
                function: { name: "get_weather", arguments: '{"city":"Atlantis"}' },
              },
            ],
          },
          { role: "tool", tool_call_id: "call_1", content: '{"sky":"sunny"}' },
          { role: "tool", tool_call_id: "call_2", content: '{"error":"unknown city"}' },
        ],
      });
    }
  });

  it("requests structured output with the schema (strict when in the strict subset)", async () => {
    stub.enqueue(c.text('{"name":"Ada","age":36}'), c.text('{"name":"Bob"}'));
    const client = createOpenAIClient(settings());

    const res = await client.chat({
      turns: [{ role: "user", text: "Ada, 36" }],
      output: { name: "person", schema: personSchema },
    });
    expect(JSON.parse(res.text)).toEqual({ name: "Ada", age: 36 });

    const loose = { type: "object", properties: { name: { type: "string" } } };
    await client.chat({ turns: [{ role: "user", text: "Bob" }], output: { name: "person", schema: loose } });

    const [strictBody, looseBody] = stub.requests.map((r) => r.body);
    if (c.api === "responses") {
      expect(strictBody).toMatchObject({
        text: { format: { type: "json_schema", name: "person", schema: personSchema, strict: true } },
      });
      expect(looseBody).toMatchObject({ text: { format: { schema: loose, strict: false } } });
    } else {
      expect(strictBody).toMatchObject({
        response_format: {
          type: "json_schema",
          json_schema: { name: "person", schema: personSchema, strict: true },
        },
      });
      expect(looseBody).toMatchObject({ response_format: { json_schema: { schema: loose, strict: false } } });
    }
  });

  it("keeps malformed tool-call arguments raw with malformed: true, and sends them back as is", async () => {
    stub.enqueue(
      c.edit(c.toolCalls([{ id: "call_m", name: "get_weather", arguments: {} }]), {
        arguments: '{"city": "Par',
      }),
      c.text("ok"),
    );
    const client = createOpenAIClient(settings());
    const res = await client.chat({ turns: hi, tools: [weatherTool] });
    expect(res.toolCalls).toEqual([
      { id: "call_m", name: "get_weather", arguments: '{"city": "Par', malformed: true },
    ]);

    await client.chat({
      turns: [
        ...hi,
        { role: "assistant", text: "", toolCalls: res.toolCalls },
        {
          role: "tool",
          results: [{ id: "call_m", name: "get_weather", content: "bad JSON", isError: true }],
        },
      ],
    });
    expect(JSON.stringify(stub.requests[1]?.body)).toContain(JSON.stringify('{"city": "Par'));
  });

  it("maps usage and the model the response reports", async () => {
    stub.enqueue(
      c.edit(c.text("x", { input: 123, output: 45 }), { model: "gpt-5-2025-08-07" }),
      c.edit(c.text("y"), { noUsage: true, model: "" }),
    );
    const client = createOpenAIClient(settings());
    const res = await client.chat({ turns: hi });
    expect(res.usage).toEqual({ inputTokens: 123, outputTokens: 45 });
    expect(res.model).toBe("gpt-5-2025-08-07");

    const bare = await client.chat({ turns: hi });
    expect(bare.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
    expect(bare.model).toBe("gpt-5");
  });

  it("retries a 429 after its retry-after, then succeeds", async () => {
    stub.enqueue(
      openaiError(429, "Rate limit reached for gpt-5.", { headers: { "retry-after": "0.05" } }),
      c.text("ok"),
    );
    const started = Date.now();
    const res = await createOpenAIClient(settings({ retries: 1 })).chat({ turns: hi });
    expect(res.text).toBe("ok");
    expect(stub.requests).toHaveLength(2);
    expect(stub.requests[1] && header(stub.requests[1], "x-stainless-retry-count")).toBe("1");
    // The SDK's own backoff would wait at least 375 ms; retry-after asked for 50 ms.
    expect(Date.now() - started).toBeLessThan(350);
  });

  it("gives up on a 500 after the retries with kind server", async () => {
    stub.enqueue(openaiError(500, "The server had an error."), openaiError(500, "The server had an error."));
    const err = await rejection(createOpenAIClient(settings({ retries: 1 })).chat({ turns: hi }));
    expect(err).toMatchObject({ provider: "openai", kind: "server", status: 500 });
    expect(err.message).toBe("openai failed with a server error (500): The server had an error.");
    expect(stub.requests).toHaveLength(2);
  });

  it("maps other 4xx to kind request with the provider's message", async () => {
    stub.enqueue(openaiError(404, "The model `gpt-nope` does not exist."));
    const err = await rejection(createOpenAIClient(settings({ retries: 2 })).chat({ turns: hi }));
    expect(err).toMatchObject({ kind: "request", status: 404 });
    expect(err.message).toContain("The model `gpt-nope` does not exist.");
    expect(err.message).not.toMatch(/\n\s+at /);
    expect(stub.requests).toHaveLength(1);
  });

  it("times out with kind timeout", async () => {
    stub.enqueue(delayed(c.text("too late"), 2_000));
    const started = Date.now();
    const err = await rejection(createOpenAIClient(settings({ timeoutMs: 200 })).chat({ turns: hi }));
    expect(err).toMatchObject({ kind: "timeout", status: undefined });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("rejects a wrong key with kind auth, without the key in the message", async () => {
    const apiKey = "sk-wrong-9876543210fedcbaQRS";
    const err = await rejection(createOpenAIClient(settings({ apiKey, retries: 2 })).chat({ turns: hi }));
    expect(err).toMatchObject({ kind: "auth", status: 401 });
    expect(err.message).toContain("Incorrect API key provided");
    expect(err.message).not.toContain(apiKey);
    expect(stub.requests).toHaveLength(1);
  });

  it("maps 403 to kind auth", async () => {
    stub.enqueue(openaiError(403, "Country, region, or territory not supported"));
    const err = await rejection(createOpenAIClient(settings()).chat({ turns: hi }));
    expect(err).toMatchObject({ kind: "auth", status: 403 });
  });

  it("redacts the key (and extra secrets) echoed in an error message", async () => {
    stub.enqueue(
      openaiError(
        400,
        `Invalid request with key ${stub.apiKey} (masked: sk-tes***fXYZ, ${stub.apiKey.slice(-6)})`,
      ),
      openaiError(400, "Bad header value org-secret-1234567890"),
    );
    const client = createOpenAIClient(settings(), ["org-secret-1234567890"]);
    const err = await rejection(client.chat({ turns: hi }));
    expect(err).toMatchObject({ kind: "request", status: 400 });
    expect(err.message).toContain("[redacted]");
    expect(err.message).not.toContain(stub.apiKey);
    expect(err.message).not.toContain(stub.apiKey.slice(-6));

    const second = await rejection(client.chat({ turns: hi }));
    expect(second.message).not.toContain("org-secret-1234567890");
  });

  it("aborts with kind aborted when request.signal fires", async () => {
    stub.enqueue(delayed(c.text("too late"), 2_000));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("fork sibling failed")), 50);
    const started = Date.now();
    const err = await rejection(
      createOpenAIClient(settings({ retries: 2 })).chat({ turns: hi, signal: controller.signal }),
    );
    expect(err).toMatchObject({ kind: "aborted" });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("aborts at once with an already aborted signal", async () => {
    const err = await rejection(
      createOpenAIClient(settings()).chat({ turns: hi, signal: AbortSignal.abort() }),
    );
    expect(err.kind).toBe("aborted");
    expect(stub.requests).toHaveLength(0);
  });

  it("reports a refused connection with kind connection", async () => {
    const port = await closedPort();
    const client = createOpenAIClient(settings({ baseURL: `http://127.0.0.1:${port}/v1` }));
    const err = await rejection(client.chat({ turns: hi }));
    expect(err).toMatchObject({ kind: "connection", status: undefined });
    expect(err.message).toContain("ECONNREFUSED");
  });
});

describe("isStrictSchema", () => {
  it("accepts objects that close additionalProperties and require every property, recursively", () => {
    expect(isStrictSchema(personSchema)).toBe(true);
    expect(
      isStrictSchema({
        type: "object",
        properties: {
          tags: {
            type: "array",
            items: {
              type: "object",
              properties: { k: { type: "string" } },
              required: ["k"],
              additionalProperties: false,
            },
          },
          when: { anyOf: [{ type: "string" }, { type: "null" }] },
        },
        required: ["tags", "when"],
        additionalProperties: false,
        $defs: { empty: { type: "object", properties: {}, additionalProperties: false } },
      }),
    ).toBe(true);
  });

  it("rejects a missing additionalProperties: false or an optional property at any depth", () => {
    expect(isStrictSchema({ type: "object", properties: { a: { type: "string" } }, required: ["a"] })).toBe(
      false,
    );
    expect(
      isStrictSchema({ type: "object", properties: { a: { type: "string" } }, additionalProperties: false }),
    ).toBe(false);
    const nested = (inner: Record<string, unknown>) => ({
      type: "object",
      properties: { list: { type: "array", items: inner } },
      required: ["list"],
      additionalProperties: false,
    });
    expect(
      isStrictSchema(nested({ type: "object", properties: { x: { type: "number" } }, required: ["x"] })),
    ).toBe(false);
    expect(
      isStrictSchema({
        type: "object",
        properties: {},
        additionalProperties: false,
        $defs: {
          loose: { type: "object", properties: { y: { type: "string" } }, additionalProperties: false },
        },
      }),
    ).toBe(false);
    expect(isStrictSchema({ type: "object", additionalProperties: { type: "string" } })).toBe(false);
  });
});
