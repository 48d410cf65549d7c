import { z } from "zod";
import { subFlow } from "../../dsl/fields.ts";
import { cloneMessage } from "../../engine/message.ts";
import type { BlockDefinition } from "../../plugin/types.ts";

const fields = z.strictObject({
  branches: z.array(subFlow()).min(1),
  aggregate: z.boolean().default(false).meta({
    description: "opt-in: the body becomes {branchName: branch body} instead of the unchanged input",
  }),
});

export const fork: BlockDefinition<z.infer<typeof fields>> = {
  type: "fork",
  label: "Fork",
  category: "control-flow",
  description:
    "Runs every branch concurrently on its own copy of the message (on the flow's pool). The first failure cancels the rest and fails the fork; on success the input passes through unchanged unless aggregate: true.",
  kind: "composite",
  fields,
  compile(node, ctx) {
    const branches = node.branches.map((b, i) => ({
      name: b.name ?? `branch${i + 1}`,
      step: ctx.blocks(["branches", i, "process"], b.process),
    }));
    const names = new Set<string>();
    node.branches.forEach((b, i) => {
      if (b.name && names.has(b.name))
        ctx.error(["branches", i, "name"], "duplicate-branch", `duplicate branch name "${b.name}"`);
      if (b.name) names.add(b.name);
    });
    const aggregate = node.aggregate;
    return async (msg, exec) => {
      const controller = new AbortController();
      exec.signal?.addEventListener("abort", () => controller.abort(), { once: true });
      const branchExec = { ...exec, signal: controller.signal };
      const copies = branches.map(() => cloneMessage(msg));
      await exec.runtime.runBranches(
        exec.flow,
        branches.map((b, i) => async () => {
          await b.step(copies[i] as typeof msg, branchExec);
        }),
        controller,
      );
      if (aggregate) msg.body = Object.fromEntries(branches.map((b, i) => [b.name, copies[i]?.body ?? null]));
    };
  },
};
