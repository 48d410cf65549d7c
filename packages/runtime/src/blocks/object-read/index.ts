import { z } from "zod";
import { cel } from "../../dsl/fields.ts";
import type { BlockDefinition } from "../../plugin/types.ts";
import { decodeJson, storeCall, storeKey, USER_NAMESPACE } from "../../services/kv-blocks.ts";

const fields = z.strictObject({
  key: cel("the object's key; must give a non-empty string"),
  as: z.string().min(1).optional().meta({
    description: "put the value in vars.<as> and leave the body alone (default: the value becomes the body)",
  }),
});

export const objectRead: BlockDefinition<{ settings: z.infer<typeof fields> }> = {
  type: "object-read",
  label: "Object Read",
  category: "processor",
  description:
    "Reads a JSON object stored with object-write (the runtime's key-value store, shared by replicas); a missing key gives null.",
  kind: "leaf",
  fields,
  compile(node, ctx) {
    const key = ctx.expr("key", node.settings.key);
    const as = node.settings.as;
    return async (msg, exec) => {
      const k = storeKey(key.evaluate(msg), "object-read");
      const entry = await storeCall("object-read", "reading", k, () =>
        exec.runtime.services.kv.get(USER_NAMESPACE, k),
      );
      let value: unknown = null;
      if (entry) {
        try {
          value = decodeJson(entry.value);
        } catch {
          throw new Error(`object-read: the value stored at key "${k}" is not JSON`);
        }
      }
      if (as === undefined) msg.body = value;
      else msg.vars[as] = value;
    };
  },
};
