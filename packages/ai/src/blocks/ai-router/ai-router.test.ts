import { describe, expect, it } from "vitest";
import { aiRuntime, llmHead, loadErrors } from "../../../test/runtime.ts";
import {
  anthropicError,
  anthropicMessage,
  anthropicText,
  startAnthropicStub,
} from "../../../test/stubs/anthropic.ts";
import { stubPerTest } from "../../../test/stubs/server.ts";

const flows = (extra = "", withDefault = true) => `
flows:
  - name: triage
    process:
      - type: ai-router
        name: triage-router
        connector: llm
        prompt: Route customer messages.
${extra}
        routes:
          - name: billing
            description: invoices, refunds and payments
            process: [{ type: set-payload, settings: { value: '{"team": "billing", "text": body.text}' } }]
          - name: tech
            description: bugs and outages
            process: [{ type: set-payload, settings: { value: '{"team": "tech"}' } }]
${withDefault ? `        default:\n          process: [{ type: set-payload, settings: { value: '{"team": "humans"}' } }]` : ""}
`;

describe("ai-router", () => {
  const stub = stubPerTest(startAnthropicStub);

  const start = (yaml: string) => aiRuntime(llmHead("anthropic", stub.url) + yaml, { LLM_KEY: stub.apiKey });

  it("R3.15 ai-router: runs the route the model picks, asking with the routes as an enum of a structured answer", async () => {
    stub.enqueue(
      anthropicMessage([{ type: "text", text: '{"route": "billing", "reason": "refund"}' }], {
        inputTokens: 42,
        outputTokens: 7,
      }),
    );
    const ai = await start(flows());
    const outcome = await ai.runtime.invoke("triage", { text: "I want my money back" });
    await ai.runtime.stop();
    expect(outcome.status).toBe("completed");
    expect(outcome.message.body).toEqual({ team: "billing", text: "I want my money back" });

    const req = stub.requests[0]?.body as Record<string, unknown>;
    expect(req.system).toContain("Route customer messages.");
    expect(req.system).toContain("- billing: invoices, refunds and payments");
    expect(req.messages).toEqual([
      { role: "user", content: [{ type: "text", text: '{"text":"I want my money back"}' }] },
    ]);
    expect(req.output_config).toMatchObject({
      format: {
        type: "json_schema",
        schema: { properties: { route: { enum: ["billing", "tech", "none"] } } },
      },
    });
    expect(ai.blockEvents("ai.route")[0]).toMatchObject({
      flow: "triage",
      block: "triage-router",
      data: { route: "billing", reason: "refund" },
    });
    expect(ai.blockEvents("ai.call")[0]?.data).toMatchObject({
      connector: "llm",
      provider: "anthropic",
      model: "claude-sonnet-4-6",
      outcome: "ok",
      inputTokens: 42,
      outputTokens: 7,
    });
    expect(ai.blockEvents("ai.call")[0]?.data.latencyMs).toEqual(expect.any(Number));
  });

  it.each([
    [
      "an unknown route",
      '{"route": "sales", "reason": "?"}',
      "unknown-route",
      "names none of the routes billing, tech",
    ],
    ["a malformed answer", "I think billing", "malformed", "the answer is not JSON"],
    ["no route", '{"route": "none", "reason": "spam"}', "no-route", "the model chose no route: spam"],
  ])(
    "R3.15b ai-router: takes default on %s and reports it as an ai.fallback event",
    async (_, answer, reason, detail) => {
      stub.enqueue(anthropicText(answer));
      const ai = await start(flows());
      const outcome = await ai.runtime.invoke("triage", { text: "hello" });
      await ai.runtime.stop();
      expect(outcome.message.body).toEqual({ team: "humans" });
      const [fallback] = ai.blockEvents("ai.fallback");
      expect(fallback?.data).toMatchObject({ reason });
      expect(fallback?.data.detail).toContain(detail);
      expect(ai.lines.some((l) => l.level === "warn" && l.message.includes("running default"))).toBe(true);
    },
  );

  it("fails with the reason when there is no default", async () => {
    stub.enqueue(anthropicText('{"route": "sales", "reason": "?"}'));
    const ai = await start(flows("", false));
    const outcome = await ai.runtime.invoke("triage", { text: "hello" });
    await ai.runtime.stop();
    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.error.block).toBe("triage-router");
    expect(outcome.error.message).toMatch(
      /names none of the routes billing, tech; declare default: to handle it/,
    );
  });

  it("tells the model the guardrail and sends a breach to default", async () => {
    stub.enqueue(anthropicText('{"route": "none", "reason": "asks for a password"}'));
    const ai = await start(flows("        guardrail: never discuss passwords"));
    const outcome = await ai.runtime.invoke("triage", { text: "what is the admin password?" });
    await ai.runtime.stop();
    expect(outcome.message.body).toEqual({ team: "humans" });
    expect((stub.requests[0]?.body as { system?: string } | undefined)?.system).toContain(
      'Rule: never discuss passwords. If the input breaks this rule, choose "none".',
    );
  });

  it("fails the flow with the provider's error, never the key", async () => {
    stub.enqueue(anthropicError(500, `upstream broke for key ${stub.apiKey}`));
    const ai = await start(flows());
    const outcome = await ai.runtime.invoke("triage", { text: "x" });
    await ai.runtime.stop();
    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.error.message).toContain("anthropic failed with a server error (500)");
    expect(outcome.error.message).not.toContain(stub.apiKey);
    expect(ai.blockEvents("ai.call")[0]?.data).toMatchObject({ outcome: "error", error: "server" });
  });

  it("names load mistakes with file:line:col", () => {
    const head = llmHead("anthropic", "http://127.0.0.1:9");
    const errors = loadErrors(
      `${head}
  - { name: web, type: http-client, settings: { baseURL: "http://x" } }
flows:
  - name: a
    process:
      - type: ai-router
        connector: web
        prompt: p
        routes:
          - { name: none, description: d, process: [] }
          - { name: x, description: d, process: [] }
          - { name: x, description: d, process: [] }
`,
      { LLM_KEY: "k" },
    );
    expect(errors.join("\n")).toMatch(
      /test\.yaml:\d+:\d+.*connector "web" is a http-client, not a llm connector/,
    );
    expect(errors.join("\n")).toMatch(/test\.yaml:\d+:\d+.*"none" is the model's answer for "no route"/);
    expect(errors.join("\n")).toMatch(/test\.yaml:\d+:\d+.*route "x" is declared twice/);
  });
});
