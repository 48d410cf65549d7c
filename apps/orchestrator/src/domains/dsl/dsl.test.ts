// The flow language over the API: the runtime's JSON Schema, its validation with line:col, and
// its CEL compiler checking one expression — what the editor and assistants build on.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestOrchestrator, type TestOrchestrator } from "../../../test/orchestrator.ts";

let orch: TestOrchestrator;
beforeAll(async () => {
  orch = await startTestOrchestrator();
}, 60_000);
afterAll(() => orch?.close());

it("serves the runtime's JSON Schema, AI blocks included", async () => {
  const schema = (await orch.client().dsl.schema.query()) as {
    $defs: { block: { oneOf: { title?: string; properties?: { type?: { const?: string } } }[] } };
  };
  const types = schema.$defs.block.oneOf.map((b) => b.properties?.type?.const);
  expect(types).toEqual(expect.arrayContaining(["set-payload", "switch", "foreach", "ai-mapping"]));
});

it("validates a definition as the runtime loads it, with line and column", async () => {
  const api = orch.client();
  const good =
    "flows:\n  - name: f\n    process:\n      - { type: set-payload, settings: { value: '1 + 1' } }\n";
  expect(await api.dsl.validate.query({ definition: good })).toEqual({ ok: true, problems: [] });

  const typo =
    "flows:\n  - name: f\n    process:\n      - { type: set-payload, settings: { value: '1 +' } }\n";
  const bad = await api.dsl.validate.query({ definition: typo });
  expect(bad.ok).toBe(false);
  expect(bad.problems[0]).toMatchObject({ line: 4 });
  expect(bad.problems[0]?.message).toMatch(/./);

  const needsEnv = "env:\n  - { name: TOKEN, required: true }\nflows:\n  - name: f\n    process: []\n";
  expect((await api.dsl.validate.query({ definition: needsEnv })).ok).toBe(false);
  expect(await api.dsl.validate.query({ definition: needsEnv, env: { TOKEN: "t" } })).toMatchObject({
    ok: true,
  });
});

it("checks one CEL expression with the runtime's variables and a scope's own", async () => {
  const api = orch.client();
  expect(await api.dsl.checkCel.query({ expression: "body.total * 2 + size(vars.id)" })).toEqual({
    ok: true,
    errors: [],
  });
  const broken = await api.dsl.checkCel.query({ expression: "body.total *" });
  expect(broken.ok).toBe(false);
  expect(broken.errors[0]?.message).toMatch(/./);
  expect((await api.dsl.checkCel.query({ expression: "item.price > 3" })).ok).toBe(false);
  expect((await api.dsl.checkCel.query({ expression: "item.price > 3", variables: ["item"] })).ok).toBe(true);
  await expect(api.dsl.checkCel.query({ expression: "1", variables: ["not a name"] })).rejects.toMatchObject({
    data: { code: "BAD_REQUEST" },
  });
});
