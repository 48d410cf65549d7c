import { z } from "zod";
import type { BlockDefinition } from "../../plugin/types.ts";

const fields = z.strictObject({ name: z.string().min(1).meta({ description: "variable to remove" }) });

export const deleteVariable: BlockDefinition<{ settings: z.infer<typeof fields> }> = {
  type: "delete-variable",
  label: "Delete Variable",
  category: "processor",
  description: "Removes vars.<name>; the body is unchanged.",
  kind: "leaf",
  fields,
  compile(node) {
    const { name } = node.settings;
    return (msg) => {
      delete msg.vars[name];
    };
  },
};
