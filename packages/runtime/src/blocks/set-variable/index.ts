import { z } from "zod";
import { cel } from "../../dsl/fields.ts";
import type { BlockDefinition } from "../../plugin/types.ts";

const fields = z.strictObject({
  name: z.string().min(1).meta({ description: "variable name; read it as vars.<name>" }),
  value: cel("the variable's value"),
});

export const setVariable: BlockDefinition<{ settings: z.infer<typeof fields> }> = {
  type: "set-variable",
  label: "Set Variable",
  category: "processor",
  description: "Sets vars.<name> to the value of a CEL expression; the body is unchanged.",
  kind: "leaf",
  fields,
  compile(node, ctx) {
    const { name } = node.settings;
    const value = ctx.expr("value", node.settings.value);
    return (msg) => {
      msg.vars[name] = value.evaluate(msg);
    };
  },
};
