// S5: a flow with N workers calling an upstream that answers after 10 ms, fed directly (no source)
// with its queue kept full. Each worker can complete at most one call per 10 ms, so the ideal is
// N × 100 msg/s; we report achieved ÷ ideal for N = 1, 2, 4, 8 (does throughput scale with workers?)
// and the same for hand-written fetch loops against the same stub (what the machine allows).
import { join } from "node:path";
import { startStub } from "../harness/process.ts";
import type { Scenario } from "../types.ts";
import { median, round, withChild } from "./memory-spawn.ts";
import type { S5Args, S5Run } from "./s5-child.ts";

export const S5_DELAY_MS = 10;
export const S5_WORKERS = [1, 2, 4, 8];
/**
 * Each side runs REPEATS times per worker count, alternating with the other, and the median run
 * counts: one slow run (another process taking the core) does not decide the figure. 100 calls
 * per worker × 10 ms = 1 s per run at the ideal rate.
 */
const REPEATS = 3;
const CALLS_PER_WORKER = 100;
const SMOKE_CALLS_PER_WORKER = 20;
/**
 * Calls of the unmeasured first pass of each side at the most workers (~1.5 s): without it the
 * first measured runs include the JIT compiling the runtime, the stub and fetch.
 */
const WARMUP_CALLS = 1_000;

export const s5Workers: Scenario = {
  id: "S5",
  title: "direct → flow with workers 1/2/4/8 → http-client to a 10 ms stub",
  async run(opts) {
    const perWorker = opts.smoke ? SMOKE_CALLS_PER_WORKER : CALLS_PER_WORKER;
    // No load generator runs during S5: the stub gets core 1 to itself, so its precise wait never
    // competes with the child (core 0) for CPU.
    const stub = await startStub({ delayMs: S5_DELAY_MS, pin: 1 });
    const metrics: Record<string, number> = {};
    try {
      await withChild(join(import.meta.dirname, "s5-child.ts"), async (child) => {
        const most = Math.max(...S5_WORKERS);
        const warmup: S5Args = { stubURL: stub.url, workers: most, messages: 0, warmup: WARMUP_CALLS };
        if (!opts.smoke) for (const side of ["octo", "baseline"]) await child.request<S5Run>(side, warmup);
        for (const workers of S5_WORKERS) {
          const args: S5Args = {
            stubURL: stub.url,
            workers,
            messages: workers * perWorker,
            warmup: workers * 10,
          };
          const ideal = (workers * 1000) / S5_DELAY_MS;
          const rates = { octo: [] as number[], baseline: [] as number[] };
          for (let i = 0; i < (opts.smoke ? 1 : REPEATS); i++) {
            for (const side of ["octo", "baseline"] as const) {
              const r = await child.request<S5Run>(side, args);
              rates[side].push(args.messages / (r.elapsedMs / 1000));
            }
          }
          for (const side of ["octo", "baseline"] as const) {
            const rps = median(rates[side]);
            const prefix = side === "octo" ? `w${workers}` : `baseline.w${workers}`;
            metrics[`${prefix}.rps`] = round(rps, 1);
            metrics[`${prefix}.ofIdeal`] = round(rps / ideal);
            opts.log(
              `  ${side} workers ${workers}: ${rps.toFixed(0)} msg/s of ${ideal} ideal (${((rps / ideal) * 100).toFixed(1)} %)`,
            );
          }
        }
      });
    } finally {
      await stub.stop();
    }
    const top = Math.max(...S5_WORKERS);
    const octoRps = metrics[`w${top}.rps`] ?? Number.NaN;
    const baselineRps = metrics[`baseline.w${top}.rps`] ?? Number.NaN;
    return {
      id: this.id,
      title: this.title,
      metrics: {
        ...metrics,
        "octo.rps": octoRps,
        "baseline.rps": baselineRps,
        ratio: round(octoRps / baselineRps),
        ofIdeal: metrics[`w${top}.ofIdeal`] ?? Number.NaN,
      },
      targets: [{ metric: "ofIdeal", op: ">=", value: 0.9 }],
      notes:
        `ideal = workers ÷ ${S5_DELAY_MS} ms; median of ${REPEATS} alternating runs of ${perWorker} calls ` +
        `per worker after warm-ups, with ` +
        `the queue kept full (3 × workers in flight). Octo in a child pinned to core 0, the stub ` +
        `(a node:http server, setTimeout ${S5_DELAY_MS} ms) in its own process beside the bench. ` +
        `baseline.* = the same number of fetch loops in the same child: what the stub and the ` +
        `machine allow. ofIdeal and octo.rps are for workers ${top}.`,
    };
  },
};
