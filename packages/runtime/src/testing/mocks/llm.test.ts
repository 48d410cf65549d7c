import { describe, expect, it } from "vitest";
import { llmMockSchema } from "../test-file.ts";
import { mockLlmConnection, providerOf } from "./llm.ts";
import { Recorder } from "./recorder.ts";

const rules = (list: unknown[]) => list.map((r) => llmMockSchema.parse(r));

describe("mocked LLM connections", () => {
  it("has the shape the AI blocks read: name, provider (from the type), model, client", () => {
    const conn = mockLlmConnection("llm", "llm-gemini", { model: "" }, [], new Recorder());
    expect(conn).toMatchObject({ name: "llm", provider: "gemini", model: "gemini-default" });
    expect(conn.client).toMatchObject({ provider: "gemini", model: "gemini-default" });
    expect(mockLlmConnection("llm", "openai", { model: "gpt-x" }, [], new Recorder()).model).toBe("gpt-x");
    expect(providerOf("anthropic")).toBe("anthropic");
  });

  it("answers in order, each once: text, JSON as text, tool calls with ids", async () => {
    const recorder = new Recorder();
    const conn = mockLlmConnection(
      "llm",
      "anthropic",
      {},
      rules([
        { text: "hello" },
        { json: { route: "billing" }, usage: { inputTokens: 10, outputTokens: 2 } },
        {
          toolCalls: [
            { name: "lookup", arguments: { id: 1 } },
            { name: "quote", id: "mine" },
          ],
        },
      ]),
      recorder,
    );
    const ask = (text: string) => conn.client.chat({ system: "be brief", turns: [{ role: "user", text }] });
    expect(await ask("a")).toMatchObject({ text: "hello", toolCalls: [], stopReason: "end_turn" });
    expect(await ask("b")).toMatchObject({
      text: '{"route":"billing"}',
      usage: { inputTokens: 10, outputTokens: 2 },
    });
    expect(await ask("c")).toMatchObject({
      text: "",
      stopReason: "tool_use",
      toolCalls: [
        { id: "call_3_1", name: "lookup", arguments: { id: 1 } },
        { id: "mine", name: "quote", arguments: {} },
      ],
    });
    await expect(ask("d")).rejects.toThrow(
      "anthropic connection llm: no mocked answer left for model call 4; add one under mocks.llm",
    );
    expect(recorder.unmocked).toEqual(["llm llm: model call 4"]);
    expect(recorder.llm.map((c) => c.input)).toEqual(["a", "b", "c", "d"]);
  });

  it("records what the block sent: system, the last user text, turns, tools, structured output", async () => {
    const recorder = new Recorder();
    const conn = mockLlmConnection("llm", "openai", {}, rules([{ text: "ok" }]), recorder);
    await conn.client.chat({
      system: "route tickets",
      turns: [
        { role: "user", text: "first" },
        { role: "assistant", text: "", toolCalls: [] },
        { role: "user", text: "second" },
      ],
      tools: [{ name: "lookup" }],
      output: { name: "route_choice" },
      signal: new AbortController().signal,
    });
    expect(recorder.llm).toEqual([
      {
        connector: "llm",
        provider: "openai",
        model: "openai-default",
        system: "route tickets",
        input: "second",
        turns: [
          { role: "user", text: "first" },
          { role: "assistant", text: "", toolCalls: [] },
          { role: "user", text: "second" },
        ],
        tools: ["lookup"],
        output: "route_choice",
      },
    ]);
  });

  it("error: the call fails with the message; answers for another connection are not used", async () => {
    const recorder = new Recorder();
    const rs = rules([{ connector: "other", text: "not mine" }, { error: "429 rate limited" }]);
    const conn = mockLlmConnection("llm", "gemini", {}, rs, recorder);
    await expect(conn.client.chat({ turns: [] })).rejects.toThrow("gemini connection llm: 429 rate limited");
  });
});
