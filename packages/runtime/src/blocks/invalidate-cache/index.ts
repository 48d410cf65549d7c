import { z } from "zod";
import { cel } from "../../dsl/fields.ts";
import type { BlockDefinition } from "../../plugin/types.ts";
import { cacheEntryKey, SYSTEM_NAMESPACE, storeCall } from "../../services/kv-blocks.ts";

const fields = z.strictObject({
  key: cel("the cache key, as a cache-scope's key gives it"),
});

export const invalidateCache: BlockDefinition<{ settings: z.infer<typeof fields> }> = {
  type: "invalidate-cache",
  label: "Invalidate Cache",
  category: "processor",
  description:
    "Drops the cache-scope entry of a key, so the next run of that cache computes it again; the message is unchanged.",
  kind: "leaf",
  fields,
  compile(node, ctx) {
    const key = ctx.expr("key", node.settings.key);
    return async (msg, exec) => {
      const k = cacheEntryKey(key.evaluate(msg));
      await storeCall("invalidate-cache", "deleting", k, () =>
        exec.runtime.services.kv.delete(SYSTEM_NAMESPACE, k),
      );
    };
  },
};
