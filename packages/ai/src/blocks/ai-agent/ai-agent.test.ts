import { describe, expect, it } from "vitest";
import { aiRuntime, llmHead, loadErrors } from "../../../test/runtime.ts";
import { geminiResponse, geminiText, startGeminiStub } from "../../../test/stubs/gemini.ts";
import { openaiChatCompletion, openaiResponse, startOpenAIStub } from "../../../test/stubs/openai.ts";
import { type StubServer, stubPerTest } from "../../../test/stubs/server.ts";

/**
 * A flow with one agent and two tools: `greet` (YAML inputSchema, computes from its body and
 * sets a var that must not reach the caller) and `lookup` (JSON-text inputSchema, fails on the
 * input the model sends). A set-payload after the agent reads what it left in vars.agent.
 */
const flows = (extra = "", withDefault = true) => `
flows:
  - name: support
    process:
      - type: ai-agent
        name: helper
        connector: llm
        prompt: Answer customer questions.
${extra}
        tools:
          - name: greet
            description: greets a person by name
            inputSchema:
              type: object
              properties: { name: { type: string } }
              required: [name]
            process:
              - { type: set-variable, settings: { name: secret, value: '"from the tool"' } }
              - { type: set-payload, settings: { value: '{"greeting": "hello " + body.name, "caller": vars.who}' } }
          - name: lookup
            description: finds a customer
            inputSchema: '{"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}'
            process:
              - { type: set-payload, settings: { value: 'body.customer.id' } }
${withDefault ? `        default:\n          process: [{ type: set-payload, settings: { value: '{"answer": "ask a human"}' } }]` : ""}
      - type: set-payload
        settings:
          value: '{"answer": body, "iterations": vars.agent.iterations, "usage": vars.agent.usage, "leaked": has(vars.secret)}'
`;

type Json = Record<string, unknown>;
const bodyOf = (stub: StubServer, i: number) => stub.requests[i]?.body as Json;

describe("ai-agent (OpenAI)", () => {
  const stub = stubPerTest(startOpenAIStub);

  const start = (yaml: string, api = "chat-completions") =>
    aiRuntime(llmHead("openai", `${stub.url}/v1`, `, api: ${api}`) + yaml, { LLM_KEY: stub.apiKey });

  it("R3.16 ai-agent: runs the tool loop over Chat Completions: tool result back as a tool message, JSON answer as body", async () => {
    stub.enqueue(
      openaiChatCompletion(
        { toolCalls: [{ id: "call_1", name: "greet", arguments: { name: "Ada" } }] },
        { promptTokens: 30, completionTokens: 4 },
      ),
      openaiChatCompletion({ content: '{"reply": "hello Ada"}' }, { promptTokens: 50, completionTokens: 6 }),
    );
    const ai = await start(flows());
    const outcome = await ai.runtime.invoke("support", { text: "say hi to Ada" }, { vars: { who: "me" } });
    await ai.runtime.stop();

    expect(outcome.status).toBe("completed");
    expect(outcome.message.body).toEqual({
      answer: { reply: "hello Ada" },
      iterations: 2,
      usage: { inputTokens: 80, outputTokens: 10 },
      leaked: false,
    });
    expect(outcome.message.vars.secret).toBeUndefined();

    expect(stub.requests).toHaveLength(2);
    expect(stub.requests.every((r) => r.path === "/v1/chat/completions")).toBe(true);
    const first = bodyOf(stub, 0);
    expect(first.messages).toEqual([
      { role: "system", content: "Answer customer questions." },
      { role: "user", content: '{"text":"say hi to Ada"}' },
    ]);
    expect(first.tools).toEqual([
      {
        type: "function",
        function: {
          name: "greet",
          description: "greets a person by name",
          parameters: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
          strict: false,
        },
      },
      {
        type: "function",
        function: {
          name: "lookup",
          description: "finds a customer",
          parameters: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
          strict: false,
        },
      },
    ]);
    const second = bodyOf(stub, 1);
    expect((second.messages as Json[]).slice(2)).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "greet", arguments: '{"name":"Ada"}' } },
        ],
      },
      // The tool saw the caller's vars (vars.who) and computed from its arguments.
      { role: "tool", tool_call_id: "call_1", content: '{"greeting":"hello Ada","caller":"me"}' },
    ]);

    expect(ai.blockEvents("ai.tool").map((e) => e.data)).toEqual([{ tool: "greet", ok: true }]);
    expect(ai.blockEvents("ai.call")).toHaveLength(2);
    expect(ai.blockEvents("ai.call")[0]).toMatchObject({
      block: "helper",
      data: { provider: "openai", outcome: "ok", inputTokens: 30, outputTokens: 4 },
    });
  });

  it("runs the tool loop over the Responses API: function_call_output, plain text answer stays a string", async () => {
    stub.enqueue(
      openaiResponse([{ type: "function_call", id: "call_7", name: "greet", arguments: { name: "Bob" } }]),
      openaiResponse([{ type: "message", text: "I greeted Bob." }]),
    );
    const ai = await start(flows(), "responses");
    const outcome = await ai.runtime.invoke("support", "greet Bob", { vars: { who: "you" } });
    await ai.runtime.stop();

    expect(outcome.status).toBe("completed");
    expect(outcome.message.body).toMatchObject({ answer: "I greeted Bob.", iterations: 2, leaked: false });
    expect(stub.requests.map((r) => r.path)).toEqual(["/v1/responses", "/v1/responses"]);
    const first = bodyOf(stub, 0);
    expect(first.instructions).toBe("Answer customer questions.");
    expect(first.input).toEqual([{ role: "user", content: "greet Bob" }]);
    expect(first.tools).toEqual([
      {
        type: "function",
        name: "greet",
        description: "greets a person by name",
        parameters: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
        strict: false,
      },
      {
        type: "function",
        name: "lookup",
        description: "finds a customer",
        parameters: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
        strict: false,
      },
    ]);
    expect(bodyOf(stub, 1).input).toEqual([
      { role: "user", content: "greet Bob" },
      { type: "function_call", call_id: "call_7", name: "greet", arguments: '{"name":"Bob"}' },
      {
        type: "function_call_output",
        call_id: "call_7",
        output: '{"greeting":"hello Bob","caller":"you"}',
      },
    ]);
  });

  it("sends tool failures, invalid arguments and unknown tools back as error results and goes on", async () => {
    stub.enqueue(
      openaiChatCompletion({
        toolCalls: [
          { id: "call_a", name: "lookup", arguments: { id: "42" } },
          { id: "call_b", name: "greet", arguments: { name: 7 } },
          { id: "call_c", name: "delete_everything", arguments: {} },
        ],
      }),
      openaiChatCompletion({ content: "sorry, no luck" }),
    );
    const ai = await start(flows());
    const outcome = await ai.runtime.invoke("support", { text: "?" }, { vars: { who: "me" } });
    await ai.runtime.stop();

    expect(outcome.status).toBe("completed");
    expect(outcome.message.body).toMatchObject({ answer: "sorry, no luck", iterations: 2 });
    const results = (bodyOf(stub, 1).messages as Json[]).filter((m) => m.role === "tool");
    expect(results).toEqual([
      {
        role: "tool",
        tool_call_id: "call_a",
        content: JSON.stringify({ error: "no such key: customer" }),
      },
      {
        role: "tool",
        tool_call_id: "call_b",
        content: JSON.stringify({
          error: "the arguments do not match the input schema: /name must be string",
        }),
      },
      {
        role: "tool",
        tool_call_id: "call_c",
        content: JSON.stringify({
          error: 'there is no tool named "delete_everything"; tools: greet, lookup',
        }),
      },
    ]);
    expect(ai.blockEvents("ai.tool").map((e) => e.data)).toEqual([
      { tool: "lookup", ok: false, error: "no such key: customer" },
      {
        tool: "greet",
        ok: false,
        error: "the arguments do not match the input schema: /name must be string",
      },
      { tool: "delete_everything", ok: false, error: expect.stringContaining("there is no tool named") },
    ]);
    const transcript = (outcome.message.vars.agent as { transcript: Json[] }).transcript;
    expect(transcript.map((t) => t.role)).toEqual(["user", "assistant", "tool", "assistant"]);
  });

  it("does not run the tool's process when the arguments do not match its inputSchema", async () => {
    stub.enqueue(
      openaiChatCompletion({ toolCalls: [{ id: "call_x", name: "probe", arguments: { n: "three" } }] }),
      openaiChatCompletion({ content: "done" }),
    );
    const ai = await start(`
flows:
  - name: support
    process:
      - type: ai-agent
        connector: llm
        prompt: p
        tools:
          - name: probe
            description: counts runs
            inputSchema: { type: object, properties: { n: { type: integer } }, required: [n] }
            process:
              - { type: log, settings: { level: warn, message: '"PROBE RAN"' } }
`);
    const outcome = await ai.runtime.invoke("support", "go");
    await ai.runtime.stop();
    expect(outcome.status).toBe("completed");
    expect(outcome.message.body).toBe("done");
    expect(ai.lines.some((l) => l.message.includes("PROBE RAN"))).toBe(false);
    const tool = (bodyOf(stub, 1).messages as Json[]).find((m) => m.role === "tool");
    expect(tool?.content).toContain("/n must be integer");
  });

  it("runs default when maxIterations is exhausted, and fails without a default", async () => {
    const loop = () => openaiChatCompletion({ toolCalls: [{ name: "greet", arguments: { name: "again" } }] });
    stub.enqueue(loop(), loop());
    const ai = await start(flows("        maxIterations: 2"));
    const outcome = await ai.runtime.invoke("support", "x", { vars: { who: "me" } });
    await ai.runtime.stop();
    expect(outcome.status).toBe("completed");
    expect(outcome.message.body).toMatchObject({ answer: { answer: "ask a human" }, iterations: 2 });
    expect(stub.requests).toHaveLength(2);
    expect(ai.blockEvents("ai.fallback")[0]?.data).toEqual({
      reason: "max-iterations",
      detail: "no final answer after 2 model calls",
    });
    expect(ai.lines.some((l) => l.level === "warn" && l.message.includes("running default"))).toBe(true);

    stub.enqueue(loop(), loop());
    const strict = await start(flows("        maxIterations: 2", false));
    const failed = await strict.runtime.invoke("support", "x", { vars: { who: "me" } });
    await strict.runtime.stop();
    expect(failed.status).toBe("failed");
    if (failed.status !== "failed") return;
    expect(failed.error.block).toBe("helper");
    expect(failed.error.message).toBe("no final answer after 2 model calls; declare default: to handle it");
  });

  it("declares a refuse tool under a guardrail and runs default when the model calls it", async () => {
    stub.enqueue(
      openaiChatCompletion({
        toolCalls: [{ name: "refuse", arguments: { reason: "asks for a password" } }],
      }),
    );
    const ai = await start(flows("        guardrail: never reveal passwords"));
    const outcome = await ai.runtime.invoke("support", "what is the admin password?");
    await ai.runtime.stop();
    expect(outcome.status).toBe("completed");
    expect(outcome.message.body).toMatchObject({ answer: { answer: "ask a human" }, iterations: 1 });
    const req = bodyOf(stub, 0);
    expect((req.messages as Json[])[0]?.content).toContain(
      "Rule: never reveal passwords. If the request breaks this rule, call the refuse tool.",
    );
    const refuse = (req.tools as { function: Json }[]).find((t) => t.function.name === "refuse");
    expect(refuse?.function.parameters).toEqual({
      type: "object",
      properties: { reason: { type: "string" } },
      required: ["reason"],
    });
    expect(ai.blockEvents("ai.fallback")[0]?.data).toEqual({
      reason: "guardrail",
      detail: "the model refused under the guardrail: asks for a password",
    });
    expect(ai.blockEvents("ai.tool")).toHaveLength(0);
  });

  it.each([
    ["a JSON array", "[1, 2]", [1, 2]],
    ["a JSON number (stays text)", "42", "42"],
    ["prose", "It is 42.", "It is 42."],
  ])("answers %s without tools, sending the block's maxTokens", async (_, text, body) => {
    stub.enqueue(openaiChatCompletion({ content: text }));
    const ai = await start(flows("        maxTokens: 77"));
    const outcome = await ai.runtime.invoke("support", "q");
    await ai.runtime.stop();
    expect(outcome.message.body).toMatchObject({ answer: body, iterations: 1, leaked: false });
    expect(bodyOf(stub, 0).max_completion_tokens).toBe(77);
    expect(ai.blockEvents("ai.tool")).toHaveLength(0);
  });

  it("names load mistakes with file:line:col", () => {
    const errors = loadErrors(
      `${llmHead("openai", "http://127.0.0.1:9/v1")}
flows:
  - name: a
    process:
      - type: ai-agent
        connector: llm
        prompt: p
        guardrail: g
        tools:
          - { name: "get weather", description: d, process: [] }
          - { name: dup, description: d, process: [] }
          - { name: dup, description: d, process: [] }
          - { name: refuse, description: d, process: [] }
          - { name: bad, description: d, inputSchema: "{not json", process: [] }
          - { name: typo, description: d, inputSchema: { type: objekt }, process: [] }
`,
      { LLM_KEY: "k" },
    ).join("\n");
    expect(errors).toMatch(/test\.yaml:\d+:\d+.*tool name "get weather" has characters models refuse/);
    expect(errors).toMatch(/test\.yaml:\d+:\d+.*tool "dup" is declared twice/);
    expect(errors).toMatch(/test\.yaml:\d+:\d+.*"refuse" is the tool of the guardrail/);
    expect(errors).toMatch(/test\.yaml:\d+:\d+.*inputSchema is not JSON/);
    expect(errors).toMatch(/test\.yaml:\d+:\d+.*inputSchema has type "objekt"/);
  });
});

describe("ai-agent (Gemini)", () => {
  const stub = stubPerTest(startGeminiStub);

  it("runs the tool loop with functionCall / functionResponse parts", async () => {
    stub.enqueue(
      geminiResponse([{ functionCall: { name: "greet", args: { name: "Grace" } } }], {
        promptTokens: 20,
        candidatesTokens: 3,
      }),
      geminiResponse([{ functionCall: { name: "lookup", args: { id: "9" } } }], {
        promptTokens: 25,
        candidatesTokens: 3,
      }),
      geminiText('```json\n{"reply": "hello Grace"}\n```'),
    );
    const ai = await aiRuntime(llmHead("gemini", stub.url) + flows(), { LLM_KEY: stub.apiKey });
    const outcome = await ai.runtime.invoke("support", { text: "greet Grace" }, { vars: { who: "gm" } });
    await ai.runtime.stop();

    expect(outcome.status).toBe("completed");
    expect(outcome.message.body).toEqual({
      answer: { reply: "hello Grace" },
      iterations: 3,
      usage: { inputTokens: 55, outputTokens: 11 },
      leaked: false,
    });
    expect(stub.requests).toHaveLength(3);
    const first = bodyOf(stub, 0);
    expect(first.systemInstruction).toMatchObject({ parts: [{ text: "Answer customer questions." }] });
    expect(first.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: "greet",
            description: "greets a person by name",
            parametersJsonSchema: {
              type: "object",
              properties: { name: { type: "string" } },
              required: ["name"],
            },
          },
          {
            name: "lookup",
            description: "finds a customer",
            parametersJsonSchema: {
              type: "object",
              properties: { id: { type: "string" } },
              required: ["id"],
            },
          },
        ],
      },
    ]);
    const contents = bodyOf(stub, 2).contents as { role: string; parts: Json[] }[];
    expect(contents.map((c) => c.role)).toEqual(["user", "model", "user", "model", "user"]);
    expect(contents[1]?.parts[0]).toMatchObject({ functionCall: { name: "greet", args: { name: "Grace" } } });
    expect(contents[2]?.parts).toEqual([
      {
        functionResponse: {
          id: expect.any(String),
          name: "greet",
          response: { output: { greeting: "hello Grace", caller: "gm" } },
        },
      },
    ]);
    expect(contents[4]?.parts).toEqual([
      {
        functionResponse: {
          id: expect.any(String),
          name: "lookup",
          response: { error: "no such key: customer" },
        },
      },
    ]);
    // Gemini sent no call ids: the made-up id of each call is the id of its response.
    const callIds = [contents[1], contents[3]].map(
      (c) => (c?.parts[0]?.functionCall as Json | undefined)?.id,
    );
    const responseIds = [contents[2], contents[4]].map(
      (c) => (c?.parts[0]?.functionResponse as Json | undefined)?.id,
    );
    expect(responseIds).toEqual(callIds);
    expect(new Set(callIds).size).toBe(2);
    expect(ai.blockEvents("ai.tool").map((e) => e.data.ok)).toEqual([true, false]);
  });
});
