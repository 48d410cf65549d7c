import { z } from "zod";
import { cel, subFlow } from "../../dsl/fields.ts";
import type { BlockDefinition } from "../../plugin/types.ts";
import { expectBool } from "../checks.ts";

const fields = z.strictObject({
  condition: cel("a CEL expression that is true or false"),
  then: subFlow().meta({ description: "runs when the condition is true" }),
  else: subFlow().optional().meta({ description: "runs when the condition is false" }),
});

export const ifBlock: BlockDefinition<z.infer<typeof fields>> = {
  type: "if",
  label: "If",
  category: "control-flow",
  description: "Runs then: when the condition is true, else: otherwise.",
  kind: "composite",
  fields,
  compile(node, ctx) {
    const condition = ctx.expr("condition", node.condition);
    const thenStep = ctx.blocks(["then", "process"], node.then.process);
    const elseStep = node.else ? ctx.blocks(["else", "process"], node.else.process) : undefined;
    return (msg, exec) => {
      if (expectBool(condition.evaluate(msg), "if condition")) return thenStep(msg, exec);
      return elseStep?.(msg, exec);
    };
  },
};
