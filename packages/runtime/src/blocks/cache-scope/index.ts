import { z } from "zod";
import { cel, duration, durationMs, subFlow } from "../../dsl/fields.ts";
import type { BlockDefinition } from "../../plugin/types.ts";

const fields = z.strictObject({
  key: cel("the cache key"),
  ttl: duration('how long an entry lives; "0" never expires').default("60s"),
  maxEntries: z.int().min(1).default(10_000).meta({ description: "oldest entries are evicted past this" }),
  body: subFlow().meta({ description: "runs on a miss; its resulting body is cached" }),
});

interface Entry {
  body: unknown;
  expires: number;
}

export const cacheScope: BlockDefinition<z.infer<typeof fields>> = {
  type: "cache-scope",
  label: "Cache",
  category: "control-flow",
  description: "Runs body: once per key and reuses its resulting body until the ttl passes.",
  kind: "composite",
  fields,
  compile(node, ctx) {
    const key = ctx.expr("key", node.key);
    const body = ctx.blocks(["body", "process"], node.body.process);
    const ttl = durationMs(node.ttl);
    const max = node.maxEntries;
    // A Map keeps insertion order, so the first key is the oldest: a bounded FIFO cache.
    const entries = new Map<string, Entry>();
    return async (msg, exec) => {
      const k = JSON.stringify(key.evaluate(msg));
      const hit = entries.get(k);
      if (hit && (hit.expires === 0 || hit.expires > Date.now())) {
        msg.body = structuredClone(hit.body);
        return;
      }
      await body(msg, exec);
      entries.delete(k);
      entries.set(k, { body: structuredClone(msg.body), expires: ttl === 0 ? 0 : Date.now() + ttl });
      if (entries.size > max) entries.delete(entries.keys().next().value as string);
    };
  },
};
