import { describe, expect, it } from "vitest";
import { aiRuntime, llmHead, loadErrors } from "../../../test/runtime.ts";
import { anthropicText, startAnthropicStub } from "../../../test/stubs/anthropic.ts";
import { geminiText, startGeminiStub } from "../../../test/stubs/gemini.ts";
import { type StubServer, stubPerTest } from "../../../test/stubs/server.ts";

/**
 * One mapping block (a leaf: its fields under settings:; `target` is written at the block's
 * indentation and shifted under settings:), then `next` blocks.
 */
const flows = (target: string, next = "") => `
flows:
  - name: map
    process:
      - type: ai-mapping
        name: to-invoice
        settings:
          connector: llm
          prompt: Map orders to invoices.
${target.replace(/^/gm, "  ")}
${next}
`;

type Json = Record<string, unknown>;
const bodyOf = (stub: StubServer, i = 0) => stub.requests[i]?.body as Json;

const invoiceSchema = {
  type: "object",
  properties: { customer: { type: "string" }, total: { type: "number" } },
  required: ["customer", "total"],
};

describe("ai-mapping (Anthropic)", () => {
  const stub = stubPerTest(startAnthropicStub);

  const start = (yaml: string) => aiRuntime(llmHead("anthropic", stub.url) + yaml, { LLM_KEY: stub.apiKey });

  it("fails on a schema Ajv rejects before calling the model", async () => {
    const ai = await start(
      flows(`        outputSchema: { type: object, properties: { total: { type: 5 } } }`),
    );
    const outcome = await ai.runtime.invoke("map", { x: 1 });
    await ai.runtime.stop();
    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.error.message).toMatch(/^the JSON Schema is invalid: /);
    expect(stub.requests).toHaveLength(0);
  });

  it("R3.17 ai-mapping: asks with output_config.format and makes the structured answer the body", async () => {
    stub.enqueue(anthropicText('{"customer": "ACME", "total": 12.5}'));
    const ai = await start(
      flows(
        `        maxTokens: 321
        outputSchema:
          type: object
          properties: { customer: { type: string }, total: { type: number } }
          required: [customer, total]`,
        `      - { type: set-payload, settings: { value: 'body.customer + " owes " + string(body.total)' } }`,
      ),
    );
    const outcome = await ai.runtime.invoke("map", { buyer: "ACME", lines: [{ price: 12.5 }] });
    await ai.runtime.stop();
    expect(outcome.status).toBe("completed");
    expect(outcome.message.body).toBe("ACME owes 12.5");

    const req = bodyOf(stub);
    expect(req.max_tokens).toBe(321);
    expect(req.output_config).toEqual({ format: { type: "json_schema", schema: invoiceSchema } });
    expect(req.system).toContain("Map orders to invoices.");
    expect(req.system).toContain("Answer only with the output JSON.");
    expect(req.messages).toEqual([
      { role: "user", content: [{ type: "text", text: '{"buyer":"ACME","lines":[{"price":12.5}]}' }] },
    ]);
    expect(req.tools).toBeUndefined();
    expect(ai.blockEvents("ai.call")[0]).toMatchObject({
      block: "to-invoice",
      data: { provider: "anthropic", outcome: "ok" },
    });
  });

  it("reads outputSchema as JSON text", async () => {
    stub.enqueue(anthropicText('{"customer": "ACME", "total": 3}'));
    const ai = await start(flows(`        outputSchema: '${JSON.stringify(invoiceSchema)}'`));
    const outcome = await ai.runtime.invoke("map", { x: 1 });
    await ai.runtime.stop();
    expect(outcome.message.body).toEqual({ customer: "ACME", total: 3 });
    expect(bodyOf(stub).output_config).toEqual({ format: { type: "json_schema", schema: invoiceSchema } });
  });

  it("derives the schema from outputExample alone (every key required) and shows the examples", async () => {
    stub.enqueue(anthropicText('{"name": "Ada", "tags": ["vip"], "address": {"city": "Paris"}}'));
    const ai = await start(
      flows(`        inputExample: { first: Ada, labels: vip, town: Paris }
        outputExample: '{"name": "Ada", "tags": ["vip"], "address": {"city": "Paris"}}'`),
    );
    const outcome = await ai.runtime.invoke("map", { first: "Ada", labels: "vip", town: "Paris" });
    await ai.runtime.stop();
    expect(outcome.status).toBe("completed");
    expect(outcome.message.body).toEqual({ name: "Ada", tags: ["vip"], address: { city: "Paris" } });
    const req = bodyOf(stub);
    expect(req.output_config).toEqual({
      format: {
        type: "json_schema",
        schema: {
          type: "object",
          properties: {
            name: { type: "string" },
            tags: { type: "array", items: { type: "string" } },
            address: {
              type: "object",
              properties: { city: { type: "string" } },
              required: ["city"],
              additionalProperties: false,
            },
          },
          required: ["name", "tags", "address"],
          additionalProperties: false,
        },
      },
    });
    expect(req.system).toContain('Example input: {"first":"Ada","labels":"vip","town":"Paris"}');
    expect(req.system).toContain('Example output: {"name":"Ada","tags":["vip"],"address":{"city":"Paris"}}');
  });

  it("fails with the validation messages when the output does not match the schema", async () => {
    stub.enqueue(anthropicText('{"customer": "ACME", "total": "twelve", "extra": true}'));
    const ai = await start(flows(`        outputExample: { customer: ACME, total: 12.5 }`));
    const outcome = await ai.runtime.invoke("map", { x: 1 });
    await ai.runtime.stop();
    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.error.block).toBe("to-invoice");
    expect(outcome.error.message).toContain("the model's output does not match the target schema");
    expect(outcome.error.message).toContain("/total must be number");
    expect(outcome.error.message).toContain("must NOT have additional properties");
    expect(outcome.message.body).toEqual({ x: 1 });
  });

  it("fails clearly on output that is not JSON", async () => {
    stub.enqueue(anthropicText("Sure! The invoice is for ACME."));
    const ai = await start(flows(`        outputSchema: { type: object }`));
    const outcome = await ai.runtime.invoke("map", { x: 1 });
    await ai.runtime.stop();
    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.error.message).toMatch(
      /^the model's output is unusable: the answer is not JSON \(.*\): Sure! The invoice is for ACME\.$/,
    );
  });

  it("names load mistakes with file:line:col", () => {
    const errors = loadErrors(
      `${llmHead("anthropic", "http://127.0.0.1:9")}
flows:
  - name: a
    process:
      - { type: ai-mapping, settings: { connector: llm, prompt: p } }
      - { type: ai-mapping, settings: { connector: llm, prompt: p, outputSchema: "{nope" } }
      - { type: ai-mapping, settings: { connector: llm, prompt: p, outputSchema: '{"type": "objekt"}' } }
`,
      { LLM_KEY: "k" },
    ).join("\n");
    expect(errors).toMatch(/test\.yaml:\d+:\d+.*ai-mapping needs outputSchema or outputExample/);
    expect(errors).toMatch(/test\.yaml:\d+:\d+.*outputSchema is not JSON/);
    expect(errors).toMatch(/test\.yaml:\d+:\d+.*outputSchema has type "objekt"/);
  });
});

describe("ai-mapping (Gemini)", () => {
  const stub = stubPerTest(startGeminiStub);

  const start = (yaml: string) => aiRuntime(llmHead("gemini", stub.url) + yaml, { LLM_KEY: stub.apiKey });

  it("asks with responseMimeType + responseJsonSchema and maxOutputTokens", async () => {
    stub.enqueue(geminiText('{"customer": "ACME", "total": 7}'));
    const ai = await start(
      flows(`        maxTokens: 99
        outputSchema: '${JSON.stringify(invoiceSchema)}'`),
    );
    const outcome = await ai.runtime.invoke("map", "ACME bought one thing for 7");
    await ai.runtime.stop();
    expect(outcome.status).toBe("completed");
    expect(outcome.message.body).toEqual({ customer: "ACME", total: 7 });
    const req = bodyOf(stub);
    expect(req.generationConfig).toMatchObject({
      maxOutputTokens: 99,
      responseMimeType: "application/json",
      responseJsonSchema: invoiceSchema,
    });
    expect(req.contents).toEqual([{ role: "user", parts: [{ text: "ACME bought one thing for 7" }] }]);
  });

  it("wraps a non-object target as {result} on the wire and unwraps the answer", async () => {
    stub.enqueue(geminiText('{"result": [{"sku": "A1", "qty": 2}, {"sku": "B2", "qty": 1}]}'));
    const ai = await start(
      flows(`        outputSchema:
          type: array
          items: { type: object, properties: { sku: { type: string }, qty: { type: integer } }, required: [sku, qty] }`),
    );
    const outcome = await ai.runtime.invoke("map", "2x A1, 1x B2");
    await ai.runtime.stop();
    expect(outcome.status).toBe("completed");
    expect(outcome.message.body).toEqual([
      { sku: "A1", qty: 2 },
      { sku: "B2", qty: 1 },
    ]);
    expect((bodyOf(stub).generationConfig as Json).responseJsonSchema).toEqual({
      type: "object",
      properties: {
        result: {
          type: "array",
          items: {
            type: "object",
            properties: { sku: { type: "string" }, qty: { type: "integer" } },
            required: ["sku", "qty"],
          },
        },
      },
      required: ["result"],
      additionalProperties: false,
    });
  });

  it("wraps a scalar example target and checks the unwrapped value", async () => {
    stub.enqueue(geminiText('{"result": "not a number"}'));
    const ai = await start(flows(`        outputExample: 42`));
    const outcome = await ai.runtime.invoke("map", "forty-two");
    await ai.runtime.stop();
    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.error.message).toContain("/ must be number");
    expect((bodyOf(stub).generationConfig as Json).responseJsonSchema).toMatchObject({
      properties: { result: { type: "number" } },
    });
  });
});
