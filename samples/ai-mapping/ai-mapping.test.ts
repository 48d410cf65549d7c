// The ai-mapping sample: a messy CRM contact mapped to a clean one, checked against outputSchema,
// through `octo invoke` against a stub of each provider.
import { describe, expect, it } from "vitest";
import { invokeSample, octoErrors, octoSample, PROVIDERS, providerStubPerTest } from "../test/ai-stubs.ts";
import { CLEAN_CONTACT as CLEAN, CRM_CONTACT } from "./contacts.ts";

describe.each(PROVIDERS)("samples/ai-mapping on %s", (provider) => {
  const ai = providerStubPerTest(provider);

  it("maps the CRM contact to the clean shape, asking with the target schema and the examples", async () => {
    ai.stub.enqueue(ai.text(JSON.stringify(CLEAN)));
    const r = await invokeSample("ai-mapping", "import-contact", CRM_CONTACT, ai.env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ contact: CLEAN, displayName: "Grace Hopper" });

    expect(ai.stub.requests).toHaveLength(1);
    const sent = ai.sent(0);
    expect(sent).toContain("You clean up contacts exported from CRMs.");
    expect(sent).toContain("Example output:");
    expect(sent).toContain("Grace.Hopper@Navy.MIL");
    // The structured-output schema, in each provider's own field.
    expect(sent).toMatch(/"enum":\["lead","customer","churned"\]/);
  }, 15_000);

  it("an answer that breaks the schema fails with exit 1 and one line naming the problem", async () => {
    const { marketingOptIn: _, ...withoutOptIn } = CLEAN;
    ai.stub.enqueue(ai.text(JSON.stringify({ ...withoutOptIn, lifecycle: "prospect" })));
    const r = await invokeSample("ai-mapping", "import-contact", CRM_CONTACT, ai.env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(octoErrors(r.stderr)).toEqual([
      "octo: flow import-contact failed in block clean-contact: the model's output does not match the " +
        "target schema: / must have required property 'marketingOptIn'; " +
        "/lifecycle must be equal to one of the allowed values",
    ]);
  }, 15_000);
});

describe("samples/ai-mapping", () => {
  const ai = providerStubPerTest("openai");

  it("an answer that is not JSON fails with exit 1 and one line saying so", async () => {
    ai.stub.enqueue(ai.text("Sure! Here is the cleaned contact: Grace Hopper, grace.hopper@navy.mil"));
    const r = await invokeSample("ai-mapping", "import-contact", CRM_CONTACT, ai.env);
    expect(r.code).toBe(1);
    const [line, ...more] = octoErrors(r.stderr);
    expect(more).toEqual([]);
    expect(line).toMatch(
      /^octo: flow import-contact failed in block clean-contact: the model's output is unusable: /,
    );
  }, 15_000);

  it("octo validate accepts it", async () => {
    const r = await octoSample("ai-mapping", "validate", [], { AI_API_KEY: "k" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ok: .*service ai-mapping, 1 flow/);
  }, 15_000);
});
