import { z } from "zod";
import { cel } from "../../dsl/fields.ts";
import type { BlockDefinition } from "../../plugin/types.ts";
import { storeCall, storeKey, USER_NAMESPACE } from "../../services/kv-blocks.ts";

const fields = z.strictObject({
  key: cel("the object's key; must give a non-empty string"),
});

export const objectDelete: BlockDefinition<{ settings: z.infer<typeof fields> }> = {
  type: "object-delete",
  label: "Object Delete",
  category: "processor",
  description: "Removes the object stored under a key (a missing key is fine); the message is unchanged.",
  kind: "leaf",
  fields,
  compile(node, ctx) {
    const key = ctx.expr("key", node.settings.key);
    return async (msg, exec) => {
      const k = storeKey(key.evaluate(msg), "object-delete");
      await storeCall("object-delete", "deleting", k, () =>
        exec.runtime.services.kv.delete(USER_NAMESPACE, k),
      );
    };
  },
};
