// The ai-retry sample: an order line whose quantity fails the check is revised by the model and
// checked again, through `octo invoke` against a stub of each provider.
import { describe, expect, it } from "vitest";
import { invokeSample, octoSample, PROVIDERS, providerStubPerTest } from "../test/ai-stubs.ts";

const QUANTITY_ERROR = "no such key: quantity must be a whole number from 1 to 100, got";

describe.each(PROVIDERS)("samples/ai-retry on %s", (provider) => {
  const ai = providerStubPerTest(provider);

  it('a quantity written as "three" fails the check, the model revises it to 3, and the order is accepted', async () => {
    ai.stub.enqueue(ai.text('{"sku": "A-1", "quantity": 3}'));
    const r = await invokeSample("ai-retry", "place-order", { sku: "A-1", quantity: "three" }, ai.env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ status: "accepted", order: { sku: "A-1", quantity: 3 } });

    // The model was sent the input and the check's error.
    expect(ai.stub.requests).toHaveLength(1);
    expect(ai.sent(0)).toContain("You repair order lines for a shop.");
    expect(ai.sent(0)).toContain(`${QUANTITY_ERROR} three`);
  }, 15_000);

  it("revisions that keep failing exhaust the 3 tries and the order is rejected with the last error", async () => {
    ai.stub.enqueue(ai.text('{"sku": "C-3", "quantity": 0}'), ai.text('{"sku": "C-3", "quantity": 0.5}'));
    const r = await invokeSample("ai-retry", "place-order", { sku: "C-3", quantity: "none" }, ai.env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      status: "rejected",
      reason: `${QUANTITY_ERROR} 0.5`,
      input: { sku: "C-3", quantity: "none" },
    });
    expect(ai.stub.requests).toHaveLength(2);
    expect(ai.stub.pending).toBe(0);
  }, 15_000);
});

describe("samples/ai-retry", () => {
  const ai = providerStubPerTest("gemini");

  it("a revision that is not JSON uses up a try; the next one is checked", async () => {
    ai.stub.enqueue(ai.text("The customer wants two boxes."), ai.text('{"sku": "B-7", "quantity": 2}'));
    const r = await invokeSample("ai-retry", "place-order", { sku: "B-7", quantity: "2 boxes" }, ai.env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ status: "accepted", order: { sku: "B-7", quantity: 2 } });
    expect(ai.sent(1)).toContain("That answer is unusable");
  }, 15_000);

  it("a provider error while revising rejects the order with that error", async () => {
    // Nothing scripted: the stub answers 400.
    const r = await invokeSample("ai-retry", "place-order", { sku: "A-1", quantity: "x" }, ai.env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ status: "rejected", input: { sku: "A-1", quantity: "x" } });
    expect(out.reason).toContain("gemini");
    expect(out.reason).not.toContain(ai.stub.apiKey);
  }, 15_000);

  it("valid input passes without a model call, and octo validate accepts it", async () => {
    const [valid, validate] = await Promise.all([
      invokeSample("ai-retry", "place-order", { sku: "A-1", quantity: 12 }, ai.env),
      octoSample("ai-retry", "validate", [], { AI_API_KEY: "k" }),
    ]);
    expect(valid.code, valid.stderr).toBe(0);
    expect(JSON.parse(valid.stdout)).toEqual({ status: "accepted", order: { sku: "A-1", quantity: 12 } });
    expect(ai.stub.requests).toEqual([]);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toMatch(/^ok: .*service ai-retry, 1 flow/);
  }, 15_000);
});
