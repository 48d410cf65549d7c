import { join } from "node:path";
import { defaultRegistry, loadRuntime } from "@octo/runtime";
import { expect, it } from "vitest";

it("hello-invoke greets by name: {name: Ada} → {greeting: hello, Ada!}", async () => {
  const r = loadRuntime(join(import.meta.dirname, "hello-invoke.yaml"), {
    registry: defaultRegistry(),
    osEnv: {},
  });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  await r.runtime.start({ sources: false });
  const outcome = await r.runtime.invoke("greet", { name: "Ada" });
  await r.runtime.stop();
  expect(outcome).toMatchObject({ status: "completed", message: { body: { greeting: "hello, Ada!" } } });
});
