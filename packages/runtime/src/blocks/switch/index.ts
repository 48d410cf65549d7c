import { z } from "zod";
import { cel, subFlow } from "../../dsl/fields.ts";
import type { BlockDefinition, Expr, Step } from "../../plugin/types.ts";
import { expectBool } from "../checks.ts";

const fields = z.strictObject({
  cases: z.array(subFlow({ when: cel("a CEL expression that is true or false") })).min(1),
  default: subFlow().optional().meta({ description: "runs when no case matches" }),
});

export const switchBlock: BlockDefinition<z.infer<typeof fields>> = {
  type: "switch",
  label: "Switch",
  category: "control-flow",
  description: "Runs the first case whose when: is true, else default:.",
  kind: "composite",
  fields,
  compile(node, ctx) {
    const cases: [Expr, Step][] = node.cases.map((c, i) => [
      ctx.expr(["cases", i, "when"], c.when),
      ctx.blocks(["cases", i, "process"], c.process),
    ]);
    const fallback = node.default ? ctx.blocks(["default", "process"], node.default.process) : undefined;
    return (msg, exec) => {
      for (const [when, step] of cases) {
        if (expectBool(when.evaluate(msg), "switch case when")) return step(msg, exec);
      }
      return fallback?.(msg, exec);
    };
  },
};
