import { z } from "zod";
import { cel } from "../../dsl/fields.ts";
import type { BlockDefinition } from "../../plugin/types.ts";
import { encodeJson, storeCall, storeKey, USER_NAMESPACE } from "../../services/kv-blocks.ts";

const fields = z.strictObject({
  key: cel("the object's key; must give a non-empty string"),
  value: cel("what to store (default: the body)").optional(),
});

export const objectWrite: BlockDefinition<{ settings: z.infer<typeof fields> }> = {
  type: "object-write",
  label: "Object Write",
  category: "processor",
  description:
    "Stores a JSON value under a key in the runtime's key-value store (shared by replicas), replacing what was there; the message is unchanged.",
  kind: "leaf",
  fields,
  compile(node, ctx) {
    const key = ctx.expr("key", node.settings.key);
    const value = node.settings.value === undefined ? undefined : ctx.expr("value", node.settings.value);
    return async (msg, exec) => {
      const k = storeKey(key.evaluate(msg), "object-write");
      const bytes = encodeJson(value ? value.evaluate(msg) : msg.body);
      // expectedVersion undefined: last write wins, as a flow step expects.
      await storeCall("object-write", "writing", k, () =>
        exec.runtime.services.kv.put(USER_NAMESPACE, k, bytes),
      );
    };
  },
};
