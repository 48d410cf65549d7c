import { join } from "node:path";
import { defaultRegistry, loadRuntime } from "@octo/runtime";
import { describe, expect, it } from "vitest";

describe("builtins-demo sample", () => {
  it("summarizes orders with every core block", async () => {
    const lines: string[] = [];
    const logger = { log: (_level: string, message: string) => void lines.push(message) };
    const r = loadRuntime(join(import.meta.dirname), { registry: defaultRegistry(), osEnv: {}, logger });
    if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
    await r.runtime.start({ sources: false });
    const outcome = await r.runtime.invoke("summarize", {
      customer: "ada",
      orders: [
        { id: 1, total: 250 },
        { id: 2, total: 40 },
        { id: 3, total: 1200 },
      ],
    });
    await r.runtime.stop();
    expect(outcome.message.body).toEqual({
      customer: "ADA",
      orders: 3,
      total: 1490,
      tier: "gold",
      buckets: { small: 1, medium: 1, large: 1 },
    });
    expect(lines).toEqual(["summarized ADA, vars left: customer,total,tier"]);
  });
});
