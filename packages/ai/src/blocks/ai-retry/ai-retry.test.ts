import { describe, expect, it } from "vitest";
import { aiRuntime, llmHead, loadErrors } from "../../../test/runtime.ts";
import { anthropicError, anthropicText, startAnthropicStub } from "../../../test/stubs/anthropic.ts";
import { type StubServer, stubPerTest } from "../../../test/stubs/server.ts";

/**
 * process: sets vars.seen ("leaked" when a former attempt's var is still there), logs the run,
 * then reads body.customer.id — a CEL error ("no such key: customer") on a bad input.
 */
const flows = (extra = "", withError = true) => `
flows:
  - name: order
    process:
      - type: ai-retry
        name: fixer
        connector: llm
        prompt: Fix order payloads.
${extra}
        process:
          - { type: set-variable, settings: { name: seen, value: 'has(vars.seen) ? "leaked" : "clean"' } }
          - { type: log, settings: { level: info, message: '"attempt on the input"' } }
          - { type: set-payload, settings: { value: '{"customer": body.customer.id, "seen": vars.seen}' } }
${
  withError
    ? `        error:
          - type: set-payload
            settings:
              value: '{"failed": vars.error.message, "at": vars.error.block, "original": body, "seen": has(vars.seen)}'`
    : ""
}
`;

type Json = Record<string, unknown>;
const messagesOf = (stub: StubServer, i: number) =>
  (stub.requests[i]?.body as Json | undefined)?.messages as Json[];
const userText = (text: string) => ({ role: "user", content: [{ type: "text", text }] });
const assistantText = (text: string) => ({ role: "assistant", content: [{ type: "text", text }] });

describe("ai-retry (Anthropic)", () => {
  const stub = stubPerTest(startAnthropicStub);

  const start = (yaml: string) => aiRuntime(llmHead("anthropic", stub.url) + yaml, { LLM_KEY: stub.apiKey });
  const runs = (ai: { lines: { message: string }[] }) =>
    ai.lines.filter((l) => l.message.includes("attempt on")).length;

  it("asks no model when process succeeds the first time", async () => {
    const ai = await start(flows());
    const outcome = await ai.runtime.invoke("order", { customer: { id: "c1" } });
    await ai.runtime.stop();
    expect(outcome.status).toBe("completed");
    expect(outcome.message.body).toEqual({ customer: "c1", seen: "clean" });
    expect(stub.requests).toHaveLength(0);
    expect(ai.blockEvents("ai.retry")).toHaveLength(0);
    expect(ai.blockEvents("ai.call")).toHaveLength(0);
  });

  it("R3.18 ai-retry: asks the model with the input and the error and re-runs process on its revision, from clean vars", async () => {
    stub.enqueue(anthropicText('```json\n{"customer": {"id": "c7"}}\n```'));
    const ai = await start(flows());
    const outcome = await ai.runtime.invoke("order", { cust: "c7" }, { vars: { tenant: "t1" } });
    await ai.runtime.stop();

    expect(outcome.status).toBe("completed");
    // seen is "clean": the failed attempt's set-variable did not reach the second.
    expect(outcome.message.body).toEqual({ customer: "c7", seen: "clean" });
    expect(outcome.message.vars).toMatchObject({ tenant: "t1", seen: "clean" });
    expect(runs(ai)).toBe(2);

    expect(stub.requests).toHaveLength(1);
    const req = stub.requests[0]?.body as Json;
    expect(req.system).toBe(
      "Fix order payloads.\n\nThe input below made a process fail. Answer only with a corrected input as JSON, in the same shape.",
    );
    expect(req.messages).toEqual([userText('Input:\n{"cust":"c7"}\n\nError: no such key: customer')]);
    expect(req.tools).toBeUndefined();

    expect(ai.blockEvents("ai.retry").map((e) => e.data)).toEqual([
      { attempt: 1, outcome: "failed", error: "no such key: customer" },
      { attempt: 2, outcome: "ok" },
    ]);
    expect(ai.blockEvents("ai.retry")[0]?.block).toBe("fixer");
    expect(ai.blockEvents("ai.call")[0]?.data).toMatchObject({ provider: "anthropic", outcome: "ok" });
  });

  it("bounds process runs by maxAttempts, then runs error: with vars.error and the original body", async () => {
    stub.enqueue(anthropicText('{"customer": "c1"}'), anthropicText('{"customer": {"name": "x"}}'));
    const ai = await start(flows("        maxAttempts: 3"));
    const outcome = await ai.runtime.invoke("order", { cust: "c1" });
    await ai.runtime.stop();

    expect(outcome.status).toBe("completed");
    expect(outcome.message.body).toEqual({
      failed: "no such key: id",
      at: "set-payload",
      original: { cust: "c1" },
      seen: false,
    });
    expect(runs(ai)).toBe(3);
    expect(stub.requests).toHaveLength(2);
    expect(messagesOf(stub, 1)).toEqual([
      userText('Input:\n{"cust":"c1"}\n\nError: no such key: customer'),
      assistantText('{"customer": "c1"}'),
      userText(`The corrected input failed too.\nError: ${messageOfSecondFailure(ai)}`),
    ]);
    expect(ai.blockEvents("ai.retry").map((e) => e.data.attempt)).toEqual([1, 2, 3]);
    expect(ai.blockEvents("ai.retry").every((e) => e.data.outcome === "failed")).toBe(true);
  });

  it("fails the flow with the last error when there is no error:", async () => {
    stub.enqueue(anthropicText('{"customer": {}}'));
    const ai = await start(flows("        maxAttempts: 2", false));
    const outcome = await ai.runtime.invoke("order", { cust: "c1" });
    await ai.runtime.stop();
    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.error.message).toBe("no such key: id");
    expect(stub.requests).toHaveLength(1);
  });

  it("runs process once and asks no model with maxAttempts: 1", async () => {
    const ai = await start(flows("        maxAttempts: 1"));
    const outcome = await ai.runtime.invoke("order", "nonsense");
    await ai.runtime.stop();
    expect(outcome.message.body).toMatchObject({ original: "nonsense", seen: false });
    expect(stub.requests).toHaveLength(0);
    expect(runs(ai)).toBe(1);
  });

  it("counts a non-JSON revision as an attempt and tells the model so", async () => {
    stub.enqueue(anthropicText("Sorry, I cannot fix that."), anthropicText('{"customer": {"id": "c9"}}'));
    const ai = await start(flows("        maxAttempts: 3"));
    const outcome = await ai.runtime.invoke("order", { cust: "c9" });
    await ai.runtime.stop();

    expect(outcome.status).toBe("completed");
    expect(outcome.message.body).toEqual({ customer: "c9", seen: "clean" });
    expect(runs(ai)).toBe(2);
    const third = messagesOf(stub, 1);
    expect(third.slice(0, 2)).toEqual([
      userText('Input:\n{"cust":"c9"}\n\nError: no such key: customer'),
      assistantText("Sorry, I cannot fix that."),
    ]);
    const told = String((third[2]?.content as Json[] | undefined)?.[0]?.text);
    expect(third[2]?.role).toBe("user");
    expect(told).toMatch(
      /^That answer is unusable: the answer is not JSON \(.*\): Sorry, I cannot fix that\./,
    );
    expect(told).toContain("Answer only with the corrected input as JSON.");
    expect(ai.blockEvents("ai.retry").at(-1)?.data).toEqual({ attempt: 3, outcome: "ok" });
  });

  it("fails with the process's error when the last attempt is a non-JSON revision", async () => {
    stub.enqueue(anthropicText("no idea"));
    const ai = await start(flows("        maxAttempts: 2", false));
    const outcome = await ai.runtime.invoke("order", { cust: 1 });
    await ai.runtime.stop();
    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.error.message).toMatch(/no such key: customer/);
    expect(runs(ai)).toBe(1);
  });

  it("ends the retries on a provider error and runs error: with it", async () => {
    stub.enqueue(anthropicError(500, "overloaded upstream"));
    const ai = await start(flows("        maxAttempts: 5"));
    const outcome = await ai.runtime.invoke("order", { cust: "c1" });
    await ai.runtime.stop();

    expect(outcome.status).toBe("completed");
    expect(outcome.message.body).toEqual({
      failed: "anthropic failed with a server error (500): overloaded upstream",
      at: "fixer",
      original: { cust: "c1" },
      seen: false,
    });
    expect(stub.requests).toHaveLength(1);
    expect(runs(ai)).toBe(1);
    expect(ai.blockEvents("ai.call")[0]?.data).toMatchObject({ outcome: "error", error: "server" });
  });

  it("names load mistakes with file:line:col", () => {
    const errors = loadErrors(
      `${llmHead("anthropic", "http://127.0.0.1:9")}
flows:
  - name: a
    process:
      - { type: ai-retry, connector: nope, prompt: p, process: [{ type: log, settings: { message: '"x"' } }] }
      - { type: ai-retry, connector: llm, prompt: p, maxAttempts: 0, process: [] }
`,
      { LLM_KEY: "k" },
    ).join("\n");
    expect(errors).toMatch(/test\.yaml:\d+:\d+.*no connector named "nope"/);
    expect(errors).toMatch(/test\.yaml:\d+:\d+.*"maxAttempts": Too small/);
    expect(errors).toMatch(/test\.yaml:\d+:\d+.*"process": Too small/);
  });
});

/** The error of the second attempt, as its ai.retry event carries it. */
function messageOfSecondFailure(ai: { blockEvents(name: string): { data: Json }[] }): string {
  return String(ai.blockEvents("ai.retry")[1]?.data.error);
}
