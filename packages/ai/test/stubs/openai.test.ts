import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openaiChatCompletion, openaiError, openaiResponse, startOpenAIStub } from "./openai.ts";
import { delayed, header, type StubServer } from "./server.ts";

describe("openai stub with the real openai client", () => {
  let stub: StubServer;
  let client: OpenAI;

  beforeEach(async () => {
    stub = await startOpenAIStub();
    client = new OpenAI({ apiKey: stub.apiKey, baseURL: `${stub.url}/v1`, maxRetries: 2, logLevel: "off" });
  });
  afterEach(() => stub.close());

  it("answers text (chat completions) and records the request", async () => {
    stub.enqueue(openaiChatCompletion({ content: "Hello from the stub" }));
    const res = await client.chat.completions.create({
      model: "gpt-5",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
    });
    expect(res.choices[0]?.message.content).toBe("Hello from the stub");
    expect(res.choices[0]?.finish_reason).toBe("stop");
    expect(res.model).toBe("gpt-5");
    expect(res.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 });
    expect(res._request_id).toMatch(/^req_/);

    const [req] = stub.requests;
    expect(req?.path).toBe("/v1/chat/completions");
    expect(req && header(req, "authorization")).toBe(`Bearer ${stub.apiKey}`);
    expect(req?.body).toMatchObject({
      model: "gpt-5",
      messages: [{ role: "system" }, { role: "user", content: "Hi" }],
    });
  });

  it("runs a tool call round (chat completions)", async () => {
    stub.enqueue(
      openaiChatCompletion({
        toolCalls: [{ id: "call_1", name: "get_weather", arguments: { city: "Paris" } }],
      }),
      openaiChatCompletion({ content: "It is sunny in Paris." }),
    );
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: "function",
        function: {
          name: "get_weather",
          parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        },
      },
    ];
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Weather in Paris?" }];
    const first = await client.chat.completions.create({ model: "gpt-5", messages, tools });
    const choice = first.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type === "function" && call.function.name).toBe("get_weather");
    expect(call?.type === "function" && JSON.parse(call.function.arguments)).toEqual({ city: "Paris" });

    if (choice) messages.push(choice.message);
    messages.push({ role: "tool", tool_call_id: "call_1", content: "sunny" });
    const second = await client.chat.completions.create({ model: "gpt-5", messages, tools });
    expect(second.choices[0]?.message.content).toBe("It is sunny in Paris.");
    expect(stub.requests[1]?.body).toMatchObject({
      messages: [
        { role: "user" },
        {
          role: "assistant",
          tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather" } }],
        },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
    });
  });

  it("answers structured output (response_format json_schema)", async () => {
    const schema = {
      type: "object",
      properties: { name: { type: "string" }, age: { type: "integer" } },
      required: ["name", "age"],
      additionalProperties: false,
    };
    stub.enqueue(openaiChatCompletion({ content: '{"name":"Ada","age":36}' }));
    const res = await client.chat.completions.create({
      model: "gpt-5",
      messages: [{ role: "user", content: "Ada, 36" }],
      response_format: { type: "json_schema", json_schema: { name: "person", strict: true, schema } },
    });
    expect(JSON.parse(res.choices[0]?.message.content ?? "")).toEqual({ name: "Ada", age: 36 });
    expect(stub.requests[0]?.body).toMatchObject({
      response_format: { type: "json_schema", json_schema: { name: "person", strict: true, schema } },
    });
  });

  it("speaks the Responses API (text, function call, json_schema)", async () => {
    stub.enqueue(
      openaiResponse([{ type: "message", text: "Hello" }]),
      openaiResponse([
        { type: "function_call", id: "call_9", name: "get_weather", arguments: { city: "Oslo" } },
      ]),
    );
    const text = await client.responses.create({
      model: "gpt-5",
      input: "Hi",
      text: { format: { type: "json_schema", name: "greeting", schema: { type: "object" } } },
    });
    expect(text.output_text).toBe("Hello");
    expect(text.usage?.total_tokens).toBe(15);
    expect(stub.requests[0]?.path).toBe("/v1/responses");
    expect(stub.requests[0]?.body).toMatchObject({
      text: { format: { type: "json_schema", name: "greeting" } },
    });

    const fc = await client.responses.create({
      model: "gpt-5",
      input: "Weather in Oslo?",
      tools: [{ type: "function", name: "get_weather", parameters: { type: "object" }, strict: false }],
    });
    expect(fc.output[0]).toMatchObject({ type: "function_call", call_id: "call_9", name: "get_weather" });
  });

  it("retries a 429 with retry-after, then succeeds", async () => {
    stub.enqueue(
      openaiError(429, "Rate limit reached for gpt-5 on requests per min (RPM).", {
        headers: { "retry-after": "1" },
      }),
      openaiChatCompletion({ content: "ok" }),
    );
    const res = await client.chat.completions.create({
      model: "gpt-5",
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(res.choices[0]?.message.content).toBe("ok");
    expect(stub.requests).toHaveLength(2);
    expect(stub.requests[1] && header(stub.requests[1], "x-stainless-retry-count")).toBe("1");
  });

  it("surfaces a 500 as InternalServerError", async () => {
    const noRetry = client.withOptions({ maxRetries: 0 });
    stub.enqueue(openaiError(500, "The server had an error while processing your request."));
    const err = await noRetry.chat.completions
      .create({ model: "gpt-5", messages: [{ role: "user", content: "Hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err).toMatchObject({ status: 500, type: "server_error" });
    expect(stub.requests).toHaveLength(1);
  });

  it("times out with APIConnectionTimeoutError", async () => {
    const impatient = client.withOptions({ maxRetries: 0, timeout: 100 });
    stub.enqueue(delayed(openaiChatCompletion({ content: "too late" }), 5_000));
    const err = await impatient.chat.completions
      .create({ model: "gpt-5", messages: [{ role: "user", content: "Hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  });

  it("rejects a wrong key with AuthenticationError", async () => {
    const wrong = new OpenAI({
      apiKey: "sk-wrong",
      baseURL: `${stub.url}/v1`,
      maxRetries: 2,
      logLevel: "off",
    });
    const err = await wrong.chat.completions
      .create({ model: "gpt-5", messages: [{ role: "user", content: "Hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err).toMatchObject({ status: 401, code: "invalid_api_key" });
    expect(stub.requests).toHaveLength(1);
  });
});
