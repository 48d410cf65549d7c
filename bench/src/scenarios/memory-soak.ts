// Memory soak: 1 000 000 messages through the S2 transform in one process, with a full but bounded
// window of messages in flight. RSS after a full GC at the start, at 10 % and at the end; growth
// from 10 % to the end shows a leak (the first 10 % are warm-up: JIT, pools, caches filling).
import { join } from "node:path";
import type { Scenario } from "../types.ts";
import type { SoakArgs, SoakReport } from "./memory-soak-child.ts";
import { MiB, round, rssGrowthExNewSpace, withChild } from "./memory-spawn.ts";

/** ~5 s on the 2-core bench machine; a smoke run only checks that the scenario works. */
export const SOAK_MESSAGES = 1_000_000;
const SMOKE_MESSAGES = 20_000;
const WINDOW = 64;

export const memorySoak: Scenario = {
  id: "memory-soak",
  title: "1 000 000 messages through S2 in-process: RSS growth from 10 % to the end",
  async run(opts) {
    const args: SoakArgs = { messages: opts.smoke ? SMOKE_MESSAGES : SOAK_MESSAGES, window: WINDOW };
    opts.log(`  ${args.messages} messages, ${args.window} in flight`);
    const r = await withChild(join(import.meta.dirname, "memory-soak-child.ts"), (child) =>
      child.request<SoakReport>("soak", args),
    );
    const growth = (r.end.rss - r.at10.rss) / r.at10.rss;
    const flags = r.execArgv.filter((a) => a !== "--expose-gc").join(" ") || "none";
    opts.log(
      `  RSS ${(r.start.rss / MiB).toFixed(1)} → ${(r.at10.rss / MiB).toFixed(1)} (10 %) → ` +
        `${(r.end.rss / MiB).toFixed(1)} MiB (end): growth ${(growth * 100).toFixed(1)} %; node flags: ${flags}`,
    );
    return {
      id: this.id,
      title: this.title,
      metrics: {
        messages: args.messages,
        msgPerSec: round(args.messages / (r.elapsedMs / 1000), 0),
        "rss.startMiB": round(r.start.rss / MiB, 1),
        "rss.at10MiB": round(r.at10.rss / MiB, 1),
        "rss.endMiB": round(r.end.rss / MiB, 1),
        "heap.at10MiB": round(r.at10.heapUsed / MiB, 1),
        "heap.endMiB": round(r.end.heapUsed / MiB, 1),
        "newSpace.at10MiB": round(r.at10.newSpace / MiB, 1),
        "newSpace.endMiB": round(r.end.newSpace / MiB, 1),
        rssGrowth: round(growth, 4),
        heapGrowth: round((r.end.heapUsed - r.at10.heapUsed) / r.at10.heapUsed, 4),
        rssGrowthExNewSpace: round(rssGrowthExNewSpace(r.at10, r.end), 4),
        cpuUsPerMsg: round((r.cpuMs * 1000) / args.messages, 2),
        "gc.ms": round(r.gcMs, 0),
        "gc.youngMs": round(r.youngGcMs, 0),
        "gc.youngCount": r.youngGcs,
      },
      targets: [{ metric: "rssGrowth", op: "<=", value: 0.1 }],
      notes:
        `RSS and live heap after a full GC (node --expose-gc), in a child process of its own pinned ` +
        `to core 0 with octo run's node flags (${flags}); ${args.window} messages in flight, each ` +
        `with its own parsed body. newSpace is V8's young generation: by default V8 enlarges it under ` +
        `a high allocation rate and does not give it back, so RSS grows with a flat heap ` +
        `(rssGrowthExNewSpace leaves it out); octo run fixes its size (OCTO_NODE_OPTIONS= for V8's ` +
        `defaults). cpuUsPerMsg and gc.* (time in garbage collection during the run, and in ` +
        `scavenges of the young generation) show what the size costs.`,
    };
  },
};
