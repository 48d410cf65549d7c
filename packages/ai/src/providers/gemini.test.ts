import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { geminiError, geminiResponse, geminiText, startGeminiStub } from "../../test/stubs/gemini.ts";
import { delayed, type RecordedRequest, type StubServer } from "../../test/stubs/server.ts";
import { LlmError } from "../llm/errors.ts";
import type { ChatTurn, LlmSettings } from "../llm/types.ts";
import { createGeminiClient } from "./gemini.ts";

const MODEL = "gemini-2.5-flash";

/** A generateContent body the stub builders cannot express (string args, thoughts, no usage). */
function rawResponse(body: Record<string, unknown>): () => { body: Record<string, unknown> } {
  return () => ({ body });
}

async function rejection(promise: Promise<unknown>): Promise<LlmError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LlmError);
  return err as LlmError;
}

describe("gemini provider (real @google/genai against the stub)", () => {
  let stub: StubServer;

  function settings(overrides: Partial<LlmSettings> = {}): LlmSettings {
    return {
      apiKey: stub.apiKey,
      model: MODEL,
      baseURL: stub.url,
      maxTokens: 512,
      timeoutMs: 2_000,
      retries: 0,
      ...overrides,
    };
  }

  function body(i: number): Record<string, unknown> {
    return (stub.requests[i] as RecordedRequest).body as Record<string, unknown>;
  }

  beforeEach(async () => {
    stub = await startGeminiStub({ apiKey: "AIzaSy-test-key-0123456789" });
  });
  afterEach(() => stub.close());

  it("answers text; sends model, system and max tokens, no temperature unless set", async () => {
    const client = createGeminiClient(settings());
    expect(client.provider).toBe("gemini");
    expect(client.model).toBe(MODEL);
    stub.enqueue(geminiResponse([{ text: "Hello " }, { text: "there" }]));
    const res = await client.chat({ system: "Be brief.", turns: [{ role: "user", text: "Hi" }] });
    expect(res).toEqual({
      text: "Hello there",
      toolCalls: [],
      stopReason: "STOP",
      usage: { inputTokens: 10, outputTokens: 5 },
      model: MODEL,
    });

    expect(stub.requests[0]?.path).toBe(`/v1/models/${MODEL}:generateContent`);
    expect(body(0)).toMatchObject({
      contents: [{ role: "user", parts: [{ text: "Hi" }] }],
      systemInstruction: { parts: [{ text: "Be brief." }] },
      generationConfig: { maxOutputTokens: 512 },
    });
    expect(body(0).generationConfig).not.toHaveProperty("temperature");
    expect(body(0)).not.toHaveProperty("tools");

    const warm = createGeminiClient(settings({ temperature: 0.3 }));
    stub.enqueue(geminiText("ok"));
    await warm.chat({ turns: [{ role: "user", text: "Hi" }], maxTokens: 64 });
    expect(body(1).generationConfig).toEqual({ temperature: 0.3, maxOutputTokens: 64 });
    expect(body(1)).not.toHaveProperty("systemInstruction");
  });

  it("runs a tool round: functionCall out, functionCall + functionResponse back with the same ids", async () => {
    const client = createGeminiClient(settings());
    const tools = [
      {
        name: "get_weather",
        description: "Weather of a city",
        inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
      { name: "get_time", description: "Local time", inputSchema: { type: "object", properties: {} } },
    ];
    stub.enqueue(
      geminiResponse([
        { text: "Checking." },
        { functionCall: { name: "get_weather", args: { city: "Paris" } } },
        { functionCall: { name: "get_time", args: {} } },
      ]),
      geminiText("Sunny, and it is noon."),
    );
    const turns: ChatTurn[] = [{ role: "user", text: "Weather and time in Paris?" }];
    const first = await client.chat({ turns, tools });
    expect(first.text).toBe("Checking.");
    expect(first.toolCalls).toEqual([
      { id: expect.stringMatching(/^call_/), name: "get_weather", arguments: { city: "Paris" } },
      { id: expect.stringMatching(/^call_/), name: "get_time", arguments: {} },
    ]);
    const [weather, time] = first.toolCalls;
    if (!weather || !time) throw new Error("two tool calls expected");
    expect(weather.id).not.toBe(time.id);
    expect(body(0).tools).toEqual([
      {
        functionDeclarations: tools.map((t) => ({
          name: t.name,
          description: t.description,
          parametersJsonSchema: t.inputSchema,
        })),
      },
    ]);

    turns.push(
      { role: "assistant", text: first.text, toolCalls: first.toolCalls },
      {
        role: "tool",
        results: [
          { id: weather.id, name: "get_weather", content: '{"sky":"sunny"}' },
          { id: time.id, name: "get_time", content: "clock unavailable", isError: true },
        ],
      },
    );
    const second = await client.chat({ turns, tools });
    expect(second.text).toBe("Sunny, and it is noon.");
    expect(body(1).contents).toEqual([
      { role: "user", parts: [{ text: "Weather and time in Paris?" }] },
      {
        role: "model",
        parts: [
          { text: "Checking." },
          {
            functionCall: { id: weather.id, name: "get_weather", args: { city: "Paris" } },
            // No signature came with the call: the documented placeholder, on the first call only.
            thoughtSignature: "skip_thought_signature_validator",
          },
          { functionCall: { id: time.id, name: "get_time", args: {} } },
        ],
      },
      {
        role: "user",
        parts: [
          {
            functionResponse: { id: weather.id, name: "get_weather", response: { output: { sky: "sunny" } } },
          },
          { functionResponse: { id: time.id, name: "get_time", response: { error: "clock unavailable" } } },
        ],
      },
    ]);
  });

  it("keeps the provider's call id and replays its thought signature", async () => {
    const client = createGeminiClient(settings());
    stub.enqueue(
      rawResponse({
        candidates: [
          {
            content: {
              role: "model",
              parts: [
                {
                  functionCall: { id: "fc-42", name: "lookup", args: { q: "x" } },
                  thoughtSignature: "c2lnbmF0dXJl",
                },
              ],
            },
            finishReason: "STOP",
          },
        ],
      }),
      geminiText("done"),
    );
    const turns: ChatTurn[] = [{ role: "user", text: "Look it up" }];
    const first = await client.chat({ turns });
    expect(first.toolCalls).toEqual([{ id: "fc-42", name: "lookup", arguments: { q: "x" } }]);
    turns.push(
      { role: "assistant", text: "", toolCalls: first.toolCalls },
      { role: "tool", results: [{ id: "fc-42", name: "lookup", content: "[1,2]" }] },
    );
    await client.chat({ turns });
    expect(body(1).contents).toMatchObject([
      {},
      {
        role: "model",
        parts: [{ functionCall: { id: "fc-42", name: "lookup" }, thoughtSignature: "c2lnbmF0dXJl" }],
      },
      { role: "user", parts: [{ functionResponse: { id: "fc-42", response: { output: [1, 2] } } }] },
    ]);
  });

  it("asks for structured output with responseJsonSchema and returns the JSON text", async () => {
    const client = createGeminiClient(settings());
    const schema = {
      type: "object",
      properties: { name: { type: "string" }, age: { type: "integer" } },
      required: ["name", "age"],
    };
    stub.enqueue(geminiText('{"name":"Ada","age":36}'));
    const res = await client.chat({
      turns: [{ role: "user", text: "Ada, 36" }],
      output: { name: "person", schema },
    });
    expect(JSON.parse(res.text)).toEqual({ name: "Ada", age: 36 });
    expect(body(0).generationConfig).toMatchObject({
      responseMimeType: "application/json",
      responseJsonSchema: schema,
    });
  });

  it("keeps malformed tool-call arguments raw, flagged malformed", async () => {
    const client = createGeminiClient(settings());
    stub.enqueue(
      rawResponse({
        candidates: [
          {
            content: { role: "model", parts: [{ functionCall: { name: "lookup", args: '{"q": "x"' } }] },
            finishReason: "MALFORMED_FUNCTION_CALL",
          },
        ],
      }),
    );
    const res = await client.chat({ turns: [{ role: "user", text: "Look it up" }] });
    expect(res.toolCalls).toEqual([
      { id: expect.stringMatching(/^call_/), name: "lookup", arguments: '{"q": "x"', malformed: true },
    ]);
    expect(res.stopReason).toBe("MALFORMED_FUNCTION_CALL");
  });

  it("maps usage (thoughts count as output), the reported model, and absent usage as 0", async () => {
    const client = createGeminiClient(settings());
    stub.enqueue(
      rawResponse({
        candidates: [{ content: { role: "model", parts: [{ text: "42" }] }, finishReason: "STOP" }],
        usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 7, thoughtsTokenCount: 30 },
        modelVersion: "gemini-2.5-flash-001",
      }),
      rawResponse({ candidates: [], promptFeedback: { blockReason: "SAFETY" } }),
    );
    const res = await client.chat({ turns: [{ role: "user", text: "?" }] });
    expect(res.usage).toEqual({ inputTokens: 100, outputTokens: 37 });
    expect(res.model).toBe("gemini-2.5-flash-001");

    const blocked = await client.chat({ turns: [{ role: "user", text: "?" }] });
    expect(blocked).toEqual({
      text: "",
      toolCalls: [],
      stopReason: "SAFETY",
      usage: { inputTokens: 0, outputTokens: 0 },
      model: MODEL,
    });
  });

  it("retries a 429 (retry-after ignored by the SDK) and then succeeds", async () => {
    const client = createGeminiClient(settings({ retries: 1 }));
    stub.enqueue(
      geminiError(429, "Resource has been exhausted (e.g. check quota).", {
        headers: { "retry-after": "1" },
      }),
      geminiText("ok"),
    );
    const started = Date.now();
    const res = await client.chat({ turns: [{ role: "user", text: "Hi" }] });
    expect(res.text).toBe("ok");
    expect(stub.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("gives up on a 500 after the retries: kind server, status 500, Google's message", async () => {
    const client = createGeminiClient(settings({ retries: 1 }));
    stub.enqueue(
      geminiError(500, "An internal error has occurred."),
      geminiError(500, "An internal error has occurred."),
    );
    const err = await rejection(client.chat({ turns: [{ role: "user", text: "Hi" }] }));
    expect(err).toMatchObject({ provider: "gemini", kind: "server", status: 500 });
    expect(err.message).toBe("gemini failed with a server error (500): An internal error has occurred.");
    expect(stub.requests).toHaveLength(2);
  });

  it("maps other 4xx to request", async () => {
    const client = createGeminiClient(settings({ retries: 1 }));
    stub.enqueue(geminiError(404, "models/nope is not found for API version v1"));
    const err = await rejection(client.chat({ turns: [{ role: "user", text: "Hi" }] }));
    expect(err).toMatchObject({ kind: "request", status: 404 });
    expect(stub.requests).toHaveLength(1);
  });

  it("times out (per attempt) with kind timeout", async () => {
    const client = createGeminiClient(settings({ timeoutMs: 200 }));
    stub.enqueue(delayed(geminiText("too late"), 5_000));
    const err = await rejection(client.chat({ turns: [{ role: "user", text: "Hi" }] }));
    expect(err).toMatchObject({ kind: "timeout", status: undefined });
  });

  it("rejects a wrong key (400 API_KEY_INVALID) as auth, without the key in the message", async () => {
    const wrongKey = "AIzaSy-wrong-key-9876543210";
    const client = createGeminiClient(settings({ apiKey: wrongKey }));
    const err = await rejection(client.chat({ turns: [{ role: "user", text: "Hi" }] }));
    expect(err).toMatchObject({ kind: "auth", status: 400 });
    expect(err.message).toBe(
      "gemini rejected the API key (400): API key not valid. Please pass a valid API key.",
    );
    expect(err.message).not.toContain(wrongKey);
  });

  it("redacts the key (and extra secrets) echoed in an error message", async () => {
    const client = createGeminiClient(settings(), ["proxy-token-abc"]);
    stub.enqueue(geminiError(403, `Key ${stub.apiKey} (via proxy-token-abc) lacks permission`));
    const err = await rejection(client.chat({ turns: [{ role: "user", text: "Hi" }] }));
    expect(err).toMatchObject({ kind: "auth", status: 403 });
    expect(err.message).not.toContain(stub.apiKey);
    expect(err.message).not.toContain("proxy-token-abc");
    expect(err.message).toContain("[redacted]");
  });

  it("aborts via the request's signal with kind aborted", async () => {
    const client = createGeminiClient(settings({ retries: 2 }));
    stub.enqueue(delayed(geminiText("too late"), 5_000));
    const controller = new AbortController();
    const pending = client.chat({ turns: [{ role: "user", text: "Hi" }], signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const err = await rejection(pending);
    expect(err).toMatchObject({ kind: "aborted" });
    expect(stub.requests).toHaveLength(1);

    const already = await rejection(
      client.chat({ turns: [{ role: "user", text: "Hi" }], signal: AbortSignal.abort() }),
    );
    expect(already.kind).toBe("aborted");
  });

  it("reports a refused connection as kind connection", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const client = createGeminiClient(settings({ baseURL: `http://127.0.0.1:${port}` }));
    const err = await rejection(client.chat({ turns: [{ role: "user", text: "Hi" }] }));
    expect(err).toMatchObject({ kind: "connection", status: undefined });
    expect(err.message).toContain("ECONNREFUSED");
  });

  it("retries a reset connection", async () => {
    // A server that drops the first connection and answers the second.
    let hits = 0;
    const flaky = createServer((req, res) => {
      hits += 1;
      if (hits === 1) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          candidates: [{ content: { role: "model", parts: [{ text: "back" }] }, finishReason: "STOP" }],
        }),
      );
    });
    await new Promise<void>((resolve) => flaky.listen(0, "127.0.0.1", resolve));
    const { port } = flaky.address() as AddressInfo;
    try {
      const client = createGeminiClient(settings({ baseURL: `http://127.0.0.1:${port}`, retries: 1 }));
      const res = await client.chat({ turns: [{ role: "user", text: "Hi" }] });
      expect(res.text).toBe("back");
      expect(hits).toBe(2);
    } finally {
      flaky.closeAllConnections();
      await new Promise<void>((resolve) => flaky.close(() => resolve()));
    }
  });
});
