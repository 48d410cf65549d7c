import { z } from "zod";
import { cel } from "../../dsl/fields.ts";
import type { BlockDefinition } from "../../plugin/types.ts";

const fields = z.strictObject({ value: cel("the new body") });

export const setPayload: BlockDefinition<{ settings: z.infer<typeof fields> }> = {
  type: "set-payload",
  label: "Set Payload",
  category: "processor",
  description: "Replaces the message body with the value of a CEL expression.",
  kind: "leaf",
  fields,
  compile(node, ctx) {
    const value = ctx.expr("value", node.settings.value);
    return (msg) => {
      msg.body = value.evaluate(msg);
    };
  },
};
