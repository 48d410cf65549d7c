import { z } from "zod";
import { cel, subFlow } from "../../dsl/fields.ts";
import type { Message } from "../../engine/message.ts";
import type { BlockDefinition, Exec } from "../../plugin/types.ts";
import { expectList } from "../checks.ts";

const fields = z.strictObject({
  items: cel("a CEL expression giving a list"),
  as: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .default("item")
    .meta({ description: "each element is vars.<as>; its position is vars.<as>Index" }),
  body: subFlow().meta({ description: "runs once per element" }),
});

export const foreach: BlockDefinition<z.infer<typeof fields>> = {
  type: "foreach",
  label: "For Each",
  category: "control-flow",
  description:
    "Runs body: once per element of a list, in order, with the element in vars.<as>. Each pass sees the body and vars the previous one left.",
  kind: "composite",
  fields,
  compile(node, ctx) {
    const items = ctx.expr("items", node.items);
    const body = ctx.blocks(["body", "process"], node.body.process);
    const as = node.as;
    const indexVar = `${as}Index`;
    const finish = (msg: Message) => {
      delete msg.vars[as];
      delete msg.vars[indexVar];
    };
    const loop = (msg: Message, exec: Exec, list: unknown[], from: number): void | Promise<void> => {
      for (let i = from; i < list.length; i++) {
        if (msg.dropped) return;
        msg.vars[as] = list[i];
        msg.vars[indexVar] = i;
        const r = body(msg, exec);
        if (r !== undefined) return r.then(() => loop(msg, exec, list, i + 1));
      }
      finish(msg);
    };
    return (msg, exec) => loop(msg, exec, expectList(items.evaluate(msg), "foreach items"), 0);
  },
};
