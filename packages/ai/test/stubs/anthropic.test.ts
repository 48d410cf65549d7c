import Anthropic from "@anthropic-ai/sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { anthropicError, anthropicMessage, anthropicText, startAnthropicStub } from "./anthropic.ts";
import { delayed, header, type StubServer } from "./server.ts";

describe("anthropic stub with the real @anthropic-ai/sdk client", () => {
  let stub: StubServer;
  let client: Anthropic;

  beforeEach(async () => {
    stub = await startAnthropicStub();
    client = new Anthropic({ apiKey: stub.apiKey, baseURL: stub.url, maxRetries: 2, logLevel: "off" });
  });
  afterEach(() => stub.close());

  it("answers text and records the request", async () => {
    stub.enqueue(anthropicText("Hello from the stub"));
    const msg = await client.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 100,
      system: "Be brief.",
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(msg.content).toEqual([{ type: "text", text: "Hello from the stub", citations: null }]);
    expect(msg.stop_reason).toBe("end_turn");
    expect(msg.model).toBe("claude-sonnet-4-6");
    expect(msg.usage.input_tokens).toBe(10);
    expect(msg._request_id).toMatch(/^req_/);

    expect(stub.requests).toHaveLength(1);
    const [req] = stub.requests;
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe("/v1/messages");
    // SDK 1.x sends the API key as a Bearer token (no x-api-key) and a dated API version.
    expect(req && header(req, "authorization")).toBe(`Bearer ${stub.apiKey}`);
    expect(req && header(req, "anthropic-version")).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(req?.body).toMatchObject({ model: "claude-sonnet-4-6", max_tokens: 100, system: "Be brief." });
  });

  it("runs a tool call round", async () => {
    stub.enqueue(
      anthropicMessage([
        { type: "text", text: "Let me check." },
        { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
      ]),
      anthropicText("It is sunny in Paris."),
    );
    const tools: Anthropic.Tool[] = [
      {
        name: "get_weather",
        description: "Weather for a city",
        input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
    ];
    const messages: Anthropic.MessageParam[] = [{ role: "user", content: "Weather in Paris?" }];
    const first = await client.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 100,
      tools,
      messages,
    });
    expect(first.stop_reason).toBe("tool_use");
    const toolUse = first.content.find((b) => b.type === "tool_use");
    expect(toolUse).toMatchObject({ id: "toolu_1", name: "get_weather", input: { city: "Paris" } });

    messages.push(
      { role: "assistant", content: first.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "sunny" }] },
    );
    const second = await client.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 100,
      tools,
      messages,
    });
    expect(second.content[0]).toMatchObject({ type: "text", text: "It is sunny in Paris." });

    expect(stub.requests[0]?.body).toMatchObject({ tools: [{ name: "get_weather" }] });
    expect(stub.requests[1]?.body).toMatchObject({
      messages: [
        { role: "user" },
        { role: "assistant", content: [{ type: "text" }, { type: "tool_use", id: "toolu_1" }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "sunny" }] },
      ],
    });
  });

  it("answers structured output (output_config.format json_schema, and tool-as-schema)", async () => {
    const schema = {
      type: "object",
      properties: { name: { type: "string" }, age: { type: "integer" } },
      required: ["name", "age"],
      additionalProperties: false,
    };
    stub.enqueue(
      anthropicText('{"name":"Ada","age":36}'),
      anthropicMessage([{ type: "tool_use", name: "person", input: { name: "Ada", age: 36 } }]),
    );
    const json = await client.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 100,
      messages: [{ role: "user", content: "Ada, 36" }],
      output_config: { format: { type: "json_schema", schema } },
    });
    const text = json.content[0]?.type === "text" ? json.content[0].text : "";
    expect(JSON.parse(text)).toEqual({ name: "Ada", age: 36 });
    expect(stub.requests[0]?.body).toMatchObject({
      output_config: { format: { type: "json_schema", schema } },
    });

    const viaTool = await client.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 100,
      messages: [{ role: "user", content: "Ada, 36" }],
      tools: [{ name: "person", input_schema: { ...schema, type: "object" } }],
      tool_choice: { type: "tool", name: "person" },
    });
    expect(viaTool.content[0]).toMatchObject({
      type: "tool_use",
      name: "person",
      input: { name: "Ada", age: 36 },
    });
    expect(stub.requests[1]?.body).toMatchObject({ tool_choice: { type: "tool", name: "person" } });
  });

  it("retries a 429 with retry-after, then succeeds", async () => {
    stub.enqueue(
      anthropicError(429, "Number of request tokens has exceeded your rate limit.", {
        headers: { "retry-after": "1" },
      }),
      anthropicText("ok"),
    );
    const msg = await client.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 10,
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(msg.content[0]).toMatchObject({ type: "text", text: "ok" });
    expect(stub.requests).toHaveLength(2);
    expect(stub.requests[1] && header(stub.requests[1], "x-stainless-retry-count")).toBe("1");
  });

  it("surfaces a 500 as InternalServerError once retries are spent", async () => {
    const noRetry = new Anthropic({ apiKey: stub.apiKey, baseURL: stub.url, maxRetries: 0, logLevel: "off" });
    stub.enqueue(anthropicError(500, "Internal server error"));
    const err = await noRetry.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 10, messages: [{ role: "user", content: "Hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.InternalServerError);
    expect(err).toMatchObject({ status: 500, type: "api_error" });
    expect((err as InstanceType<typeof Anthropic.APIError>).requestID).toMatch(/^req_/);
    expect(stub.requests).toHaveLength(1);
  });

  it("times out with APIConnectionTimeoutError", async () => {
    const impatient = new Anthropic({
      apiKey: stub.apiKey,
      baseURL: stub.url,
      maxRetries: 0,
      timeout: 100,
      logLevel: "off",
    });
    stub.enqueue(delayed(anthropicText("too late"), 5_000));
    const err = await impatient.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 10, messages: [{ role: "user", content: "Hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
  });

  it("rejects a wrong key with AuthenticationError", async () => {
    const wrong = new Anthropic({ apiKey: "wrong-key", baseURL: stub.url, maxRetries: 2, logLevel: "off" });
    const err = await wrong.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 10, messages: [{ role: "user", content: "Hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(err).toMatchObject({ status: 401, type: "authentication_error" });
    expect(stub.requests).toHaveLength(1);
    expect(stub.pending).toBe(0);
  });
});
