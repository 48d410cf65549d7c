import { z } from "zod";
import { cel, duration, durationMs, subFlow } from "../../dsl/fields.ts";
import type { BlockDefinition } from "../../plugin/types.ts";
import {
  cacheEntryKey,
  decodeJson,
  encodeJson,
  SYSTEM_NAMESPACE,
  storeCall,
} from "../../services/kv-blocks.ts";
import type { KeyValueStore } from "../../services/types.ts";

const fields = z.strictObject({
  key: cel(
    "the cache key; every cache-scope and replica shares one key space, so prefix keys per use " +
      '(e.g. "price:" + body.sku)',
  ),
  ttl: duration('how long an entry lives; "0" never expires').default("60s"),
  maxEntries: z.int().min(1).default(10_000).meta({
    description: "entries this block keeps per runtime; past this it deletes the oldest it wrote",
  }),
  body: subFlow().meta({ description: "runs on a miss; its resulting body is cached" }),
});

/** A stored entry: the body and when it expires (epoch ms, 0 = never), readable by every replica. */
interface Entry {
  body: unknown;
  expires: number;
}

/** The entry in stored bytes; anything else (not ours, corrupt) counts as a miss and is overwritten. */
function readEntry(bytes: Uint8Array): Entry | undefined {
  try {
    const v = decodeJson(bytes) as Partial<Entry> | null;
    return v !== null && typeof v === "object" && typeof v.expires === "number" && "body" in v
      ? (v as Entry)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The keys each cache-scope wrote, oldest first (a Set keeps insertion order), per store and per
 * block. The store has no expiry of its own, so this is what bounds it; user objects are never in
 * here. It lives beside the store, not in the compiled block, so a reload (`--watch` keeps the
 * services) takes over what the previous version of the block wrote instead of leaking it.
 */
const writtenByStore = new WeakMap<KeyValueStore, Map<string, Set<string>>>();

function writtenKeys(kv: KeyValueStore, block: string): Set<string> {
  let byBlock = writtenByStore.get(kv);
  if (!byBlock) {
    byBlock = new Map();
    writtenByStore.set(kv, byBlock);
  }
  let keys = byBlock.get(block);
  if (!keys) {
    keys = new Set();
    byBlock.set(block, keys);
  }
  return keys;
}

export const cacheScope: BlockDefinition<z.infer<typeof fields>> = {
  type: "cache-scope",
  label: "Cache",
  category: "control-flow",
  description:
    "Runs body: once per key and reuses its resulting body until the ttl passes. Entries live in the runtime's key-value store, so replicas share them.",
  kind: "composite",
  fields,
  compile(node, ctx) {
    const key = ctx.expr("key", node.key);
    const body = ctx.blocks(["body", "process"], node.body.process);
    const ttl = durationMs(node.ttl);
    const max = node.maxEntries;
    const block = `${ctx.flowName} ${JSON.stringify(ctx.path)}`;
    return async (msg, exec) => {
      const kv = exec.runtime.services.kv;
      const k = cacheEntryKey(key.evaluate(msg));
      const stored = await storeCall("cache-scope", "reading", k, () => kv.get(SYSTEM_NAMESPACE, k));
      const hit = stored && readEntry(stored.value);
      if (hit && (hit.expires === 0 || hit.expires > Date.now())) {
        msg.body = hit.body;
        return;
      }
      await body(msg, exec);
      // A dropped message has no result to reuse.
      if (msg.dropped) return;
      const entry: Entry = { body: msg.body, expires: ttl === 0 ? 0 : Date.now() + ttl };
      await storeCall("cache-scope", "writing", k, () => kv.put(SYSTEM_NAMESPACE, k, encodeJson(entry)));
      const written = writtenKeys(kv, block);
      written.delete(k);
      written.add(k);
      while (written.size > max) {
        const oldest = written.values().next().value as string;
        // Taken out before the await so concurrent messages do not evict the same key twice.
        written.delete(oldest);
        await storeCall("cache-scope", "deleting", oldest, () => kv.delete(SYSTEM_NAMESPACE, oldest)).catch(
          (e: unknown) => {
            written.add(oldest); // still stored: retried by the next write
            throw e;
          },
        );
      }
    };
  },
};
