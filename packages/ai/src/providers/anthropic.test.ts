import { createServer } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  anthropicError,
  anthropicMessage,
  anthropicText,
  startAnthropicStub,
} from "../../test/stubs/anthropic.ts";
import { delayed, header, type RecordedRequest, type StubServer } from "../../test/stubs/server.ts";
import { LlmError } from "../llm/errors.ts";
import type { ChatRequest, LlmClient, LlmSettings } from "../llm/types.ts";
import { createAnthropicClient } from "./anthropic.ts";

const MODEL = "claude-sonnet-4-6";
// Long enough that redact also masks its head and tail.
const KEY = "sk-ant-api03-test-key-0123456789";

let stub: StubServer;
const consoleSpies = (["log", "info", "warn", "error", "debug"] as const).map((m) => vi.spyOn(console, m));

beforeEach(async () => {
  stub = await startAnthropicStub({ apiKey: KEY });
  for (const spy of consoleSpies) spy.mockClear();
});
afterEach(async () => {
  await stub.close();
  for (const spy of consoleSpies) expect(spy).not.toHaveBeenCalled();
});

function client(overrides: Partial<LlmSettings> = {}, secrets?: string[]): LlmClient {
  return createAnthropicClient(
    {
      apiKey: KEY,
      model: MODEL,
      baseURL: stub.url,
      maxTokens: 256,
      timeoutMs: 2_000,
      retries: 0,
      ...overrides,
    },
    secrets,
  );
}

const hi: ChatRequest = { turns: [{ role: "user", text: "Hi" }] };

async function failure(promise: Promise<unknown>): Promise<LlmError> {
  const err = await promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LlmError);
  return err as LlmError;
}

function body(i: number): Record<string, unknown> {
  return stub.requests[i]?.body as Record<string, unknown>;
}

describe("createAnthropicClient", () => {
  it("answers plain text and maps system, model and max tokens", async () => {
    stub.enqueue(
      anthropicMessage([
        { type: "text", text: "Hello, " },
        { type: "text", text: "world" },
      ]),
    );
    const llm = client();
    expect(llm.provider).toBe("anthropic");
    expect(llm.model).toBe(MODEL);

    const res = await llm.chat({ system: "Be brief.", ...hi });
    expect(res).toEqual({
      text: "Hello, world",
      toolCalls: [],
      stopReason: "end_turn",
      usage: { inputTokens: 10, outputTokens: 5 },
      model: MODEL,
    });

    const req = stub.requests[0] as RecordedRequest;
    expect(req.path).toBe("/v1/messages");
    expect(header(req, "authorization")).toBe(`Bearer ${KEY}`);
    expect(header(req, "x-stainless-retry-count")).toBe("0");
    expect(req.body).toEqual({
      model: MODEL,
      max_tokens: 256,
      system: "Be brief.",
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
    });
    expect(body(0)).not.toHaveProperty("temperature");
    expect(body(0)).not.toHaveProperty("tools");
    expect(body(0)).not.toHaveProperty("output_config");
  });

  it("sends temperature only when set, and request.maxTokens over the setting", async () => {
    stub.enqueue(anthropicText("ok"));
    await client({ temperature: 0 }).chat({ ...hi, maxTokens: 42 });
    expect(body(0)).toMatchObject({ temperature: 0, max_tokens: 42 });
    expect(body(0)).not.toHaveProperty("system");
  });

  it("runs a tool round with native tool_use / tool_result blocks and matching ids", async () => {
    stub.enqueue(
      anthropicMessage([
        { type: "text", text: "Checking." },
        { type: "tool_use", id: "toolu_a", name: "get_weather", input: { city: "Paris" } },
        { type: "tool_use", id: "toolu_b", name: "get_weather", input: { city: "Atlantis" } },
      ]),
      anthropicText("Sunny in Paris; Atlantis is unknown."),
    );
    const llm = client();
    const tools = [
      {
        name: "get_weather",
        description: "Weather for a city",
        inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
    ];
    const first = await llm.chat({ ...hi, tools });
    expect(first.stopReason).toBe("tool_use");
    expect(first.text).toBe("Checking.");
    expect(first.toolCalls).toEqual([
      { id: "toolu_a", name: "get_weather", arguments: { city: "Paris" } },
      { id: "toolu_b", name: "get_weather", arguments: { city: "Atlantis" } },
    ]);
    expect(body(0).tools).toEqual([
      {
        name: "get_weather",
        description: "Weather for a city",
        input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
    ]);

    const second = await llm.chat({
      tools,
      turns: [
        hi.turns[0] as ChatRequest["turns"][number],
        { role: "assistant", text: first.text, toolCalls: first.toolCalls },
        {
          role: "tool",
          results: [
            { id: "toolu_a", name: "get_weather", content: '{"sky":"sunny"}' },
            { id: "toolu_b", name: "get_weather", content: "unknown city", isError: true },
          ],
        },
      ],
    });
    expect(second.text).toBe("Sunny in Paris; Atlantis is unknown.");
    expect(body(1).messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Hi" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking." },
          { type: "tool_use", id: "toolu_a", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "toolu_b", name: "get_weather", input: { city: "Atlantis" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_a", content: '{"sky":"sunny"}' },
          { type: "tool_result", tool_use_id: "toolu_b", content: "unknown city", is_error: true },
        ],
      },
    ]);
  });

  it("merges tool results and a following user turn into one user message; skips empty assistant text", async () => {
    stub.enqueue(anthropicText("ok"));
    await client().chat({
      turns: [
        { role: "user", text: "Go" },
        {
          role: "assistant",
          text: "",
          toolCalls: [{ id: "toolu_x", name: "t", arguments: "{bad", malformed: true }],
        },
        { role: "tool", results: [{ id: "toolu_x", name: "t", content: "bad arguments", isError: true }] },
        { role: "user", text: "Try again" },
      ],
    });
    expect(body(0).messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Go" }] },
      // Malformed arguments cannot be sent as tool_use.input (must be an object).
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_x", name: "t", input: {} }] },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_x", content: "bad arguments", is_error: true },
          { type: "text", text: "Try again" },
        ],
      },
    ]);
  });

  it("requests structured output through output_config.format", async () => {
    const schema = {
      type: "object",
      properties: { name: { type: "string" }, age: { type: "integer" } },
      required: ["name", "age"],
      additionalProperties: false,
    };
    stub.enqueue(anthropicText('{"name":"Ada","age":36}'));
    const res = await client().chat({ ...hi, output: { name: "person", schema } });
    expect(body(0).output_config).toEqual({ format: { type: "json_schema", schema } });
    expect(JSON.parse(res.text)).toEqual({ name: "Ada", age: 36 });
  });

  it("keeps malformed tool-call arguments raw with malformed: true", async () => {
    const withRawInput = (req: RecordedRequest) => {
      const reply = anthropicMessage([{ type: "tool_use", id: "toolu_m", name: "t", input: {} }])(req);
      const b = reply.body as { content: Array<Record<string, unknown>> };
      b.content = [
        { type: "tool_use", id: "toolu_m", name: "t", input: '{"city": "Par', caller: { type: "direct" } },
        { type: "tool_use", id: "toolu_s", name: "t", input: '{"city":"Rome"}', caller: { type: "direct" } },
      ];
      return reply;
    };
    stub.enqueue(withRawInput);
    const res = await client().chat(hi);
    expect(res.toolCalls).toEqual([
      { id: "toolu_m", name: "t", arguments: '{"city": "Par', malformed: true },
      { id: "toolu_s", name: "t", arguments: { city: "Rome" } },
    ]);
  });

  it("maps usage, and 0 when the reply has none", async () => {
    stub.enqueue(
      anthropicMessage([{ type: "text", text: "a" }], { inputTokens: 123, outputTokens: 45 }),
      (req) => {
        const reply = anthropicText("b")(req);
        const b = reply.body as Record<string, unknown>;
        delete b.usage;
        b.model = "";
        return reply;
      },
    );
    const llm = client();
    expect((await llm.chat(hi)).usage).toEqual({ inputTokens: 123, outputTokens: 45 });
    const bare = await llm.chat(hi);
    expect(bare.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
    expect(bare.model).toBe(MODEL);
  });

  it("retries a 429 after retry-after, then succeeds", async () => {
    stub.enqueue(
      anthropicError(429, "Number of request tokens has exceeded your rate limit.", {
        headers: { "retry-after": "0.1" },
      }),
      anthropicText("ok"),
    );
    const started = Date.now();
    const res = await client({ retries: 1 }).chat(hi);
    expect(res.text).toBe("ok");
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(stub.requests).toHaveLength(2);
    expect(header(stub.requests[1] as RecordedRequest, "x-stainless-retry-count")).toBe("1");
  });

  it("reports a 429 left after the retries as rate-limit", async () => {
    stub.enqueue(anthropicError(429, "slow down", { headers: { "retry-after": "0" } }));
    const err = await failure(client().chat(hi));
    expect(err).toMatchObject({ provider: "anthropic", kind: "rate-limit", status: 429 });
    expect(err.message).toBe("anthropic is rate limiting the calls (429): slow down");
  });

  it("reports a 500 on every attempt as server, after the retries", async () => {
    const fail = anthropicError(500, "Internal server error", { headers: { "retry-after-ms": "20" } });
    stub.enqueue(fail, fail);
    const err = await failure(client({ retries: 1 }).chat(hi));
    expect(err).toMatchObject({ kind: "server", status: 500 });
    expect(err.message).toBe("anthropic failed with a server error (500): Internal server error");
    expect(stub.requests).toHaveLength(2);
  });

  it("uses a non-JSON error body as the detail, without the SDK's status prefix", async () => {
    stub.enqueue({ status: 502, body: "Bad gateway from the proxy" });
    const err = await failure(client().chat(hi));
    expect(err).toMatchObject({ kind: "server", status: 502 });
    expect(err.message).toBe("anthropic failed with a server error (502): Bad gateway from the proxy");
  });

  it("reports other 4xx as request, with the provider's message", async () => {
    stub.enqueue(anthropicError(404, "model: claude-nope"));
    const err = await failure(client().chat(hi));
    expect(err).toMatchObject({ kind: "request", status: 404 });
    expect(err.message).toBe("anthropic rejected the request (404): model: claude-nope");
  });

  it("times out after timeoutMs", async () => {
    stub.enqueue(delayed(anthropicText("too late"), 1_500));
    const started = Date.now();
    const err = await failure(client({ timeoutMs: 200 }).chat(hi));
    expect(err).toMatchObject({ kind: "timeout", status: undefined });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("reports a wrong key as auth, without the key", async () => {
    const wrong = "sk-ant-api03-wrong-key-987654321";
    const err = await failure(client({ apiKey: wrong }).chat(hi));
    expect(err).toMatchObject({ kind: "auth", status: 401 });
    expect(err.message).toBe("anthropic rejected the API key (401): invalid authentication credentials");
    expect(err.message).not.toContain(wrong);
    expect(stub.requests).toHaveLength(1);
  });

  it("reports 403 as auth", async () => {
    stub.enqueue(anthropicError(403, "Your API key does not have permission to use the specified resource."));
    const err = await failure(client().chat(hi));
    expect(err).toMatchObject({ kind: "auth", status: 403 });
  });

  it("redacts the key (and extra secrets) echoed in an error message", async () => {
    stub.enqueue(
      anthropicError(
        400,
        `invalid request for key ${KEY} (also ${KEY.slice(0, 10)}...${KEY.slice(-6)}) org-secret-1`,
      ),
    );
    const err = await failure(client({}, ["org-secret-1"]).chat(hi));
    expect(err.kind).toBe("request");
    expect(err.message).toContain("[redacted]");
    expect(err.message).not.toContain(KEY);
    expect(err.message).not.toContain(KEY.slice(-6));
    expect(err.message).not.toContain("org-secret-1");
  });

  it("aborts via request.signal", async () => {
    stub.enqueue(delayed(anthropicText("too late"), 1_500));
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const err = await failure(client({ retries: 2 }).chat({ ...hi, signal: controller.signal }));
    expect(err).toMatchObject({ kind: "aborted", status: undefined });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(stub.requests).toHaveLength(1);
  });

  it("does not send a request when the signal is already aborted", async () => {
    const err = await failure(client().chat({ ...hi, signal: AbortSignal.abort() }));
    expect(err.kind).toBe("aborted");
    expect(stub.requests).toHaveLength(0);
  });

  it("aborts during the SDK's retry wait", async () => {
    stub.enqueue(anthropicError(529, "Overloaded", { headers: { "retry-after": "5" } }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = await failure(client({ retries: 2 }).chat({ ...hi, signal: controller.signal }));
    expect(err.kind).toBe("aborted");
    expect(stub.requests).toHaveLength(1);
  });

  it("reports a refused connection as connection", async () => {
    const port = await closedPort();
    const llm = createAnthropicClient({
      apiKey: KEY,
      model: MODEL,
      baseURL: `http://127.0.0.1:${port}`,
      maxTokens: 10,
      timeoutMs: 1_000,
      retries: 0,
    });
    const err = await failure(llm.chat(hi));
    expect(err).toMatchObject({ kind: "connection", status: undefined });
    expect(err.message).toMatch(/^anthropic could not be reached: .*ECONNREFUSED/);
  });
});

/** A port nothing listens on: bind one, then release it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
