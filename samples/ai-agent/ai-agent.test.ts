// The ai-agent sample: an order assistant whose tools are flows of the same file, through
// `octo invoke`, against a stub of each provider that scripts the model's tool calls.
import { describe, expect, it } from "vitest";
import { invokeSample, octoSample, PROVIDERS, providerStubPerTest } from "../test/ai-stubs.ts";

const HANDOFF = "I can only help with orders and shipping; a colleague will get back to you.";

describe.each(PROVIDERS)("samples/ai-agent on %s", (provider) => {
  const ai = providerStubPerTest(provider);

  it("looks the order up, prices express shipping with the tool flows, and answers", async () => {
    const answer = "Order A-1001 has shipped with DHL; express shipping to France would cost 20 EUR.";
    ai.stub.enqueue(
      ai.toolCalls({ name: "lookup-order", args: { orderId: "A-1001" } }),
      ai.toolCalls({ name: "shipping-quote", args: { country: "FR", weightKg: 1.5, express: true } }),
      ai.text(answer),
    );
    const question = "Where is my order A-1001, and what would express shipping of it to France cost?";
    const r = await invokeSample("ai-agent", "assistant", { question }, ai.env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ answer, handoff: false, modelCalls: 3 });

    expect(ai.stub.requests).toHaveLength(3);
    // The tools were offered with their schemas; each flow's result went back to the model.
    expect(ai.sent(0)).toContain("lookup-order");
    expect(ai.sent(0)).toContain("^A-[0-9]+$");
    expect(ai.sent(0)).toContain(question);
    expect(ai.sent(1)).toMatch(/shipped.*DHL/);
    expect(ai.sent(2)).toMatch(/priceEUR.{1,4}20/);
  }, 15_000);

  it("a question off the guardrail (the model calls refuse) is handed over to a person", async () => {
    ai.stub.enqueue(ai.toolCalls({ name: "refuse", args: { reason: "not about an order" } }));
    const r = await invokeSample("ai-agent", "assistant", { question: "Write me a poem." }, ai.env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ answer: HANDOFF, handoff: true, modelCalls: 1 });
    expect(r.stderr).toContain("the model refused under the guardrail: not about an order");
    expect(ai.sent(0)).toContain("Rule: only questions about the customer's orders");
  }, 15_000);
});

describe("samples/ai-agent", () => {
  const ai = providerStubPerTest("anthropic");

  it("a failing tool (unknown order) and arguments off the schema reach the model as tool errors", async () => {
    ai.stub.enqueue(
      ai.toolCalls(
        { name: "lookup-order", args: { orderId: "A-9" } },
        { name: "shipping-quote", args: { country: "IT", weightKg: 1 } },
      ),
      ai.text("I could not find order A-9, and I cannot price shipping to Italy."),
    );
    const r = await invokeSample("ai-agent", "assistant", { question: "A-9 to Italy?" }, ai.env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      answer: "I could not find order A-9, and I cannot price shipping to Italy.",
      handoff: false,
      modelCalls: 2,
    });
    const sent = ai.stub.requests[1]?.body as { messages?: { content: unknown }[] } | undefined;
    // Anthropic: the assistant's tool_use turn, then one user turn holding both tool_results.
    expect(sent?.messages?.[2]?.content).toEqual([
      expect.objectContaining({ is_error: true, content: "no such key: A-9" }),
      expect.objectContaining({
        is_error: true,
        content: expect.stringContaining("the arguments do not match the input schema"),
      }),
    ]);
  }, 15_000);

  it("no answer within maxIterations (4 model calls) hands over to a person", async () => {
    for (let i = 0; i < 4; i++)
      ai.stub.enqueue(ai.toolCalls({ name: "lookup-order", args: { orderId: "A-1002" } }));
    const r = await invokeSample("ai-agent", "assistant", { question: "A-1002?" }, ai.env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ answer: HANDOFF, handoff: true, modelCalls: 4 });
    expect(ai.stub.requests).toHaveLength(4);
    expect(r.stderr).toContain("no final answer after 4 model calls");
  }, 15_000);

  it("octo validate accepts it, and its tools run alone", async () => {
    const env = { AI_API_KEY: "unused" };
    const [validate, order, quote] = await Promise.all([
      octoSample("ai-agent", "validate", [], env),
      invokeSample("ai-agent", "lookup-order", { orderId: "A-1003" }, env),
      invokeSample("ai-agent", "shipping-quote", { country: "DE", weightKg: 2 }, env),
    ]);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toMatch(/^ok: .*service ai-agent, 3 flow/);
    expect(JSON.parse(order.stdout)).toMatchObject({ orderId: "A-1003", status: "delivered" });
    expect(JSON.parse(quote.stdout)).toEqual({ country: "DE", weightKg: 2, express: false, priceEUR: 9 });
  }, 15_000);
});
